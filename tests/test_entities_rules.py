"""Behaviour of the rule backend on short constructed texts (not seed sentences)."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.geo import default_index
from tasks.entities import (RuleBackend, TransformersBackend, build_catalog, extract_entities, extract_mentions,
                            get_backend, merge_mentions)
from akhbar.text.sentences import split_sentences


def mentions(text):
    sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
    out = extract_mentions("a1", text, sents, "r")
    for m in out:
        assert text[m["start"]:m["end"]] == m["surface"]
    return out


def by_surface(ms, surface):
    return [m for m in ms if m["surface"] == surface]


def test_place_cue_beats_the_surname():
    ms = mentions("قال أبو بكر البغدادي إن القوات وصلت إلى ناحية البغدادي غرب الأنبار. وغادر البغدادي المدينة.")
    kinds = [(m["surface"], m["type"], m["entity_id"]) for m in ms if "البغدادي" in m["surface"]]
    assert kinds == [("أبو بكر البغدادي", "PERSON", "per_abu_bakr_al_baghdadi"),
                     ("البغدادي", "LOC", "loc_al_baghdadi"),
                     ("البغدادي", "PERSON", "per_abu_bakr_al_baghdadi")]


def test_surname_links_to_full_name_even_before_it():
    ms = mentions("حداد: لا تفاوض. وقال وزير الداخلية سليم حداد إن الحكومة ماضية. وأضاف حداد أن القرار نهائي.")
    ids = {m["entity_id"] for m in ms if m["type"] == "PERSON"}
    assert len(ids) == 1 and len([m for m in ms if m["type"] == "PERSON"]) == 3
    full = next(m for m in ms if m["surface"] == "سليم حداد")
    assert full["role"] == "وزير الداخلية"


def test_role_after_name_and_speech_verb():
    ms = mentions("وأكد خالد المصري، المتحدث باسم الجيش اللبناني، أن وحدات انتشرت. وقال محمد الحسيني إن الوضع هادئ.")
    persons = {m["surface"]: m for m in ms if m["type"] == "PERSON"}
    assert set(persons) == {"خالد المصري", "محمد الحسيني"}
    assert persons["خالد المصري"]["role"] == "المتحدث باسم الجيش اللبناني"


def test_org_heads_and_quoted_names():
    ms = mentions("نقلت وكالة «سبوتنيك» عن جهاز الأمن الوطني أن تنظيم «داعش» وحركة «الشباب» تبادلا الرسائل.")
    orgs = {m["surface"]: m["entity_id"] for m in ms if m["type"] == "ORG"}
    assert orgs["وكالة «سبوتنيك»"] == "org_sputnik"
    assert orgs["تنظيم «داعش»"] == "org_isis"
    assert "جهاز الأمن الوطني" in orgs and "حركة «الشباب»" in orgs


def test_weak_head_before_known_org_and_generic_forces():
    ms = mentions("قصفت قوات التحالف الدولي مواقع قرب الرقة بينما تقدمت القوات العراقية وقوات النظام.")
    orgs = [m["surface"] for m in ms if m["type"] == "ORG"]
    assert orgs == ["التحالف الدولي"]
    assert [m["surface"] for m in ms if m["type"] == "NORP"] == ["العراقية"]


def test_anaphora_refers_to_the_named_organisation():
    ms = mentions("هاجم مسلحو تنظيم القاعدة قرية. وقالت قوات سوريا الديمقراطية إن التنظيم انسحب.")
    ana = by_surface(ms, "التنظيم")
    assert ana and ana[0]["entity_id"] == "org_al_qaeda" and ana[0]["method"] == "anaphor"


def test_capital_as_government_or_place():
    ms = mentions("وأرسلت واشنطن قوات إلى المنطقة. وعقد الاجتماع في واشنطن. وتدعم القوات التي تقودها موسكو الحكومة.")
    ws = [m["entity_id"] for m in ms if m["surface"] == "واشنطن"]
    assert ws == ["loc_usa", "loc_washington"]
    assert [m["entity_id"] for m in ms if m["surface"] == "موسكو"] == ["loc_russia"]


def test_glued_and_clitic_spans():
    ms = mentions("وتنشر الولاياتالمتحدة جنودا للموصل وللتنظيم المتطرف عناصر في الموصل، وقال تنظيم داعش إن التنظيم باق.")
    assert by_surface(ms, "الولاياتالمتحدة")[0]["entity_id"] == "loc_usa"
    assert by_surface(ms, "لموصل")[0]["entity_id"] == "loc_mosul"      # لل: the article's lam stays


def test_nationality_keeps_its_article():
    ms = mentions("قالت الحكومة الألمانية إن مواطنين أتراكا وسوريين وصلوا.")
    assert [m["surface"] for m in ms if m["type"] == "NORP"][:1] == ["الألمانية"]


def test_dates_times_quantities():
    ms = mentions("وفي 17 تشرين الأول/ اكتوبر 2016 قتل 23 مدنيا و15 الف مقاتل على بعد 80 كم، أمس الخميس الساعة 10:30 "
                  "وفي أوت 2014 وعام 2015 سيطر على 65% من الأراضي مساء السبت الماضي.")
    got = {(m["surface"], m["type"]) for m in ms}
    for expected in [("17 تشرين الأول/ اكتوبر 2016", "DATE"), ("23 مدنيا", "QUANTITY"), ("15 الف مقاتل", "QUANTITY"),
                     ("80 كم", "QUANTITY"), ("أمس الخميس", "DATE"), ("10:30", "TIME"), ("أوت 2014", "DATE"),
                     ("عام 2015", "DATE"), ("65%", "QUANTITY"), ("مساء السبت الماضي", "DATE")]:
        assert expected in got, expected


def test_cue_word_with_adjective_is_not_a_place():
    ms = mentions("أقامت القوات منطقة آمنة قرب قاعدة عسكرية، ولا توفر سوريا قاعدة للإرهاب.")
    assert [m["surface"] for m in ms if m["type"] == "LOC"] == ["سوريا"]


def test_places_geocoded_with_context():
    geo = default_index()
    assert geo.lookup("طرابلس", {"LB"}).country_code == "LB"
    assert geo.lookup("طرابلس", {"LY"}).country_code == "LY"
    assert geo.lookup("عمان").country_code == "JO"          # most populous without context
    ms = mentions("وصل الوفد إلى مدينة صيدا في لبنان ثم إلى قرية الباغوز في سوريا.")
    sidon, baghouz = by_surface(ms, "صيدا")[0], by_surface(ms, "الباغوز")[0]
    assert sidon["country_code"] == "LB" and sidon["lat"] == pytest.approx(33.56, abs=0.2)
    assert baghouz["entity_id"] == "loc_baghouz" and baghouz["lon"] == pytest.approx(40.94, abs=0.2)


WORDS = ["قال", "الرئيس", "محمد", "الموصل", "للموصل", "والرقة", "تنظيم", "«داعش»", "قرية", "الباغوز", "أمس", "،",
         "15", "الف", "مقاتل", "التنظيم", "واشنطن", "العراقية", "وزارة", "الدفاع", "الأمريكية", "البغدادي", "ناحية",
         "أبو", "بكر", "حي", "الثورة", ".", "\u0651", "ـ", "عبد", "الرحمن", "المتحدث", "باسم", "في", "٢٠١٧", "%"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), st.sampled_from([" ", "  ", "\n", "\u00a0"]))
def test_offsets_are_exact_and_spans_disjoint(words, sep):
    text = sep.join(words)
    ms = mentions(text)
    last_end = -1
    for m in sorted(ms, key=lambda m: m["start"]):
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert m["start"] >= last_end
        last_end = m["end"]


def test_catalog_geo_for_seed_places(seeds_dir):
    from flows.local import run_stages

    cat = run_stages(seeds_dir)["entity_catalog"]
    places = ["loc_mosul", "loc_raqqa", "loc_qayrawan", "loc_hatra", "loc_baghouz", "loc_deir_ez_zor", "loc_ramadi",
              "loc_al_qaim", "loc_tanf", "loc_ain_al_asad", "loc_manbij", "loc_aleppo", "loc_maskanah", "loc_tal_afar",
              "loc_badush", "loc_sinjar", "loc_hasakah", "loc_aqaba", "loc_amman", "loc_al_baghdadi", "loc_al_bakr_base",
              "loc_anbar", "loc_nineveh", "loc_euphrates"]
    rows = cat.filter(pl.col("entity_id").is_in(places))
    assert sorted(rows["entity_id"]) == sorted(places)
    assert rows["lat"].null_count() == 0 and rows["lon"].null_count() == 0 and rows["feature_class"].null_count() == 0
    mosul = rows.filter(pl.col("entity_id") == "loc_mosul").row(0, named=True)
    assert mosul["geonames_id"] == 99072 and mosul["country_code"] == "IQ" and mosul["mention_count"] > 20
    isis = cat.filter(pl.col("entity_id") == "org_isis").row(0, named=True)
    assert {"داعش", "تنظيم داعش", "تنظيم (داعش)", "الدولة الإسلامية", "التنظيم"} <= set(isis["aliases"])


class FakeBackend:
    name = "fake"

    def __init__(self, rows):
        self.rows = rows

    def extract(self, articles, sentences):
        from tasks.entities import MENTION_COLUMNS, empty_entities

        schema = {k: v for k, v in empty_entities().schema.items() if k in MENTION_COLUMNS}
        return pl.DataFrame(self.rows, schema=schema).select(MENTION_COLUMNS)


def frames(text):
    arts = pl.DataFrame({"article_id": ["a1"], "text": [text]})
    sents = pl.DataFrame({"article_id": ["a1"], "sentence_idx": [0], "start": [0], "end": [len(text)]})
    return arts, sents


def test_backend_interface_with_a_fake_backend():
    text = "زار مارتن غريفيث صنعاء."
    row = dict(article_id="a1", sentence_idx=0, start=4, end=16, surface="مارتن غريفيث", type="PERSON",
               entity_id="per_x", canonical_name="مارتن غريفيث", role=None, confidence=0.7, method="model:fake",
               geonames_id=None, lat=None, lon=None, country_code=None)
    out = extract_entities(*frames(text), "run1", backend=FakeBackend([row]))
    assert out["surface"].to_list() == ["مارتن غريفيث"] and out["run_id"].to_list() == ["run1"]
    rules = RuleBackend().extract(*frames(text))
    merged = merge_mentions(rules, FakeBackend([row, {**row, "start": 17, "end": 21, "surface": "صنعا"}]).extract(
        *frames(text)))
    assert set(merged["surface"]) == {"مارتن غريفيث", "صنعاء"}     # the overlapping model span gives way


def test_backend_selection_and_clear_errors(tmp_path):
    assert isinstance(get_backend({}), RuleBackend)
    with pytest.raises(FileNotFoundError, match="AKHBAR_NER_MODEL_DIR"):
        get_backend({"AKHBAR_NER_MODEL_DIR": str(tmp_path / "missing")})
    with pytest.raises(ValueError, match="merge"):
        TransformersBackend(tmp_path, mode="bogus")
    backend = get_backend({"AKHBAR_NER_MODEL_DIR": str(tmp_path), "AKHBAR_NER_MODE": "replace"})
    backend.predict = lambda text: [{"start": 4, "end": 16, "entity_group": "PER", "score": 0.88}]
    out = backend.extract(*frames("زار مارتن غريفيث صنعاء."))
    assert out["type"].to_list() == ["PERSON"] and out["method"].to_list() == [f"model:{tmp_path.name}"]


def test_empty_inputs():
    arts, sents = frames("")
    assert extract_entities(arts.clear(), sents.clear(), "r").is_empty()
    assert build_catalog(extract_entities(arts.clear(), sents.clear(), "r"), "r").is_empty()
