"""Victims named in an attack's result clause are its target (tasks/events/victims.py), on sentences
written for the test, outside every data set."""

import pytest

from tests.tasks.events.evhelp import RULES_ONLY, has, one


def _assault(text):
    return one(text, "ASSAULT", cfg=RULES_ONLY)


@pytest.mark.parametrize("text, victims", [
    ("انفجرت قنبلة قرب مركز للشرطة في المدينة مما أدى إلى مقتل ثلاثة جنود وإصابة آخرين.", "ثلاثة جنود"),
    ("هاجم مسلحون حافلة للركاب أمس، ما أسفر عن إصابة سبعة مدنيين بجروح.", "سبعة مدنيين"),
    ("قصفت الطائرات سوقا شعبية في البلدة فأوقعت عشرين قتيلا.", "عشرين قتيلا"),
    ("أطلق قناص النار على سيارة إسعاف وتسبب في جرح مسعفين اثنين.", "مسعفين اثنين"),
])
def test_the_killed_and_wounded_of_a_result_clause_are_targets(text, victims):
    e = _assault(text)
    assert has(e["target_text"], victims), e["target_text"]


def test_the_object_stays_a_target_beside_the_victims():
    e = _assault("هاجم مسلحون حافلة للركاب أمس، ما أسفر عن إصابة سبعة مدنيين بجروح.")
    assert has(e["target_text"], "حافلة") and has(e["target_text"], "سبعة مدنيين")


@pytest.mark.parametrize("text", [
    "استهدف هجوم موكب المحافظ وأسفر عن إصابته بجروح طفيفة.",          # a pronoun names nobody new
    "وقف الحراس خلف الجدار بعد أن هاجم مسلحون الحاجز.",                  # 'خلف' as 'behind', no harm noun
    "أدت الأمطار إلى مقتل خمسة أشخاص، وهاجم مسلحون قافلة للإغاثة.",     # the result clause comes before the attack
])
def test_no_victims_without_a_result_clause_after_the_attack(text):
    e = _assault(text)
    assert not any(has(e["target_text"], w) for w in ("خمسة أشخاص", "الجدار", "إصابته")), e["target_text"]


def test_a_part_of_people_named_before_is_no_new_victim():
    e = _assault("قصفت الطائرات تجمعا للمسلحين قرب الحدود، ما أسفر عن مقتل عدد منهم.")
    assert not has(e["target_text"], "عدد"), e["target_text"]


@pytest.mark.parametrize("text, target", [
    ("تعرضت دورية للجيش لهجوم مسلح قرب الحدود.", "دورية"),
    ("وقالت الشرطة إن القوات الأمريكية تعرضت لهجوم في الرمادي.", "القوات الأمريكية"),
    ("تعرض ناشط للضرب على يد عناصر أمنية.", "ناشط"),
    # an attempted assassination undergone or survived (events11): the attempt noun stands for it
    ("تعرض محافظ المدينة لمحاولة اغتيال قرب منزله في حمص.", "محافظ المدينة"),
    ("نجا قائد الشرطة من محاولة اغتيال على طريق المطار في مصراتة.", "قائد الشرطة"),
    ("ونجت القافلة من هجوم بالعبوات الناسفة قرب تكريت.", "القافلة"),
])
def test_who_underwent_the_attack_is_its_target_not_its_actor(text, target):
    e = _assault(text)
    assert has(e["target_text"], target), e["target_text"]
    assert not has(e["actor_text"], target), e["actor_text"]


def test_the_agent_of_an_undergone_attack_stays_its_actor():
    e = _assault("تعرض ناشط للضرب على يد عناصر أمنية.")
    assert has(e["actor_text"], "عناصر أمنية"), e["actor_text"]


@pytest.mark.parametrize("text, target", [
    ("قصفت الطائرات مجموعة من المسلحين قرب الحدود.", "مجموعة من المسلحين"),
    ("انفجرت قنبلة قرب الحاجز ما أسفر عن إصابة ثلاثة من عناصر الجيش.", "ثلاثة من عناصر الجيش"),
])
def test_a_count_and_the_people_it_counts_are_one_target(text, target):
    e = _assault(text)
    assert target in (e["target_text"] or "").split("؛ "), e["target_text"]


def test_a_count_without_its_people_is_not_extended():
    e = _assault("قتلت القوات ثلاثة مسلحين من الجماعة.")
    assert "ثلاثة مسلحين" in (e["target_text"] or "").split("؛ "), e["target_text"]
