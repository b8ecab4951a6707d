"""Dedupe: an exception while handling one document rejects that document, not the run."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import tasks.dedupe as dedupe_mod
from tasks.dedupe import dedupe
from tasks.ingest import ingest_folder

STORY = "قال الوزير في بغداد اليوم إن الحكومة العراقية ستعقد اجتماعا لبحث الأوضاع الأمنية في المحافظات الشمالية."


def test_one_document_raising_in_dedupe_is_rejected(tmp_path: Path, monkeypatch):
    (tmp_path / "a.txt").write_text(STORY + "\nقنبلة")
    (tmp_path / "a_copy.txt").write_text(STORY + "\nقنبلة")      # exact duplicate of the bad one
    (tmp_path / "b.txt").write_text("خبر آخر تماما عن الطقس في دمشق حيث هطلت أمطار غزيرة على المدينة أمس.")
    real = dedupe_mod.line_keys

    def boom(text):
        if "قنبلة" in text:
            raise UnicodeError("synthetic")
        return real(text)

    monkeypatch.setattr(dedupe_mod, "line_keys", boom)
    documents, segments, blocks = dedupe(ingest_folder(tmp_path, "r"), "r")
    by = {r["source_path"]: r for r in documents.iter_rows(named=True)}
    assert by["a.txt"]["status"] == "rejected"
    assert by["a.txt"]["reason"] == "dedupe error: UnicodeError: synthetic (raised in boom)"
    assert by["a_copy.txt"]["status"] == "rejected"          # its own keys raise too; not a duplicate of a.txt
    assert by["b.txt"]["status"] == "ok"
    assert blocks.height == 1 and blocks["doc_ids"][0].to_list() == [by["b.txt"]["doc_id"]]


def test_lost_line_structure_rejects_the_document(tmp_path: Path, monkeypatch):
    (tmp_path / "a.txt").write_text(STORY + "\n" + STORY + " ثانية")
    (tmp_path / "b.txt").write_text("خبر آخر تماما عن الطقس في دمشق حيث هطلت أمطار غزيرة على المدينة أمس.")
    real = dedupe_mod.line_keys
    monkeypatch.setattr(dedupe_mod, "line_keys", lambda t: real(t).replace("\n", " ") if "ثانية" in t else real(t))
    documents, _, blocks = dedupe(ingest_folder(tmp_path, "r"), "r")
    reasons = dict(zip(documents["source_path"], documents["reason"]))
    assert reasons["a.txt"].startswith("dedupe error: ValueError: normalised text lost its line structure")
    assert documents.filter(pl.col("status") == "ok")["source_path"].to_list() == ["b.txt"]
