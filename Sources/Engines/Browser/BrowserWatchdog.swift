/// The watchdog's decisions, apart from any I/O so that they can be tested
/// with made-up instants.
///
/// Every `interval` the browser is pinged (`Browser.getVersion`). A ping not
/// answered by the next beat is a missed beat; at `maxMissedBeats` the browser
/// is declared hung. Independently, each request in flight registers its
/// deadline; one that passes it gets the browser killed too: a page stuck in
/// `while(true){}` wedges its renderer, and killing the process group is the
/// one way to take it back.
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
    private var nextBeat: ContinuousClock.Instant?
    private var deadlines: [Int: ContinuousClock.Instant] = [:]

    init(interval: Duration, maxMissedBeats: Int) {
        self.interval = interval
        self.maxMissedBeats = max(1, maxMissedBeats)
    }

    /// Decides what to do at `now`, and how long until the next tick is due.
    mutating func tick(now: ContinuousClock.Instant) -> (action: Action, next: Duration) {
        var action = Action.none
        if let (_, deadline) = deadlines.min(by: { $0.value < $1.value }), deadline <= now {
            action = .kill(BrowserError(.timeout, "request passed its deadline"))
        } else if nextBeat.map({ now >= $0 }) ?? true {
            nextBeat = now + interval
            if awaitingPong {
                missedBeats += 1
                if missedBeats >= maxMissedBeats {
                    action = .kill(BrowserError(.timeout, "browser missed \(missedBeats) heartbeats of \(interval)"))
                }
            } else {
                awaitingPong = true
                action = .ping
            }
        }
        let wake = ([nextBeat ?? now + interval] + deadlines.values).min()!
        return (action, max(.zero, wake - now))
    }

    /// The browser answered a ping: it is alive, the miss count starts over.
    mutating func pong() {
        awaitingPong = false
        missedBeats = 0
    }

    /// A request started; its deadline now counts.
    mutating func begin(_ request: Int, deadline: ContinuousClock.Instant) {
        deadlines[request] = deadline
    }

    /// A request ended, however it ended.
    mutating func end(_ request: Int) {
        deadlines.removeValue(forKey: request)
    }
}
