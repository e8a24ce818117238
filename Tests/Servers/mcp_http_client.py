#!/usr/bin/env python3
"""Drives crawld's `/mcp` (Streamable HTTP on the `--http` listener) with the real MCP client
from PyPI (the `mcp` package), as an agent would: initialises, lists the tools, calls `crawl`
on a page and on a URL crawld refuses, and `health`; the session is ended with DELETE on
exit. Prints one JSON object with what it saw, or, when the client fails (a refused token),
`{"error": "...", "statuses": [...]}` with the HTTP statuses it met.

    mcp_http_client.py MCP_URL PAGE_URL [TOKEN]
"""
import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from mcp_client import contents, field


def transport(url, headers, statuses):
    """The mcp package's Streamable HTTP client, noting the HTTP status of every answer."""
    client = create_mcp_http_client(headers=headers)

    async def note(response):
        statuses.append(response.status_code)

    client.event_hooks["response"].append(note)
    return streamable_http_client(url, http_client=client)


async def main():
    url, page = sys.argv[1], sys.argv[2]
    headers = {"Authorization": f"Bearer {sys.argv[3]}"} if len(sys.argv) > 3 else {}
    statuses = []
    try:
        async with transport(url, headers, statuses) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                info = await session.initialize()
                tools = await session.list_tools()
                crawl = await session.call_tool("crawl", {"url": page})
                refused = await session.call_tool("crawl", {"url": "file:///etc/passwd"})
                health = await session.call_tool("health", {})
    except BaseException as error:  # noqa: BLE001 - the test reads what failed
        print(json.dumps({"error": repr(error), "statuses": statuses}))
        return
    print(json.dumps({
        "server": field(info, "server_info", "serverInfo").name,
        "tools": sorted(t.name for t in tools.tools),
        "crawl_arguments": sorted(field(next(t for t in tools.tools if t.name == "crawl"), "input_schema", "inputSchema")["properties"]),
        "crawl": contents(crawl),
        "refused": contents(refused),
        "health": contents(health),
    }))


asyncio.run(main())
