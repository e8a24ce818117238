import AsyncHTTPClient
import Logging
import NIOCore
import NIOSSL
import Pool
import Synchronization

/// Fetches pages over HTTP/1.1 and HTTP/2, on keep-alive connections that
/// every request of this engine shares: the reason the pool keeps engines
/// around. Plain HTTP without a proxy goes over the engine's own HTTP/1.1
/// connections (`HTTP1Connections`, on NIO's client handlers), which cost
/// less CPU a request; HTTPS, HTTP/2 and proxies over one AsyncHTTPClient
/// `HTTPClient`. Cookies are not the engine's: each request
/// brings the jar of its client (`CookieSharing`), unless the config says
/// `cookies = "shared"`.
///
/// The client runs on the daemon's `EventLoopGroup` (it owns no threads).
/// Redirects are followed here, not by AsyncHTTPClient, so that a `Set-Cookie`
/// on a redirect is stored and the next hop gets the cookies of its own host
/// (see `HTTPEngine+Fetch.swift`).
///
/// Under `--deny-private` each request connects to the address that was
/// checked: a plain-HTTP connection is opened to that address, and an
/// AsyncHTTPClient request goes through a client pinned to it
/// (`PinnedClients`); otherwise all of those share the one client.
///
/// Lifecycle: `start()` creates the client, `close()` shuts it down, with
/// every pinned client and plain connection; `fetch` outside that window
/// throws `notRunning`. The pool never closes an engine while a request uses it.
public final class HTTPEngine: PooledEngine {
    public let kind = HTTPEngineConfiguration.kind
    public let configuration: HTTPEngineConfiguration
    public let signature: EngineSignature
    /// Cookies received by this engine's requests when its config says `cookies = "shared"`.
    public let sharedCookies = CookieJar()

    let logger: Logger
    /// What AsyncHTTPClient logs to: `logger` when it shows debug lines, else
    /// nothing. The client sets a request id in its loggers' metadata on every
    /// request, and swift-log's `StreamLogHandler` renders all metadata again
    /// on each change: 3% of a job page's CPU, for lines it logs at debug and
    /// trace only.
    let clientLogger: Logger
    let eventLoopGroup: any EventLoopGroup
    let pinned: PinnedClients
    let plain: HTTP1Connections
    let deadlines: FetchDeadlines
    private let state = Mutex(State())

    private struct State {
        var client: HTTPClient?
        var closed = false
        var inFlight = 0
        var peakInFlight = 0
    }

    /// - Parameters:
    ///   - configuration: the engine's settings; `signature` is computed from them.
    ///   - eventLoopGroup: the daemon's event loops; the engine never shuts them down.
    ///   - logger: for connection-level events of the client.
    public init(configuration: HTTPEngineConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.signature = configuration.signature
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        let clientLogger =
            logger.logLevel <= .debug ? logger : Logger(label: logger.label, factory: { _ in SwiftLogNoOpLogHandler() })
        self.clientLogger = clientLogger
        deadlines = FetchDeadlines(eventLoop: eventLoopGroup.any())
        plain = HTTP1Connections(configuration: configuration, eventLoopGroup: eventLoopGroup)
        pinned = PinnedClients { dnsOverride in
            var pinnedConfiguration = Self.clientConfiguration(configuration)
            pinnedConfiguration.dnsOverride = dnsOverride
            return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: pinnedConfiguration, backgroundActivityLogger: clientLogger)
        }
    }

    public func start() async throws {
        let client = HTTPClient(
            eventLoopGroup: eventLoopGroup,
            configuration: Self.clientConfiguration(configuration),
            backgroundActivityLogger: clientLogger
        )
        let unused: HTTPClient? = state.withLock { state in
            guard state.client == nil, !state.closed else { return client }
            state.client = client
            return nil
        }
        if let unused { try await unused.shutdown() }
    }

    public func close() async {
        let client = state.withLock { state in
            state.closed = true
            defer { state.client = nil }
            return state.client
        }
        await pinned.close()
        await plain.close()
        do {
            try await client?.shutdown()
        } catch {
            logger.debug("http engine shutdown", metadata: ["crawld.engine.signature": "\(signature.short)", "error": "\(error)"])
        }
    }

    public func isHealthy() async -> Bool {
        state.withLock { $0.client != nil && !$0.closed }
    }

    /// An estimate, since AsyncHTTPClient reports neither its connections nor
    /// its buffers: 64 KiB for the client and its pool state; 48 KiB for each
    /// connection the engine may keep alive, plain or AsyncHTTPClient's (NIO
    /// channel, HTTP codec, socket buffers),
    /// counting as many connections as the most requests this engine ever ran
    /// at once, since HTTP/1.1 needs one connection per request in flight;
    /// 64 KiB for each request in flight now (its body as it streams; a body
    /// handed back belongs to the caller); 64 KiB for each pinned client; and
    /// the shared cookie jar (a client's jar is its connection's or job's,
    /// not the engine's).
    public func memoryBytes() async -> Int {
        let (peak, inFlight) = state.withLock { ($0.peakInFlight, $0.inFlight) }
        return 64 * 1024 * (1 + pinned.count) + peak * 48 * 1024 + inFlight * 64 * 1024 + sharedCookies.approximateBytes
    }

    // MARK: - Bookkeeping for fetch

    /// The running client, counting one more request in flight.
    func beginRequest() throws -> HTTPClient {
        try state.withLock { state in
            guard let client = state.client, !state.closed else {
                throw EngineError(.notRunning, "http engine \(signature.short) is " + (state.closed ? "closed" : "not started"))
            }
            state.inFlight += 1
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
            return client
        }
    }

    func endRequest() {
        state.withLock { $0.inFlight -= 1 }
    }

    // MARK: - Client configuration

    /// How many HTTP/1.1 connections the client opens to one host at once:
    /// not a limit of its own. How many requests go to a host at once is
    /// politeness's call (Jobs' `HostThrottle`, `max_concurrency` up to
    /// 10,000) under the daemon's crawl ceiling (`CrawlAdmission`), and
    /// HTTP/1.1 needs a connection per request in flight. AsyncHTTPClient's
    /// default of 8 ran a job granted 16 in flight at 8, which halved its pace
    /// over any link with a round trip (a recrawl's 304s most of all).
    static let connectionsPerHost = 10_000

    static func clientConfiguration(_ settings: HTTPEngineConfiguration) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !settings.verifyTLS { tls.certificateVerification = .none }
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.connectionsPerHost)
        // A refused or failed connect is reported at once; retrying is policies.lua's call.
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(settings.connectTimeoutMilliseconds))),
            connectionPool: pool,
            proxy: settings.proxy.map { proxy in
                switch proxy.scheme {
                case .http: return .server(host: proxy.host, port: proxy.port)
                case .socks5: return .socksServer(host: proxy.host, port: proxy.port)
                }
            },
            decompression: settings.decompression ? .enabled(limit: .size(settings.maxBodyBytes)) : .disabled
        )
        configuration.httpVersion = .automatic
        // crawld bootstraps no tracer, yet the client's default (the global no-op tracer) still
        // opens a span per request and formats its attributes (method, URL, sizes): work for
        // nothing on every fetch. Without a tracer the client skips spans altogether.
        configuration.tracing.tracer = nil
        return configuration
    }
}
