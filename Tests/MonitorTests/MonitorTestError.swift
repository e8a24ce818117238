/// A failure a monitor test reports.
struct MonitorTestError: Error {
    let message: String
}
