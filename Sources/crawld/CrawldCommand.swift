import ArgumentParser
import Daemon
import FoundationEssentials
import HTTPFront
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

    @Option(help: "Also serve HTTP on HOST:PORT: /monitor/*, /jobs, /metrics and the dashboard at /dashboard. Off unless given; keep it on loopback or set --token-file.")
    var http: String?

    @Option(
        help: "Seconds an --http connection may take to send its first request head (a dashboard socket, its first message) and may stay idle after its last answer; past them it is closed."
    )
    var httpTimeout: Double = 60

    @Option(help: "Redis URL (redis://[:password@]host:port/db) or a unix socket path; 'none' keeps state in memory.")
    var redis = "redis://127.0.0.1:6379"

    @Option(help: "This instance's id in Redis keys and monitor.cluster (letters, digits, - _ .; at most 64). Default: hostname-port.")
    var instanceID: String?

    @Option(help: "Longest request line in bytes; longer lines get line_too_long.")
    var maxLineBytes = 1 << 20

    @Option(help: "Open connections allowed; past it a client gets one busy line. At most a quarter of the file-descriptor limit (lowered to it).")
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

    @Option(help: "Jobs running at once; past it job.submit answers busy (with Redis, jobs wait in the cluster's queue).")
    var maxRunningJobs = 64

    @Option(help: "Take pages of cluster jobs (job.submit {cluster: true}); on by default with Redis. 'false': submit and read them only.")
    var clusterJobs = true

    @Option(help: "Finished jobs remembered for job.status and job.results; the oldest are forgotten first.")
    var jobsKeep = 1000

    @Option(help: "Seconds a finished job is remembered after its end.")
    var jobsKeepAge: Double = 86_400

    @Option(help: "Longest robots.txt Crawl-delay a job honours, in seconds; a site asking for more gets this.")
    var maxCrawlDelay: Double = 60

    @Option(help: "Most URLs one job keeps queued, whatever its max_pages; links past it are dropped and counted (urls_dropped).")
    var maxFrontier = 100_000

    @Option(
        help:
            "Crawls (fetches and browser renders) in flight at once, over all clients and jobs. Default and maximum: what the file-descriptor limit (raised to its hard limit at start) leaves after a quarter for connections and a quarter for everything else, two per crawl."
    )
    var maxCrawlsInFlight: Int?

    @Option(help: "Crawls in flight at once from one client address, over all its connections. Default: half of --max-crawls-in-flight.")
    var maxCrawlsPerClient: Int?

    @Option(help: "Seconds a crawl past a ceiling waits for a slot before it is answered busy.")
    var crawlQueueWait: Double = 1

    @Option(help: "The largest page body (bytes, after decompression) a crawl may ask for with config.max_body_bytes; a request asking more gets bad_request.")
    var maxBodyBytes = DaemonConfiguration.defaultMaxBodyBytes

    @Option(
        help:
            "Bytes all crawls may hold at once while their pages are parsed and extracted (about 5 × each body); past it a crawl gets memory_pressure. Default: a quarter of the memory crawld may use."
    )
    var requestMemory: Int?

    @Flag(help: "Check the scripts and options, print what crawld would run with, and exit: 0 when all is valid, 2 with the error.")
    var check = false

    @Flag(help: "Refuse targets and redirects that resolve to loopback, private, special-purpose or this host's own addresses.")
    var denyPrivate = false

    mutating func validate() throws {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: config, isDirectory: &isDirectory), isDirectory,
            FileManager.default.isReadableFile(atPath: config)
        else {
            throw ValidationError("config directory '\(config)' does not exist or is not readable")
        }
        _ = try ListenAddress(parsing: listen)
        if let http { _ = try ListenAddress(parsing: http, option: "--http") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
        guard maxLineBytes >= 64 else { throw ValidationError("--max-line-bytes must be at least 64, got \(maxLineBytes)") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1, got \(maxConnections)") }
        guard maxInflight >= 1 else { throw ValidationError("--max-inflight must be at least 1, got \(maxInflight)") }
        guard (1...256).contains(eventLoops) else { throw ValidationError("--event-loops must be between 1 and 256, got \(eventLoops)") }
        // Seconds become a Duration, which traps past its range: a day at most, so 1e300 is refused instead.
        guard drainTimeout >= 0, drainTimeout <= 86_400 else { throw ValidationError("--drain-timeout must be between 0 and 86400 seconds") }
        guard maxCrawlDelay >= 0, maxCrawlDelay <= 86_400 else { throw ValidationError("--max-crawl-delay must be between 0 and 86400 seconds") }
        guard (1...10_000_000).contains(maxFrontier) else { throw ValidationError("--max-frontier must be between 1 and 10000000, got \(maxFrontier)") }
        guard heartbeatInterval > 0, heartbeatInterval <= 86_400 else {
            throw ValidationError("--heartbeat-interval must be more than 0 and at most 86400 seconds")
        }
        guard watchdogInterval > 0, watchdogInterval <= 86_400 else {
            throw ValidationError("--watchdog-interval must be more than 0 and at most 86400 seconds")
        }
        guard maxRunningJobs >= 1 else { throw ValidationError("--max-running-jobs must be at least 1, got \(maxRunningJobs)") }
        guard jobsKeep >= 0 else { throw ValidationError("--jobs-keep must be 0 or more, got \(jobsKeep)") }
        guard (0...(10 * 365 * 86_400)).contains(jobsKeepAge) else { throw ValidationError("--jobs-keep-age must be a number of seconds from 0 to ten years") }
        if let maxCrawlsInFlight, maxCrawlsInFlight < 1 { throw ValidationError("--max-crawls-in-flight must be at least 1, got \(maxCrawlsInFlight)") }
        if let maxCrawlsPerClient, maxCrawlsPerClient < 1 { throw ValidationError("--max-crawls-per-client must be at least 1, got \(maxCrawlsPerClient)") }
        guard httpTimeout > 0, httpTimeout <= 3600 else { throw ValidationError("--http-timeout must be more than 0 and at most 3600 seconds") }
        guard (0...3600).contains(crawlQueueWait) else { throw ValidationError("--crawl-queue-wait must be between 0 and 3600 seconds") }
        guard (1...(1 << 30)).contains(maxBodyBytes) else { throw ValidationError("--max-body-bytes must be between 1 and 1073741824, got \(maxBodyBytes)") }
        if let requestMemory, requestMemory < 1 << 20 { throw ValidationError("--request-memory must be at least 1048576 bytes, got \(requestMemory)") }
        if let tokenFile {
            _ = try Self.readToken(tokenFile)
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
        // --check prints its verdict on stdout; only warnings and worse go to stderr beside it.
        let level = check ? max(.warning, Logger.Level(rawValue: logLevel) ?? .info) : Logger.Level(rawValue: logLevel) ?? .info
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
            drainTimeout: .seconds(drainTimeout),
            requiresAuthentication: tokenFile != nil,
            authTimeout: .seconds(authTimeout)
        )
        var configuration = DaemonConfiguration(
            scriptsDirectory: config,
            server: server,
            redisURL: redis == "none" ? nil : redis,
            instanceID: instanceID ?? Self.defaultInstanceID(port: address.port),
            authToken: try tokenFile.map(Self.readToken),
            denyPrivate: denyPrivate,
            outputDirectory: outputDir,
            stateDirectory: stateDir,
            heartbeatInterval: .seconds(heartbeatInterval),
            watchdogUDP: watchdogUDP,
            watchdogInterval: .seconds(watchdogInterval),
            eventLoopThreads: eventLoops,
            maxCrawlDelay: .seconds(maxCrawlDelay),
            maxFrontier: maxFrontier,
            maxCrawlsInFlight: maxCrawlsInFlight,
            maxCrawlsPerClient: maxCrawlsPerClient,
            crawlQueueWait: .seconds(crawlQueueWait),
            maxBodyBytes: maxBodyBytes,
            requestMemory: requestMemory,
            tlsCertificatePath: tlsCert,
            tlsKeyPath: tlsKey,
            maximumWatchers: maxWatchers
        )
        if let http {
            let address = try ListenAddress(parsing: http, option: "--http")
            configuration.http = HTTPFrontConfiguration(host: address.host, port: address.port, token: configuration.authToken)
            configuration.http?.version = CrawldVersion.current
            configuration.http?.clientTimeout = .milliseconds(Int(httpTimeout * 1000))
        }
        configuration.jobLimits.maxRunning = maxRunningJobs
        configuration.clusterJobs = clusterJobs
        configuration.jobLimits.keepFinished = jobsKeep
        configuration.jobLimits.keepFinishedFor = .seconds(jobsKeepAge)
        let daemon = Daemon(configuration: configuration, logger: logger)
        if check {
            let lines = try await daemon.check()
            print("crawld \(CrawldVersion.current): configuration ok")
            for line in lines { print("  " + line) }
            return
        }
        try await daemon.run()
    }

    /// The token is the file's first line; an empty token is refused, since
    /// it would let anyone in.
    static func readToken(_ path: String) throws -> [UInt8] {
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

    init(parsing text: String, option: String = "--listen") throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("\(option) must be HOST:PORT with a port from 0 to 65535, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("\(option) needs a host, got '\(text)'") }
        self.host = host
        self.port = port
    }
}
