"""Segment: clean blocks -> articles (title + body + metadata), paragraphs, sentences, tokens.

Decision (documented in docs/segment.md): the article `text` begins with the
title paragraph, so every span of every table indexes one string,
`articles.text`, and extraction reads headlines like any other sentence.
"""

from __future__ import annotations

import re

import polars as pl
from prefect import task

from akhbar.arabic import normalize, normalize_for_hash
from akhbar.contracts import SCHEMAS
from akhbar.ids import stable_id

# --- sentences ---------------------------------------------------------------
# A sentence ends at . ! ? ؟ … (one or more) followed by space/closing quote or end,
# never at ، ؛ :. Decimals (3.5), dates (12/3/2017) and dotted abbreviations
# (أ.ب) are protected because the full stop must be followed by whitespace or
# the end of the paragraph.
_CLOSERS = "\"'»”’)]"
SENTENCE_END = re.compile(r"(?:\.{2,}|[.!?؟…]+)[" + re.escape(_CLOSERS) + r"]*(?=\s|$)")
PARAGRAPH = re.compile(r"[^\n]+")

# --- tokens ------------------------------------------------------------------
TOKEN = re.compile(r"\d+(?:[.,٫٬/:]\d+)*%?|[\w\u064B-\u065F\u0670\u0640]+|[^\w\s]", re.UNICODE)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) spans, stripped of surrounding spaces."""
    spans = []
    for m in PARAGRAPH.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], in order, non-overlapping, whitespace-trimmed."""
    end = len(text) if end is None else end
    spans, s = [], start
    for m in SENTENCE_END.finditer(text, start, end):
        spans.append((s, m.end()))
        s = m.end()
    spans.append((s, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Token spans in text[start:end]."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]


def token_frame(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised form) for each token of text."""
    return [(a, b, normalize(text[a:b])) for a, b in tokenize(text)]


# --- articles ----------------------------------------------------------------
def looks_like_title(par: str) -> bool:
    """A headline: short, one line, not ending like a sentence."""
    words = par.split()
    return 1 < len(words) <= 25 and not par.rstrip().endswith((".", "…", "،", ":"))


def build_article(block: dict, run_id: str) -> tuple[dict, list[dict]]:
    text = block["text"].strip()
    paragraphs = split_paragraphs(text)
    title = None
    body_start = 0
    if len(paragraphs) > 1 and looks_like_title(text[paragraphs[0][0]:paragraphs[0][1]]):
        title = text[paragraphs[0][0]:paragraphs[0][1]]
        body_start = paragraphs[1][0]
    article_id = stable_id("art", normalize_for_hash(text))
    sentences = []
    for p_idx, (ps, pe) in enumerate(paragraphs):
        for ss, se in split_sentences(text, ps, pe):
            sentences.append(dict(article_id=article_id, sentence_idx=len(sentences), paragraph_idx=p_idx,
                                  start=ss, end=se, text=text[ss:se], run_id=run_id))
    article = dict(article_id=article_id, doc_ids=list(block["doc_ids"]), title=title or block.get("meta_title"),
                   subtitle=None, text=text, body_start=body_start, section=None, published_date=None,
                   date_precision="unknown", source=block.get("meta_source"), agency=None, dateline=None,
                   captions=[], n_paragraphs=len(paragraphs), n_sentences=len(sentences), run_id=run_id)
    return article, sentences


def merge_articles(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """One row per article_id; the doc_ids of every block that produced it are merged."""
    arts = pl.concat(frames, how="vertical")
    if arts.is_empty():
        return arts
    cols = arts.columns
    return (arts.group_by("article_id", maintain_order=True)
            .agg(pl.all().exclude("doc_ids").first(),
                 pl.col("doc_ids").list.explode(keep_nulls=False, empty_as_null=False).unique().sort())
            .select(cols).sort("article_id"))


def segment(blocks: pl.DataFrame, run_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    articles, sentences = [], []
    for block in blocks.iter_rows(named=True):
        a, s = build_article(block, run_id)
        articles.append(a)
        sentences.extend(s)
    art_schema = pl.from_arrow(SCHEMAS["articles"].empty_table()).schema
    sen_schema = pl.from_arrow(SCHEMAS["sentences"].empty_table()).schema
    arts = pl.DataFrame(articles, schema=art_schema) if articles else pl.DataFrame(schema=art_schema)
    # The same article text can come from two blocks (e.g. a shared segment): merge their doc_ids.
    arts = merge_articles([arts])
    sens = pl.DataFrame(sentences, schema=sen_schema) if sentences else pl.DataFrame(schema=sen_schema)
    sens = sens.unique(["article_id", "sentence_idx"], keep="first").sort("article_id", "sentence_idx")
    return arts, sens


@task(name="segment")
def segment_task(blocks: pl.DataFrame, run_id: str):
    return segment(blocks, run_id)
