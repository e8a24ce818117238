import JSON
import Logging
import Redis
import TestSupport

@testable import Monitor

/// A monitor plus the task running it, wired to a real Redis (or none).
struct RunningMonitor {
    let monitor: Monitor
    let redis: RedisConnection?
    let task: Task<Void, any Error>

    init(id: String, redisURL: String?, heartbeatTTL: Int = 60, heartbeatInterval: Duration = .seconds(30)) throws {
        var configuration = MonitorConfiguration(instanceID: try InstanceID(id), version: "0.1.0-test", listen: "127.0.0.1:7070")
        configuration.flushInterval = .milliseconds(50)
        configuration.ttls.heartbeat = heartbeatTTL
        configuration.heartbeatInterval = heartbeatInterval
        if let redisURL {
            var redisConfiguration = try RedisConfiguration(url: redisURL)
            redisConfiguration.maximumBackoff = .seconds(1)
            redis = RedisConnection(configuration: redisConfiguration, logger: Logger(label: "test.redis"))
        } else {
            redis = nil
        }
        let monitor = Monitor(
            configuration: configuration, redis: redis, logger: Logger(label: "test.monitor"),
            memoryPercent: { 42.5 },
            poolSnapshot: { [MonitorTierSnapshot(tier: "hot", engines: 2, memoryBytes: 1_000_000)] }
        )
        self.monitor = monitor
        task = Task { try await monitor.run() }
    }

    /// Stops the monitor the clean way (flush, deregister) and waits for it.
    func stop() async {
        monitor.stop()
        _ = try? await task.value
    }

    /// Records one finished request.
    func request(op: String = "crawl", success: Bool = true, poolHit: Bool = true) {
        let token = monitor.recordStart(op: op, requestID: "r", url: "http://127.0.0.1/page")
        monitor.recordEnd(
            token,
            outcome: success
                ? MonitorOutcome(success: true, status: 200, poolHit: poolHit)
                : MonitorOutcome(success: false, errorCode: "fetch_failed", errorMessage: "connection refused")
        )
    }
}

extension JSONObject {
    func object(_ key: String) -> JSONObject? { self[key]?.objectValue }
    func array(_ key: String) -> [JSONValue]? { self[key]?.arrayValue }
}
