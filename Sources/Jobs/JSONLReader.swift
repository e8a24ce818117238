import FoundationEssentials
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// Reads records back from a job's JSONL file, for `job.results`.
public enum JSONLReader {
    /// The records at indexes `offset ..< offset + limit`, reading only the first
    /// `length` bytes (the whole records the writer reports), so a line being
    /// written is never returned half.
    /// - Throws: `invalidOutput` if the file cannot be read or a line is not JSON.
    public static func records(at path: String, length: UInt64, offset: Int, limit: Int) throws(JobError) -> [JSONValue] {
        guard limit > 0 else { return [] }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JobError(.invalidOutput, "cannot read '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var records: [JSONValue] = []
        var line: [UInt8] = []
        var index = 0
        var remaining = length
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while remaining > 0, records.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, Int(min(remaining, UInt64($0.count)))) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw JobError(.invalidOutput, "cannot read '\(path)': \(String(cString: strerror(errno)))") }
            let chunk = buffer[..<count]
            guard !chunk.isEmpty else { break }
            remaining -= UInt64(count)
            for byte in chunk {
                guard byte == UInt8(ascii: "\n") else {
                    if index >= offset { line.append(byte) }
                    continue
                }
                if index >= offset, records.count < limit {
                    do {
                        records.append(try JSONValue.parse(line))
                    } catch {
                        throw JobError(.invalidOutput, "record \(index) of '\(path)' is not JSON: \(error)")
                    }
                }
                line.removeAll(keepingCapacity: true)
                index += 1
            }
        }
        return records
    }
}
