"""The app's own web server pieces: Monday as the first day of the week on every page."""

from __future__ import annotations

import asyncio

from ui.server import WEEK_SCRIPT, MondayWeeks

PAGE = b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>"


def _serve(path: str, *, status: int = 200, content_type: bytes = b"text/html; charset=utf-8",
           body: bytes = PAGE, chunks: int = 1, encoding: str = "gzip") -> tuple[dict, bytes]:
    """Run one GET through the middleware; (response start headers, whole body)."""
    seen: dict = {}

    async def app(scope, receive, send) -> None:
        seen["request"] = dict(scope["headers"])
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type),
                                (b"content-length", str(len(body)).encode()),
                                (b"etag", b'"abc"')]})
        size = max(1, len(body) // chunks)
        pieces = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
        for n, piece in enumerate(pieces):
            await send({"type": "http.response.body", "body": piece,
                        "more_body": n < len(pieces) - 1})

    out: list[dict] = []

    async def send(message) -> None:
        out.append(message)

    scope = {"type": "http", "method": "GET", "path": path,
             "headers": [(b"accept-encoding", encoding.encode()), (b"host", b"x")]}
    asyncio.run(MondayWeeks(app)(scope, None, send))
    start = next(m for m in out if m["type"] == "http.response.start")
    seen["response"] = dict(start["headers"])
    return seen, b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body")


def test_a_page_loads_the_monday_script_first_and_says_its_new_length():
    # When a page such as /debtors is asked for (by a browser that takes gzip), in two chunks
    seen, body = _serve("/debtors", chunks=2)
    # Then its <head> starts with the script, and the length and tags match the new body
    assert body.startswith(b"<!DOCTYPE html><html><head>" + WEEK_SCRIPT + b"<title>")
    assert seen["response"][b"content-length"] == str(len(body)).encode()
    assert b"etag" not in seen["response"]
    # And the app was asked for it uncompressed, so the tag could go in
    assert b"accept-encoding" not in seen["request"]


def test_assets_and_other_answers_pass_untouched():
    # The Streamlit bundle keeps its compression and its bytes
    seen, body = _serve("/static/js/index.js", content_type=b"text/javascript", body=b"x=1")
    assert body == b"x=1" and seen["request"][b"accept-encoding"] == b"gzip"
    # A JSON answer on a page path, and a 304, are not rewritten
    assert _serve("/", content_type=b"application/json", body=b"{}")[1] == b"{}"
    seen, body = _serve("/debtors", status=304, body=b"")
    assert body == b"" and seen["response"][b"etag"] == b'"abc"'
