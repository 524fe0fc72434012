"""canned with aiohttp: register a fake answer, let async code call it, check what it sent.

No network is touched: the session's connection ends at canned, and aiohttp reads the answer
with its own parser (status, headers, cookies and redirects are aiohttp's work, as for a server).

Run: python examples/aiohttp_quick_start.py
"""

from __future__ import annotations

import asyncio

import aiohttp

import canned

API = "https://tasks.example.test"


async def create_task(title: str) -> int:
    """Production code: it knows nothing about canned."""
    async with aiohttp.ClientSession(base_url=API, raise_for_status=True) as session:
        answer = await session.post("/v1/tasks", json={"title": title})
        data = await answer.json()  # reads the body, and releases the connection
        return int(data["id"])


def check_create_task() -> None:
    with canned.RequestsMock() as mock:
        mock.add(
            canned.POST,
            f"{API}/v1/tasks",
            status=201,
            json={"id": 42, "title": "write docs"},
            match=[canned.matchers.json_params_matcher({"title": "write docs"})],
        )
        task_id = asyncio.run(create_task("write docs"))
        print(f"created task {task_id}")
        print(f"requests sent: {len(mock.calls)}, first to {mock.calls[0].request.url}")


if __name__ == "__main__":
    check_create_task()
