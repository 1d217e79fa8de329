"""One way to run the app for a browser test: `streamlit run app.py` on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.store.config import ROOT
from tests.pg import free_port


@contextmanager
def serve(database_url: str, log_path: Path, *, limit: float = 60.0) -> Iterator[str]:
    """Start the app on `database_url` and yield its address once it answers its health check;
    stop it afterwards. A server that never answers fails the test with its log."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=dict(os.environ, DATABASE_URL=database_url), stdout=log,
            stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + limit
            while not _healthy(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start: " + log_path.read_text())
                time.sleep(0.25)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False
