"""Article-level linking of rule mentions: one canonical entity for every name of the same thing.

- Short person names: a surname ('البغدادي', 'عبد الرحمن') or a first+middle prefix of a full
  name found anywhere in the article links to that full name's entity (a headline may use the
  surname before the body names the person). A one-letter transposition is tolerated in long
  surnames (typing slips such as المحمدواي / المحمداوي). A place cue before the word wins:
  'ناحية البغدادي' was claimed as a town by the cue pass before this runs.
- Given names after a title: 'الملك سلمان' is the article's only full name starting with 'سلمان'.
- Organisation anaphora: a bare definite head ('التنظيم', 'التحالف', 'المرصد', 'الوكالة') refers to
  the most recent organisation of the matching kind or head; if none precedes, the first that follows.
- Short organisation names: a pattern-built name that starts the longer name of another
  organisation in the article ('قيادة العمليات' -> 'قيادة العمليات المشتركة') takes its entity.
- Capitals standing for their government: a gazetteer capital is linked to its country
  (واشنطن -> loc_usa) when it acts: after a government cue ('بقيادة واشنطن', 'تقوده واشنطن')
  or right after a verb ('زادت واشنطن', 'وسترسل واشنطن'); after a locative preposition, a cue word
  or in a dateline it stays the city. The type stays LOC (countries are LOC in this schema).
- Geocoding: curated places by entity id, else GeoNames by name; a candidate in a country the
  article names wins; an unknown name whose only candidates lie in countries the article does
  not name is left without coordinates (and keeps a name-based id).
"""

from __future__ import annotations

from functools import lru_cache
from operator import or_

from akhbar.text.normalise import clitic_keys
from akhbar.geo import GeoIndex
from akhbar.ids import stable_id
from tasks.entities.lexicon import word_map, word_set
from tasks.entities.rules import ArticleRules, Mention, norm_token

# anaphor head (its ANAPHOR value in entity_lexicon.tsv) -> the organisation kind it refers to
ANAPHOR_KINDS = word_map("ANAPHOR_KIND")
# particles that belong to a surname ('عبد الرحمن', 'بن لادن')
SURNAME_LINKERS = word_set("SURNAME_LINKER")


@lru_cache(maxsize=100_000)
def transposed(a: str, b: str) -> bool:
    """True when b is a with two adjacent letters swapped. Memoised: asked of a surname and every
    word as long in an article, and both repeat across articles."""
    if len(a) != len(b) or a == b:
        return False
    diff = [k for k in range(len(a)) if a[k] != b[k]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def link_persons(r: ArticleRules, mentions: list[Mention]) -> None:
    """Surname / short-form mentions linked to full names of the same article."""
    keys: dict[tuple[str, ...], Mention] = {}
    for m in mentions:
        if m.type != "PERSON":
            continue
        toks = norm_token(m.canonical_name).split()
        if len(toks) < 2:
            continue
        cut = 2 if len(toks) >= 3 and toks[-2] in SURNAME_LINKERS else 1
        keys.setdefault(tuple(toks[-cut:]), m)
        if len(toks) >= 3:
            keys.setdefault(tuple(toks[:2]), m)      # 'يحيى رسول' for 'يحيى رسول الزبيدي'
    if not keys:
        return
    for m in mentions:                               # pattern persons that are short forms of a full name
        if m.type == "PERSON" and not m.dead:
            full = keys.get(tuple(norm_token(m.canonical_name).split()))
            if full is not None and full is not m and full.entity_id != m.entity_id:
                m.entity_id, m.canonical_name = full.entity_id, full.canonical_name
    # one-word surnames long enough to trust a transposition typo, by length: transposed() needs equal lengths
    long_keys: dict[int, list[tuple[str, ...]]] = {}
    for k in keys:
        if len(k) == 1 and len(k[0]) >= r.cfg.surname_typo_min_chars:
            long_keys.setdefault(len(k[0]), []).append(k)
    # the words that may be such a mention: a clitic key of theirs starts a name (clitic keys are
    # suffixes of the word, or ال + a suffix), or as long as a long surname
    firsts = {k[0] for k in keys}
    suffixes = tuple(firsts) + tuple(f[1:] for f in firsts if f.startswith("ال"))
    starting = {n for n in set(r.norm) if n.endswith(suffixes) and not firsts.isdisjoint(clitic_keys(n))}
    flags = list(map(starting.__contains__, r.norm))
    if long_keys:
        flags = list(map(or_, flags, map(long_keys.__contains__, map(len, r.bases))))
    for i, _, s1 in r.candidates(flags):
        if r.taken[i] is not None or not r.is_word(i):
            continue
        found = None
        for key in clitic_keys(r.norm[i]):
            if (key,) in keys:
                found = ((key,), key)
                break
            if i + 1 < s1 and r.taken[i + 1] is None and (key, r.norm[i + 1]) in keys:
                found = ((key, r.norm[i + 1]), key)
                break
        if found is None:
            base = r.base(i)
            match = next((k for k in long_keys.get(len(base), ()) if transposed(k[0], base)), None)
            if match is None:
                continue
            found = (match, base)
        key, first = found
        full = keys[key]
        m = r.add(i, i + len(key), "PERSON", full.entity_id, full.canonical_name, 0.85, "surname",
                  start=r.token_start(i, first))
        mentions.append(m)


def link_given_names(mentions: list[Mention]) -> None:
    """A one-word name after a title ('الملك سلمان', 'الأمير محمد') is the one full name of the article that
    starts with it ('سلمان بن عبدالعزيز آل سعود'); with two such people ('محمد بن سلمان', 'محمد بن نايف')
    it stays its own entity."""
    full: dict[str, set[tuple[str, str]]] = {}
    for m in mentions:
        if m.type == "PERSON" and not m.dead:
            toks = norm_token(m.canonical_name).split()
            if len(toks) >= 2:
                full.setdefault(toks[0], set()).add((m.entity_id, m.canonical_name))
    if not full:
        return
    for m in mentions:
        if m.type == "PERSON" and not m.dead and m.method == "title" and " " not in m.canonical_name.strip():
            owners = full.get(norm_token(m.canonical_name))
            if owners is not None and len(owners) == 1:
                m.entity_id, m.canonical_name = next(iter(owners))


def link_anaphora(r: ArticleRules, mentions: list[Mention]) -> None:
    orgs = sorted((m for m in mentions if m.type == "ORG" and not m.dead), key=lambda m: m.start)
    if not orgs:
        return
    # each organisation's names without the article, once (not once per anaphor)
    bare = {id(m): [norm_token(n).removeprefix("ال") for n in (r.surface(m), m.canonical_name)] for m in orgs}
    # the organisations (in text order) named with a head word, and of a kind: once per article, not per anaphor
    named: dict[str, list[Mention]] = {}
    of_kind: dict[str, list[Mention]] = {}
    for i, _, _ in r.having("ANAPHOR"):
        if r.taken[i] is not None:
            continue
        want = r.cls[i]["ANAPHOR"]
        kind = ANAPHOR_KINDS.get(want, want)
        head = r.lexkey[i][2:]                        # 'التنظيم' -> 'تنظيم'
        start = r.token_start(i, r.lexkey[i])
        ante = None
        # an organisation named with the same head word first ('تنظيم داعش' for 'التنظيم'), then one of the kind
        if head not in named:
            named[head] = [m for m in orgs if any(n.startswith(head) for n in bare[id(m)])]
        if kind not in of_kind:
            of_kind[kind] = [m for m in orgs if m.kind == kind]
        for fitting in (named[head], of_kind[kind]):
            before = [m for m in fitting if m.end <= start]
            after = [m for m in fitting if m.start > start]
            ante = before[-1] if before else (after[0] if after else None)
            if ante is not None:
                break
        if ante is None:
            continue
        m = r.add(i, i + 1, "ORG", ante.entity_id, ante.canonical_name, 0.6, "anaphor", start=start, kind=ante.kind)
        mentions.append(m)


def link_short_orgs(r: ArticleRules, mentions: list[Mention]) -> None:
    orgs = [m for m in mentions if m.type == "ORG" and not m.dead]
    names = {m: norm_token(m.canonical_name).split() for m in orgs}
    for m in orgs:
        if m.method != "org_head":
            continue
        short = names[m]
        for other in orgs:
            longer = names[other]
            if other is not m and len(longer) > len(short) and longer[:len(short)] == short:
                m.entity_id, m.canonical_name, m.kind = other.entity_id, other.canonical_name, other.kind
                break


def verb_like(r: ArticleRules, k: int) -> bool:
    """Crude verb test for the word before a capital: imperfect prefix or perfect ending, not a noun form."""
    if r.taken[k] is not None or not r.is_word(k) or r.definite(k) or r.prep_prefixed(k):
        return False
    if r.has(k, "SPEECH") or r.has(k, "GOV_CUE"):
        return True
    if r.has_any(k, ("STOP", "LOCATIVE", "LOC_CUE", "ORG_HEAD", "TITLE")):
        return False
    n = r.norm[k]
    if n[:1] in "وف" and len(n) > 3:
        n = n[1:]
    if n[:1] == "س" and len(n) > 3 and n[1] in "يتن":
        n = n[1:]
    if n.endswith("ات") or n.endswith("ه"):
        return False
    return (len(n) >= 4 and n[0] in "يتن") or (len(n) >= 3 and (n.endswith("ت") or n.endswith("وا")))


def link_capitals(r: ArticleRules, mentions: list[Mention]) -> None:
    for m in mentions:
        if m.type != "LOC" or not m.capital or m.dead:
            continue
        s0, s1 = next((a, b) for a, b in r.bounds if a <= m.i < b)
        prev = m.i - 1 if m.i > s0 else None
        nxt = m.j if m.j < s1 else None
        clitics = r.raw[m.i][:m.start - r.starts[m.i]]
        if "ب" in clitics or "ل" in clitics:
            continue                                   # 'بواشنطن', 'لواشنطن': a place
        if prev is not None and (r.has(prev, "LOCATIVE") or r.has(prev, "LOC_CUE")):
            continue                                   # 'في واشنطن', 'العاصمة واشنطن'
        acting = prev is not None and (r.has(prev, "GOV_CUE") or verb_like(r, prev))
        if not (acting or (nxt is not None and verb_like(r, nxt))):   # 'أن واشنطن أرسلت'
            continue
        country = r.gaz.country_of(m.country_code)
        if country:
            m.entity_id, m.canonical_name = country.entity_id, country.canonical_name
            m.kind, m.method = "country", m.method + "+metonymy"


def geocode(r: ArticleRules, mentions: list[Mention], geo: GeoIndex) -> None:
    countries = {m.country_code for m in mentions if m.type == "LOC" and m.kind == "country" and m.country_code}
    for m in mentions:
        if m.type != "LOC" or m.dead or not m.geo:
            continue
        place = geo.for_entity(m.entity_id)
        if place is not None and m.entity_id.startswith("loc_gn") and countries and place.country_code not in countries:
            # a bare GeoNames name stands for its most populous place unless the article names the country
            # of another one: 'بلنسية' is Valencia ES in an article about Spain
            other = geo.lookup(m.canonical_name, countries)
            if other is not None and other.country_code in countries:
                place, m.entity_id = other, f"loc_gn{other.geonames_id}"
        if place is None:
            names = [m.canonical_name] + [a for a in r.gaz.aliases.get(m.entity_id, []) if a != m.canonical_name]
            hint = {m.country_code} if m.country_code else countries
            for name in names:
                place = geo.lookup(name, hint)
                if place is not None:
                    break
            if place is not None and m.entity_id not in r.gaz.by_id:
                if countries and place.country_code not in countries:
                    place = None                       # ambiguous in an article about other countries
                else:
                    m.entity_id = f"loc_gn{place.geonames_id}"
        m.place = place  # type: ignore[attr-defined]


def link(r: ArticleRules, mentions: list[Mention], geo: GeoIndex) -> list[Mention]:
    link_short_orgs(r, mentions)
    link_persons(r, mentions)
    link_given_names(mentions)
    link_anaphora(r, mentions)
    link_capitals(r, mentions)
    geocode(r, mentions, geo)
    for m in mentions:
        if not m.entity_id:   # DATE / TIME / QUANTITY: an id per normalised expression
            m.entity_id = stable_id(m.type.lower()[:4], norm_token(r.surface(m)))
            m.canonical_name = r.surface(m)
    return sorted((m for m in mentions if not m.dead), key=lambda m: (m.start, m.end))
