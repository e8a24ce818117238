import Glibc
import Testing
import Threads

@Suite struct ThreadPriorityTests {
    /// A lowered thread runs under SCHED_BATCH at the nice value it had, and
    /// the threads beside it keep their policy.
    @Test func lowersOnlyTheCallingThread() async throws {
        let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let policy = sched_getscheduler(0)
        let seen = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Bool, Int32, Int32), any Error>) in
            do {
                try DetachedThread.start {
                    let lowered = ThreadPriority.lowerCurrentThread()
                    continuation.resume(returning: (lowered, getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), sched_getscheduler(0)))
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
        #expect(seen.0)
        #expect(seen.1 == nice)
        #expect(seen.2 == 3) // SCHED_BATCH
        #expect(sched_getscheduler(0) == policy)
    }
}
