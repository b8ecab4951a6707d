"""Dedupe: each kind of cut, the Blinken shared segment, nothing lost, rebuildable offsets.

Fixtures are built from the seeds in tmp_path: the Blinken story is the tail of seed 004
(after the four newlines) appended to pages made of other seeds.
"""

import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar.text.normalise import normalize_for_hash
from akhbar.config import PipelineConfig
from flows.local import run_stages
from tasks.dedupe import (document_parts, jaccard, kept_spans, lsh_pairs, merge_blocks, minhash,
                          rebuild_document, dedupe)
from tasks.ingest import ingest_folder
from tests.conftest import SEEDS, seed_text

HEAD_004, _, TAIL_004 = seed_text("004").partition("\n\n\n\n")
BLINKEN = TAIL_004.strip("\n")
BLINKEN_LINES = {normalize_for_hash(x) for x in BLINKEN.split("\n") if len(x.split()) >= 5}


def story_lines(text: str) -> list[str]:
    return [normalize_for_hash(x) for x in text.split("\n") if len(x.split()) >= 5]


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def blinken_corpus(folder: Path) -> list[str]:
    """Seeds 000-003 each with the Blinken story appended, plus seed 004 itself."""
    names = []
    for p in sorted(SEEDS.glob("00[0-3]_*.txt")):
        write(folder, "site/" + p.name, p.read_text(encoding="utf-8").rstrip("\n") + "\n\n\n\n" + BLINKEN + "\n")
        names.append("site/" + p.name)
    shutil.copy(next(SEEDS.glob("004_*.txt")), folder / "004.txt")
    return names + ["004.txt"]


def run(folder: Path, cfg: PipelineConfig | None = None):
    return dedupe(ingest_folder(folder, "r", cfg), "r", cfg)


def assert_rebuildable(docs: pl.DataFrame, segments: pl.DataFrame) -> None:
    for r in docs.filter(pl.col("text").is_not_null()).iter_rows(named=True):
        cuts = segments.filter(pl.col("doc_id") == r["doc_id"])
        assert rebuild_document(document_parts(r["text"], cuts)) == r["text"]


# --- seeds alone -------------------------------------------------------------------
def test_seeds_nothing_lost_and_004_collapsed(seeds_dir):
    docs, segments, blocks = run(seeds_dir)
    assert set(docs["status"]) == {"ok"} and blocks.height == 5
    block_text = "\n".join(normalize_for_hash(t) for t in blocks["text"])
    for p in sorted(seeds_dir.glob("*.txt")):  # every story line of every seed is in a block
        for line in story_lines(p.read_text(encoding="utf-8")):
            assert line in block_text
    text_004 = blocks.filter(pl.col("text").str.starts_with("مصادر عراقية"))["text"][0]
    headline, caption = HEAD_004.split("\n")[0], HEAD_004.split("\n")[4]
    assert text_004.count(headline) == 1 and text_004.count(caption) == 1
    assert text_004.count("أنتوني بلينكن يستقل طائرته") == 1
    assert text_004.count("TT") == 2  # story markers are kept (segment may read them)
    assert "4/19/2017" in "\n".join(blocks["text"])  # a date bullet is never cut
    kinds = segments.group_by("kind").len()
    assert set(kinds["kind"]) == {"repeated_line", "boilerplate"}
    assert_rebuildable(docs, segments)


def test_boilerplate_cuts_on_seeds(seeds_dir):
    docs, segments, _ = run(seeds_dir)
    texts = dict(zip(docs["doc_id"], docs["text"]))
    cut = [texts[d][s:e].strip() for d, s, e, k in segments.select("doc_id", "start", "end", "kind").iter_rows()
           if k == "boilerplate"]
    assert "زر الذهاب إلى الأعلى" in cut and "news-picture" in cut and "مشاركة :" in cut
    assert any(c.startswith("• 5") for c in cut)


# --- shared segment ----------------------------------------------------------------------
def test_blinken_shared_segment_kept_once(tmp_path):
    names = blinken_corpus(tmp_path)
    docs, segments, blocks = run(tmp_path)
    assert set(docs["status"]) == {"ok"}  # different stories: not near-duplicates of each other
    carriers = set(docs["doc_id"])
    holding = blocks.filter(pl.col("text").map_elements(
        lambda t: any(x in normalize_for_hash(t) for x in BLINKEN_LINES), return_dtype=pl.Boolean))
    assert holding.height == 1 and set(holding["doc_ids"][0]) == carriers
    shared = segments.filter(pl.col("kind") == "shared")
    assert set(shared["doc_id"]) == carriers and shared["canonical_id"].n_unique() == 1
    assert shared["canonical_id"][0] == holding["block_id"][0]
    assert len(names) == docs.height
    assert_rebuildable(docs, segments)


def test_blinken_articles_hold_it_once(tmp_path):
    blinken_corpus(tmp_path)
    tables = run_stages(tmp_path)
    docs, articles = tables["documents"], tables["articles"]
    with_blinken = [r for r in articles.iter_rows(named=True)
                    if any(x in normalize_for_hash(r["text"]) for x in BLINKEN_LINES)]
    assert len(with_blinken) == 1
    assert set(with_blinken[0]["doc_ids"]) == set(docs["doc_id"])
    other = articles.filter(pl.col("article_id") != with_blinken[0]["article_id"])
    sentences = tables["sentences"].filter(pl.col("article_id") == with_blinken[0]["article_id"])
    for t in other["text"]:
        for s in sentences["text"]:
            if len(s.split()) >= 4:
                assert normalize_for_hash(s) not in normalize_for_hash(t)


def test_long_shared_tail_does_not_make_pages_near_duplicates(tmp_path):
    # short stories + a long common tail: Jaccard of the pages exceeds the threshold, but the
    # lines they do not share differ completely, so both stories stay and the tail is shared.
    a, b = seed_text("001").split("\n")[0], seed_text("000")[:300]
    write(tmp_path, "a.txt", a + "\n\n" + BLINKEN)
    write(tmp_path, "b.txt", b + "\n\n" + BLINKEN)
    docs, segments, blocks = run(tmp_path, PipelineConfig(block_min_words=5))
    assert set(docs["status"]) == {"ok"}
    assert blocks.height == 3
    assert segments.filter(pl.col("kind") == "shared")["doc_id"].n_unique() == 2
    # without the residual check the same pair is (wrongly) a near-duplicate: the veto is what works
    docs, _, _ = run(tmp_path, PipelineConfig(block_min_words=5, near_dup_residual_min_shingles=10**9))
    assert docs.sort("source_path")["status"].to_list() == ["ok", "near_duplicate"]


def test_page_left_with_a_headline_only_is_residue(tmp_path):
    write(tmp_path, "a.txt", "عنوان قصير جدا\n\n" + BLINKEN)
    write(tmp_path, "b.txt", seed_text("002") + "\n\n" + BLINKEN)
    docs, segments, blocks = run(tmp_path)
    residue = segments.filter(pl.col("reason").str.starts_with("residue"))
    assert residue.height == 1 and residue["kind"][0] == "boilerplate"  # no new kind: validate knows these
    assert blocks.height == 2  # page b and the shared story; the lone headline is logged, not an article
    assert_rebuildable(docs, segments)


# --- duplicates ------------------------------------------------------------------------------
def near_copy(text: str) -> str:
    words = text.split(" ")
    for i in (40, 90, 150):
        words[i] = "كلمة"
    return " ".join(words) + "\nجميع الحقوق محفوظة لموقع آخر"


def test_near_duplicate_clustered_and_listed(tmp_path):
    for p in sorted(SEEDS.glob("00[0-3]_*.txt")):
        shutil.copy(p, tmp_path / p.name)
    write(tmp_path, "zz_rescrape.txt", near_copy(seed_text("001")))
    docs, segments, blocks = run(tmp_path)
    near = docs.filter(pl.col("status") == "near_duplicate")
    canon = docs.filter(pl.col("source_path").str.starts_with("001"))
    assert near["source_path"].to_list() == ["zz_rescrape.txt"]
    assert near["duplicate_of"][0] == canon["doc_id"][0]
    assert near["cluster_id"][0] == canon["cluster_id"][0] is not None
    assert 0.7 <= near["similarity"][0] < 1 and canon["similarity"][0] == 1.0
    assert near["reason"][0].startswith("near duplicate")
    cut = segments.filter(pl.col("doc_id") == near["doc_id"][0])
    assert cut["kind"].to_list() == ["near_duplicate_doc"] and cut["end"][0] == len(near["text"][0])
    assert segments.filter(pl.col("kind") == "shared").height == 0  # not cut line by line
    block = blocks.filter(pl.col("block_id") == canon["doc_id"][0])
    assert set(block["doc_ids"][0]) == {canon["doc_id"][0], near["doc_id"][0]}
    assert blocks.height == 4


def test_duplicate_of_near_duplicate_resolves_to_canonical(tmp_path):
    write(tmp_path, "a.txt", seed_text("000"))
    write(tmp_path, "b.txt", near_copy(seed_text("000")))
    write(tmp_path, "c.txt", near_copy(seed_text("000")))
    docs, _, blocks = run(tmp_path)
    assert docs.sort("source_path")["status"].to_list() == ["ok", "near_duplicate", "duplicate"]
    assert blocks.height == 1 and len(blocks["doc_ids"][0]) == 3


def test_furniture_by_frequency(tmp_path):
    paragraphs = [x for s in ("000", "001", "003") for x in seed_text(s).split("\n") if len(x.split()) > 12]
    for i in range(6):
        write(tmp_path, f"p{i}.txt", "\n".join(paragraphs[3 * i:3 * i + 3])
              + "\n  • 4/19/2017\nTT\nصحيفة الوطن اليومية")
    docs, segments, blocks = run(tmp_path)
    texts = dict(zip(docs["doc_id"], docs["text"]))
    furniture = segments.filter(pl.col("reason").str.contains("short line found in 6 documents"))
    assert {texts[d][s:e].strip() for d, s, e in furniture.select("doc_id", "start", "end").iter_rows()} \
        == {"صحيفة الوطن اليومية"}
    assert all("4/19/2017" in t and "TT" in t for t in blocks["text"])  # dates and markers are kept
    docs, segments, _ = run(tmp_path, PipelineConfig(furniture_min_docs=7))
    assert segments.filter(pl.col("kind") == "boilerplate").height == 0


def test_deterministic_whatever_the_row_order(tmp_path):
    blinken_corpus(tmp_path)
    write(tmp_path, "zz.txt", near_copy(seed_text("001")))
    documents = ingest_folder(tmp_path, "r")
    a = dedupe(documents, "r")
    b = dedupe(documents.reverse(), "r")
    for x, y in zip(a, b):
        assert x.sort(x.columns[0:3]).equals(y.sort(y.columns[0:3]))


# --- pieces ----------------------------------------------------------------------------------
def test_merge_blocks_unites_doc_ids():
    blocks = pl.DataFrame({"block_id": ["b2", "b1", "b3"], "doc_ids": [["d2"], ["d1"], ["d3"]],
                           "text": ["نصٌّ واحد", "نص واحد", "نص آخر"], "meta_title": [None, None, None],
                           "meta_date": [None] * 3, "meta_source": [None] * 3, "meta_url": [None] * 3})
    merged = merge_blocks(blocks).sort("block_id")
    assert merged["block_id"].to_list() == ["b1", "b3"]
    assert merged["doc_ids"].to_list() == [["d1", "d2"], ["d3"]]


def test_minhash_estimates_jaccard_and_lsh_finds_similar_pairs():
    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**63, size=400, dtype=np.uint64)
    near = base.copy()
    near[:40] = rng.integers(0, 2**63, size=40, dtype=np.uint64)
    other = rng.integers(0, 2**63, size=400, dtype=np.uint64)
    sh = np.concatenate([base, near, other])
    doc = np.repeat(np.arange(3), 400)
    sig = minhash(sh, doc, 3, 128)
    true = jaccard(np.unique(base), np.unique(near))
    assert abs((sig[0] == sig[1]).mean() - true) < 0.15
    assert (sig[0] == sig[2]).mean() < 0.1
    assert lsh_pairs(sig, 32, 100).tolist() == [[0, 1]]


def test_minhash_is_the_same_in_any_chunking_and_all_max_for_a_document_without_shingles():
    rng = np.random.default_rng(1)
    sh = rng.integers(0, 2**63, size=900, dtype=np.uint64)
    doc = np.repeat(np.array([0, 1, 3]), 300)          # document 2 has no shingle
    whole = minhash(sh, doc, 4, 64)
    assert (minhash(sh, doc, 4, 64, chunk_docs=1) == whole).all()
    assert (whole[2] == np.iinfo(np.uint32).max).all() and not (whole[[0, 1, 3]] == np.iinfo(np.uint32).max).any()
    assert whole.dtype == np.uint32 and whole.shape == (4, 64)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([
    "سطر عربي أول من القصة", "زر الذهاب إلى الأعلى", "", "  • 5", "TT", "سطر ثان فيه أرقام 12/3/2017",
    "سطر ثالث يتكرر في الصفحة نفسها", "مشاركة :", "   ", "Latin line"]), min_size=1, max_size=25))
def test_cuts_and_kept_parts_rebuild_any_page(lines):
    text = "\n".join(lines)
    frame = pl.DataFrame({"doc_id": ["d"], "source_path": ["x.txt"], "record_idx": [None], "content_sha256": ["h"],
                          "norm_sha256": ["n"], "status": ["ok"], "reason": [None], "duplicate_of": [None],
                          "cluster_id": [None], "similarity": [None], "text": [text], "meta_title": [None],
                          "meta_date": [None], "meta_url": [None], "meta_source": [None]},
                         schema_overrides={"record_idx": pl.Int32, "similarity": pl.Float64})
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c in ("reason", "duplicate_of", "cluster_id",
                                                                    "meta_title", "meta_date", "meta_url",
                                                                    "meta_source"))
    docs, segments, _ = dedupe(frame, "r")
    spans = list(zip(segments["start"], segments["end"]))
    kept_spans(len(text), spans)  # raises on overlap
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert rebuild_document(document_parts(text, segments)) == text


def test_rebuild_rejects_gaps():
    with pytest.raises(ValueError):
        rebuild_document([(0, "ab"), (3, "d")])
    with pytest.raises(ValueError):
        kept_spans(10, [(0, 5), (4, 6)])


def test_page_remainders_with_the_same_text_become_one_block(tmp_path):
    short = "سطر قصير أول هنا\nسطر قصير ثان هنا\nسطر ثالث قصير"  # lines too short to be shared
    story = seed_text("002")
    write(tmp_path, "a.txt", short + "\n\n" + BLINKEN)
    write(tmp_path, "b.txt", short + "\n\n" + story)
    write(tmp_path, "c.txt", BLINKEN + "\n\n" + story)
    docs, segments, blocks = run(tmp_path)
    ids = dict(zip(docs["source_path"], docs["doc_id"]))
    assert set(docs["status"]) == {"ok"}
    remainder = blocks.filter(pl.col("text") == short)
    assert remainder.height == 1 and set(remainder["doc_ids"][0]) == {ids["a.txt"], ids["b.txt"]}
    assert blocks.height == 3  # the two shared stories and the one remainder
    assert_rebuildable(docs, segments)


def test_one_shared_line_without_a_sentence_end_is_boilerplate(tmp_path):
    # Two different stories carry the same photo caption: a line the pages repeat, not a story.
    caption = "جنود عراقيون يتقدمون نحو مواقع المسلحين غرب المدينة القديمة صباح أمس (رويترز)"
    paragraph = "وقال مسؤول محلي إن القوات الأمنية فرضت حظرا للتجوال في الأحياء الشرقية حتى إشعار آخر."
    write(tmp_path, "a.txt", caption + "\n\n" + seed_text("000") + "\n\n" + paragraph)
    write(tmp_path, "b.txt", paragraph + "\n\n" + seed_text("002") + "\n\n" + caption)
    docs, segments, blocks = run(tmp_path)
    assert set(docs["status"]) == {"ok"}
    texts = dict(zip(docs["doc_id"], docs["text"]))
    cut_text = {texts[d][s:e].strip(): (k, r) for d, s, e, k, r in
                segments.select("doc_id", "start", "end", "kind", "reason").iter_rows()}
    kind, reason = cut_text[caption]
    assert kind == "boilerplate" and "carried by 2 documents" in reason
    assert segments.filter(pl.col("reason") == reason).height == 2          # logged in both pages
    # the shared sentence is still a shared segment, kept once as its own block
    assert cut_text[paragraph][0] == "shared"
    assert blocks.filter(pl.col("text") == paragraph).height == 1
    assert not any(caption in t for t in blocks["text"])
    assert_rebuildable(docs, segments)
    # a one-line segment long enough to be a story on its own stays shared
    _, segments, _ = run(tmp_path, PipelineConfig(shared_single_line_min_words=10))
    assert segments.filter(pl.col("kind") == "shared").height == 4


def test_near_duplicates_read_the_kept_lines_chunk_by_chunk_like_a_filtered_copy(tmp_path):
    """near_duplicate_clusters given the whole line table and `kept` (applied to each chunk of
    documents: no filtered copy of the corpus' lines) finds what it finds on the filtered copy, in
    any chunking, with signatures computed there or given."""
    from tasks.dedupe import (document_lines, line_table, mark_listed_boilerplate, mark_repeated_lines,
                              near_duplicate_clusters)

    for p in sorted(SEEDS.glob("00[0-3]_*.txt")):
        shutil.copy(p, tmp_path / p.name)
    write(tmp_path, "zz_rescrape.txt", near_copy(seed_text("001")))
    cfg = PipelineConfig()
    docs = (ingest_folder(tmp_path, "r", cfg).filter(pl.col("status") == "ok").sort("source_path")
            .with_row_index("doc_idx").with_columns(pl.col("doc_idx").cast(pl.Int64)))
    lines = mark_repeated_lines(mark_listed_boilerplate(line_table(docs)), cfg)
    kept = pl.col("kind").is_null() & ~pl.col("blank")
    assert lines.filter(~kept).height > 0                  # some lines are not read
    _, sig, _ = document_lines(docs.with_columns(pl.lit(None, pl.Binary).alias("_sig")), cfg)
    for chunk in (1, 2, 2_000):
        for given_sig in (None, sig):
            found = near_duplicate_clusters(lines.filter(kept), docs.height, cfg, given_sig, chunk_docs=chunk)
            assert found and near_duplicate_clusters(lines, docs.height, cfg, given_sig, chunk_docs=chunk,
                                                     kept=kept) == found


def test_line_table_sorted_only_when_it_is_not_already():
    """in_line_order: a table already in (doc_idx, line_idx) order is returned as it is (no copy);
    any other order is sorted; an empty or one-row table is in order."""
    from tasks.dedupe import in_line_order

    ordered = pl.DataFrame({"doc_idx": [0, 0, 0, 2, 2, 5], "line_idx": [0, 1, 4, 0, 1, 0], "key": list("abcdef")})
    assert in_line_order(ordered) is ordered
    for perm in ([1, 0, 2, 3, 4, 5], [3, 4, 5, 0, 1, 2], [0, 1, 2, 4, 3, 5]):
        shuffled = ordered[perm]
        out = in_line_order(shuffled)
        assert out is not shuffled and out.equals(ordered)
    assert in_line_order(ordered.head(1)) is not None and in_line_order(ordered.head(0)).height == 0


# Newly written pages (no data set): a long story, its re-scrape with three words changed and a
# footer, an unrelated story, and a page that repeats a caption and a paragraph of the first.
WRITTEN_FLOOD = "\n".join([
    "غمرت السيول صباح الثلاثاء أحياء واسعة من بلدة وادي السدر بعد أمطار غزيرة استمرت ست ساعات متواصلة.",
    "وقال رئيس المجلس البلدي سالم العتيبي إن المياه وصلت إلى الطوابق الأولى في أكثر من مئتي منزل.",
    "وأضاف أن فرق الدفاع المدني أجلت نحو ثلاثمئة أسرة إلى مدارس البلدة وقاعة الأفراح الكبرى.",
    "صورة من الأرشيف",
    "وأشار العتيبي إلى أن الطريق الرابط بين البلدة ومدينة رأس الحجر أغلق بالكامل بسبب انهيار جسر صغير.",
    "من جهتها أعلنت مديرية الصحة أن ثلاثة أشخاص أصيبوا بجروح طفيفة ونقلوا إلى المستشفى الميداني.",
    "وطالب سكان الحي الشرقي الحكومة بإرسال مضخات إضافية لسحب المياه من الشوارع والأقبية قبل حلول الليل.",
    "ويتوقع خبراء الأرصاد أن تتواصل الأمطار حتى مساء الخميس مع انخفاض ملحوظ في درجات الحرارة.",
    "وكانت البلدة قد شهدت فيضانا مماثلا قبل أحد عشر عاما ألحق أضرارا كبيرة بالمحاصيل الزراعية.",
    "وقالت المزارعة نورة الحارثي إن حقول القمح والشعير في السهل الجنوبي باتت مغمورة بالكامل.",
    "وتعهد محافظ المنطقة بصرف تعويضات عاجلة للأسر المتضررة خلال الأسبوعين المقبلين.",
])
WRITTEN_FIRE = "\n".join([
    "اندلع حريق كبير مساء الأحد في سوق الخضار المركزي ببلدة الريحان والتهم عشرات المحال التجارية.",
    "وقال شهود إن ألسنة اللهب ارتفعت عاليا قبل أن تتمكن ست سيارات إطفاء من السيطرة عليها بعد منتصف الليل.",
    "ولم تعلن السلطات عن سقوط ضحايا لكنها فتحت تحقيقا لمعرفة أسباب الحريق.",
])


def written_near_copy(text: str) -> str:
    words = text.split(" ")
    for i in (20, 60, 100):
        words[i] = "كلمة"
    return " ".join(words) + "\nجميع الحقوق محفوظة لموقع آخر"


def written_corpus(folder: Path) -> None:
    write(folder, "a_flood.txt", WRITTEN_FLOOD)
    write(folder, "b_flood_rescrape.txt", written_near_copy(WRITTEN_FLOOD))
    write(folder, "c_fire.txt", WRITTEN_FIRE)
    lines = WRITTEN_FLOOD.split("\n")
    write(folder, "d_fire_and_caption.txt", WRITTEN_FIRE + "\n" + lines[3] + "\n" + lines[5])
    write(folder, "e_school.txt", "افتتحت وزارة التربية مدرسة جديدة في قرية عين الزيتون تتسع لأربعمئة طالب.\n"
          "وقال مدير المدرسة إن الدراسة ستبدأ فيها مطلع الشهر المقبل بعد تجهيز المختبرات والمكتبة.")


def written_docs(folder: Path, cfg: PipelineConfig) -> pl.DataFrame:
    written_corpus(folder)
    return (ingest_folder(folder, "r", cfg).filter(pl.col("status") == "ok").sort("source_path")
            .with_row_index("doc_idx").with_columns(pl.col("doc_idx").cast(pl.Int64),
                                                    pl.lit(None, pl.Binary).alias("_sig")))


def test_the_corpus_line_table_carries_a_sentence_end_flag_not_the_line_keys(tmp_path):
    """document_lines drops each line's key (a normalised copy of the text) and keeps only what the
    corpus-wide passes read of it: whether it ends a sentence, equal to the rule on the key."""
    from tasks.dedupe import ENDS, SENTENCE_END, document_lines, marked_lines

    cfg = PipelineConfig()
    docs = written_docs(tmp_path, cfg)
    lines, _, bad = document_lines(docs, cfg)
    assert not bad and "key" not in lines.columns
    full = marked_lines(docs, cfg)              # the flag is set once, by line_table, from the keys
    assert full.get_column(ENDS).equals(full.get_column("key").str.contains(SENTENCE_END), check_names=False)
    assert lines.equals(full.drop("key").select(lines.columns))
    story = lines.filter(pl.col("doc_idx") == 0).get_column(ENDS).to_list()
    assert story == [True, True, True, False, *[True] * 7]          # the caption (line 3) ends no sentence


def test_near_duplicates_from_the_candidates_rebuilt_lines_equal_those_from_the_table(tmp_path):
    """Given the signatures, near_duplicate_clusters reading a function that rebuilds the lines of a
    chunk of documents finds what it finds on the whole line table, in any chunking, and asks only for
    the candidates' lines (not the unrelated story's)."""
    from tasks.dedupe import document_lines, marked_lines, near_duplicate_clusters

    cfg = PipelineConfig()
    docs = written_docs(tmp_path, cfg)
    _, sig, _ = document_lines(docs, cfg)
    table, kept = marked_lines(docs, cfg), pl.col("kind").is_null() & ~pl.col("blank")
    asked: set[int] = set()

    def lines_of(doc_idx: list[int]) -> pl.DataFrame:
        asked.update(doc_idx)
        return marked_lines(docs.filter(pl.col("doc_idx").is_in(doc_idx)), cfg)

    for chunk in (1, 2, 2_000):
        found = near_duplicate_clusters(table, docs.height, cfg, sig, chunk_docs=chunk, kept=kept)
        assert found == [(1, 0, found[0][2])] and found[0][2] >= cfg.near_dup_threshold
        assert near_duplicate_clusters(lines_of, docs.height, cfg, sig, chunk_docs=chunk, kept=kept) == found
    assert 4 not in asked and {0, 1} <= asked       # the school page is in no candidate pair


def test_written_pages_deduplicated_with_the_keyless_line_table(tmp_path):
    """The whole stage on the written pages: the re-scrape is a near duplicate of the story, the caption
    the fire page repeats is cut as a shared one-line caption (it ends no sentence), the repeated
    paragraph (it ends one) is a shared segment kept once as its own block."""
    written_corpus(tmp_path)
    docs, segments, blocks = run(tmp_path)
    status = dict(zip(docs["source_path"].str.split("/").list.last(), docs["status"]))
    assert status["b_flood_rescrape.txt"] == "near_duplicate" and status["a_flood.txt"] == "ok"
    caption, paragraph = WRITTEN_FLOOD.split("\n")[3], WRITTEN_FLOOD.split("\n")[5]
    texts = dict(zip(docs["doc_id"], docs["text"]))
    cuts = {texts[d][s:e].strip("\n"): k for d, s, e, k in segments.select("doc_id", "start", "end", "kind").iter_rows()}
    assert cuts[caption] == "boilerplate" and cuts[paragraph] == "shared"
    assert blocks.filter(pl.col("text") == paragraph).height == 1
    assert_rebuildable(docs, segments)
