import Protocol
import Synchronization

/// The `--http` listener's connections per client address (`PeerKey`), so
/// that one client cannot take every place under the listener's ceiling.
///
/// Why: the ceiling (`HTTPFrontConfiguration.maximumConnections`) keeps the
/// listener from taking the daemon's file descriptors, and the deadlines
/// (`clientTimeout`) free a silent connection's place; but a client opening
/// connections as fast as they are closed could still hold every place and
/// lock operators out of the dashboard and `/metrics`. With a share, one
/// address holds at most `perAddress` connections, a quarter of the ceiling,
/// as one client gets a quarter of a browser's sessions. Clients on one
/// address (loopback, one NAT) share one share.
final class ConnectionShare: Sendable {
    let perAddress: Int
    private let held = Mutex<[String: Int]>([:])

    /// - Parameter ceiling: the listener's `maximumConnections`.
    init(ceiling: Int) {
        perAddress = max(2, ceiling / 4)
    }

    /// Counts one more connection from `key`, unless it holds its share already.
    func admit(_ key: String) -> Bool {
        held.withLock { held in
            let count = held[key, default: 0]
            guard count < perAddress else { return false }
            held[key] = count + 1
            return true
        }
    }

    /// Counts a connection `admit` let in as closed.
    func release(_ key: String) {
        held.withLock { held in
            let left = held[key, default: 1] - 1
            held[key] = left > 0 ? left : nil
        }
    }
}
