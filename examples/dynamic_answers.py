"""Answers computed from the request: a callback sees the request and returns
(status, headers, body).

Run: python examples/dynamic_answers.py
"""

from __future__ import annotations

import json
from typing import Any

import requests

import canned

BOOKS = "https://library.example.test/books/"


def lookup_book(request: Any) -> tuple[int, dict[str, str], str]:
    book_id = int(request.url.rstrip("/").rsplit("/", 1)[-1])
    if book_id > 1000:
        return 404, {}, json.dumps({"detail": "no such book"})
    headers = {"Content-Type": "application/json"}
    return 200, headers, json.dumps({"id": book_id, "title": f"Volume {book_id}"})


@canned.activate
def show_books() -> None:
    # A route ending in "/" also answers the paths beneath it.
    canned.add_callback(canned.GET, BOOKS, callback=lookup_book)
    for book_id in (12, 4096):
        answer = requests.get(f"{BOOKS}{book_id}", timeout=5)
        print(book_id, answer.status_code, answer.json())


if __name__ == "__main__":
    show_books()
