import Foundation
import Testing
import TestSupport

@testable import Jobs

/// The disk store, counting its saves: how often a job checkpointed.
actor CountingCheckpointStore: JobCheckpointStore {
    let disk: DiskCheckpointStore
    private(set) var saves = 0

    init(stateDirectory: String) throws {
        disk = try DiskCheckpointStore(stateDirectory: stateDirectory)
    }

    func save(_ checkpoint: JobCheckpoint) async throws {
        saves += 1
        try await disk.save(checkpoint)
    }

    func load(_ job: String) async throws -> JobCheckpoint? { try await disk.load(job) }
    func all() async throws -> [JobCheckpoint] { try await disk.all() }
    func remove(_ job: String) async throws { try await disk.remove(job) }
}

/// How often a job writes its checkpoint, which holds its whole frontier.
@Suite struct JobCheckpointCadenceTests {
    /// Every `/wide/` page links to 10,000 new ones, so after the first page the
    /// frontier holds about 2,000 URLs (the queue's room, and as many seen). At
    /// one checkpoint a page, as asked, each page would write all of them again;
    /// the job stretches the cadence to a page per 50 URLs instead, and still
    /// writes every page once.
    @Test func aLargeFrontierStretchesTheCheckpointCadence() async throws {
        let server = try JobSiteServer(pages: 1)
        let dir = TemporaryDirectory()
        let store = try CountingCheckpointStore(stateDirectory: dir.path + "/state")
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher(), checkpointEveryPages: 1, store: store))
        let running = Task { await manager.run() }
        let job = try await manager.submit(
            try JobSpec(parameters: ["urls": [.string(server.base + "/wide/a")], "max_pages": 30, "concurrency": 2, "output": "w.jsonl"]))
        let events = await collect(try await manager.watch(job))
        guard case .summary(let summary)? = events.last else {
            Issue.record("no summary: \(events)")
            return
        }
        #expect(summary.state == .completed)
        let urls = try readRecords(dir, "w.jsonl").compactMap { $0["url"]?.stringValue }
        #expect(urls.count == 30 && Set(urls).count == 30)
        let saves = await store.saves
        #expect(saves <= 6, "\(saves) checkpoints for 30 pages")
        await manager.drain()
        await running.value
    }
}
