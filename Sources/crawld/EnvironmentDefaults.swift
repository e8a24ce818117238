/// Fills options missing from the command line from `CRAWLD_<NAME>`
/// environment variables (swift-argument-parser reads no environment).
enum EnvironmentDefaults {
    /// The long option names that have an environment variable.
    static let options = [
        "config", "listen", "redis", "instance-id", "max-line-bytes", "max-connections", "max-inflight",
        "token-file", "drain-timeout", "log-level", "deny-private", "output-dir", "state-dir", "heartbeat-interval", "watchdog-udp", "watchdog-interval", "event-loops",
        "max-running-jobs", "jobs-keep", "jobs-keep-age",
        "max-crawl-delay", "max-frontier",
        "max-crawls-in-flight", "max-crawls-per-client", "crawl-queue-wait", "max-body-bytes", "request-memory",
        "auth-timeout", "tls-cert", "tls-key", "max-partial-line-bytes", "max-watchers",
        "http",
    ]

    /// Options that take no value: `CRAWLD_DENY_PRIVATE=1` (or true, yes) sets them.
    static let flags: Set<String> = ["deny-private"]

    /// `--max-line-bytes` ⇄ `CRAWLD_MAX_LINE_BYTES`.
    static func variableName(for option: String) -> String {
        "CRAWLD_" + option.uppercased().replacing("-", with: "_")
    }

    /// The arguments with `--name value` appended for each option that the
    /// command line does not give and the environment does.
    static func merge(_ arguments: [String], environment: [String: String]) -> [String] {
        var merged = arguments
        for option in options {
            let flag = "--" + option
            let given = arguments.contains { $0 == flag || $0.hasPrefix(flag + "=") }
            guard !given, let value = environment[variableName(for: option)] else { continue }
            if flags.contains(option) {
                if ["1", "true", "yes"].contains(value.lowercased()) { merged.append(flag) }
            } else {
                merged.append(flag + "=" + value)
            }
        }
        return merged
    }
}
