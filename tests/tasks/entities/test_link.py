"""tasks/entities/link.py: surnames, anaphora, capitals standing for governments, geocoding."""

import pytest

from akhbar.geo import default_index
from tasks.entities import extract_mentions


def by_surface(ms, surface):
    return [m for m in ms if m["surface"] == surface]


def test_surname_links_to_full_name_even_before_it(mentions):
    ms = mentions("حداد: لا تفاوض. وقال وزير الداخلية سليم حداد إن الحكومة ماضية. وأضاف حداد أن القرار نهائي.")
    ids = {m["entity_id"] for m in ms if m["type"] == "PERSON"}
    assert len(ids) == 1 and len([m for m in ms if m["type"] == "PERSON"]) == 3
    full = next(m for m in ms if m["surface"] == "سليم حداد")
    assert full["role"] == "وزير الداخلية"


def test_anaphora_refers_to_the_named_organisation(mentions):
    ms = mentions("هاجم مسلحو تنظيم القاعدة قرية. وقالت قوات سوريا الديمقراطية إن التنظيم انسحب.")
    ana = by_surface(ms, "التنظيم")
    assert ana and ana[0]["entity_id"] == "org_al_qaeda" and ana[0]["method"] == "anaphor"


def test_capital_as_government_or_place(mentions):
    ms = mentions("وأرسلت واشنطن قوات إلى المنطقة. وعقد الاجتماع في واشنطن. وتدعم القوات التي تقودها موسكو الحكومة.")
    ws = [m["entity_id"] for m in ms if m["surface"] == "واشنطن"]
    assert ws == ["loc_usa", "loc_washington"]
    assert [m["entity_id"] for m in ms if m["surface"] == "موسكو"] == ["loc_russia"]


def test_capital_acting_links_to_country(mentions):
    text = "وذكرت صحيفة نيويورك تايمز أن واشنطن أرسلت حاملة طائرات إلى شرق البحر المتوسط."
    ms = extract_mentions("u", text, [(0, 0, len(text))], "r")
    assert [m["entity_id"] for m in ms if m["surface"] == "واشنطن"] == ["loc_usa"]


def test_places_geocoded_with_context(mentions):
    geo = default_index()
    assert geo.lookup("طرابلس", {"LB"}).country_code == "LB"
    assert geo.lookup("طرابلس", {"LY"}).country_code == "LY"
    assert geo.lookup("عمان").country_code == "JO"          # most populous without context
    ms = mentions("وصل الوفد إلى مدينة صيدا في لبنان ثم إلى قرية الباغوز في سوريا.")
    sidon, baghouz = by_surface(ms, "صيدا")[0], by_surface(ms, "الباغوز")[0]
    assert sidon["country_code"] == "LB" and sidon["lat"] == pytest.approx(33.56, abs=0.2)
    assert baghouz["entity_id"] == "loc_baghouz" and baghouz["lon"] == pytest.approx(40.94, abs=0.2)


def test_bare_place_takes_the_country_the_article_names():
    spain = found_core("وزار الوفد إسبانيا، وعقد اجتماعا في بلنسية.")
    venezuela = found_core("وزار الوفد فنزويلا، وعقد اجتماعا في بلنسية.")
    assert ("بلنسية", "LOC", "loc_gn2509954") in spain
    assert ("بلنسية", "LOC", "loc_gn3625549") in venezuela


def found_core(text: str) -> list[tuple[str, str, str]]:
    from akhbar.text.sentences import split_sentences
    from tasks.entities import extract_mentions
    sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
    return [(m["surface"], m["type"], m["entity_id"]) for m in extract_mentions("t", text, sents, "r")]


def test_title_and_given_name_is_the_one_full_name_of_the_article():
    text = ("واستقبل الملك سلمان بن عبدالعزيز آل سعود الوفد في الرياض. وأكد الملك سلمان أن المملكة تدعم الحوار. "
            "وقال الأمير فيصل إن الزيارة ناجحة.")
    got = [(s, e) for s, t, e in found_core(text) if t == "PERSON"]
    assert ("سلمان", "per_king_salman") in got
    assert any(s == "فيصل" and e != "per_king_salman" for s, e in got)


def test_given_name_shared_by_two_full_names_stays_apart():
    text = "والتقى الأمير محمد بن سلمان الأمير محمد بن نايف. وقال الأمير محمد إن اللقاء مثمر."
    got = [(s, e) for s, t, e in found_core(text) if t == "PERSON"]
    short = [e for s, e in got if s == "محمد"]
    assert short and short[0] not in ("per_mohammed_bin_salman", "per_mohammed_bin_nayef")
