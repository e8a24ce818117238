import Pool
import Testing

@Suite struct MemoryProbeTests {
    @Test func cgroupV2ReadsCurrentOverMax() throws {
        let fixture = try MemoryFixture()
        try fixture.cgroupV2(used: 768 << 20, limit: "\(1 << 30)")
        try fixture.meminfo(totalKiB: 16_000_000, availableKiB: 1_000_000)
        let reading = try #require(fixture.probe.read())
        #expect(reading.source == .cgroupV2)
        #expect(reading.usedBytes == 768 << 20)
        #expect(reading.limitBytes == 1 << 30)
        #expect(reading.percent == 75)
    }

    @Test func cgroupV2WithoutLimitFallsBackToMeminfo() throws {
        let fixture = try MemoryFixture()
        try fixture.cgroupV2(used: 768 << 20, limit: "max")
        try fixture.meminfo(totalKiB: 1_000_000, availableKiB: 400_000)
        let reading = try #require(fixture.probe.read())
        #expect(reading.source == .meminfo)
        #expect(reading.usedBytes == 600_000 * 1024)
        #expect(reading.limitBytes == 1_000_000 * 1024)
        #expect(reading.percent == 60)
    }

    @Test func cgroupV1ReadsUsageOverLimit() throws {
        let fixture = try MemoryFixture()
        try fixture.cgroupV1(used: 256 << 20, limit: 1 << 30)
        try fixture.meminfo(totalKiB: 16_000_000, availableKiB: 1_000_000)
        let reading = try #require(fixture.probe.read())
        #expect(reading.source == .cgroupV1)
        #expect(reading.percent == 25)
    }

    /// The layout of the machines here: cgroup v1 hybrid with the limit at 2^63 rounded to a page.
    @Test(arguments: [9_223_372_036_854_771_712, 1 << 62])
    func cgroupV1UnlimitedFallsBackToMeminfo(_ limit: Int) throws {
        let fixture = try MemoryFixture()
        try fixture.cgroupV1(used: 2_229_334_016, limit: limit)
        try fixture.meminfo(totalKiB: 2_000_000, availableKiB: 1_500_000)
        let reading = try #require(fixture.probe.read())
        #expect(reading.source == .meminfo)
        #expect(reading.percent == 25)
    }

    @Test func noSourceReadsNil() throws {
        let fixture = try MemoryFixture()
        #expect(fixture.probe.read() == nil)
        try fixture.write("/proc/meminfo", "MemTotal: garbage\n")
        #expect(fixture.probe.read() == nil)
    }

    @Test func realRootGivesAReading() throws {
        let reading = try #require(MemoryProbe().read())
        #expect(reading.limitBytes > 0)
        #expect(reading.usedBytes > 0)
        #expect(reading.percent > 0 && reading.percent <= 100)
    }
}
