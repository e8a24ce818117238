import FoundationEssentials
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// Appends a job's records to its JSONL file, one compact JSON object per line.
///
/// Owns the file descriptor (closed by `close()` at the job's end, or in
/// `deinit`); used by one runner actor at a
/// time, so it is not `Sendable`. `offset` is the length of the file made of
/// whole records: a checkpoint stores it, and `resume` truncates back to it,
/// which drops both the records written after the checkpoint (their pages are
/// pending again) and any torn last line a crash left.
public final class JSONLWriter {
    private var fd: Int32
    public let path: String
    /// Bytes of whole records in the file.
    public private(set) var offset: UInt64
    /// Records in the file.
    public private(set) var records: Int

    private init(fd: Int32, path: String, offset: UInt64, records: Int) {
        self.fd = fd
        self.path = path
        self.offset = offset
        self.records = records
    }

    deinit { close() }

    /// Closes the file: the job has ended, and a finished job holds no descriptor.
    /// `path`, `offset` and `records` stay, for `job.results`.
    public func close() {
        guard fd >= 0 else { return }
        _ = Glibc.close(fd)
        fd = -1
    }

    /// Creates the file for a new job; an existing file is an error unless `overwrite`.
    public static func create(at path: OutputPath, overwrite: Bool) throws(JobError) -> JSONLWriter {
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL)
        let fd = open(path.absolute, flags, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST { throw JobError(.invalidOutput, "'\(path.relative)': exists; pass overwrite: true to replace it", field: "output") }
            throw JobError.openFailed(path.relative)
        }
        return JSONLWriter(fd: fd, path: path.absolute, offset: 0, records: 0)
    }

    /// Reopens the file of a resumed job and cuts it back to `offset`, the
    /// checkpoint's length, where the file held `records` records.
    /// - Throws: `invalidOutput` if the file is missing or shorter than `offset`
    ///   (records the checkpoint counts on are gone).
    public static func resume(at path: OutputPath, offset: UInt64, records: Int) throws(JobError) -> JSONLWriter {
        let fd = open(path.absolute, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JobError.openFailed(path.relative) }
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0, UInt64(size) >= offset else {
            Glibc.close(fd)
            throw JobError(.invalidOutput, "'\(path.relative)' is shorter (\(size) bytes) than its checkpoint (\(offset))", field: "output")
        }
        guard ftruncate(fd, off_t(offset)) == 0, lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            Glibc.close(fd)
            throw JobError(.invalidOutput, "'\(path.relative)': cannot truncate: \(String(cString: strerror(errno)))", field: "output")
        }
        return JSONLWriter(fd: fd, path: path.absolute, offset: offset, records: records)
    }

    /// Writes one record and its newline.
    public func append(_ record: JSONValue) throws(JobError) {
        var bytes: [UInt8] = []
        record.encode(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                _ = ftruncate(fd, off_t(offset))
                _ = lseek(fd, off_t(offset), SEEK_SET)
                throw JobError(.invalidOutput, "write to '\(path)' failed: \(reason)", field: "output")
            }
            written += n
        }
        offset += UInt64(bytes.count)
        records += 1
    }

    /// Cuts the file back to `offset` (the end of the last record that counts), dropping the `count` records after it.
    public func rewind(to offset: UInt64, dropping count: Int) {
        guard offset < self.offset, ftruncate(fd, off_t(offset)) == 0, lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else { return }
        self.offset = offset
        records -= count
    }

    /// What flushes the records written so far to disk, before a checkpoint that
    /// counts on them: run on `DiskThread`, while appends go on. The descriptor
    /// stays open meanwhile: the job closes the file only after its final
    /// checkpoint, which waits for every earlier one.
    func flush() -> @Sendable () throws(JobError) -> Void {
        let fd = fd
        let path = path
        return { () throws(JobError) in
            guard fsync(fd) == 0 else {
                throw JobError(.invalidOutput, "fsync of '\(path)' failed: \(String(cString: strerror(errno)))", field: "output")
            }
        }
    }
}
