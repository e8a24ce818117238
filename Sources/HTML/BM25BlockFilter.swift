import Glibc

/// Keeps the blocks of a Markdown text that are relevant to a query, ranked by Okapi BM25
/// with each block (paragraph, list, table, code block) as a document of the collection.
///
/// A block is kept when its score is at least a quarter of the best block's (an absolute
/// cut-off means nothing across pages: BM25's scale grows with the number of blocks). A
/// heading is kept when any block of its section is, so kept text keeps its context. Order
/// is the page's. When no block mentions any query term the result is empty: the page has
/// nothing on the query, and saying so beats handing back the whole page.
struct BM25BlockFilter {
    let terms: Set<String>

    /// Okapi BM25's usual constants.
    private static let k1 = 1.2
    private static let b = 0.75
    /// Fraction of the best score a block needs.
    private static let relativeCutoff = 0.25
    /// Words too common to say what a block is about.
    private static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "in", "is", "it", "of", "on", "or",
        "that", "the", "this", "to", "was", "what", "when", "where", "which", "with", "do", "does", "can", "my",
    ]

    init(query: String) {
        terms = Set(Self.tokens(query))
    }

    func filter(_ markdown: String) -> String {
        let blocks = Self.blocks(of: markdown)
        let documents = blocks.map { Self.tokens($0) }
        let scores = score(documents)
        guard let best = scores.max(), best > 0 else { return "" }
        var keep = scores.map { $0 > 0 && $0 >= best * Self.relativeCutoff }
        keepHeadings(blocks, &keep)
        let kept = blocks.indices.filter { keep[$0] }.map { blocks[$0] }
        return kept.isEmpty ? "" : kept.joined(separator: "\n\n") + "\n"
    }

    private func score(_ documents: [[String]]) -> [Double] {
        guard !documents.isEmpty, !terms.isEmpty else { return documents.map { _ in 0 } }
        let count = Double(documents.count)
        let averageLength = max(1, Double(documents.reduce(0) { $0 + $1.count }) / count)
        var frequency: [String: Int] = [:]
        for document in documents {
            for term in Set(document) where terms.contains(term) { frequency[term, default: 0] += 1 }
        }
        return documents.map { document in
            var counts: [String: Int] = [:]
            for token in document where terms.contains(token) { counts[token, default: 0] += 1 }
            let length = Double(document.count)
            return counts.reduce(0.0) { total, entry in
                let df = Double(frequency[entry.key] ?? 0)
                let idf = log((count - df + 0.5) / (df + 0.5) + 1)
                let tf = Double(entry.value)
                return total + idf * tf * (Self.k1 + 1) / (tf + Self.k1 * (1 - Self.b + Self.b * length / averageLength))
            }
        }
    }

    /// Marks each heading kept when a block below it, before the next heading of the same or a
    /// higher level, is kept.
    private func keepHeadings(_ blocks: [String], _ keep: inout [Bool]) {
        for index in blocks.indices.reversed() {
            guard let level = Self.headingLevel(blocks[index]) else { continue }
            var next = index + 1
            while next < blocks.count {
                if let other = Self.headingLevel(blocks[next]), other <= level { break }
                if keep[next] {
                    keep[index] = true
                    break
                }
                next += 1
            }
        }
    }

    private static func headingLevel(_ block: String) -> Int? {
        let hashes = block.prefix { $0 == "#" }.count
        return (1...6).contains(hashes) && block.dropFirst(hashes).first == " " ? hashes : nil
    }

    /// The blocks of Markdown: runs of lines between blank lines, a fenced code block whole.
    static func blocks(of markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring] = []
        var fence: Substring?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = fence {
                current.append(line)
                if line.hasPrefix(open), line.allSatisfy({ $0 == "`" }) { fence = nil }
                continue
            }
            if line.hasPrefix("```") {
                fence = line.prefix { $0 == "`" }
                current.append(line)
                continue
            }
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { blocks.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { blocks.append(current.joined(separator: "\n")) }
        return blocks
    }

    /// Lowercase runs of letters and digits, stop words left out.
    static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { !stopWords.contains($0) }
    }
}
