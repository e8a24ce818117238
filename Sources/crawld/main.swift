import ArgumentParser
import Daemon
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

// Parsed by hand rather than with `CrawldCommand.main()` so that options may
// come from the environment, and so that a bad option or an unreadable config
// folder exits with code 2 and one line, before anything listens.
if CommandLine.arguments.dropFirst().first == "mcp" {
    // `crawld mcp`: the MCP bridge, not the daemon; the daemon's CRAWLD_* options do not apply.
    let bridge: MCPCommand
    do {
        bridge = try MCPCommand.parse(Array(CommandLine.arguments.dropFirst(2)))
    } catch {
        if MCPCommand.exitCode(for: error) == .success { MCPCommand.exit(withError: error) }
        complain("\(MCPCommand.message(for: error))")
        exit(2)
    }
    do {
        try await bridge.run()
        exit(0)
    } catch {
        complain("\(error)")
        exit(1)
    }
}
let arguments = EnvironmentDefaults.merge(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
let command: CrawldCommand
do {
    var parsed = try CrawldCommand.parseAsRoot(arguments)
    guard let crawld = parsed as? CrawldCommand else {
        // `--help` parses into argument-parser's own help command.
        try parsed.run()
        CrawldCommand.exit()
    }
    command = crawld
} catch {
    if CrawldCommand.exitCode(for: error) == .success {
        CrawldCommand.exit(withError: error)
    }
    complain("\(CrawldCommand.message(for: error))")
    exit(2)
}
do {
    try await command.run()
} catch let error as DaemonError {
    complain("\(error.message)")
    exit(error.kind == .configuration ? 2 : 1)
} catch {
    complain("\(error)")
    exit(1)
}

/// One line on standard error: `crawld: <message>`.
func complain(_ message: String) {
    var line = "crawld: \(message)\n"
    line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
