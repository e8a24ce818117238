import Pool

/// A policy with fixed thresholds and three pressure bands, like the shipped policies.lua.
struct TestPolicy: PoolPolicy {
    /// One band of the janitor: applies below `upTo` percent.
    struct Band: Sendable {
        var upTo: Double
        var settings: JanitorSettings
    }

    static let bands = [
        Band(upTo: 50, settings: JanitorSettings(interval: .seconds(30), coldTTL: .seconds(300), hotTTL: .seconds(1_800))),
        Band(upTo: 80, settings: JanitorSettings(interval: .seconds(10), coldTTL: .seconds(60), hotTTL: .seconds(600))),
        Band(upTo: .infinity, settings: JanitorSettings(interval: .seconds(5), coldTTL: .seconds(10), hotTTL: .seconds(60))),
    ]

    var promote = 3
    var memoryLimit = 85.0
    var retirements: [String: RetirementSettings] = [:]

    func promoteAfter() async -> Int { promote }
    func memoryLimitPercent() async -> Double { memoryLimit }

    func janitor(memoryPercent: Double) async -> JanitorSettings {
        Self.bands.first { memoryPercent < $0.upTo }!.settings
    }

    func retirement(kind: String) async -> RetirementSettings { retirements[kind] ?? RetirementSettings() }
}
