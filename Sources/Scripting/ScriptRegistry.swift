import LuaBridge
import Logging

/// The daemon's handle on `--config DIR`: loads the script set, reloads it
/// (SIGHUP, the `reload` op), and gives typed access to the live generation.
///
/// A reload builds and validates a whole new generation before publishing
/// it; when it is refused, the live one keeps running and the error is kept
/// in `lastError` (for `monitor.health`) and thrown (for `reload`'s
/// `script_error`). Calls in flight finish on the generation they started on.
public final class ScriptRegistry: Sendable {
    private let scripts: LuaScriptRegistry<ScriptProducts>
    private let logger: Logger
    /// The typed view of policies.lua; always answers from the live generation.
    public let policies: Policies
    /// The typed view of extract.lua; always runs on the live generation.
    public let extractor: Extractor

    /// - Parameters:
    ///   - directory: the folder of scripts (`--config DIR`); nothing is read
    ///     until `reload()`.
    ///   - limits: memory cap, instruction budget and deadline of every state.
    ///   - logger: also receives the scripts' `print(...)` (see `ScriptPrintLog`).
    public convenience init(directory: String, logger: Logger, limits: LuaLimits = LuaLimits(), poolCapacity: Int = LuaStatePool.defaultCapacity) {
        self.init(directory: directory, logger: logger, limits: limits, poolCapacity: poolCapacity, printLog: ScriptPrintLog(logger: logger))
    }

    /// The same, with the scripts' `print` going to `printLog` (a test's, on a clock of its own).
    init(directory: String, logger: Logger, limits: LuaLimits, poolCapacity: Int, printLog: ScriptPrintLog) {
        scripts = LuaScriptRegistry(
            directory: directory, limits: limits, poolCapacity: poolCapacity,
            prepare: { state throws(LuaError) in
                state.printHandler = printLog.log
                try ScriptContract.prepareAll(state)
            },
            validate: { state, set throws(LuaError) in try ScriptContract.validateAll(state, set) })
        self.logger = logger
        policies = Policies(scripts: scripts, logger: logger)
        extractor = Extractor(scripts: scripts)
    }

    /// Loads the folder as the next generation and publishes it.
    /// - Returns: the new generation's number (1 for the first load).
    /// - Throws: the `LuaError` that refused the set, with the script's own
    ///   message (`policies.lua:17: attempt to index a nil value`).
    @discardableResult
    public func reload() async throws(LuaError) -> Int {
        do {
            let generation = try scripts.reload()
            logger.info(
                "scripts loaded",
                metadata: [
                    "crawld.scripts.generation": "\(generation.number)",
                    "crawld.scripts": "\(generation.scripts.scripts.map(\.name).joined(separator: ","))",
                ])
            return generation.number
        } catch {
            logger.info(
                "scripts refused, previous generation stays live",
                metadata: [
                    "crawld.script": "\(error.script ?? "")", "crawld.error": "\(error.message)",
                    "crawld.scripts.generation": "\(generation)",
                ])
            throw error
        }
    }

    /// The live generation's number; 0 before the first successful load.
    public var generation: Int { scripts.current?.number ?? 0 }

    /// Why the last reload was refused; nil after a successful one.
    public var lastError: LuaError? { scripts.lastError }

    /// The live generation itself, for a caller that makes several calls on
    /// the same scripts (the extractor): take it once, use its `pool`.
    public var current: LuaScriptGeneration<ScriptProducts>? { scripts.current }
}
