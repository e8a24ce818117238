import Testing

@testable import Monitor

@Suite struct InstanceIDTests {
    @Test(arguments: ["crawl-1", "node_a.eu", "A", String(repeating: "x", count: 64)])
    func acceptsSafeIDs(id: String) throws {
        #expect(try InstanceID(id).rawValue == id)
    }

    @Test(arguments: ["a:b", "a*", "", "with space", "ü", String(repeating: "x", count: 65), "a/b", "{id}"])
    func refusesIDsThatCouldReachOtherKeys(id: String) {
        #expect(throws: MonitorError.self) { try InstanceID(id) }
        do {
            _ = try InstanceID(id)
        } catch {
            #expect(error.code == .invalidInstanceID)
        }
    }

    @Test func ttlsComeFromTheEnvironment() throws {
        let ttls = try MonitorTTLs(environment: ["CRAWLD_REDIS_TTL_ERRORS": "12", "CRAWLD_REDIS_TTL_HEARTBEAT": "5"])
        #expect(ttls.errors == 12)
        #expect(ttls.heartbeat == 5)
        #expect(ttls.endpoints == 86400)
        #expect(throws: MonitorError.self) { try MonitorTTLs(environment: ["CRAWLD_REDIS_TTL_ACTIVE": "-3"]) }
    }
}
