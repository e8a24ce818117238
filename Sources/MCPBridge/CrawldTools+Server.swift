import MCP

extension CrawldTools {
    /// An MCP server whose tools are these, not yet started on a transport: the stdio bridge
    /// starts one on standard input and output, the HTTP side one per `/mcp` session.
    ///
    /// A call that throws (the daemon went away) is the tool's error, not the session's:
    /// the agent reads why, and the session stays open.
    public func server(version: String) async -> Server {
        let server = Server(name: "crawld", version: version, capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: Self.definitions) }
        await server.withMethodHandler(CallTool.self) { [self] params in
            do {
                return try await call(params.name, arguments: params.arguments)
            } catch {
                return .init(content: [Self.text("\(error)")], isError: true)
            }
        }
        return server
    }
}
