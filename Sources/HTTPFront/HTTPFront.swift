import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import MCPBridge
import NIOCore
import Protocol
import ServiceLifecycle

/// The HTTP side of crawld (`--http`): the monitor and job routes, `/metrics`,
/// the dashboard and MCP at `/mcp`, on Hummingbird, beside the line protocol.
///
/// It has no state and no op of its own: routes run the daemon's ops
/// (`OpRoute`), and `/metrics` asks the daemon for its exposition.
public enum HTTPFront {
    /// Builds the listener as a `Service` for the daemon's `ServiceGroup`,
    /// which runs it and drains it on SIGTERM with the rest.
    /// - Parameters:
    ///   - dispatcher: the line protocol's dispatcher: what a route runs is
    ///     recorded in the monitor like any request.
    ///   - reader: the same ops unrecorded, for the dashboard's periodic
    ///     snapshots: a frame every 2 s is nobody's request, and recording
    ///     them would fill the last-100 list with `monitor.*` calls.
    ///   - metrics: the Prometheus text exposition, made at each scrape.
    ///   - onBound: called with the bound address (port 0 picks one).
    public static func service(
        configuration: HTTPFrontConfiguration,
        dispatcher: any RequestDispatcher,
        reader: any RequestDispatcher,
        metrics: @escaping @Sendable () async -> [UInt8],
        eventLoopGroup: any EventLoopGroup,
        logger: Logger,
        onBound: @escaping @Sendable (SocketAddress) -> Void
    ) -> any Service {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: RequestGuardMiddleware(token: configuration.token))
        let responder = OpResponder(runner: OpRunner(dispatcher: dispatcher), maximumBodyBytes: configuration.maximumBodyBytes)
        for route in OpRoute.all {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                await responder.respond(route, request: request, context: context)
            }
        }
        let mcpSessions = MCPSessions(
            dispatcher: dispatcher, version: configuration.version,
            limit: configuration.mcpSessionLimit, idleTimeout: configuration.mcpIdleTimeout
        )
        let mcp = MCPEndpoint(sessions: mcpSessions, maximumBodyBytes: configuration.mcpMaximumBodyBytes)
        for method in [HTTPRequest.Method.post, .get, .delete] {
            router.on("/mcp", method: method) { request, _ in await mcp.respond(request) }
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: await metrics()))
            )
        }
        DashboardAssets.register(on: router)
        let socket = DashboardSocket(
            runner: OpRunner(dispatcher: reader), token: configuration.token, pushInterval: configuration.pushInterval,
            helloTimeout: configuration.clientTimeout
        )
        router.ws("/dashboard/live") { inbound, outbound, _ in
            try await socket.serve(inbound: inbound, outbound: outbound)
        }
        let webSocketResponder = router.buildResponder()
        // Hummingbird's own lines ("Server started and listening on …") would
        // read like the line protocol's listening line; the daemon logs the
        // bound address itself through `onBound`.
        var hummingbirdLogger = logger
        hummingbirdLogger.logLevel = max(logger.logLevel, .notice)
        let share = ConnectionShare(ceiling: configuration.maximumConnections)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                FirstRequestGuardedChannel(
                    // A page gets 2 s to answer the close frame at SIGTERM, not the library's 15.
                    inner: HTTP1WebSocketUpgradeChannel(
                        responder: responder, webSocketResponder: webSocketResponder,
                        configuration: .init(http1: .init(idleTimeout: TimeAmount(configuration.clientTimeout)), ws: .init(closeTimeout: .seconds(2)))
                    ),
                    headTimeout: TimeAmount(configuration.clientTimeout), share: share
                )
            },
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maximumConnections, logger: hummingbirdLogger)
            ),
            onServerRunning: { channel in
                if let address = channel.localAddress { onBound(address) }
            },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: hummingbirdLogger
        )
    }
}
