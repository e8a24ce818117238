import JSON
import MCPBridge
import Protocol

/// The MCP tools of `/mcp` run their ops here, in process, through the same
/// dispatcher as every other HTTP route: the caller was authorized by the
/// bearer token before the session saw its request, each op is recorded in
/// the monitor like a line client's, and no second connection, token or
/// answer-line parsing sits between the tool and the op.
extension OpRunner: CrawldOpCaller {
    func request(_ request: JSONObject) async throws -> JSONObject {
        var parameters = request
        let op = parameters.removeValue(forKey: "op")?.stringValue ?? ""
        do {
            var answer = try await run(op, parameters)
            answer["ok"] = true
            return answer
        } catch {
            return ["ok": false, "error": ["code": .string(error.code.rawValue), "message": .string(error.message)]]
        }
    }
}
