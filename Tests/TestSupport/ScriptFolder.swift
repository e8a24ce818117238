#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary folder of Lua scripts for a test, removed when dropped.
///
/// `ScriptFolder(copying: ScriptFolder.shipped)` gives a private copy of the
/// repository's `scripts/` to edit, as an operator would before a SIGHUP.
public final class ScriptFolder {
    public let path: String

    /// The repository's `scripts/` folder (found from this file's path).
    public static let shipped: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/scripts"
    }()

    /// An empty folder.
    public init() {
        var template = Array("/tmp/crawld-lua-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// A folder holding a copy of every `*.lua` in `directory`.
    public convenience init(copying directory: String) {
        self.init()
        for name in Self.names(in: directory) where name.hasSuffix(".lua") {
            write(name, Self.read(directory + "/" + name))
        }
    }

    /// The text of one script in this folder.
    public func read(_ name: String) -> String {
        Self.read(path + "/" + name)
    }

    /// Writes (or replaces) one script.
    public func write(_ name: String, _ source: String) {
        guard let file = fopen(path + "/" + name, "wb") else { fatalError("cannot write \(path)/\(name)") }
        _ = source.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, file) }
        fclose(file)
    }

    /// Removes one script.
    public func remove(_ name: String) {
        unlink(path + "/" + name)
    }

    deinit {
        for name in Self.names(in: path) { unlink(path + "/" + name) }
        rmdir(path)
    }

    private static func names(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func read(_ path: String) -> String {
        guard let file = fopen(path, "rb") else { fatalError("cannot read \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while case let n = fread(&chunk, 1, chunk.count, file), n > 0 { bytes += chunk[..<n] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
