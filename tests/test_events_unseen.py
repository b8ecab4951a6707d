"""Generalisation check: Arabic news sentences that are NOT from the seeds (docs/events.md reports the score).

Each case lists the events a careful annotator expects (type, modality). A case scores one
point per expected event found with the right type, and one per right modality. The
sentences were written for this test (Yemen, Libya, Gaza, Lebanon, Afghanistan, Iraq, Sudan)
before the rules were run on them; no rule was added for a specific sentence.
"""

from tasks.entities import extract_mentions
from tasks.events import Carry, extract_sentence_events
from tasks.segment import split_sentences

CASES = [
    ("قتل خمسة أشخاص وأصيب 12 آخرون في انفجار سيارة مفخخة استهدف سوقا شعبيا في مدينة كابول صباح اليوم.",
     [("CASUALTIES", "asserted"), ("ASSAULT", "asserted")]),
    ("شنت طائرات التحالف بقيادة السعودية غارات جوية على مواقع للحوثيين في محافظة صعدة شمال اليمن، وفق ما أفادت وكالة الأنباء اليمنية.",
     [("ASSAULT", "claimed")]),
    ("تظاهر آلاف المحتجين في ساحة الشهداء وسط بيروت احتجاجا على تردي الأوضاع المعيشية.",
     [("PROTEST", "asserted")]),
    ("أعلنت الشرطة الأفغانية اعتقال ثلاثة مشتبه بهم على صلة بالهجوم الانتحاري الذي استهدف مسجدا في قندهار.",
     [("COERCE", "claimed"), ("ASSAULT", "claimed")]),
    ("نفى المتحدث باسم حركة حماس وجود أي مفاوضات مع إسرائيل بشأن صفقة لتبادل الأسرى.",
     [("CONSULT", "denied")]),
    ("من المقرر أن تستضيف جنيف جولة جديدة من المحادثات بين الأطراف الليبية الأسبوع المقبل.",
     [("CONSULT", "future")]),
    ("اتهمت الحكومة اليمنية الحوثيين باستهداف ناقلة نفط في ميناء الحديدة.",
     [("ACCUSE", "asserted"), ("ASSAULT", "accused")]),
    ("أفادت مصادر محلية بأن مسلحين مجهولين خطفوا مهندسين أجنبيين في جنوب ليبيا.",
     [("ASSAULT", "reported")]),
    ("قال الجيش الإسرائيلي إنه قصف مواقع لحزب الله في جنوب لبنان ردا على إطلاق صواريخ من الأراضي اللبنانية.",
     [("ASSAULT", "claimed"), ("ASSAULT", "claimed")]),
    ("إذا فشلت المفاوضات فإن الجيش سيشن هجوما واسعا على المدينة.",
     [("CONSULT", "hypothetical"), ("ASSAULT", "hypothetical")]),
    ("انسحبت القوات الحكومية من بلدة حريب بعد معارك عنيفة مع الحوثيين استمرت أياما.",
     [("RETREAT", "asserted"), ("ASSAULT", "asserted")]),
    ("أجلت السلطات الليبية مئات العائلات من مدينة درنة بعد الفيضانات.",
     [("EVACUATE", "asserted")]),
    ("فرضت الولايات المتحدة عقوبات جديدة على قادة في حزب الله.",
     [("SANCTION", "asserted")]),
    ("هددت حركة طالبان بمهاجمة القوات الأجنبية إذا لم تنسحب من البلاد.",
     [("THREATEN", "asserted"), ("RETREAT", "hypothetical")]),
    ("أكد مسؤول أمني عراقي أن قوات الأمن استعادت السيطرة على قرية في محافظة ديالى بعد طرد عناصر داعش منها.",
     [("CONTROL_CHANGE", "claimed"), ("CONTROL_CHANGE", "claimed")]),
    ("أفرجت السلطات المصرية عن عشرات المعتقلين السياسيين بموجب عفو رئاسي.",
     [("RETREAT", "asserted")]),
    ("وقعت الحكومة السودانية وحركات مسلحة اتفاق سلام في جوبا.",
     [("AGREE", "asserted")]),
    ("تشير تقارير إلى أن سجناء فروا من السجن خلال الاشتباكات في طرابلس.",
     [("ESCAPE", "reported"), ("ASSAULT", "reported")]),
    ("وصل وزير الخارجية التركي إلى طهران في زيارة رسمية تستمر يومين.",
     [("CONSULT", "asserted")]),
    ("ستنشر الأمم المتحدة ألف جندي إضافي في جنوب السودان لحماية المدنيين.",
     [("MOBILIZE", "future")]),
]


# Held out: written after the rules were frozen for this test and scored once, never tuned on.
HELD_OUT = [
    ("لقي ثلاثة جنود مصرعهم وأصيب خمسة آخرون بانفجار عبوة ناسفة استهدفت دورية عسكرية في شمال سيناء.",
     [("CASUALTIES", "asserted"), ("ASSAULT", "asserted")]),
    ("أطلق مسلحون النار على حافلة تقل عمالا في ولاية ننغرهار شرق أفغانستان، ما أسفر عن مقتل سبعة منهم.",
     [("ASSAULT", "asserted"), ("CASUALTIES", "asserted")]),
    ("ذكرت وكالة الأنباء الفلسطينية أن القوات الإسرائيلية اعتقلت 15 فلسطينيا خلال مداهمات في الضفة الغربية فجر اليوم.",
     [("COERCE", "claimed"), ("COERCE", "claimed")]),
    ("يعتزم الرئيس الفرنسي زيارة بيروت الأسبوع المقبل للقاء المسؤولين اللبنانيين.",
     [("CONSULT", "future")]),
    ("طالب المحتجون في الخرطوم بتسليم السلطة إلى حكومة مدنية.",
     [("REQUEST", "asserted")]),
    ("رفضت جماعة الحوثي المقترح الأممي لوقف إطلاق النار في الحديدة.",
     [("REJECT", "asserted")]),
    ("قالت مصادر طبية إن حصيلة القصف المدفعي على بلدة في ريف إدلب ارتفعت إلى 9 قتلى.",
     [("ASSAULT", "reported"), ("CASUALTIES", "reported")]),
    ("لم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن.",
     [("ASSAULT", "asserted")]),
    ("في حال انهيار الهدنة، قد تستأنف الفصائل هجماتها على مواقع الجيش.",
     [("ASSAULT", "hypothetical")]),
    ("نزح أكثر من عشرة آلاف شخص من منازلهم جراء المعارك في مدينة مأرب، بحسب الأمم المتحدة.",
     [("EVACUATE", "claimed"), ("ASSAULT", "claimed")]),
]


def predict(text: str) -> list[dict]:
    out, carry = [], Carry()
    for i, (a, b) in enumerate(split_sentences(text)):
        mentions = extract_mentions("u", text, [(i, a, b)], "r")
        out += extract_sentence_events("u", text, i, a, b, mentions, "r", carry=carry)
    return out


def score(cases=CASES) -> tuple[float, float, list[str]]:
    found = right = total = 0
    misses = []
    for text, expected in cases:
        events = predict(text)
        pool = list(events)
        for etype, modality in expected:
            total += 1
            cands = [e for e in pool if e["event_type"] == etype]
            if not cands:
                misses.append(f"missing {etype}: {text}")
                continue
            best = next((e for e in cands if e["modality"] == modality), cands[0])
            pool.remove(best)
            found += 1
            if best["modality"] == modality:
                right += 1
            else:
                misses.append(f"{etype} modality {best['modality']} != {modality}: {text}")
    return found / total, right / max(found, 1), misses


def test_unseen_sentences_type_and_modality():
    detection, modality, misses = score()
    print(f"unseen: detection {detection:.2f}, modality accuracy {modality:.2f}")
    for m in misses:
        print("  ", m)
    assert detection >= 0.85, misses
    assert modality >= 0.75, misses


def test_held_out_sentences():
    detection, modality, misses = score(HELD_OUT)
    print(f"held out: detection {detection:.2f}, modality accuracy {modality:.2f}")
    for m in misses:
        print("  ", m)
    assert detection >= 0.7, misses
    assert modality >= 0.6, misses


def test_unseen_spans_are_exact():
    for text, _ in CASES + HELD_OUT:
        for e in predict(text):
            assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
            assert e["start"] <= e["trigger_start"] < e["trigger_end"] <= e["end"]


# Arguments held out: written before the argument rules of the second pass were touched, scored
# as-is (docs/events.md gives the first-run and current figures). Per expected event: type and
# the actor / target / location a careful annotator gives (None = none expected). The guideline
# applies: for CONTROL_CHANGE the territory is the location and the losing side the target.
ARG_HELD_OUT = [
    ("اعتقلت قوات الأمن التركية عشرين مشتبها بانتمائهم إلى تنظيم داعش في مدينة إسطنبول.",
     [("COERCE", "قوات الأمن التركية", "عشرين مشتبها", "مدينة إسطنبول")]),
    ("قصفت المدفعية الروسية مواقع للمعارضة السورية في ريف حلب الغربي أمس.",
     [("ASSAULT", "المدفعية الروسية", "مواقع للمعارضة السورية", "ريف حلب الغربي")]),
    ("أعلن الجيش النيجيري مقتل قائد ميداني في جماعة بوكو حرام خلال اشتباكات في ولاية بورنو.",
     [("CASUALTIES", None, "قائد ميداني في جماعة بوكو حرام", "ولاية بورنو")]),
    ("تعرضت دورية تابعة لقوات اليونيفيل لهجوم من قبل مسلحين مجهولين قرب بلدة العاقبية في جنوب لبنان.",
     [("ASSAULT", "مسلحين مجهولين", "دورية تابعة لقوات اليونيفيل", "بلدة العاقبية")]),
    ("شنت حركة الشباب هجوما على قاعدة عسكرية للجيش الصومالي في إقليم شبيلي السفلى.",
     [("ASSAULT", "حركة الشباب", "قاعدة عسكرية للجيش الصومالي", "إقليم شبيلي السفلى")]),
    ("استعادت القوات الحكومية السيطرة على مدينة تدمر من تنظيم داعش بعد معارك عنيفة.",
     [("CONTROL_CHANGE", "القوات الحكومية", "تنظيم داعش", "مدينة تدمر")]),
    ("وقال الوزير، الذي وصل من باريس، إن الطيران الحربي استهدف مخازن أسلحة تابعة للميليشيات في محيط مدينة سرت.",
     [("ASSAULT", "الطيران الحربي", "مخازن أسلحة تابعة للميليشيات", "مدينة سرت")]),
    ("قتل جندي إسرائيلي على يد مسلح فلسطيني عند حاجز عسكري قرب مدينة نابلس.",
     [("CASUALTIES", "مسلح فلسطيني", "جندي إسرائيلي", "مدينة نابلس")]),
    ("نفذت القوات الأمريكية عملية إنزال ضد قيادي في تنظيم القاعدة في محافظة البيضاء وسط اليمن.",
     [("ASSAULT", "القوات الأمريكية", "قيادي في تنظيم القاعدة", "محافظة البيضاء")]),
    ("التقى وزير الخارجية المصري نظيره الأردني في عمان لبحث الأوضاع في غزة.",
     [("CONSULT", "وزير الخارجية المصري", "نظيره الأردني", "عمان")]),
]

ROLES = ("actor", "target", "location")


def score_arguments(cases=ARG_HELD_OUT) -> tuple[dict, list[str]]:
    """Per role (tp, fp, fn) over expected events found by type; phrases match as in `akhbar eval events`."""
    from akhbar.eval_events import LIST_SEP, same_phrase
    counts = {r: [0, 0, 0] for r in ROLES}
    notes = []
    for text, expected in cases:
        pool = predict(text)
        for etype, *gold in expected:
            cands = [e for e in pool if e["event_type"] == etype]
            if not cands:
                notes.append(f"missing {etype}: {text}")
                continue
            e = cands[0]
            pool.remove(e)
            for role, g in zip(ROLES, gold):
                raw = e[f"{role}_text"]
                pred = raw.split(LIST_SEP) if raw else []
                hit = g is not None and any(same_phrase(g, p) for p in pred)
                c = counts[role]
                c[0] += hit
                c[1] += len(pred) - hit
                c[2] += g is not None and not hit
                if not hit and (g or pred):
                    notes.append(f"{etype} {role}: expected {g!r}, got {raw!r}")
    return counts, notes


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(2 * tp + fp + fn, 1)


def test_held_out_arguments():
    counts, notes = score_arguments()
    print("held-out arguments:", {r: round(f1(*c), 2) for r, c in counts.items()}, counts)
    for n in notes:
        print("  ", n)
    assert all(f1(*c) >= 0.6 for c in counts.values()), (counts, notes)   # first run: target 0.18


# Third pass (actor recall): 10 more sentences, written and committed before any third-pass rule
# and scored as-is first (docs/events.md gives the first-run and final figures). They cover the
# word orders the pass targets: a time adverbial between verb and subject, SVO with a topic, a
# complement clause under 'تمكن من', a verbal noun with its agent in the genitive, coordinated
# subjects, passives (no actor), a head-noun subject without a name, a relative clause.
ARG_HELD_OUT_3 = [
    ("استهدفت صباح اليوم طائرة مسيرة تابعة للحوثيين سفينة تجارية قبالة سواحل الحديدة.",
     [("ASSAULT", "طائرة مسيرة تابعة للحوثيين", "سفينة تجارية", "سواحل الحديدة")]),
    ("الجيش السوداني قصف مواقع لقوات الدعم السريع في مدينة أم درمان.",
     [("ASSAULT", "الجيش السوداني", "مواقع لقوات الدعم السريع", "مدينة أم درمان")]),
    ("تمكن مسلحون من اقتحام مقر الحكومة في طرابلس فجر اليوم.",
     [("ASSAULT", "مسلحون", "مقر الحكومة", "طرابلس")]),
    ("أدان الاتحاد الأوروبي قصف الطائرات الإسرائيلية مدرسة تؤوي نازحين في خان يونس.",
     [("ASSAULT", "الطائرات الإسرائيلية", "مدرسة تؤوي نازحين", "خان يونس")]),
    ("شنت القوات التركية والفصائل الموالية لها هجوما على بلدة عين عيسى في ريف الرقة.",
     [("ASSAULT", "القوات التركية والفصائل الموالية لها", "بلدة عين عيسى", "ريف الرقة")]),
    ("قتل قيادي في تنظيم القاعدة بغارة جوية في محافظة شبوة.",
     [("CASUALTIES", None, "قيادي في تنظيم القاعدة", "محافظة شبوة"),
      ("ASSAULT", None, None, "محافظة شبوة")]),
    ("تظاهر مئات الطلاب أمام مقر البرلمان في طرابلس احتجاجا على تأخر صرف المنح.",
     [("PROTEST", "مئات الطلاب", None, "طرابلس")]),
    ("دفعت قوات حفتر بتعزيزات عسكرية كبيرة نحو مدينة سرت.",
     [("MOBILIZE", "قوات حفتر", None, "مدينة سرت")]),
    ("قالت الشرطة إن المسلحين الذين هاجموا نقطة تفتيش في عدن فروا باتجاه محافظة أبين.",
     [("ASSAULT", "المسلحين", "نقطة تفتيش", "عدن"),
      ("ESCAPE", "المسلحين", None, None)]),
    ("هاجمت فجر اليوم مجموعة مسلحة مركزا للشرطة في مدينة نيالا بجنوب دارفور.",
     [("ASSAULT", "مجموعة مسلحة", "مركزا للشرطة", "مدينة نيالا")]),
]


def test_held_out_arguments_third_pass():
    counts, notes = score_arguments(ARG_HELD_OUT_3)
    print("held-out arguments (third pass):", {r: round(f1(*c), 2) for r, c in counts.items()}, counts)
    for n in notes:
        print("  ", n)
    assert all(f1(*c) >= 0.5 for c in counts.values()), (counts, notes)
