"""Validate's span check is linear in the article's size, and a check that raises is isolated."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl

import tasks.validate as validate_mod
from akhbar.contracts import contract_dtypes, empty_frame
from tasks.validate import CHECK_ORDER, validate

SENTENCE = "قال الوزير إن الحكومة ستعقد اجتماعا. "


def tables_for(text: str, spans: list[tuple[int, int, str]]) -> dict[str, pl.DataFrame]:
    tables = {t: empty_frame(t) for t in CHECK_ORDER}
    doc = dict(doc_id="d1", source_path="a.txt", record_idx=None, content_sha256="x", file_sha256="x",
               norm_sha256="n", encoding="utf-8", n_bytes=len(text), status="ok", reason=None, duplicate_of=None,
               cluster_id=None, similarity=None, text=text, meta_title=None, meta_date=None, meta_url=None,
               meta_source=None, ingested_run_id="r")
    tables["documents"] = pl.DataFrame([doc], schema=contract_dtypes("documents"))
    art = dict(article_id="art_1", doc_ids=["d1"], title=None, subtitle=None, text=text, body_start=0, section=None,
               published_date=None, date_precision="unknown", source=None, agency=None, dateline=None,
               date_text=None, captions=[], furniture=[], repairs=[], n_paragraphs=1, n_sentences=len(spans),
               run_id="r")
    tables["articles"] = pl.DataFrame([art], schema=contract_dtypes("articles"))
    tables["sentences"] = pl.DataFrame(
        {"article_id": ["art_1"] * len(spans), "sentence_idx": list(range(len(spans))),
         "paragraph_idx": [0] * len(spans), "start": [s for s, _, _ in spans], "end": [e for _, e, _ in spans],
         "text": [t for _, _, t in spans], "run_id": ["r"] * len(spans)}, schema=contract_dtypes("sentences"))
    return tables


def sentence_spans(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    while pos < len(text):
        end = text.find(". ", pos)
        end = len(text) if end < 0 else end + 1
        out.append((pos, end, text[pos:end]))
        pos = end + 1
    return out


def test_span_check_is_linear_on_a_4mb_one_line_article():
    text = SENTENCE * (4_000_000 // len(SENTENCE))
    spans = sentence_spans(text)
    assert len(spans) > 100_000
    tables = tables_for(text, spans)
    t = time.perf_counter()
    clean, quarantine, report = validate(tables, "r", max_failure_share=1.0, as_of=dt.datetime(2026, 1, 1))
    elapsed = time.perf_counter() - t
    assert elapsed < 10, elapsed                       # was 28.6 s (4 MB) and 512 s (15 MB): quadratic
    assert clean["sentences"].height == len(spans)
    assert quarantine.filter(pl.col("check").str.starts_with("span")).height == 0


def test_span_failures_keep_their_details():
    text = "نص عربي قصير جدا. وجملة ثانية."
    spans = [(0, 17, text[:17]), (18, 30, "شيء آخر"), (18, 99, text[18:]), (-1, 3, "x")]
    clean, quarantine, _ = validate(tables_for(text, spans), "r", max_failure_share=1.0,
                                    as_of=dt.datetime(2026, 1, 1))
    spans_q = {r["row_key"]: r["detail"] for r in quarantine.filter(pl.col("check") == "span:start..end").iter_rows(named=True)}
    assert spans_q == {
        "art_1|1": f"text[18:30] = '{text[18:30]}' != text 'شيء آخر'",
        "art_1|2": "span 18..99 outside the article text",
        "art_1|3": "span -1..3 outside the article text",
    }
    assert clean["sentences"]["sentence_idx"].to_list() == [0]


def test_a_check_that_raises_is_quarantined_not_fatal(monkeypatch):
    def boom(name, df):
        if name == "articles":
            raise ValueError("synthetic")
        return []

    monkeypatch.setattr(validate_mod, "text_checks", boom)
    text = "نص عربي قصير جدا. وجملة ثانية."
    clean, quarantine, _ = validate(tables_for(text, sentence_spans(text)), "r", as_of=dt.datetime(2026, 1, 1))
    assert clean["articles"].height == 1
    r = quarantine.filter(pl.col("check") == "validate_error:text").row(0, named=True)
    assert r["table"] == "articles" and r["row_key"] == "<text checks>"
    assert r["detail"] == "validate: ValueError: synthetic (raised in boom)"
