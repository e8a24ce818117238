import Foundation
import Logging
import Testing
import TestSupport

@testable import Engines

extension BrowserSuites {
    @Suite
    struct ProfileDirectoryTests {
        @Test func orphanedBrowserIsKilledAndLiveOwnersAreLeftAlone() async throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("crawld-orphans-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            // pid 4194305 is above Linux's pid_max: its owner is certainly gone.
            let orphan = "\(root)/4194305-1-abcdef"
            let mine = "\(root)/\(try #require(ProfileDirectory.ownerTag(getpid())))-ghijkl"
            try FileManager.default.createDirectory(atPath: orphan, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)

            // A browser left running by a "dead crawld", using the orphan profile.
            // Foundation's Process puts it in a process group of its own, as ChromiumProcess does.
            let browser = Process()
            browser.executableURL = URL(fileURLWithPath: try ChromiumProcess.locate())
            browser.arguments =
                ChromiumProcess.flags(profile: orphan).filter { $0 != "--remote-debugging-pipe" }
                + ["--no-sandbox", "--remote-debugging-port=0", "about:blank"]
            browser.standardError = FileHandle.nullDevice
            browser.standardOutput = FileHandle.nullDevice
            try browser.run()
            defer { if browser.isRunning { kill(browser.processIdentifier, SIGKILL) } }
            let pid = browser.processIdentifier
            #expect(getpgid(pid) == pid)
            #expect(await pollUntil(seconds: 10) { ProcFS.members(ofGroup: pid).count > 1 }, "the stand-in orphan browser did not start")

            #expect(ProfileDirectory.killOrphans(root: root, logger: silentLogger) == 1)
            ProcessExit.wait(for: browser)
            await expectGone(group: pid, profile: orphan)
            #expect(FileManager.default.fileExists(atPath: mine))
        }

        /// When crawld dies, even by SIGKILL, the kernel closes its end of the
        /// DevTools socket; Chromium must then exit by itself. Shutting the socket
        /// down is what the peer sees in that case.
        @Test func browserExitsWhenItsParentGoesAway() async throws {
            let process = try ChromiumProcess(executable: try ChromiumProcess.locate(), profileRoot: testProfileRoot)
            defer { process.terminate() }
            shutdown(process.socket, Int32(SHUT_RDWR))
            var status: Int32 = 0
            #expect(await pollUntil(seconds: 30) { waitpid(process.pid, &status, WNOHANG) == process.pid }, "chromium kept running after its DevTools pipe closed")
            #expect(await pollUntil(seconds: 10) { ProcFS.members(ofGroup: process.pid).isEmpty }, "chromium's helpers \(ProcFS.members(ofGroup: process.pid)) outlived it")
        }

        @Test func profilesCarryTheOwnerTag() throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("crawld-profiles-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let profile = try ProfileDirectory.create(root: root)
            let name = String(profile.dropFirst(root.count + 1))
            #expect(name.hasPrefix(try #require(ProfileDirectory.ownerTag(getpid())) + "-"))
            #expect(ProfileDirectory.killOrphans(root: root, logger: silentLogger) == 0)
            #expect(FileManager.default.fileExists(atPath: profile))
        }
    }
}
