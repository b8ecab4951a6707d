"""tasks/entities/rules/numbers.py: dates, times, quantities."""


def test_dates_times_quantities(mentions):
    ms = mentions("وفي 17 تشرين الأول/ اكتوبر 2016 قتل 23 مدنيا و15 الف مقاتل على بعد 80 كم، أمس الخميس الساعة 10:30 "
                  "وفي أوت 2014 وعام 2015 سيطر على 65% من الأراضي مساء السبت الماضي.")
    got = {(m["surface"], m["type"]) for m in ms}
    for expected in [("17 تشرين الأول/ اكتوبر 2016", "DATE"), ("23 مدنيا", "QUANTITY"), ("15 الف مقاتل", "QUANTITY"),
                     ("80 كم", "QUANTITY"), ("أمس الخميس", "DATE"), ("10:30", "TIME"), ("أوت 2014", "DATE"),
                     ("عام 2015", "DATE"), ("65%", "QUANTITY"), ("مساء السبت الماضي", "DATE")]:
        assert expected in got, expected


def test_digits_int_cannot_read_do_not_raise(mentions):
    # superscript and other non-decimal digits pass str.isdigit() but not int(): never a crash
    for text in ("قتل ²٣ شخصا يوم ³ مارس في الموصل.", "وصل ¹ ² ³ مقاتلا في ⁴ آذار ٢٠١٦.", "الساعة ①:③ صباحا."):
        ms = mentions(text)
        assert all(m["surface"] for m in ms)
    ms = mentions("قتل ٢٣ شخصا يوم ٣ مارس ٢٠١٦ في الموصل.")      # Arabic-Indic digits are still read
    assert any(m["type"] == "DATE" for m in ms) and any(m["type"] == "QUANTITY" for m in ms)
