"""Deterministic ids: hashes of normalised content (plus position where needed)."""

from __future__ import annotations

import hashlib


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """A short, stable id such as 'art_3f2a...' from the given parts."""
    # one encode of the joined parts: the same bytes as updating part by part, each followed by \x1f
    # (one join, no per-part concatenation: the events stage makes one id per event)
    data = ("\x1f".join(map(str, parts)) + "\x1f").encode("utf-8") if parts else b""
    return f"{prefix}_{hashlib.blake2b(data, digest_size=16).hexdigest()[:length]}"
