import Foundation
import JSON
import Scripting
import Testing
import TestSupport

@testable import Jobs

/// The runner against a real HTTP server on loopback (Tests/Servers/jobsite.py).
@Suite(.serialized) struct JobRunnerTests {
    @Test func crawlsEveryReachablePageExactlyOnce() async throws {
        let server = try JobSiteServer(pages: 40)
        let dir = TemporaryDirectory()
        let fetcher = HTTPTestFetcher()
        let seed = server.base + "/p/0.html"
        let expected = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: fetcher))
        let running = Task { await manager.run() }
        let spec = try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 4, "max_depth": 100, "output": "site.jsonl"])
        let job = try await manager.submit(spec)
        let events = await collect(try await manager.watch(job, pages: true))

        let records = try readRecords(dir, "site.jsonl")
        let urls = records.compactMap { $0["url"]?.stringValue }
        #expect(urls.count == expected.count)
        #expect(Set(urls) == Set(expected.map(\.url)))
        #expect(records.allSatisfy { $0["status"] == 200 && $0["title"]?.stringValue?.hasPrefix("Page ") == true })
        let requested = await fetcher.log.requests.map(\.url)
        #expect(!requested.contains { $0.contains("/private/") || $0.contains("elsewhere.invalid") })
        #expect(await fetcher.log.robotsFetches == [server.base])

        guard case .summary(let summary)? = events.last else {
            Issue.record("no summary: \(events)")
            return
        }
        #expect(summary.state == .completed && summary.crawled == expected.count && summary.succeeded == expected.count)
        #expect(summary.skipped > 0 && summary.percent == 100)
        #expect(events.filter { if case .page = $0 { true } else { false } }.count == expected.count)
        #expect(events.contains { if case .progress = $0 { true } else { false } })

        let page = try await manager.results(job, offset: 5, limit: 10)
        #expect(page.total == expected.count && page.records.count == 10)
        #expect(page.records.first?.objectValue?["url"]?.stringValue == urls[5])
        #expect(try await manager.status(job).state == .completed)
        await manager.drain()
        await running.value
    }

    @Test func maxDepthAndMaxPagesAreExact() async throws {
        let server = try JobSiteServer(pages: 40)
        let dir = TemporaryDirectory()
        let seed = server.base + "/p/0.html"
        let reference = try await referenceBFS(seed: seed, fetcher: HTTPTestFetcher())
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let running = Task { await manager.run() }

        let deep = try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 1, "max_depth": 2, "output": "deep.jsonl"]))
        _ = await collect(try await manager.watch(deep))
        let byDepth = try readRecords(dir, "deep.jsonl").map { ($0["url"]!.stringValue!, Int($0["depth"]!.intValue!)) }
        let within = reference.filter { $0.depth <= 2 }
        #expect(byDepth.map(\.0) == within.map(\.url))
        #expect(byDepth.map(\.1) == within.map(\.depth))

        let few = try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 1, "max_pages": 7, "output": "few.jsonl"]))
        let fewEvents = await collect(try await manager.watch(few))
        #expect(try readRecords(dir, "few.jsonl").map { $0["url"]!.stringValue! } == reference.prefix(7).map(\.url))
        if case .summary(let summary)? = fewEvents.last { #expect(summary.total == 7 && summary.crawled == 7) }

        let one = try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)], "follow_links": false, "output": "one.jsonl"]))
        _ = await collect(try await manager.watch(one))
        #expect(try readRecords(dir, "one.jsonl").count == 1)
        await manager.drain()
        await running.value
    }

    @Test func politenessDelaySeparatesRequestsToOneHost() async throws {
        let server = try JobSiteServer(pages: 40)
        let dir = TemporaryDirectory()
        let fetcher = HTTPTestFetcher()
        let environment = try makeEnvironment(dir, fetcher: fetcher, politeness: { _, _ in Politeness(delay: .milliseconds(120), maxConcurrency: 1) })
        let manager = JobManager(environment: environment)
        let running = Task { await manager.run() }
        let spec = try JobSpec(parameters: ["urls": [.string(server.base + "/p/0.html")], "concurrency": 4, "max_pages": 6, "delay_ms": 50])
        _ = await collect(try await manager.watch(try await manager.submit(spec)))
        let starts = await fetcher.log.requests.map(\.start).sorted()
        #expect(starts.count == 6)
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            #expect(later - earlier >= .milliseconds(120))
        }
        await manager.drain()
        await running.value
    }

    @Test func flakyPageIsRetriedThenSucceeds() async throws {
        let server = try JobSiteServer(pages: 2)
        let dir = TemporaryDirectory()
        let fetcher = HTTPTestFetcher()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: fetcher))
        let running = Task { await manager.run() }
        let retried = try await manager.submit(try JobSpec(parameters: ["urls": [.string(server.base + "/flaky/a")], "max_retries": 3, "output": "a.jsonl"]))
        let events = await collect(try await manager.watch(retried))
        let record = try #require(try readRecords(dir, "a.jsonl").first, "\(events)")
        #expect(record["status"] == 200 && record["title"] == "Flaky after 3")
        #expect(await fetcher.log.count(server.base + "/flaky/a") == 3)
        if case .summary(let summary)? = events.last { #expect(summary.succeeded == 1 && summary.errorCount == 2) }

        let givenUp = try await manager.submit(try JobSpec(parameters: ["urls": [.string(server.base + "/flaky/b")], "max_retries": 1, "output": "b.jsonl"]))
        _ = await collect(try await manager.watch(givenUp))
        #expect(try readRecords(dir, "b.jsonl").first?["status"] == 503)
        #expect(try await manager.status(givenUp).failed == 1)
        await manager.drain()
        await running.value
    }

    @Test func cancelEndsTheJobAndKeepsWhatWasWritten() async throws {
        let server = try JobSiteServer(pages: 60, latencyMs: 40)
        let dir = TemporaryDirectory()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let running = Task { await manager.run() }
        let job = try await manager.submit(try JobSpec(parameters: ["urls": [.string(server.base + "/p/0.html")], "concurrency": 2, "output": "c.jsonl"]))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).crawled >= 3 })
        let final = try await manager.cancel(job)
        #expect(final.state == .cancelled)
        #expect(final.crawled < 60)
        #expect(try readRecords(dir, "c.jsonl").count == final.crawled)
        #expect(try await manager.status(job).state == .cancelled)
        #expect(try await manager.list(state: .cancelled).map(\.job) == [job])
        #expect(try await manager.list(state: .running).isEmpty)
        let events = await collect(try await manager.watch(job))
        #expect(events == [.summary(final)])
        await #expect(throws: JobError.self) { try await manager.status("j-000000") }
        await manager.drain()
        await running.value
    }

    @Test func robotsStatusDecidesWithoutRules() async throws {
        let broken = try JobSiteServer(pages: 5, robotsStatus: 503)
        let missing = try JobSiteServer(pages: 5, robotsStatus: 404)
        let dir = TemporaryDirectory()
        let fetcher = HTTPTestFetcher()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: fetcher))
        let running = Task { await manager.run() }
        let blocked = try await manager.submit(try JobSpec(parameters: ["urls": [.string(broken.base + "/p/0.html")], "output": "blocked.jsonl"]))
        _ = await collect(try await manager.watch(blocked))
        let status = try await manager.status(blocked)
        #expect(status.state == .completed && status.crawled == 0 && status.skipped == 1)
        #expect(await fetcher.log.requests.isEmpty)

        let open = try await manager.submit(try JobSpec(parameters: ["urls": [.string(missing.base + "/p/0.html")], "output": "open.jsonl"]))
        _ = await collect(try await manager.watch(open))
        let urls = try readRecords(dir, "open.jsonl").compactMap { $0["url"]?.stringValue }
        #expect(urls.contains(missing.base + "/private/0"))
        #expect(await fetcher.log.robotsFetches == [broken.base, missing.base])
        await manager.drain()
        await running.value
    }

    @Test func outputIsNotOverwrittenAndMustStayInside() async throws {
        let dir = TemporaryDirectory()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        try FileManager.default.createDirectory(atPath: dir.path + "/output", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: dir.path + "/output/taken.jsonl", contents: Data("keep\n".utf8)))
        let spec = try JobSpec(parameters: ["urls": ["http://127.0.0.1:9/"], "output": "taken.jsonl"])
        await #expect(throws: JobError.self) { try await manager.submit(spec) }
        #expect(dir.read("output/taken.jsonl") == "keep\n")
        let escape = try JobSpec(parameters: ["urls": ["http://127.0.0.1:9/"], "output": "../escape.jsonl"])
        await #expect(throws: JobError.self) { try await manager.submit(escape) }
    }
}
