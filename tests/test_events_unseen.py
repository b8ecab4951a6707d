"""Generalisation check: Arabic news sentences that are NOT from the seeds (docs/events.md reports the score).

Each case lists the events a careful annotator expects (type, modality). A case scores one
point per expected event found with the right type, and one per right modality. The
sentences were written for this test (Yemen, Libya, Gaza, Lebanon, Afghanistan, Iraq, Sudan)
before the rules were run on them; no rule was added for a specific sentence.
"""

from tasks.entities import extract_mentions
from tasks.events import Carry, extract_sentence_events
from akhbar.text.sentences import split_sentences

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
    from interfaces.eval_events import LIST_SEP, same_phrase
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


# Fourth batch (quality pass, Dec 2026): 30 wire-style sentences written and committed before any
# rule of that pass, scored as-is first (docs/events.md gives first-run and final figures), never
# edited afterwards. Event kinds under-represented so far: car bombs, roadside bombs, drones,
# shelling, snipers, suicide attacks, kidnappings, hostage releases, raids, sit-ins and strikes,
# factional clashes, sanctions, threats, truces, prisoner swaps, deployments, withdrawals,
# evacuations, prison breaks; attribution, rumours, denials, plans, conditions and passives.
# Killed-and-injured in one clause is one CASUALTIES event, as in CASES and HELD_OUT.
HELD_OUT_4 = [
    ("قتل ثمانية أشخاص على الأقل وأصيب 15 آخرون في انفجار سيارة مفخخة قرب مطعم مزدحم في العاصمة الصومالية مقديشو مساء الجمعة، بحسب ما أفادت الشرطة.",
     [("CASUALTIES", "claimed"), ("ASSAULT", "claimed")]),
    ("أصيب أربعة جنود بجروح عندما انفجرت عبوة ناسفة مزروعة على جانب الطريق لدى مرور دوريتهم في شمال بوركينا فاسو، وفق بيان للجيش.",
     [("CASUALTIES", "claimed"), ("ASSAULT", "claimed")]),
    ("استهدفت طائرة مسيرة تابعة للجيش المالي تجمعا لمسلحين قرب بلدة تمبكتو شمالي البلاد، ما أسفر عن مقتل عدد منهم، وفق ما ذكرت مصادر أمنية.",
     [("ASSAULT", "reported"), ("CASUALTIES", "reported")]),
    ("قصفت القوات الروسية بالمدفعية الثقيلة أحياء سكنية في مدينة خاركيف الأوكرانية ليل الأحد، ما أدى إلى سقوط قتيلين وعشرة جرحى، حسبما أعلن حاكم المنطقة.",
     [("ASSAULT", "claimed"), ("CASUALTIES", "claimed")]),
    ("قتل شاب فلسطيني برصاص قناص إسرائيلي قرب السياج الحدودي شرق مدينة غزة، بحسب مصادر طبية.",
     [("CASUALTIES", "reported"), ("ASSAULT", "reported")]),
    ("فجر انتحاري نفسه وسط تجمع لأنصار حزب سياسي في مدينة بيشاور شمال غرب باكستان، ما أسفر عن مقتل 12 شخصا على الأقل، وفق ما قال مسؤول في الشرطة المحلية.",
     [("ASSAULT", "claimed"), ("CASUALTIES", "claimed")]),
    ("خطف مسلحون مجهولون 20 راكبا من حافلة على طريق سريع في ولاية زامفارا شمال غرب نيجيريا، وفق ما أعلنت الشرطة السبت.",
     [("ASSAULT", "claimed")]),
    ("أطلقت جماعة مسلحة سراح رهينتين إيطاليين خطفا قبل عامين في النيجر، بحسب ما أعلنت وزارة الخارجية الإيطالية الخميس.",
     [("RETREAT", "claimed"), ("ASSAULT", "claimed")]),
    ("قالت وزارة الداخلية العراقية إن قوات الأمن داهمت منزلا في حي الجهاد غربي بغداد واعتقلت خمسة مطلوبين بتهم إرهابية.",
     [("COERCE", "claimed"), ("COERCE", "claimed")]),
    ("نظم مئات المعلمين اعتصاما أمام مقر وزارة التربية في العاصمة الأردنية عمان احتجاجا على تجميد علاواتهم.",
     [("PROTEST", "asserted")]),
    ("دخل عمال الموانئ في تونس في إضراب عام عن العمل لمدة ثلاثة أيام، بدعوة من الاتحاد العام التونسي للشغل.",
     [("PROTEST", "asserted")]),
    ("اندلعت اشتباكات عنيفة بين فصيلين مسلحين في مدينة الزاوية غرب العاصمة الليبية طرابلس، ما أسفر عن سقوط قتلى وجرحى، وفق ما أفاد سكان محليون.",
     [("ASSAULT", "claimed"), ("CASUALTIES", "claimed")]),
    ("أعلن الاتحاد الأوروبي فرض عقوبات جديدة على ستة مسؤولين إيرانيين بسبب دورهم في برنامج الطائرات المسيرة.",
     [("SANCTION", "claimed")]),
    ("هدد زعيم جماعة الحوثي عبد الملك الحوثي باستهداف أي سفينة أمريكية تعبر مضيق باب المندب.",
     [("THREATEN", "asserted"), ("ASSAULT", "hypothetical")]),
    ("توصلت الحكومة الإثيوبية وجبهة تحرير تيغراي إلى اتفاق لوقف الأعمال العدائية خلال محادثات برعاية الاتحاد الأفريقي في بريتوريا.",
     [("AGREE", "asserted"), ("CONSULT", "asserted")]),
    ("أعلنت روسيا وأوكرانيا إتمام عملية تبادل للأسرى شملت 95 أسيرا من كل جانب بوساطة إماراتية.",
     [("RETREAT", "claimed")]),
    ("أرسلت الولايات المتحدة حاملة طائرات ثانية وعددا من السفن الحربية إلى شرق البحر المتوسط، وفق ما أعلن وزير الدفاع الأمريكي.",
     [("MOBILIZE", "claimed")]),
    ("بدأت القوات الفرنسية الانسحاب من قاعدتها العسكرية في العاصمة التشادية نجامينا، بحسب مصدر عسكري تشادي.",
     [("RETREAT", "reported")]),
    ("بدأت الأمم المتحدة إجلاء موظفيها الأجانب من العاصمة السودانية الخرطوم بعد تصاعد المعارك بين الجيش وقوات الدعم السريع.",
     [("EVACUATE", "asserted"), ("ASSAULT", "asserted")]),
    ("فر أكثر من 400 سجين من سجن في ولاية كوجي وسط نيجيريا إثر هجوم شنه مسلحون على المنشأة ليلا، وفق ما أعلنت مصلحة السجون.",
     [("ESCAPE", "claimed"), ("ASSAULT", "claimed")]),
    ("تتردد أنباء عن مقتل قيادي بارز في تنظيم داعش خلال غارة جوية شنتها طائرات التحالف على ريف دير الزور الشرقي.",
     [("CASUALTIES", "reported"), ("ASSAULT", "reported")]),
    ("نفت وزارة الدفاع التركية أن تكون طائراتها قد قصفت مواقع مدنية في شمال العراق، مؤكدة أن الضربات استهدفت مقاتلي حزب العمال الكردستاني فقط.",
     [("ASSAULT", "denied"), ("ASSAULT", "claimed")]),
    ("قال متحدث باسم الشرطة الكينية إن قوات الأمن لم تعتقل أيا من المشاركين في الاحتجاجات التي شهدتها نيروبي الثلاثاء.",
     [("COERCE", "denied"), ("PROTEST", "claimed")]),
    ("من المقرر أن تبدأ قوات حفظ السلام الأممية الانسحاب من مدينة غاو شمالي مالي مطلع الشهر المقبل، وفق جدول زمني أعلنته البعثة.",
     [("RETREAT", "future")]),
    ("ستعقد الفصائل الفلسطينية جولة جديدة من محادثات المصالحة في القاهرة الأسبوع المقبل برعاية مصرية.",
     [("CONSULT", "future")]),
    ("حذر الجيش الإسرائيلي من أنه سيوسع عملياته البرية في جنوب لبنان في حال واصل حزب الله إطلاق الصواريخ على شمال إسرائيل.",
     [("THREATEN", "asserted"), ("ASSAULT", "hypothetical"), ("ASSAULT", "hypothetical")]),
    ("اغتيل مسؤول محلي بارز برصاص مجهولين أمام منزله في مدينة درعا جنوب سوريا، بحسب المرصد السوري لحقوق الإنسان.",
     [("ASSAULT", "claimed")]),
    ("استهدف هجوم بطائرة مسيرة مفخخة مبنى حكوميا في مدينة أربيل بإقليم كردستان العراق من دون أن يسفر عن إصابات، بحسب ما أعلنت سلطات الإقليم.",
     [("ASSAULT", "claimed"), ("CASUALTIES", "denied")]),
    ("قالت وزارة الصحة في غزة إن 27 شخصا قتلوا وأصيب العشرات في غارات إسرائيلية على مخيم النصيرات وسط القطاع خلال الساعات الأربع والعشرين الماضية.",
     [("CASUALTIES", "claimed"), ("ASSAULT", "claimed")]),
    ("نقلت وكالة رويترز عن مسؤولين أمنيين أن عصابات مسلحة اقتحمت مركزا للشرطة في العاصمة الهايتية بور أو برنس واحتجزت عددا من العناصر رهائن لساعات.",
     [("ASSAULT", "claimed"), ("ASSAULT", "claimed")]),
]

# Arguments of the same batch (actor / target / location; None = none expected). A site written
# 'قرب/أمام X في Y' is given as the whole phrase, so either X or Y matches it.
ARG_HELD_OUT_4 = [
    (HELD_OUT_4[0][0], [("CASUALTIES", None, "ثمانية أشخاص", "مطعم مزدحم في العاصمة الصومالية مقديشو")]),
    (HELD_OUT_4[1][0], [("CASUALTIES", None, "أربعة جنود", "شمال بوركينا فاسو")]),
    (HELD_OUT_4[2][0], [("ASSAULT", "طائرة مسيرة تابعة للجيش المالي", "تجمعا لمسلحين", "بلدة تمبكتو")]),
    (HELD_OUT_4[3][0], [("ASSAULT", "القوات الروسية", "أحياء سكنية", "مدينة خاركيف")]),
    (HELD_OUT_4[4][0], [("CASUALTIES", "قناص إسرائيلي", "شاب فلسطيني", "السياج الحدودي شرق مدينة غزة")]),
    (HELD_OUT_4[5][0], [("ASSAULT", "انتحاري", "تجمع لأنصار حزب سياسي", "مدينة بيشاور"),
                        ("CASUALTIES", None, "12 شخصا", "مدينة بيشاور")]),
    (HELD_OUT_4[6][0], [("ASSAULT", "مسلحون مجهولون", "20 راكبا", "ولاية زامفارا")]),
    (HELD_OUT_4[7][0], [("RETREAT", "جماعة مسلحة", "رهينتين إيطاليين", None)]),
    (HELD_OUT_4[8][0], [("COERCE", "قوات الأمن", "منزلا", "حي الجهاد غربي بغداد"),
                        ("COERCE", "قوات الأمن", "خمسة مطلوبين", "حي الجهاد غربي بغداد")]),
    (HELD_OUT_4[9][0], [("PROTEST", "مئات المعلمين", None, "مقر وزارة التربية في العاصمة الأردنية عمان")]),
    (HELD_OUT_4[10][0], [("PROTEST", "عمال الموانئ", None, "تونس")]),
    (HELD_OUT_4[11][0], [("ASSAULT", "فصيلين مسلحين", None, "مدينة الزاوية")]),
    (HELD_OUT_4[12][0], [("SANCTION", "الاتحاد الأوروبي", "ستة مسؤولين إيرانيين", None)]),
    (HELD_OUT_4[13][0], [("THREATEN", "عبد الملك الحوثي", "سفينة أمريكية", None)]),
    (HELD_OUT_4[16][0], [("MOBILIZE", "الولايات المتحدة", None, "شرق البحر المتوسط")]),
    (HELD_OUT_4[17][0], [("RETREAT", "القوات الفرنسية", None, "قاعدتها العسكرية في العاصمة التشادية نجامينا")]),
    (HELD_OUT_4[18][0], [("EVACUATE", "الأمم المتحدة", "موظفيها الأجانب", "العاصمة السودانية الخرطوم")]),
    (HELD_OUT_4[19][0], [("ESCAPE", "أكثر من 400 سجين", None, "سجن في ولاية كوجي"),
                         ("ASSAULT", "مسلحون", "المنشأة", "ولاية كوجي")]),
    (HELD_OUT_4[20][0], [("CASUALTIES", None, "قيادي بارز في تنظيم داعش", "ريف دير الزور الشرقي")]),
    (HELD_OUT_4[23][0], [("RETREAT", "قوات حفظ السلام الأممية", None, "مدينة غاو")]),
    (HELD_OUT_4[24][0], [("CONSULT", "الفصائل الفلسطينية", None, "القاهرة")]),
    (HELD_OUT_4[25][0], [("THREATEN", "الجيش الإسرائيلي", None, None)]),
    (HELD_OUT_4[26][0], [("ASSAULT", "مجهولين", "مسؤول محلي بارز", "مدينة درعا")]),
    (HELD_OUT_4[28][0], [("CASUALTIES", None, "27 شخصا", "مخيم النصيرات")]),
    (HELD_OUT_4[29][0], [("ASSAULT", "عصابات مسلحة", "مركزا للشرطة", "العاصمة الهايتية بور أو برنس")]),
]


def test_held_out_fourth_batch():
    detection, modality, misses = score(HELD_OUT_4)
    print(f"held out (fourth batch): detection {detection:.2f}, modality accuracy {modality:.2f}")
    for m in misses:
        print("  ", m)
    assert detection >= 0.90, misses   # first run: 0.90 (46 of 51)
    assert modality >= 0.73, misses    # first run: 0.74 (34 of 46)


def test_held_out_arguments_fourth_batch():
    counts, notes = score_arguments(ARG_HELD_OUT_4)
    print("held-out arguments (fourth batch):", {r: round(f1(*c), 2) for r, c in counts.items()}, counts)
    for n in notes:
        print("  ", n)
    floor = {"actor": 0.80, "target": 0.76, "location": 0.74}   # first run: 0.81 / 0.77 / 0.75
    assert all(f1(*counts[r]) >= floor[r] for r in ROLES), (counts, notes)


def test_fourth_batch_spans_are_exact():
    for text, _ in HELD_OUT_4:
        for e in predict(text):
            assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
            assert e["start"] <= e["trigger_start"] < e["trigger_end"] <= e["end"]


# Fifth batch: modality and attribution (announced future meetings / visits / operations, quotes
# and 'وأضاف' continuations across sentences, denials, rumours, accusations, conditionals, plain
# narrator statements). Written before any rule of the second quality pass was touched and scored
# once as-is (docs/events.md gives the first-run and final figures); never edited afterwards.
# Passages are scored with one Carry across their sentences (`predict`). Per expected event:
# (type, modality, source) where source is the speaker as written, None for the narrator's own
# statement, or "*" when the source is not scored.
HELD_OUT_5 = [
    ("أعلنت وزارة الخارجية القطرية عن زيارة يقوم بها وزير الخارجية الإيراني إلى الدوحة الأسبوع المقبل لبحث التصعيد في المنطقة.",
     [("CONSULT", "future", "وزارة الخارجية القطرية")]),
    ("من المقرر أن يعقد مجلس الأمن الدولي جلسة طارئة مساء الخميس لمناقشة الهجمات على المدنيين في الفاشر.",
     [("CONSULT", "future", None), ("ASSAULT", "asserted", None)]),
    ("قال قائد الشرطة في ولاية بورنو إن مسلحين هاجموا قرية نائية ليل السبت. وأضاف أن المهاجمين أحرقوا عشرات المنازل وخطفوا نحو 30 امرأة.",
     [("ASSAULT", "claimed", "قائد الشرطة في ولاية بورنو"), ("ASSAULT", "claimed", "قائد الشرطة في ولاية بورنو"),
      ("ASSAULT", "claimed", "قائد الشرطة في ولاية بورنو")]),
    ("وقال المتحدث باسم الجيش السوداني: \"قواتنا صدت هجوما واسعا لقوات الدعم السريع على مدينة الأبيض. وقد قتل العشرات من المهاجمين خلال المعارك\".",
     [("ASSAULT", "claimed", "المتحدث باسم الجيش السوداني"), ("CASUALTIES", "claimed", "المتحدث باسم الجيش السوداني"),
      ("ASSAULT", "claimed", "المتحدث باسم الجيش السوداني")]),
    ("نفى الجيش اللبناني تعرض مواقعه لأي قصف خلال الليلة الماضية.",
     [("ASSAULT", "denied", "الجيش اللبناني")]),
    ("لم يتم تسجيل أي إصابات في صفوف المدنيين جراء سقوط الصاروخ قرب المطار، بحسب بيان للدفاع المدني.",
     [("CASUALTIES", "denied", "الدفاع المدني"), ("ASSAULT", "claimed", "الدفاع المدني")]),
    ("أعلنت السلطات الكينية عدم اعتقال أي صحفي خلال تغطية الاحتجاجات في العاصمة نيروبي.",
     [("COERCE", "denied", "السلطات الكينية"), ("PROTEST", "claimed", "السلطات الكينية")]),
    ("تحدثت أنباء عن انسحاب مقاتلي حركة الشباب من بلدة عيل بور بعد قصف مكثف.",
     [("RETREAT", "reported", "*"), ("ASSAULT", "reported", "*")]),
    ("ذكرت تقارير إعلامية أن طائرات مسيرة مجهولة استهدفت قافلة شاحنات وقود على الحدود السورية العراقية.",
     [("ASSAULT", "reported", "تقارير إعلامية")]),
    ("اتهمت وزارة الخارجية الأوكرانية روسيا بقصف محطة للطاقة في مدينة أوديسا.",
     [("ACCUSE", "asserted", None), ("ASSAULT", "accused", "*")]),
    ("واتهم المتحدث باسم الحكومة الإثيوبية جبهة تحرير تيغراي بمهاجمة قرى في إقليم عفار.",
     [("ACCUSE", "asserted", None), ("ASSAULT", "accused", "*")]),
    ("إذا رفضت الحكومة مطالبنا فسننظم إضرابا عاما في كل الموانئ، قال رئيس نقابة العمال.",
     [("REJECT", "hypothetical", "رئيس نقابة العمال"), ("PROTEST", "hypothetical", "رئيس نقابة العمال")]),
    ("اعتقلت قوات الأمن التونسية أربعة أشخاص يشتبه في انتمائهم إلى خلية إرهابية في ولاية القصرين.",
     [("COERCE", "asserted", None)]),
    ("تظاهر مئات الطلاب أمام البرلمان في نيروبي للمطالبة بخفض الرسوم الجامعية.",
     [("PROTEST", "asserted", None)]),
    ("أعلن الجيش النيجيري عن إطلاق عملية عسكرية واسعة ضد جماعة بوكو حرام في ولاية بورنو خلال الأيام المقبلة.",
     [("ASSAULT", "future", "الجيش النيجيري")]),
    ("أعلنت جامعة الدول العربية عن اجتماع طارئ لوزراء الخارجية العرب في القاهرة يوم 15 أبريل لبحث الأوضاع في غزة.",
     [("CONSULT", "future", "جامعة الدول العربية")]),
    ("قال مسؤول في الأمم المتحدة إن ثلاثة من موظفي المنظمة قتلوا في غارة على مدينة رفح. وأضاف أن الغارة استهدفت مستودعا للمساعدات الإنسانية.",
     [("CASUALTIES", "claimed", "مسؤول في الأمم المتحدة"), ("ASSAULT", "claimed", "مسؤول في الأمم المتحدة"),
      ("ASSAULT", "claimed", "مسؤول في الأمم المتحدة")]),
    ("قال قائد ميداني في قوات الدعم السريع لوكالة رويترز: \"سيطرنا على مقر الفرقة العسكرية في نيالا بعد معارك استمرت ساعات. وقتل عدد من جنود الجيش خلال الاشتباكات\".",
     [("CONTROL_CHANGE", "claimed", "قائد ميداني في قوات الدعم السريع"), ("ASSAULT", "claimed", "قائد ميداني في قوات الدعم السريع"),
      ("CASUALTIES", "claimed", "قائد ميداني في قوات الدعم السريع"), ("ASSAULT", "claimed", "قائد ميداني في قوات الدعم السريع")]),
    ("نفى مصدر في حركة حماس الأنباء عن قرب التوصل إلى اتفاق لوقف إطلاق النار.",
     [("AGREE", "denied", "مصدر في حركة حماس")]),
    ("ومن المنتظر أن يصل المبعوث الأممي إلى صنعاء الأحد المقبل في زيارة تستمر ثلاثة أيام.",
     [("CONSULT", "future", None)]),
]


def _source_ok(expected, got) -> bool:
    if expected == "*":
        return True
    if expected is None or got is None:
        return expected is None and got is None
    return expected in got or got in expected


def score_attributed(cases) -> tuple[float, float, float, list[str]]:
    """(detection, modality accuracy, source accuracy) over found events: `score` plus the source."""
    found = right = total = src_n = src_right = 0
    misses = []
    for text, expected in cases:
        pool = list(predict(text))
        for etype, modality, source in expected:
            total += 1
            cands = [e for e in pool if e["event_type"] == etype]
            if not cands:
                misses.append(f"missing {etype}: {text}")
                continue
            best = next((e for e in cands if e["modality"] == modality and _source_ok(source, e["source_text"])),
                        next((e for e in cands if e["modality"] == modality), cands[0]))
            pool.remove(best)
            found += 1
            if best["modality"] == modality:
                right += 1
            else:
                misses.append(f"{etype} modality {best['modality']} != {modality}: {text}")
            if source != "*":
                src_n += 1
                if _source_ok(source, best["source_text"]):
                    src_right += 1
                else:
                    misses.append(f"{etype} source {best['source_text']!r} != {source!r}: {text}")
    return found / total, right / max(found, 1), src_right / max(src_n, 1), misses


def test_held_out_fifth_batch():
    detection, modality, source, misses = score_attributed(HELD_OUT_5)
    print(f"held out (fifth batch): detection {detection:.2f}, modality {modality:.2f}, source {source:.2f}")
    for m in misses:
        print("  ", m)
    assert detection >= 0.88, misses   # first run: 0.89 (32 of 36)
    assert modality >= 0.87, misses    # first run: 0.875 (28 of 32)
    assert source >= 0.86, misses      # first run: 0.862 (25 of 29 scored sources)


def test_fifth_batch_spans_are_exact():
    for text, _ in HELD_OUT_5:
        for e in predict(text):
            assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
            assert e["start"] <= e["trigger_start"] < e["trigger_end"] <= e["end"]
