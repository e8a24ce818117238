import AsyncHTTPClient
import Synchronization

/// HTTP clients that connect a host name to one address handed in, not to
/// what a second DNS lookup says: the address `AddressPolicy` checked is the
/// one connected to (no DNS rebinding between check and connect).
///
/// AsyncHTTPClient takes no per-request resolver, but its
/// `Configuration.dnsOverride` maps a name to an address while the `Host`
/// header, TLS SNI and certificate check keep the name. So each pinned
/// (name, address) gets a client of its own with that one override, kept
/// while it serves requests so that its keep-alive connections are reused
/// (a crawl job asks one site for page after page). At most `capacity` idle
/// clients stay; the least recently used idle one is shut down to make room,
/// and so is an idle client of a name that now resolves elsewhere.
final class PinnedClients: Sendable {
    struct Key: Hashable {
        let host: String
        let address: IPAddress
    }

    private struct Entry {
        let client: HTTPClient
        var users: Int
        var lastUsed: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let make: @Sendable (_ dnsOverride: [String: String]) -> HTTPClient

    /// - Parameters:
    ///   - capacity: idle clients kept at most.
    ///   - make: a client with the engine's configuration and this override.
    init(capacity: Int = 16, make: @escaping @Sendable (_ dnsOverride: [String: String]) -> HTTPClient) {
        self.capacity = capacity
        self.make = make
    }

    /// The client for `host` pinned to `address`, counted as in use until `release(_:)`.
    func acquire(host: String, address: IPAddress) throws -> (HTTPClient, Key) {
        let key = Key(host: host, address: address)
        let (client, retired): (HTTPClient, [HTTPClient]) = try state.withLock { state in
            guard !state.closed else { throw EngineError(.notRunning, "http engine is closed") }
            if var entry = state.entries[key] {
                entry.users += 1
                entry.lastUsed = .now
                state.entries[key] = entry
                return (entry.client, [])
            }
            var retired: [HTTPClient] = []
            for (other, entry) in state.entries where entry.users == 0 && other.host == host {
                retired.append(entry.client)
                state.entries[other] = nil
            }
            let idle = state.entries.filter { $0.value.users == 0 }.sorted { $0.value.lastUsed < $1.value.lastUsed }
            for (other, entry) in idle.prefix(max(0, idle.count - capacity + 1)) {
                retired.append(entry.client)
                state.entries[other] = nil
            }
            let client = make([host: address.description])
            state.entries[key] = Entry(client: client, users: 1, lastUsed: .now)
            return (client, retired)
        }
        for old in retired { Task { try? await old.shutdown() } }
        return (client, key)
    }

    func release(_ key: Key) {
        state.withLock { state in
            guard var entry = state.entries[key] else { return }
            entry.users -= 1
            entry.lastUsed = .now
            state.entries[key] = entry
        }
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// Shuts every client down; called when the engine closes, which the pool does only when no request uses it.
    func close() async {
        let clients = state.withLock { state in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values.map(\.client)
        }
        for client in clients { try? await client.shutdown() }
    }
}
