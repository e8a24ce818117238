import Foundation
import JSON
import Testing

@testable import Jobs

@Suite struct OutputTests {
    @Test(arguments: ["/etc/passwd", "../x.jsonl", "a/../../x.jsonl", "a/..", "", ".", "a/\0b"])
    func refusesPathsOutOfTheDirectory(path: String) {
        let dir = TemporaryDirectory()
        #expect(throws: JobError.self) { try OutputPath(path, in: dir.path + "/out") }
    }

    @Test func acceptsNestedPathsAndCreatesDirectories() throws {
        let dir = TemporaryDirectory()
        let path = try OutputPath("site/2024/a.jsonl", in: dir.path + "/out")
        #expect(path.absolute.hasSuffix("/out/site/2024/a.jsonl"))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/out/site/2024"))
    }

    @Test func refusesSymlinksOut() throws {
        let dir = TemporaryDirectory()
        let out = dir.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/escape", withDestinationPath: dir.path + "/elsewhere")
        try FileManager.default.createSymbolicLink(atPath: out + "/file.jsonl", withDestinationPath: dir.path + "/elsewhere/f.jsonl")
        #expect(throws: JobError.self) { try OutputPath("escape/x.jsonl", in: out) }
        #expect(throws: JobError.self) { try OutputPath("file.jsonl", in: out) }
        try FileManager.default.createDirectory(atPath: out + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/inside", withDestinationPath: out + "/real")
        #expect(try OutputPath("inside/x.jsonl", in: out).absolute.hasSuffix("/out/real/x.jsonl"))
    }

    @Test func noOverwriteUnlessAsked() throws {
        let dir = TemporaryDirectory()
        let path = try OutputPath("a.jsonl", in: dir.path)
        let writer = try JSONLWriter.create(at: path, overwrite: false)
        try writer.append(["n": 1])
        #expect {
            _ = try JSONLWriter.create(at: path, overwrite: false)
        } throws: { ($0 as? JobError)?.code == .invalidOutput }
        #expect(dir.read("a.jsonl") == "{\"n\":1}\n")
        _ = try JSONLWriter.create(at: path, overwrite: true)
        #expect(dir.read("a.jsonl") == "")
    }

    @Test func resumeCutsRecordsAfterTheCheckpointAndATornLine() throws {
        let dir = TemporaryDirectory()
        let path = try OutputPath("a.jsonl", in: dir.path)
        let writer = try JSONLWriter.create(at: path, overwrite: false)
        try writer.append(["n": 1])
        try writer.append(["n": 2])
        let (offset, records) = (writer.offset, writer.records)
        try writer.append(["n": 3])
        let handle = try #require(FileHandle(forWritingAtPath: path.absolute))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"n\":4,\"tor".utf8))
        try handle.close()
        let resumed = try JSONLWriter.resume(at: path, offset: offset, records: records)
        #expect(dir.read("a.jsonl") == "{\"n\":1}\n{\"n\":2}\n")
        try resumed.append(["n": 3])
        #expect(dir.read("a.jsonl") == "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n")
        #expect(resumed.records == 3)
        #expect(throws: JobError.self) { try JSONLWriter.resume(at: path, offset: 1000, records: 9) }
    }

    /// A cluster commit that withdraws a record cuts the batch's records after it too, and counts them out.
    @Test func rewindDropsEveryRecordPastTheOffset() throws {
        let dir = TemporaryDirectory()
        let path = try OutputPath("a.jsonl", in: dir.path)
        let writer = try JSONLWriter.create(at: path, overwrite: false)
        try writer.append(["n": 1])
        let kept = writer.offset
        for n in 2...4 { try writer.append(["n": .int(Int64(n))]) }
        writer.rewind(to: kept, dropping: 3)
        #expect(dir.read("a.jsonl") == "{\"n\":1}\n")
        #expect(writer.records == 1)
        try writer.append(["n": 2])
        #expect(dir.read("a.jsonl") == "{\"n\":1}\n{\"n\":2}\n")
        #expect(writer.records == 2)
    }

    @Test func readerPagesThroughWholeRecordsOnly() throws {
        let dir = TemporaryDirectory()
        let path = try OutputPath("a.jsonl", in: dir.path)
        let writer = try JSONLWriter.create(at: path, overwrite: false)
        for n in 0..<10 { try writer.append(["n": .int(Int64(n))]) }
        let page = try JSONLReader.records(at: path.absolute, length: writer.offset, offset: 3, limit: 4)
        #expect(page.records == [["n": 3], ["n": 4], ["n": 5], ["n": 6]] && !page.atEnd)
        let tail = try JSONLReader.records(at: path.absolute, length: writer.offset, offset: 8, limit: 100)
        #expect(tail.records == [["n": 8], ["n": 9]] && tail.atEnd)
        let cut = try JSONLReader.records(at: path.absolute, length: writer.offset - 3, offset: 8, limit: 100)
        #expect(cut.records == [["n": 8]])
    }

    /// Pages bounded by bytes, chained by their `next` position, return every
    /// record once; a position in the middle of a line is refused.
    @Test func readerPagesByBytesFromPositions() throws {
        let dir = TemporaryDirectory()
        let path = try OutputPath("a.jsonl", in: dir.path)
        let writer = try JSONLWriter.create(at: path, overwrite: false)
        for n in 0..<40 { try writer.append(["n": .int(Int64(n)), "pad": .string(String(repeating: "x", count: n * 37 % 500))]) }
        var seen: [Int64] = []
        var position = JSONLReader.Position.start
        var pages = 0
        while true {
            let page = try JSONLReader.records(at: path.absolute, length: writer.offset, from: position, offset: position.record, limit: 1000, maxBytes: 1200)
            let bytes = page.records.reduce(0) { $0 + $1.encoded().count + 1 }
            #expect(bytes <= 1200 && !page.records.isEmpty)
            seen += page.records.compactMap { $0.objectValue?["n"]?.intValue }
            pages += 1
            if page.atEnd { break }
            position = page.next
        }
        #expect(seen == Array(0..<40) && pages > 5)
        #expect {
            _ = try JSONLReader.records(at: path.absolute, length: writer.offset, from: .init(record: 1, byte: 3), offset: 1, limit: 10)
        } throws: { ($0 as? JobError)?.code == .badRequest }
    }

    /// A symlink inside the output directory that leads out: no directory is
    /// made at its target (on main, `link/sub` was made before the check).
    @Test func makesNoDirectoryThroughASymlinkOut() throws {
        let dir = TemporaryDirectory()
        let out = dir.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/link", withDestinationPath: dir.path + "/elsewhere")
        #expect {
            try OutputPath("link/sub/out.jsonl", in: out)
        } throws: { ($0 as? JobError)?.code == .invalidOutput && "\($0)".contains("symlink") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/elsewhere").isEmpty)
    }

    /// Every spelling of one file is one output: `./a`, `.//a` and a symlink to the directory itself.
    @Test func aPathIsNamedByItsRealFile() throws {
        let dir = TemporaryDirectory()
        let out = dir.path + "/out"
        let plain = try OutputPath("a.jsonl", in: out)
        try FileManager.default.createSymbolicLink(atPath: out + "/alias", withDestinationPath: out)
        for spelling in ["./a.jsonl", ".//a.jsonl", "alias/a.jsonl", "alias/./a.jsonl"] {
            let path = try OutputPath(spelling, in: out)
            #expect(path == plain && path.relative == "a.jsonl", "\(spelling)")
        }
        #expect {
            try OutputPath("missing/a.jsonl", in: out, creating: false)
        } throws: { ($0 as? JobError)?.code == .invalidOutput }
        #expect(!FileManager.default.fileExists(atPath: out + "/missing"))
    }

    @Test func diskStoreRoundTripsAndReplacesAtomically() async throws {
        let dir = TemporaryDirectory()
        let store = try DiskCheckpointStore(stateDirectory: dir.path)
        var seen = SeenSet()
        seen.insert("http://h/a")
        var progress = JobProgress(job: "j-00abcd", output: "o.jsonl")
        progress.crawled = 7
        progress.startedAt = Date(timeIntervalSince1970: 1_700_000_000.25)
        let checkpoint = JobCheckpoint(
            job: "j-00abcd", state: .running, parameters: ["urls": ["http://h/"]], output: "o.jsonl", outputOffset: 42,
            records: 7, pending: [Frontier.PendingPage(url: "http://h/b", depth: 2)], seen: seen, completed: 7,
            progress: progress, savedAt: Date(timeIntervalSince1970: 1_700_000_100))
        try await store.save(checkpoint)
        var loaded = try #require(try await store.load("j-00abcd"))
        #expect(loaded.pending == checkpoint.pending && loaded.seen == seen && loaded.outputOffset == 42)
        #expect(loaded.progress.crawled == 7 && loaded.progress.startedAt == progress.startedAt)
        loaded.state = .completed
        try await store.save(loaded)
        #expect(try await store.all().map(\.state) == [.completed])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/jobs") == ["j-00abcd.json"])
        await #expect(throws: JobError.self) { try await store.load("../../etc/passwd") }
        try await store.remove("j-00abcd")
        #expect(try await store.load("j-00abcd") == nil)
    }
}
