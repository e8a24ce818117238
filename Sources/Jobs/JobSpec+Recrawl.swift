import JSON

extension JobSpec {
    /// The recrawl keys of `job.submit`: `recrawl_of` (the earlier job, resolved
    /// by the Daemon into its parameters and `previous_output`), `recrawl` (the
    /// output path's own earlier file), `changes_only`, and `previous_output`
    /// (the earlier output, relative to `--output-dir`; what a checkpoint keeps).
    static func readRecrawl(_ reader: JSONObjectReader, into spec: inout JobSpec) throws(JobError) {
        spec.recrawlOf = try read { () throws(JSONFieldError) in try reader.string("recrawl_of") }
        spec.recrawl = try read { () throws(JSONFieldError) in try reader.bool("recrawl") } ?? false
        spec.changesOnly = try read { () throws(JSONFieldError) in try reader.bool("changes_only") } ?? false
        spec.previousOutput = try read { () throws(JSONFieldError) in try reader.string("previous_output") }
        if spec.recrawl, spec.output == nil {
            throw JobError(.badRequest, "'recrawl' compares with the earlier file at 'output': name it", field: "recrawl")
        }
        if spec.changesOnly, !spec.isRecrawl {
            throw JobError(.badRequest, "'changes_only' needs a recrawl: add recrawl_of or recrawl: true", field: "changes_only")
        }
        if spec.isRecrawl, spec.cluster {
            throw JobError(.badRequest, "recrawls are not available for cluster jobs yet", field: spec.recrawl ? "recrawl" : "recrawl_of")
        }
    }

    /// Whether records carry `change`.
    public var isRecrawl: Bool { recrawlOf != nil || recrawl || previousOutput != nil }

    /// Sets the earlier output this recrawl compares with, in the parameters too (a resume reads it back).
    mutating func setPreviousOutput(_ relative: String) {
        previousOutput = relative
        parameters["previous_output"] = .string(relative)
    }
}
