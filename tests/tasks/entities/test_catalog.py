"""The entity_catalog across articles (tasks/entities/catalog.py): one id per person across spellings,
no fragment merged into another person, every row readable in Arabic and Latin. Articles written for
this test, outside every data set."""

import polars as pl

from akhbar.contracts import empty_frame
from akhbar.text.sentences import split_sentences
from tasks.entities import build_catalog, extract_mentions
from tasks.entities.catalog import catalog_of_chunks, catalog_of_parts

ARTICLES = {
    "a1": "وقال الرئيس علي عبدالله صالح إن الحوار مستمر. واستقبل الملك سلمان بن عبدالعزيز الوفد في الرياض.",
    "a2": "وأكد الرئيس علي عبد الله صالح أن الهدنة صامدة. وزار ولي العهد الأمير محمد بن سلمان الدمام.",
    "a3": "واجتمع الأمير محمد بن سلمان بن عبدالعزيز آل سعود مع الوزير أحمد داوود أوغلو في بريدة.",
    "a4": "والتقى الوفد الوزير أحمد داود أوغلو. وقال مصدر لـ«الشرق الأوسط» إن الاتفاق قريب.",
}


def catalog() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = []
    for aid, text in ARTICLES.items():
        sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
        rows += extract_mentions(aid, text, sents, "r")
    mentions = pl.DataFrame(rows, schema=empty_frame("entities").schema)
    return mentions, build_catalog(mentions, "r")


def ids_of(mentions: pl.DataFrame, *surfaces: str) -> set[str]:
    return set(mentions.filter(pl.col("surface").is_in(surfaces))["entity_id"])


def test_one_id_per_person_across_spellings_and_articles():
    mentions, _ = catalog()
    assert len(ids_of(mentions, "علي عبدالله صالح", "علي عبد الله صالح")) == 1
    assert len(ids_of(mentions, "أحمد داوود أوغلو", "أحمد داود أوغلو")) == 1
    assert len(ids_of(mentions, "محمد بن سلمان", "محمد بن سلمان بن عبدالعزيز آل سعود")) == 1


def test_fragments_are_not_merged_into_other_people():
    mentions, _ = catalog()
    mbs = ids_of(mentions, "محمد بن سلمان")
    salman = ids_of(mentions, "سلمان بن عبدالعزيز")
    assert mbs and salman and mbs.isdisjoint(salman)


def test_every_catalog_row_is_readable():
    _, cat = catalog()
    assert cat.height > 5
    assert cat["canonical_name"].str.len_chars().min() > 0
    assert cat["name_latin"].null_count() == 0
    row = cat.filter(pl.col("aliases").list.contains("علي عبدالله صالح"))
    assert row["aliases"].to_list() == [["علي عبد الله صالح", "علي عبدالله صالح"]]
    assert row["name_latin"].to_list() == ["Ali Abdullah Saleh"] and row["mention_count"].to_list() == [2]
    mbs = cat.filter(pl.col("entity_id") == "per_mohammed_bin_salman")
    assert mbs["name_latin"].to_list() == ["Mohammed bin Salman"]
    dammam = cat.filter(pl.col("aliases").list.contains("الدمام"))
    assert dammam["name_latin"].to_list() == ["Dammam"] and dammam["lat"].null_count() == 0
    assert "org_asharq_al_awsat" in cat["entity_id"].to_list()
    assert cat.schema == empty_frame("entity_catalog").schema


def test_the_catalog_built_one_entity_bucket_at_a_time_equals_the_whole_one():
    """catalog_of_parts over hash buckets of entity_id (the corpus-wide stage's bounded pass,
    flows/steps.py catalog) gives the rows of build_catalog on the whole mentions frame."""
    mentions, whole = catalog()
    assert whole.height > 5
    for n in (2, 3, 7):
        bucket = pl.col("entity_id").hash() % n
        parts = [mentions.filter(bucket == b) for b in range(n)]
        assert sum(p.height > 0 for p in parts) > 1          # really cut
        assert catalog_of_parts(parts, "r").equals(whole), n
    assert catalog_of_parts([], "r").equals(build_catalog(mentions.clear(), "r"))


def test_the_catalog_folded_over_chunks_of_any_cut_equals_the_whole_one():
    """catalog_of_chunks (the spilled run's pass: one partition file at a time, an entity's mentions in
    several chunks) gives build_catalog's rows for cuts of 1, 2, 3 and 7 rows, and for the mentions
    repeated with geo values only in a later chunk (articles written for this test)."""
    mentions, whole = catalog()
    for size in (1, 2, 3, 7):
        chunks = [mentions.slice(i, size) for i in range(0, mentions.height, size)]
        assert catalog_of_chunks(chunks, "r").equals(whole), size
    # the same entities again, with and without coordinates, names and types tied in other orders
    more = pl.concat([mentions.with_columns(
        pl.lit(None, mentions.schema[c]).alias(c) for c in ("lat", "lon", "geonames_id", "country_code")), mentions,
                      mentions.reverse().with_columns(canonical_name=pl.col("surface"))])
    big = build_catalog(more, "r")
    assert big["lat"].null_count() < big.height and big["mention_count"].sum() == 3 * mentions.height
    for size in (2, 5, more.height):
        chunks = [more.slice(i, size) for i in range(0, more.height, size)]
        assert catalog_of_chunks(chunks, "r").equals(big), size
    assert catalog_of_chunks([], "r").equals(build_catalog(mentions.clear(), "r"))
