import Crawl
import Logging
import Monitor
import Scripting

/// Loads the next generation of scripts (SIGHUP and the `reload` op), and
/// re-resolves the permanent engine, whose configuration the new
/// `engine_for` may have changed.
struct ScriptReloader: Sendable {
    let scripts: ScriptRegistry
    let crawler: Crawler
    let monitor: Monitor
    let logger: Logger
    /// With `--http`: counts refused reloads for /metrics.
    let metrics: CrawldMetrics?

    /// - Returns: the generation now live.
    /// - Throws: the `LuaError` that refused the new scripts; the old ones stay live.
    func reload() async throws -> Int {
        do {
            let generation = try await scripts.reload()
            monitor.setScripts(generation: generation, lastError: nil)
            do {
                try await crawler.startPermanentEngine()
            } catch {
                logger.error("permanent engine did not start after reload", metadata: ["crawld.error": "\(error)"])
            }
            // Logged once the permanent engine follows the new `engine_for`:
            // an operator (or a test) reading this line may rely on it.
            logger.notice("scripts reloaded", metadata: ["crawld.scripts.generation": "\(generation)"])
            return generation
        } catch {
            monitor.setScripts(generation: scripts.generation, lastError: error.message)
            metrics?.reloadFailures.increment()
            logger.error("reload refused; the previous scripts stay live", metadata: ["crawld.error": "\(error.message)"])
            throw error
        }
    }
}
