#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Starts a detached POSIX thread for work that blocks in system calls
/// (a browser's DevTools reader), so that it never occupies a cooperative or
/// event-loop thread. The thread ends when its body returns.
enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// - Throws: `BrowserError.launchFailed` when the thread cannot be created.
    static func start(_ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw BrowserError(.launchFailed, "cannot start the DevTools reader thread: error \(status)")
        }
        pthread_detach(thread)
    }
}
