import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs an in-process benchmark's async work from a synchronous top level and
/// returns when it has finished; an error is printed and ends the process (status 1).
///
/// Why not an async `main`: Swift's async main parks the main thread in
/// libdispatch's `sigsuspend`, and valgrind 3.19 dies (SIGSEGV in valgrind
/// itself) as the first worker thread then starts. A main thread waiting on a
/// semaphore runs under `valgrind --tool=callgrind`, so a benchmark written
/// this way can have its instructions counted.
public func runBlocking(_ body: @escaping @Sendable () async throws -> Void) {
    let done = DispatchSemaphore(value: 0)
    let failure = Mutex<String?>(nil)
    Task.detached {
        do {
            try await body()
        } catch {
            failure.withLock { $0 = "\(error)" }
        }
        done.signal()
    }
    done.wait()
    if let message = failure.withLock({ $0 }) {
        print("error: \(message)")
        exit(1)
    }
}
