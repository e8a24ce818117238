import Logging
import Synchronization

/// Where scripts' `print(...)` goes: the daemon's log at `info`, with
/// `crawld.script` saying where it was printed (`extract.lua:12`), at most
/// `linesPerSecond` lines a second; the lines over that are counted and one
/// `notice` says how many were dropped, at the first line printed after the
/// second they fell in.
///
/// One budget for the whole `ScriptRegistry`, across its generations and
/// states, rather than one per generation: what an operator needs bounded is
/// the log itself, and a reload must not hand a chatty script a fresh one.
final class ScriptPrintLog: Sendable {
    /// Lines logged a second before the rest are only counted.
    static let linesPerSecond = 10

    private struct Window {
        var start: ContinuousClock.Instant
        var logged = 0
        var dropped = 0
    }

    private let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    private let window: Mutex<Window>

    /// - Parameter now: the clock the windows are counted on (a test's own, to cross a second without waiting one).
    init(logger: Logger, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.logger = logger
        self.now = now
        // Starts a second ago, so that the first line opens a window of its own.
        window = Mutex(Window(start: now().advanced(by: .seconds(-1))))
    }

    /// Logs one line of a script's `print`, or counts it when the second's
    /// lines are used up. `location` is Lua's `extract.lua:12: `.
    func log(_ line: String, location: String) {
        let now = now()
        let (logs, dropped) = window.withLock { window -> (Bool, Int) in
            var dropped = 0
            if now - window.start >= .seconds(1) {
                dropped = window.dropped
                window = Window(start: now)
            }
            guard window.logged < Self.linesPerSecond else {
                window.dropped += 1
                return (false, dropped)
            }
            window.logged += 1
            return (true, dropped)
        }
        if dropped > 0 {
            logger.notice("script print lines dropped (over \(Self.linesPerSecond) a second)", metadata: ["crawld.script.dropped": "\(dropped)"])
        }
        guard logs else { return }
        var script = Substring(location)
        while script.last == " " || script.last == ":" { script = script.dropLast() }
        logger.info("\(line)", metadata: ["crawld.script": "\(script)"])
    }
}
