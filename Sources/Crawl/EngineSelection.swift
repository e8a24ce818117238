import Engines
import JSON
import Pool

/// The engine a request runs on: its kind and its configuration with
/// defaults filled, and the signature that keys the pool.
///
/// Every request and the permanent engine go through `init(kind:config:)`,
/// so a request without a config gets exactly the permanent engine's
/// signature (the pool this design comes from shipped a permanent browser
/// no request could match).
struct EngineSelection: Sendable {
    enum Engine: Sendable {
        case http(HTTPEngineConfiguration)
        case browser(BrowserEngineConfiguration)
    }

    let engine: Engine
    /// Computed once here, not on each read: hashing the canonical form is not free.
    let signature: EngineSignature

    init(kind: String, config: JSONObject) throws(CrawlError) {
        do {
            switch kind {
            case HTTPEngineConfiguration.kind:
                let configuration = try HTTPEngineConfiguration(json: .object(config))
                engine = .http(configuration)
                signature = configuration.signature
            case BrowserEngineConfiguration.kind:
                let configuration = try BrowserEngineConfiguration(json: .object(config))
                engine = .browser(configuration)
                signature = configuration.signature
            default:
                throw CrawlError(.engineUnavailable, "engine '\(kind)' is not available (known: \(EngineKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        } catch let error as EngineError {
            throw CrawlError(.badRequest, error.message)
        } catch let error as CrawlError {
            throw error
        } catch {
            throw CrawlError(.badRequest, "\(error)")
        }
    }

    var kind: String {
        switch engine {
        case .http: HTTPEngineConfiguration.kind
        case .browser: BrowserEngineConfiguration.kind
        }
    }
}
