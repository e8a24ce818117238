#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX mutex with a condition variable, for threads of `DetachedThread`
/// (the Redis connection's lock and wake-up, a waiter on an XPath worker). Foundation's `NSCondition` does the same but lives in full
/// Foundation, which crawld does not link (see docs/benchmarks.md).
///
/// Timed waits are on `CLOCK_MONOTONIC`, so a change of the wall clock never
/// stretches or cuts a backoff.
public final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
    /// Wakes one waiter.
    public func signal() { pthread_cond_signal(condition) }
    /// Wakes every waiter.
    public func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (lock held) until signalled, or, with a timeout, until it has passed.
    public func wait(timeout: Duration? = nil) {
        guard let timeout else {
            pthread_cond_wait(condition, mutex)
            return
        }
        var deadline = MonotonicClock.time(after: timeout)
        pthread_cond_timedwait(condition, mutex, &deadline)
    }

    /// Waits (lock held) until signalled or `deadline` has passed.
    /// - Returns: false when the deadline passed.
    public func wait(until deadline: ContinuousClock.Instant) -> Bool {
        var time = MonotonicClock.time(after: max(.zero, deadline - .now))
        return pthread_cond_timedwait(condition, mutex, &time) != ETIMEDOUT
    }
}

/// `CLOCK_MONOTONIC` times for the POSIX calls that take an absolute one
/// (timed condition waits, `clock_nanosleep`).
public enum MonotonicClock {
    /// The monotonic time `duration` from now.
    public static func time(after duration: Duration) -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(time.tv_nsec) + Int(attoseconds / 1_000_000_000)
        time.tv_sec += Int(seconds) + nanoseconds / 1_000_000_000
        time.tv_nsec = nanoseconds % 1_000_000_000
        return time
    }
}
