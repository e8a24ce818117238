import FoundationEssentials
import Monitor
import Protocol

extension Daemon {
    /// `crawld --check`, like `nginx -t`: everything `run()` would refuse at
    /// start is tried here, and nothing listens or connects.
    ///
    /// It loads and validates the scripts (both files compiled and their
    /// contracts checked, as at start), the TLS certificate and key, the
    /// instance id, the Redis URL and the `CRAWLD_REDIS_TTL_*` variables.
    /// Redis itself is not contacted: crawld starts and serves without it.
    /// - Returns: what crawld would run with, one `name: value` line each.
    /// - Throws: the `DaemonError` start-up would have stopped with.
    public func check() async throws -> [String] {
        let scripts = try await loadScripts()
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            _ = try ListenerTLS.context(certificatePath: certificate, keyPath: key)
        }
        _ = try makeRedis()
        do {
            _ = try InstanceID(configuration.instanceID)
            _ = try MonitorTTLs(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw DaemonError(kind: .configuration, message: "\(error)")
        }
        let server = configuration.server
        let descriptors = DescriptorBudget.raisingToHardLimit()
        return [
            "scripts: \(configuration.scriptsDirectory) (policies.lua and extract.lua valid, generation \(scripts.generation))",
            "listen: \(server.host):\(server.port)\(configuration.tlsCertificatePath == nil ? "" : " (TLS)")",
            "http: \(configuration.http.map { "\($0.host):\($0.port), dashboard at /dashboard, at most \(descriptors.httpConnections) connections" } ?? "off")",
            "auth: \(configuration.authToken == nil ? "none (no --token-file)" : "token required")",
            "redis: \(configuration.redisURL.map(Self.withoutPassword) ?? "none (state in memory)")",
            "instance-id: \(configuration.instanceID)",
            "max-connections: \(min(server.maximumConnections, descriptors.connections)) (file descriptors: \(descriptors.limit))",
            "max-crawls-in-flight: \(min(configuration.maxCrawlsInFlight ?? descriptors.crawls, descriptors.crawls))",
            "max-running-jobs: \(configuration.jobLimits.maxRunning)",
            "output-dir: \(configuration.outputDirectory)",
            "state-dir: \(configuration.stateDirectory)",
            "deny-private: \(configuration.denyPrivate)",
            "event-loops: \(configuration.eventLoopThreads)",
        ]
    }

    /// `redis://:secret@host` shown as `redis://:***@host`: --check output ends up in CI logs.
    static func withoutPassword(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
        return url[..<scheme.upperBound] + ":***" + url[at...]
    }
}
