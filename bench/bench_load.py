"""Many agents on one server: `python bench/bench_load.py [--sessions 1 5 10 20] [--seconds 60]`.

For each N it starts `streamlit run app.py` afresh (on a temporary SQLite file with the demo
team, or on `--database-url`), opens N headless Chromium tabs through Playwright, each signed in
as one of the demo agents (a session cookie made with `core.team.sessions`, so N argon2 checks
do not swamp the start), and lets every tab do an agent's daily loop for `--seconds`, at once:

* **my_day**: open My day from the sidebar;
* **open_debtor**: on Debtors, choose a debtor (their profile and timeline);
* **save_checkin**: Log a check-in, fill it in, save it (until "Check-in saved." is drawn);
* **slider**: on Payment plans (Quick model), move "Number of instalments" one step.

A time runs from the click or key press to the server's "script finished" message for that
rerun on the tab's own WebSocket (read with Streamlit's protobuf classes), so it is what an
agent waits for the server, not Chromium's painting. The steps between (going to Debtors, to
the check-in form, to Payment plans) are done and timed too, under "other".

Prints, per N: count, p50 and p95 per action, errors (a step that failed or took over 60 s;
the tab then starts its loop again), the server's memory (RSS) above what it used with no tab
open, per session, the 1-minute load average (at the start, highest seen, at the end), and the
server's CPU seconds per completed daily loop: on a shared machine that is the figure to turn
into capacity (agents on a dedicated core = 3,600 / (CPU per loop × loops an agent does an hour)).
The load generator (Chromium) runs on the same machine as the server: the figures are
pessimistic. `--smoke` checks the figures are there and exits 1 only if the benchmark itself
broke (no step ever completed), never on a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere

from common import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from sqlmodel import select  # noqa: E402

from core.store import db  # noqa: E402
from core.store.models import User  # noqa: E402

ACTIONS = ("my_day", "open_debtor", "save_checkin", "slider")
STEP_TIMEOUT = 60.0
COOKIE = "recovery_session"
FIRST_ERRORS: dict[str, str] = {}  # the first error of each step, printed after the table
SHOTS: Path | None = None  # --shots FOLDER: a screenshot of each failed step


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the database and server


def prepare(url: str | None, debtors: int, folder: Path) -> str:
    """A database with the demo team: `url` as given (loaded if it has no users) or a
    temporary SQLite file."""
    from core.demo.loader import load_demo

    url = url or f"sqlite:///{folder / 'load.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.read_session(engine) as s:
        empty = s.exec(select(User.id)).first() is None
    if empty:
        load_demo(engine, debtors=debtors)
    engine.dispose()
    return url


def tokens(url: str, n: int) -> list[str]:
    """A signed-in session for each of n tabs, handed round the demo's agents."""
    from core.team import sessions

    engine = db.make_engine(url)
    try:
        with db.write_session(engine) as s:
            agents = s.exec(select(User).where(User.role == "agent", User.active)
                            .order_by(User.id)).all()
            return [sessions.start(s, user=agents[i % len(agents)], client="bench_load")
                    for i in range(n)]
    finally:
        engine.dispose()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url)
    out = open(log, "w")  # noqa: SIM115 - the server's output, closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(480):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.25)
    proc.terminate()
    raise RuntimeError("The app did not start; its output: " + log.read_text()[-2000:])


# ---------------------------------------------------------------- one tab


@dataclass
class Tab:
    """One agent's tab: its page and the times of the reruns its server finished."""

    page: object
    finished: asyncio.Queue = field(default_factory=asyncio.Queue)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def listen(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)

        def frame(payload) -> None:
            if isinstance(payload, str):
                return
            try:
                msg = ForwardMsg.FromString(payload)
            except Exception:  # noqa: BLE001 - not a message we read
                return
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in done:
                self.finished.put_nowait(time.perf_counter())

        self.page.on("websocket", lambda ws: ws.on("framereceived", frame))

    async def timed(self, name: str, act, then=None) -> None:
        """Do `act`, wait for the server to finish the rerun it starts, then `then` (untimed)."""
        while not self.finished.empty():
            self.finished.get_nowait()
        started = time.perf_counter()
        await act()
        ended = await asyncio.wait_for(self.finished.get(), STEP_TIMEOUT)
        if then is not None:
            await then()
        await self.settle()
        self.times[name].append(ended - started)

    async def settle(self) -> None:
        """Wait until no element is stale and Streamlit shows no "running" indicator."""
        await asyncio.sleep(0.3)  # the indicator shows a moment after the click
        await self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-stale=\"true\"]')",
            timeout=STEP_TIMEOUT * 1000)

    def link(self, title: str):
        import re

        return self.page.locator('[data-testid="stSidebar"]').get_by_role(
            "link", name=re.compile(re.escape(title)))

    def heading(self, title: str):
        return lambda: self.page.get_by_role("heading", name=title, exact=True).first.wait_for()


async def open_debtor(tab: Tab, index: int) -> None:
    page = tab.page
    box = page.get_by_label("Open a debtor", exact=True)
    options = page.locator('[role="option"]')
    for _ in range(5):
        await box.click()
        try:
            await options.first.wait_for(timeout=3_000)
            break
        except Exception:  # noqa: BLE001 - the list re-rendered under the pointer
            await page.keyboard.press("Escape")
    count = await options.count()
    option = options.nth(index % max(count, 1))
    await tab.timed("open_debtor", option.click,
                    lambda: page.get_by_role("tab", name="Timeline").wait_for())


async def choose(tab: Tab, option: str, shows, other: str | None = None) -> None:
    """Click a radio option until what it shows is there. A click that lands while a rerun
    is running can be lost, leaving the option drawn as chosen: then choose `other` first."""
    page = tab.page
    for _ in range(4):
        await page.get_by_text(option, exact=True).click()
        try:
            await shows.first.wait_for(timeout=10_000)
            await tab.settle()
            return
        except Exception:  # noqa: BLE001 - choose the other option, then this one again
            if other is not None:
                await page.get_by_text(other, exact=True).click()
                await tab.settle()
    await shows.first.wait_for(timeout=10_000)


async def daily_loop(tab: Tab, index: int, until: float) -> None:
    """The agent's day, again and again until `until`."""
    page = tab.page
    n = 0
    while time.perf_counter() < until:
        n += 1
        step = "my_day"
        try:
            await tab.timed("my_day", tab.link("My day").click, tab.heading("My day"))
            step = "other"
            await tab.timed("other", tab.link("Debtors").click, tab.heading("Debtors"))
            step = "open_debtor"
            await open_debtor(tab, index + n)
            step = "other"
            await tab.timed("other", page.get_by_role("button", name="Log a check-in").click,
                            lambda: page.get_by_text("They contacted us", exact=True).wait_for())
            await tab.timed("other", page.get_by_text("They contacted us", exact=True).click)
            await page.get_by_text("3 · getting by", exact=True).click()
            await tab.settle()
            await page.get_by_label("What did we agree? (the next step)").fill(
                f"Load test {index}-{n}: call on Friday")
            step = "save_checkin"
            await tab.timed("save_checkin", page.get_by_role("button", name="Save check-in").click,
                            lambda: page.get_by_text("Check-in saved.").wait_for())
            step = "other"
            await tab.timed("other", tab.link("Payment plans").click, tab.heading("Payment plans"))
            await choose(tab, "Quick model", page.get_by_text("Balance to model"),
                         "A debtor's account")
            slider = page.get_by_role("slider", name="Number of instalments")
            await choose(tab, "Set the number of instalments", slider, "Set the instalment")
            step = "slider"
            await tab.settle()
            await slider.focus()
            await tab.timed("slider", lambda k=("ArrowRight" if n % 2 else "ArrowLeft"):
                            page.keyboard.press(k))
        except Exception as exc:  # noqa: BLE001 - counted, and the tab starts its day again
            tab.errors[step] += 1
            FIRST_ERRORS.setdefault(step, f"{type(exc).__name__}: {str(exc)[:300]}")
            if SHOTS is not None:
                await page.screenshot(path=str(SHOTS / f"error-{step}-{index}-{n}.png"),
                                      full_page=True)
            try:
                await page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2])
                await page.get_by_text("Signed in as").wait_for(timeout=STEP_TIMEOUT * 1000)
            except Exception:  # noqa: BLE001
                await asyncio.sleep(1)


# ---------------------------------------------------------------- one N


@dataclass
class Result:
    n: int
    times: dict[str, list[float]]
    errors: dict[str, int]
    mb_per_session: float
    rss_mb: float
    cpu_per_loop: float  # the server's CPU seconds per completed daily loop (all tabs)
    loads: tuple[float, float, float]  # at the start, highest, at the end


async def run_n(url: str, n: int, seconds: float, folder: Path) -> Result:
    from playwright.async_api import async_playwright

    proc, base = start_server(url, folder / f"server-{n}.log")
    host = base.split("//")[1].split(":")[0]
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # One tab first, closed again: the server's imports and caches are then warm.
            warm = await browser.new_context()
            await warm.add_cookies([{"name": COOKIE, "value": tokens(url, 1)[0],
                                     "domain": host, "path": "/"}])
            page = await warm.new_page()
            await page.goto(base)
            await page.get_by_text("Signed in as").wait_for(timeout=120_000)
            await warm.close()
            await asyncio.sleep(2)
            before = rss_mb(proc.pid)
            tabs = []
            for token in tokens(url, n):
                context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                await context.add_cookies([{"name": COOKIE, "value": token, "domain": host,
                                            "path": "/"}])
                tab = Tab(await context.new_page())
                tab.page.set_default_timeout(STEP_TIMEOUT * 1000)
                tab.listen()
                tabs.append(tab)
            await asyncio.gather(*(t.page.goto(base) for t in tabs))
            await asyncio.gather(*(t.page.get_by_text("Signed in as").wait_for() for t in tabs))
            loads = [load()]
            cpu_before = cpu_seconds(proc.pid)
            until = time.perf_counter() + seconds
            watcher = asyncio.create_task(_watch_load(loads, until))
            await asyncio.gather(*(daily_loop(t, i, until) for i, t in enumerate(tabs)))
            await watcher
            cpu = cpu_seconds(proc.pid) - cpu_before
            after = rss_mb(proc.pid)
            loads.append(load())
            await browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for tab in tabs:
        for name, values in tab.times.items():
            times[name].extend(values)
        for name, count in tab.errors.items():
            errors[name] += count
    loops = len(times.get("slider", [])) or 1
    return Result(n, times, errors, (after - before) / n, after, cpu / loops,
                  (loads[0], max(loads), loads[-1]))


async def _watch_load(loads: list[float], until: float) -> None:
    while time.perf_counter() < until:
        await asyncio.sleep(5)
        loads.append(load())


# ---------------------------------------------------------------- the table


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def table(results: list[Result]) -> list[str]:
    lines = ["| N | action | count | p50 s | p95 s | errors | RSS MB / session "
             "| load (start / max / end) |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        for name in (*ACTIONS, "other"):
            values = r.times.get(name, [])
            p50 = f"{statistics.median(values):.2f}" if values else "-"
            p95 = f"{pct(values, 95):.2f}" if values else "-"
            lines.append(f"| {r.n} | {name} | {len(values)} | {p50} | {p95} | "
                         f"{r.errors.get(name, 0)} | {r.mb_per_session:.0f} | "
                         + " / ".join(f"{x:.1f}" for x in r.loads) + " |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--debtors", type=int, default=200)
    parser.add_argument("--shots", type=Path, default=None,
                        help="save a screenshot of each failed step in this folder")
    parser.add_argument("--smoke", action="store_true",
                        help="exit 1 only if the benchmark broke (no step completed)")
    args = parser.parse_args()
    # Stopped from outside (Ctrl-C, kill, CI's timeout): still stop the app server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    global SHOTS
    SHOTS = args.shots
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not at {CHROMIUM}; install it (Debian: apt-get install chromium).")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp)
        url = prepare(args.database_url, args.debtors, folder)
        backend = url.split(":", 1)[0]
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()}, database {backend}, "
              f"{args.seconds:.0f} s per N")
        results = []
        for n in args.sessions:
            result = asyncio.run(run_n(url, n, args.seconds, folder))
            results.append(result)
            print("\n".join(table([result])[0 if len(results) == 1 else 2:]), flush=True)
            print(f"  (server RSS {result.rss_mb:.0f} MB with {n} tabs open; server CPU "
                  f"{result.cpu_per_loop:.2f} s per daily loop)", flush=True)
        print()
        print("\n".join(table(results)))
        for r in results:
            print(f"N = {r.n}: server CPU {r.cpu_per_loop:.2f} s per daily loop, "
                  f"{len(r.times.get('slider', []))} loops")
        for step, error in FIRST_ERRORS.items():
            print(f"first error in {step}: {error}")
    if args.smoke:
        broken = [r.n for r in results if not any(r.times.get(a) for a in ACTIONS)]
        if broken:
            print(f"The benchmark completed no step at N = {broken}.")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
