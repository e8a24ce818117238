import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif

/// Where a job may write: a path relative to `--output-dir`, and never outside it.
///
/// Refused, with `invalidOutput`: an absolute path, a `..` component, a NUL
/// byte, a parent directory that resolves (through symlinks) outside the
/// output directory, and a final component that is a symlink (the file is also
/// opened with `O_NOFOLLOW`, so a symlink planted after the check fails the open).
public struct OutputPath: Sendable, Equatable {
    /// The path as the client gave it, relative to the output directory.
    public let relative: String
    /// The absolute path of the file, under the real path of the output directory.
    public let absolute: String

    /// Checks `relative` against `directory`, creating the directory and the
    /// path's parent directories if they do not exist.
    public init(_ relative: String, in directory: String) throws(JobError) {
        let components = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !relative.hasPrefix("/") else { throw Self.refused(relative, "absolute paths are refused") }
        guard !relative.contains("\0"), let name = components.last, name != "." else {
            throw Self.refused(relative, "not a file name")
        }
        guard !components.contains("..") else { throw Self.refused(relative, "'..' is refused") }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JobError(.invalidOutput, "cannot create output directory '\(directory)': \(error)", field: "output")
        }
        guard let base = Self.realPath(directory) else {
            throw JobError(.invalidOutput, "cannot resolve output directory '\(directory)'", field: "output")
        }
        let parent = ([base] + components.dropLast().map(String.init)).joined(separator: "/")
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw Self.refused(relative, "cannot create its directory: \(error)")
        }
        guard let realParent = Self.realPath(parent), realParent == base || realParent.hasPrefix(base + "/") else {
            throw Self.refused(relative, "it leads out of the output directory through a symlink")
        }
        let absolute = realParent + "/" + name
        var info = stat()
        if lstat(absolute, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            throw Self.refused(relative, "the file is a symlink")
        }
        self.relative = relative
        self.absolute = absolute
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func refused(_ path: String, _ why: String) -> JobError {
        JobError(.invalidOutput, "'\(path)': \(why)", field: "output")
    }
}
