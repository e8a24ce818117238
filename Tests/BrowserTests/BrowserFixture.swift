import Foundation
import Logging
import Testing
import TestSupport

@testable import Engines

/// Starts a browser engine for one test body and always closes it, then
/// checks that nothing of it is left: no process in its group, no profile.
func withBrowser<T>(
    _ configuration: BrowserEngineConfiguration = BrowserEngineConfiguration(),
    launch: BrowserLaunchConfiguration = BrowserLaunchConfiguration(profileRoot: testProfileRoot),
    addressGuard: BrowserAddressGuard? = nil,
    _ body: (BrowserEngine) async throws -> T
) async throws -> T {
    let engine = BrowserEngine(configuration: configuration, launch: launch, addressGuard: addressGuard, logger: silentLogger)
    try await engine.start()
    let group = try #require(engine.processID)
    let profile = try #require(engine.state.withLock { $0.running?.process.profile })
    do {
        let result = try await body(engine)
        await engine.close()
        await expectGone(group: group, profile: profile)
        return result
    } catch {
        await engine.close()
        await expectGone(group: group, profile: profile)
        throw error
    }
}

/// Every browser suite runs inside this one, one test at a time: browsers
/// started side by side on a 2-core machine only slow each other down, and
/// PSS (shared pages split among the processes mapping them) shifts when
/// other browsers start and stop, which would blur the memory bound.
@Suite(.serialized) enum BrowserSuites {}

/// Engines in tests log nowhere (tests never bootstrap logging).
let silentLogger = Logger(label: "browser-tests") { _ in SwiftLogNoOpLogHandler() }

/// Profiles of the test run live apart from a real crawld's.
let testProfileRoot = FileManager.default.temporaryDirectory.appendingPathComponent("crawld-browser-tests").path

/// After `close()`, the browser's process group is empty and its profile is
/// removed. Processes killed by SIGKILL may take a moment to leave `/proc`, so this polls.
func expectGone(group: Int32, profile: String) async {
    #expect(await pollUntil(seconds: 60) { ProcFS.members(ofGroup: group).isEmpty }, "processes of group \(group) still alive: \(ProcFS.members(ofGroup: group))")
    #expect(!FileManager.default.fileExists(atPath: profile), "profile \(profile) was not removed")
}
