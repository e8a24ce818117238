import Foundation
import Testing
import TestSupport

/// `crawld --check` (like `nginx -t`): validates the scripts and options,
/// prints what crawld would run with, exits 0 or 2 with the exact error,
/// and neither listens nor connects.
@Suite struct DaemonCheckTests {
    private func check(_ arguments: [String]) throws -> ChildProcess.Outcome {
        try ChildProcess.run(DaemonProcess.binary, ["--check"] + arguments)
    }

    @Test func validConfigurationPrintsWhatItWouldRunWithAndExitsZero() throws {
        // Nothing answers on port 1: --check must not need Redis.
        let result = try check([
            "--config", ScriptFolder.shipped, "--listen", "127.0.0.1:7999", "--http", "127.0.0.1:7998", "--redis", "redis://:hunter2@127.0.0.1:1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("configuration ok"))
        #expect(result.stdout.contains("listen: 127.0.0.1:7999"))
        #expect(result.stdout.contains("http: 127.0.0.1:7998"))
        #expect(result.stdout.contains("generation 1"))
        #expect(result.stdout.contains("redis: redis://:***@127.0.0.1:1"))
        #expect(!result.stdout.contains("hunter2"))
    }

    @Test func aBrokenScriptExitsTwoWithTheScriptsError() throws {
        let folder = ScriptFolder(copying: ScriptFolder.shipped)
        folder.write("extract.lua", folder.read("extract.lua") + "\nlocal = 1\n")
        let result = try check(["--config", folder.path, "--redis", "none"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("crawld: scripts in '\(folder.path)' refused: extract.lua:"))
    }

    @Test(arguments: [
        (["--http", "localhost"], "--http must be HOST:PORT"),
        (["--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], "--tls-cert '/nonexistent/cert.pem'"),
        (["--instance-id", "bad id!"], "instance"),
    ])
    func aBadOptionExitsTwoWithItsError(extra: [String], message: String) throws {
        let result = try check(["--config", ScriptFolder.shipped, "--redis", "none"] + extra)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
