extension JobRunner {
    // MARK: - Recrawl

    /// Indexes the earlier output a recrawl compares with (`PreviousOutput`),
    /// on the matching thread, before any page is fetched; nil outside a
    /// recrawl. A recrawl whose earlier output cannot be read fails at once:
    /// every page would count as `new`, which is not what the client asked for.
    ///
    /// The index goes to the workers as it is (immutable, read with `pread`),
    /// not through the actor: a page's lookup takes no actor turn, and the
    /// index and its descriptor go when the last worker ends.
    func openPreviousOutput() async -> PreviousOutput? {
        guard let relative = spec.previousOutput else { return nil }
        let directory = environment.configuration.outputDirectory
        let opened = await environment.matching.run { () -> Result<PreviousOutput, JobError> in
            do throws(JobError) {
                let path = try OutputPath(relative, in: directory, creating: false)
                return .success(try PreviousOutput(path: path.absolute))
            } catch {
                return .failure(error)
            }
        }
        switch opened {
        case .success(let output):
            logger.info("recrawl indexed its earlier output", metadata: ["crawld.job.previous": .string(relative), "crawld.job.pages": .stringConvertible(output.count)])
            return output
        case .failure(let error):
            stop = .fail(error.message)
            wakeWaiters()
            return nil
        }
    }
}
