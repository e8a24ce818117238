import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension CDPConnection {
    /// The reader thread's body: poll the socket and the wake-up pipe with the
    /// tick's timeout, read, split at NUL, dispatch; on EOF fail everything
    /// and call `onClose`.
    func readLoop() {
        var buffer: [UInt8] = []
        var scanned = 0
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var wake = ContinuousClock.now
        while true {
            let now = ContinuousClock.now
            if now >= wake { wake = now + tickNow(now) }
            let wait = wake - now
            var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup.read, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, wakeup.read >= 0 ? 2 : 1, Int32(clamping: wait.milliseconds + 1))
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            if descriptors[1].revents != 0 {
                drainWakeups()
                wake = ContinuousClock.now
            }
            guard descriptors[0].revents != 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(socket, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard n > 0 else { break }
            buffer.append(contentsOf: chunk[0..<n])
            var start = 0
            while let end = buffer[scanned...].firstIndex(of: 0) {
                dispatch(buffer[start..<end])
                start = end + 1
                scanned = start
            }
            if start > 0 {
                buffer.removeFirst(start)
            }
            scanned = buffer.count
        }
        fail(BrowserError(.crashed, "browser closed the DevTools pipe"))
        closed()
    }

    /// Empties the wake-up pipe (non-blocking), so that it signals again only on the next ``wakeReader()``.
    private func drainWakeups() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while bytes.withUnsafeMutableBytes({ Glibc.read(wakeup.read, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Routes one message: a reply to its pending command, an event to its session's handler.
    private func dispatch(_ frame: ArraySlice<UInt8>) {
        guard let message = try? frame.withUnsafeBytes({ try JSONValue.parse($0) }).objectValue else {
            fail(BrowserError(.protocol, "Chromium sent a message that is not a JSON object"))
            return
        }
        if let id = message["id"]?.intValue {
            guard let reply = takePending(Int(id)) else { return }
            if let error = message["error"]?.objectValue {
                let text = error["message"]?.stringValue ?? "unknown error"
                reply(.failure(BrowserError(.protocol, "\(text) (code \(error["code"]?.intValue ?? 0))")))
            } else {
                reply(.success(message["result"] ?? .object([:])))
            }
        } else if let method = message["method"]?.stringValue {
            let session = message["sessionId"]?.stringValue ?? ""
            handler(for: session)?(method, message["params"] ?? .object([:]))
        }
    }
}
