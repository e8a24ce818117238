/// Something expensive to start that serves many requests: an HTTP client with
/// its keep-alive connections, or a browser process.
///
/// The pool owns every engine's lifecycle. It calls `start()` once before the
/// first request and `close()` once after the last, never while holding its
/// own lock, and never `close()` while a request is using the engine.
public protocol PooledEngine: AnyObject, Sendable {
    /// The engine kind as the wire shows it: `"http"` or `"browser"`.
    var kind: String { get }

    /// Brings the engine up. A slow start stalls only the requests for this
    /// engine's signature, never the pool.
    func start() async throws

    /// Releases everything the engine holds (sockets, processes, temp dirs).
    func close() async

    /// A cheap liveness check for the janitor and the watchdog.
    func isHealthy() async -> Bool

    /// Bytes this engine really holds (a browser's PSS over its process
    /// tree), for admission and `monitor.pool`.
    func memoryBytes() async -> Int
}
