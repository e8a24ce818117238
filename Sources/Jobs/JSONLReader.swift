import FoundationEssentials
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// Reads records back from a job's JSONL file, for `job.results`.
public enum JSONLReader {
    /// A place in the file: the index of a record and the byte its line starts at.
    public struct Position: Sendable, Equatable {
        public var record: Int
        public var byte: UInt64

        public init(record: Int, byte: UInt64) {
            self.record = record
            self.byte = byte
        }

        public static let start = Position(record: 0, byte: 0)
    }

    /// Records read, and where the next read goes on.
    public struct Page: Sendable, Equatable {
        public var records: [JSONValue]
        /// The first record not returned.
        public var next: Position
        /// Whether the read reached the end of the whole records (more may be written later).
        public var atEnd: Bool
    }

    /// Up to `limit` records with indexes from `offset`, read from `start` on,
    /// whose lines total at most `maxBytes` (the first record is always
    /// returned, so paging goes on past a record bigger than that). Only the
    /// first `length` bytes are read (the whole records the writer reports),
    /// so a line being written is never returned half.
    /// - Throws: `badRequest` if `start` is not at the start of a line within
    ///   `length`; `invalidOutput` if the file cannot be read or a line is not JSON.
    public static func records(
        at path: String, length: UInt64, from start: Position = .start, offset: Int, limit: Int, maxBytes: Int = .max
    ) throws(JobError) -> Page {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        try check(start, fd: fd, length: length)
        var page = Page(records: [], next: start, atEnd: false)
        var line: [UInt8] = []
        var used = 0
        var lineStart = start.byte
        var position = start.byte
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while position < length {
            let wanted = Int(min(length - position, UInt64(buffer.count)))
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(position)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure(path) }
            for byte in buffer[..<count] {
                position += 1
                guard byte == UInt8(ascii: "\n") else {
                    if page.next.record >= offset { line.append(byte) }
                    continue
                }
                if page.next.record >= offset {
                    guard page.records.count < limit, page.records.isEmpty || used + line.count + 1 <= maxBytes else {
                        page.next.byte = lineStart
                        return page
                    }
                    do {
                        page.records.append(try JSONValue.parse(line))
                    } catch {
                        throw JobError(.invalidOutput, "record \(page.next.record) of '\(path)' is not JSON: \(error)")
                    }
                    used += line.count + 1
                }
                line.removeAll(keepingCapacity: true)
                page.next.record += 1
                lineStart = position
            }
        }
        page.next.byte = lineStart
        page.atEnd = true
        return page
    }

    /// A position from a client's cursor must be where a line starts, so a
    /// forged one cannot make a record out of the middle of another.
    private static func check(_ start: Position, fd: Int32, length: UInt64) throws(JobError) {
        guard start.byte > 0 else { return }
        var before: UInt8 = 0
        guard start.byte <= length, pread(fd, &before, 1, off_t(start.byte - 1)) == 1, before == UInt8(ascii: "\n") else {
            throw JobError(.badRequest, "is not a cursor of this job's results", field: "cursor")
        }
    }

    /// Out of descriptors is `busy`, a limit of the moment, rather than a broken output.
    private static func failure(_ path: String) -> JobError {
        let code: JobError.Code = errno == EMFILE || errno == ENFILE ? .busy : .invalidOutput
        return JobError(code, "cannot read '\(path)': \(String(cString: strerror(errno)))")
    }
}
