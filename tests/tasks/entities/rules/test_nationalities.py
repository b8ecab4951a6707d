"""tasks/entities/rules/nationalities.py: NORP adjectives and nouns."""


def test_nationality_keeps_its_article(mentions):
    ms = mentions("قالت الحكومة الألمانية إن مواطنين أتراكا وسوريين وصلوا.")
    assert [m["surface"] for m in ms if m["type"] == "NORP"][:1] == ["الألمانية"]
