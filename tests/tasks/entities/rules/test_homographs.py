"""tasks/entities/rules/homographs.py on sentences written for these tests (outside every data set);
the error-class sentences of issue 14 are scored in tests/tasks/entities/test_error_classes.py."""

from akhbar.text.sentences import split_sentences
from tasks.entities import extract_mentions


def found(text: str) -> list[tuple[str, str, str]]:
    sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
    return [(m["surface"], m["type"], m["entity_id"]) for m in extract_mentions("t", text, sents, "r")
            if m["type"] in ("PERSON", "ORG", "LOC")]


def test_kyiv_after_locative_only_when_ukraine_is_named():
    assert ("كيف", "LOC", "loc_kyiv") in found("وقالت أوكرانيا إن الوزير وصل إلى كيف أمس.")
    assert not any(s == "كيف" for s, _, _ in found("ولا يعرف أحد إلى كيف سيصل الأمر."))


def test_qaeda_name_after_an_org_cue_even_before_an_adjective():
    assert ("القاعدة", "ORG", "org_al_qaeda") in found("وأعلن مقاتلو القاعدة السيطرة على البلدة.")
    assert ("القاعدة", "ORG", "org_al_qaeda") in found("وقالت الشرطة إن القاعدة تبنت الهجوم.")
    assert not any(t == "ORG" for _, t, _ in found("ونقلت الطائرات إلى مدرج القاعدة قبل الفجر."))


def test_outlet_names_only_in_outlet_contexts():
    assert ("الرياض", "LOC", "loc_riyadh") in found("ووصل الوفد إلى الرياض مساء أمس.")
    got = found("وقال المسؤول لـ«الرياض» إن العمل مستمر.")
    assert ("الرياض", "ORG", "org_al_riyadh") in got and ("الرياض", "LOC", "loc_riyadh") not in got
    assert not any(t == "ORG" for _, t, _ in found("وأعلنت قيادة المدينة حظر التجول."))


def test_admin_bodies():
    got = found("وقالت أمانة محافظة جدة إن الأعمال انتهت.")
    assert any(s == "أمانة محافظة جدة" and t == "ORG" for s, t, _ in got)


def test_common_word_is_not_a_place_behind_a_clitic():
    assert not any(t == "LOC" for _, t, _ in found("وكان الضرر كبيرا في المباني القديمة."))
    assert any(s == "ينبع" and t == "LOC" for s, t, _ in found("ووصلت السفينة إلى ينبع صباح اليوم."))



def test_qaeda_before_a_relative_pronoun_is_the_group():
    assert ("القاعدة", "ORG", "org_al_qaeda") in found("وحذر من جماعات متشددة مثل القاعدة التي تستهدف المدنيين.")
