"""Rule group 3: places after a cue word ('مدينة X', 'قريتي X وY') or a topographic head."""

from __future__ import annotations

from akhbar.ids import stable_id
from akhbar.text.normalise import normalize
from tasks.entities.lexicon import GazEntry
from tasks.entities.rules.gazetteer import TANWEEN
from tasks.entities.rules.tokens import (COMMAS, COMPASS, NOT_IN_PLACE, OPEN_QUOTES, REGION_CUES)


class PlaceRules:
    """Place passes of ArticleRules."""

    def loc_pass(self, geo_names) -> None:
        for i, _, s1 in self.having("LOC_CUE"):
            if self.taken[i] is None and self.head_form(i):
                self.loc_at(i, s1, geo_names)
        for i, s0, s1 in self.having("PLACE_HEAD"):
            # a topographic name after a locative preposition needs no cue: 'في وادي حوران', 'قرب تل أبيض'
            if (i > s0 and self.taken[i] is None and self.norm[i] == self.lexkey[i] and self.has(i - 1, "LOCATIVE")
                    and i + 1 < s1 and self.nameable(i + 1) and not self.conj_prefixed(i + 1)
                    and (self.definite(i + 1) or not self.base(i + 1).endswith(("ي", "ه")))):   # 'سوق شعبي'
                end = self.place_name(i, s1, first=True)
                if end and end > i + 1:
                    b, entry, known = self.known_place(i, end, geo_names)
                    if not known and self.norm[i + 1] in self.frequent:
                        continue    # 'في رأس السنة', 'في عين المكان', 'في بيت عائلته'
                    self.add_place(i, b, entry, 0.8)

    def loc_at(self, i: int, s1: int, geo_names) -> None:
        mode, _, geo = self.cls[i]["LOC_CUE"].partition(":")
        j = i + 1
        if j < s1 and self.raw[j] in OPEN_QUOTES:
            j += 1
        if j >= s1:
            return
        m = self.taken[j]
        if m is not None:
            if m.type == "LOC":
                m.confidence, m.method = 0.95, m.method + "+cue"
            elif m.i == j and m.type in ("ORG", "PERSON"):
                # the cue wins: 'ناحية البغدادي' is a town, 'مدينة الميادين' a city
                entry = self.gaz.lookup(self.names_of(m.i, m.j), ("LOC",))
                if entry:
                    self.drop(m)
                    self.add(m.i, m.j, "LOC", entry.entity_id, entry.canonical_name, 0.9, "gazetteer+cue",
                             start=m.start, kind=entry.kind, country_code=entry.country_code)
            return
        max_el = {"dual": 2, "plural": self.cfg.place_list_max}.get(mode, 1)
        elements: list[tuple[int, int]] = []
        k = j
        while k < s1 and len(elements) < max_el:
            if elements and self.conj_prefixed(k) is False and self.taken[k] is None:
                break
            end = self.place_name(k, s1, first=not elements)
            if end is None:
                break
            elements.append((k, end))
            k = end
            if k < s1 and self.raw[k] in COMMAS:
                k += 1
        for a, b in elements:
            if self.taken[a] is not None:
                continue
            b, entry, known = self.known_place(a, b, geo_names if geo == "geo" else {})
            if not known:
                last = self.base(b - 1)
                if mode == "known" or (mode == "plural" and len(elements) < 2):
                    continue
                if mode == "indef" and (self.definite(a) or self.norm[a] in self.frequent):
                    continue  # 'مقاطعة بيلغورود' is a province, 'مقاطعة الانتخابات' a boycott
                if not self.definite(a) and b - a == 1 and last.endswith("ه") and not self.rare_name(a):
                    continue  # 'منطقة آمنة', 'مدينة كبيرة': an adjective, not a name
            self.add_place(a, b, entry, 0.95, geo=geo == "geo")

    def add_place(self, a: int, b: int, entry: GazEntry | None, confidence: float, geo: bool = True) -> None:
        """A cue-found place: the gazetteer's entity, else one named by its surface."""
        if entry:
            self.add(a, b, "LOC", entry.entity_id, entry.canonical_name, confidence, "gazetteer+cue",
                     kind=entry.kind, country_code=entry.country_code)
        else:
            # right after the cue word a و/ف is the name's own letter (a construct noun takes no
            # conjunction): 'ولاية فلوريدا', not 'لوريدا'
            start = self.starts[a] if self.norm[a][:1] == "ف" and self.has(a - 1, "LOC_CUE") else None
            m = self.add(a, b, "LOC", "", "", 0.8, "loc_cue", geo=geo, start=start)
            m.canonical_name = self.surface(m)
            m.entity_id = stable_id("loc", normalize(m.canonical_name))

    def rare_name(self, k: int) -> bool:
        """An indefinite word ending in ة that is a name rather than an adjective ('مدينة ترهونة'): not an
        Arabic word of the 40,000 most frequent, not a nisba ('حدودية') nor a participle ('منكوبة')."""
        norm = self.norm[k]
        return not (norm in self.all_words or norm.endswith("يه") or norm[:1] == "م")

    def place_name(self, k: int, s1: int, first: bool) -> int | None:
        """End of a place name at k: up to 3 words; 'أم درمان', 'أبو كمال' start with a linker."""
        t = self.taken[k]
        if t is not None:
            return t.j if t.type == "LOC" and t.i == k else None
        if not self.is_word(k) or self.prep_prefixed(k) or (first and self.conj_prefixed(k)):
            return None
        linker = self.has(k, "LINKER") and k + 1 < s1 and self.nameable(k + 1)
        if (first and self.lexkey[k] in COMPASS and k + 1 < s1 and self.nameable(k + 1)
                and self.lexkey[k - 1] in REGION_CUES):
            linker = True       # a region named by a direction: 'ولاية جنوب دارفور', 'محافظة شمال سيناء'
        elif not linker and (self.has_any(k, NOT_IN_PLACE) or self.has(k, "NUMWORD")):
            return None
        end, seen_def = k + 1 + linker, self.definite(k)
        while end < s1 and end - k < self.cfg.place_max_words and self.nameable(end) and not self.conj_prefixed(end):
            d = self.definite(end)
            if (seen_def and not d) or (d and self.base(end).endswith("يه")):
                break       # 'وادي خالد الحدودية': a feminine nisba after a name is an adjective
            seen_def |= d
            end += 1
        return end

    def known_place(self, a: int, b: int, geo_names) -> tuple[int, GazEntry | None, bool]:
        """Longest known prefix of the place name a..b: (end, gazetteer entry, known to GeoNames)."""
        topographic = self.has(a, "PLACE_HEAD") or self.has(a, "LINKER")
        for end in range(b, a + topographic, -1):      # 'وادي' alone is not the place 'وادي خالد'
            names = self.names_of(a, end)
            entry = self.gaz.lookup(names, ("LOC",))
            if entry and end - a == 1 and TANWEEN.intersection(self.raw[a]):
                entry = None        # 'كبيراً' is an adjective, not ك + 'بيرا'
            if entry or " ".join(names) in geo_names:
                return end, entry, True
        # unknown: keep the first word and the definite words after it ('قرية الباغوز الفوقاني', not 'هامبورغ شابا');
        # a topographic first word takes one more ('وادي خالد', 'تل أبيض', 'خان يونس')
        end = a + 1
        if end + 1 < b and self.has(end, "LINKER"):
            end += 2        # 'كرم أبو سالم'
        elif end < b and (self.has(a, "PLACE_HEAD") or self.has(a, "LINKER") or self.has(a, "DIRECTION")):
            end += 1
        while end < b and self.definite(end):
            end += 1
        return end, None, False
