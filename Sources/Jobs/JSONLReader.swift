import Foundation
import JSON

/// Reads records back from a job's JSONL file, for `job.results`.
public enum JSONLReader {
    /// The records at indexes `offset ..< offset + limit`, reading only the first
    /// `length` bytes (the whole records the writer reports), so a line being
    /// written is never returned half.
    /// - Throws: `invalidOutput` if the file cannot be read or a line is not JSON.
    public static func records(at path: String, length: UInt64, offset: Int, limit: Int) throws(JobError) -> [JSONValue] {
        guard limit > 0, let handle = FileHandle(forReadingAtPath: path) else {
            if limit <= 0 { return [] }
            throw JobError(.invalidOutput, "cannot read '\(path)'")
        }
        defer { try? handle.close() }
        var records: [JSONValue] = []
        var line: [UInt8] = []
        var index = 0
        var remaining = length
        while remaining > 0, records.count < limit {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: Int(min(remaining, 1 << 16))) ?? Data()
            } catch {
                throw JobError(.invalidOutput, "cannot read '\(path)': \(error)")
            }
            guard !chunk.isEmpty else { break }
            remaining -= UInt64(chunk.count)
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
