"""Property: generated Arabic-like text never makes ingest -> dedupe -> segment -> validate raise.

Text is built from pieces news pages really hold (quotes, brackets, Arabic-Indic and superscript
digits, dates, Latin, tashkeel, tatweel, empty and one-word sentences, very long sentences) plus
lone surrogates, and is written as .txt (surrogates as invalid UTF-8 bytes), .jsonl and .json
(surrogates as \\ud800 escapes). Entities and events (owned elsewhere) are run read-only: an
exception there is recorded (printed and appended to $AKHBAR_PROPERTY_REPORT if set), not failed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.config import PipelineConfig
from tasks.dedupe import dedupe
from tasks.ingest import ingest_folder
from tasks.segment import segment_blocks
from tasks.validate import validate

WORDS = ["قال", "الوزير", "بغداد", "الحكومة", "الولايات", "المتحدة", "الولاياتالمتحدة", "جنوبالمدينة", "مقتل",
         "أكثر", "من", "شخصا", "في", "غارة", "جوية", "على", "ريف", "دمشق", "وكالة", "رويترز", "أ ف ب", "صحيفة",
         "الوطن", "مُحَمَّد", "عـــاجل", "لا", "ﻻ", "إن", "سورية", "العراق", "الأمم", "المتحدة", "يوم", "الأحد"]
PIECES = ["«", "»", "\"", "'", "(", ")", "[", "]", "{", "}", "،", "؛", "؟", ".", "!", "…", ":", "-", "–", "|", "/",
          "³", "²", "¹", "١٢", "٢٠١٧", "۳", "19/4/2017", "2017-04-19", "4 نيسان 2017", "الساعة 10:30",
          "U.S.", "Reuters", "ISIS", "ايلول/سبتمبر", "%", "٪", "\u200f", "\u200c", "\ufeff", "\u0640",
          "\u2028", "\u0085", "\t", "  ", "\n", "\n\n", "\n\n\n", "\ud800", "\udfff", "\udc80", "😀", "🇸🇾"]
token = st.one_of(st.sampled_from(WORDS), st.sampled_from(PIECES),
                  st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), min_size=1,
                          max_size=12),
                  st.integers(0, 10**12).map(str))
sentence = st.one_of(
    st.just(""),
    st.sampled_from(WORDS),                                                    # one-word sentence
    st.lists(token, min_size=1, max_size=30).map(" ".join),
    st.lists(st.sampled_from(WORDS), min_size=200, max_size=600).map(" ".join),  # very long sentence
    st.integers(50, 3000).map(lambda n: "ب" * n),                              # one very long "word"
)
document = st.lists(sentence, min_size=0, max_size=12).map(lambda ss: "".join(
    s + (". " if i % 3 else "\n") for i, s in enumerate(ss)))

FAILURES: list[str] = []


def _report(stage: str, docs: list[str], exc: BaseException) -> None:
    line = json.dumps({"stage": stage, "docs": docs, "error": "".join(traceback.format_exception_only(exc)).strip(),
                       "where": traceback.extract_tb(exc.__traceback__)[-1].name if exc.__traceback__ else "?"},
                      ensure_ascii=True)
    FAILURES.append(line)
    print("PROPERTY-FAILURE", line)
    path = os.environ.get("AKHBAR_PROPERTY_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def write_inputs(folder: Path, docs: list[str]) -> None:
    for i, text in enumerate(docs):
        kind = i % 3
        if kind == 0:
            (folder / f"d{i}.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
        elif kind == 1:
            (folder / f"d{i}.jsonl").write_text(json.dumps({"text": text, "title": text[:20]}) + "\n", encoding="ascii")
        else:
            (folder / f"d{i}.json").write_text(json.dumps([{"text": text, "date": text[-12:]}]), encoding="ascii")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(document, min_size=1, max_size=4))
def test_generated_text_never_makes_the_stages_raise(docs):
    cfg = PipelineConfig(min_arabic_ratio=0.0)      # let mixed-script text through to the later stages
    with tempfile.TemporaryDirectory(prefix="akhbar-prop-") as tmp:
        folder = Path(tmp)
        write_inputs(folder, docs)
        documents = ingest_folder(folder, "p", cfg)
        assert documents.height >= len(docs)
        assert set(documents["status"]) <= {"ok", "rejected"}
        for col in ("source_path", "text", "reason", "meta_title", "meta_date"):   # every string encodes
            for v in documents[col].drop_nulls():
                v.encode("utf-8")
        documents, segments, blocks = dedupe(documents, "p", cfg)
        articles, sentences, rejected = segment_blocks(blocks, "p")
        assert not rejected.filter(rejected["check"] == "segment_error").height, rejected.to_dicts()
        from tasks.entities import build_catalog, extract_entities
        from tasks.events import extract_events

        entities = events = None
        try:
            entities = extract_entities(articles, sentences, "p")
        except Exception as exc:
            _report("extract_entities", docs, exc)
        if entities is not None:
            try:
                events = extract_events(articles, sentences, entities, "p")
            except Exception as exc:
                _report("extract_events", docs, exc)
        if entities is not None and events is not None:
            tables = dict(documents=documents, segments=segments, articles=articles, sentences=sentences,
                          entities=entities, entity_catalog=build_catalog(entities, "p"), events=events)
            clean, quarantine, report = validate(tables, "p", max_failure_share=1.0, as_of=dt.datetime(2026, 12, 6))
            assert not quarantine.filter(quarantine["check"].str.starts_with("validate_error")).height
