"""A block that yields no article is reported as a quarantine row, not dropped."""

import polars as pl

from akhbar.contracts import SCHEMAS
from tasks.segment import segment_blocks


def test_furniture_only_block_becomes_a_quarantine_row():
    blocks = pl.DataFrame({"block_id": ["b_furniture", "b_story"], "doc_ids": [["d1"], ["d2"]],
                           "text": ["مشاركة :\nزر الذهاب إلى الأعلى", "قالت مصادر أمنية إن القوات دخلت المدينة."],
                           "meta_title": [None, None], "meta_date": [None, None],
                           "meta_source": [None, None], "meta_url": [None, None]},
                          schema_overrides={c: pl.String for c in ("meta_title", "meta_date", "meta_source", "meta_url")})
    articles, sentences, rejected = segment_blocks(blocks, "r")
    assert articles.height == 1
    assert rejected["row_key"].to_list() == ["b_furniture"]
    assert rejected["detail"][0].startswith("no article text")
    assert set(SCHEMAS["quarantine"].names) <= set(rejected.columns)
