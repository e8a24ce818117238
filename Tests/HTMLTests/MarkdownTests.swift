import HTML
import Testing

@Suite struct MarkdownTests {
    @Test func handMadePageRendersEveryConstruct() throws {
        let document = try Fixtures.document("markdown.html", url: "https://example.org/guide/")
        let expected = """
            # Main *title*

            First paragraph with **bold**, *italic*, `inline_code()` and a [link](https://example.org/docs/page.html).

            - One
            - Two
              - Two point one
              - Two point two
                3. Deep three
                4. Deep four
            - Three

            > Quoted text.
            >
            > Second quoted paragraph.

            ## Table

            | Name | Value |
            | --- | --- |
            | alpha | 1 \\| 2 |
            | spanning **cell** |  |
            | gamma |  |

            ```python
            def f(x):
                return x * 2
            ```

            Project logo after image

            ### Last

            Line one
            Line two

            """
        #expect(document.markdown() == expected)
    }

    @Test func hiddenContentIsLeftOut() throws {
        let markdown = try Fixtures.document("markdown.html").markdown()
        #expect(!markdown.contains("script text"))
        #expect(!markdown.contains("color: red"))
        #expect(!markdown.contains("Enable JavaScript"))
        #expect(!markdown.contains("Template text"))
        #expect(!markdown.contains("Markdown sample"))
    }

    @Test func realTableFromLicensePage() throws {
        let document = try Fixtures.document("python-docs/license.html")
        let table = try #require(try document.select("table").first)
        let lines = document.markdown(of: table).split(separator: "\n")
        #expect(lines.first == "| Release | Derived from | Year | Owner | GPL compatible? |")
        #expect(lines.dropFirst().first == "| --- | --- | --- | --- | --- |")
        #expect(lines.contains("| 0.9.0 thru 1.2 | n/a | 1991-1995 | CWI | yes |"))
        #expect(lines.allSatisfy { $0.hasPrefix("|") && $0.hasSuffix("|") })
    }

    @Test func realPageCodeBlocksAndLinks() throws {
        let url = "https://docs.python.org/3.11/tutorial/introduction.html"
        let document = try Fixtures.document("python-docs/tutorial-introduction.html", url: url)
        let main = try #require(try document.select("div.body").first)
        let markdown = document.markdown(of: main)
        #expect(markdown.hasPrefix("# 3. An Informal Introduction to Python"))
        #expect(markdown.contains("```python3\n# this is the first comment\nspam = 1  # and this is the second comment\n"))
        #expect(markdown.contains("## 3.1. Using Python as a Calculator"))
        #expect(markdown.contains("](https://docs.python.org/3.11/"))
        #expect(!markdown.contains("\n\n\n"))
    }

    @Test func linksWrappingBlocksAndTablesInCellsAreFlattened() throws {
        let document = try Fixtures.parse(
            """
            <a href="/card"><h3>Card title</h3><p>Card text</p></a>
            <table><tr><td>outer<table><tr><td>inner 1</td><td>inner 2</td></tr></table></td></tr></table>
            <p><a href="#top">Top</a> <a href="javascript:void(0)">Run</a> <a href="/x"></a></p>
            """)
        #expect(
            document.markdown() == """
                [Card title Card text](https://example.org/card)

                | outer inner 1 inner 2 |
                | --- |

                Top Run

                """)
    }

    @Test func inlineCodeWithBackticksGetsLongerFence() throws {
        let document = try Fixtures.parse("<p>Use <code>a`b</code> and <em>*stars*</em></p>")
        #expect(document.markdown() == "Use ``a`b`` and *\\*stars\\**\n")
    }

    @Test func deeplyNestedListsAreBounded() throws {
        let depth = 5_000
        let html = String(repeating: "<ul><li>x", count: depth)
        let markdown = try Fixtures.parse(html).markdown()
        let lines = markdown.split(separator: "\n")
        #expect(lines.count == depth)
        #expect(lines.map(\.count).max()! <= 2 * 32 + 1)
    }
}

@Suite struct VisibleTextTests {
    @Test func visibleTextSkipsHiddenAndNormalisesWhitespace() throws {
        let document = try Fixtures.document("markdown.html")
        let text = document.visibleText()
        #expect(text.hasPrefix("Main title\nFirst paragraph with bold, italic, inline_code() and a link.\nOne\nTwo\n"))
        #expect(!text.contains("script text") && !text.contains("Enable JavaScript") && !text.contains("Template text"))
        #expect(text.contains("Name Value\nalpha 1 | 2\nspanning cell\n"))
        #expect(text.contains("Project logo after image"))
        #expect(!text.contains("  ") && !text.contains("\n\n") && !text.contains(" \n"))
    }

    @Test func realPageWordCount() throws {
        let document = try Fixtures.document("python-docs/tutorial-introduction.html")
        let words = document.visibleText().split { $0 == " " || $0 == "\n" }
        #expect(words.count > 2_000)
        #expect(!document.visibleText().contains("DOCUMENTATION_OPTIONS"))
    }
}

@Suite struct MarkdownCodeLanguageTests {
    /// Blogs and static-site generators name the language on the `code` inside the `pre`.
    @Test func languageOfTheCodeInsideAPreNamesTheFence() throws {
        let document = try Fixtures.parse(#"<pre><code class="language-rust">fn main() {}</code></pre>"#)
        #expect(document.markdown() == "```rust\nfn main() {}\n```\n")
    }
}
