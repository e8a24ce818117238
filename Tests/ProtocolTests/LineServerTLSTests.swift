import JSON
import NIOCore
import NIOPosix
import NIOSSL
import Protocol
import Testing
import TestSupport

/// `--tls-cert/--tls-key`: the listener speaks TLS only (issue 19 item 5).
@Suite struct LineServerTLSTests {
    static var pem: String { DaemonProcess.repositoryRoot.appendingPathComponent("Tests/Servers/selfsigned.pem").path }

    private func serverContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(Self.pem)
        let key = try NIOSSLPrivateKey(file: Self.pem, format: .pem)
        return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
    }

    /// One request over TLS; the first line back.
    private func requestOverTLS(port: Int, _ line: String) async throws -> String? {
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateVerification = .none
        let context = try NIOSSLContext(configuration: client)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: line + "\n"))
            var received = ""
            for try await chunk in inbound {
                received += String(buffer: chunk)
                if let newline = received.firstIndex(of: "\n") { return String(received[..<newline]) }
            }
            return nil
        }
    }

    @Test func tlsClientsAreAnsweredAndPlainTextClientsAreNot() async throws {
        let configuration = LineServerConfiguration(port: 0, tls: try serverContext())
        try await withTestServer(configuration) { port, _ in
            let answer = try #require(try await requestOverTLS(port: port, #"{"id":1,"op":"echo","x":2}"#))
            let object = try #require(try JSONValue.parse(answer).objectValue)
            #expect(object["ok"] == true)
            #expect(object["x"] == 2)

            let plain = try await LineClient.connect(port: port)
            try await plain.send(#"{"id":2,"op":"echo"}"#)
            // Until the close: at most a TLS alert's bytes, never an answer.
            var received: [String] = []
            while let line = try await plain.readLine(timeout: .seconds(10)) { received.append(line) }
            #expect(!received.contains { (try? JSONValue.parse($0)) != nil }, "a plain-text client gets no answer and is closed")
            await plain.close()
        }
    }
}
