-- extract.lua: what structured data crawld returns for each page (the
-- answer's `data`). Edit, then `kill -HUP <pid>` (or send the `reload` op):
-- the new handlers serve new requests at once, or the reload is refused
-- with the exact error and the previous handlers keep running.
--
-- The script returns { sites = { [host] = handler, ... }, default = handler }.
-- A handler is `function(doc, page)` and returns a table (or nil) made of
-- strings, numbers, booleans and tables: it becomes `data` as JSON.
--
-- Which handler runs: the page's final URL (after redirects) picks it by
-- host. An exact host ("docs.python.org") beats a wildcard; among wildcards
-- ("*.example.org", which matches a.example.org and a.b.example.org but
-- not example.org itself) the longest wins; anything else gets `default`.
-- Bodies that are not HTML (JSON, text, images, PDF) always go to
-- `default`, with doc = nil (see page.kind below).
--
-- `doc`, the parsed page (valid only during the call; keeping it, or one
-- of its nodes, in a variable for a later page raises an error):
--   doc:css(selector)      list of nodes (type, #id, .class, [attr], [attr=v],
--                          ^= $= *=, descendant, >, +, ~, ",", :first-child,
--                          :nth-child(n))
--   doc:xpath(expr)        list of nodes, or a string, number or boolean
--                          (for string(...), count(...), boolean(...))
--   doc:attr(selector, name)  the attribute of the first match, or nil
--   doc:text([node])       visible text (no script/style), one block a line
--   doc:word_count([node]) the number of words of doc:text([node]), without
--                          building the text (much cheaper than counting it)
--   doc:markdown([node])   the page (or a node) as Markdown
--   doc:title(), doc:description(), doc:canonical(), doc:language()
--   doc:links()            absolute links of the page, each once
--   doc:absolute(href)     href made absolute against the page (or nil)
-- A node: node:name(), node:text(), node:attr(name), node:html(),
--   node:find(selector), node:children(), node:xpath(expr) (relative).
-- A bad selector or XPath raises an error naming it; wrap it in pcall to
-- recover.
--
-- `page`: page.url, page.final_url, page.status, page.depth, page.headers
-- (lowercase names), page.content_type, page.kind ("html", "json", "text",
-- "image", "pdf", "binary"). For non-HTML bodies also page.size, and
-- page.json (a parsed JSON body) or page.text (a text body, or a JSON body
-- that did not parse; over 1 MiB it is cut, with page.truncated = true).
--
-- Sandbox: string, table, math, utf8 and os.time/clock/date are available;
-- io, require, debug and the rest of os are not. Use `local` variables.
-- Each call has an instruction budget, a deadline (string patterns and the
-- table functions stop at it too) and a memory cap; what a handler returns
-- may hold at most 100,000 values. print(...) goes to crawld's log (at most
-- 10 lines a second); setmetatable refuses a __gc field (no finalizers).

-- MARK: helpers

-- Text of each node matching `selector`, at most `limit` of them.
local function texts(doc, selector, limit)
  local out = {}
  for _, node in ipairs(doc:css(selector)) do
    if #out >= limit then break end
    local text = node:text()
    if text ~= "" then out[#out + 1] = text end
  end
  return out
end

-- The content of <meta property="..."> (OpenGraph) or <meta name="...">.
local function meta(doc, key)
  return doc:attr('meta[property="' .. key .. '"]', "content")
      or doc:attr('meta[name="' .. key .. '"]', "content")
end

-- OpenGraph's main fields, or nil when the page has none (an empty table
-- would read as an empty JSON list).
local function opengraph(doc)
  local og = {
    title = meta(doc, "og:title"),
    description = meta(doc, "og:description"),
    image = meta(doc, "og:image"),
    type = meta(doc, "og:type"),
  }
  if next(og) == nil then return nil end
  return og
end

-- Sphinx and many doc generators end headings with a permalink sign: drop
-- every sign, then the spaces left at the end. Written as a plain
-- replacement and a scan from the end because a pattern such as "%s*¶%s*$"
-- backtracks over each run of spaces: quadratic on a long <pre>, it would
-- run into the call's deadline on a large page. Patterns with `-` or `*`
-- before an anchor or a literal ("(.-)x", "%s*$") cost the same.
local function strip_permalink(text)
  text = text:gsub("¶", "")
  local last = #text
  local byte = text:byte(last)
  while byte == 32 or (byte ~= nil and byte >= 9 and byte <= 13) do
    last = last - 1
    byte = text:byte(last)
  end
  return text:sub(1, last)
end

-- MARK: default

-- Any page: the facts every crawl wants, and OpenGraph when present.
local function default(doc, page)
  if doc == nil then
    -- Not HTML: say what it was; a JSON body is passed through as is.
    return { kind = page.kind, content_type = page.content_type, size = page.size, json = page.json }
  end
  return {
    title = doc:title(),
    description = doc:description(),
    canonical = doc:canonical(),
    language = doc:language(),
    headings = {
      h1 = texts(doc, "h1", 20),
      h2 = texts(doc, "h2", 50),
      h3 = texts(doc, "h3", 100),
    },
    word_count = doc:word_count(),
    opengraph = opengraph(doc),
  }
end

-- MARK: example: a documentation site (Sphinx, as docs.python.org)

-- The main content as Markdown, the breadcrumbs, and previous/next pages.
-- Copy it for another Sphinx site under its own host key.
local function sphinx_docs(doc, page)
  local main = doc:css('div.body[role="main"]')[1] or doc:css("main")[1]
  local crumbs = {}
  local nav = doc:css("div.related")[1]
  if nav then
    for _, link in ipairs(nav:find("li.nav-item > a")) do
      crumbs[#crumbs + 1] = { title = strip_permalink(link:text()), url = doc:absolute(link:attr("href")) }
    end
  end
  local function neighbour(rel)
    local href = doc:attr('link[rel="' .. rel .. '"]', "href")
    if not href then return nil end
    return { title = doc:attr('link[rel="' .. rel .. '"]', "title"), url = doc:absolute(href) }
  end
  local heading = main and main:find("h1")[1]
  return {
    title = heading and strip_permalink(heading:text()) or doc:title(),
    language = doc:language(),
    breadcrumbs = crumbs,
    previous = neighbour("prev"),
    next = neighbour("next"),
    content = strip_permalink(doc:markdown(main)),
  }
end

-- MARK: example: a list page (Hacker News' front page)

-- One item per row: title, link, and the site it points to. For another
-- list, change the row selector and the fields read inside each row.
local function hacker_news(doc, page)
  local items = {}
  for _, row in ipairs(doc:css("tr.athing")) do
    local link = row:find("span.titleline > a")[1]
    if link then
      local site = row:find("span.sitestr")[1]
      items[#items + 1] = {
        id = row:attr("id"),
        title = link:text(),
        url = doc:absolute(link:attr("href")),
        site = site and site:text() or nil,
      }
    end
  end
  return { title = doc:title(), items = items, more = doc:absolute(doc:attr("a.morelink", "href")) }
end

return {
  sites = {
    ["docs.python.org"] = sphinx_docs,
    ["news.ycombinator.com"] = hacker_news,
  },
  default = default,
}
