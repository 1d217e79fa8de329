"""Slider to painted schedule in a real browser: `python bench/bench_slider_browser.py [n]`.

The worst case of the issue: a £52,000 account planned as 520 weekly instalments, with three
scenarios pinned. The benchmark starts `streamlit run app.py` on a temporary SQLite file (with
the settings of `.streamlit/config.toml`), drives Debian's Chromium through Playwright, signs in,
opens Payment plans on the account, sets it up, then moves the "Number of instalments" slider
`n` times (default 40) with the keyboard.

Each time is taken inside the page with `performance.now()`: from the `keydown` on the slider
(a capturing listener, so before Streamlit sees it) to the first animation frame on which the
"Number of instalments" figure shows the new count, no element is stale and Streamlit's
"running" indicator is gone, i.e. the schedule, chart and figures have been redrawn. The
check runs on every animation frame (Playwright's `raf` polling), so a time is at most one
frame (~16 ms) late.

Prints min / p50 / p95 / max and the load average before and after. Target: p95 ≤ 250 ms at a
load average under 2 (issue 17; stretch 150 ms). Exit status 1 if the target is missed.
`--gc on|off` overrides `runner.postScriptGC` (Streamlit's post-run `gc.collect(2)`) for a
before/after comparison; by default the server uses `.streamlit/config.toml`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere

from core.store import db  # noqa: E402
from core.store.models import Account, Debtor, User  # noqa: E402
from core.team.service import hash_password  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
BALANCE = 5_200_000  # £52,000: 520 weekly instalments of £100
TARGET_P95_MS = 250.0
LOST: list[str] = []  # key presses that never changed the figure (retried)
USERNAME, PASSWORD = "bench", "bench-pass-long-enough"

_COUNT_IS = """(want) => {
  const box = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find(m => m.innerText.startsWith('Number of instalments'));
  if (!box) return false;
  const value = box.querySelector('[data-testid="stMetricValue"]').innerText.trim();
  if (value !== String(want)) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  window.__painted = performance.now();
  return true;
}"""


def _seed(url: str) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    with db.write_session(engine) as s:
        agent = User(username=USERNAME, display_name="Bench Agent", role="agent",
                     password_hash=hash_password(PASSWORD))
        s.add(agent)
        s.flush()
        debtor = Debtor(name="Bench Debtor", owner_id=agent.id)
        s.add(debtor)
        s.flush()
        s.add(Account(debtor_id=debtor.id, reference="BENCH-1", creditor="Bench Energy",
                      original_balance_cents=BALANCE, balance_cents=BALANCE))
    engine.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(url: str, port: int, gc_after_run: bool | None, log: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1"]
    if gc_after_run is not None:
        args += ["--runner.postScriptGC", "true" if gc_after_run else "false"]
    proc = subprocess.Popen(args, cwd=ROOT, env=dict(os.environ, DATABASE_URL=url),
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.25)
    proc.terminate()
    raise RuntimeError("streamlit did not start: " + log.read_text())


def _idle(page) -> None:
    page.wait_for_timeout(250)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)


def _count_is(page, count: int, timeout: float = 60_000) -> None:
    page.wait_for_function(_COUNT_IS, arg=count, polling="raf", timeout=timeout)


def _open_account(page) -> None:
    """Sign in, open Payment plans and get the bench account on screen (old or new page)."""
    page.get_by_label("Username", exact=True).fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Payment plans").click()
    page.get_by_role("heading", name="Payment plans", exact=True).first.wait_for()
    _idle(page)
    if page.get_by_text("Number of instalments").count() == 0:  # the page opens empty
        page.get_by_role("textbox", name="Find a debtor by name or account reference").fill(
            "Bench")
        page.get_by_text("Accounts matching").wait_for()
        _idle(page)
        page.get_by_label("Accounts matching", exact=False).first.click()
        page.locator('[role="option"]').filter(has_text="Bench Debtor").first.click()
        _idle(page)
    page.get_by_text("Number of instalments").first.wait_for()


def _set_up(page) -> None:
    """Weekly, set by count, three scenarios pinned (520, 519, 518), back at 520."""
    page.get_by_label("How often", exact=True).click()
    page.locator('[role="option"]').filter(has_text="Weekly").first.click()
    _idle(page)
    page.get_by_text("Set the number of instalments", exact=True).click()
    _idle(page)
    for count in (520, 519, 518):
        _set_count(page, count)
        page.get_by_role("button", name="Pin this scenario").click()
        _idle(page)
    _set_count(page, 520)


def _metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _set_count(page, target: int) -> None:
    """Move the count slider one key at a time (a burst of keys is coalesced) to `target`."""
    for _ in range(600):
        slider = page.get_by_role("slider", name="Number of instalments")
        now = int(_metric(page, "Number of instalments"))
        if now == target:
            _count_is(page, target)
            _idle(page)
            return
        slider.focus()
        page.keyboard.press("End" if target == 520 else
                            ("ArrowLeft" if now > target else "ArrowRight"))
        try:
            _count_is(page, now - 1 if now > target else (520 if target == 520 else now + 1),
                      timeout=5_000)
        except Exception:  # noqa: BLE001 - a lost key: look again and press again
            _idle(page)
    raise RuntimeError(f"the slider never reached {target}")


def _moves(page, n: int) -> list[float]:
    page.evaluate("""() => {
      if (window.__listening) return;
      window.__listening = true;
      document.addEventListener('keydown', () => { window.__down = performance.now(); },
                                {capture: true});
    }""")
    times: list[float] = []
    k = 0
    while len(times) < n:
        now = int(_metric(page, "Number of instalments"))
        key, want = ("ArrowLeft", now - 1) if k % 2 == 0 else ("ArrowRight", now + 1)
        k += 1
        page.get_by_role("slider", name="Number of instalments").focus()
        page.evaluate("() => { window.__down = null; window.__painted = null; }")
        page.keyboard.press(key)
        try:
            _count_is(page, want, timeout=15_000)
        except Exception:  # noqa: BLE001 - the key never reached the server
            LOST.append(key)
            _idle(page)
            continue
        _idle(page)  # let any trailing rerun finish before the next move
        down, painted = page.evaluate("() => [window.__down, window.__painted]")
        times.append(painted - down)
    return times


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    """Print the table; return 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=40, help="slider moves (default 40)")
    parser.add_argument("--gc", choices=("config", "on", "off"), default="config",
                        help="runner.postScriptGC: as in config.toml (default), forced on or off")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    gc_after_run = {"config": None, "on": True, "off": False}[args.gc]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        _seed(url)
        port = _free_port()
        server = _start_server(url, port, gc_after_run, Path(folder) / "server.log")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                page.set_default_timeout(60_000)
                page.goto(f"http://127.0.0.1:{port}")
                try:
                    _open_account(page)
                    _set_up(page)
                    _moves(page, 5)  # warm up
                    load_before = _load()
                    times = _moves(page, args.n)
                    load_after = _load()
                except Exception:
                    page.screenshot(path=str(ROOT / "artifacts" / "bench_slider_failed.png"),
                                    full_page=True)
                    raise
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
    print("Slider -> schedule painted in Chromium: 520-instalment weekly plan, 3 pinned "
          f"scenarios, {args.n} moves, runner.postScriptGC={args.gc}")
    print(f"key presses lost and retried: {len(LOST)}")
    print(f"load average before {load_before}, after {load_after} (2 cores)")
    print(f"{'min ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target':>10}  ok")
    ok = p95 <= TARGET_P95_MS
    print(f"{min(times):>8.0f} {statistics.median(times):>8.0f} {p95:>8.0f} {max(times):>8.0f} "
          f"{'p95≤' + format(TARGET_P95_MS, 'g'):>10}  {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
