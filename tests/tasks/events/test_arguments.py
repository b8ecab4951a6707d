"""Argument rules of the events stage (second pass), each on sentences written for the test."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.text.normalise import normalize
from tasks.events import words_of
from akhbar.text.tokens import TOKEN
from tests.tasks.events.evhelp import events, has, one


# (sentence, event type, {role: phrase the annotator expects}); roles are *_text columns
CASES = [
    # VSO: a definite phrase after the verb is the subject, the next phrase the object
    ("قصفت المدفعية التركية مخازن ذخيرة في ريف الحسكة.", "ASSAULT",
     {"actor": "المدفعية التركية", "target": "مخازن ذخيرة", "location": "ريف الحسكة"}),
    # SVO inside an أن clause; a counted phrase after the verb is the object
    ("وأكدت الشرطة أن قوات الأمن اعتقلت أربعة مشتبهين في المدينة.", "COERCE",
     {"actor": "قوات الأمن", "target": "أربعة مشتبهين"}),
    # a count or a case change after a nominative subject opens the object (events6)
    ("خطف مسلحون أربعة بحارة قبالة السواحل.", "ASSAULT", {"actor": "مسلحون", "target": "أربعة بحارة"}),
    ("هاجم الجيش خمسة مسلحين في كمين ليلي.", "ASSAULT", {"actor": "الجيش", "target": "خمسة مسلحين"}),
    ("خطف متمردون شرطيين اثنين على الطريق.", "ASSAULT", {"actor": "متمردون", "target": "شرطيين اثنين"}),
    ("هاجم مسلحون ملثمون قافلة للإغاثة.", "ASSAULT", {"actor": "مسلحون ملثمون", "target": "قافلة"}),
    ("اقتحم متمردون مستشفى في البلدة.", "ASSAULT", {"actor": "متمردون", "target": "مستشفى"}),
    # an indefinite plural in -ون right after the verb is its subject, not its object
    ("أطلق مستوطنون النار على راع قرب القرية.", "ASSAULT", {"actor": "مستوطنون", "target": "راع"}),
    # a verb with no object: the phrase after it is its subject, never its target (events8)
    ("انفجرت أمس عبوة ناسفة في سوق الخضار.", "ASSAULT", {"actor": "عبوة ناسفة"}),
    ("وقالت الشرطة إن قنبلة انفجرت قرب المحكمة.", "ASSAULT", {"actor": "قنبلة"}),
    # what is fired is no target: the target follows 'على' (events8)
    ("أطلقت القوات عشرات القذائف على القرية فجر اليوم.", "ASSAULT", {"actor": "القوات", "target": "القرية"}),
    ("وقال سكان إن دبابات أميركية أطلقت نيرانها على الحي الشرقي.", "ASSAULT",
     {"actor": "دبابات أميركية", "target": "الحي الشرقي"}),
    ("أطلقت طائرة مسيرة صاروخين على سيارة في المدينة.", "ASSAULT", {"actor": "طائرة مسيرة", "target": "سيارة"}),
    # protesters attacked: a PROTEST trigger word can be an attack's object (events8)
    ("أطلقت الشرطة الرصاص المطاطي على المتظاهرين.", "ASSAULT", {"actor": "الشرطة", "target": "المتظاهرين"}),
    ("ضرب رجال الشرطة متظاهرا بالهراوات.", "ASSAULT", {"actor": "رجال الشرطة", "target": "متظاهرا"}),
    ("هاجمت قوات الأمن المحتجين في الساحة.", "ASSAULT", {"actor": "قوات الأمن", "target": "المحتجين"}),
    # a construct plural in -و after the verb is its subject (nominative), not its object (events8)
    ("أضرب سائقو الحافلات عن العمل في المدينة.", "PROTEST", {"actor": "سائقو الحافلات"}),
    ("اختطف مسلحو الجماعة موظفي الإغاثة.", "ASSAULT", {"actor": "مسلحو الجماعة", "target": "موظفي"}),
    # VSO with an indefinite subject: the accusative phrase after it is the object (events8)
    ("استهدف مفجر انتحاري مركزا للشرطة في المدينة.", "ASSAULT", {"actor": "مفجر انتحاري", "target": "مركزا"}),
    ("خطف مسلح ملثم طفلا من أمام المدرسة.", "ASSAULT", {"actor": "مسلح ملثم", "target": "طفلا"}),
    # agent markers
    ("تعرض موكب الوزير لهجوم من قبل مسلحين مجهولين.", "ASSAULT", {"actor": "مسلحين مجهولين"}),
    ("قتل الصحافي على يد قناص في المدينة القديمة.", "ASSAULT", {"actor": "قناص", "target": "الصحافي"}),  # events6
    # the genitive of a verbal noun (إضافة)
    ("أعلنت الحكومة مقتل قيادي بارز في الجماعة.", "CASUALTIES", {"target": "قيادي بارز"}),
    ("ندد الرئيس باستهداف الصحافيين الأجانب.", "ASSAULT", {"target": "الصحافيين الأجانب"}),
    # 'على X' and 'ضد X'
    ("شن المتمردون هجوما على قافلة إغاثة شمال البلاد.", "ASSAULT", {"target": "قافلة إغاثة"}),
    ("أطلق الجيش عملية عسكرية ضد عصابات التهريب.", "ASSAULT", {"target": "عصابات التهريب"}),
    # the losing side of a control change
    ("حررت القوات الحكومية بلدة الحمدانية من المتمردين.", "CONTROL_CHANGE", {"target": "المتمردين"}),
    # the site, one relational noun after the preposition
    ("قصفت الطائرات مواقع المسلحين في محيط مدينة الرمادي.", "ASSAULT", {"location": "مدينة الرمادي"}),
    # a gentilic NORP mention takes its noun
    ("قصفت الطائرات الروسية مواقع في إدلب.", "ASSAULT", {"actor": "الطائرات الروسية"}),
    # third pass: a time adverbial between the verb and its subject
    ("قصفت مساء أمس الطائرات الحربية مواقع للمتمردين.", "ASSAULT", {"actor": "الطائرات الحربية"}),
    # a control verb's subject does the act of its complement
    ("حاول عشرات السجناء الفرار من سجن المدينة.", "ESCAPE", {"actor": "عشرات السجناء"}),
    # the addressee of a request does the requested act
    ("طالبت الأمم المتحدة السكان بإخلاء الحي فورا.", "EVACUATE", {"actor": "السكان"}),
    # an agentive genitive followed by an object is the subject
    ("أدانت الحكومة اختطاف جماعة مسلحة عمالا أجانب.", "ASSAULT", {"actor": "جماعة مسلحة", "target": "عمالا أجانب"}),
    # 'ل' + an armed actor after an attack noun and its adjective
    ("تواصلت الغارات الجوية للطائرات الحربية على أحياء المدينة.", "ASSAULT", {"actor": "الطائرات الحربية"}),
    # a part-of place takes its city
    ("استعادت القوات الجانب الشرقي من مدينة حلب.", "CONTROL_CHANGE", {"actor": "القوات", "location": "مدينة حلب"}),
    # a subject opening the أن-clause: the name after the verb is the object
    ("وقال المتحدث إن الوزير سيلتقي الرئيس الفرنسي في باريس.", "CONSULT", {"actor": "الوزير"}),
    # the support verb after the noun points back to it with a pronoun; its subject acts
    ("تصاعدت الهجمات التي تشنها الميليشيات المسلحة على القرى.", "ASSAULT", {"actor": "الميليشيات المسلحة"}),
    ("أدانت المنظمة الغارات التي قامت بها الطائرات الحربية.", "ASSAULT", {"actor": "الطائرات الحربية"}),
    # coordinated head-noun phrases ('X وY') are both actors
    ("قصفت المدفعية وطائرات الجيش مواقع المتمردين.", "ASSAULT", {"actor": "طائرات الجيش"}),
    # the addressee of a request is the actor of the act it asks for, even after a participle's agent
    ("دعت السلطات الأهالي المحاصرين من قبل المتمردين إلى الخروج من الحي.", "EVACUATE", {"actor": "الأهالي"}),
    # the object after a time adverbial (a time expression, with 'قبل'/'بعد' before it) (events11)
    ("اغتالت مجموعة مسلحة فجر اليوم مختار القرية في ريف إدلب.", "ASSAULT",
     {"actor": "مجموعة مسلحة", "target": "مختار القرية"}),
    ("وقد اغتال مسلحون قبل ظهر أمس الأربعاء ضابطا في الموصل.", "ASSAULT", {"actor": "مسلحون", "target": "ضابطا"}),
    ("قصفت الطائرات صباح اليوم مواقع المسلحين قرب درعا.", "ASSAULT",
     {"actor": "الطائرات", "target": "مواقع المسلحين"}),
    ("اعتقلت الشرطة مساء الثلاثاء ثلاثة شبان في الخليل.", "COERCE", {"actor": "الشرطة", "target": "ثلاثة شبان"}),
]


@pytest.mark.parametrize("text,etype,expected", CASES)
def test_argument_rules(text, etype, expected):
    e = one(text, etype)
    for role, phrase in expected.items():
        assert has(e[f"{role}_text"], phrase), (role, e[f"{role}_text"])


def test_the_subject_of_an_explosion_is_no_target():
    e = one("انفجرت عبوة ناسفة قرب دورية للجيش.", "ASSAULT")
    assert not has(e["target_text"], "عبوة ناسفة") and has(e["actor_text"], "عبوة ناسفة")
    e = one("وانفجرت خمس قذائف هاون قرب مقر الحكومة.", "ASSAULT")    # the count and what it counts
    assert has(e["actor_text"], "خمس قذائف") and "قذائف" in e["actor_text"]
    e = one("وقالت السلطات إن قنبلة انفجرت أمس شمال إسبانيا.", "ASSAULT")    # a place after the verb is no subject
    assert has(e["actor_text"], "قنبلة") and not has(e["actor_text"], "شمال إسبانيا")
    e = one("انفجرت في السوق قنبلة يدوية.", "ASSAULT")    # a prepositional phrase after the verb is no subject
    assert e["actor_text"] is None or not has(e["actor_text"], "السوق")


def test_the_fired_is_never_part_of_actor_or_target():
    e = one("أطلقت طائرة مسيرة صاروخين على سيارة في المدينة.", "ASSAULT")
    assert not has(e["actor_text"], "صاروخين") and not has(e["target_text"], "صاروخين")
    e = one("أطلقت القوات عشرات القذائف على القرية فجر اليوم.", "ASSAULT")
    assert not has(e["target_text"], "عشرات القذائف")
    e = one("قصفت المدفعية عدة قرى في الريف.", "ASSAULT")       # a count before a non-projectile stays the target
    assert has(e["target_text"], "عدة قرى")


def test_protesters_are_not_the_target_of_their_own_attack():
    e = one("هاجم المتظاهرون مركزا للشرطة.", "ASSAULT")
    assert has(e["actor_text"], "المتظاهرون") and not has(e["target_text"], "المتظاهرون")


def test_attached_pronoun_blocks_a_second_object():
    e = one("وكان التنظيم قد أعلن استهدافهم الأسبوع الماضي.", "ASSAULT")
    assert e["target_text"] is None


def test_territory_is_not_the_target_and_cooperation_has_no_site():
    e = one("حررت القوات الحكومية بلدة الحمدانية من المتمردين.", "CONTROL_CHANGE")
    assert "الحمدانية" not in (e["target_text"] or "")
    evs = [x for x in events("أكد الوزير التنسيق مع تركيا في مكافحة الإرهاب.") if x["event_type"] == "COOPERATE"]
    assert all(x["location_text"] is None for x in evs)


def test_time_only_from_the_trigger_clause():
    text = "انسحبت القوات من البلدة، فيما وصلت تعزيزات إلى المطار يوم الأحد."
    ev = {x["event_type"]: x for x in events(text)}
    assert ev["RETREAT"]["date_text"] is None
    assert ev["MOBILIZE"]["date_text"] is not None and "الأحد" in ev["MOBILIZE"]["date_text"]
    # a time expression set off by commas still dates its event
    e = one("واقتحمت القوات، أمس، حي الزهراء.", "ASSAULT")
    assert e["date_text"] == "أمس"


def test_gentilic_norp_takes_its_noun():
    e = one("قصفت الطائرات الروسية مواقع في إدلب.", "ASSAULT")
    assert has(e["actor_text"], "الطائرات الروسية")


def test_pronoun_subject_resolves_to_last_actor_when_the_verb_agrees():
    text = "وصل وزير الخارجية البريطاني إلى بغداد. وسيلتقي خلال زيارته رئيس الوزراء."
    consult = [x for x in events(text) if x["event_type"] == "CONSULT"]
    assert len(consult) >= 2
    assert all(has(x["actor_text"], "وزير الخارجية البريطاني") for x in consult)
    # a feminine verb does not take a masculine antecedent
    text = "وصل وزير الخارجية البريطاني إلى بغداد. واستهدفت غارة مخزنا للأسلحة."
    assault = one(text, "ASSAULT")
    assert not has(assault["actor_text"], "وزير الخارجية البريطاني")


def test_spans_are_exact():
    text = "قصفت المدفعية التركية مخازن ذخيرة في ريف الحسكة، وقتل جندي على يد قناص وأصيب اثنان."
    evs = events(text)
    assert {"ASSAULT", "CASUALTIES"} <= {e["event_type"] for e in evs}, evs   # nothing predicted is a failure
    for e in evs:
        for role in ("location", "origin", "destination"):
            assert e[f"{role}_text"] is None or e[f"{role}_text"] in text
        for role in ("actor", "target"):
            for part in (e[f"{role}_text"] or "").split("؛ "):
                assert part in text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("قتل الجيش،.«»\u064e\u0640\u200f 12\n\tأب:؛")), max_size=80))
def test_words_of_locates_every_token(text):
    """str.find-based token location agrees with the token regex's own spans, gaps included."""
    words, trailing = words_of(text, 0, len(text))
    spans = [(m.start(), m.end()) for m in TOKEN.finditer(text)
             if any(c.isalnum() for c in m.group()) and normalize(m.group())]
    assert [(w.start, w.end) for w in words] == spans
    for w in words:
        assert normalize(text[w.start:w.end]) == w.norm


def test_prepositional_phrase_is_not_the_subject():
    e = one("أطلقت القوات الحكومية بدعم من الطيران الروسي عملية عسكرية في ريف حماة.", "ASSAULT")
    assert has(e["actor_text"], "القوات الحكومية") and "الطيران" not in e["actor_text"]


def test_passive_gets_no_actor_and_instrument_shares_the_site():
    evs = events("قتل قيادي في الجماعة بغارة جوية في ريف درعا.")
    by_type = {e["event_type"]: e for e in evs}
    assert by_type["ASSAULT"]["actor_text"] is None            # 'الجماعة' follows 'في': no subject
    assert has(by_type["CASUALTIES"]["location_text"], "ريف درعا")


def test_vague_place_alone_is_no_site():
    e = one("خسر التنظيم مناطق واسعة خلال العام الماضي.", "CONTROL_CHANGE")
    assert e["location_text"] is None


# --- third pass: participle agents, conjoined verbs, names that start with ب/ل ---------------


def test_participle_agent_is_not_the_event_actor():
    e = one("دعت السلطات الأهالي المحاصرين من قبل المتمردين إلى الخروج من الحي.", "REQUEST")
    assert has(e["actor_text"], "السلطات") and "المتمردين" not in e["actor_text"]


def test_conjoined_verb_shares_the_subject():
    evs = [e for e in events("وذكر البيان أن مقاتلي الجماعة هاجموا نقطة عسكرية، ودمروا آلية مدرعة.")
           if e["event_type"] == "ASSAULT"]
    assert len(evs) == 2 and all(has(e["actor_text"], "مقاتلي الجماعة") for e in evs), evs


def test_name_starting_with_a_preposition_letter_is_a_genitive():
    evs = events("وصل أنتوني بلينكن إلى عمان. وبدأت جولة بلينكن أمس.")
    tours = [e for e in evs if e["event_type"] == "CONSULT" and e["trigger"] == "جولة"]
    assert tours and has(tours[0]["actor_text"], "بلينكن")


# --- movement events: actor, origin, destination ---------------------------------------------
def test_escape_with_actor_and_place():
    text = "وقال مسؤول إن أبو بكر البغدادي غادر الموصل."
    e = one(text, "ESCAPE")
    assert text[e["trigger_start"]:e["trigger_end"]] == "غادر"
    # entity ids belong to the entities stage: check the surfaces and that ids were carried over
    assert e["actor_text"] == "أبو بكر البغدادي" and len(e["actor_entity_ids"]) == 1
    assert e["origin_text"] == e["location_text"] == "الموصل" and e["origin_entity_id"] is not None
    assert e["modality"] == "claimed" and e["source_text"] == "مسؤول"


def test_origin_and_destination():
    e = one("هروب عكسي لقيادات داعش من سوريا إلى العراق.", "ESCAPE")
    assert (e["origin_text"], e["destination_text"]) == ("سوريا", "العراق")
    assert e["origin_entity_id"] and e["destination_entity_id"] and e["origin_entity_id"] != e["destination_entity_id"]


def test_a_suicide_adjective_after_the_attack_noun_is_no_actor():
    e = one("قتل عشرون شخصا في هجوم انتحاري منسق على السوق.", "ASSAULT")
    assert e["actor_text"] is None or not has(e["actor_text"], "انتحاري منسق")
    e = one("نفذ انتحاري هجوما على الحاجز.", "ASSAULT")          # the bomber as the support verb's subject stays
    assert has(e["actor_text"], "انتحاري")


@pytest.mark.parametrize("text,actor,target", [
    ("تظاهر آلاف الطلاب أمس في مدينة قسنطينة ضد الحكومة.", "آلاف الطلاب", "الحكومة"),   # the target only after 'ضد'
    ("وفي وهران (كريم بلقاسم)، تجمع عدد من أنصار النقابة بعد الظهر في ساحة البلدية.", "عدد من أنصار النقابة", None),
    ("اعتصم عشرات الأطباء أمام وزارة الصحة في الرباط.", "عشرات الأطباء", None),
    ("خرج آلاف المحتجين إلى شوارع مدينة بنزرت.", "آلاف المحتجين", None),
    ("وتجمع امس متظاهرون في مدينة صور.", "متظاهرون", None),          # protesters though they are a trigger
    ("وسط إجراءات أمنية اتخذها الجيش، احتشد المحتجون في ساحة البلدة.", "المحتجون", None),
])
def test_a_protest_verb_takes_no_object(text, actor, target):
    """The noun phrase after a protest verb is its subject, never its target (intransitive_verbs)."""
    e = next(e for e in events(text) if e["event_type"] == "PROTEST" and e["method"].endswith("salience:verb"))
    assert has(e["actor_text"], actor), e["actor_text"]
    if target:
        assert has(e["target_text"], target), e["target_text"]
    else:
        assert not e["target_text"], e["target_text"]


def test_a_locative_adverb_opens_no_subject():
    e = one("وكان مئات العمال قد احتشدوا خارج مبنى الولاية في مدينة سطيف.", "PROTEST")
    assert not e["actor_text"] or "خارج" not in e["actor_text"], e["actor_text"]
    assert not e["target_text"] or "خارج" not in e["target_text"], e["target_text"]


def test_a_pluperfect_subject_far_before_the_verb_is_the_actor():
    e = one("وكانت مجموعة مسلحة مجهولة قد هاجمت مركزا للشرطة في بلدة الشيخ مسكين ليل الأحد.", "ASSAULT")
    assert has(e["actor_text"], "مجموعة مسلحة مجهولة"), e["actor_text"]
    assert has(e["target_text"], "مركزا"), e["target_text"]


def test_apart_is_no_overlap_with_any_filler():
    """evspeed8: `_apart` (a loop replacing a generator in `arguments`); fillers written for the test."""
    from tasks.events.arguments import _apart
    from tasks.events.words import Filler
    f = Filler(10, 20, "x", None, 3, 4)
    assert _apart(f, []) and _apart(f, [Filler(0, 5, "y", None, 0, 2), Filler(30, 40, "z", None, 5, 6)])
    assert not _apart(f, [Filler(0, 12, "y", None, 2, 3)])
