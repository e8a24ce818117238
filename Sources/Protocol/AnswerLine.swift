import JSON

/// The three kinds of line crawld writes, encoded with their trailing `\n`.
///
/// `id` comes first and `ok` or `event` second, so a person reading netcat
/// output sees at once which request a line answers.
///
/// The lines are written straight into a byte buffer rather than built as a
/// `JSONObject` first: an answer is written once per request, and copying its
/// fields into a new ordered dictionary only to encode it cost more than the
/// encoding itself. A field that repeats the line's own keys (`id`, and `ok`
/// or `event`) is left out.
public enum AnswerLine {
    /// The one final line of a request that succeeded.
    public static func success(id: JSONValue, _ fields: JSONObject) -> [UInt8] {
        var output: [UInt8] = []
        appendSuccess(id: id, fields, to: &output)
        return output
    }

    /// The one final line of a request that failed.
    public static func failure(id: JSONValue, _ error: ProtocolError) -> [UInt8] {
        var output: [UInt8] = []
        appendFailure(id: id, error, to: &output)
        return output
    }

    /// An event line of a long operation (no `ok` key).
    public static func event(id: JSONValue, _ name: String, _ fields: JSONObject) -> [UInt8] {
        var output: [UInt8] = []
        open(id: id, to: &output)
        output.append(contentsOf: #","event":"#.utf8)
        JSONValue.string(name).encode(into: &output)
        close(fields, skipping: "event", to: &output)
        return output
    }

    /// Appends the final line of a request that succeeded to `output`.
    public static func appendSuccess(id: JSONValue, _ fields: JSONObject, to output: inout [UInt8]) {
        open(id: id, to: &output)
        output.append(contentsOf: #","ok":true"#.utf8)
        close(fields, skipping: "ok", to: &output)
    }

    /// Appends the final line of a request that failed to `output`.
    public static func appendFailure(id: JSONValue, _ error: ProtocolError, to output: inout [UInt8]) {
        open(id: id, to: &output)
        output.append(contentsOf: #","ok":false,"error":{"code":"#.utf8)
        JSONValue.string(error.code.rawValue).encode(into: &output)
        output.append(contentsOf: #","message":"#.utf8)
        JSONValue.string(error.message).encode(into: &output)
        output.append(contentsOf: "}}\n".utf8)
    }

    private static func open(id: JSONValue, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"id":"#.utf8)
        id.encode(into: &output)
    }

    private static func close(_ fields: JSONObject, skipping own: String, to output: inout [UInt8]) {
        for (key, value) in fields where key != "id" && key != own {
            output.append(UInt8(ascii: ","))
            JSONValue.string(key).encode(into: &output)
            output.append(UInt8(ascii: ":"))
            value.encode(into: &output)
        }
        output.append(contentsOf: "}\n".utf8)
    }
}
