"""The minimal Scrapy spider of the jobs benchmark: keeps each page's title
and links and follows the links on the start URL's host, as a crawld job with
`extract: false` does. Run by jobs_crawl.py with `scrapy runspider`."""
import json
import time

import scrapy
from scrapy.http import TextResponse


class DocsSpider(scrapy.Spider):
    name = "docs"

    def __init__(self, start=None, stats=None, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.allowed_domains = ["127.0.0.1"]
        self.stats_path = stats
        self.began = time.monotonic()

    def parse(self, response):
        if not isinstance(response, TextResponse):
            yield {"url": response.url, "status": response.status, "title": None, "links": []}
            return
        links = [response.urljoin(href) for href in response.css("a::attr(href)").getall()]
        links = [link for link in links if link.startswith(("http://", "https://"))]
        yield {"url": response.url, "status": response.status, "title": response.css("title::text").get(), "links": links}
        for link in links:
            yield response.follow(link, callback=self.parse)

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        with open(self.stats_path, "w") as out:
            json.dump({"elapsed": time.monotonic() - self.began, "items": stats.get("item_scraped_count", 0), "reason": reason}, out)
