#!/usr/bin/env python3
"""Drives `crawld mcp` with the real MCP client from PyPI (the `mcp` package), as an agent
would: starts the bridge on stdio, initialises, lists the tools, calls `crawl` on a page,
`crawl` on a URL crawld refuses, `crawl_many` and `health`, and with MCP_SCREENSHOT=1 a
browser `crawl` with a screenshot. Prints one JSON object with what it saw.

    mcp_client.py CRAWLD_BINARY DAEMON_PORT PAGE_URL [TOKEN]
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def field(value, snake, camel):
    """A field by its name in the mcp package in use (newer releases spell them snake_case)."""
    return getattr(value, snake) if hasattr(value, snake) else getattr(value, camel)


def contents(result):
    return {
        "is_error": bool(field(result, "is_error", "isError")),
        "texts": [c.text for c in result.content if c.type == "text"],
        "images": [field(c, "mime_type", "mimeType") for c in result.content if c.type == "image"],
    }


async def main():
    binary, port, url = sys.argv[1], sys.argv[2], sys.argv[3]
    env = dict(os.environ)
    if len(sys.argv) > 4:
        env["CRAWLD_TOKEN"] = sys.argv[4]
    params = StdioServerParameters(command=binary, args=["mcp", "--connect", f"127.0.0.1:{port}"], env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            info = await session.initialize()
            tools = await session.list_tools()
            crawl = await session.call_tool("crawl", {"url": url})
            refused = await session.call_tool("crawl", {"url": "file:///etc/passwd"})
            many = await session.call_tool("crawl_many", {"urls": [url, url], "formats": ["markdown"]})
            health = await session.call_tool("health", {})
            shot = None
            if os.environ.get("MCP_SCREENSHOT") == "1":
                shot = await session.call_tool("crawl", {"url": url, "engine": "browser", "screenshot": True})
    print(json.dumps({
        "server": field(info, "server_info", "serverInfo").name,
        "tools": sorted(t.name for t in tools.tools),
        "crawl": contents(crawl),
        "refused": contents(refused),
        "many": contents(many),
        "health": contents(health),
        "screenshot": contents(shot) if shot else None,
    }))


if __name__ == "__main__":
    asyncio.run(main())
