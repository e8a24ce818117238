import Redis
import Synchronization

/// One of `ClusterScripts`, called by its SHA1 (`EVALSHA`) so a page's claim
/// sends a few bytes rather than the script.
///
/// The SHA1 comes from Redis (`SCRIPT LOAD`) the first time, and again after a
/// `NOSCRIPT` answer (Redis restarted or flushed its script cache), so nothing
/// here computes a hash that could disagree with Redis's.
final class ClusterScript: Sendable {
    private let source: String
    private let sha = Mutex<String?>(nil)

    init(_ source: String) { self.source = source }

    /// Runs the script with `keys` and `arguments`.
    func run(_ redis: RedisConnection, keys: [String], arguments: [String]) async throws -> RedisReply {
        let known = sha.withLock { $0 }
        if let known {
            do {
                return try await redis.command(["EVALSHA", known, String(keys.count)] + keys + arguments)
            } catch let error as RedisError where error.message.hasPrefix("NOSCRIPT") {
                sha.withLock { $0 = nil }
            }
        }
        guard let loaded = try await redis.command(["SCRIPT", "LOAD", source]).string else {
            throw RedisError(.serverError, "SCRIPT LOAD gave no SHA1")
        }
        sha.withLock { $0 = loaded }
        return try await redis.command(["EVALSHA", loaded, String(keys.count)] + keys + arguments)
    }
}
