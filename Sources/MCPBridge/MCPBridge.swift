import JSON
import MCP

/// `crawld mcp`: an MCP server on standard input and output whose tools are crawld's work,
/// done by a running daemon over its line protocol (what desktop agents launch).
///
/// The bridge holds one connection to the daemon for the whole session; it authenticates
/// first when given a token, so the daemon's token auth applies to agents as to any client.
/// It ends when the agent closes standard input or the daemon closes the connection.
public struct MCPBridge: Sendable {
    let host: String
    let port: Int
    let token: String?
    let version: String

    public init(host: String, port: Int, token: String?, version: String) {
        self.host = host
        self.port = port
        self.token = token
        self.version = version
    }

    /// Connects, authenticates, and serves MCP on stdio until either side goes away.
    /// - Throws: the connection's error, or `MCPBridgeError.unauthorized` for a token the
    ///   daemon refused.
    public func run() async throws {
        let link = try await DaemonLink.connect(host: host, port: port)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await link.run() }
            if let token {
                let answer = try await link.request(["op": "auth", "token": .string(token)])
                guard answer["ok"] == true else {
                    link.close()
                    throw MCPBridgeError.unauthorized(answer["error"]?.objectValue?["message"]?.stringValue ?? "unauthorized")
                }
            }
            let server = await CrawldTools(ops: link).server(version: version)
            try await server.start(transport: StdioTransport())
            group.addTask {
                await server.waitUntilCompleted()
                link.close()
            }
            try await group.next()
            await server.stop()
            link.close()
            group.cancelAll()
        }
    }
}
