import JSON
import NIOCore

/// The three kinds of line crawld writes, encoded with their trailing `\n`.
///
/// `id` comes first and `ok` or `event` second, so a person reading netcat
/// output sees at once which request a line answers.
public enum AnswerLine {
    /// The one final line of a request that succeeded.
    public static func success(id: JSONValue, _ fields: JSONObject) -> [UInt8] {
        var object: JSONObject = ["id": id, "ok": true]
        object.reserveCapacity(fields.count + 2)
        for (key, value) in fields where key != "id" && key != "ok" { object[key] = value }
        return line(object)
    }

    /// The one final line of a request that failed.
    public static func failure(id: JSONValue, _ error: ProtocolError) -> [UInt8] {
        line(["id": id, "ok": false, "error": ["code": .string(error.code.rawValue), "message": .string(error.message)]])
    }

    /// An event line of a long operation (no `ok` key).
    public static func event(id: JSONValue, _ name: String, _ fields: JSONObject) -> [UInt8] {
        var object: JSONObject = ["id": id, "event": .string(name)]
        for (key, value) in fields where key != "id" && key != "event" { object[key] = value }
        return line(object)
    }

    private static func line(_ object: JSONObject) -> [UInt8] {
        var bytes = JSONValue.object(object).encoded()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
