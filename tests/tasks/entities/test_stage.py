"""tasks/entities/stage.py: extract_entities and build_catalog."""

import polars as pl

from tasks.entities import build_catalog, extract_entities


def frames(text):
    arts = pl.DataFrame({"article_id": ["a1"], "text": [text]})
    sents = pl.DataFrame({"article_id": ["a1"], "sentence_idx": [0], "start": [0], "end": [len(text)]})
    return arts, sents


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


def test_empty_inputs(mentions):
    arts, sents = frames("")
    assert extract_entities(arts.clear(), sents.clear(), "r").is_empty()
    assert build_catalog(extract_entities(arts.clear(), sents.clear(), "r"), "r").is_empty()


def test_forget_memos_empties_the_word_memos_and_changes_no_output():
    """The memos keyed by word form (issue 16, docs/scale.md section 10) are emptied by forget_memos,
    and a call after it finds the same mentions as the call that filled them."""
    from akhbar.text.normalise import clitic_keys
    from tasks.entities.lexicon import default_lexicon
    from tasks.entities.ner.model import LOADED
    from tasks.entities.rules.tokens import norm_token
    from tasks.entities.stage import forget_memos

    text = ("قال المتحدث باسم الشرطة في مدينة الحلة العميد سلمان الجبوري إن مسلحين هاجموا نقطة تفتيش "
            "شمال المدينة صباح الثلاثاء. وأضاف أن قوة من الجيش العراقي وصلت إلى قرية الجمجمة.")
    arts, sents = frames(text)
    first = extract_entities(arts, sents, "r")
    assert first.height >= 2 and "LOC" in set(first["type"])
    assert norm_token.cache_info().currsize and clitic_keys.cache_info().currsize
    assert default_lexicon().facts and any(len(m.featurize.words) for m in LOADED)
    forget_memos()
    assert norm_token.cache_info().currsize == 0 and clitic_keys.cache_info().currsize == 0
    assert default_lexicon().facts is None
    assert all(len(m.featurize.words) == 0 and len(m.scorer.index) == 0 for m in LOADED)
    assert extract_entities(arts, sents, "r").equals(first)
