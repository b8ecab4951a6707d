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
