"""The web server around the app (Streamlit's st.App on Starlette): the sign-in cookie and
security headers.

The cookie holds a random session token (only its SHA-256 is stored in the database). Streamlit
talks to the browser over a websocket, which cannot set a cookie, so after a password is
checked the page sends the browser to `/auth/session?code=…`: a one-time code, valid for a
minute and kept only in this process's memory, that this route swaps for the cookie before
redirecting to the page that was asked for. The cookie is `HttpOnly` (no script can read it),
`SameSite=Strict` (no other site can make the browser send it) and `Secure` when the app is
served over HTTPS.
"""

from __future__ import annotations

import ast
import base64
import gc
import hashlib
import importlib
import logging
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

COOKIE = "recovery_session"
COOKIE_MAX_AGE = 12 * 3600
SESSION_ROUTE = "/auth/session"
SIGNED_OUT_ROUTE = "/auth/signed-out"
CODE_SECONDS = 60
_codes: dict[str, tuple[str, float]] = {}
_codes_lock = threading.Lock()
_NEXT = re.compile(r"^/[A-Za-z0-9_\-]*$")
# True once the server is built: only then can the app hand a token to the browser as a cookie
# (under AppTest, or a server without these routes, the session lives in the tab only).
INSTALLED = False


def hand_off(token: str) -> str:
    """A one-time code, good for a minute, that the session route swaps for `token`."""
    code = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _codes_lock:
        for old in [c for c, (_, until) in _codes.items() if until < now]:
            del _codes[old]
        _codes[code] = (token, now + CODE_SECONDS)
    return code


def _redeem(code: str) -> str | None:
    with _codes_lock:
        token, until = _codes.pop(code, (None, 0.0))
    return token if token and until >= time.monotonic() else None


def safe_next(path: str | None) -> str:
    """Only a page of this app: `/` or `/name` (never another site)."""
    return path if path and _NEXT.match(path) else "/"


def session_url(code: str, next_path: str, base: str = "") -> str:
    """Where the browser goes after signing in."""
    return f"{base}{SESSION_ROUTE}?code={quote(code)}&next={quote(safe_next(next_path))}"


def _is_https(request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


async def _session(request):
    from starlette.responses import RedirectResponse

    token = _redeem(request.query_params.get("code", ""))
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if token:
        response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, path="/", httponly=True,
                            samesite="strict", secure=_is_https(request))
    response.headers["Cache-Control"] = "no-store"
    return response


async def _signed_out(request):
    from starlette.responses import RedirectResponse

    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=_is_https(request))
    response.headers["Cache-Control"] = "no-store"
    return response


def _inline_script_hashes() -> list[str]:
    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    try:
        html = index.read_text(encoding="utf-8")
    except OSError:
        return []
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for body in re.findall(r"<script>(.*?)</script>", html, flags=re.S)]


def content_security_policy() -> str:
    """Only this app's own scripts, styles, fonts and images; never inside another site's frame."""
    scripts = " ".join(["'self'", *_inline_script_hashes()])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",  # the front end sets styles at run time
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class SecurityHeaders:
    """ASGI middleware: frame protection and a content security policy on every HTTP answer."""

    def __init__(self, app) -> None:
        self.app = app
        self.headers = [
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", content_security_policy().encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
        ]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = dict(message, headers=[*message.get("headers", []), *extra])
            await send(message)

        await self.app(scope, receive, send_with_headers)


WEEK_SCRIPT = b'<script src="./app/static/week-starts-monday.js"></script>'
NOT_PAGES = ("/_stcore/", "/static/", "/app/static/", "/media/", "/component/", "/auth/")


class MondayWeeks:
    """ASGI middleware: every page of the app loads static/week-starts-monday.js first, so the
    date pickers start their weeks on Monday whatever the browser's language (Streamlit has no
    option for it). Only page answers (text/html, 200) change; assets keep their compression."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if (scope["type"] != "http" or scope.get("method") != "GET"
                or scope.get("path", "").startswith(NOT_PAGES)):
            await self.app(scope, receive, send)
            return
        # The page itself uncompressed (about 8 kB), so the tag can go into its <head>.
        scope = dict(scope, headers=[(k, v) for k, v in scope.get("headers", [])
                                     if k.lower() != b"accept-encoding"])
        start: dict | None = None
        passthrough = False
        parts: list[bytes] = []

        async def rewrite(message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                kind = dict((k.lower(), v) for k, v in message.get("headers", []))
                passthrough = (message.get("status") != 200
                               or not kind.get(b"content-type", b"").startswith(b"text/html")
                               or b"content-encoding" in kind)
                if passthrough:
                    await send(message)
                else:
                    start = message
                return
            if passthrough or message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(parts).replace(b"<head>", b"<head>" + WEEK_SCRIPT, 1)
            headers = [(k, v) for k, v in start.get("headers", [])
                       if k.lower() not in (b"content-length", b"etag")]
            await send(dict(start, headers=[*headers,
                                            (b"content-length", str(len(html)).encode())]))
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, rewrite)


def routes() -> list:
    """The sign-in cookie's two routes."""
    from starlette.routing import Route
    from streamlit.runtime.pages_manager import PagesManager

    global INSTALLED
    INSTALLED = True
    # pages/ holds st.navigation's scripts: never run one directly (Streamlit's first session
    # after a start would, for a deep link such as /debtors, skipping the router's sign-in).
    PagesManager.uses_pages_directory = False
    return [Route(SESSION_ROUTE, _session, methods=["GET"]),
            Route(SIGNED_OUT_ROUTE, _signed_out, methods=["GET"])]


def middleware() -> list:
    """The security headers, and Monday as the first day of the week on every page."""
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders), Middleware(MondayWeeks)]


# Imported once at start, before any session's script runs (app.py waits for it): each session's
# script runs in its own thread, and a module one thread is still importing can be seen
# half-built by another ("partially initialized module 'pandas'" on a fresh server with several
# visitors: Altair looks pandas up in sys.modules without importing it).
HEAVY = ("numpy", "pandas", "pyarrow", "altair")
APP = Path(__file__).resolve().parents[1]


def _app_modules() -> list[str]:
    """Every module app.py and the pages import, and all of ui/ (sorted, no duplicates)."""
    names = {f"ui.{p.stem}" for p in (APP / "ui").glob("*.py") if p.stem != "__init__"}
    names |= {f"ui.components.{p.stem}" for p in (APP / "ui" / "components").glob("*.py")
              if p.stem != "__init__"}
    for script in [APP / "app.py", *sorted((APP / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
    return sorted(name for name in names if name.split(".")[0] in {"core", "ui"})


def warm_up() -> list[str]:
    """Import the heavy libraries and the app's own modules, and draw one chart and one table
    off screen (Altair and pyarrow load parts of themselves on first use); returns the modules.

    Then everything loaded so far (modules, schemas, the chart library's spec) is moved out of
    the garbage collector's way (`gc.freeze`): it lives as long as the server, and a full
    collection that starts during a page's run scans only what runs have made since. At
    1,000,000 check-ins a full collection in the middle of a Stand-up run took ~166 ms — the
    page's slowest runs (docs/benchmarks.md).
    """
    loaded = []
    for name in [*HEAVY, *_app_modules()]:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a module that exists but is broken: say so at start
                raise
            continue  # `from core.x import function`: the name is not a module
        loaded.append(name)
    import altair as alt
    import pandas as pd
    import pyarrow as pa

    frame = pd.DataFrame({"day": pd.to_datetime(["2026-01-05"]), "count": [1]})
    alt.Chart(frame).mark_bar().encode(x="day:T", y="count:Q").to_dict()
    pa.Table.from_pandas(frame)
    gc.collect()
    gc.freeze()
    return loaded


_warm = threading.Event()
_warming = False  # True once this process's server started a warm-up


def _warm_up_then_open() -> None:
    started = time.perf_counter()
    try:
        modules = warm_up()
        logging.getLogger("recovery.server").info(
            "Imported %d modules for the first visitors in %.1f s.", len(modules),
            time.perf_counter() - started)
    except Exception:  # the pages will meet the same fault and show their sentence
        logging.getLogger("recovery.server").exception("The start-up imports failed")
    finally:
        _warm.set()


def wait_until_warm(timeout: float = 120.0) -> None:
    """At the top of every run: wait for the start-up imports, so no script sees a module
    half-imported (returns at once where no server started them, e.g. under AppTest)."""
    if _warming:
        _warm.wait(timeout)


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """Server start (st.App's lifespan): the imports, once, in a thread of their own, so the
    server answers its health check at once and the first runs wait for them instead."""
    global _warming
    _warming = True
    threading.Thread(target=_warm_up_then_open, name="warm-up", daemon=True).start()
    yield


def on_script_error(exc: Exception) -> bool:
    """A fault in a fragment rerun (which skips the router's own handler): one sentence and
    "Try again" instead of Streamlit's error box — the lost database's, or the general one."""
    from ui import session

    if isinstance(exc, session.DB_DOWN):
        session.show_db_down()
    else:
        session.show_unexpected(exc)
    return True
