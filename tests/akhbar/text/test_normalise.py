import re
import unicodedata

from hypothesis import given, strategies as st
from pyarabic import araby

from akhbar.text import normalise as arabic
from akhbar.text.normalise import arabic_ratio, clitic_keys, normalize, normalize_for_hash

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


def reference_normalize(text: str) -> str:
    """`normalize` as first written (pyarabic calls, then a dict translate): the single-pass
    table must give exactly the same strings, or every stored id and key would change."""
    if arabic._PRESENTATION_FORMS.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = araby.strip_tashkeel(text)
    text = araby.normalize_ligature(text)
    table = str.maketrans({**arabic._CHAR_MAP, **{c: None for c in arabic._DELETE}})
    text = text.translate(table)
    if re.search("[\u0653-\u0655]", text):   # added December 2026: decomposed hamza/maddah composed
        text = araby.normalize_ligature(araby.strip_tashkeel(unicodedata.normalize("NFC", text))).translate(table)
    return text


# Presentation forms (ligatures, isolated/final letters, tashkeel forms) and astral characters too.
ANY = st.text(alphabet=st.one_of(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
                                 st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
                                 st.sampled_from(list("ًٌٍَُِّْـ‏ «»“”٠١😀 abc.,\n"))), max_size=80)


@given(st.one_of(ARABIC, MIXED, ANY, st.text(max_size=40)))
def test_normalize_matches_reference(s):
    assert normalize(s) == reference_normalize(s)


@given(st.one_of(MIXED, ANY, st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\u00a0\u2028\u3000ab"))))
def test_normalize_for_hash_matches_reference(s):
    assert normalize_for_hash(s) == re.sub(r"\s+", " ", reference_normalize(s)).strip()


def test_normalize_idempotent_with_decomposed_maddah():
    """Found by hypothesis: a presentation form makes the second pass apply NFKC, which composed
    the alef the table made from alef wasla with the maddah after it."""
    s = "\ufbb2\u0671\u0653"
    assert normalize(normalize(s)) == normalize(s) == "\ufbb2\u0627"
    assert normalize("\u0627\u0654\u0644\u0645") == normalize("ألم") == "الم"   # decomposed = composed


@given(st.one_of(ARABIC, MIXED, ANY))
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
    assert arabic_ratio("abc 😀 عربي 𝐀") == 4 / 8     # astral letters count, emoji do not


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_arabic_ratio_matches_per_character_definition(text):
    letters = [c for c in text if c.isalpha()]
    expected = sum(1 for c in text if arabic.ARABIC_LETTER.match(c)) / len(letters) if letters else 0.0
    assert abs(arabic_ratio(text) - expected) < 1e-12


LONG = st.lists(st.one_of(ARABIC, MIXED, ANY, st.text(max_size=40)), min_size=4, max_size=12).map("".join)


@given(LONG)
def test_normalize_long_texts_match_reference(s):
    """Documents (>= LONG_TEXT characters) take the array path: same strings as the reference."""
    assert normalize(s) == reference_normalize(s)


@given(st.text(min_size=arabic.LONG_TEXT, max_size=2 * arabic.LONG_TEXT)
       | st.text(alphabet=st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF), min_size=arabic.LONG_TEXT))
def test_array_translate_equals_str_translate(s):
    assert arabic._translate_long(s) == s.translate(arabic._TABLE)   # ligatures included (no NFKC here)
