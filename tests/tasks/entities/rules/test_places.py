"""tasks/entities/rules/places.py: cue-found places."""


def test_place_cue_beats_the_surname(mentions):
    ms = mentions("قال أبو بكر البغدادي إن القوات وصلت إلى ناحية البغدادي غرب الأنبار. وغادر البغدادي المدينة.")
    kinds = [(m["surface"], m["type"], m["entity_id"]) for m in ms if "البغدادي" in m["surface"]]
    assert kinds == [("أبو بكر البغدادي", "PERSON", "per_abu_bakr_al_baghdadi"),
                     ("البغدادي", "LOC", "loc_al_baghdadi"),
                     ("البغدادي", "PERSON", "per_abu_bakr_al_baghdadi")]


def test_cue_word_with_adjective_is_not_a_place(mentions):
    ms = mentions("أقامت القوات منطقة آمنة قرب قاعدة عسكرية، ولا توفر سوريا قاعدة للإرهاب.")
    assert [m["surface"] for m in ms if m["type"] == "LOC"] == ["سوريا"]
