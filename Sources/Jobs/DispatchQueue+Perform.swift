import Dispatch

extension DispatchQueue {
    /// Runs `work` on this queue and returns what it returned, or throws what it
    /// threw, to a caller that awaits it: the jobs' own threads (matching, disk)
    /// take the work that must not hold a thread of Swift's cooperative pool.
    func perform<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            self.async { continuation.resume(returning: Result { () throws(E) -> T in try work() }) }
        }
        return try result.get()
    }
}
