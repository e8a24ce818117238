import Pool
import Testing

@Suite(.timeLimit(.minutes(10))) struct AdmissionTests {
    /// How each memory layout is set up, and the percent it reads.
    enum Layout: String, CaseIterable, CustomTestStringConvertible {
        case cgroupV2, cgroupV1, unlimitedV1FallsBackToMeminfo

        var testDescription: String { rawValue }

        func write(_ fixture: MemoryFixture, percent: Int) throws {
            switch self {
            case .cgroupV2:
                try fixture.cgroupV2(used: percent * 10_000_000, limit: "1000000000")
            case .cgroupV1:
                try fixture.cgroupV1(used: percent * 10_000_000, limit: 1_000_000_000)
            case .unlimitedV1FallsBackToMeminfo:
                try fixture.cgroupV1(used: 1, limit: 9_223_372_036_854_771_712)
                try fixture.meminfo(totalKiB: 1_000_000, availableKiB: 1_000_000 - percent * 10_000)
            }
        }
    }

    @Test(arguments: Layout.allCases)
    func refusesAtOrAboveTheLimitAndAdmitsBelow(_ layout: Layout) async throws {
        let harness = try PoolHarness(policy: TestPolicy(memoryLimit: 80), memoryPercent: nil)
        let factory = TestEngineFactory()

        try layout.write(harness.memory, percent: 79)
        try await harness.use(sig(1), factory)

        for percent in [80, 93] {
            try layout.write(harness.memory, percent: percent)
            let error = await #expect(throws: PoolError.self) { try await harness.use(sig(2), factory) }
            #expect(error?.code == .memoryPressure)
            #expect(error?.percent == Double(percent))
            #expect(error?.limit == 80)
            #expect(error?.message.contains("\(percent).0%") == true, "message gives the figure: \(error?.message ?? "")")
            #expect(error?.message.contains("80.0%") == true, "message gives the limit")
        }
        #expect(factory.count == 1, "refusal starts no engine")
        let refusals = harness.events.kinds(.refuse)
        #expect(refusals.count == 2 && refusals.allSatisfy { $0.signature == sig(2) })
        #expect(await harness.row(sig(2)) == nil)

        let hit = try await harness.use(sig(1), factory)
        #expect(hit.hit, "existing engines still serve under pressure")
    }

    @Test func thePermanentConfigurationIsAdmittedUnderPressure() async throws {
        let harness = try PoolHarness(policy: TestPolicy(memoryLimit: 50, retirements: ["http": RetirementSettings(afterUses: 1)]), memoryPercent: 95)
        let factory = TestEngineFactory()
        try await harness.pool.startPermanent(signature: sig(1), kind: "http", make: factory.make)
        try await harness.use(sig(1), factory)
        let replacement = try await harness.use(sig(1), factory)
        #expect(replacement.tier == .permanent && !replacement.hit)
        #expect(factory.count == 2)
    }
}
