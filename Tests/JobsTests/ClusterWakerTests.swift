import Logging
import Redis
import Synchronization
import Testing
import TestSupport

@testable import Jobs

/// The waker's blocking read against a real redis-server.
@Suite struct ClusterWakerTests {
    /// A stream watched while the read blocks (a job that starts) wakes its workers at its first entry, not when the
    /// read's own timeout lets the next read name it: every cluster job began with one worker for up to that long.
    @Test func aStreamWatchedWhileTheReadBlocksWakesItsWaiterAtItsFirstEntry() async throws {
        let server = try RedisServer()
        try server.start()
        // The read's socket waits longer than the read blocks: with the default 5 s, a read not
        // unblocked within 5 s of its start (a starved test process) ended in an I/O timeout, and
        // the waker then paused for `block` with no read under way, so nothing could wake it.
        var configuration = try RedisConfiguration(url: server.url)
        configuration.ioTimeout = .seconds(360)
        let blocking = RedisConnection(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        blocking.start()
        let control = try RedisCheckpointStoreTests.connect(server)
        // Long enough that a test waiting for the read's timeout would fail well before it.
        let waker = ClusterWaker(redis: blocking, control: control, block: 300_000)
        await waker.watch("events")
        let reading = Task { await waker.run() }
        defer { reading.cancel() }
        try #require(await pollUntil { try await blockedClients(control) == 1 }, "the waker's read blocks on the first stream")

        await waker.watch("job-wake")
        let woken = Atomic(false)
        let waiter = Task {
            await waker.wait(on: "job-wake", upTo: .seconds(600))
            woken.store(true, ordering: .sequentiallyConsistent)
        }
        _ = try await control.command(["XADD", "job-wake", "*", "w", "1"])
        #expect(
            await pollUntil(seconds: 120) { woken.load(ordering: .sequentiallyConsistent) },
            "the new stream's entry reaches the worker waiting on it while the read would still block")

        waiter.cancel()
        reading.cancel()
        // Ends the read under way, so that the cancelled loop stops now.
        await waker.watch("last")
        await reading.value
        await blocking.shutdown()
        await control.shutdown()
    }

    private func blockedClients(_ redis: RedisConnection) async throws -> Int {
        let info = try await redis.command(["INFO", "clients"]).string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("blocked_clients:") }
        return line.flatMap { Int($0.dropFirst("blocked_clients:".count)) } ?? 0
    }
}
