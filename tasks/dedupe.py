"""Dedupe: keep each story once and log every cut.

Input: the documents frame from ingest. Output:
  - documents with status/duplicate_of/cluster_id/similarity updated,
  - segments: one row per cut (doc_id, start, end, kind, canonical_id, reason); offsets index
    documents.text, cuts never overlap, and a document is its kept parts plus its cuts
    (`kept_spans`, `rebuild_document`),
  - blocks: the clean units handed to segment, one per kept page text or shared segment:
    block_id, doc_ids (every document that carried it), text, and the record metadata
    (meta_title, meta_date, meta_source, meta_url).

Steps, in order (docs/ingest-dedupe.md explains each rule and its thresholds):
  1. exact duplicates: same normalised text -> `duplicate` of the first by path;
  2. lines: listed/pattern boilerplate, then lines repeated inside one page (first kept);
  3. near-duplicates: MinHash LSH over word shingles (numpy), candidates verified by true
     Jaccard, clustered with union-find -> `near_duplicate` of the first by path;
  4. furniture: short lines found in many documents (frequency rule);
  5. shared segments: runs of lines carried by two or more documents, cut from each and
     kept once as their own block;
  6. blocks: what is left of each page, plus one block per shared segment; blocks with the
     same normalised text are merged (tasks/dedupe_blocks.py: built and merged through files).
Lines are compared on a normalised key (akhbar.text.normalise.normalize); the stored text never changes.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Callable, MutableMapping
from functools import lru_cache

import numpy as np
import polars as pl

from akhbar.text.normalise import normalize
from akhbar.batches import Mapper, in_process
from akhbar.config import PipelineConfig
from akhbar.contracts import empty_frame
from akhbar.faults import error_detail
from akhbar.memory import trim
from akhbar.ids import stable_id
from akhbar.resources import read_tsv
from akhbar.unionfind import UnionFind
from tasks.dedupe_blocks import BLOCK_SCHEMA, HASH_SEED, build_blocks, merge_blocks  # noqa: F401
from tasks.dedupe_sets import LineSpool, ShingleStore
from tasks.dedupe_index import SIGNATURE, attach_known, index_frame, signature_params, signatures_of, usable_state
from tasks.dedupe_text import Texts, text_chars

log = logging.getLogger(__name__)
WORD = r"\w+"
SENTENCE_END = r"[.!?؟…][\"'»”’)\]}›]*$"  # a line ending a sentence, perhaps inside quotes or brackets
ENDS = "_ends"   # the line table's flag for SENTENCE_END: the corpus-wide passes keep it, not the line's key
# A candidate pair whose signatures agree on fewer than (threshold - margin) of their rows is not
# worth an exact check: at 64 permutations and Jaccard 0.8 the estimate's standard error is 0.05,
# so a pair at the threshold is pruned with probability ~2%, one at 0.85 with ~0.04%.
SIGNATURE_MARGIN = 0.1
# Documents per batch of the per-document work (line keys, line table, in-page rules, signatures):
# one worker task, and the bound on that work's transient memory (its exploded word tables).
DOC_BATCH = 2_000
# Near-duplicate candidates whose lines are rebuilt at once (their keys and word tables: ~60 MB at 2,000
# long candidates); the candidates are in document order, so a chunk reads a run of the text file's groups.
CANDIDATE_CHUNK_DOCS = 500


def empty_segments() -> pl.DataFrame:
    return empty_frame("segments")


# --- 0. rules ------------------------------------------------------------------------
def furniture_key(text: str) -> str:
    """Letters and digits of a normalised line, single-spaced: how listed furniture is matched."""
    return re.sub(r"[\W_]+", " ", normalize(text)).strip()


@lru_cache(maxsize=1)
def boilerplate_rules() -> tuple[frozenset[str], str, str]:
    """(listed line keys, one cut regex, one keep regex) from akhbar/resources/boilerplate.tsv."""
    lines, cut, keep = set(), [], []
    for kind, pattern, *_ in read_tsv("boilerplate.tsv"):
        if kind == "line":
            lines.add(furniture_key(pattern))
        elif kind == "regex":
            cut.append(f"(?:{pattern})")
        elif kind == "keep":
            keep.append(f"(?:{pattern})")
        else:
            raise ValueError(f"boilerplate.tsv: unknown kind {kind!r}")
    return frozenset(lines), "^(?:" + "|".join(cut) + ")$", "|".join(keep)


# --- 1. exact duplicates -----------------------------------------------------------------
def reset_marks(documents: pl.DataFrame) -> pl.DataFrame:
    """Documents carried over from an earlier snapshot are judged again with the whole corpus."""
    was_dup = pl.col("status").is_in(["duplicate", "near_duplicate"])
    return documents.with_columns(
        status=pl.when(was_dup).then(pl.lit("ok")).otherwise(pl.col("status")),
        reason=pl.when(was_dup).then(pl.lit(None, pl.String)).otherwise(pl.col("reason")),
        duplicate_of=pl.lit(None, pl.String), cluster_id=pl.lit(None, pl.String),
        similarity=pl.lit(None, pl.Float64))


def mark_exact_duplicates(documents: pl.DataFrame) -> pl.DataFrame:
    """Among ok documents with the same normalised hash, keep the first by source path."""
    ok = documents.filter(pl.col("status") == "ok").sort("source_path", "record_idx", nulls_last=False)
    keeper = ok.group_by("norm_sha256", maintain_order=True).agg(pl.col("doc_id").first().alias("_keeper"))
    out = documents.join(keeper, on="norm_sha256", how="left")
    is_dup = (pl.col("status") == "ok") & pl.col("_keeper").is_not_null() & (pl.col("_keeper") != pl.col("doc_id"))
    return out.with_columns(
        status=pl.when(is_dup).then(pl.lit("duplicate")).otherwise(pl.col("status")),
        duplicate_of=pl.when(is_dup).then(pl.col("_keeper")).otherwise(pl.col("duplicate_of")),
        reason=pl.when(is_dup).then(pl.lit("exact duplicate: same normalised text")).otherwise(pl.col("reason")),
    ).drop("_keeper")


# --- 2. lines ----------------------------------------------------------------------------
def line_keys(text: str) -> str:
    """The document normalised for line matching, line for line with the original.

    NFKC after `normalize` makes keys independent of whether the page happened to contain
    presentation forms (normalize applies NFKC only then): '…' is '...' on every page.
    """
    return unicodedata.normalize("NFKC", normalize(text))


def guarded_line_keys(docs: pl.DataFrame) -> tuple[list[str], dict[str, str]]:
    """`line_keys` of every document, and {doc_id: rejection reason} for those whose keys raised or
    lost the line structure: one bad document is rejected, it does not stop the run."""
    keys, bad = [], {}
    for doc_id, text in zip(docs["doc_id"].to_list(), docs["text"].to_list()):
        try:
            key = line_keys(text)
            if key.count("\n") != text.count("\n"):
                raise ValueError("normalised text lost its line structure")
        except Exception as exc:
            bad[doc_id] = f"dedupe error: {error_detail(exc)}"
            key = ""
        keys.append(key)
    return keys, bad


def line_table(docs: pl.DataFrame, keys: list[str] | None = None) -> pl.DataFrame:
    """One row per line of each document: doc, line_idx, start/end (line), span_end (with its newline), key,
    and whether the key ends a sentence (ENDS: what the shared-segment pass reads of the key, kept when the
    corpus' line table drops the keys). `keys`: the documents' `line_keys`, when already computed."""
    keys = [line_keys(t) for t in docs["text"]] if keys is None else keys
    frame = docs.select("doc_idx", "doc_id", "text").with_columns(key=pl.Series(keys, dtype=pl.String))
    lines = (frame.select("doc_idx", "doc_id", line=pl.col("text").str.split("\n"),
                          key=pl.col("key").str.split("\n"), doc_len=pl.col("text").str.len_chars())
             .filter(pl.col("line").list.len() == pl.col("key").list.len())  # always true; guards the explode
             .explode(["line", "key"]))
    n_lines = frame.select(pl.col("text").str.count_matches("\n") + 1).to_series().sum()
    if lines.height != n_lines:  # normalisation changed the line count: cannot happen with LF-only text
        raise ValueError("dedupe: normalised text lost its line structure")
    length = pl.col("line").str.len_chars()
    lines = lines.with_columns(
        line_idx=pl.int_range(pl.len()).over("doc_idx"),
        start=((length + 1).cum_sum().over("doc_idx") - length - 1),
        key=pl.col("key").str.replace_all(r"\s+", " ").str.strip_chars(),
    ).with_columns(end=pl.col("start") + length)
    return lines.with_columns(
        span_end=pl.min_horizontal(pl.col("end") + 1, pl.col("doc_len")),
        blank=pl.col("key") == "",
        n_words=pl.col("key").str.count_matches(WORD),
        line_hash=pl.col("key").hash(HASH_SEED), **{ENDS: ends_sentence()},
        kind=pl.lit(None, pl.String), canonical_id=pl.lit(None, pl.String), reason=pl.lit(None, pl.String),
    ).drop("line", "doc_len")


def cut(lines: pl.DataFrame, mask: pl.Expr, kind: str, reason: pl.Expr | str,
        canonical: pl.Expr | None = None) -> pl.DataFrame:
    """Mark lines matching `mask` (and not cut yet) with a cut of `kind`."""
    mask = mask & pl.col("kind").is_null()
    reason = pl.lit(reason) if isinstance(reason, str) else reason
    canonical = pl.lit(None, pl.String) if canonical is None else canonical
    return lines.with_columns(
        canonical_id=pl.when(mask).then(canonical).otherwise(pl.col("canonical_id")),
        reason=pl.when(mask).then(reason).otherwise(pl.col("reason")),
        kind=pl.when(mask).then(pl.lit(kind)).otherwise(pl.col("kind")),
    )


def mark_listed_boilerplate(lines: pl.DataFrame) -> pl.DataFrame:
    listed, cut_re, keep_re = boilerplate_rules()
    fkey = pl.col("key").str.replace_all(r"[\W_]+", " ").str.strip_chars()
    lines = lines.with_columns(keep=pl.col("key").str.contains(keep_re) if keep_re else pl.lit(False))
    lines = cut(lines, fkey.is_in(list(listed)) & ~pl.col("keep"), "boilerplate",
                "boilerplate: listed site furniture (akhbar/resources/boilerplate.tsv)")
    return cut(lines, pl.col("key").str.contains(cut_re) & ~pl.col("keep"), "boilerplate",
               "boilerplate: counter line (akhbar/resources/boilerplate.tsv)")


def mark_repeated_lines(lines: pl.DataFrame, cfg: PipelineConfig) -> pl.DataFrame:
    """A line printed again in the same page (headline, caption) is cut; the first stays."""
    long_enough = ~pl.col("blank") & (pl.col("key").str.len_chars() >= cfg.line_min_chars) & pl.col("kind").is_null()
    first = (pl.when(long_enough).then(pl.col("start")).otherwise(None)
             .min().over("doc_idx", "line_hash"))
    return cut(lines, long_enough & (pl.col("start") > first), "repeated_line",
               pl.format("repeated line: same text as the line at offset {} of this page", first),
               pl.col("doc_id"))


def mark_furniture(lines: pl.DataFrame, n_docs: int, cfg: PipelineConfig) -> pl.DataFrame:
    """Short lines found in many documents are site furniture (frequency rule)."""
    min_docs = max(cfg.furniture_min_docs, math.ceil(cfg.furniture_min_share * n_docs))
    short = ~pl.col("blank") & (pl.col("n_words") <= cfg.furniture_max_words) & ~pl.col("keep")
    lines = lines.with_columns(_freq=pl.col("doc_idx").n_unique().over("line_hash"))
    return cut(lines, short & (pl.col("_freq") >= min_docs), "boilerplate",
               pl.format("boilerplate: short line found in {} documents (furniture rule: >= {})",
                         pl.col("_freq"), pl.lit(min_docs))).drop("_freq")


# --- 3. near-duplicates --------------------------------------------------------------
MINHASH_SEED = 1
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads combined token hashes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


def shingles(lines: pl.DataFrame, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word k-shingles inside each line: (shingle hash, doc_idx, line_hash), ordered by doc.

    A line shorter than k words is one shingle of all its words.
    """
    tok = (lines.select("doc_idx", "line_hash", tok=pl.col("key").str.extract_all(WORD))
           .with_columns(n=pl.col("tok").list.len()).filter(pl.col("n") > 0)
           .with_columns(pos=pl.int_ranges(pl.col("n"))).explode(["tok", "pos"]))
    if tok.height == 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.uint64)
    h = tok["tok"].hash(HASH_SEED).to_numpy()
    pos, n = tok["pos"].to_numpy(), tok["n"].to_numpy()
    starts = np.flatnonzero((pos + k <= n) | ((pos == 0) & (n < k)))
    acc = h[starts].copy()
    for j in range(1, k):  # rotate-xor the next words of the same line
        idx = starts + j
        ok = pos[starts] + j < n[starts]
        nxt = np.where(ok, h[np.minimum(idx, len(h) - 1)], np.uint64(0))
        acc = (acc << np.uint64(7)) ^ (acc >> np.uint64(57)) ^ nxt
    return (mix64(acc), tok["doc_idx"].to_numpy()[starts], tok["line_hash"].to_numpy()[starts])


def minhash(sh: np.ndarray, doc: np.ndarray, n_docs: int, num_perm: int, chunk_docs: int = 2000) -> np.ndarray:
    """MinHash signatures (n_docs x num_perm, uint32) of the shingle hashes, grouped by doc; all-max
    for a document with no shingles. Computed by rensa's batch RMinHash (Rust), which measured about
    5x faster than the numpy multiply-shift loop it replaced at equal near-duplicate accuracy
    (docs/scale.md)."""
    from rensa import RMinHash

    sig = np.full((n_docs, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    if len(sh) == 0:
        return sig
    docs, starts = np.unique(doc, return_index=True)  # shingles arrive grouped by doc
    bounds = np.r_[starts, len(sh)].astype(np.uint64)
    for lo in range(0, len(docs), chunk_docs):   # rows come back as Python lists: bounded per chunk
        offsets = bounds[lo:lo + chunk_docs + 1]
        part = sh[int(offsets[0]):int(offsets[-1])]
        rows = RMinHash.digest_matrix_from_flat_token_hashes(part, offsets - offsets[0], num_perm,
                                                             MINHASH_SEED).to_rows()
        sig[docs[lo:lo + chunk_docs]] = np.asarray(rows, dtype=np.uint32)
    return sig


def lsh_pairs(sig: np.ndarray, bands: int, max_bucket: int) -> np.ndarray:
    """Candidate pairs (i < j) sharing at least one band; big buckets are chained, not all-paired."""
    n, p = sig.shape
    r = p // bands
    out = []
    for b in range(bands):
        key = np.zeros(n, dtype=np.uint64)
        for j in range(b * r, (b + 1) * r):
            key = mix64(key ^ sig[:, j].astype(np.uint64))
        empty = (sig[:, b * r:(b + 1) * r] == np.iinfo(np.uint32).max).all(axis=1)
        idx = np.flatnonzero(~empty)
        order = idx[np.argsort(key[idx], kind="stable")]
        k = key[order]
        bounds = np.flatnonzero(np.diff(k)) + 1
        starts, ends = np.r_[0, bounds], np.r_[bounds, len(order)]
        size = ends - starts
        two = starts[size == 2]
        out.append(np.stack([order[two], order[two + 1]], axis=1))
        for s, e in zip(starts[size > 2], ends[size > 2]):
            members = np.sort(order[s:e])
            if len(members) <= max_bucket:
                i, j = np.triu_indices(len(members), 1)
                out.append(np.stack([members[i], members[j]], axis=1))
            else:  # chain + star: bounded work, clusters still connect through verified links
                out.append(np.stack([members[:-1], members[1:]], axis=1))
                out.append(np.stack([np.repeat(members[0], len(members) - 2), members[2:]], axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(out).astype(np.int64), axis=1)
    key = np.unique(pairs[:, 0] * n + pairs[:, 1])
    key = key[key // n != key % n]
    return np.stack([key // n, key % n], axis=1)


def prune_pairs(sig: np.ndarray, pairs: np.ndarray, min_agree: float, chunk: int = 200_000) -> np.ndarray:
    """Pairs whose signatures agree on at least `min_agree` of their rows (in chunks: bounded memory)."""
    keep = [pairs[i:i + chunk][(sig[pairs[i:i + chunk, 0]] == sig[pairs[i:i + chunk, 1]]).mean(axis=1) >= min_agree]
            for i in range(0, len(pairs), chunk)]
    return np.concatenate(keep) if keep else pairs


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted arrays of unique values."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    idx = np.searchsorted(b, a)
    inter = int(np.count_nonzero(b[np.minimum(idx, len(b) - 1)] == a))
    return inter / (len(a) + len(b) - inter)


LinesOf = Callable[[list[int]], pl.DataFrame]     # doc_idx values -> those documents' line table, in doc order


def doc_sets(lines: pl.DataFrame | LinesOf, doc_idx: np.ndarray, k: int, chunk_docs: int = 2_000,
             kept: pl.Expr | None = None, out: MutableMapping | None = None
             ) -> MutableMapping[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For the given documents: (unique sorted shingles, shingles, their line hashes) for verification,
    from their lines where `kept` (None: all). `lines`: a line table, or a function giving the lines of
    a chunk of documents (dedupe rebuilds the candidates' lines instead of keeping every key). `out`:
    where they go (a dict when None; dedupe's ShingleStore keeps them in files)."""
    out = {} if out is None else out
    for lo in range(0, len(doc_idx), chunk_docs):
        chunk = doc_idx[lo:lo + chunk_docs].tolist()
        sub = (lines(chunk) if callable(lines) else lines.filter(pl.col("doc_idx").is_in(chunk))
               ).filter(pl.lit(True) if kept is None else kept)
        sh, d, lh = shingles(sub, k)
        if len(sh) == 0:
            continue
        docs, starts = np.unique(d, return_index=True)
        for i, (s, e) in zip(docs.tolist(), zip(starts, np.r_[starts[1:], len(sh)])):
            out[i] = (np.unique(sh[s:e]), sh[s:e], lh[s:e])
    return out


def verify(a: tuple, b: tuple, cfg: PipelineConfig) -> float | None:
    """True Jaccard if the pair is a near-duplicate, else None.

    Two different stories carrying the same appended segment can reach the threshold when the
    segment is long: the lines they do not share (the residuals) then differ completely. A pair
    is vetoed when both residuals are substantial and unlike each other.
    """
    sim = jaccard(a[0], b[0])
    if sim < cfg.near_dup_threshold:
        return None
    common = np.intersect1d(np.unique(a[2]), np.unique(b[2]), assume_unique=True)
    ra = np.unique(a[1][~np.isin(a[2], common)])
    rb = np.unique(b[1][~np.isin(b[2], common)])
    small = min(len(ra), len(rb)) < cfg.near_dup_residual_min_shingles
    return sim if small or jaccard(ra, rb) >= cfg.near_dup_residual_threshold else None


def near_duplicate_clusters(lines: pl.DataFrame | LinesOf, n_docs: int, cfg: PipelineConfig, sig: np.ndarray | None = None,
                            chunk_docs: int = DOC_BATCH, kept: pl.Expr | None = None) -> list[tuple[int, int, float]]:
    """(member doc_idx, canonical doc_idx, Jaccard to canonical) for every non-canonical member.

    `sig`: the documents' signatures when already computed (`document_lines`), else computed here
    chunk by chunk; LSH buckets give candidate pairs; the signature estimate prunes hopeless ones;
    the rest are checked on true shingle sets. `kept`: the lines to read (applied to each chunk of
    documents, so no filtered copy of the corpus' line table is made; None: every line). `lines` may be
    a function of a chunk's doc_idx values when `sig` is given (only the candidates' lines are read).
    """
    if n_docs < 2:
        return []
    kept = pl.lit(True) if kept is None else kept
    if sig is None:
        sig = np.full((n_docs, cfg.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        for lo in range(0, n_docs, chunk_docs):
            chunk = lines.filter(pl.col("doc_idx").is_between(lo, lo + chunk_docs - 1) & kept)
            sh, d, _ = shingles(chunk, cfg.shingle_size)
            part = minhash(sh, d - lo, min(chunk_docs, n_docs - lo), cfg.num_perm)
            sig[lo:lo + part.shape[0]] = part
    pairs = prune_pairs(sig, lsh_pairs(sig, cfg.lsh_bands, cfg.lsh_max_bucket),
                        cfg.near_dup_threshold - SIGNATURE_MARGIN)
    if not len(pairs):
        return []
    with ShingleStore() as sets:      # the candidates' shingles in files, read back pair by pair
        doc_sets(lines, np.unique(pairs), cfg.shingle_size, chunk_docs, kept, out=sets)
        uf = UnionFind()
        for i, j in pairs.tolist():
            if i in sets and j in sets and verify(sets[i], sets[j], cfg) is not None:
                uf.union(i, j)
        members = [(i, uf.find(i)) for i in list(uf.parent) if uf.find(i) != i]
        return sorted((i, root, jaccard(sets[i][0], sets[root][0])) for i, root in members)


def mark_near_duplicates(documents: pl.DataFrame, docs: pl.DataFrame, cfg: PipelineConfig,
                         sig: np.ndarray, texts: Texts = Texts()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Set near_duplicate marks on documents; return (documents, ok docs still kept). The candidates'
    kept lines are rebuilt from their text, chunk by chunk (`marked_lines`: per-document rules, so the
    same lines as the signatures were computed from): the corpus' line keys are never all alive."""
    text = docs.select("doc_idx", "doc_id", *texts.columns)

    def lines_of(doc_idx: list[int]) -> pl.DataFrame:
        return marked_lines(texts.add(text.filter(pl.col("doc_idx").is_in(doc_idx))), cfg)

    found = near_duplicate_clusters(lines_of, docs.height, cfg, sig, chunk_docs=CANDIDATE_CHUNK_DOCS,
                                    kept=pl.col("kind").is_null() & ~pl.col("blank"))
    if not found:
        return documents, docs
    ids = docs["doc_id"].to_list()
    marks = pl.DataFrame(
        {"doc_id": [ids[i] for i, _, _ in found], "_canon": [ids[c] for _, c, _ in found],
         "_sim": [round(s, 4) for _, _, s in found]},
        schema={"doc_id": pl.String, "_canon": pl.String, "_sim": pl.Float64})
    canon = marks.select(doc_id="_canon", _canon="_canon", _sim=pl.lit(1.0)).unique("doc_id")
    marks = pl.concat([marks, canon])
    out = documents.join(marks, on="doc_id", how="left")
    member = pl.col("_canon").is_not_null() & (pl.col("_canon") != pl.col("doc_id"))
    in_cluster = pl.col("_canon").is_not_null()
    out = out.with_columns(
        status=pl.when(member).then(pl.lit("near_duplicate")).otherwise(pl.col("status")),
        duplicate_of=pl.when(member).then(pl.col("_canon")).otherwise(pl.col("duplicate_of")),
        cluster_id=pl.when(in_cluster).then(pl.concat_str(pl.lit("ndc_"), pl.col("_canon").str.slice(4)))
        .otherwise(pl.col("cluster_id")),
        similarity=pl.when(in_cluster).then(pl.col("_sim")).otherwise(pl.col("similarity")),
        reason=pl.when(member).then(pl.format(
            "near duplicate: {} of its word {}-shingles shared with the canonical document (Jaccard)",
            pl.col("_sim").round(3), pl.lit(cfg.shingle_size))).otherwise(pl.col("reason")),
    ).drop("_canon", "_sim")
    return out, docs.join(marks.filter(pl.col("_canon") != pl.col("doc_id")), on="doc_id", how="anti")


# --- 5. shared segments --------------------------------------------------------------
def ends_sentence() -> pl.Expr:
    """The line's key ends a sentence (SENTENCE_END): all that the shared-segment rule reads of the key."""
    return pl.col("key").str.contains(SENTENCE_END).alias(ENDS)


def mark_shared(lines: pl.DataFrame, cfg: PipelineConfig) -> pl.DataFrame:
    """Runs of substantial lines carried by the same set of (2+) documents -> one shared block each.

    A line's block is decided in the first document carrying it (its representative): there,
    consecutive substantial lines with the same set of carrying documents form one run. Every
    other carrier cuts the same lines with the same block id, so the block is kept once even
    when a carrier interleaves its own lines. Short lines and blank lines between two lines of
    one block go with the block (a 'TT' marker inside an appended story).
    """
    subst = pl.col("kind").is_null() & (pl.col("n_words") >= cfg.shared_line_min_words)
    lines = lines.with_columns(_subst=subst).with_columns(
        _rank=pl.col("_subst").cast(pl.Int64).cum_sum().over("doc_idx"))
    cand = lines.filter("_subst").select("doc_idx", "line_hash", "_rank", ENDS, "n_words")
    sets = (cand.group_by("line_hash").agg(pl.col("doc_idx").unique().sort().alias("_docs"))
            .filter(pl.col("_docs").list.len() >= 2)
            .with_columns(_set=pl.col("_docs").hash(HASH_SEED), _rep=pl.col("_docs").list.first(),
                          _n=pl.col("_docs").list.len())
            .drop("_docs"))  # a popular line's carrier list must not ride along with every row
    if sets.height == 0:
        return lines.drop("_subst", "_rank", ENDS).with_columns(_block=pl.lit(None, pl.String),
                                                          _n=pl.lit(None, pl.UInt32))
    rep = (cand.join(sets, on="line_hash").filter(pl.col("doc_idx") == pl.col("_rep"))
           .sort("_set", "_rank")
           .with_columns(_run=((pl.col("_rank").diff().over("_set") != 1).fill_null(True)).cum_sum()))
    runs = (rep.group_by("_run").agg(pl.col("line_hash").sort_by("_rank"), pl.col("_n").first(),
                                     pl.col(ENDS).first(), pl.col("n_words").first())
            .with_columns(_block=pl.col("line_hash").list.eval(pl.element().cast(pl.String)).list.join(",")))
    # One shared line that neither ends a sentence nor is long is a headline, caption or footer
    # the pages repeat, not a story: logged as boilerplate instead of becoming a block of its own.
    lone = ((pl.col("line_hash").list.len() == 1) & ~pl.col(ENDS)
            & (pl.col("n_words") < cfg.shared_single_line_min_words))
    furniture = runs.filter(lone).select(pl.col("line_hash").list.first(), _furn_n=pl.col("_n"))
    runs = runs.filter(~lone)
    runs = runs.with_columns(_block=pl.Series([stable_id("shared", k) for k in runs["_block"]], dtype=pl.String))
    line_block = (runs.sort("_run").select("_block", "line_hash").explode("line_hash")
                  .unique("line_hash", keep="first", maintain_order=True))
    # a shared line hash belongs to one block; every document holding that line carries it
    lines = (lines.join(line_block, on="line_hash", how="left").join(furniture, on="line_hash", how="left")
             .sort("doc_idx", "line_idx"))
    lines = cut(lines, pl.col("_subst") & pl.col("_furn_n").is_not_null(), "boilerplate", pl.format(
        "boilerplate: one line without a sentence end carried by {} documents (a shared headline, caption or "
        "footer; a shared segment needs 2 lines, a sentence end or >= {} words)",
        pl.col("_furn_n"), pl.lit(cfg.shared_single_line_min_words))).drop("_furn_n")
    lines = lines.with_columns(_block=pl.when(pl.col("_subst")).then(pl.col("_block")).otherwise(None))
    prev = pl.col("_block").forward_fill().over("doc_idx")
    nxt = pl.col("_block").backward_fill().over("doc_idx")
    between = pl.col("_block").is_null() & ~pl.col("_subst") & (prev == nxt)
    lines = lines.with_columns(_block=pl.when(between).then(prev).otherwise(pl.col("_block")))
    return (lines.join(runs.select("_block", "_n"), on="_block", how="left").sort("doc_idx", "line_idx")
            .drop("_subst", "_rank", ENDS))


# --- 6. assembly ----------------------------------------------------------------------
def in_line_order(lines: pl.DataFrame) -> pl.DataFrame:
    """The line table sorted by (doc_idx, line_idx), a key of its rows; sorted only when it is not
    already (document_lines gives it in that order: a sort, and the semi join before it, were two more
    copies of the corpus' line table at dedupe's peak, +206 MB at 50k documents)."""
    step = pl.col("doc_idx").diff()
    ordered = lines.select(((step > 0) | ((step == 0) & (pl.col("line_idx").diff() > 0))).slice(1).all()).item()
    return lines if ordered is not False else lines.sort("doc_idx", "line_idx")


def coalesce(lines: pl.DataFrame) -> pl.DataFrame:
    """Consecutive lines with the same fate -> one part: doc, start, end, kind, canonical, reason.

    Blank lines between two cuts of the same kind and canonical go with the cut; other blank
    lines are kept. A part with kind null is kept text.
    """
    lines = lines.sort("doc_idx", "line_idx")
    label = pl.concat_str([pl.col("kind").fill_null("keep"), pl.col("canonical_id").fill_null("")], separator="|")
    nb = pl.when(pl.col("blank")).then(None).otherwise(label)
    prev, nxt = nb.forward_fill().over("doc_idx"), nb.backward_fill().over("doc_idx")
    fill = pl.col("blank") & (prev == nxt) & (prev != "keep|")
    src_reason = pl.when(pl.col("blank")).then(None).otherwise(pl.col("reason")).forward_fill().over("doc_idx")
    src_kind = pl.when(pl.col("blank")).then(None).otherwise(pl.col("kind")).forward_fill().over("doc_idx")
    src_canon = pl.when(pl.col("blank")).then(None).otherwise(pl.col("canonical_id")).forward_fill().over("doc_idx")
    lines = lines.with_columns(
        kind=pl.when(fill).then(src_kind).otherwise(pl.col("kind")),
        canonical_id=pl.when(fill).then(src_canon).otherwise(pl.col("canonical_id")),
        reason=pl.when(fill).then(src_reason).otherwise(pl.col("reason")))
    lab = pl.concat_str([pl.col("kind").fill_null("keep"), pl.col("canonical_id").fill_null(""),
                         pl.col("reason").fill_null("")], separator="|")
    new = (lab != lab.shift(1)) | (pl.col("doc_idx") != pl.col("doc_idx").shift(1))
    return (lines.with_columns(_part=new.fill_null(True).cum_sum())
            .group_by("_part", maintain_order=True)
            .agg(pl.col("doc_idx", "doc_id", "kind", "canonical_id", "reason").first(),
                 pl.col("start").min(), pl.col("span_end").max().alias("end"),
                 pl.col("n_words").sum(), pl.col("blank").all(),
                 pl.col("line_hash").filter(~pl.col("blank")).alias("_hashes"))
            .drop("_part"))


def kept_spans(length: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of a document of `length` characters not covered by its (non-overlapping) cuts."""
    spans, pos = [], 0
    for s, e in sorted(cuts):
        if s < pos:
            raise ValueError(f"overlapping cuts at offset {s}")
        if s > pos:
            spans.append((pos, s))
        pos = e
    if pos < length:
        spans.append((pos, length))
    return spans


def rebuild_document(parts: list[tuple[int, str]]) -> str:
    """A document from its kept parts and its cuts, each given as (start offset, text)."""
    out, pos = [], 0
    for start, text in sorted(parts):
        if start != pos:
            raise ValueError(f"gap or overlap at offset {pos} (next part starts at {start})")
        out.append(text)
        pos += len(text)
    return "".join(out)


def document_parts(text: str, cuts: pl.DataFrame) -> list[tuple[int, str]]:
    """(start, text) of every kept part and every cut of one document (cuts: its segments rows)."""
    spans = list(zip(cuts["start"].to_list(), cuts["end"].to_list()))
    return [(s, text[s:e]) for s, e in spans + kept_spans(len(text), spans)]


def whole_doc_cuts(documents: pl.DataFrame, status: str, kind: str, run_id: str) -> pl.DataFrame:
    d = documents.filter(pl.col("status") == status)
    return d.select("doc_id", start=pl.lit(0, pl.Int64), end=text_chars(d).cast(pl.Int64),
                    kind=pl.lit(kind), canonical_id="duplicate_of", reason="reason", run_id=pl.lit(run_id))


# --- per-document work, in batches --------------------------------------------------
def lines_batch(batch: pl.DataFrame, cfg: PipelineConfig) -> tuple[pl.DataFrame | None, np.ndarray | None,
                                                                   dict[str, str]]:
    """One batch of documents (doc_idx, doc_id, text, `_sig`; doc_idx contiguous): their line table with
    listed boilerplate and in-page repeats marked, their MinHash signatures (a known `_sig` is taken,
    the others computed from the kept lines), and {doc_id: rejection} for documents whose keys could
    not be computed. Only per-document work: the result depends neither on the batching nor on
    the process that runs it."""
    keys, bad = guarded_line_keys(batch)
    if bad:
        return None, None, bad
    lines = marked_lines(batch, cfg, keys)
    sig = np.full((batch.height, cfg.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    known = batch.get_column(SIGNATURE).is_not_null().to_numpy()
    if known.any():
        sig[known] = signatures_of(batch.filter(pl.Series(known)), cfg.num_perm)
    if not known.all():
        lo = int(batch["doc_idx"][0])
        todo = batch.filter(~pl.Series(known)).get_column("doc_idx")
        kept = lines.filter(pl.col("kind").is_null() & ~pl.col("blank") & pl.col("doc_idx").is_in(todo.implode()))
        sh, d, _ = shingles(kept, cfg.shingle_size)
        sig[~known] = minhash(sh, d - lo, batch.height, cfg.num_perm)[~known]
    # the keys (a normalised copy of the text) leave the table: the corpus-wide passes read only the
    # sentence-end flag (ENDS, set by line_table), and near-duplicate checks rebuild their candidates' lines
    return lines.drop("key"), sig, {}


def marked_lines(docs: pl.DataFrame, cfg: PipelineConfig, keys: list[str] | None = None) -> pl.DataFrame:
    """The line table of these documents with listed boilerplate and in-page repeats marked: only
    per-document rules, so a document's lines are the same whatever other documents come with it."""
    return mark_repeated_lines(mark_listed_boilerplate(line_table(docs, keys)), cfg)


def document_lines(docs: pl.DataFrame, cfg: PipelineConfig, mapper: Mapper = in_process, texts: Texts = Texts()
                   ) -> tuple[pl.DataFrame | None, np.ndarray | None, dict[str, str]]:
    """`lines_batch` over batches of DOC_BATCH documents, run by `mapper`, results concatenated in
    document order: (lines, signatures, {}) or, when some documents' keys raised, (None, None, bad).
    The text of one batch is read (`texts`) as the mapper takes it."""
    cols = docs.select("doc_idx", "doc_id", *texts.columns, SIGNATURE)
    if cols.height == 0:
        return lines_batch(texts.add(cols), cfg)
    batches = (texts.add(cols.slice(lo, DOC_BATCH)).select("doc_idx", "doc_id", "text", SIGNATURE)
               for lo in range(0, cols.height, DOC_BATCH))
    bad: dict[str, str] = {}
    with LineSpool(cfg.num_perm, texts.folder) as spool:     # each batch's results to files as they come
        for lines, sig, failed in mapper(lines_batch, batches, cfg):
            bad.update(failed)
            if not bad:
                spool.add(lines, sig)
            del lines, sig
        if bad:
            return None, None, bad
        return (*spool.read(), {})


# --- the stage -------------------------------------------------------------------------
def reject(documents: pl.DataFrame, reasons: dict[str, str]) -> pl.DataFrame:
    """Documents in `reasons` become rejected with that reason (an error while deduplicating them)."""
    hit = pl.col("doc_id").is_in(list(reasons))
    return documents.with_columns(
        status=pl.when(hit).then(pl.lit("rejected")).otherwise(pl.col("status")),
        reason=pl.when(hit).then(pl.col("doc_id").replace_strict(reasons, default=None, return_dtype=pl.String))
        .otherwise(pl.col("reason")))


def dedupe(documents: pl.DataFrame, run_id: str,
           cfg: PipelineConfig | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(documents, segments, blocks): `dedupe_with_index` without its state table."""
    return dedupe_with_index(documents, run_id, cfg)[:3]


def dedupe_with_index(documents: pl.DataFrame, run_id: str, cfg: PipelineConfig | None = None,
                      state: pl.DataFrame | None = None, mapper: Mapper = in_process, texts: Texts = Texts()
                      ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(documents, segments, blocks, dedupe_index). `state`: the previous snapshot's dedupe_index
    (tasks/dedupe_index.py), whose signatures are reused for unchanged documents; `mapper` runs the
    per-document batches (flows/workers.py map_bounded: in the worker processes). `texts`: where the
    text is (tasks/dedupe_text.py): documents without it are read a batch at a time from its file, and
    the documents returned are without it too (ROW and CHARS instead)."""
    cfg = cfg or PipelineConfig()
    params = signature_params(cfg, MINHASH_SEED, HASH_SEED)
    known = usable_state(state, params, cfg.num_perm)
    documents = reset_marks(documents)
    while True:  # a document whose line keys raise is rejected, and exact duplicates judged without it
        documents = mark_exact_duplicates(documents)
        docs = attach_known(documents.filter(pl.col("status") == "ok").sort("source_path", "record_idx",
                                                                           nulls_last=False)
                            .with_row_index("doc_idx").with_columns(pl.col("doc_idx").cast(pl.Int64)), known)
        lines, sig, bad = document_lines(docs, cfg, mapper, texts)
        if not bad:
            break
        documents = reset_marks(reject(documents, bad))
    reused = docs.get_column(SIGNATURE).is_not_null().sum()
    log.info("dedupe: %d documents, %d signatures from the lake's dedupe_index, %d computed",
             docs.height, reused, docs.height - reused)
    index = index_frame(docs, sig, params, run_id)
    docs = docs.drop(SIGNATURE)
    n_docs = docs.height
    trim()      # the batches' Python keys and arrays, freed, handed back before the corpus-wide passes
    documents, docs = mark_near_duplicates(documents, docs, cfg, sig, texts)
    del sig
    lines = in_line_order(lines if docs.height == n_docs else
                          lines.filter(pl.col("doc_idx").is_in(docs.get_column("doc_idx").implode())))
    lines = mark_shared(mark_furniture(lines, docs.height, cfg), cfg)
    n_carriers = pl.col("_n")
    lines = cut(lines, pl.col("_block").is_not_null(), "shared",
                pl.format("shared segment: carried by {} documents, kept once as its own block", n_carriers),
                pl.col("_block"))
    parts = coalesce(lines)
    del lines      # the corpus' line table (~235 MB at 50k documents) is not alive while the blocks are built
    trim()
    blocks, residue = build_blocks(parts, docs, documents, cfg, texts)
    # ids of blocks merged away now point at the block that was kept
    remap = blocks.select("block_id", "_merged").explode("_merged").filter(pl.col("block_id") != pl.col("_merged"))
    line_cuts = pl.concat([parts.filter(pl.col("kind").is_not_null()), residue]).join(
        remap.rename({"_merged": "canonical_id", "block_id": "_to"}), on="canonical_id", how="left").select(
        "doc_id", pl.col("start").cast(pl.Int64), pl.col("end").cast(pl.Int64), "kind",
        canonical_id=pl.coalesce("_to", "canonical_id"), reason="reason", run_id=pl.lit(run_id))
    segments = pl.concat([
        whole_doc_cuts(documents, "duplicate", "duplicate_doc", run_id),
        whole_doc_cuts(documents, "near_duplicate", "near_duplicate_doc", run_id),
        line_cuts,
    ]).select(empty_segments().columns).cast(empty_segments().schema).sort("doc_id", "start")
    return documents, segments, blocks.drop("_merged"), index
