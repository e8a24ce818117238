import FoundationEssentials
import JSON
import Redis

extension Monitor {
    /// `monitor.cluster`: instances whose heartbeat key is still alive.
    ///
    /// An id in the instance set whose heartbeat has expired is a dead
    /// instance: it is dropped from the set here. Without Redis only this
    /// instance is listed, and `redis` says why.
    public func cluster() async -> JSONObject {
        guard let redis, redis.currentStatus.state == .connected else {
            return ["instances": [.object(localInstance())], "redis": .string(redis?.currentStatus.state.rawValue ?? "disabled")]
        }
        do {
            let rows = try await liveInstances(redis).map { JSONValue.object(Self.instanceRow(id: $0.id, fields: $0.fields)) }
            return ["instances": .array(rows), "redis": "connected"]
        } catch {
            return ["instances": [.object(localInstance())], "redis": .string("\(error)")]
        }
    }

    /// The ids of the instances `cluster()` lists, for the job cluster's
    /// takeover; nil when Redis is away, since then no instance can be
    /// judged dead.
    public func liveInstanceIDs() async -> Set<String>? {
        guard let redis, redis.currentStatus.state == .connected else { return nil }
        return try? Set(await liveInstances(redis).map(\.id))
    }

    /// The instance set's members, sorted, with their heartbeat fields; a
    /// member whose heartbeat has expired is dropped from the set.
    private func liveInstances(_ redis: RedisConnection) async throws -> [(id: String, fields: [String: String])] {
        let members = try await redis.command(["SMEMBERS", keys.instances]).array?.compactMap(\.string) ?? []
        var live: [(id: String, fields: [String: String])] = []
        for id in members.sorted() {
            let fields = try await redis.command(["HGETALL", keys.heartbeat(of: id)]).fieldValues ?? [:]
            guard !fields.isEmpty else {
                _ = try await redis.command(["SREM", keys.instances, id])
                continue
            }
            live.append((id, fields))
        }
        return live
    }

    private func localInstance() -> JSONObject {
        let c = configuration
        return [
            "id": .string(c.instanceID.rawValue), "hostname": .string(c.hostname), "pid": .int(Int64(c.pid)),
            "listen": .string(c.listen), "version": .string(c.version),
            "last_seen": .double(Date().timeIntervalSince1970), "in_flight": .int(Int64(inFlight)),
        ]
    }

    private static func instanceRow(id: String, fields: [String: String]) -> JSONObject {
        [
            "id": .string(id), "hostname": .string(fields["hostname"] ?? ""),
            "pid": fields["pid"].flatMap { Int64($0) }.map(JSONValue.int) ?? .null,
            "listen": .string(fields["listen"] ?? ""), "version": .string(fields["version"] ?? ""),
            "started_at": fields["started_at"].flatMap { Double($0) }.map(JSONValue.double) ?? .null,
            "last_seen": fields["last_seen"].flatMap { Double($0) }.map(JSONValue.double) ?? .null,
            "in_flight": fields["in_flight"].flatMap { Int64($0) }.map(JSONValue.int) ?? .null,
        ]
    }
}
