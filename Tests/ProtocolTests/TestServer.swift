import Logging
import NIOCore
import NIOPosix
import Protocol
import ServiceLifecycle
import TestSupport

/// Runs a real `LineServer` on a free loopback port for the duration of `body`.
///
/// - Parameter shutdownAfterBody: when false, `body` triggers shutdown itself
///   through the returned group (drain tests).
func withTestServer(
    _ configuration: LineServerConfiguration = .init(port: 0),
    dispatcher: TestDispatcher = TestDispatcher(),
    _ body: (_ port: Int, _ group: ServiceGroup) async throws -> Void
) async throws {
    var configuration = configuration
    configuration.port = 0
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let server = LineServer(
        configuration: configuration,
        dispatcher: dispatcher,
        group: MultiThreadedEventLoopGroup.singleton,
        logger: logger,
        onBound: { address in portContinuation.yield(address.port ?? 0) }
    )
    let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw LineClientError(message: "server did not bind") }
        try await body(port, group)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
