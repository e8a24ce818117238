import Testing

@testable import Redis

@Suite struct RedisConfigurationTests {
    @Test func parsesFullURL() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cret@cache.local:6380/4")
        #expect(configuration.endpoint == .tcp(host: "cache.local", port: 6380))
        #expect(configuration.password == "s3cret")
        #expect(configuration.database == 4)
    }

    @Test func defaultsPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1")
        #expect(configuration.endpoint == .tcp(host: "127.0.0.1", port: 6379))
        #expect(configuration.password == nil)
        #expect(configuration.database == 0)
    }

    @Test func acceptsSocketPaths() throws {
        #expect(try RedisConfiguration(url: "/run/redis.sock").endpoint == .unix(path: "/run/redis.sock"))
        let withDB = try RedisConfiguration(url: "unix:///run/redis.sock?db=2")
        #expect(withDB.endpoint == .unix(path: "/run/redis.sock"))
        #expect(withDB.database == 2)
    }

    @Test(arguments: ["http://host:6379", "redis://host:notaport", "redis://host:70000", "redis://:pw@/1", "redis://host/x", "unix://relative"])
    func refusesBadURLs(url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
        do {
            _ = try RedisConfiguration(url: url)
        } catch {
            #expect(error.code == .invalidURL)
        }
    }
}
