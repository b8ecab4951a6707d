"""Salience (tasks/events/salience.py): main vs background, with the rule in `method`.
Sentences written for these tests, outside every data set."""

import pytest

from tests.tasks.events.evhelp import RULES_ONLY, events


def _of(text, etype):
    evs = [e for e in events(text, cfg=RULES_ONLY) if e["event_type"] == etype]
    assert evs, (etype, [(e["event_type"], e["trigger"]) for e in events(text)])
    return evs


@pytest.mark.parametrize("text,etype,rule", [
    ("احتشد آلاف المتظاهرين في الساحة الرئيسية للمدينة أمس.", "PROTEST", "verb"),
    ("أحرق المتظاهرون إطارات السيارات في الشارع الرئيسي.", "PROTEST", "participant-acting"),
    ("استهدفت غارة جوية قافلة للمسلحين قرب الحدود.", "ASSAULT", "verb"),
    ("قتل ثلاثة جنود في هجوم على حاجز عسكري صباح اليوم.", "ASSAULT", "nominal-anchored-verb"),
    ("وتعرضت سيارة الإسعاف لإطلاق نار كثيف عند مدخل القرية.", "ASSAULT", "nominal-undergone"),   # not purpose
    ("وأكد المحامي أن موكله تعرض للضرب في مركز الشرطة.", "ASSAULT", "nominal-undergone"),         # not definite
    ("نظم الأهالي مسيرة حاشدة وسط البلدة.", "PROTEST", "nominal-anchored-verb"),  # events7: 'مسيرة' is the march itself
    ("سار مئات الفلاحين في مسيرة صامتة نحو القصر.", "PROTEST", "nominal-anchored-verb"),   # not a drone: no participant
    ("بدأ الأسرى إضرابا مفتوحا عن الطعام.", "PROTEST", "nominal-anchored-verb"),         # events7: onset verbs
    ("دخل سائقو الأجرة في إضراب شامل.", "PROTEST", "nominal-anchored-verb"),
    ("نظم العمال إضرابا شاملا في المصانع.", "PROTEST", "nominal-anchored-verb"),
    ("أغلق محتجون مداخل المدينة بالحجارة.", "PROTEST", "participant-acting"),     # 'محتجون' is a trigger
])
def test_main(text, etype, rule):
    e = _of(text, etype)[0]
    assert e["salience"] == "main"
    assert e["method"].endswith("salience:" + rule)


@pytest.mark.parametrize("text,etype,rule", [
    ("أطلقت الشرطة الغاز المسيل للدموع لتفريق المتظاهرين أمام البرلمان.", "PROTEST", "participant"),
    ("اعتقلت الشرطة خمسة أشخاص متهمين بالتورط في تفجير السوق.", "ASSAULT", "reference"),
    ("هل يمكن أن تنتهي الحرب في المنطقة قبل الشتاء؟", "ASSAULT", "question"),
    ("وصلت السفينة التي خطفها قراصنة الشهر الماضي إلى الميناء.", "ASSAULT", "relative-clause"),
    ("يقول المحللون إن المسلحين يطلقون الصواريخ من المزارع.", "ASSAULT", "present"),
    ("وأدان الوزير الهجوم بشدة.", "ASSAULT", "reference"),
    ("وجاء الاغتيال في وقت حساس للحكومة.", "ASSAULT", "nominal-definite"),
    ("ونظمت الوزارة ندوة عن حقوق المتظاهرين.", "PROTEST", "participant"),       # 'نظم' with another object
    ("واعتقلت قوات الأمن محتجا قرب السفارة.", "PROTEST", "participant"),          # events7: accusative, the object
    ("واحتجزت الشرطة متظاهرا لساعات في المركز.", "PROTEST", "participant"),
])
def test_background(text, etype, rule):
    e = _of(text, etype)[0]
    assert e["salience"] == "background"
    assert e["method"].endswith("salience:" + rule)


def test_every_row_has_salience():
    for e in events("قصفت الطائرات مواقع المسلحين. وتظاهر مئات الطلاب أمام الوزارة. وبحث الوزير الأزمة مع نظيره."):
        assert e["salience"] in ("main", "background")
        assert ";salience:" in e["method"]


def test_a_happening_dated_years_back_is_background():
    import datetime as dt
    evs = [e for e in events("وكانت الطائرات قصفت المدينة في تموز 2006 ودمرت الجسر.", published=dt.date(2015, 3, 1))
           if e["trigger"] == "قصفت"]
    assert evs and evs[0]["salience"] == "background" and evs[0]["method"].endswith("salience:earlier-date")
    e = [e for e in events("قصفت الطائرات المدينة في 27 شباط 2015.", published=dt.date(2015, 3, 1))
         if e["trigger"] == "قصفت"][0]
    assert e["salience"] == "main"


def test_verb_form_after_a_preposition_or_construct_head_is_a_verbal_noun():
    e = [e for e in events("صعد القراصنة عمليات خطف السفن في خليج عدن.") if e["trigger"] == "خطف"][0]
    assert e["salience"] == "background"
    e = [e for e in events("أعلنت الجماعة مسؤوليتها عن خطف أربعة عمال.") if e["trigger"] == "خطف"][0]
    assert "salience:nominal" in e["method"]


@pytest.mark.parametrize("text,salience,rule", [
    ("وسد المحتجون الطريق السريع المؤدي إلى المطار لساعات.", "main", "participant-acting"),  # و + two-letter verb
    ("فسد المحتجون مدخل الوزارة بالإطارات المشتعلة.", "main", "participant-acting"),
    ("وأشعل المتظاهرون النار في حاويات القمامة وسط المدينة.", "main", "participant-acting"),
    ("ونفذ المتظاهرون اعتصاما أمام مبنى المحافظة.", "main", "participant-acting"),
    ("سار الطلاب متظاهرين في شوارع المدينة.", "main", "participant-acting"),       # indefinite: circumstantial
    ("خرج الطلاب متظاهرين في شوارع المدينة.", "main", "verb"),     # events9: going out with protesters is the protest
    ("وأزالت البلدية الحواجز التي قطع بها المحتجون الشارع.", "background", "participant"),   # relative clause
    ("ومنعت الشرطة توجه المتظاهرين إلى الساحة.", "background", "participant"),      # definite -ين: genitive
    ("واستخدمت الشرطة خراطيم المياه لتفريق محتجين رشقوها بالحجارة.", "background", "participant"),  # describes them
    ("وحذرت الشرطة من قيام المتظاهرين برشق السيارات.", "background", "participant"),  # verbal noun with ب
    ("وسار نحو ألف متظاهر في شوارع العاصمة أمس.", "main", "participant-acting"),   # counts between are free
    ("وخرج نحو ألف متظاهر إلى شوارع العاصمة أمس.", "main", "verb"),
    ("مليونا متظاهر ساروا في الشوارع.", "main", "participant-acting"),               # the singular after a count
    ("مليونا متظاهر خرجوا إلى الشوارع.", "main", "verb"),      # events9: the participant gives way to the verb
    ("وقتل متظاهر برصاص الشرطة في المدينة.", "background", "participant"),          # passive: he was killed
    # events13 (written, outside every data set): a verb of falling or dying makes the protester the victim
    ("وسقط متظاهر جريحا برصاص مطاطي قرب الساحة.", "background", "participant"),
    ("وتوفي محتج متأثرا بجروحه في المستشفى.", "background", "participant"),
    ("ووقعت صدامات بين الجنود ونحو مئتي متظاهر قرب الجدار.", "background", "participant"),
    # events6: a subject far from its plural verb (partitive after a count, or nominative)
    ("وقال شهود إن الآلاف من المحتجين من عمال المصانع وسكان الأحياء الفقيرة تجمعوا أمام البلدية.", "main",
     "participant-acting"),
    ("المتظاهرون في العاصمة وفي مدن أخرى خرجوا إلى الشوارع.", "main", "participant-acting"),
    ("وفرقت الشرطة عشرات من المحتجين بعد أن أغلقوا الطريق.", "background", "participant"),  # another clause
    ("وفرقت الشرطة عشرات من المحتجين بعد أن احتشدوا في الساحة.", "background", "reference"),  # events9: the verb
    ("واعتقلت الشرطة المئات من المتظاهرين الذين تجمعوا في الميدان.", "background", "participant"),  # relative
])
def test_participant_acting_by_case_and_clause(text, salience, rule):
    e = _of(text, "PROTEST")[0]
    assert (e["salience"], e["method"].rpartition("salience:")[2]) == (salience, rule)


def test_a_casualty_verb_before_an_instrument_is_active():
    e = _of("قتلت قذيفة ثلاثة مدنيين في السوق.", "ASSAULT")[0]
    assert (e["salience"], e["method"].rpartition("salience:")[2]) == ("main", "participant-acting")
    # events13: the falling verbs make people casualties, never instruments: a shell that falls is the attack
    assert any(e["salience"] == "main" for e in _of("وسقطت قذيفة على سوق شعبي في المدينة.", "ASSAULT"))


@pytest.mark.parametrize("text,trigger,salience,rule", [
    # an attempted assassination / bombing that happened is an ASSAULT event (CAMEO 185), not a reference
    ("تعرض محافظ المدينة لمحاولة اغتيال قرب منزله في حمص مساء الأحد.", "اغتيال", "main", "nominal-undergone"),
    ("وتعرض موكب رئيس بلدية القرية الشمالية السابق لمحاولة تفجير بعبوة قرب الجسر.", "تفجير", "main",
     "nominal-undergone"),                                                      # a named subject: eight words reach
    ("نجا قائد الشرطة من محاولة اغتيال على طريق المطار في مصراتة.", "اغتيال", "main", "nominal-undergone"),
    ("ونجت القافلة من هجوم بالعبوات الناسفة قرب تكريت.", "هجوم", "main", "nominal-undergone"),
    # prevented, or an attempt at something else: stays a reference
    ("أحبطت الشرطة محاولة تفجير مبنى البلدية في سوسة.", "تفجير", "background", "reference"),
    ("وأصيب التاجر بجروح بعد محاولة خطفه أمام متجره في طرابلس.", "خطفه", "background", "reference"),
    ("واعتقلت الشرطة المتهمين بمحاولة اغتيال الوزير في المنامة.", "اغتيال", "background", "reference"),
])
def test_attempted_assault(text, trigger, salience, rule):
    e = [e for e in _of(text, "ASSAULT") if e["trigger"] == trigger][0]
    assert (e["salience"], e["method"].split("salience:")[-1]) == (salience, rule)


def test_an_attempt_at_escape_stays_a_reference():
    evs = [e for e in events("وتعرض الحارس لمحاولة فرار جماعي من السجن المركزي في بنغازي.", cfg=RULES_ONLY)
           if e["trigger"] == "فرار"]
    assert evs and evs[0]["salience"] == "background" and evs[0]["method"].endswith("salience:reference")


@pytest.mark.parametrize("text,etype,trigger,salience,rule", [
    # a reference word inside a unit's name is no reference cue for the trigger after the name
    ("وكانت وحدة من قوات مكافحة الإرهاب قد قتلت أمس خمسة مسلحين في بلدة العريش.", "ASSAULT", "قتلت", "main", "verb"),
    ("وقال ضابط إن دورية لقوات مكافحة الإرهاب هاجمت مخبأ للمهربين قرب الحدود الجنوبية.", "ASSAULT", "هاجمت", "main", "verb"),
    # right before the trigger it governs it: the riot police are no riot
    ("واستخدمت شرطة مكافحة الشغب الغاز المسيل للدموع في ساحة الجامعة.", "PROTEST", "الشغب", "background", "reference"),
    # no unit head before it: still a reference
    ("وبعد مكافحة التهريب هاجم مسلحون مركزا للجمارك.", "ASSAULT", "هاجم", "background", "reference"),
])
def test_a_reference_word_in_a_unit_name(text, etype, trigger, salience, rule):
    e = [e for e in _of(text, etype) if e["trigger"] == trigger]
    assert e, [(x["event_type"], x["trigger"]) for x in events(text, cfg=RULES_ONLY)]
    assert (e[0]["salience"], e[0]["method"].split("salience:")[-1]) == (salience, rule)
