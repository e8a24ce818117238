import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

@testable import Monitor

/// Collects the datagrams a test socket receives.
private final class DatagramCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let messages = Mutex<[String]>([])

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        messages.withLock { $0.append(String(buffer: envelope.data)) }
    }

    var received: [String] { messages.withLock { $0 } }
}

/// Beats need a free thread of the cooperative pool (their probe runs
/// there), which in a full test run other suites may hold for a minute:
/// the polls for beats wait up to 120 s.
@Suite struct SupervisorHeartbeatTests {
    @Test func udpWatchdogSendsPidAndTimestamp() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let collector = DatagramCollector()
        let receiver = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in channel.pipeline.addHandler(collector) }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(receiver.localAddress?.port)
        let heartbeat = try SupervisorHeartbeat(
            watchdogUDP: "127.0.0.1:\(port)", interval: .milliseconds(50), environment: [:],
            eventLoop: group.next(), logger: Logger(label: "test"), probe: {}
        )
        try await heartbeat.start()
        #expect(await pollUntil(seconds: 120) { collector.received.count >= 3 })
        await heartbeat.stop()
        for message in collector.received {
            let parts = message.split(separator: ";")
            #expect(parts.count == 2)
            #expect(Int32(parts[0]) == getpid())
            let timestamp = try #require(Double(parts[1]))
            #expect(abs(timestamp - Date().timeIntervalSince1970) < 600)
        }
        try await receiver.close()
        try await group.shutdownGracefully()
    }

    @Test func notifySocketGetsReadyWatchdogAndStopping() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let receiver = try UnixDatagramReceiver(path: path)
        let heartbeat = try SupervisorHeartbeat(
            watchdogUDP: nil, environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"],
            eventLoop: group.next(), logger: Logger(label: "test"), probe: {}
        )
        try await heartbeat.start()
        heartbeat.notifyReady()
        #expect(await pollUntil { receiver.drain().contains("READY=1") })
        #expect(await pollUntil(seconds: 120) { receiver.drain().filter { $0 == "WATCHDOG=1" }.count >= 2 })
        heartbeat.notifyStopping()
        #expect(await pollUntil { receiver.drain().contains("STOPPING=1") })
        await heartbeat.stop()
        try await group.shutdownGracefully()
    }

    /// No beat while the probe of the request path is out; beats again once it answers.
    @Test func beatsWaitForTheProbe() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let receiver = try UnixDatagramReceiver(path: path)
        // The first probe hangs for ten beat intervals (the hang is what is
        // under test), and before it returns it looks whether any beat went
        // out meanwhile: a beat is sent only after its probe returned, so
        // whatever was sent is already in the socket's queue.
        let probes = Atomic<Int>(0)
        let beatsDuringHang = Mutex<Int?>(nil)
        let heartbeat = try SupervisorHeartbeat(
            watchdogUDP: nil, environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"],
            eventLoop: group.next(), logger: Logger(label: "test"),
            probe: {
                guard probes.add(1, ordering: .relaxed).newValue == 1 else { return }
                try? await Task.sleep(for: .milliseconds(500))
                let sent = receiver.drain().filter { $0 == "WATCHDOG=1" }.count
                beatsDuringHang.withLock { $0 = sent }
            }
        )
        try await heartbeat.start()
        #expect(await pollUntil(seconds: 120) { beatsDuringHang.withLock { $0 } != nil })
        #expect(beatsDuringHang.withLock { $0 } == 0, "ten rounds of a hung probe send nothing")
        #expect(await pollUntil(seconds: 120) { receiver.drain().filter { $0 == "WATCHDOG=1" }.count >= 2 })
        await heartbeat.stop()
        try await group.shutdownGracefully()
    }

    @Test func refusesMalformedAddresses() {
        let group = MultiThreadedEventLoopGroup.singleton
        for bad in ["nohostport", "host:", ":99", "host:70000"] {
            #expect(throws: MonitorError.self) {
                try SupervisorHeartbeat(watchdogUDP: bad, environment: [:], eventLoop: group.next(), logger: Logger(label: "test"), probe: {})
            }
        }
    }
}
