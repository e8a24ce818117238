#if canImport(Glibc)
import Glibc
#endif

/// Reads a known byte range of a file, as the records of a job's output are
/// read back by their offsets (a recrawl's earlier record, a cluster job's
/// results): one `pread`, looped only when the kernel returns it short or a
/// signal interrupts it. `pread` takes no shared file position, so any task
/// may read the same descriptor at once.
enum FileRange {
    /// The `length` bytes at `offset` of `fd`; nil when the file ends before them or cannot be read.
    static func read(_ fd: Int32, offset: UInt64, length: Int) -> [UInt8]? {
        var done = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            while done < length {
                let count = pread(fd, buffer.baseAddress! + done, length - done, off_t(offset + UInt64(done)))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                done += count
            }
            initialized = done
        }
        return done == length ? bytes : nil
    }
}
