"""The package boundaries hold: import-linter's contracts, tasks named by dotted path, no hidden imports."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from rq.utils import import_attribute

from webapp import dispatch

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "domain", "matching", "webapp", "workers")


def test_the_import_contracts_hold():
    """.importlinter: workers -> webapp -> matching -> domain; inside webapp, views -> services -> models."""
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--no-logo"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.parametrize("name", dispatch.TASKS)
def test_every_task_the_web_app_sends_by_name_exists_in_the_workers(name):
    assert name.startswith("workers.") and callable(import_attribute(name))


def _hidden_imports(path: Path) -> list[str]:
    """Imports inside functions with no comment on their line, or on the line before, saying why."""
    lines = path.read_text().splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, (ast.Import, ast.ImportFrom)):
                # One comment covers a run of imports: on any of their lines, or in the three lines above the run.
                first = inner.lineno - 1
                while first > 0 and lines[first - 1].strip().startswith(("import ", "from ")):
                    first -= 1
                run = lines[first:inner.lineno]
                above = [line.strip() for line in lines[max(0, first - 3):first]]
                if not any("#" in line for line in run) and not any(line.startswith("#") for line in above):
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno}: {lines[inner.lineno - 1].strip()}")
    return found


def test_imports_inside_functions_say_why():
    hidden = [place for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
              for place in _hidden_imports(path)]
    assert not hidden, "move these imports to the top of their module, or say why in a comment:\n" + "\n".join(hidden)
