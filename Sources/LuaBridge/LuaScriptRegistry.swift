import Synchronization

/// One validated script set, live or retired: its scripts, what validation
/// made of them (`Product`, e.g. typed policies), and the states that run it.
///
/// A caller takes the current generation once and makes its whole call on it,
/// so a reload never changes the scripts under a call in flight; an old
/// generation lives until its last caller lets go of it.
public final class LuaScriptGeneration<Product: Sendable>: Sendable {
    /// 1 for the first set loaded, then one more per successful reload.
    public let number: Int
    public let scripts: LuaScriptSet
    public let product: Product
    public let pool: LuaStatePool

    init(number: Int, scripts: LuaScriptSet, product: Product, pool: LuaStatePool) {
        self.number = number
        self.scripts = scripts
        self.product = product
        self.pool = pool
    }
}

/// Loads a folder of scripts into generations and swaps them atomically.
///
/// `reload()` reads every `*.lua`, builds a fresh state, loads them all,
/// runs `validate` on it, and only then publishes the new generation (Redis's
/// functions-library swap). On any failure the current generation stays live
/// and the error is kept in `lastError`.
public final class LuaScriptRegistry<Product: Sendable>: Sendable {
    public typealias Prepare = @Sendable (LuaState) throws(LuaError) -> Void
    public typealias Validate = @Sendable (LuaState, LuaScriptSet) throws(LuaError) -> Product

    private struct Published: Sendable {
        var current: LuaScriptGeneration<Product>?
        var lastError: LuaError?
        var count = 0
    }

    public let directory: String
    public let limits: LuaLimits
    private let capacity: Int
    private let prepare: Prepare
    private let validate: Validate
    private let published = Mutex(Published())
    /// Serialises reloads so generation numbers follow the order of reads.
    private let reloading = Mutex(())

    /// - Parameters:
    ///   - directory: the folder of `*.lua` scripts (`--config DIR`).
    ///   - prepare: registers Swift functions and userdata types on each new
    ///     state, before the scripts load.
    ///   - validate: checks a freshly loaded state against the scripts'
    ///     contracts and returns what callers need from it; throw to refuse.
    public init(
        directory: String, limits: LuaLimits = LuaLimits(), poolCapacity: Int = LuaStatePool.defaultCapacity,
        prepare: @escaping Prepare = { _ in }, validate: @escaping Validate
    ) {
        self.directory = directory
        self.limits = limits
        self.capacity = poolCapacity
        self.prepare = prepare
        self.validate = validate
    }

    /// The live generation, nil before the first successful load.
    public var current: LuaScriptGeneration<Product>? { published.withLock { $0.current } }

    /// Why the last load or reload was refused, nil once one succeeds.
    public var lastError: LuaError? { published.withLock { $0.lastError } }

    /// Builds and validates the next generation, then publishes it.
    /// - Returns: the new live generation.
    /// - Throws: the precise `LuaError` (`policies.lua:17: ...`); the previous
    ///   generation stays live.
    @discardableResult
    public func reload() throws(LuaError) -> LuaScriptGeneration<Product> {
        let result: Result<LuaScriptGeneration<Product>, LuaError> = reloading.withLock { _ in
            do throws(LuaError) {
                let scripts = try LuaScriptSet.read(directory: directory)
                let (limits, prepare) = (self.limits, self.prepare)
                let state = try scripts.makeState(limits: limits, prepare: prepare)
                let product = try validate(state, scripts)
                let pool = LuaStatePool(capacity: capacity, first: state) { () throws(LuaError) in
                    try scripts.makeState(limits: limits, prepare: prepare)
                }
                return .success(publish(scripts: scripts, product: product, pool: pool))
            } catch {
                published.withLock { $0.lastError = error }
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func publish(scripts: LuaScriptSet, product: Product, pool: LuaStatePool) -> LuaScriptGeneration<Product> {
        published.withLock { published in
            published.count += 1
            let generation = LuaScriptGeneration(number: published.count, scripts: scripts, product: product, pool: pool)
            published.current = generation
            published.lastError = nil
            return generation
        }
    }
}
