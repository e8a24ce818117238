import HTML
import Testing

/// `fit_markdown` on whole pages: what must stay (the content, its code, tables, lists, links
/// and headings) and what must go (navigation, headers, footers, sidebars, cookie banners,
/// comments, "edit this page", header-link marks), through the real libxml2 tree.
@Suite struct FitMarkdownTests {
    @Test func sphinxPageKeepsTheBodyWithoutChromeOrHeaderLinks() throws {
        let document = try Fixtures.document("python-docs/tutorial-introduction.html", url: "https://docs.python.org/3/tutorial/introduction.html")
        let fit = document.fitMarkdown()
        #expect(fit.hasPrefix("# 3. An Informal Introduction to Python\n"))
        #expect(fit.contains("```"))
        #expect(fit.contains(">>> 2 + 2"))
        #expect(!fit.contains("¶"))
        for chrome in ["Previous topic", "Show Source", "Report a Bug", "Table of Contents", "Quick search", "Copyright"] {
            #expect(!fit.contains(chrome), "\(chrome) is furniture")
        }
        #expect(document.markdown().contains("Previous topic"), "the whole-page Markdown still has it")
    }

    @Test func blogPostKeepsArticleAndDropsFurniture() throws {
        let fit = try Fixtures.document("fit/blog.html", url: "https://crumb.example/posts/hydration").fitMarkdown()
        for kept in [
            "# Tuning sourdough hydration", "## Measuring it", "Hydration is the ratio of water to flour", "```python",
            "return water / flour * 100", "| Flour | Water |", "| whole wheat | 80% |", "- Start at seventy percent.",
            "[starter guide](https://crumb.example/guides/starter)",
        ] {
            #expect(fit.contains(kept), "\(kept) is content")
        }
        for dropped in ["cookies", "Accept all", "Recipes", "Edit this page", "Tweet", "3 comments", "Great post", "Popular", "Rye basics", "Imprint", "© 2026"] {
            #expect(!fit.contains(dropped), "\(dropped) is furniture")
        }
    }

    @Test func pageWithoutHintsIsScoredLikeReadability() throws {
        let fit = try Fixtures.document("fit/news-divs.html").fitMarkdown()
        #expect(fit.contains("# Harbour bridge reopens after repairs"))
        #expect(fit.contains("six weeks after engineers closed it"))
        #expect(fit.contains("paid for by the regional transport fund"))
        for dropped in ["World", "Council votes on budget", "Advertisement", "Most read", "Copyright", "The Daily Tide"] {
            #expect(!fit.contains(dropped), "\(dropped) is furniture")
        }
    }

    @Test func forumThreadKeepsEveryPost() throws {
        let fit = try Fixtures.document("fit/forum.html").fitMarkdown()
        for post in ["thick white crust", "Two tablespoons of citric acid", "element is shiny again"] {
            #expect(fit.contains(post), "\(post) is a post of the thread")
        }
        for dropped in ["Forum index", "Log in", "Post reply", "FAQ", "Next"] {
            #expect(!fit.contains(dropped), "\(dropped) is furniture")
        }
    }

    @Test func overrideChoosesTheRootAndFurnitureInsideItStillGoes() throws {
        let document = try Fixtures.document("fit/blog.html")
        let body = try #require(document.select(CSSSelector("div.entry-content")).first)
        let narrow = document.fitMarkdown(main: body)
        #expect(narrow.hasPrefix("Hydration is the ratio"), "the script's root, not the detected one")
        #expect(!narrow.contains("# Tuning"))
        let article = try #require(document.select(CSSSelector("article")).first)
        let wide = document.fitMarkdown(main: article)
        #expect(wide.hasPrefix("# Tuning sourdough hydration"))
        #expect(!wide.contains("Edit this page") && !wide.contains("Tweet"))
    }

    @Test func queryKeepsRelevantBlocksWithTheirHeading() throws {
        let document = try Fixtures.document("fit/blog.html")
        let fit = document.fitMarkdown(query: "kitchen scale tare")
        #expect(fit.contains("## Measuring it"))
        #expect(fit.contains("kitchen scale with a tare button"))
        #expect(!fit.contains("Hydration is the ratio"))
        #expect(!fit.contains("seventy percent"))
        #expect(document.fitMarkdown(query: "zeppelin").isEmpty, "a page with nothing on the query gives nothing")
    }

    @Test func emptyAndFurnitureOnlyPagesGiveNoContent() throws {
        #expect(try Fixtures.parse("").fitMarkdown().isEmpty)
        #expect(try Fixtures.parse("<nav><a href='/'>Home</a></nav><footer>© me</footer>").fitMarkdown().isEmpty)
    }
}
