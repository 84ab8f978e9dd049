"""Elasticsearch plumbing shared by the job index and the vector indices: timed calls, clients, aliased rebuilds."""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from elasticsearch import ApiError, BadRequestError, Elasticsearch, TransportError, helpers

from webapp.search.engine import Progress, SearchUnavailable, in_chunks

log = logging.getLogger(__name__)

# Settings of an index while a rebuild loads it (put back to the defaults before it goes live):
# no refresh, and a translog synced in the background rather than on every bulk request.
BUILD_SETTINGS: dict[str, Any] = {"refresh_interval": "-1", "translog.durability": "async"}


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


def new_client(url: str, request_timeout: float) -> Elasticsearch:
    """A client that retries a failed or timed-out request twice before the call counts as failed."""
    return Elasticsearch(url, request_timeout=request_timeout, max_retries=2, retry_on_timeout=True)


def _index_actions(index: str, sources: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    return ({"_op_type": "index", "_index": index, "_id": str(s["id"]), "_source": s} for s in sources)


class AliasedIndex:
    """The indices behind one alias (``<alias>-<timestamp>``): one live, at most one being rebuilt.

    A rebuild creates a new index with refresh off, bulk-loads it, restores refresh, then swaps
    the alias in one atomic ``update_aliases`` call and deletes the old index; if anything fails
    the new index is deleted and the live one is untouched. Writes during a rebuild go to both.
    """

    def __init__(self, client: Elasticsearch, url: str, alias: str, mapping: dict[str, Any], replicas: int = 0):
        self.client = client
        self.url = url
        self.alias = alias
        self.mapping = mapping
        self.replicas = replicas  # copies of each shard on other nodes (CSWJOBS_SEARCH_REPLICAS)
        self._mapping_current = False

    def call(self, operation: str):
        return es_call(self.url, self.alias, operation)

    def indices(self) -> dict[str, bool]:
        """Every index of this alias, and whether it is the live one (one round trip)."""
        with self.call("list indices"):
            found = self.client.indices.get(index=f"{self.alias}-*", allow_no_indices=True, expand_wildcards="open")
        return {name: self.alias in (info.get("aliases") or {}) for name, info in sorted(found.items())}

    def _new_index_name(self) -> str:
        return f"{self.alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"

    def _create(self, name: str, building: bool = False) -> None:
        settings: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": self.replicas}
        if building:
            settings.update(BUILD_SETTINGS)
        with self.call("create index"):
            self.client.indices.create(index=name, settings=settings, mappings=self.mapping)

    def _bring_mapping_up_to_date(self, live: str) -> None:
        """Add the fields the mapping has gained since this index was built, once per process.

        Adding a field is allowed in place, and a deployed index must take the new fields before
        the first write carrying them (a strict mapping refuses an unknown field, which would fail
        every write until someone rebuilt the index). Changing a field needs a rebuild, so a refused
        change leaves the index as it is, still searchable, until `flask search reindex` (or
        `flask matching reindex` for the vectors) builds it afresh."""
        if self._mapping_current:
            return
        try:
            with self.call("update mapping"):
                self.client.indices.put_mapping(index=live, properties=self.mapping["properties"])
        except BadRequestError as exc:
            log.warning("elasticsearch %s: the mapping has changed; rebuild the index (%s)", live, exc.message)
            # The update is refused as a whole: still add the new fields alone, or every write carrying
            # one would be refused until the rebuild.
            with self.call("update mapping"):
                held = self.client.indices.get_mapping(index=live)[live]["mappings"].get("properties", {})
                new = {name: spec for name, spec in self.mapping["properties"].items() if name not in held}
                if new:
                    self.client.indices.put_mapping(index=live, properties=new)
        self._mapping_current = True

    def live_index(self) -> str:
        """The live index, created (with the alias) on first use."""
        live = [name for name, is_live in self.indices().items() if is_live]
        if live:
            self._bring_mapping_up_to_date(live[0])
            return live[0]
        name = self._new_index_name()
        self._create(name)
        with self.call("add alias"):
            self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        return name

    def write_targets(self) -> list[str]:
        """The live index and any index being rebuilt, so no change is lost during a rebuild."""
        indices = self.indices()
        live = [name for name, is_live in indices.items() if is_live]
        if live:
            self._bring_mapping_up_to_date(live[0])
        else:
            live = [self.live_index()]
        return live + [name for name, is_live in indices.items() if not is_live]

    def bulk(self, actions: Iterable[dict[str, Any]], chunk_size: int = 500, refresh: bool | str = False) -> int:
        """Send actions in chunks; returns how many succeeded (a delete of a missing id does not)."""
        succeeded = 0
        with self.call("bulk"):
            for ok, item in helpers.streaming_bulk(self.client, actions, chunk_size=chunk_size, refresh=refresh,
                                                   raise_on_error=False, max_retries=3, ignore_status=(404,)):
                action, result = next(iter(item.items()))
                if ok:
                    succeeded += 1
                elif result.get("status") != 404:
                    raise RuntimeError(f"Elasticsearch refused a {action}: {result.get('error')}")
        return succeeded

    def upsert(self, sources: list[dict[str, Any]], refresh: bool | str = "wait_for") -> int:
        """Add or replace these documents (by id) in every write target; returns how many."""
        if not sources:
            return 0
        for target in self.write_targets():
            self.bulk(_index_actions(target, sources), refresh=refresh)
        return len(sources)

    def delete(self, ids: Iterable[int]) -> int:
        """Remove documents by id from every write target; returns how many the live index held."""
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        removed = [self.bulk(({"_op_type": "delete", "_index": target, "_id": str(i)} for i in ids),
                             refresh="wait_for")
                   for target in self.write_targets()]
        return removed[0]

    def rebuild(self, sources: Iterable[dict[str, Any]], progress: Progress | None = None,
                chunk_size: int = 1000, merge: bool = False) -> int:
        """A new index, loaded with refresh off, swapped in whole; the live one serves until then.

        The load keeps two bulk requests in flight (the cluster indexes one while the next is
        built and sent) into an index with no replicas, no refresh and an asynchronous translog:
        nobody searches it until the swap, and a build that fails is thrown away and rerun. The
        index's lasting settings are put back before the swap.

        ``merge`` force-merges the new index into one segment before it goes live. A bulk load
        leaves a handful of segments that Elasticsearch then merges in the background, on the
        same cores, while the first searches arrive; each search also visits every segment. One
        segment up front costs a few seconds of the rebuild (measured in docs/benchmarks.md) and
        leaves nothing to merge. Later writes add small segments beside it as usual."""
        indices = self.indices()
        previous = [name for name, is_live in indices.items() if is_live]
        # Indices left by a rebuild that died half way were never live: clear them first.
        for stale, is_live in indices.items():
            if not is_live:
                with self.call("delete stale index"):
                    self.client.indices.delete(index=stale, ignore_unavailable=True)
        new = self._new_index_name()
        self._create(new, building=True)
        loaded = 0
        try:
            # The documents are read (often from the database) in this thread; up to two bulk
            # requests are in flight on other threads while the next chunk is read.
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="bulk") as pool:
                in_flight: deque[Future[int]] = deque()
                for chunk in in_chunks(_index_actions(new, sources), chunk_size):
                    in_flight.append(pool.submit(self.bulk, chunk, len(chunk)))
                    while len(in_flight) > 2 or (in_flight and in_flight[0].done()):
                        loaded += in_flight.popleft().result()
                        if progress:
                            progress(loaded)
                while in_flight:
                    loaded += in_flight.popleft().result()
                    if progress:
                        progress(loaded)
            with self.call("finish rebuild"):
                self.client.indices.refresh(index=new)
            if merge:  # before the replicas are added: they then copy one merged segment
                with self.call("merge rebuilt index"):
                    self.client.options(request_timeout=900).indices.forcemerge(index=new, max_num_segments=1)
            with self.call("finish rebuild"):
                self.client.indices.put_settings(index=new, settings={
                    "number_of_replicas": self.replicas, **{key: None for key in BUILD_SETTINGS}})
                actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": self.alias}} for old in previous]
                actions.append({"add": {"index": new, "alias": self.alias}})
                self.client.indices.update_aliases(actions=actions)  # atomic: search never goes dark
        except BaseException:
            with self.call("delete failed rebuild"):
                self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        for old in previous:
            with self.call("delete old index"):
                self.client.indices.delete(index=old, ignore_unavailable=True)
        return loaded

    def drop(self) -> None:
        """Delete every index of this alias (tests clean up after themselves)."""
        for name in self.indices():
            with self.call("delete index"):
                self.client.indices.delete(index=name, ignore_unavailable=True)
