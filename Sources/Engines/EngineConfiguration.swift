import JSON

/// The settings of one kind of engine, as a request or policies.lua gives them.
///
/// Equal settings must give an equal signature, because the pool shares one
/// engine per signature: `init(json:)` fills every default and normalises
/// what can be spelt two ways (header names are lower-cased), and
/// `canonicalJSON` writes every key out, sorted. A request without a config
/// and a request whose config spells out the defaults therefore meet the same
/// engine, and the permanent engine's signature is computed by this same path.
///
/// The HTTP engine implements it as `HTTPEngineConfiguration`; the browser
/// engine's configuration plugs in the same way, reading its keys with an
/// `EngineConfigurationReader`.
public protocol EngineConfiguration: Sendable, Hashable {
    /// The engine kind as the wire shows it: `"http"` or `"browser"`.
    static var kind: String { get }

    /// Reads a config object. `nil`, `null` and `{}` give the defaults.
    /// - Throws: `EngineError` with code `invalidConfiguration` for a value
    ///   that is not an object, an unknown key, or a value of the wrong type
    ///   or out of range; the message names the key.
    init(json: JSONValue?) throws(EngineError)

    /// The canonical form: an object holding every key with defaults filled
    /// in, keys sorted (`JSONValue.sortingKeys()`). Reading it back with
    /// `init(json:)` gives an equal configuration.
    var canonicalJSON: JSONValue { get }
}

extension EngineConfiguration {
    /// The signature the pool keys this configuration's engine by.
    public var signature: EngineSignature {
        EngineSignature(kind: Self.kind, canonical: canonicalJSON)
    }
}

extension JSONValue {
    /// This value with the members of every object, at every depth, sorted
    /// by the UTF-8 bytes of their keys; arrays keep their order.
    public func sortingKeys() -> JSONValue {
        switch self {
        case .object(let members):
            let sorted = members.map { ($0.key, $0.value.sortingKeys()) }
                .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            return .object(JSONObject(uniqueKeysWithValues: sorted))
        case .array(let elements):
            return .array(elements.map { $0.sortingKeys() })
        default:
            return self
        }
    }
}
