"""Token features of the tagger on sentences written for these tests (tasks/entities/ner/features.py)."""

from akhbar.text.normalise import normalize
from tasks.entities.ner.features import Featurizer, doc_marks, label_marks, rule_marks, shape, strip_clitics


def test_strip_clitics():
    assert strip_clitics("وبالموصل") == ("وب", "ال", "موصل")
    assert strip_clitics("للموصل") == ("ل", "ال", "موصل")
    assert strip_clitics("الموصل") == ("", "ال", "موصل")
    assert strip_clitics("كتاب")[0] in ("", "ك")      # the feature only; the backend decides cuts


def test_shape():
    assert [shape(t) for t in ("2024", "3م", "بغداد", "Reuters", "reuters", "،")] == ["D", "DX", "A", "LU", "L", "P"]


def test_features_carry_form_stem_clitics_lists_and_window():
    f = Featurizer()
    items = f(["وقال", "الرئيس", "سلفا", "كير", "في", "جوبا"])
    assert len(items) == 6
    pres = set(items[1])
    assert {"w=" + normalize("الرئيس"), "s=" + normalize("رئيس"), "art"} <= pres and "lx=TITLE" in pres
    assert "pc=و" in items[0] and "first" in items[0]
    assert "-1:lx=TITLE" in items[2]                    # the title before the name
    assert "EOS" in items[5] and "BOS" in items[0]
    assert any(x.startswith("rk=") for x in items[3])   # frequency bucket


def test_gazetteer_match_marks_a_multiword_name():
    items = Featurizer()(["هاجم", "تنظيم", "الدولة", "الإسلامية", "القرية"])
    assert "gzB=ORG" in items[1] and "gzI=ORG" in items[2] and "gzI=ORG" in items[3]
    assert not any(x.startswith("gz") for x in items[0])


def test_rule_marks_map_char_spans_to_tokens():
    spans = [(0, 4), (5, 11), (12, 16), (17, 20)]
    marks = rule_marks(spans, [(5, 16, "PERSON", "title"), (17, 20, "LOC", "gazetteer+cue")])
    assert marks[0] == [] and marks[1] == ["rB=PERSON", "rm=title"] and marks[2] == ["rI=PERSON"]
    assert marks[3] == ["rB=LOC", "rm=gazetteer"]


def test_featurizer_is_pure():
    f = Featurizer()
    toks = ["قال", "عيد", "عماش", "إن", "الهجوم"]
    assert f(toks) == f(list(toks)) == Featurizer()(toks)


def test_word_memo_is_bounded(monkeypatch):
    import tasks.entities.ner.features as features

    monkeypatch.setattr(features, "WORD_MEMO_MAX", 5)
    f = Featurizer()
    first = f(["قال", "محمد", "علي", "في", "بغداد", "اليوم", "إن"])
    assert len(f.words) == 7
    again = f(["قال", "محمد", "علي", "في", "بغداد", "اليوم", "إن"])     # memo starts over, same features
    assert again == first and len(f.words) == 7


def test_feature_set_3_clusters_memory_and_the_neighbours_form():
    from tasks.entities.ner.memory import NameMemory
    memory = NameMemory({("سلفا", "كير"): "PERS"}, {"جوبا": "LOC|hi"})
    f = Featurizer(clusters={"جوبا": 7}, memory=memory)
    items = f(["وقال", "الرئيس", "سلفا", "كير", "في", "جوبا"])
    assert "c=7" in items[5] and not any(x.startswith("c=") for x in items[4])
    assert "mB=PERS" in items[2] and "mI=PERS" in items[3] and "mt=LOC|hi" in items[5]
    assert "-1:mB=PERS" in items[3] and "1:mt=LOC|hi" in items[4]      # the neighbours see the marks
    assert "1:art" in items[0] and "-1:pc=و" in items[1] and "1:sh=A" in items[1]
    assert not any(x.startswith("m") for x in Featurizer()(["سلفا", "كير"])[0])   # no memory: no marks


def test_feature_set_4_pass_two_sees_the_pass_one_labels_around_the_token():
    marks = label_marks(["O", "B-PERS", "I-PERS"])
    assert marks[0] == ["p1=O", "-1:p1=BOS", "1:p1=B-PERS", "-2:p1=BOS", "2:p1=I-PERS", "p1b=BOS|O"]
    assert "p1b=B-PERS|I-PERS" in marks[2] and "1:p1=EOS" in marks[2] and "2:p1=EOS" in marks[1]
    # every token of every sentence gets them, document evidence or not
    out = doc_marks([["قال", "سامي"], ["في", "المدينة"]], [["O", "B-PERS"], ["O", "O"]])
    assert all(any(m.startswith("p1=") for m in tok) for sent in out for tok in sent)
    assert "dB=PERS" in out[0][1]


def test_cluster_levels_give_the_token_and_its_neighbours_coarse_and_fine_ids():
    # sentence written for this test; the 256 cluster (the first column) stays on the token only
    f = Featurizer(clusters={"جوبا": (7, 2, 900)})
    items = f(["وصل", "الوفد", "إلى", "جوبا", "أمس"])
    assert {"c=7", "c1=2", "c2=900"} <= set(items[3])
    assert {"1:c1=2", "1:c2=900"} <= set(items[2]) and {"-1:c1=2", "-1:c2=900"} <= set(items[4])
    assert not any(x.endswith("c=7") for x in items[2] + items[4])
    assert Featurizer(clusters={"جوبا": 7})(["جوبا"]) == Featurizer(clusters={"جوبا": (7,)})(["جوبا"])


def test_pass_one_inflection_count_on_demand():
    from tasks.entities.ner.features import inflection_bucket, inflections, is_inflection_feature, word_ranks
    ranks = word_ranks()
    # a common noun takes the article and endings ('الحكومة', 'حكومته' ...); a foreign name written
    # in Arabic, made up for this test, takes none
    assert inflections(ranks, normalize("حكومة")) >= 3
    assert inflections(ranks, normalize("فيرغاشتون")) == 0
    assert inflection_bucket(ranks, normalize("فيرغاشتون"), normalize("فيرغاشتون")) == "inf=0|none"
    assert inflections({"مدرستها": 1}, normalize("مدرسة")) == 1      # ة as ت before an ending
    plain = inflection_bucket(ranks, normalize("الحكومة"), "حكومه")
    assert plain == inflection_bucket(ranks, normalize("وللحكومة"), "حكومه") and plain.startswith("inf=4")
    toks = ["وقال", "فيرغاشتون", "إن", "الحكومة", "سقطت"]
    items = Featurizer(inflected=True)(toks)
    assert "inf=0|none" in items[1] and "-1:inf=0|none" in items[2] and "1:inf=0|none" in items[0]
    assert not any(is_inflection_feature(x) for item in Featurizer()(toks) for x in item)   # off by default
    # a model that knows inf= features gets them at tagging
    assert Featurizer(known=frozenset({"inf=0|none"})).inflected and not Featurizer(known=frozenset()).inflected
    assert is_inflection_feature("-1:inf=0|none") and not is_inflection_feature("w=inf")


def test_long_vowel_letters_on_demand():
    # words written for this test: a transliterated name spells its vowels, a root-pattern word few
    from tasks.entities.ner.features import vowel_bucket, word_ranks
    ranks = word_ranks()
    assert vowel_bucket(ranks, normalize("فيرغاشتوني")) == "lv=3|9|r"
    assert vowel_bucket({"مستشفي": 1}, normalize("مستشفى")) == "lv=1|7|k"
    assert vowel_bucket({}, "كتب") == "lv=0|3|r"
    items = Featurizer(vowels=True)(["قال", "فيرغاشتوني", "2024"])
    assert "lv=3|9|r" in items[1] and not any(x.startswith("lv=") for x in items[2])   # Arabic tokens only
    assert not any(x.startswith("lv=") for x in Featurizer()(["فيرغاشتوني"])[0])        # off by default
    assert Featurizer(known=frozenset({"lv=0|3|k"})).vowels
