import InMemoryLogging
import Logging
import LuaBridge
import Synchronization
import Testing
import TestSupport

@testable import Scripting

/// A script's `print` goes to the daemon's log, rate-limited, never to stdout
/// (which blocks the daemon when it is a full pipe).
@Suite struct ScriptPrintTests {
    /// Prints 25 lines for print.test only (not for the pages validation tries).
    static let printer = """
        return {
          sites = {},
          default = function(doc, page)
            if page.url:find("print.test", 1, true) then for i = 1, 25 do print("line", i, nil, true) end end
            return {}
          end,
        }
        """

    @Test func printGoesToTheLogAtMostTenLinesASecond() async throws {
        let log = InMemoryLogHandler()
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("extract.lua", Self.printer)
        let logger = Logger(label: "test") { _ in log }
        let clock = Mutex(ContinuousClock.now)
        let printLog = ScriptPrintLog(logger: logger) { clock.withLock { $0 } }
        let registry = ScriptRegistry(directory: folder.path, logger: logger, limits: LuaLimits(), poolCapacity: 2, printLog: printLog)
        try await registry.reload()

        _ = try await ExtractorFixtures.extract(registry, "<p>x</p>", url: "https://print.test/")
        let printed = log.entries.filter { $0.metadata["crawld.script"] != nil }
        #expect(printed.count == 10)
        #expect(printed.first?.level == .info)
        #expect(printed.first?.message.description == "line\t1\tnil\ttrue")
        #expect(printed.first?.metadata["crawld.script"] == "extract.lua:4")

        // Still the same second: all 25 are dropped, and nothing says so yet.
        clock.withLock { $0 += .milliseconds(900) }
        _ = try await ExtractorFixtures.extract(registry, "<p>x</p>", url: "https://print.test/")
        #expect(log.entries.filter { $0.metadata["crawld.script.dropped"] != nil }.isEmpty)
        #expect(log.entries.filter { $0.metadata["crawld.script"] != nil }.count == 10)

        clock.withLock { $0 += .milliseconds(200) }
        _ = try await ExtractorFixtures.extract(registry, "<p>x</p>", url: "https://print.test/")
        let summaries = log.entries.filter { $0.metadata["crawld.script.dropped"] != nil }
        #expect(summaries.count == 1)
        #expect(summaries.first?.level == .notice)
        #expect(summaries.first?.metadata["crawld.script.dropped"] == "40")
        #expect(log.entries.filter { $0.metadata["crawld.script"] != nil }.count == 20)
    }

    /// A state with no print handler drops what is printed.
    @Test func aBareStateDropsPrint() throws {
        let state = try LuaState()
        #expect(try state.run(Array(#"print("nowhere") return 1"#.utf8), chunkName: "p.lua") == [1])
    }

    @Test func aLongLineIsCut() throws {
        let state = try LuaState()
        var lines: [String] = []
        state.printHandler = { line, _ in lines.append(line) }
        _ = try state.run(Array(#"print(("x"):rep(5000), "tail")"#.utf8), chunkName: "p.lua")
        #expect(lines == [String(repeating: "x", count: 1024)])
    }
}
