"""Killings by a named agent are ASSAULT (tasks/events/killings.py). Sentences written for these tests,
outside every data set and outside the written evaluation sets."""

import pytest

from tests.tasks.events.evhelp import RULES_ONLY, events, has


def _types(text):
    return {e["event_type"] for e in events(text, cfg=RULES_ONLY) if e["trigger"].lstrip("و").startswith("قتل")}


@pytest.mark.parametrize("text,actor,target", [
    ("قتل مزارع على يد مستوطنين قرب الخليل.", "مستوطنين", "مزارع"),                 # agent marker
    ("قتل فتى برصاص الشرطة عند مدخل الجامعة.", "الشرطة", "فتى"),             # 'برصاص X'
    ("وقتل حارس من قبل عصابة مسلحة فجر اليوم.", "عصابة مسلحة", "حارس"),
    ("الميليشيات قتلت عشرة مدنيين في القرية.", "الميليشيات", "عشرة مدنيين"),         # SVO with an object
    ("قتل متمردون أربعة جنود في كمين.", "متمردون", "أربعة جنود"),                    # VSO, nominative agent
    ("قتلت قوات الاحتلال شابين قرب الحاجز.", "قوات الاحتلال", None),
])
def test_a_named_killer_makes_an_assault(text, actor, target):
    evs = [e for e in events(text, cfg=RULES_ONLY) if e["event_type"] == "ASSAULT" and e["trigger"].lstrip("و").startswith("قتل")]
    assert evs, [(e["event_type"], e["trigger"]) for e in events(text, cfg=RULES_ONLY)]
    assert has(evs[0]["actor_text"], actor), evs[0]["actor_text"]
    if target:
        assert has(evs[0]["target_text"], target), evs[0]["target_text"]


@pytest.mark.parametrize("text", [
    "قتل أربعة أشخاص في انهيار مبنى بالعاصمة.",          # news passive: who died, no killer named
    "قتل الركاب الخمسة في حادث السير.",                 # a definite count is an adjective, not the object
    "خمسة عمال قتلوا في انفجار داخل المصنع.",            # the subject before is the killed
    "قتل متظاهر واحد وأصيب عشرات.",                    # 'واحد' is no object
    "قتل شاب برصاص طائش في حفل عرس.",                  # stray fire names no agent
    "وقتل مسلحون خلال الاشتباكات.",                     # militants killed: no object follows
    "قتلوا بعد ساعات من اختطافهم على يد العصابة.",       # the marker belongs to another phrase
])
def test_killings_without_a_named_killer_stay_casualties(text):
    assert _types(text) == {"CASUALTIES"}, [(e["event_type"], e["trigger"]) for e in events(text, cfg=RULES_ONLY)]


@pytest.mark.parametrize("text,salience,target", [
    ("تعرض رئيس البلدية لمحاولة قتل أمام منزله في بلدة الزرقاء أمس.", "main", "رئيس البلدية"),   # undergone
    ("أعلنت الشرطة أن التاجر نجا من محاولة قتل في مدينة صفاقس الليلة الماضية.", "main", "التاجر"),  # survived
    ("قال الجيش إن مسلحين قاموا بمحاولة لقتل ضابط كبير في مدينة حمص صباح اليوم.", "main", "ضابط كبير"),
    ("أحبطت الشرطة محاولة قتل قاض في بنغازي.", "background", None),        # prevented: a reference, no event
])
def test_an_attempted_killing_is_an_assault(text, salience, target):
    evs = [e for e in events(text, cfg=RULES_ONLY) if e["trigger"].endswith("قتل")]
    assert [e["event_type"] for e in evs] == ["ASSAULT"], [(e["event_type"], e["trigger"]) for e in events(text, cfg=RULES_ONLY)]
    assert evs[0]["salience"] == salience, evs[0]["method"]
    if target:
        assert has(evs[0]["target_text"], target), evs[0]["target_text"]


@pytest.mark.parametrize("text", [
    "قتل ثلاثة أشخاص في انهيار مبنى بمدينة سوسة.",            # no attempt noun: who died
    "وبعد محاولة، قتل الحارس في الاشتباك مع اللصوص.",          # punctuation between: no attempt of this killing
])
def test_a_killing_without_an_attempt_noun_stays_casualties(text):
    assert _types(text) == {"CASUALTIES"}, [(e["event_type"], e["trigger"]) for e in events(text, cfg=RULES_ONLY)]


@pytest.mark.parametrize("text,actor,target", [
    ("وكانت وحدة خاصة من قوات الأمن قد قتلت ثلاثة مسلحين في ضواحي مدينة الرقة.", "وحدة خاصة", "ثلاثة مسلحين"),
    ("وكان مسلحون قد قتلوا شرطيين اثنين في بلدة المنصورة.", "مسلحون", "شرطيين اثنين"),
    ("وكانت فرقة خاصة من قوات الأمن قد قتلت أول من أمس أربعة من المسلحين في بلدة الضالع.", "فرقة خاصة", "أربعة"),
    ("الشرطة قتلت أمس ثلاثة لصوص في حي الملاح.", "الشرطة", "ثلاثة لصوص"),      # SVO, the object after a time word
])
def test_a_pluperfect_killer_far_before_the_verb_makes_an_assault(text, actor, target):
    """'وكان X قد قتل Y': the subject between the past 'كان' and 'قد' is the killer (fillers.pluperfect_subject_at)."""
    evs = [e for e in events(text, cfg=RULES_ONLY) if e["event_type"] == "ASSAULT" and "قتل" in e["trigger"]]
    assert evs, [(e["event_type"], e["trigger"]) for e in events(text, cfg=RULES_ONLY)]
    assert has(evs[0]["actor_text"], actor), evs[0]["actor_text"]
    assert has(evs[0]["target_text"], target), evs[0]["target_text"]


@pytest.mark.parametrize("text", [
    "وكان ثلاثة عمال قد قتلوا في انفجار داخل المصنع.",      # the subject is the killed: no object follows
    "وكان الجنود، حسب الشهود، قد قتلوا خمسة رجال.",           # punctuation between: no pluperfect subject read
])
def test_a_pluperfect_without_a_killer_stays_casualties(text):
    assert _types(text) == {"CASUALTIES"}, [(e["event_type"], e["trigger"]) for e in events(text, cfg=RULES_ONLY)]
