import JSON

#if canImport(Glibc)
import Glibc
#endif

extension JobManager {
    // MARK: - Recrawls

    /// Keys of the earlier job's parameters a `recrawl_of` job does not inherit:
    /// where it writes, how it is watched, and its own recrawl settings.
    static let notInherited: Set<String> = ["output", "overwrite", "watch", "recrawl", "recrawl_of", "previous_output", "changes_only"]

    /// The parameters of a `job.submit` with `recrawl_of`: the earlier job's
    /// (so `{recrawl_of: "j-…"}` alone crawls the same site the same way),
    /// overridden by those given, with `previous_output` set to the earlier
    /// job's output. Any other request's parameters come back as they are.
    /// - Throws: `notFound` for a job this instance does not know (or has
    ///   forgotten, past `--jobs-keep`), `badState` while it is still running.
    public func recrawlParameters(_ parameters: JSONObject) async throws(JobError) -> JSONObject {
        guard let earlier = parameters["recrawl_of"]?.stringValue else { return parameters }
        if active.contains(earlier) {
            throw JobError(.badState, "job \(earlier) is still running; recrawl it once it has ended", field: "recrawl_of")
        }
        let checkpoint: JobCheckpoint?
        do {
            checkpoint = try await environment.store.load(earlier)
        } catch let error as JobError where error.code == .notFound {
            checkpoint = nil
        } catch {
            throw JobError(.checkpoint, "cannot read job \(earlier): \(error)", field: "recrawl_of")
        }
        guard let checkpoint else {
            throw JobError(.notFound, "'recrawl_of': no job \(earlier) on this instance", field: "recrawl_of")
        }
        var merged = checkpoint.parameters.filter { !Self.notInherited.contains($0.key) }
        merged.merge(parameters) { _, given in given }
        merged["previous_output"] = .string(checkpoint.output)
        return merged
    }

    /// For `recrawl: true`: moves the earlier file at the job's output aside to
    /// `<output>.previous` (replacing an older one) and points the spec at it,
    /// so the new run writes a fresh file and compares with the last one. With
    /// no earlier file every page is `new`.
    func movePreviousOutput(_ spec: inout JobSpec) throws(JobError) {
        guard spec.recrawl, spec.previousOutput == nil, let output = spec.output else { return }
        let current = try OutputPath(output, in: environment.configuration.outputDirectory)
        let previous = try OutputPath(current.relative + ".previous", in: environment.configuration.outputDirectory)
        var info = stat()
        guard stat(current.absolute, &info) == 0 else { return }
        guard rename(current.absolute, previous.absolute) == 0 else {
            throw JobError(.invalidOutput, "cannot move '\(current.relative)' aside: \(String(cString: strerror(errno)))", field: "output")
        }
        spec.setPreviousOutput(previous.relative)
    }
}
