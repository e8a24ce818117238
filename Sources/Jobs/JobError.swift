#if canImport(Glibc)
import Glibc
#endif

/// What went wrong in the Jobs module, with the field or path it concerns.
///
/// The Daemon maps `code` to a wire error code in one place (`badRequest` ->
/// `bad_request`, `notFound` -> `not_found`, ...); the message is written for
/// the client who sent the job, so it names the parameter at fault.
public struct JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; grows as the module does, so it is a struct, not a closed enum.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        private init(_ name: String) { self.name = name }

        /// A `job.submit` / `job.results` parameter is missing, ill-typed or out of range.
        public static let badRequest = Code("bad_request")
        /// A seed URL is not an absolute http(s) URL.
        public static let invalidURL = Code("invalid_url")
        /// No job with that id.
        public static let notFound = Code("not_found")
        /// The output path escapes `--output-dir`, exists without `overwrite`, or cannot be written.
        public static let invalidOutput = Code("invalid_output")
        /// A checkpoint could not be written, read or applied.
        public static let checkpoint = Code("checkpoint")
        /// The job is in a state that does not allow the operation (e.g. resuming a completed job).
        public static let badState = Code("bad_state")
        /// The manager is draining and takes no new jobs.
        public static let shuttingDown = Code("shutting_down")
        /// Another instance of the cluster has taken the job over (it presumed this one dead).
        public static let movedAway = Code("moved_away")
        /// Redis, which holds the cluster's jobs, cannot be reached.
        public static let unavailable = Code("unavailable")
        /// `--deny-private` refused an address a webhook's host resolves to.
        public static let blockedAddress = Code("blocked_address")
        /// A limit of the moment: `--max-running-jobs` reached, or no file descriptor left. Retry later.
        public static let busy = Code("busy")

        public var description: String { name }
    }

    public let code: Code
    public let message: String
    /// The `job.submit` parameter at fault, when there is one.
    public let field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// An output file that `open` refused, with `errno` still set: out of
    /// descriptors (EMFILE, ENFILE) is `busy`, a limit of the moment, and any
    /// other reason `invalidOutput`.
    static func openFailed(_ path: String) -> JobError {
        let reason = String(cString: strerror(errno))
        if errno == EMFILE || errno == ENFILE {
            return JobError(.busy, "cannot open '\(path)': \(reason); crawld is out of file descriptors, retry later", field: "output")
        }
        return JobError(.invalidOutput, "'\(path)': \(reason)", field: "output")
    }

    public var description: String {
        if let field { return "\(code): \(field): \(message)" }
        return "\(code): \(message)"
    }
}
