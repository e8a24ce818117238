import Foundation
import HTML

/// Reads test fixtures copied into the test bundle (`Tests/HTMLTests/Fixtures`).
enum Fixtures {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: root.appendingPathComponent(name)))
    }

    static func document(_ name: String, url: String? = nil, contentType: String? = "text/html") throws -> HTMLDocument {
        try HTMLDocument(bytes: bytes(name), contentType: contentType, url: url)
    }

    /// A document parsed from a literal string.
    static func parse(_ html: String, url: String? = "https://example.org/dir/page.html") throws -> HTMLDocument {
        try HTMLDocument(bytes: Array(html.utf8), contentType: "text/html", url: url)
    }
}
