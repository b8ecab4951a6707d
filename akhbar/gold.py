"""Gold data and scoring shared by `akhbar eval entities` and `akhbar eval events`.

Gold annotations are stored against the RAW input file (tests/gold/<kind>/<file stem>.jsonl,
offsets into the decoded text of the seed file), not against pipeline output: that way they
survive changes in dedupe and segmentation (collapsed lines, split pages, new titles).
Predictions are projected back to raw-file offsets by locating each predicted span, with
its surrounding context, in the source text of the document(s) that carried the article.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

CONTEXT_STEPS = (40, 20, 8, 0)


def load_gold(gold_dir: Path | str, kind: str) -> dict[str, list[dict]]:
    """{source file name: [gold rows]} from gold_dir/kind/*.jsonl (file stem + '.txt' names the source)."""
    out: dict[str, list[dict]] = {}
    for path in sorted((Path(gold_dir) / kind).glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out[path.stem + ".txt"] = rows
    return out


def locate_in_source(article_text: str, start: int, end: int, source: str) -> tuple[int, int] | None:
    """Offsets in `source` of article_text[start:end], found with as much context as still matches."""
    surface = article_text[start:end]
    for ctx in CONTEXT_STEPS:
        left = article_text[max(0, start - ctx):start]
        right = article_text[end:end + ctx]
        # Both sides first, then one side: segmentation may have changed the whitespace
        # (paragraph joins) or dropped a line on just one side of the span.
        for lft, rgt in ((left, right), (left, ""), ("", right)):
            pos = source.find(lft + surface + rgt)
            if pos >= 0:
                return pos + len(lft), pos + len(lft) + len(surface)
    return None


def project_to_source(tables: dict[str, pl.DataFrame], table: str, start_col: str = "start",
                      end_col: str = "end") -> pl.DataFrame:
    """Rows of `table` with source_path, src_start, src_end added (one row per carrying document).

    Rows that cannot be located in any source are kept with null offsets (they count as false positives).
    """
    docs = dict(tables["documents"].select("doc_id", "source_path").iter_rows())
    sources = dict(tables["documents"].select("source_path", "text").iter_rows())
    arts = {r["article_id"]: r for r in tables["articles"].select("article_id", "text", "doc_ids").iter_rows(named=True)}
    rows = []
    for row in tables[table].iter_rows(named=True):
        art = arts.get(row["article_id"])
        if art is None:
            continue
        placed = False
        for doc_id in art["doc_ids"]:
            path = docs.get(doc_id)
            src = sources.get(path) or ""
            loc = locate_in_source(art["text"], row[start_col], row[end_col], src)
            if loc:
                rows.append({**row, "source_path": path, "src_start": loc[0], "src_end": loc[1]})
                placed = True
        if not placed:
            rows.append({**row, "source_path": None, "src_start": None, "src_end": None})
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score_sets(gold: set, pred: set) -> dict:
    return prf(len(gold & pred), len(pred - gold), len(gold - pred))
