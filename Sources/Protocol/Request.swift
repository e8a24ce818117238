import JSON

/// One decoded request line: `{"id": 7, "op": "crawl", ...parameters}`.
public struct Request: Sendable {
    /// Echoed on every answer line; a string, a number or null.
    public let id: JSONValue

    /// The longest string id accepted. Every answer and event line repeats
    /// the id, so a megabyte id would cost a megabyte per line; an id is a
    /// correlation key, and 1 KiB is far more than any client needs. A
    /// longer one is refused with `bad_request` under `id: null`, the one
    /// id the answer can carry without repeating it.
    public static let maximumIDBytes = 1024
    public let op: String
    public let parameters: Parameters

    public init(id: JSONValue, op: String, parameters: Parameters) {
        self.id = id
        self.op = op
        self.parameters = parameters
    }

    /// Decodes a request from a parsed line.
    ///
    /// - Throws: `RequestDecodingError` with the id when one could be read, so
    ///   that even a request with a bad `op` is answered under its own id.
    public init(decoding value: JSONValue) throws(RequestDecodingError) {
        guard case .object(var members) = value else {
            throw RequestDecodingError(id: .null, error: ProtocolError(.badRequest, "a request must be a JSON object, got \(value.typeName)"))
        }
        let id = members.removeValue(forKey: "id") ?? .null
        switch id {
        case .null, .int, .double: break
        case .string(let text):
            let bytes = text.utf8.count
            guard bytes <= Self.maximumIDBytes else {
                throw RequestDecodingError(
                    id: .null, error: ProtocolError(.badRequest, "'id' is \(bytes) bytes long; at most \(Self.maximumIDBytes) are accepted")
                )
            }
        default:
            throw RequestDecodingError(id: .null, error: ProtocolError(.badRequest, "'id' must be a string or a number, got \(id.typeName)"))
        }
        guard let opValue = members.removeValue(forKey: "op") else {
            throw RequestDecodingError(id: id, error: ProtocolError(.badRequest, "missing 'op'"))
        }
        guard case .string(let op) = opValue else {
            throw RequestDecodingError(id: id, error: ProtocolError(.badRequest, "'op' must be a string, got \(opValue.typeName)"))
        }
        self.init(id: id, op: op, parameters: Parameters(members))
    }
}

/// A request that could not be decoded, with whatever id it carried.
public struct RequestDecodingError: Error, Sendable {
    public let id: JSONValue
    public let error: ProtocolError
}
