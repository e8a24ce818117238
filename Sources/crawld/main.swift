import ArgumentParser
import Foundation

// Parsed by hand rather than with `CrawldCommand.main()` so that options may
// come from the environment, and so that a bad option or an unreadable config
// folder exits with code 2 and one line, before anything listens.
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
    FileHandle.standardError.write(Data("crawld: \(CrawldCommand.message(for: error))\n".utf8))
    exit(2)
}
do {
    try await command.run()
} catch {
    FileHandle.standardError.write(Data("crawld: \(error)\n".utf8))
    exit(1)
}
