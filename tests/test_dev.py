"""dev.py as a person runs it: the lock files match pyproject.toml, bad input gets one sentence
and exit code 1, and `run` answers HTTP 200 on a new database and again on restart.

Every check runs dev.py as a subprocess, as the README says to. The refusals run in a copy of
the project without .venv: dev.py must refuse before it creates or installs anything.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import need
from tests.pg import free_port

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import dev  # noqa: E402  (dev.py lives at the top of the project, outside any package)

LOCKED_PYTHONS = ("3.11", "3.12", "3.13")


def run_dev(cwd: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python3 dev.py ARGS` in `cwd`, as a person types it."""
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "STREAMLIT_SERVER_PORT", "STREAMLIT_SERVER_ADDRESS"}}
    return subprocess.run([sys.executable, "dev.py", *args], cwd=cwd, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what dev.py reads before installing anything, without .venv."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("dev.py", "pyproject.toml", "requirements.lock", "requirements-test.lock",
                 "requirements-uv.lock"):
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / ".streamlit", copy / ".streamlit",
                    ignore=shutil.ignore_patterns("secrets.toml"))
    shutil.copytree(ROOT / "migrations", copy / "migrations")
    return copy


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The refusal: exit code 1 and exactly one line on stderr."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ---------------------------------------------------------------- the lock files


def pinned(lock: Path) -> dict[str, list[tuple[str, str]]]:
    """name -> [(version, marker)] for every pin of a lock file."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in dev.pins(lock):
        requirement, _, marker = line.partition(";")
        name, _, version = requirement.strip().partition("==")
        found.setdefault(canonicalize_name(name), []).append((version.strip(), marker.strip()))
    return found


def pins_for(lock: Path, python: str) -> dict[str, str]:
    """name -> version that pip would install from `lock` on Linux with this Python."""
    environment = {"python_version": python, "python_full_version": f"{python}.0",
                   "sys_platform": "linux", "platform_system": "Linux",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    chosen = {}
    for name, options in pinned(lock).items():
        for version, marker in options:
            if not marker or Marker(marker).evaluate(environment):
                assert name not in chosen, f"{name} is pinned twice for Python {python}"
                chosen[name] = version
    return chosen


def test_the_lock_files_match_pyproject() -> None:
    # Given the committed pyproject.toml and lock files
    # When dev.py checks them
    result = run_dev(ROOT, "lock", "--check")
    # Then they match
    assert result.returncode == 0, result.stderr
    assert "match pyproject.toml" in result.stdout


@pytest.mark.parametrize("python", LOCKED_PYTHONS)
def test_every_dependency_in_pyproject_is_pinned_with_hashes(python: str) -> None:
    # Given what pyproject.toml asks for, for the app and for the tests
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        "requirements.lock": project["dependencies"],
        "requirements-test.lock": project["dependencies"]
        + project["optional-dependencies"]["test"],
    }
    for lock_name, requirements in wanted.items():
        # When the lock is read as pip reads it on Linux with this Python
        chosen = pins_for(ROOT / lock_name, python)
        for line in requirements:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            # Then every dependency is pinned to a version pyproject.toml allows
            assert name in chosen, f"{requirement.name} is missing from {lock_name}"
            assert chosen[name] in requirement.specifier, (lock_name, line, chosen[name])
            # and so is what its extras bring (psycopg[binary] -> psycopg-binary)
            for extra in requirement.extras:
                for needed in importlib.metadata.requires(requirement.name) or []:
                    sub = Requirement(needed)
                    if sub.marker and sub.marker.evaluate({"extra": extra,
                                                           "python_version": python}):
                        assert canonicalize_name(sub.name) in chosen, (lock_name, sub.name)
    # and every pin carries its hashes, so pip and uv check each file they download
    for lock_name in wanted:
        text = (ROOT / lock_name).read_text()
        for block in text.split("\n")[1:]:
            if block and not block[0].isspace() and not block.startswith("#"):
                assert block.endswith("\\"), f"{block} in {lock_name} has no --hash"


@pytest.mark.parametrize("python", LOCKED_PYTHONS)
def test_the_test_set_installs_the_same_versions_as_the_app(python: str) -> None:
    # Given the two lock files
    app = pins_for(ROOT / "requirements.lock", python)
    full = pins_for(ROOT / "requirements-test.lock", python)
    # Then every package of the app is in the test set at the same version
    assert {name: full.get(name) for name in app} == app


def test_the_installed_packages_are_the_locked_ones() -> None:
    # Given the .venv this suite runs in
    need(dev.venv_current("test"), ".venv installed by `python3 dev.py test`")
    # Then every package of the test lock is installed at its locked version
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    for name, version in pins_for(ROOT / "requirements-test.lock", python).items():
        assert importlib.metadata.version(name) == version, name


def test_dev_reads_the_same_newest_migration_as_alembic() -> None:
    # Given the migration scripts; When dev.py reads their revision lines (without alembic)
    from core.store import db

    # Then it finds the one head alembic finds, so its quick start-up check compares the right one
    assert dev.head_revisions() == {db.head_revision()}


def test_the_quick_start_check_needs_the_newest_migration_and_a_user(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import text

    from core.store import db
    from tests.factories import make_user

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    engine = db.make_engine(sqlite_url)
    try:
        # Given a migrated database with no users: the demo question needs the full step
        assert dev.quick_ready(demo=True) is False
        # (unless the demo is not wanted)
        assert dev.quick_ready(demo=False) is True
        # When it has a user, then one query answers both questions
        with db.write_session(engine) as session:
            make_user(session)
        assert dev.quick_ready(demo=True) is True
        # and a database one migration behind needs the full step again
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        assert dev.quick_ready(demo=True) is False
    finally:
        engine.dispose()


# ---------------------------------------------------------------- bad input


def test_a_lock_file_out_of_date_is_refused(project: Path) -> None:
    # Given a dependency added to pyproject.toml but no new lock
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        'dependencies = [\n', 'dependencies = [\n    "requests>=2.32",\n', 1))
    # When the person runs the app
    result = run_dev(project, "run")
    # Then one sentence says what to do, and nothing was installed
    sentence = one_sentence(result)
    assert "requirements.lock is out of date" in sentence
    assert "python3 dev.py lock" in sentence
    assert not (project / ".venv").exists()
    # and the lock check says the same
    check = run_dev(project, "lock", "--check")
    assert "out of date" in one_sentence(check)


def test_a_missing_lock_file_is_refused(project: Path) -> None:
    # Given a project without its lock file
    (project / "requirements.lock").unlink()
    # When the person runs the app
    sentence = one_sentence(run_dev(project, "run"))
    # Then one sentence says how to make it
    assert sentence == "requirements.lock is missing; run `python3 dev.py lock` to write it."


@pytest.mark.parametrize("form", ["--server.port {port}", "--server.port={port}", "env"])
def test_a_port_in_use_is_refused(project: Path, form: str) -> None:
    # Given another program listening on the port
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        args = ["--server.address", "127.0.0.1"]
        env = {}
        if form == "env":
            env["STREAMLIT_SERVER_PORT"] = str(port)
        else:
            args += form.format(port=port).split()
        # When the person starts the app on that port
        result = run_dev(project, "run", *args, env=env)
    # Then one sentence names the port and what to do; nothing was installed
    sentence = one_sentence(result)
    assert sentence.startswith(f"Port {port} is already in use")
    assert f"--server.port {port + 1}" in sentence
    assert not (project / ".venv").exists()


def test_a_port_that_is_not_a_number_is_refused(project: Path) -> None:
    sentence = one_sentence(run_dev(project, "run", "--server.port", "eighty"))
    assert sentence.startswith("The port 'eighty' is not a port number")


def test_a_database_server_that_is_down_is_refused(project: Path) -> None:
    # Given a DATABASE_URL for a PostgreSQL server that does not answer (a port nobody listens on)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        url = f"postgresql://recovery:secret@127.0.0.1:{port}/recovery"
        # When the person starts the app
        result = run_dev(project, "run", "--server.port", str(free_port()),
                         env={"DATABASE_URL": url})
    # Then one sentence names the server (not the password); nothing was installed
    sentence = one_sentence(result)
    assert sentence == (f"Cannot reach the database server at 127.0.0.1:{port}; check "
                        "DATABASE_URL and that the server is running.")
    assert not (project / ".venv").exists()


def test_the_database_url_in_secrets_is_checked_too(project: Path) -> None:
    # Given the URL in .streamlit/secrets.toml rather than the environment
    port = free_port()
    (project / ".streamlit" / "secrets.toml").write_text(
        f'DATABASE_URL = "postgresql://u:p@127.0.0.1:{port}/db"\n')
    sentence = one_sentence(run_dev(project, "run", "--server.port", str(free_port())))
    assert sentence.startswith(f"Cannot reach the database server at 127.0.0.1:{port}")


# ---------------------------------------------------------------- the real thing


def wait_for_200(url: str, proc: subprocess.Popen, limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    return None


def start(tmp_path: Path, name: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "dev.py", "run", "--server.address", "127.0.0.1", "--server.port",
         str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True)


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


def test_run_answers_loads_the_demo_once_and_restarts(tmp_path: Path) -> None:
    need(dev.venv_current("run"), ".venv installed from the lock by dev.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'recovery.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    # Given a new, empty database
    # When the person runs the README's first command
    proc = start(tmp_path, "first", port, env)
    try:
        first = wait_for_200(url, proc, limit=180)
        output = (tmp_path / "first.log").read_text()
        # Then the app answers, with the demo team loaded and no misleading address hint
        assert first is not None, output
        assert "Loaded 400 debtors" in output
        assert "Did not auto detect external IP" not in output
        assert f"URL: http://localhost:{port}" in output
        # and a second start on the same port gets one sentence while the first runs
        clash = run_dev(ROOT, "run", "--server.address", "127.0.0.1", "--server.port",
                        str(port), env={"DATABASE_URL": env["DATABASE_URL"]})
        assert one_sentence(clash).startswith(f"Port {port} is already in use")
    finally:
        assert stop(proc) == 0
    # When it is started again on the now existing database
    proc = start(tmp_path, "again", port, env)
    try:
        again = wait_for_200(url, proc, limit=60)
        output = (tmp_path / "again.log").read_text()
        # Then it answers without loading the demo a second time
        assert again is not None, output
        assert "has users" in output
        assert "Loading demo" not in output
    finally:
        assert stop(proc) == 0
    sys.stderr.write(f"dev.py run -> HTTP 200: new database {first:.1f} s, restart {again:.1f} s\n")


def test_a_database_the_app_cannot_open_stops_run(tmp_path: Path) -> None:
    need(dev.venv_current("run"), ".venv installed from the lock by dev.py")
    # Given a PostgreSQL URL through a Unix socket that does not exist (dev.py's own check
    # can't see it; the app's check in .venv does)
    url = f"postgresql://u:p@/db?host={tmp_path / 'no-such-socket-dir'}"
    result = run_dev(ROOT, "run", "--server.port", str(free_port()),
                     env={"DATABASE_URL": url}, timeout=120)
    # Then the app's one sentence, and dev.py stops with a non-zero code instead of starting
    assert result.returncode != 0
    assert "Cannot reach the database" in result.stderr
    assert "Starting the dashboard" not in result.stdout


# ---------------------------------------------------------------- running it in an office


def test_the_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    need(analyze is not None, "systemd-analyze (Debian's systemd)")
    # Given the units in deploy/, pointed at this checkout instead of /opt/recovery-dashboard
    units = []
    for unit in sorted((ROOT / "deploy").glob("*.service")) + sorted(
            (ROOT / "deploy").glob("*.timer")):
        text = unit.read_text().replace("/opt/recovery-dashboard", str(ROOT))
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name.replace("@.service", "@8501.service")))
    assert len(units) >= 7
    # When systemd checks them (a template through one instance of it)
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    # Then it has nothing to say: no unknown keys, bad values or missing programs
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_the_caddyfile_is_valid(tmp_path: Path) -> None:
    caddy = shutil.which("caddy")
    need(caddy is not None, "caddy (Debian's caddy)")
    result = subprocess.run(
        [caddy, "validate", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter",
         "caddyfile"], capture_output=True, text=True, timeout=60,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr
