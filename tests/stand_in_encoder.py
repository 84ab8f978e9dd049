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

import re
import zlib
from functools import lru_cache
from typing import Sequence

import numpy as np

from matching.encoder import DIMENSIONS

_WORD = re.compile(r"[a-z0-9]+")
TRIGRAM_WEIGHT = 0.5


@lru_cache(maxsize=200_000)
def _word_slots(word: str) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The slots a word adds to, and by how much: its own, and each of its character trigrams'."""
    padded = f"<{word}>"
    features = ["w:" + word] + ["c:" + padded[i:i + 3] for i in range(len(padded) - 2)]
    slots = tuple(zlib.crc32(f.encode("utf-8")) % DIMENSIONS for f in features)
    return slots, (1.0,) + (TRIGRAM_WEIGHT,) * (len(features) - 1)


@lru_cache(maxsize=20_000)
def _vector(text: str) -> np.ndarray:
    slots: list[int] = []
    weights: list[float] = []
    for word in _WORD.findall(text.lower()):
        word_slots, word_weights = _word_slots(word)
        slots.extend(word_slots)
        weights.extend(word_weights)
    if not slots:  # no words at all: still a unit vector, as the real model gives
        slots, weights = [zlib.crc32(b"empty") % DIMENSIONS], [1.0]
    vector = np.bincount(slots, weights=weights, minlength=DIMENSIONS)
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
