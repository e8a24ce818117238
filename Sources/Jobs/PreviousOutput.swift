import JSON

#if canImport(Glibc)
import Glibc
#endif

/// An earlier job's JSONL output, opened for a recrawl: which record holds
/// each URL, so the page's validators and body hash are read back from disk
/// when the page comes up.
///
/// Memory: the index keeps no URL, validator or record, only a keyed 64-bit
/// hash of each URL and its record's offset (about 40 bytes a page with the
/// table's slack; 40 MB for a million pages). The file is read once, streaming,
/// to build it; each lookup reads one line and checks its `url`, so a hash
/// collision costs a lookup, never a wrong record. The validators thus stay
/// where the earlier job wrote them, on disk, and a resumed recrawl indexes
/// the same file again. Immutable once built, read with `pread` from any task.
public final class PreviousOutput: Sendable {
    public let path: String
    private let key: SipHash
    private let offsets: [UInt64: UInt64]
    private let length: UInt64

    /// Indexes the whole records of the file at `path` (a line cut short at the end is ignored).
    /// - Throws: `invalidOutput` when the file cannot be read.
    public init(path: String) throws(JobError) {
        self.path = path
        let key = SipHash(k0: .random(in: .min ... .max), k1: .random(in: .min ... .max))
        self.key = key
        var offsets: [UInt64: UInt64] = [:]
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JobError(.invalidOutput, "cannot read the earlier output '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var line: [UInt8] = []
        var lineStart: UInt64 = 0
        var position: UInt64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            for byte in buffer[..<count] {
                position += 1
                guard byte == UInt8(ascii: "\n") else {
                    line.append(byte)
                    continue
                }
                if let url = (try? JSONValue.parse(line))?.objectValue?["url"]?.stringValue {
                    offsets[key.hash(url.utf8)] = lineStart
                }
                line.removeAll(keepingCapacity: true)
                lineStart = position
            }
        }
        self.offsets = offsets
        self.length = lineStart
    }

    /// Pages the earlier output holds (one per URL; a URL written twice counts once).
    public var count: Int { offsets.count }

    /// The earlier record of `url`, read from the file; nil when there is none.
    public func record(for url: String) -> PreviousRecord? {
        guard let offset = offsets[key.hash(url.utf8)], let line = readLine(at: offset),
            let object = (try? JSONValue.parse(line))?.objectValue, object["url"]?.stringValue == url
        else { return nil }
        return PreviousRecord(record: object)
    }

    /// The line starting at `offset`, without its newline.
    private func readLine(at offset: UInt64) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 14)
        var position = offset
        while position < length {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            if let newline = buffer[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line += buffer[..<newline]
                return line
            }
            line += buffer[..<count]
            position += UInt64(count)
        }
        return nil
    }
}
