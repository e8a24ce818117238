/// Where an engine sits in the pool. The wire shows the raw value.
///
/// - `permanent`: the engine for the default configuration, started with the
///   pool and never closed by the janitor.
/// - `hot`: an engine used at least `promote_after` times; kept for the hot TTL.
/// - `cold`: a new engine; kept for the (shorter) cold TTL until it earns promotion.
public enum PoolTier: String, Sendable, Hashable, CaseIterable {
    case permanent
    case hot
    case cold
}
