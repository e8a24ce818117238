import ArgumentParser
import Daemon
import FoundationEssentials
import MCPBridge

/// `crawld mcp`: serves MCP on standard input and output for a desktop agent, doing the
/// work on a running crawld (`--connect`) over its line protocol.
///
/// The token comes from `--token-file` (the daemon's own file, first line) or, so an agent's
/// configuration need not name a file, from `CRAWLD_TOKEN`. Nothing but MCP is written to
/// standard output; errors go to standard error.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawld mcp",
        abstract: "An MCP server on stdio whose tools (crawl, crawl_many, job_submit, job_status, job_results, health) run on a crawld daemon."
    )

    @Option(help: "The daemon's line-protocol address, HOST:PORT.")
    var connect = "127.0.0.1:7070"

    @Option(help: "File whose first line is the daemon's token (else CRAWLD_TOKEN, else none).")
    var tokenFile: String?

    func validate() throws {
        guard (try? ListenAddress(parsing: connect)) != nil else { throw ValidationError("--connect must be HOST:PORT, got '\(connect)'") }
    }

    func run() async throws {
        let address = try ListenAddress(parsing: connect)
        var token = ProcessInfo.processInfo.environment["CRAWLD_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let tokenFile { token = String(decoding: try CrawldCommand.readToken(tokenFile), as: UTF8.self) }
        try await MCPBridge(host: address.host, port: address.port, token: token, version: CrawldVersion.current).run()
    }
}
