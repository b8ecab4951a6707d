"""Dedupe's per-document results kept in files while the corpus is read (tasks/dedupe.py).

`LineSpool`: the line table and MinHash signatures of each batch of documents (`document_lines`) are
written to files as the batches come and read back once, after the last: while a batch's keys, words and
shingles are alive (dedupe's own peak), the earlier batches' results are not held beside them, and
the concatenation's copy is not made.

`ShingleStore`: the near-duplicate candidates' shingles, kept in files while their pairs are verified.

Issue 16 (peak memory flat with the corpus). Verifying a candidate pair needs both documents' word
shingles and the line hash of each (`verify`: true Jaccard, then the residual veto). They were held in
a dict for every candidate document at once: 9.7 MB for the 1,306 candidates of the 15k realistic corpus
(about 8% of the documents are candidates: ~0.65 MB per 1,000 documents, without bound; docs/scale.md
section 22). `ShingleStore` appends each candidate's unique shingles, shingles and line hashes to three binary files as
the candidates' lines are rebuilt (one pass over their text, as before) and holds only where each document's
run starts and ends; a pair reads its two documents back (`np.fromfile` at an offset), and the last
RECENT_DOCS documents read are kept. Same shingles, same verification, same clusters.
"""

from __future__ import annotations

import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

WORD = np.dtype(np.uint64)
# documents read back kept for the next pairs (pairs come sorted by their first document, which each
# of its pairs reads again): a bounded cache, ~8 KB per document on the realistic corpus
RECENT_DOCS = 256


class ShingleStore:
    """A mapping doc_idx -> (unique sorted shingles, shingles, their line hashes), written to files as it
    is filled and read back per document. Use as a context manager (the files are removed at exit)."""

    def __init__(self, folder: str | None = None):
        self._tmp = tempfile.TemporaryDirectory(prefix="dedupe-sets-", dir=folder)
        self.paths = tuple(Path(self._tmp.name) / f"{name}.bin" for name in ("unique", "shingles", "line_hashes"))
        self._files = [open(p, "wb") for p in self.paths]
        # per document: where its unique shingles start and end in the first file, and where its
        # shingles (and their line hashes, as many) start and end in the other two
        self.spans: dict[int, tuple[int, int, int, int]] = {}
        self._end = [0, 0]
        self._recent: OrderedDict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()

    def __enter__(self) -> "ShingleStore":
        return self

    def __exit__(self, *exc) -> None:
        for f in self._files:
            f.close()
        self._tmp.cleanup()

    def __setitem__(self, doc: int, value: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        for f, array in zip(self._files, value):
            f.write(np.ascontiguousarray(array, dtype=WORD).tobytes())
        (u0, s0), n_unique, n = self._end, len(value[0]), len(value[1])
        self.spans[doc] = (u0, u0 + n_unique, s0, s0 + n)
        self._end = [u0 + n_unique, s0 + n]

    def __contains__(self, doc: object) -> bool:
        return doc in self.spans

    def __getitem__(self, doc: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if doc in self._recent:
            self._recent.move_to_end(doc)
            return self._recent[doc]
        for f in self._files:
            f.flush()
        u0, u1, s0, s1 = self.spans[doc]
        value = tuple(np.fromfile(p, dtype=WORD, count=end - start, offset=start * WORD.itemsize)
                      for p, (start, end) in zip(self.paths, ((u0, u1), (s0, s1), (s0, s1))))
        self._recent[doc] = value
        if len(self._recent) > RECENT_DOCS:
            self._recent.popitem(last=False)
        return value


class LineSpool:
    """Per batch of documents, its line table (an Arrow IPC file: a temporary file read once) and its
    signatures (appended to one binary file); `read` gives them back as one table and one array, in
    batch order. Use as a context manager (the files are removed at exit)."""

    def __init__(self, num_perm: int, folder: str | None = None):
        self._tmp = tempfile.TemporaryDirectory(prefix="dedupe-lines-", dir=folder)
        self.num_perm, self.files = num_perm, []
        self.sig_path = Path(self._tmp.name) / "signatures.bin"
        self._sigs = open(self.sig_path, "wb")

    def __enter__(self) -> "LineSpool":
        return self

    def __exit__(self, *exc) -> None:
        self._sigs.close()
        self._tmp.cleanup()

    def add(self, lines, sig: np.ndarray) -> None:
        self.files.append(str(Path(self._tmp.name) / f"lines{len(self.files)}.arrow"))
        lines.write_ipc(self.files[-1])
        self._sigs.write(np.ascontiguousarray(sig, dtype=np.uint32).tobytes())

    def read(self):
        """(the line tables of every batch as one frame, the signatures as one (n, num_perm) uint32 array)."""
        import polars as pl

        self._sigs.flush()
        lines = pl.concat([pl.read_ipc(f) for f in self.files])
        return lines, np.fromfile(self.sig_path, dtype=np.uint32).reshape(-1, self.num_perm)
