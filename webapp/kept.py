"""Values a process keeps for a while: at most so many, each for at most so long (the oldest dropped first).

One store for what pages keep between requests (signed-out pages drawn once, a job's similar jobs), held in
``app.extensions`` so each app, and each test's app, has its own. gunicorn's threads share it."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import current_app


class KeptValues:
    def __init__(self, kept_seconds: float, kept_max: int):
        self.kept_seconds = kept_seconds
        self.kept_max = kept_max
        self._values: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value kept for ``key``, or None when there is none or it is older than kept_seconds."""
        found = self._values.get(key)
        if found is None or time.monotonic() - found[0] > self.kept_seconds:
            return None
        return found[1]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._values[key] = (time.monotonic(), value)
            self._values.move_to_end(key)
            while len(self._values) > self.kept_max:
                self._values.popitem(last=False)


def kept_values(name: str, kept_seconds: float, kept_max: int) -> KeptValues:
    """This app's store called ``name`` (made on first use)."""
    stores: dict[str, KeptValues] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    store = stores.get(name)
    if store is None:
        store = stores.setdefault(name, KeptValues(kept_seconds, kept_max))
    return store


EXTENSION_KEY = "cswjobs_kept_values"  # app.extensions: {name: KeptValues}
