from hypothesis import given, strategies as st

from akhbar.arabic import arabic_ratio, clitic_keys, normalize

ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=50)
MIXED = st.text(alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةأإآءؤئـًٌٍَُِّْ«»“”0123456789٠١٢٣ ab.,،؟\n\u200f")),
                max_size=80)


def test_normalize_forms():
    assert normalize("أَحْمَد") == "احمد"          # hamza carrier -> alef, tashkeel stripped (not ءحمد)
    assert normalize("إلى") == "الي"
    assert normalize("الرقّة") == "الرقه"
    assert normalize("٢٠١٧") == "2017"
    assert normalize("«داعش»") == '"داعش"'
    assert normalize("تـنـظـيـم") == "تنظيم"
    assert normalize("\u200fبغداد") == "بغداد"
    assert normalize("\ufef7") == normalize("لأ")  # presentation form lam-alef


@given(st.one_of(ARABIC, MIXED))
def test_normalize_idempotent(s):
    assert normalize(normalize(s)) == normalize(s)


def test_clitic_keys():
    for surface in ("والموصل", "بالموصل", "للموصل", "فالموصل", "الموصل"):
        assert "الموصل" in clitic_keys(normalize(surface)), surface
    assert clitic_keys("داعش") == ("داعش",)
    assert "ل" not in clitic_keys("لل")


def test_arabic_ratio():
    assert arabic_ratio("hello") == 0.0
    assert arabic_ratio("مرحبا") == 1.0
    assert arabic_ratio("123 ...") == 0.0
