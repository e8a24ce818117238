/// Where and how to reach Redis, and how the connection batches and retries.
///
/// Build one from a URL with `init(url:)`: `redis://[:password@]host:port/db`
/// or a unix socket path (`/run/redis.sock`, or `unix:///run/redis.sock?db=2`).
public struct RedisConfiguration: Sendable, Hashable {
    /// A TCP host and port, or a unix socket path.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint
    /// Sent with AUTH after each connect, when set.
    public var password: String?
    /// Sent with SELECT after each connect, when not 0.
    public var database: Int
    /// Most write commands held while Redis is slow or away; past it the oldest are dropped and counted.
    public var writeQueueCapacity: Int
    /// A batch of writes goes out when this many are queued...
    public var batchSize: Int
    /// ... or when the oldest queued write has waited this long.
    public var batchInterval: Duration
    /// Limits of the exponential reconnect delay (jitter is added within them).
    public var minimumBackoff: Duration
    public var maximumBackoff: Duration
    /// Failed connects in a row before the circuit opens and calls fail fast.
    public var circuitBreakerThreshold: Int
    /// Bound on connect and on each read or write on the socket.
    public var ioTimeout: Duration

    public init(endpoint: Endpoint, password: String? = nil, database: Int = 0) {
        self.endpoint = endpoint
        self.password = password
        self.database = database
        self.writeQueueCapacity = 10_000
        self.batchSize = 256
        self.batchInterval = .milliseconds(100)
        self.minimumBackoff = .milliseconds(500)
        self.maximumBackoff = .seconds(30)
        self.circuitBreakerThreshold = 5
        self.ioTimeout = .seconds(5)
    }

    /// Parses `redis://[:password@]host[:port][/db]`, `unix:///path[?db=N]` or a bare `/path`.
    /// - Throws: `RedisError(.invalidURL)` with the reason.
    public init(url: String) throws(RedisError) {
        if url.hasPrefix("/") {
            self.init(endpoint: .unix(path: url))
            return
        }
        if url.hasPrefix("unix://") {
            let rest = url.dropFirst("unix://".count)
            let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            guard let path = parts.first, path.hasPrefix("/") else {
                throw RedisError(.invalidURL, "unix URL needs an absolute path: \(url)")
            }
            var database = 0
            if parts.count == 2 {
                guard parts[1].hasPrefix("db="), let db = Int(parts[1].dropFirst(3)), db >= 0 else {
                    throw RedisError(.invalidURL, "unix URL query must be db=N: \(url)")
                }
                database = db
            }
            self.init(endpoint: .unix(path: String(path)), database: database)
            return
        }
        guard url.hasPrefix("redis://") else {
            throw RedisError(.invalidURL, "expected redis://host:port/db or a socket path, got \(url)")
        }
        var rest = Substring(url.dropFirst("redis://".count))
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            // redis://:secret@host and redis://user:secret@host both carry the password after the colon.
            if let colon = userInfo.firstIndex(of: ":") {
                password = String(userInfo[userInfo.index(after: colon)...])
            } else {
                password = String(userInfo)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let dbText = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !dbText.isEmpty {
                guard let db = Int(dbText), db >= 0 else {
                    throw RedisError(.invalidURL, "database must be a number: \(url)")
                }
                database = db
            }
        }
        var host = String(rest)
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                throw RedisError(.invalidURL, "port must be 1-65535: \(url)")
            }
            port = p
        }
        guard !host.isEmpty else { throw RedisError(.invalidURL, "missing host: \(url)") }
        self.init(endpoint: .tcp(host: host, port: port), password: password, database: database)
    }
}

extension RedisConfiguration.Endpoint: CustomStringConvertible {
    public var description: String {
        switch self {
        case .tcp(let host, let port): return "\(host):\(port)"
        case .unix(let path): return path
        }
    }
}
