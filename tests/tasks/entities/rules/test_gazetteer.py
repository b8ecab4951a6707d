"""tasks/entities/rules/gazetteer.py: longest match of known names."""


def test_longest_match_wins(mentions):
    ms = mentions("تقدمت قوات سوريا الديمقراطية نحو الرقة.")
    assert [(m["surface"], m["entity_id"]) for m in ms if m["type"] == "ORG"][0][0] == "قوات سوريا الديمقراطية"
    assert "سوريا" not in [m["surface"] for m in ms if m["type"] == "LOC"]


def test_adjective_after_a_definite_noun_is_not_the_country(mentions):
    ms = mentions("قالت السلطات السعودية إن الوضع هادئ.")
    assert [(m["surface"], m["type"]) for m in ms] == [("السعودية", "NORP")]


def test_agency_takes_its_lil_complement(mentions):
    ms = mentions("ونقلت وكالة تسنيم للأنباء الخبر.")
    assert [m["surface"] for m in ms if m["type"] == "ORG"] == ["وكالة تسنيم للأنباء"]
