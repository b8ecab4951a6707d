"""Publication dates from every common record field, RSS dates, HTML meta / JSON-LD and URL paths
(tasks/ingest.py meta_date), and on to the article's published_date. Texts written for these tests."""

import json
from pathlib import Path

from akhbar.config import PipelineConfig
from tasks.ingest import ingest_folder, meta_date

STORY = ("قصفت الطائرات مواقع المسلحين في شمال المدينة صباح اليوم وقتل خمسة منهم حسب مصادر محلية. "
         "وقال مسؤول في المدينة إن القصف استمر ساعات طويلة قبل أن يتوقف مع حلول المساء.")


def test_meta_date_forms():
    assert meta_date(None, "https://example.com/news/2017/04/19/story.html") == "2017-04-19"
    assert meta_date(None, "https://example.com/2017-4-9/x") == "2017-04-09"
    assert meta_date("Wed, 19 Apr 2017 10:00:00 GMT", None) == "2017-04-19"
    assert meta_date("2020-01-02", "https://example.com/2017/04/19/x") == "2020-01-02"   # the field wins
    assert meta_date(None, "https://example.com/item/12345") is None
    assert meta_date("", None) is None
    assert meta_date(" 2020-01-02 ", None) == " 2020-01-02 "                         # kept as given


def test_record_date_fields(tmp_path: Path):
    records = [{"text": STORY, "date_extracted": "2019-05-03"},
               {"text": STORY + " 1", "datePublished": "2018-02-01T09:00:00Z"},
               {"text": STORY + " 2", "pubDate": "Tue, 06 Mar 2018 08:00:00 +0000"},
               {"text": STORY + " 3", "url": "https://example.com/ar/2016/11/30/item"},
               {"text": STORY + " 4", "published_time": "2015-07-07"}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    docs = ingest_folder(tmp_path, "r", PipelineConfig()).sort("record_idx")
    assert docs["meta_date"].to_list() == ["2019-05-03", "2018-02-01T09:00:00Z", "2018-03-06", "2016-11-30",
                                           "2015-07-07"]


def test_html_meta_and_json_ld(tmp_path: Path):
    page = ("<html><head>{head}<title>خبر</title></head><body><article><p>" + STORY + "</p></article></body></html>")
    (tmp_path / "meta.html").write_text(page.format(
        head='<meta property="article:published_time" content="2017-04-19T10:00:00Z">'), encoding="utf-8")
    (tmp_path / "ld.html").write_text(page.format(
        head='<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2018-03-02T08:00:00Z"}'
             '</script>'), encoding="utf-8")
    docs = {r["source_path"]: r["meta_date"] for r in ingest_folder(tmp_path, "r", PipelineConfig()).iter_rows(named=True)}
    assert docs["meta.html"].startswith("2017-04-19")
    assert docs["ld.html"].startswith("2018-03-02")
