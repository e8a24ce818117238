import JSON

#if canImport(Glibc)
import Glibc
#endif

/// An earlier job's JSONL output, opened for a recrawl: which record holds
/// each URL, so the page's validators and body hash are read back from disk
/// when the page comes up.
///
/// Memory: the index keeps no URL, validator or record, only a keyed 64-bit
/// hash of each URL and its record's place (offset and length; about 50 bytes
/// a page with the table's slack, 50 MB for a million pages). The file is read
/// once, streaming, to build it; each lookup reads one line with one `pread`
/// and checks its `url`, so a hash collision costs a lookup, never a wrong
/// record. The validators thus stay where the earlier job wrote them, on disk,
/// and a resumed recrawl indexes the same file again.
///
/// The descriptor stays open while the index lives (closed in `deinit`): a
/// lookup costs no `open` (a recrawl makes one per page), and the records
/// read are those of the file indexed even if another file takes its path
/// later (a `recrawl: true` job moves its output aside to `.previous`, over
/// the one an earlier recrawl read). Immutable once built; `pread` takes no
/// shared file position, so lookups run from any task at once.
public final class PreviousOutput: Sendable {
    /// Where a record's line is in the file, without its newline.
    private struct Place: Sendable {
        let offset: UInt64
        let length: Int
    }

    public let path: String
    private let fd: Int32
    private let key: SipHash
    private let places: [UInt64: Place]

    /// Indexes the whole records of the file at `path` (a line cut short at the end is ignored).
    /// - Throws: `invalidOutput` when the file cannot be read.
    public init(path: String) throws(JobError) {
        self.path = path
        let key = SipHash(k0: .random(in: .min ... .max), k1: .random(in: .min ... .max))
        self.key = key
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JobError(.invalidOutput, "cannot read the earlier output '\(path)': \(String(cString: strerror(errno)))") }
        self.fd = fd
        var places: [UInt64: Place] = [:]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var line: [UInt8] = []
        var lineStart: UInt64 = 0
        var position: UInt64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var start = 0
            while let newline = buffer[start..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line += buffer[start..<newline]
                if let url = Self.url(of: line) {
                    places[key.hash(url)] = Place(offset: lineStart, length: line.count)
                }
                line.removeAll(keepingCapacity: true)
                start = newline + 1
                lineStart = position + UInt64(start)
            }
            line += buffer[start..<count]
            position += UInt64(count)
        }
        self.places = places
    }

    deinit { close(fd) }

    /// Pages the earlier output holds (one per URL; a URL written twice counts once).
    public var count: Int { places.count }

    /// The earlier record of `url`, read from the file; nil when there is none.
    public func record(for url: String) -> PreviousRecord? {
        guard let place = places[key.hash(url)], let line = FileRange.read(fd, offset: place.offset, length: place.length),
            let object = (try? JSONValue.parse(line))?.objectValue, object["url"]?.stringValue == url
        else { return nil }
        return PreviousRecord(record: object)
    }

    /// The URL a line is the record of. crawld writes `url` first, so it is
    /// read from the line's head without parsing the rest (a recrawl indexes
    /// every record of the earlier output before its first fetch); a line
    /// written otherwise, or whose URL has escapes, is parsed whole. A line
    /// that is not JSON past its head is found at lookup, which parses it.
    static func url(of line: [UInt8]) -> String? {
        let head = Array(#"{"url":""#.utf8)
        if line.starts(with: head), let end = line[head.count...].firstIndex(of: UInt8(ascii: "\"")),
            !line[head.count..<end].contains(UInt8(ascii: "\\"))
        {
            return String(decoding: line[head.count..<end], as: UTF8.self)
        }
        return (try? JSONValue.parse(line))?.objectValue?["url"]?.stringValue
    }
}
