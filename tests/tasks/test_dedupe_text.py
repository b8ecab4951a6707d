"""tasks/dedupe_text.py: dedupe over documents without their text (read from ingest's file a batch at a
time) gives the in-memory dedupe's tables.

Pages written here (made-up places, outside every batch and dev set): a long flood report and its
re-scrape with one word changed (a near duplicate: the candidates' lines are rebuilt from the file),
an exact copy (a whole-document cut: its length from CHARS), a page sharing a caption."""

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import tasks.dedupe as dedupe_module
import tasks.dedupe_blocks as blocks_module
from tasks.dedupe import dedupe_with_index
from tasks.dedupe_text import CHARS, ROW, Texts, texts_at, without_text
from tasks.ingest import ingest_folder
from tasks.ingest import documents_order
from tasks.ingest_file import ingest_to_file

FLOOD = [
    "أعلنت السلطات المحلية في بلدة عين الصفصاف حالة الطوارئ بعد فيضان النهر الصغير ليلة الخميس.",
    "وقال رئيس البلدية في مؤتمر صحفي إن المياه غمرت ثلاثة أحياء سكنية ومدرسة ابتدائية.",
    "وأوضح أن فرق الإنقاذ نقلت أكثر من مئتي شخص إلى قاعة الرياضة في وسط البلدة.",
    "وأشار إلى أن الطريق المؤدي إلى القرى الجبلية مقطوع منذ الفجر بسبب انهيار جزء من الجسر.",
    "وطالب سكان الحي الشرقي بتعويضات عن الأضرار التي لحقت بمحالهم التجارية ومخازن الحبوب.",
    "ويتوقع خبراء الأرصاد استمرار الأمطار حتى نهاية الأسبوع مع انخفاض في درجات الحرارة.",
    "وكانت البلدة قد شهدت فيضانا مماثلا قبل عشر سنوات أدى إلى خسائر كبيرة في المحاصيل.",
]
OTHER = [
    "افتتح متحف صغير للحرف اليدوية في مدينة المرجان يعرض أدوات النسيج والفخار القديمة.\nوقالت مديرة المتحف إن الدخول مجاني طوال الشهر الأول.",
    "فاز فريق مدرسة الأمل بالمركز الأول في مسابقة الروبوتات الإقليمية التي أقيمت في جامعة الوادي.\nوشارك في المسابقة أربعون فريقا.",
]
CAPTION = "الصورة: أرشيف الجريدة المحلية"


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    flood = "\n".join(FLOOD)
    rescrape = flood.replace("ثلاثة أحياء", "أربعة أحياء")
    records = [dict(title="فيضان", url="https://example.test/f", text=flood),
               dict(title="فيضان", url="https://example.test/f2", text=rescrape),
               dict(title="متحف", url="https://example.test/m", text=OTHER[0] + "\n" + CAPTION),
               dict(title="متحف", url="https://example.test/m2", text=OTHER[0] + "\n" + CAPTION),
               dict(title="روبوت", url="https://example.test/r", text=OTHER[1] + "\n" + CAPTION)]
    (folder / "news.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (folder / "page.txt").write_text(OTHER[1] + "\nقال المدرب إن الفريق تدرب ثلاثة أشهر.", encoding="utf-8")
    return folder


def test_texts_at_reads_any_rows_in_the_order_asked(tmp_path):
    frame = pl.DataFrame({"text": [f"نص رقم {i}" for i in range(11)], "n": list(range(11))})
    frame.write_parquet(tmp_path / "t.parquet", row_group_size=3)
    rows = np.array([10, 0, 4, 4, 7, 1])
    assert texts_at(str(tmp_path / "t.parquet"), rows).to_list() == [f"نص رقم {i}" for i in rows]
    assert texts_at(str(tmp_path / "t.parquet"), np.array([], dtype=np.int64)).to_list() == []
    held = without_text(str(tmp_path / "t.parquet"), ["text", "n"])
    assert held.columns == ["n", ROW, CHARS] and held[CHARS].to_list() == frame["text"].str.len_chars().to_list()


@pytest.mark.parametrize("batch", [1, 2, 2_000])
def test_dedupe_from_the_file_equals_dedupe_in_memory(tmp_path, monkeypatch, batch):
    monkeypatch.setattr(dedupe_module, "DOC_BATCH", batch)
    monkeypatch.setattr(blocks_module, "PAGE_BATCH_DOCS", batch)
    monkeypatch.setattr(blocks_module, "SLICE_BLOCKS", batch)
    corpus = write_corpus(tmp_path / "in")
    whole = dedupe_with_index(ingest_folder(corpus, "r"), "r")
    path = ingest_to_file(corpus, "r", tmp_path / "ingested.parquet", group_rows=2)
    held = documents_order(without_text(path, list(pl.read_parquet_schema(path))))
    lazy = dedupe_with_index(held, "r", texts=Texts(path))
    assert "text" not in lazy[0].columns
    assert lazy[0].drop(ROW, CHARS).equals(whole[0].drop("text"))
    for a, b in zip(lazy[1:], whole[1:]):          # segments, blocks, dedupe_index
        assert a.equals(b)
    statuses = dict(whole[0].group_by("status").len().iter_rows())
    assert statuses.get("near_duplicate") == 1 and statuses.get("duplicate") == 1   # both paths read the file
