"""How long `python3 dev.py run` takes to answer HTTP 200: from a fresh clone, and on restart.

    python3 bench/bench_startup.py [--cold] [--pip] [--restarts N] [--show-output]

Clones the committed HEAD of this repository into a temporary folder, runs the README's first
command there (own .venv, own SQLite database, demo loaded) on a free port on 127.0.0.1 and
times it up to the first HTTP 200 on `/`; then stops it (Ctrl-C, as a person would) and starts it
again N times on the now existing database. --cold uses empty uv and pip caches (a new machine's
first install, downloading every package); --pip installs with pip instead of uv.
Prints a table with the load average beside each row; exits 1 if the app never answered.
Needs only Python 3.11+ and git, like dev.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 600.0  # seconds to wait for the first answer before calling it a failure


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_until_200(clone: Path, env: dict[str, str], log: Path) -> tuple[float | None, str]:
    """Run dev.py in the clone; the seconds until HTTP 200 (None if never) and its output."""
    port = free_port()
    cmd = [sys.executable, "dev.py", "run", "--server.address", "127.0.0.1",
           "--server.port", str(port)]
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        seconds = None
        try:
            while time.monotonic() - started < LIMIT and proc.poll() is None:
                if answers(f"http://127.0.0.1:{port}/"):
                    seconds = time.monotonic() - started
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # Ctrl-C
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
    return seconds, log.read_text()


def wait_for_background_compile(clone: Path, limit: float = 300) -> float:
    """Seconds waited until no `compileall` of the clone's .venv runs any more (Linux /proc)."""
    started = time.monotonic()
    marker = str(clone / ".venv").encode()
    while time.monotonic() - started < limit:
        running = False
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes()
            except OSError:
                continue
            if b"compileall" in text and marker in text:
                running = True
                break
        if not running:
            break
        time.sleep(0.5)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold", action="store_true", help="empty uv and pip caches")
    parser.add_argument("--pip", action="store_true", help="install with pip, not uv")
    parser.add_argument("--restarts", type=int, default=3, help="restarts to time (3)")
    parser.add_argument("--show-output", action="store_true", help="print dev.py's output")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    clone = work / "clone"
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "VIRTUAL_ENV", "STREAMLIT_SERVER_PORT"}}
    if args.cold:
        env["UV_CACHE_DIR"] = str(work / "uv-cache")
        env["PIP_NO_CACHE_DIR"] = "1"
    if args.pip:
        env["RECOVERY_INSTALLER"] = "pip"
    rows: list[tuple[str, str, str]] = []
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        head = subprocess.run(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        installer = "pip" if args.pip else "uv"
        caches = "cold caches" if args.cold else "warm caches"
        seconds, output = start_until_200(clone, env, work / "fresh.log")
        if args.show_output:
            print(output)
        load = os.getloadavg()[0]
        if seconds is None:
            print(output)
            print(f"The fresh clone never answered HTTP 200 within {LIMIT:.0f} s.")
            return 1
        rows.append((f"fresh clone -> HTTP 200 ({installer}, {caches})", f"{seconds:.1f} s",
                     f"{load:.2f}"))
        waited = wait_for_background_compile(clone)
        if waited > 0.5:
            rows.append(("(waited for the background bytecode compile)", f"{waited:.1f} s",
                         f"{os.getloadavg()[0]:.2f}"))
        times = []
        for i in range(args.restarts):
            seconds, output = start_until_200(clone, env, work / f"restart-{i}.log")
            if seconds is None:
                print(output)
                print("A restart never answered HTTP 200.")
                return 1
            times.append(seconds)
            rows.append((f"restart {i + 1} -> HTTP 200 (existing database)", f"{seconds:.2f} s",
                         f"{os.getloadavg()[0]:.2f}"))
        if args.show_output and times:
            print(output)
        if times:
            rows.append(("restart, median", f"{statistics.median(times):.2f} s", ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nStart-up of `python3 dev.py run` at {head} on {os.cpu_count()} cores "
          f"(Python {sys.version.split()[0]})\n")
    width = max(len(row[0]) for row in rows)
    print(f"| {'what':<{width}} | time     | load (1 min) |")
    print(f"|{'-' * (width + 2)}|----------|--------------|")
    for what, took, load in rows:
        print(f"| {what:<{width}} | {took:>8} | {load:>12} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
