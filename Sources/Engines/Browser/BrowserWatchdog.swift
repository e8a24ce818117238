/// The watchdog's decisions, apart from any I/O so that they can be tested
/// with made-up instants.
///
/// Every `interval` the browser is pinged (`Browser.getVersion`). A ping not
/// answered by the next beat is a missed beat; at `maxMissedBeats` the browser
/// is declared hung and killed.
///
/// A page that passes its deadline is not the browser's fault: the render
/// closes that page's context (which takes its renderer, even one stuck in
/// `while(true){}`, down with it) and calls ``probe(now:)``. The browser must
/// then answer a ping within one interval, or it is killed at once: a
/// browser that cannot answer while one of its pages is stuck is hung for
/// every page on it.
struct BrowserWatchdog {
    /// What the owner must do after a tick.
    enum Action: Equatable {
        case none
        case ping
        case kill(BrowserError)
    }

    let interval: Duration
    let maxMissedBeats: Int
    private(set) var missedBeats = 0
    private var awaitingPong = false
    /// A probe is under way: the ping in flight must be answered by the next beat.
    private var probing = false
    private var nextBeat: ContinuousClock.Instant?

    init(interval: Duration, maxMissedBeats: Int) {
        self.interval = interval
        self.maxMissedBeats = max(1, maxMissedBeats)
    }

    /// Decides what to do at `now`, and how long until the next tick is due.
    mutating func tick(now: ContinuousClock.Instant) -> (action: Action, next: Duration) {
        var action = Action.none
        if nextBeat.map({ now >= $0 }) ?? true {
            nextBeat = now + interval
            if awaitingPong {
                missedBeats += 1
                if probing {
                    action = .kill(BrowserError(.timeout, "browser did not answer within \(interval) after a page passed its deadline"))
                } else if missedBeats >= maxMissedBeats {
                    action = .kill(BrowserError(.timeout, "browser missed \(missedBeats) heartbeats of \(interval)"))
                }
            } else {
                awaitingPong = true
                action = .ping
            }
        }
        return (action, max(.zero, (nextBeat ?? now + interval) - now))
    }

    /// The browser answered a ping: it is alive, the miss count starts over.
    mutating func pong() {
        awaitingPong = false
        probing = false
        missedBeats = 0
    }

    /// A page passed its deadline: the browser must answer a ping within one
    /// interval from `now`. A ping already in flight counts; otherwise the
    /// next tick (make it run now) sends one.
    mutating func probe(now: ContinuousClock.Instant) {
        probing = true
        let due = awaitingPong ? now + interval : now
        nextBeat = min(nextBeat ?? due, due)
    }
}
