import Foundation
import Threads

#if canImport(Glibc)
import Glibc
#endif

/// Reads a child process's pipe on a thread of its own until end of file,
/// handing each chunk to a closure as it arrives.
///
/// Not `FileHandle.readabilityHandler`: on Linux its dispatch read source,
/// torn down as the child exits, can crash libdispatch's event loop
/// (`_dispatch_event_loop_drain` on a dangling epoll registration;
/// swift-corelibs-foundation#5507). It ended a CI run of the whole suite
/// once. A blocking `read(2)` on a thread of its own uses no dispatch
/// source, and the thread (`DetachedThread`, as crawld's own blocking reads
/// use) ends when the child's end of the pipe closes.
public enum PipeDrain {
    public static func start(_ handle: FileHandle, _ chunk: @escaping @Sendable (Data) -> Void) throws {
        let descriptor = handle.fileDescriptor
        try DetachedThread.start {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    chunk(Data(buffer[0..<count]))
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            // The handle stays open (and its descriptor valid) until here.
            _ = handle
        }
    }
}
