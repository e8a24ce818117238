import FoundationEssentials
import NIOCore
import Testing

@testable import Engines

#if canImport(Glibc)
import Glibc
#endif

/// Errors read at the engine's boundary: running out of descriptors is a
/// limit of the moment (`resource_exhausted`), not a failure of the site.
@Suite struct EngineErrorMappingTests {
    @Test(arguments: [EMFILE, ENFILE])
    func outOfDescriptorsIsResourceExhausted(errno: Int32) throws {
        let url = try #require(URL(string: "http://127.0.0.1:8080/"))
        let error = EngineError.from(IOError(errnoCode: errno, reason: "connect"), url: url, configuration: HTTPEngineConfiguration())
        let engineError = try #require(error as? EngineError)
        #expect(engineError.code == .resourceExhausted)
        #expect(engineError.message.hasPrefix("no file descriptor left to connect to 127.0.0.1:8080"))
    }
}
