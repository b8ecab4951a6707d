import polars as pl

from akhbar.names import names_of, readable_names

CATALOG = pl.DataFrame({"entity_id": ["per_a", "loc_b"], "canonical_name": ["أبو بكر", "الموصل"],
                        "name_latin": [None, "Mosul"]})


def test_ids_become_names_in_order_unknown_ids_kept_empty_and_null_lists_kept():
    frame = pl.DataFrame({"k": [1, 2, 3, 4], "ids": [["loc_b", "per_a"], ["per_x", None], [], None]},
                         schema={"k": pl.Int64, "ids": pl.List(pl.String)})
    out = names_of(frame, "k", "ids", "actor", readable_names(CATALOG)).sort("k")
    assert out["actor_names"].to_list() == [["الموصل", "أبو بكر"], ["per_x"], [], None]
    # no Latin name in the catalog: the Arabic one stands in
    assert out["actor_names_latin"].to_list() == [["Mosul", "أبو بكر"], ["per_x"], [], None]


def test_catalog_without_latin_column_uses_the_canonical_name():
    names = readable_names(CATALOG.drop("name_latin"))
    assert names["name_latin"].to_list() == ["أبو بكر", "الموصل"]
