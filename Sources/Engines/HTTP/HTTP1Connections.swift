import FoundationEssentials
import NIOCore
import NIOHTTP1
import Synchronization

/// The engine's plain-HTTP/1.1 connections (`HTTP1Connection`), kept alive
/// per host, port and connect address, and reused for the next request there.
///
/// How many go to a host at once is not decided here, as AsyncHTTPClient's
/// pool does not decide it either (`HTTPEngine.connectionsPerHost`): HTTP/1.1
/// takes a connection per request in flight, and politeness and the daemon's
/// crawl ceiling bound those. An idle connection is closed after `idleTimeout`
/// by a sweep every `sweepInterval`; one its server closed is forgotten when
/// next looked at.
final class HTTP1Connections: Sendable {
    /// Where a connection goes: the address is the pinned one, or nil when the host name is resolved.
    struct Key: Hashable {
        let host: String
        let port: Int
        let address: IPAddress?
    }

    private struct Idle {
        let connection: HTTP1Connection
        let since: NIODeadline
    }

    private struct State {
        var idle: [Key: [Idle]] = [:]
        var sweep: RepeatedTask?
        var closed = false
    }

    private let configuration: HTTPEngineConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let idleTimeout: TimeAmount
    private let sweepInterval: TimeAmount
    private let state = Mutex(State())

    init(
        configuration: HTTPEngineConfiguration, eventLoopGroup: any EventLoopGroup, idleTimeout: TimeAmount = .seconds(60),
        sweepInterval: TimeAmount = .seconds(10)
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.idleTimeout = idleTimeout
        self.sweepInterval = sweepInterval
    }

    /// Sends `head` to `key` on an idle connection there, or a new one, and
    /// gathers the response; keeps the connection for the next request when
    /// both sides allow it.
    func execute(_ head: HTTPRequestHead, to key: Key, into accumulator: ResponseAccumulator) async throws -> ResponseAccumulator.Response {
        let connection = try await acquire(key)
        let (response, reusable) = try await connection.request(head, into: accumulator)
        if reusable { release(connection, to: key) }
        return response
    }

    /// How many idle connections are kept now.
    var idleCount: Int { state.withLock { $0.idle.values.reduce(0) { $0 + $1.count } } }

    /// Closes every idle connection and keeps none from now on; the engine
    /// closes only when no request uses it.
    func close() async {
        let (idle, sweep) = state.withLock { state in
            state.closed = true
            defer {
                state.idle = [:]
                state.sweep = nil
            }
            return (state.idle.values.flatMap { $0 }, state.sweep)
        }
        sweep?.cancel()
        for entry in idle { try? await entry.connection.channel.close() }
    }

    private func acquire(_ key: Key) async throws -> HTTP1Connection {
        let reused: HTTP1Connection? = try state.withLock { state in
            guard !state.closed else { throw EngineError(.notRunning, "http engine is closed") }
            while let entry = state.idle[key]?.popLast() {
                if entry.connection.channel.isActive { return entry.connection }
            }
            return nil
        }
        if let reused { return reused }
        return try await HTTP1Connection.connect(
            host: key.host, port: key.port, address: key.address, configuration: configuration, eventLoopGroup: eventLoopGroup)
    }

    private func release(_ connection: HTTP1Connection, to key: Key) {
        let kept = state.withLock { state in
            guard !state.closed else { return false }
            state.idle[key, default: []].append(Idle(connection: connection, since: .now()))
            if state.sweep == nil {
                state.sweep = eventLoopGroup.any().scheduleRepeatedTask(initialDelay: sweepInterval, delay: sweepInterval) { _ in
                    self.closeIdle(before: .now() - self.idleTimeout)
                }
            }
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    /// Closes the connections idle since before `cutoff`, and forgets those their server closed.
    func closeIdle(before cutoff: NIODeadline) {
        let stale = state.withLock { state in
            var stale: [HTTP1Connection] = []
            for (key, entries) in state.idle {
                var kept: [Idle] = []
                for entry in entries {
                    if entry.since < cutoff {
                        stale.append(entry.connection)
                    } else if entry.connection.channel.isActive {
                        kept.append(entry)
                    }
                }
                state.idle[key] = kept.isEmpty ? nil : kept
            }
            return stale
        }
        for connection in stale { connection.channel.close(promise: nil) }
    }
}
