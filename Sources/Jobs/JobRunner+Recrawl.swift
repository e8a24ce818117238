extension JobRunner {
    // MARK: - Recrawl

    /// Indexes the earlier output a recrawl compares with (`PreviousOutput`),
    /// on the matching thread, before any page is fetched. A recrawl whose
    /// earlier output cannot be read fails at once: every page would count as
    /// `new`, which is not what the client asked for.
    func openPreviousOutput() async {
        guard previous == nil, let relative = spec.previousOutput else { return }
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
            previous = output
            logger.info("recrawl indexed its earlier output", metadata: ["crawld.job.previous": .string(relative), "crawld.job.pages": .stringConvertible(output.count)])
        case .failure(let error):
            stop = .fail(error.message)
            wakeWaiters()
        }
    }

    /// The earlier record of `url`, read from disk off the actor; nil outside a recrawl or for a new URL.
    nonisolated func previousRecord(of url: CrawlURL) async -> PreviousRecord? {
        guard spec.previousOutput != nil, let previous = await previous else { return nil }
        return previous.record(for: url.string)
    }
}
