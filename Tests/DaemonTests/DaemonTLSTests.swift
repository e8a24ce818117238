import Foundation
import JSON
import Testing
import TestSupport

/// `--tls-cert/--tls-key` on the real binary (issue 19 item 5): the client
/// operators are told to use, `openssl s_client`, gets `ping` answered; a
/// plain-text client gets nothing.
@Suite struct DaemonTLSTests {
    @Test func openSSLClientGetsPingAnsweredOverTLS() async throws {
        let pem = DaemonProcess.repositoryRoot.appendingPathComponent("Tests/Servers/selfsigned.pem").path
        let daemon = try await DaemonProcess.start(arguments: [
            "--config", DaemonProtocolTests.scripts, "--redis", "none", "--tls-cert", pem, "--tls-key", pem,
        ])
        defer { Task { await daemon.stop() } }

        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["s_client", "-quiet", "-connect", "127.0.0.1:\(daemon.port)"]
        let input = Pipe()
        let output = Pipe()
        openssl.standardInput = input
        openssl.standardOutput = output
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        defer { if openssl.isRunning { openssl.terminate() } }
        try input.fileHandleForWriting.write(contentsOf: Array(#"{"id":1,"op":"ping"}"#.utf8) + [10])
        let answer = try #require(await firstLine(of: output.fileHandleForReading, timeout: .seconds(30)))
        let object = try #require(try JSONValue.parse(answer).objectValue)
        #expect(object["pong"] == true)
        try input.fileHandleForWriting.close()

        let plain = try await daemon.connect()
        try await plain.send(#"{"id":2,"op":"ping"}"#)
        var received: [String] = []
        while let line = try await plain.readLine(timeout: .seconds(10)) { received.append(line) }
        #expect(!received.contains { $0.contains("pong") }, "a plain-text client is not answered")
        await plain.close()
    }

    /// The first line written to `handle`, read on a thread of its own so a silent process cannot hang the test.
    private func firstLine(of handle: FileHandle, timeout: Duration) async -> String? {
        let stream = AsyncStream<String?> { continuation in
            Thread.detachNewThread {
                var text = ""
                while !text.contains("\n") {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    text += String(decoding: data, as: UTF8.self)
                }
                continuation.yield(text.split(separator: "\n").first.map(String.init))
                continuation.finish()
            }
            Thread.detachNewThread {
                // The timeout, not a wait: the first line, when it comes, is returned at once.
                Thread.sleep(forTimeInterval: Double(timeout.components.seconds))
                continuation.yield(nil)
                continuation.finish()
            }
        }
        for await line in stream { return line }
        return nil
    }
}
