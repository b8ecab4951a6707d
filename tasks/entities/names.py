"""Names across articles: the key that gives one person one id whatever the spelling, and readable
Latin names for the catalog (docs/entities.md, "Cross-article ids" and "Readable names").

- `person_key`: the normalised name (akhbar.text.normalise: alef forms, ى/ي, ة/ه, tashkeel) with
  hamza seats unified (ئ -> ي, ؤ -> و), وو as و ('داوود' = 'داود'), leading titles dropped ('الملك
  سلمان بن عبدالعزيز'), a glued 'عبدالX' written as two words ('عبدالله' = 'عبد الله'; the spaced
  form keeps the ids the rules gave before), 'ابن' inside a name as 'بن', and a nasab
  chain cut after the father's name ('محمد بن سلمان بن عبدالعزيز آل سعود' -> 'محمد بن سلمان'). A name
  is never cut to a part that could be another person: the given name is always kept, so
  'محمد بن سلمان' and 'سلمان بن عبدالعزيز' stay two people, and a one-word name stays one word.
- `latin_name`: GeoNames' name of a geocoded place, else the gazetteer's own Latin id slug
  ('per_abu_bakr_al_baghdadi' -> 'Abu Bakr al-Baghdadi'), else `romanise` (entities/romanisation.tsv).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pyarabic import araby

from akhbar.resources import read_word_sets
from akhbar.text.normalise import normalize
from tasks.entities.lexicon import default_lexicon

ROMANISATION = "entities/romanisation.tsv"
ACRONYMS = "entities/latin_acronyms.tsv"
HAMZA_SEATS = str.maketrans({"ئ": "ي", "ؤ": "و"})
DOUBLE_WAW = re.compile("وو")                            # 'داوود' = 'داود'
HASH_ID = re.compile(r"^[a-z]+_[0-9a-f]{16}$")          # stable_id: no Latin name in it
GEONAMES_ID = re.compile(r"^loc_gn\d+$")
VOWELS = frozenset("aiu")
LOWER_PARTICLES = ("al-", "bin", "ibn")   # lower case inside a name: 'Muhammad bin Salman', 'Abu Bakr al-Baghdadi'


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    lex = default_lexicon()
    return frozenset(w for w, cls in lex.classes.items() if "TITLE" in cls)


@lru_cache(maxsize=200_000)
def person_key(name: str) -> str:
    """The spelling-independent key of a person name (module docstring); '' for an empty name."""
    toks = [DOUBLE_WAW.sub("و", t.translate(HAMZA_SEATS)) or t for t in normalize(name).split()]
    titles = title_words()
    while len(toks) > 1 and toks[0] in titles:
        toks.pop(0)
    out: list[str] = []          # name units: 'عبد الله' is one unit, so the nasab cut keeps it whole
    for k, t in enumerate(toks):
        if t.startswith("عبدال") and len(t) > 6:
            out.append("عبد " + t[3:])      # 'عبدالله' is written 'عبد الله' in the key
        elif out and out[-1] == "عبد":
            out[-1] = "عبد " + t
        elif t == "ابن" and k > 0:
            out.append("بن")
        else:
            out.append(t)
    if len(out) >= 3 and out[1] == "بن":
        out = out[:3]
    return " ".join(out)


@lru_cache(maxsize=1)
def romanisation() -> tuple[dict[str, str], dict[str, str]]:
    """(letter -> Latin, normalised word -> Latin) from entities/romanisation.tsv."""
    sets = read_word_sets(ROMANISATION)
    letters = dict(sets["LETTER"])
    words = {normalize(w): v for w, v in sets["WORD"]}
    return letters, words


def romanise_word(word: str) -> str:
    letters, words = romanisation()
    norm = normalize(word)
    if norm in words:
        return words[norm]
    if norm.startswith("عبد") and len(norm) > 4:
        return "Abd " + romanise_word(word[3:])     # 'عبد الأمير' -> Abd al-Amir
    if norm.startswith("ال") and len(norm) > 3:
        return "al-" + capital(romanise_word(word[2:] if word.startswith("ال") else norm[2:]))
    out: list[str] = []
    for k, ch in enumerate(word):
        latin = letters.get(ch)
        if latin is None:
            out.append(ch if ch.isascii() and ch.isalnum() else "")
            continue
        if ch in "وي" and k > 0:
            prev_vowel = bool(out) and out[-1][-1:] in VOWELS
            nxt = word[k + 1] if k + 1 < len(word) else ""
            if not prev_vowel and (nxt == "" or (nxt in letters and nxt not in "اوىة")):
                latin = "u" if ch == "و" else "i"
        out.append(latin)
    return "".join(out)


def romanise(name: str) -> str | None:
    """Deterministic Latin form of an Arabic name (entities/romanisation.tsv; docs/entities.md)."""
    raw: list[str] = []
    for w in araby.strip_tashkeel(name).replace("ـ", "").split():
        if raw and raw[-1] == "عبد":
            raw[-1] += w                     # 'عبد الله' reads as 'عبدالله' (Abdullah)
        else:
            raw.append(w)
    words = [romanise_word(w) for w in raw]
    words = [w for w in words if w]
    if not words:
        return None
    return " ".join(capital(w) if k == 0 or not w.startswith(LOWER_PARTICLES) else w for k, w in enumerate(words))


def capital(word: str) -> str:
    """First letter upper case (after an initial ' for ع: "'Ali")."""
    k = 1 if word[:1] == "'" else 0
    return word[:k] + word[k:k + 1].upper() + word[k + 1:]


@lru_cache(maxsize=1)
def latin_acronyms() -> frozenset[str]:
    """Id parts written in capitals in a Latin name (entities/latin_acronyms.tsv)."""
    return frozenset(w for w, _ in read_word_sets(ACRONYMS)["ACRONYM"])


def slug_name(entity_id: str) -> str | None:
    """The Latin name a curated gazetteer id spells ('org_al_qaeda' -> 'Al-Qaeda'); None for hash ids."""
    if HASH_ID.match(entity_id) or GEONAMES_ID.match(entity_id) or "_" not in entity_id:
        return None
    parts = entity_id.split("_")[1:]
    if all(len(p) <= 3 for p in parts) and not {"al", "bin", "ibn"} & set(parts):
        return " ".join(p.upper() for p in parts)          # acronyms: 'org_us_dod' -> 'US DOD'
    words: list[str] = []
    for k, p in enumerate(parts):
        if words and words[-1] in ("al", "Al"):
            words[-1] = f"{words[-1]}-{p.capitalize()}"
        elif p in ("al", "bin", "ibn"):
            words.append(p.capitalize() if k == 0 else p)
        elif p in latin_acronyms():
            words.append(p.upper())
        else:
            words.append(p.capitalize())
    return " ".join(words)


def latin_name(entity_id: str, canonical_name: str | None, place_name: str | None = None) -> str | None:
    """GeoNames name of the place, else the gazetteer id's Latin name, else the romanisation."""
    return place_name or slug_name(entity_id) or (romanise(canonical_name) if canonical_name else None)
