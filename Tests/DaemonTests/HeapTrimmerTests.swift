@testable import Daemon
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The janitor's trim gives back freed heap that glibc would otherwise keep:
/// pages of freed blocks that sit between live ones stay resident after
/// `free`, and are no longer resident after the trim (checked with `mincore`).
@Suite struct HeapTrimmerTests {
    @Test func freedPagesBetweenLiveBlocksLeaveMemoryAfterTheTrim() throws {
        let blockSize = 64 * 1024 // below glibc's mmap threshold: the blocks come from an arena
        let blocks = (0..<256).map { _ -> UnsafeMutableRawPointer in
            let block = malloc(blockSize)!
            memset(block, 0x5a, blockSize)
            return block
        }
        let freed = stride(from: 0, to: blocks.count, by: 2).map { blocks[$0] }
        defer { for index in stride(from: 1, to: blocks.count, by: 2) { free(blocks[index]) } }
        for block in freed { free(block) }

        #expect(residentShare(of: freed, size: blockSize) == 1, "glibc keeps freed pages between live blocks")
        HeapTrimmer().trim()
        #expect(residentShare(of: freed, size: blockSize) < 0.1, "the trim gave them back")
    }

    /// The share of the whole pages inside the freed blocks (past the free-list
    /// pointers glibc writes at their start) that are resident.
    private func residentShare(of blocks: [UnsafeMutableRawPointer], size: Int) -> Double {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var resident = 0
        var total = 0
        for block in blocks {
            let first = (Int(bitPattern: block) + 64 + page - 1) / page * page
            let end = (Int(bitPattern: block) + size - 64) / page * page
            guard end > first else { continue }
            var map = [UInt8](repeating: 0, count: (end - first) / page)
            guard mincore(UnsafeMutableRawPointer(bitPattern: first), end - first, &map) == 0 else { continue }
            resident += map.filter { $0 & 1 == 1 }.count
            total += map.count
        }
        return total == 0 ? 0 : Double(resident) / Double(total)
    }
}
