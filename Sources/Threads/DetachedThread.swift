#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Starts a detached POSIX thread for work that blocks in system calls (hiredis's
/// socket, a browser's DevTools pipe), so that it never occupies a cooperative
/// or event-loop thread. The thread ends when its body returns; nothing joins it.
///
/// A module of its own because Redis, Engines, HTML and Daemon need it and
/// Redis and Engines may not import each other (docs/architecture.md, "Direction of imports").
public enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// - Returns: the thread, valid until its body returns (for a caller that
    ///   changes its scheduling while it runs, as an abandoned XPath does).
    /// - Throws: `DetachedThreadError` with `pthread_create`'s status when the system refuses a thread.
    @discardableResult
    public static func start(_ body: @escaping @Sendable () -> Void) throws(DetachedThreadError) -> pthread_t {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw DetachedThreadError(status: status)
        }
        pthread_detach(thread)
        return thread
    }
}

/// The system refused to create a thread (`EAGAIN`: out of threads or memory).
public struct DetachedThreadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `pthread_create`'s return value, an errno.
    public let status: Int32

    public var description: String { "cannot create a thread: error \(status)" }
}
