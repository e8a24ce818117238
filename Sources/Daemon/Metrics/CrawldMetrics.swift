import Prometheus
import Synchronization

/// The daemon's Prometheus metrics (`GET /metrics`), kept only with `--http`.
///
/// Counted as things happen: requests by op and outcome with their latency,
/// pool hits and misses, pool events (the janitor's closes among them),
/// script reload failures. Everything that is a level (engines, memory,
/// Redis, jobs) is read when scraped (`CrawldMetrics+Sampling.swift`).
///
/// Built on swift-prometheus's registry directly rather than through its
/// swift-metrics factory: that factory registers every metric without help
/// text, and `promtool check metrics` refuses a metric without `# HELP`.
/// Label values come only from bounded sets (registered op names, wire error
/// codes, pool tiers and event kinds), never from what a client sends, so a
/// client cannot grow the exposition.
final class CrawldMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let requests = Mutex<[RequestKey: RequestSeries]>([:])
    private let poolEvents = Mutex<[String: Counter]>([:])
    private let poolHits: Counter
    private let poolMisses: Counter
    let reloadFailures: Counter

    private struct RequestKey: Hashable {
        let op: String
        let outcome: String
    }

    private struct RequestSeries {
        let count: Counter
        let latency: DurationHistogram
    }

    /// From 0.5 ms (a `ping`) to 60 s (a slow browser render).
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    init() {
        let pool = Self.descriptor("pool_requests", "total", "Crawls served by an engine already in the pool (hit) or by one started for them (miss).")
        poolHits = registry.makeCounter(descriptor: pool, labels: [("result", "hit")])
        poolMisses = registry.makeCounter(descriptor: pool, labels: [("result", "miss")])
        reloadFailures = registry.makeCounter(
            descriptor: Self.descriptor("script_reload_failures", "total", "Script reloads (SIGHUP or the reload op) refused; the previous scripts stayed live.")
        )
    }

    static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "crawld", metricName: name, unitName: unit, helpText: help)
    }

    /// One finished request: `outcome` is `ok` or its wire error code.
    func recordRequest(op: String, outcome: String, duration: Duration, poolHit: Bool?) {
        let key = RequestKey(op: op, outcome: outcome)
        let series = requests.withLock { series in
            if let known = series[key] { return known }
            let labels = [("op", op), ("outcome", outcome)]
            let made = RequestSeries(
                count: registry.makeCounter(descriptor: Self.descriptor("requests", "total", "Requests answered, by op and outcome (ok or the error code)."), labels: labels),
                latency: registry.makeDurationHistogram(
                    descriptor: Self.descriptor("request_duration", "seconds", "Time from a request's start to its answer, by op and outcome."),
                    labels: labels, buckets: Self.latencyBuckets
                )
            )
            series[key] = made
            return made
        }
        series.count.increment()
        series.latency.record(duration)
        switch poolHit {
        case true?: poolHits.increment()
        case false?: poolMisses.increment()
        case nil: break
        }
    }

    /// A pool event (`close_cold` and `close_hot` are the janitor's closes).
    func recordPoolEvent(kind: String) {
        let counter = poolEvents.withLock { counters in
            if let known = counters[kind] { return known }
            let made = registry.makeCounter(
                descriptor: Self.descriptor("pool_events", "total", "Pool events by kind: create, promote, close_cold and close_hot (the janitor), refuse, kill, restart, retire."),
                labels: [("event", kind)]
            )
            counters[kind] = made
            return made
        }
        counter.increment()
    }
}
