"""Deterministic ids: hashes of normalised content (plus position where needed)."""

from __future__ import annotations

import hashlib


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """A short, stable id such as 'art_3f2a...' from the given parts."""
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(str(p).encode("utf-8"))
        h.update(b"\x1f")
    return f"{prefix}_{h.hexdigest()[:length]}"
