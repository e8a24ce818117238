import Foundation
import JSON
import Logging
import Scripting
import Testing

@testable import Jobs

/// A job environment over the test fetcher, an output dir and a disk store in `directory` (or `store`).
func makeEnvironment(
    _ directory: TemporaryDirectory, fetcher: HTTPTestFetcher, checkpointEveryPages: Int = 100, store: (any JobCheckpointStore)? = nil,
    politeness: @escaping PolitenessPolicy = { _, _ in Politeness(delay: .zero, maxConcurrency: 8) },
    retry: @escaping RetryPolicy = { attempt, _, _ in attempt <= 5 ? .milliseconds(10) : nil }
) throws -> JobEnvironment {
    var configuration = JobConfiguration()
    configuration.outputDirectory = directory.path + "/output"
    configuration.checkpointEveryPages = checkpointEveryPages
    configuration.checkpointInterval = .seconds(3600)
    return JobEnvironment(
        configuration: configuration, fetcher: fetcher, store: try store ?? DiskCheckpointStore(stateDirectory: directory.path + "/state"),
        throttle: HostThrottle(policy: politeness, maxPause: .seconds(60)), retry: retry, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
}

/// The pages a breadth-first crawl of the test site reaches from `seed`, with
/// their depths, in BFS order: computed here with the test fetcher and a plain
/// queue, independently of the Frontier. Same host only, robots' /private/ left out.
func referenceBFS(seed: String, fetcher: HTTPTestFetcher, maxDepth: Int = .max) async throws -> [(url: String, depth: Int)] {
    let spec = try JobSpec(parameters: ["urls": [.string(seed)]])
    let start = CrawlURL(seed)!
    var order: [(url: String, depth: Int)] = [(start.string, 0)]
    var seen: Set<String> = [start.string]
    var index = 0
    while index < order.count {
        let (url, depth) = order[index]
        index += 1
        guard depth < maxDepth else { continue }
        let page = try await fetcher.fetch(url: CrawlURL(url)!, depth: depth, spec: spec, identity: nil)
        for link in page.links {
            guard let next = CrawlURL(link), next.host == start.host, next.port == start.port,
                !next.pathAndQuery.hasPrefix("/private/"), seen.insert(next.string).inserted
            else { continue }
            order.append((next.string, depth + 1))
        }
    }
    return order
}

/// The records of a JSONL file, parsed.
func readRecords(_ directory: TemporaryDirectory, _ relative: String) throws -> [JSONObject] {
    try directory.read("output/" + relative).split(separator: "\n").map { line in
        try #require(try JSONValue.parse(String(line)).objectValue)
    }
}

/// Reads events until the summary and returns them all.
func collect(_ stream: AsyncStream<JobEvent>) async -> [JobEvent] {
    var events: [JobEvent] = []
    for await event in stream { events.append(event) }
    return events
}
