import Foundation
import JSON
import Testing
import TestSupport

@testable import Jobs

/// What a job holds and for how long: its output is its own while it runs,
/// its runner goes at its end, finished jobs are remembered within limits, and
/// jobs running at once have a ceiling.
@Suite(.serialized) struct JobLifetimeTests {
    /// A cluster job needs Redis: without it, `cluster: true` is refused, naming the field, and nothing runs.
    @Test func aClusterJobWithoutRedisIsABadRequest() async throws {
        let dir = TemporaryDirectory()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let error = await #expect(throws: JobError.self) {
            try await manager.submit(try JobSpec(parameters: ["urls": ["http://127.0.0.1:9/"], "cluster": true]))
        }
        #expect(error?.code == .badRequest)
        #expect(error?.field == "cluster")
        #expect(error?.message == "cluster jobs need Redis (--redis)")
        #expect(try await manager.list().isEmpty)
    }

    /// Issue 19.9: `./victim.jsonl` with `overwrite` truncated a running job's file.
    /// The server holds the third page until the refusals are checked, so the victim is still running then.
    @Test func aRunningJobsOutputIsRefusedHoweverSpelt() async throws {
        let server = try JobSiteServer(pages: 12, holdAfter: 2)
        let dir = TemporaryDirectory()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let running = Task { await manager.run() }
        let seed = server.base + "/p/0.html"
        let victim = try await manager.submit(try JobSpec(parameters: ["urls": [.string(seed)], "concurrency": 1, "output": "victim.jsonl"]))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(victim).crawled >= 2 })
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/output/alias", withDestinationPath: dir.path + "/output")
        for spelling in ["./victim.jsonl", ".//victim.jsonl", "alias/victim.jsonl"] {
            let spec = try JobSpec(parameters: ["urls": [.string(seed)], "output": .string(spelling), "overwrite": true])
            await #expect(throws: JobError.self, "\(spelling)") { try await manager.submit(spec) }
        }
        #expect(try await manager.status(victim).state == .running, "the victim must still be running for this test to mean anything")
        try await server.release()
        _ = await collect(try await manager.watch(victim))
        let final = try await manager.status(victim)
        let records = try readRecords(dir, "victim.jsonl")
        #expect(final.state == .completed && final.crawled == 12 && records.count == 12)
        #expect(try await manager.results(victim, limit: 1000).records.count == 12)
        await manager.drain()
        await running.value
    }

    /// Issue 20.2: a finished job's runner (with its output descriptor,
    /// frontier and seeds) is released; only its summary stays.
    @Test func aFinishedJobKeepsOnlyItsSummary() async throws {
        let server = try JobSiteServer(pages: 5)
        let dir = TemporaryDirectory()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let running = Task { await manager.run() }
        let job = try await manager.submit(try JobSpec(parameters: ["urls": [.string(server.base + "/p/0.html")], "output": "a.jsonl"]))
        weak let runner = await manager.runners[job]
        #expect(runner != nil)
        _ = await collect(try await manager.watch(job))
        #expect(try await pollUntil(seconds: 30) { await manager.runners.isEmpty && runner == nil })
        #expect(try await manager.status(job).state == .completed)
        #expect(try await manager.results(job, limit: 10).total == 5)
        await manager.drain()
        await running.value
    }

    /// Issue 20.2: past `keepFinishedJobs` the oldest finished job is forgotten,
    /// in memory and in the store; past `keepFinishedFor` a restart forgets it too.
    @Test func finishedJobsAreForgottenOldestFirst() async throws {
        let server = try JobSiteServer(pages: 3)
        let dir = TemporaryDirectory()
        var environment = try makeEnvironment(dir, fetcher: HTTPTestFetcher())
        environment.configuration.keepFinishedJobs = 2
        let manager = JobManager(environment: environment)
        let running = Task { await manager.run() }
        var jobs: [String] = []
        for n in 0..<3 {
            let spec = try JobSpec(parameters: ["urls": [.string(server.base + "/p/\(n).html")], "follow_links": false, "output": .string("\(n).jsonl")])
            let job = try await manager.submit(spec)
            _ = await collect(try await manager.watch(job))
            #expect(try await pollUntil(seconds: 120) { await manager.runners.isEmpty })
            jobs.append(job)
        }
        await #expect { try await manager.status(jobs[0]) } throws: { ($0 as? JobError)?.code == .notFound }
        #expect(try await manager.status(jobs[2]).state == .completed)
        #expect(try await pollUntil(seconds: 10) { try await environment.store.all().map(\.job).sorted() == jobs.dropFirst().sorted() })
        #expect(FileManager.default.fileExists(atPath: dir.path + "/output/0.jsonl"), "outputs are the operator's data")
        await manager.drain()
        await running.value

        environment.configuration.keepFinishedFor = .zero
        let later = JobManager(environment: environment)
        #expect(try await later.restore().isEmpty)
        await #expect { try await later.status(jobs[2]) } throws: { ($0 as? JobError)?.code == .notFound }
        #expect(try await environment.store.all().isEmpty)
    }

    /// Issue 20.2: past `maxRunningJobs` a submit is `busy`; when one ends there is room again.
    @Test func jobsPastTheCeilingAreBusy() async throws {
        let server = try JobSiteServer(pages: 50, latencyMs: 200)
        let dir = TemporaryDirectory()
        var environment = try makeEnvironment(dir, fetcher: HTTPTestFetcher())
        environment.configuration.maxRunningJobs = 2
        let manager = JobManager(environment: environment)
        let running = Task { await manager.run() }
        func spec(_ n: Int) throws -> JobSpec {
            try JobSpec(parameters: ["urls": [.string(server.base + "/p/0.html")], "concurrency": 1, "output": .string("\(n).jsonl")])
        }
        let first = try await manager.submit(try spec(0))
        _ = try await manager.submit(try spec(1))
        await #expect { try await manager.submit(try spec(2)) } throws: { ($0 as? JobError)?.code == .busy }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/output/2.jsonl"))
        _ = try await manager.cancel(first)
        #expect(try await pollUntil(seconds: 120) { await manager.active.count < 2 })
        _ = try await manager.submit(try spec(3))
        await manager.drain()
        await running.value
    }

    /// Issue 20's soak: 2 of 10,000 jobs were refused because their 24-bit id
    /// named the output file of an earlier, forgotten job. 200,000 such ids
    /// repeat about 1,200 times; 128-bit ones are expected never to.
    @Test func jobIDsDoNotRepeat() {
        let ids = (0..<200_000).map { _ in JobID.make() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { JobID.isValid($0) && $0.count == 2 + 32 })
    }
}
