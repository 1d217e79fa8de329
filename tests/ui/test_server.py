"""The server's start: every module a page needs is imported before the first visitor."""

import ast
import gc
import sys
from pathlib import Path

from ui import server

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_imports_every_module_the_pages_import():
    # Given the modules the pages name in their imports (ones that are modules, not functions)
    named = set()
    for script in (ROOT / "pages").glob("*.py"):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    ("core", "ui")):
                named.add(node.module)
    # When the server warms up
    loaded = server.warm_up()
    # Then each of them, the heavy libraries and every component are loaded
    assert named <= set(loaded)
    assert {"numpy", "pandas", "pyarrow", "altair"} <= set(loaded)
    components = {f"ui.components.{p.stem}" for p in (ROOT / "ui" / "components").glob("*.py")
                  if p.stem != "__init__"}
    assert components <= set(loaded)
    assert all(name in sys.modules for name in loaded)
    # And what they loaded is out of the garbage collector's way (no full scans of it mid-run)
    assert gc.get_freeze_count() > 10_000


def test_the_app_server_runs_the_warm_up_at_start():
    # Given app.py as the server imports it (not as the script)
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    call = next(node for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "App")
    # Then st.App is given the server's lifespan, which calls warm_up
    assert {kw.arg: ast.unparse(kw.value) for kw in call.keywords}["lifespan"] == (
        "server.lifespan")

