import JSON

/// `{"a": {"a": ... {}}}` with `levels` objects, the outer one included: a
/// config as deep as a client cares to send, for tests of nesting limits.
public func nestedObject(levels: Int) -> JSONObject {
    var value: JSONObject = [:]
    for _ in 1..<levels { value = ["a": .object(value)] }
    return value
}
