"""akhbar/geo.py: the bare-place resource is what the generator makes, Gulf places geocode, and
`loc_gn<id>` ids resolve to their GeoNames place."""

from akhbar.geo import bare_names_excluded, build_bare_tsv, default_index
from akhbar.resources import resource_path
from akhbar.text.normalise import normalize


def test_places_bare_is_generated(tmp_path):
    out = tmp_path / "places_bare.tsv"
    build_bare_tsv(out)
    committed = resource_path("entities/places_bare.tsv").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, "run `python -m akhbar.geo` and commit the result"


def test_common_words_are_never_bare_places():
    excluded = bare_names_excluded()
    committed = resource_path("entities/places_bare.tsv").read_text(encoding="utf-8")
    names = {normalize(line.split("\t")[0]) for line in committed.splitlines() if line and not line.startswith("#")}
    for word in ("الخبر", "العين", "المدينة", "في", "على"):
        assert normalize(word) not in names
    assert "الخبر" in " ".join(excluded)
    assert {normalize(n) for n in ("بريدة", "الدمام", "القطيف", "المدينة المنورة")} <= names


def test_geonames_ids_resolve():
    geo = default_index()
    dammam = geo.lookup("الدمام", {"SA"})
    assert dammam is not None and dammam.name == "Dammam"
    assert geo.for_entity(f"loc_gn{dammam.geonames_id}") == dammam
    assert geo.for_entity("loc_gn0") is None and geo.for_entity("loc_sa_asir").country_code == "SA"
