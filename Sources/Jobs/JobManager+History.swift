import FoundationEssentials

/// What the manager keeps of a job that has ended: its counters and how far
/// its output goes. The runner (its open output file, frontier and seed list)
/// is dropped at the end, so a finished job costs a few hundred bytes.
struct FinishedJob: Sendable {
    var progress: JobProgress
    /// Bytes of whole records in the output, and how many records they are.
    var outputOffset: UInt64
    var records: Int
    var endedAt: Date
}

extension JobManager {
    // MARK: - Finished jobs

    /// A job that has ended, as this instance keeps it; in a cluster, nil: the
    /// cluster's summary is the one to trust (the job may have run on elsewhere).
    func finished(_ job: String) -> FinishedJob? {
        cluster == nil ? history[job] : nil
    }

    /// Forgets finished jobs past `--jobs-keep-age`, then the oldest past
    /// `--jobs-keep`, from memory and from the checkpoint store (so a restart
    /// does not bring them back; a cluster's checkpoints expire in Redis by
    /// themselves). Their output files stay: they are the operator's data. A
    /// forgotten job is `not_found`.
    func forgetOld(now: Date = Date()) async {
        let configuration = environment.configuration
        let oldest = now.addingTimeInterval(-configuration.keepFinishedFor.seconds)
        // Without a cluster, an interrupted job (a drain) is kept whatever its
        // age: its checkpoint is what resumes it at the next start.
        let finished = history.values.filter { cluster != nil || $0.progress.state.isFinal }
        var forgotten = finished.filter { $0.endedAt < oldest }.map(\.progress.job)
        let left = finished.count - forgotten.count
        if left > configuration.keepFinishedJobs {
            let kept = finished.filter { $0.endedAt >= oldest }.sorted { ($0.endedAt, $0.progress.job) < ($1.endedAt, $1.progress.job) }
            forgotten += kept.prefix(left - configuration.keepFinishedJobs).map(\.progress.job)
        }
        for job in forgotten {
            history[job] = nil
            guard cluster == nil else { continue }
            do {
                try await environment.store.remove(job)
            } catch {
                environment.logger.warning("finished job's checkpoint not removed", metadata: ["crawld.job": .string(job), "crawld.error": .string("\(error)")])
            }
        }
    }
}

extension FinishedJob {
    init(_ checkpoint: JobCheckpoint) {
        self.init(progress: checkpoint.progress, outputOffset: checkpoint.outputOffset, records: checkpoint.records, endedAt: checkpoint.savedAt)
    }
}
