/// The thresholds the pool runs on. The daemon implements this over
/// policies.lua (Scripting.Policies); the pool never sees Lua.
public protocol PoolPolicy: Sendable {
    /// Uses after which a cold engine turns hot.
    func promoteAfter() async -> Int
    /// Refuse to create engines at or above this memory use, in percent.
    func memoryLimitPercent() async -> Double
    /// The janitor's interval and TTLs at a given memory use, in percent.
    func janitor(memoryPercent: Double) async -> JanitorSettings
    /// When an engine of this kind retires: after so many uses or so long alive.
    func retirement(kind: String) async -> RetirementSettings
}

/// One janitor round's settings, from `policies.janitor(memory_percent)`.
public struct JanitorSettings: Sendable, Equatable {
    public var interval: Duration
    public var coldTTL: Duration
    public var hotTTL: Duration

    public init(interval: Duration, coldTTL: Duration, hotTTL: Duration) {
        self.interval = interval
        self.coldTTL = coldTTL
        self.hotTTL = hotTTL
    }
}

/// When an engine stops taking requests; `nil` means never.
public struct RetirementSettings: Sendable, Equatable {
    public var afterUses: Int?
    public var maxAge: Duration?

    public init(afterUses: Int? = nil, maxAge: Duration? = nil) {
        self.afterUses = afterUses
        self.maxAge = maxAge
    }
}
