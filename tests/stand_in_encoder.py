"""A deterministic stand-in for the sentence encoder, used by default in the tests.

The real model (all-MiniLM-L6-v2) costs seconds to load and milliseconds per text, and almost
every test commits a vacancy or a profile that the outbox relay then embeds. Most tests check
what happens around the vectors (links, caching, pages, permissions), not what the vectors mean:
for those this encoder is enough. Tests that check matching quality are marked
``@pytest.mark.real_encoder`` and get the real model (see tests/conftest.py).

A vector is a hashed bag of the text's words and their character trigrams, unit length, so it is
the same for the same text in every process and related texts still score higher than unrelated
ones ("fostering assessments" is nearer "foster carers" than "youth justice"). Its `name` is its
own: vectors are cached by (encoder name, text hash), so these never pass for the real model's.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from matching.encoder import DIMENSIONS

_WORD = re.compile(r"[a-z0-9]+")
TRIGRAM_WEIGHT = 0.5


def _slot(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little") % DIMENSIONS


@lru_cache(maxsize=20_000)
def _vector(text: str) -> np.ndarray:
    vector = np.zeros(DIMENSIONS, dtype=np.float64)
    for word in _WORD.findall(text.lower()):
        vector[_slot("w:" + word)] += 1.0
        padded = f"<{word}>"
        for i in range(len(padded) - 2):
            vector[_slot("c:" + padded[i:i + 3])] += TRIGRAM_WEIGHT
    if not vector.any():  # no words at all: still a unit vector, as the real model gives
        vector[_slot("empty")] = 1.0
    vector /= np.linalg.norm(vector)
    result = vector.astype(np.float32)
    result.setflags(write=False)
    return result


class StandInEncoder:
    """Same interface as matching.encoder.Encoder: `name`, `dimensions`, `encode(texts)`."""

    name = "test-stand-in-hashed-words-v1"
    dimensions = DIMENSIONS

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.vstack([_vector(t) for t in texts]).astype(np.float32)


STAND_IN = StandInEncoder()
