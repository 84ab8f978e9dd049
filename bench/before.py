"""Yesterday's search code, for benchmarks only: the modules as they were at a git revision.

`make bench-search` runs "today's code" (before issue 15) beside the current engines in the
same run, so a busy machine slows both. Rather than keep a second copy in the tree, the old
modules are read from git (`git show <rev>:<path>`) and loaded under private names, with
their imports of each other pointed at the old copies; everything else (models, vocabulary,
query types) is today's.
"""
from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

# The last commit before issue 15's search work (docs/benchmarks.md "Issue 15: search").
BEFORE_REVISION = "7299533"
ROOT = Path(__file__).resolve().parent.parent
# Loaded in this order: each may import the ones before it.
MODULES = ("documents", "elastic", "elastic_engine", "sqlite_engine", "sync")


def _source(revision: str, name: str) -> str:
    return subprocess.run(["git", "show", f"{revision}:webapp/search/{name}.py"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def load(revision: str = BEFORE_REVISION) -> dict[str, types.ModuleType]:
    """The old modules by short name ('sqlite_engine', 'elastic_engine', 'sync', ...)."""
    loaded: dict[str, types.ModuleType] = {}
    for name in MODULES:
        module_name = f"bench._before_{revision}.{name}"
        if module_name in sys.modules:
            loaded[name] = sys.modules[module_name]
            continue
        source = _source(revision, name)
        for other in loaded:
            source = source.replace(f"from webapp.search.{other} import", f"from bench._before_{revision}.{other} import")
        module = types.ModuleType(module_name)
        module.__file__ = f"<git {revision}:webapp/search/{name}.py>"
        sys.modules[module_name] = module  # dataclasses look their module up while the class is made
        exec(compile(source, module.__file__, "exec"), module.__dict__)
        loaded[name] = module
    return loaded
