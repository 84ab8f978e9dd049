"""Elasticsearch plumbing shared by the job index and the vector indices: timed, logged calls."""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator

from elasticsearch import ApiError, TransportError

from webapp.search.engine import SearchUnavailable

log = logging.getLogger(__name__)


@contextmanager
def es_call(url: str, target: str, operation: str) -> Iterator[None]:
    """Time and log every Elasticsearch call; turn an unreachable cluster into SearchUnavailable."""
    started = time.perf_counter()
    outcome = "ok"
    try:
        yield
    except (TransportError, ConnectionError) as exc:
        outcome = f"unreachable ({type(exc).__name__})"
        raise SearchUnavailable(f"Elasticsearch at {url} cannot be reached: {exc}") from exc
    except ApiError as exc:
        outcome = f"error {exc.meta.status if exc.meta else ''}"
        raise
    finally:
        log.info("elasticsearch %s on %s: %s in %.1f ms", operation, target, outcome,
                 (time.perf_counter() - started) * 1000)
