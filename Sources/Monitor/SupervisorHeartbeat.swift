import FoundationEssentials
import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Tells a supervisor the daemon is alive: circus's watchdog over UDP and
/// systemd's `sd_notify`.
///
/// A beat proves the request path works, not that a timer fires: each round
/// is started by a task scheduled on the event loop that serves requests (a
/// hung loop starts none), runs `probe` on the cooperative pool (dispatch,
/// ops, scripts), and sends only when the probe came back within one beat
/// interval (`ProbedBeat`). A daemon whose requests hang therefore stops
/// beating and its supervisor restarts it.
///
/// - UDP (`--watchdog-udp HOST:PORT`): a `pid;timestamp` datagram every
///   `interval`, the format circus's watchdog plugin reads.
/// - `NOTIFY_SOCKET`: `READY=1` (`notifyReady()`, once listening),
///   `WATCHDOG=1` every half `WATCHDOG_USEC`, `STOPPING=1` (`notifyStopping()`).
public final class SupervisorHeartbeat: Sendable {
    private let eventLoop: any EventLoop
    private let udpTarget: (host: String, port: Int)?
    private let interval: TimeAmount
    private let notifySocket: NotifySocket?
    private let watchdogInterval: TimeAmount?
    private let logger: Logger
    private let probe: @Sendable () async -> Void
    private let running = Mutex<(channel: (any Channel)?, tasks: [RepeatedTask])>((nil, []))

    /// - Parameters:
    ///   - watchdogUDP: `HOST:PORT` (`[::1]:1664` for IPv6), or nil.
    ///   - interval: between UDP datagrams.
    ///   - environment: where `NOTIFY_SOCKET`, `WATCHDOG_USEC`, `WATCHDOG_PID` are read.
    ///   - eventLoop: the loop that serves requests.
    ///   - probe: returns once a probe through the request path answered;
    ///     a beat is sent only when it did so within the beat's interval.
    /// - Throws: `MonitorError(.invalidAddress)` for a malformed address or socket.
    public init(
        watchdogUDP: String?,
        interval: TimeAmount = .seconds(10),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        eventLoop: any EventLoop,
        logger: Logger,
        probe: @escaping @Sendable () async -> Void
    ) throws(MonitorError) {
        self.eventLoop = eventLoop
        self.probe = probe
        self.interval = interval
        self.logger = logger
        udpTarget = try watchdogUDP.map { text throws(MonitorError) in try Self.parseHostPort(text) }
        if let path = environment["NOTIFY_SOCKET"], !path.isEmpty {
            notifySocket = try NotifySocket(path: path)
            let pidMatches = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
            if pidMatches, let usec = environment["WATCHDOG_USEC"].flatMap({ Int64($0) }), usec > 0 {
                watchdogInterval = .microseconds(usec / 2)
            } else {
                watchdogInterval = nil
            }
        } else {
            notifySocket = nil
            watchdogInterval = nil
        }
    }

    /// Binds the UDP socket (when asked for) and schedules the repeated sends.
    public func start() async throws {
        var channel: (any Channel)?
        var target: SocketAddress?
        if let udpTarget {
            let address = try SocketAddress.makeAddressResolvingHost(udpTarget.host, port: udpTarget.port)
            target = address
            let bindHost = address.protocol == .inet6 ? "::" : "0.0.0.0"
            channel = try await DatagramBootstrap(group: eventLoop).bind(host: bindHost, port: 0).get()
        }
        var tasks: [RepeatedTask] = []
        if let channel, let target {
            let pid = getpid()
            let gate = ProbedBeat(bound: Self.duration(interval), probe: probe)
            tasks.append(
                eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: interval) { _ in
                    gate.beat {
                        let message = "\(pid);\(Date().timeIntervalSince1970)"
                        let envelope = AddressedEnvelope(remoteAddress: target, data: channel.allocator.buffer(string: message))
                        channel.writeAndFlush(envelope, promise: nil)
                    }
                })
        }
        if let notifySocket, let watchdogInterval {
            let gate = ProbedBeat(bound: Self.duration(watchdogInterval), probe: probe)
            tasks.append(
                eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: watchdogInterval) { _ in
                    gate.beat { notifySocket.send("WATCHDOG=1") }
                })
        }
        running.withLock { $0 = (channel, tasks) }
    }

    /// `READY=1`: call once the daemon listens.
    public func notifyReady() {
        send("READY=1")
    }

    /// `STOPPING=1`: call when draining starts.
    public func notifyStopping() {
        send("STOPPING=1")
    }

    /// Cancels the repeated sends and closes the UDP socket.
    public func stop() async {
        let (channel, tasks) = running.withLock { value in
            defer { value = (nil, []) }
            return value
        }
        for task in tasks { task.cancel() }
        try? await channel?.close()
    }

    /// `READY=1` and `STOPPING=1` go out from the event loop; they need no probe.
    private func send(_ message: String) {
        guard let notifySocket else { return }
        eventLoop.execute { notifySocket.send(message) }
    }

    private static func duration(_ amount: TimeAmount) -> Duration {
        .nanoseconds(amount.nanoseconds)
    }

    /// `host:port` or `[v6]:port`.
    static func parseHostPort(_ text: String) throws(MonitorError) -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw MonitorError(.invalidAddress, "expected HOST:PORT, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw MonitorError(.invalidAddress, "missing host in '\(text)'") }
        return (host, port)
    }
}
