import Synchronization
import Testing
import TestSupport
import Threads

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DetachedThreadTests {
    private final class Marker: Sendable {}

    /// The body runs once on a thread of its own, and is released when it returns
    /// (the box that carried it across `pthread_create` does not leak).
    @Test func runsTheBodyOnAnotherThreadAndReleasesIt() async throws {
        let caller = pthread_self()
        let ranOn = Mutex<[pthread_t]>([])
        weak var released: Marker?
        do {
            let marker = Marker()
            released = marker
            try DetachedThread.start { [marker] in
                _ = marker
                ranOn.withLock { $0.append(pthread_self()) }
            }
        }
        #expect(await pollUntil { ranOn.withLock { $0.count } == 1 })
        #expect(ranOn.withLock { $0.allSatisfy { pthread_equal($0, caller) == 0 } })
        #expect(await pollUntil { released == nil })
    }
}
