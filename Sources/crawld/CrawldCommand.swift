import ArgumentParser
import Daemon
import FoundationEssentials
import Logging
import Monitor
import Protocol
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// `crawld`: the options, their help, and their validation. Every option can
/// also come from `CRAWLD_<NAME>` (see `EnvironmentDefaults`); the command
/// line wins.
struct CrawldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawld",
        abstract: "A crawler daemon: line-delimited JSON over TCP, Lua policies, a tiered engine pool.",
        discussion: """
            Every option can also be set with an environment variable CRAWLD_<NAME> \
            (e.g. CRAWLD_LISTEN=0.0.0.0:7070); an option on the command line wins. \
            Signals: SIGHUP reloads the scripts, SIGTERM and SIGINT drain and exit 0. \
            Logs go to stderr, one line per event.
            """,
        version: CrawldVersion.current
    )

    @Option(name: .customLong("config"), help: "Folder with policies.lua and extract.lua.")
    var config = "scripts/"

    @Option(help: "Address to listen on, HOST:PORT. Port 0 picks a free port.")
    var listen = "127.0.0.1:7070"

    @Option(help: "Redis URL (redis://[:password@]host:port/db) or a unix socket path; 'none' keeps state in memory.")
    var redis = "redis://127.0.0.1:6379"

    @Option(help: "This instance's id in Redis keys and monitor.cluster (letters, digits, - _ .; at most 64). Default: hostname-port.")
    var instanceID: String?

    @Option(help: "Longest request line in bytes; longer lines get line_too_long.")
    var maxLineBytes = 1 << 20

    @Option(help: "Open connections allowed; past it a client gets one busy line.")
    var maxConnections = 10_000

    @Option(help: "Requests in flight per connection before crawld stops reading it.")
    var maxInflight = 64

    @Option(help: "File holding the token every connection must send with auth first.")
    var tokenFile: String?

    @Option(help: "With --token-file: seconds a connection has to authenticate before it is closed.")
    var authTimeout: Double = 10

    @Option(help: "PEM certificate chain for the listener; with --tls-key, clients must speak TLS.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Bytes of unfinished lines all connections may hold together; past it the longest is closed with line_too_long.")
    var maxPartialLineBytes = 64 << 20

    @Option(help: "Job watches (job.watch, job.submit with watch) open at once; past it busy.")
    var maxWatchers = 1000

    @Option(help: "Seconds requests in flight may take to finish on SIGTERM.")
    var drainTimeout: Double = 30

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "Folder every job output path is relative to.")
    var outputDir = "./output"

    @Option(help: "Folder where job checkpoints are kept, so jobs resume after a restart.")
    var stateDir = "./state"

    @Option(help: "Seconds between two heartbeats into Redis (they expire after CRAWLD_REDIS_TTL_HEARTBEAT seconds).")
    var heartbeatInterval: Double = 30

    @Option(help: "Send circus-style 'pid;timestamp' UDP heartbeats to HOST:PORT, so a supervisor can restart a hung crawld.")
    var watchdogUDP: String?

    @Option(help: "Seconds between two UDP heartbeats.")
    var watchdogInterval: Double = 10

    @Option(help: "Event loop threads for sockets (parsing and scripts run on a thread per core besides). Default: a quarter of the cores, at least 1.")
    var eventLoops = DaemonConfiguration.defaultEventLoopThreads

    @Flag(help: "Refuse crawl targets (and redirects) that resolve to loopback, private or link-local addresses.")
    var denyPrivate = false

    mutating func validate() throws {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: config, isDirectory: &isDirectory), isDirectory,
            FileManager.default.isReadableFile(atPath: config)
        else {
            throw ValidationError("config directory '\(config)' does not exist or is not readable")
        }
        _ = try ListenAddress(parsing: listen)
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
        guard maxLineBytes >= 64 else { throw ValidationError("--max-line-bytes must be at least 64, got \(maxLineBytes)") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1, got \(maxConnections)") }
        guard maxInflight >= 1 else { throw ValidationError("--max-inflight must be at least 1, got \(maxInflight)") }
        guard (1...256).contains(eventLoops) else { throw ValidationError("--event-loops must be between 1 and 256, got \(eventLoops)") }
        guard drainTimeout >= 0, drainTimeout.isFinite else { throw ValidationError("--drain-timeout must be a number of seconds ≥ 0") }
        guard heartbeatInterval > 0, heartbeatInterval.isFinite else { throw ValidationError("--heartbeat-interval must be a number of seconds > 0") }
        guard watchdogInterval > 0, watchdogInterval.isFinite else { throw ValidationError("--watchdog-interval must be a number of seconds > 0") }
        if let tokenFile {
            _ = try readToken(tokenFile)
        }
        guard authTimeout > 0, authTimeout <= 3600 else { throw ValidationError("--auth-timeout must be a number of seconds from 0 to 3600") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together: give both or neither") }
        guard maxPartialLineBytes >= maxLineBytes else {
            throw ValidationError("--max-partial-line-bytes must be at least --max-line-bytes (\(maxLineBytes)), got \(maxPartialLineBytes)")
        }
        guard maxWatchers >= 1 else { throw ValidationError("--max-watchers must be at least 1, got \(maxWatchers)") }
        if let instanceID {
            do {
                _ = try InstanceID(instanceID)
            } catch {
                throw ValidationError(error.message)
            }
        }
        if redis != "none" {
            do {
                _ = try RedisConfiguration(url: redis)
            } catch {
                throw ValidationError("--redis: \(error)")
            }
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "crawld")
        let address = try ListenAddress(parsing: listen)
        let server = LineServerConfiguration(
            host: address.host,
            port: address.port,
            maximumLineBytes: maxLineBytes,
            partialLineBudgetBytes: maxPartialLineBytes,
            maximumConnections: maxConnections,
            maximumInflightPerConnection: maxInflight,
            drainTimeout: .milliseconds(Int64(drainTimeout * 1000)),
            requiresAuthentication: tokenFile != nil,
            authTimeout: .milliseconds(Int64(authTimeout * 1000))
        )
        let configuration = DaemonConfiguration(
            scriptsDirectory: config,
            server: server,
            redisURL: redis == "none" ? nil : redis,
            instanceID: instanceID ?? Self.defaultInstanceID(port: address.port),
            authToken: try tokenFile.map(readToken),
            denyPrivate: denyPrivate,
            outputDirectory: outputDir,
            stateDirectory: stateDir,
            heartbeatInterval: .milliseconds(Int64(heartbeatInterval * 1000)),
            watchdogUDP: watchdogUDP,
            watchdogInterval: .milliseconds(Int64(watchdogInterval * 1000)),
            eventLoopThreads: eventLoops,
            tlsCertificatePath: tlsCert,
            tlsKeyPath: tlsKey,
            maximumWatchers: maxWatchers
        )
        try await Daemon(configuration: configuration, logger: logger).run()
    }

    /// The token is the file's first line; an empty token is refused, since
    /// it would let anyone in.
    private func readToken(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("token file '\(path)' is not readable")
        }
        let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !token.isEmpty else { throw ValidationError("token file '\(path)' is empty") }
        return Array(token.utf8)
    }

    /// `hostname-port`, reduced to the characters an instance id allows, so a
    /// restarted daemon finds its own counters in Redis again.
    private static func defaultInstanceID(port: Int) -> String {
        let host = ProcessInfo.processInfo.hostName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        return String((String(host) + "-\(port)").prefix(64))
    }
}

/// `HOST:PORT`, with `[::1]:7070` for IPv6.
struct ListenAddress {
    let host: String
    let port: Int

    init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen must be HOST:PORT with a port from 0 to 65535, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen needs a host, got '\(text)'") }
        self.host = host
        self.port = port
    }
}
