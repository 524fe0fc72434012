"""Replies: what a route answers, as adapters read it."""

from __future__ import annotations

from canned._core.reply import Reply


def test_a_replys_header_is_found_by_name_in_any_case() -> None:
    reply = Reply(200, (("Content-Type", "text/plain"), ("Content-Length", "2")))
    assert reply.header("content-length") == "2"


def test_a_header_the_reply_lacks_is_none() -> None:
    assert Reply(200, (("Content-Type", "text/plain"),)).header("Transfer-Encoding") is None
