"""Dedupe's whole-corpus state, kept in the lake: the `dedupe_index` table (issue 16.3).

One row per document that entered the near-duplicate search (status ok after exact duplicates):
its doc_id, `content_hash` (the first 60 bits of content_sha256 as an integer), `params` (what
the signature depends on besides the text: shingle size, permutations, seeds, the listed
boilerplate, the dedupe and normalisation code, polars' version) and its MinHash `signature`
(num_perm uint32, little-endian bytes; the LSH band keys are mixed from it). Publish writes it with
the snapshot (the `runs` row last); the next run reads it back and takes the signature of every
document whose doc_id, content hash and params match instead of normalising, shingling and
hashing its text again. A run therefore finds the same candidates as one run over the whole
corpus, by construction: the signatures are equal bit for bit (tests/tasks/test_dedupe_index.py).

A missing table (a lake published before it existed) or one that cannot be read or has the wrong
columns is rebuilt: every signature is computed from the text and the next publish writes the table
again; an unreadable one is reported with one warning line.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from akhbar.config import PipelineConfig
from akhbar.resources import resource_path

log = logging.getLogger(__name__)

STATE_VERSION = "1"
INDEX_SCHEMA = {"doc_id": pl.String, "content_hash": pl.Int64, "params": pl.String, "signature": pl.Binary,
                "run_id": pl.String}
SIGNATURE = "_sig"          # the known signature of a document (binary), attached to the docs frame


def content_hash() -> pl.Expr:
    """The first 60 bits of content_sha256 as an Int64 (fits without sign; independent of polars' hash)."""
    return pl.col("content_sha256").str.slice(0, 15).str.to_integer(base=16, strict=False).cast(pl.Int64)


@lru_cache(maxsize=8)
def _code_digest() -> str:
    """Hash of the code and resources a signature depends on: dedupe, normalisation, boilerplate.tsv."""
    h = hashlib.sha256()
    for module in ("tasks.dedupe", "akhbar.text.normalise"):
        h.update(Path(sys.modules[module].__file__).read_bytes() if module in sys.modules else module.encode())
    h.update(resource_path("boilerplate.tsv").read_bytes())
    return h.hexdigest()[:16]


def signature_params(cfg: PipelineConfig, minhash_seed: int, hash_seed: int) -> str:
    """Everything besides a document's text that its signature depends on, as one string."""
    return (f"v{STATE_VERSION} k{cfg.shingle_size} p{cfg.num_perm} seed{minhash_seed} hash{hash_seed} "
            f"lines{cfg.line_min_chars} polars{pl.__version__} code{_code_digest()}")


def usable_state(state: pl.DataFrame | None, params: str, num_perm: int) -> pl.DataFrame | None:
    """The rows of a state table that can be reused: right columns, same params, whole signatures.
    A frame with other columns is reported and ignored (its signatures are computed again)."""
    if state is None or state.height == 0:
        return None
    missing = [c for c, t in INDEX_SCHEMA.items() if c not in state.columns or state.schema[c] != t]
    if missing:
        log.warning("dedupe: the lake's dedupe_index lacks or retyped %s: rebuilt from the documents' text", missing)
        return None
    ok = state.filter((pl.col("params") == params) & (pl.col("signature").bin.size() == num_perm * 4))
    return ok.select("doc_id", "content_hash", pl.col("signature").alias(SIGNATURE))


def attach_known(docs: pl.DataFrame, state: pl.DataFrame | None) -> pl.DataFrame:
    """docs with a `_sig` column: the stored signature when doc_id and content hash match, else null."""
    if state is None:
        return docs.with_columns(pl.lit(None, pl.Binary).alias(SIGNATURE))
    keyed = docs.select("doc_id", content_hash().alias("content_hash"))
    sig = keyed.join(state, on=["doc_id", "content_hash"], how="left", maintain_order="left").get_column(SIGNATURE)
    return docs.with_columns(sig.alias(SIGNATURE))


def signatures_of(frame: pl.DataFrame, num_perm: int) -> np.ndarray:
    """The `_sig` column (every row set) as an (n, num_perm) uint32 array."""
    if frame.height == 0:
        return np.empty((0, num_perm), dtype=np.uint32)
    buf = b"".join(frame.get_column(SIGNATURE).to_list())
    return np.frombuffer(buf, dtype="<u4").reshape(frame.height, num_perm).astype(np.uint32)


def index_frame(docs: pl.DataFrame, sig: np.ndarray, params: str, run_id: str) -> pl.DataFrame:
    """The state rows of this run: one per document of the near-duplicate search, with its signature."""
    blobs = [row.tobytes() for row in sig.astype("<u4")]
    return docs.select("doc_id", content_hash().alias("content_hash")).with_columns(
        params=pl.lit(params), signature=pl.Series(blobs, dtype=pl.Binary), run_id=pl.lit(run_id)
    ).select(list(INDEX_SCHEMA)).cast(INDEX_SCHEMA)


def empty_index() -> pl.DataFrame:
    return pl.DataFrame(schema=INDEX_SCHEMA)
