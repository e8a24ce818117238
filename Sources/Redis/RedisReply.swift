/// One reply from Redis, copied out of hiredis's `redisReply` so no C memory
/// outlives the call that read it.
///
/// Error replies at the top level of `RedisConnection.command(_:)` are thrown
/// as `RedisError(.serverError)`; they appear here only nested in an array
/// (for example inside the reply to `EXEC`).
public enum RedisReply: Sendable, Hashable {
    case string(String)
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    case error(String)
}

extension RedisReply {
    /// The text of a bulk string or status reply.
    public var string: String? {
        switch self {
        case .string(let s), .status(let s): return s
        default: return nil
        }
    }

    /// The integer, or a bulk string holding an integer (HGET of a counter).
    public var integer: Int64? {
        switch self {
        case .integer(let i): return i
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    /// The elements of an array reply; `nil` for a null reply gives an empty array.
    public var array: [RedisReply]? {
        switch self {
        case .array(let a): return a
        case .null: return []
        default: return nil
        }
    }

    /// A flat `[field, value, field, value]` array (HGETALL) as a dictionary.
    public var fieldValues: [String: String]? {
        guard let items = array else { return nil }
        var result: [String: String] = [:]
        var index = 0
        while index + 1 < items.count {
            if let key = items[index].string, let value = items[index + 1].string {
                result[key] = value
            }
            index += 2
        }
        return result
    }
}
