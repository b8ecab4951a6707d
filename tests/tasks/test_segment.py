"""Segment: sentence cases, token/sentence span properties, page structure, seeds."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from akhbar.text.normalise import normalize
from akhbar.contracts import empty_frame
from flows.partitions import partition_of, split
from akhbar.text.lexicon import agency_of
from akhbar.text.sentences import split_sentences
from akhbar.text.tokens import repair_splits, tokenize, tokens
from tasks.segment import (Vocabulary, corpus_vocabulary, find_repairs, lead_credit, merge_articles, parse_date,
                           parse_meta_date, segment, segment_blocks)
from tests.conftest import seed_text

META = ["meta_title", "meta_date", "meta_source", "meta_url"]


def blocks_of(*texts, **meta) -> pl.DataFrame:
    n = len(texts)
    data = {"block_id": [f"b{i}" for i in range(n)], "doc_ids": [[f"d{i}"] for i in range(n)], "text": list(texts)}
    data.update({c: [meta.get(c)] * n for c in META})
    return pl.DataFrame(data, schema_overrides={c: pl.String for c in [*META, "text"]})


def articles_of(*texts, **meta):
    arts, sens, rejected = segment_blocks(blocks_of(*texts, **meta), "r")
    return arts, sens, rejected


# --- sentence splitting ---------------------------------------------------------------
CASES = [
    # plain terminators, Arabic question mark
    ("قال إنه غادر. ثم عاد!", ["قال إنه غادر.", "ثم عاد!"]),
    ("هل غادر؟ لا أحد يعرف.", ["هل غادر؟", "لا أحد يعرف."]),
    ("أين هو؟! لا نعرف.", ["أين هو؟!", "لا نعرف."]),
    # never at the Arabic comma, semicolon or colon
    ("قال، وأضاف؛ ثم: انتهى.", ["قال، وأضاف؛ ثم: انتهى."]),
    # decimals (Latin and Arabic), dates, numbers with separators
    ("بلغت النسبة 3.5 بالمئة في 12/3/2017 أمس.", ["بلغت النسبة 3.5 بالمئة في 12/3/2017 أمس."]),
    ("ارتفع المؤشر ٣٫٥ نقطة إلى ١٢٬٥٠٠. ثم هبط.", ["ارتفع المؤشر ٣٫٥ نقطة إلى ١٢٬٥٠٠.", "ثم هبط."]),
    ("بلغ عدد السكان 1,250,000 نسمة عام 2014. وقال المسؤول ذلك.",
     ["بلغ عدد السكان 1,250,000 نسمة عام 2014.", "وقال المسؤول ذلك."]),
    # quotations and brackets keep their full stops
    ("وقال: «لن نتردد. سنقاتل». ثم غادر.", ["وقال: «لن نتردد. سنقاتل».", "ثم غادر."]),
    ("وقال: «نعم! هذه مرحلة خطيرة. لكننا نتقدم». وأضاف أمرا.", ["وقال: «نعم! هذه مرحلة خطيرة. لكننا نتقدم».", "وأضاف أمرا."]),
    ("قال “لن نعود. أبدا” ثم مضى. وانتهى.", ["قال “لن نعود. أبدا” ثم مضى.", "وانتهى."]),
    ("قال إنه كان هناك (…) وغادر قبل الهجوم. ثم اختفى.", ["قال إنه كان هناك (…) وغادر قبل الهجوم.", "ثم اختفى."]),
    ("وأكد (وهذا مهم. جدا) أنه باق. وانتهى.", ["وأكد (وهذا مهم. جدا) أنه باق.", "وانتهى."]),
    ("وقال: «سننتصر.» وأضاف أنه متفائل.", ["وقال: «سننتصر.»", "وأضاف أنه متفائل."]),
    # a stray quote that never closes protects nothing
    ("وقال ”إن الأمر انتهى. وأضاف أنه عاد.", ["وقال ”إن الأمر انتهى.", "وأضاف أنه عاد."]),
    # quotes written with the same mark on both sides (scraped ”...”)
    ("وأوضح ”أن ”استخباراتنا أكدت ذلك (80 كم جنوب الموصل)”. وكانت الوزارة رجحت.",
     ["وأوضح ”أن ”استخباراتنا أكدت ذلك (80 كم جنوب الموصل)”.", "وكانت الوزارة رجحت."]),
    # abbreviations
    ("الصورة (أ.ب) واضحة.", ["الصورة (أ.ب) واضحة."]),
    ("قال د. محمد إن الوضع صعب. وغادر.", ["قال د. محمد إن الوضع صعب.", "وغادر."]),
    ("ذكرت أ. ف. ب. أن الهجوم وقع.", ["ذكرت أ. ف. ب. أن الهجوم وقع."]),
    ("ولد عام 1950 م. وتوفي عام 2010 م.", ["ولد عام 1950 م.", "وتوفي عام 2010 م."]),
    ("Mr. Smith arrived. He left.", ["Mr. Smith arrived.", "He left."]),
    # ellipses
    ("انتظر… ثم تكلم.", ["انتظر…", "ثم تكلم."]),
    ("ولو ببطء... لكن بالنهاية سننتصر.", ["ولو ببطء...", "لكن بالنهاية سننتصر."]),
    # sentences glued by scraping: split when an Arabic word follows the full stop directly
    ("تضييق الخناق في الموصل.وأوضح علاوي ذلك.", ["تضييق الخناق في الموصل.", "وأوضح علاوي ذلك."]),
    ("في أنحاء العالم».في سياق متصل أعلن.", ["في أنحاء العالم».", "في سياق متصل أعلن."]),
    ("قتالاً لتحريرها.من جهته أفاد القائد.", ["قتالاً لتحريرها.", "من جهته أفاد القائد."]),
    ("وصلت عام 2014.وقال المسؤول ذلك.", ["وصلت عام 2014.", "وقال المسؤول ذلك."]),
    # ... but not inside abbreviations, numbers, URLs, Latin
    ("نقلت وكالة أ.ف.ب الخبر.", ["نقلت وكالة أ.ف.ب الخبر."]),
    ("زوروا الموقع www.example.com للمزيد.", ["زوروا الموقع www.example.com للمزيد."]),
    ("موقع الجزيرة.نت نشر الخبر.", ["موقع الجزيرة.نت نشر الخبر."]),
    # line breaks always end a sentence
    ("عنوان بلا نقطة\nوالنص هنا.", ["عنوان بلا نقطة", "والنص هنا."]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_sentence_cases(text, expected):
    assert [text[a:b] for a, b in split_sentences(text)] == expected


# --- properties -----------------------------------------------------------------------
MIXED = st.text(alphabet=st.sampled_from(list(
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى" "ًٌٍَُِّْـ" " \n\t.!?؟…،؛:«»“”\"'’‘()[]{}/-_%" "0123456789٠١٢٣٤٥٦٧٨٩٫٬"
    "abcXYZ" "\u200f\u00a0")), max_size=300)


def _covers(text: str, spans: list[tuple[int, int]]) -> None:
    prev = 0
    for a, b in spans:
        assert prev <= a < b <= len(text)
        assert text[prev:a].strip() == ""          # nothing but whitespace between spans
        assert text[a:b] == text[a:b].strip()
        prev = b
    assert text[prev:].strip() == ""


@given(MIXED)
@settings(max_examples=300, deadline=None)
def test_sentence_spans_cover_text_in_order(text):
    _covers(text, split_sentences(text))


@given(MIXED)
@settings(max_examples=300, deadline=None)
def test_token_spans_cover_text_in_order(text):
    spans = tokenize(text)
    prev = 0
    for a, b in spans:
        assert prev <= a < b
        assert text[prev:a].strip() == "" and not text[a:b].isspace()
        prev = b
    assert text[prev:].strip() == ""
    assert "".join(text[a:b] for a, b in spans) == "".join(text.split())


@given(MIXED, st.data())
@settings(max_examples=200, deadline=None)
def test_token_splits_keep_cover(text, data):
    splits = data.draw(st.lists(st.integers(0, len(text)), max_size=5))
    spans = tokenize(text, splits=splits)
    assert "".join(text[a:b] for a, b in spans) == "".join(text.split())
    assert all(a < b for a, b in spans)


@given(MIXED)
@settings(max_examples=300, deadline=None)
def test_normalize_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@given(st.lists(MIXED, min_size=1, max_size=3))
@settings(max_examples=60, deadline=None)
def test_segment_offsets_on_arbitrary_text(texts):
    arts, sens, rejected = articles_of(*texts)
    carried = {d for ids in arts["doc_ids"] for d in ids}
    assert carried | {k.replace("b", "d") for k in rejected["row_key"]} == {f"d{i}" for i in range(len(texts))}
    by_id = dict(zip(arts["article_id"], arts["text"]))
    for s in sens.iter_rows(named=True):
        assert by_id[s["article_id"]][s["start"]:s["end"]] == s["text"]
    for a in arts.iter_rows(named=True):
        if a["title"]:
            assert a["text"].startswith(a["title"])
        for r in a["repairs"]:
            assert r["start"] < r["split"] < r["end"]


# --- tokens and repairs -------------------------------------------------------------------
def test_tokens_clitic_keys_and_offsets():
    text = "وصلت القوات والموصل بالموصل للموصل ٣٫٥"
    toks = tokens(text)
    for t in toks:
        assert normalize(text[t.start:t.end]) == t.norm
    keys = {text[t.start:t.end]: t.keys for t in toks}
    for w in ("والموصل", "بالموصل", "للموصل"):
        assert "الموصل" in keys[w]
    assert text[toks[-1].start:toks[-1].end] == "٣٫٥"


def test_glued_words_repaired_and_tokenised_in_two():
    text = "قوات في جنوبالمدينة تدعمها الولاياتالمتحدة ومصادرعراقية."
    reps = find_repairs(text, Vocabulary([text]))
    got = {text[r["start"]:r["end"]]: (text[r["start"]:r["split"]], text[r["split"]:r["end"]]) for r in reps}
    assert got == {"جنوبالمدينة": ("جنوب", "المدينة"), "الولاياتالمتحدة": ("الولايات", "المتحدة"),
                   "ومصادرعراقية": ("ومصادر", "عراقية")}
    surfaces = [text[a:b] for a, b in tokenize(text, splits=[r["split"] for r in reps])]
    assert surfaces[3:5] == ["المدينة", "تدعمها"] or "الولايات" in surfaces
    assert {"جنوب", "المدينة", "الولايات", "المتحدة", "ومصادر", "عراقية"} <= set(surfaces)


def test_known_and_rare_words_are_not_split():
    text = "وصل بلينكن والمدينة والمتلاصقة ودوريان وأبوبكر والطليباوي مستهِلاً جولته لجيرانها"
    assert find_repairs(text, Vocabulary([text])) == []


# A place name ('كرمشان', made up so that no word list knows it) seen three times on its own,
# once glued to the word before it; each page is a different story.
GLUED_PAGES = [
    "اشتباكات عنيفة قرب كرمشان\n\nقالت مصادر محلية إن اشتباكات عنيفة وقعت قرب كرمشان صباح اليوم.",
    "وصول قافلة مساعدات\n\nوصلت قافلة مساعدات إنسانية إلى كرمشان بعد أسابيع من الحصار.",
    "افتتاح مستشفى جديد\n\nأعلنت السلطات افتتاح مستشفى ميداني على أطراف كرمشان الشمالية.",
    "عودة النازحين\n\nبدأ مئات النازحين العودة إلى منازلهم في مدينةكرمشان بعد انتهاء المعارك.",
]


def spread_blocks(texts: list[str], n: int) -> pl.DataFrame:
    """Blocks of `texts` whose ids land in n different partitions (one text per partition)."""
    ids, used = [], set()
    for i in range(1000):
        p = partition_of(pl.Series([f"b{i}"]), n)[0]
        if p not in used:
            used.add(p)
            ids.append(f"b{i}")
        if len(ids) == len(texts):
            break
    return blocks_of(*texts).with_columns(block_id=pl.Series(ids))


def test_corpus_vocabulary_counted_in_batches_of_one_block_is_the_same(monkeypatch):
    import tasks.segment as segment_module

    blocks = spread_blocks(GLUED_PAGES, 4)
    parts = split(blocks, "block_id", 4)
    whole = corpus_vocabulary(blocks, parts)
    assert any(v.height for v in whole.values())       # a frequent word reaches a partition
    monkeypatch.setattr(segment_module, "VOCAB_BATCH", 1)
    batched = corpus_vocabulary(blocks, parts)
    assert whole.keys() == batched.keys() and all(whole[p].equals(batched[p]) for p in whole)


def test_glued_word_repair_does_not_depend_on_partitioning():
    blocks = spread_blocks(GLUED_PAGES, 4)
    parts = split(blocks, "block_id", 4)
    assert len(parts) == 4          # the name is seen once per partition, three times overall
    whole_arts, whole_sens, _ = segment_blocks(blocks, "r")
    vocab = corpus_vocabulary(blocks, parts)
    pieces = [segment_blocks(b, "r", vocab[p]) for p, b in parts.items()]
    arts = merge_articles([a for a, _, _ in pieces])
    sens = pl.concat([s for _, s, _ in pieces]).sort("article_id", "sentence_idx")
    assert arts.equals(whole_arts) and sens.equals(whole_sens)
    repaired = arts.filter(pl.col("repairs").list.len() > 0)
    (r,) = repaired["repairs"][0]
    text = repaired["text"][0]
    assert (text[r["start"]:r["split"]], text[r["split"]:r["end"]]) == ("مدينة", "كرمشان")
    # each partition gets only the frequent words it could use: the name, where it is glued
    glued_part = next(p for p, b in parts.items() if "مدينةكرمشان" in b["text"][0])
    assert {p: v["word"].to_list() for p, v in vocab.items()} == {
        p: (["كرمشان"] if p == glued_part else []) for p in parts}
    # counted inside each partition, the name is rare and the glued word stays unrepaired
    local = merge_articles([segment_blocks(b, "r")[0] for b in parts.values()])
    assert local["repairs"].list.len().sum() == 0


def test_glued_word_of_a_page_title_repaired_whatever_the_partitioning():
    """A story may take its title from the page's meta_title (build_articles): a glued word found only
    there is a candidate in every partitioning (the vocabulary reads titles too), never counted."""
    pages = GLUED_PAGES[:3] + ["بدأ مئات النازحين العودة إلى منازلهم بعد انتهاء المعارك."]
    blocks = spread_blocks(pages, 4).with_columns(
        meta_title=pl.Series([None, None, None, "عودة النازحين إلى مدينةكرمشان"], dtype=pl.String))
    whole, _, _ = segment_blocks(blocks, "r")
    for n in (1, 2, 4):
        parts = split(blocks, "block_id", n)
        vocab = corpus_vocabulary(blocks, parts)
        arts = merge_articles([segment_blocks(b, "r", vocab[p])[0] for p, b in parts.items()])
        assert arts.equals(whole), n
    titled = whole.filter(pl.col("title") == "عودة النازحين إلى مدينةكرمشان")
    (r,) = titled["repairs"][0]
    text = titled["text"][0]
    assert (text[r["start"]:r["split"]], text[r["split"]:r["end"]]) == ("مدينة", "كرمشان")


def test_repair_offsets_survive_tashkeel():
    text = "في جَنوبالمدينة"
    (r,) = find_repairs(text, Vocabulary([text]))
    assert text[r["start"]:r["split"]] == "جَنوب" and text[r["split"]:r["end"]] == "المدينة"


# --- metadata pieces --------------------------------------------------------------------
DAY, MONTH, YEAR = "day", "month", "year"
DATE_CASES = [  # (parser, text, expected (date, precision) or None)
    (parse_date, "4/19/2017", (dt.date(2017, 4, 19), DAY)),        # month first: 19 > 12 decides
    (parse_date, "19/4/2017", (dt.date(2017, 4, 19), DAY)),
    (parse_date, "3/4/2017", (dt.date(2017, 4, 3), DAY)),          # ambiguous: day first (documented)
    (parse_date, "2017-04-19", (dt.date(2017, 4, 19), DAY)),
    (parse_date, "١٩/٤/٢٠١٧", (dt.date(2017, 4, 19), DAY)),
    (parse_date, "الخميس 19 نيسان 2017", (dt.date(2017, 4, 19), DAY)),
    (parse_date, "17 تشرين الأول/ اكتوبر 2016", (dt.date(2016, 10, 17), DAY)),
    (parse_date, "مارس 2017", (dt.date(2017, 3, 1), MONTH)),
    (parse_date, "13/13/2017", None),
    (parse_date, "00:00", None),
    (parse_meta_date, "2017-04-19T10:00:00Z", (dt.date(2017, 4, 19), DAY)),
    (parse_meta_date, "2017-04", (dt.date(2017, 4, 1), MONTH)),
    (parse_meta_date, "2017", (dt.date(2017, 1, 1), YEAR)),
    (parse_meta_date, "قبل ساعة", None),
    (parse_meta_date, "", None),
]


@pytest.mark.parametrize("parser,s,expected", DATE_CASES)
def test_dates(parser, s, expected):
    got = parser(s)
    assert (got[:2] if got else None) == expected


@pytest.mark.parametrize("par,expected", [
    ("بغداد - وكالات - كشف نائب الرئيس أمرا.", ("بغداد", "وكالات")),
    ("أ ف ب – يواصل تنظيم داعش التراجع.", (None, "أ ف ب")),
    ("دمشق - أ.ف.ب - أعلنت الحكومة أمرا.", ("دمشق", "أ ف ب")),
    ("القاهرة (رويترز) - قال مسؤول إن الوضع هادئ.", ("القاهرة", "رويترز")),
    ("عمان - قال مسؤول إن الوضع هادئ.", ("عمان", None)),          # a known place, no agency
    ("الرئيس الأمريكي - قال إن الوضع هادئ.", (None, None)),        # not a place, no agency
    ("قال مسؤول إن الوضع هادئ - وفق مصادر.", (None, None)),
])
def test_lead_credit(par, expected):
    assert lead_credit(par) == expected


def test_agency_variants():
    assert agency_of("أ.ف.ب") == agency_of("ا ف ب") == agency_of("AFP") == "أ ف ب"
    assert agency_of("(رويترز)") == "رويترز" and agency_of("السومرية نيوز") is None


# --- page structure ---------------------------------------------------------------------
def test_two_stories_with_captions_and_markers_split():
    page = ("هجوم على قاعدة عسكرية شمال البلاد\n\nجنود قرب القاعدة (أ ف ب)\nTT\n\n"
            "قال مسؤول إن هجوما وقع أمس. وأضاف أن التحقيق جار.\n\n"
            "وزير الخارجية يزور عمان لبحث الأزمة\n\nالوزير لدى وصوله (رويترز)\n\n"
            "وصل الوزير إلى عمان أمس. والتقى نظيره.")
    arts, sens, _ = articles_of(page)
    got = {a["title"]: a for a in arts.iter_rows(named=True)}
    assert set(got) == {"هجوم على قاعدة عسكرية شمال البلاد", "وزير الخارجية يزور عمان لبحث الأزمة"}
    assert got["هجوم على قاعدة عسكرية شمال البلاد"]["captions"] == ["جنود قرب القاعدة (أ ف ب)"]
    for a in got.values():
        assert "(" not in a["text"]                                  # captions are not body text


def test_page_with_time_line_and_related_links():
    page = ("الجيش يسيطر على بلدة في ريف إدلب\nالأحد 12 مارس 2017 - 10:30 ص\n"
            "دمشق (رويترز) - قال الجيش إنه سيطر على البلدة. وأضاف أن المعارك مستمرة.\n"
            "اقرأ أيضاً:\nمقتل خمسة مدنيين في غارة على حلب\n© جميع الحقوق محفوظة")
    arts, _, _ = articles_of(page)
    (a,) = arts.iter_rows(named=True)
    assert a["title"] == "الجيش يسيطر على بلدة في ريف إدلب" and a["subtitle"] is None
    assert (a["published_date"], a["date_precision"]) == (dt.date(2017, 3, 12), "day")
    assert (a["dateline"], a["agency"]) == ("دمشق", "رويترز")
    assert "حلب" not in a["text"] and "مقتل خمسة مدنيين في غارة على حلب" in a["furniture"]


def test_crosshead_inside_body_does_not_split():
    page = "قال مسؤول إن الهجوم وقع أمس.\n\nمقتل 23 مدنيا\n\nوفي سوريا تقدمت القوات في الرقة."
    arts, _, _ = articles_of(page)
    assert arts.height == 1 and arts["title"][0] is None and arts["n_paragraphs"][0] == 3


def test_wide_gap_before_headline_splits_only_when_wider_than_usual():
    a = "قال مسؤول إن الهجوم وقع أمس."
    b = "وصل الوزير إلى عمان. والتقى نظيره."
    arts, _, _ = articles_of(f"{a}\n\n\n\nالوزير في عمان لبحث الأزمة\n\n{b}")
    assert arts.height == 2
    arts, _, _ = articles_of(f"{a}\n\n\n\nالوزير في عمان لبحث الأزمة\n\n\n\n{b}")
    assert arts.height == 1


@pytest.mark.parametrize("page", [
    "مقتل 23 مدنيا في غارة على الرقة",                       # a lone headline-shaped line
    "قتل 23 مدنيا في غارة على الرقة أمس.",                    # one sentence
    "عاجل: انفجار في بغداد\nأنباء عن إصابات",                  # a short bulletin
])
def test_pages_without_headline_lose_nothing(page):
    arts, sens, rejected = articles_of(page)
    assert rejected.height == 0 and arts.height == 1
    kept = "".join(arts["text"][0].split())
    assert kept == "".join(page.split())


def test_empty_and_furniture_only_blocks_are_rejected_with_reason():
    arts, _, rejected = articles_of("   \n", "مشاركة :\nTT\nزر الذهاب إلى الأعلى")
    assert arts.height == 0
    assert rejected["row_key"].to_list() == ["b0", "b1"]
    assert all(rejected["detail"].str.len_chars() > 0)
    arts, sens = segment(blocks_of(None), "r")
    assert arts.height == 0 and sens.height == 0


def test_meta_title_and_date_used_and_never_invented():
    arts, _, _ = articles_of("قال مسؤول إن الهجوم وقع في 12/3/2016. وغادر.",
                             meta_title="هجوم في بغداد", meta_date="2017-04-19")
    a = arts.row(0, named=True)
    assert a["title"] == "هجوم في بغداد" and a["text"].startswith("هجوم في بغداد\n\n")
    assert (a["published_date"], a["date_precision"]) == (dt.date(2017, 4, 19), "day")
    arts, _, _ = articles_of("قال مسؤول إن الهجوم وقع في 12/3/2016. وغادر.")
    assert arts["date_precision"][0] == "unknown" and arts["published_date"][0] is None


def test_empty_partition_gives_typed_empty_frames():
    arts, sens, rejected = segment_blocks(blocks_of(), "r")
    assert arts.schema == empty_frame("articles").schema and arts.height == 0
    assert sens.schema == empty_frame("sentences").schema and sens.height == 0
    assert rejected.schema == empty_frame("quarantine").schema


def test_same_article_from_two_blocks_merges():
    page = "هجوم في بغداد\n\nقال مسؤول إن الهجوم وقع أمس."
    arts, sens, _ = articles_of(page, page)
    assert arts.height == 1 and arts["doc_ids"][0].to_list() == ["d0", "d1"]
    assert sens["sentence_idx"].to_list() == [0, 1]


# --- the seeds ------------------------------------------------------------------------------
SEED_IDS = ("000", "001", "002", "003", "004")


@pytest.fixture(scope="module")
def seed_articles():
    arts, sens, rejected = segment_blocks(blocks_of(*(seed_text(p) for p in SEED_IDS)), "r")
    assert rejected.height == 0
    return arts, sens


def _by_doc(arts, i):
    return [a for a in arts.iter_rows(named=True) if f"d{i}" in a["doc_ids"]]


def test_seed_offsets_and_sentences(seed_articles):
    arts, sens = seed_articles
    texts = dict(zip(arts["article_id"], arts["text"]))
    for s in sens.iter_rows(named=True):
        assert texts[s["article_id"]][s["start"]:s["end"]] == s["text"]
    for aid, g in sens.group_by("article_id"):
        assert sorted(g["sentence_idx"]) == list(range(g.height))
    for a in arts.iter_rows(named=True):
        assert a["n_sentences"] == sens.filter(pl.col("article_id") == a["article_id"]).height
        assert a["title"] is None or a["text"].startswith(a["title"])


def test_seed_000_single_paragraph(seed_articles):
    (a,) = _by_doc(seed_articles[0], 0)
    assert a["title"] is None and a["agency"] is None and a["dateline"] is None
    assert a["source"] is None                        # 'السومرية نيوز' is quoted, not the publisher
    assert a["date_precision"] == "unknown" and a["published_date"] is None
    t = a["text"]
    assert sorted((t[r["start"]:r["split"]], t[r["split"]:r["end"]]) for r in a["repairs"]) == [
        ("الولايات", "المتحدة"), ("الولايات", "المتحدة"), ("جنوب", "المدينة")]
    words = [t[x:y] for x, y in tokenize(t, splits=repair_splits(a["repairs"]))]
    assert "الولاياتالمتحدة" not in words and words.count("المتحدة") == 2
    assert "الولاياتالمتحدة" in [t[x:y] for x, y in tokenize(t)]          # stored text unchanged


def test_seed_001_agency_lead(seed_articles):
    (a,) = _by_doc(seed_articles[0], 1)
    assert a["title"] is None and a["agency"] == "أ ف ب" and a["dateline"] is None
    assert a["date_precision"] == "unknown"           # 'الخميس', '22 اذار/مارس' are events in the body
    assert "مقتل 23 مدنيا" in a["text"]               # crossheads stay in the body


def test_seed_002_section_suffix_dateline_date(seed_articles):
    (a,) = _by_doc(seed_articles[0], 2)
    assert a["title"] == "علاوي: البغدادي والظواهري يتفاوضان لإقامة تحالف بين «داعش» و«القاعدة»"
    assert a["section"] == "خارجيات" and a["dateline"] == "بغداد" and a["agency"] == "وكالات"
    assert (a["published_date"], a["date_precision"], a["date_text"]) == (dt.date(2017, 4, 19), "day", "4/19/2017")
    assert "news-picture" in a["furniture"] and "مشاركة :" in a["furniture"]
    assert "news-picture" not in a["text"]
    t = a["text"]
    assert [(t[r["start"]:r["split"]], t[r["split"]:r["end"]]) for r in a["repairs"]] == [("مصادر", "عراقية")]


def test_seed_003_section_credit_publisher(seed_articles):
    (a,) = _by_doc(seed_articles[0], 3)
    assert a["title"].startswith("«قسد» و«التحالف الدولي» تضخمان المعركة ضد التنظيم")
    assert a["title"].endswith("من شرق الفرات!")
    assert a["section"] == "سورية" and a["source"] == "الوطن" and a["agency"] == "وكالات"
    assert a["dateline"] is None and a["date_precision"] == "unknown"
    assert "زر الذهاب إلى الأعلى" not in a["text"] and "صحيفة الوطن" not in a["text"]
    assert a["text"][a["body_start"]:].startswith("في سيناريو مشابه")


def test_seed_004_two_stories(seed_articles):
    arts = _by_doc(seed_articles[0], 4)
    assert [a["title"] for a in arts if a["text"].startswith("مصادر")] == [
        "مصادر عراقية: هروب عكسي لقيادات ومسلحي «داعش» من سوريا إلى العراق"]
    got = {a["title"]: a for a in arts}
    assert set(got) == {"مصادر عراقية: هروب عكسي لقيادات ومسلحي «داعش» من سوريا إلى العراق",
                        "بلينكن في الأردن مستهِلاً جولته لبحث الأزمة في سوريا"}
    isis = got["مصادر عراقية: هروب عكسي لقيادات ومسلحي «داعش» من سوريا إلى العراق"]
    blinken = got["بلينكن في الأردن مستهِلاً جولته لبحث الأزمة في سوريا"]
    assert isis["subtitle"] == "القوات الأمنية تنصح سكان الرمادي بمغادرتها قبل هجوم وشيك لتحريرها"
    assert isis["captions"] == ["عنصران أمنيان خلال مواجهة مع مسلحي «داعش» على أطراف الرمادي أول من أمس (أ.ب)"]
    assert blinken["captions"] == ["أنتوني بلينكن يستقل طائرته في طريقه إلى الأردن (رويترز)"]
    for a in (isis, blinken):
        assert a["agency"] is None and a["dateline"] is None and a["date_precision"] == "unknown"
        assert "TT" in a["furniture"] and "TT" not in a["text"]
        assert a["text"].count(a["title"]) == 1       # the repeated headline is furniture
    assert "بلينكن" not in isis["text"] and "الرمادي" not in blinken["text"]


def test_seed_004_cleaned_variant_gives_same_articles(seed_articles):
    """The page as dedupe will hand it over: repeated lines, markers and the wide gap gone."""
    raw = seed_text("004")
    seen, kept = set(), []
    for line in raw.split("\n"):
        if line.strip() and (line in seen or line == "TT"):
            continue
        seen.add(line)
        kept.append(line)
    cleaned = "\n".join(kept).replace("\n\n\n\n", "\n\n")
    arts, _, _ = articles_of(cleaned)
    assert sorted(arts["article_id"]) == sorted(a["article_id"] for a in _by_doc(seed_articles[0], 4))
    # and when dedupe cuts the appended story into its own block
    head, _, tail = raw.partition("\n\n\n\n")
    arts, _, _ = articles_of(head, tail)
    assert sorted(arts["article_id"]) == sorted(a["article_id"] for a in _by_doc(seed_articles[0], 4))
