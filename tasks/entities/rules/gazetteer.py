"""Rule group 1: longest match of known names (the gazetteer)."""

from __future__ import annotations

from akhbar.ids import stable_id
from akhbar.text.normalise import normalize
from tasks.entities.lexicon import GazEntry

TANWEEN = frozenset("\u064b\u064c\u064d")     # 'بيراً': a case ending names do not take


class GazetteerRules:
    """Gazetteer pass of ArticleRules (tasks/entities/rules/__init__.py)."""

    def gazetteer_pass(self) -> None:
        start_keys = self.gaz.start_keys_of(self.norm)
        after = 0                                # first token after the last match
        for i, s0, s1 in self.candidates(start_keys):
            if i < after or self.taken[i] is not None:
                continue
            hit = self.gaz_match(i, s1, start_keys[i])
            if hit and (any(self.taken[i:i + hit[0]]) or (hit[0] == 1 and TANWEEN.intersection(self.raw[i]))):
                hit = None          # overlaps an outlet the outlet pass took; a word with tanween is no name
            if hit:
                n, key, entry = hit
                if entry.homograph and n == 1 and self.noun_reading(i, s0, s1):
                    after = i + 1       # 'القاعدة الجوية': the noun (rules/homographs.py)
                    continue
                if n == 1 and key != self.norm[i] and self.clitic_word(i, key, entry):
                    after = i + 1
                    continue
                eid, canon = entry.entity_id, entry.canonical_name
                if entry.kind == "media" and i + n < s1 and self.norm[i + n].startswith("لل"):
                    n = self.org_complement(i + n, s1) - i      # 'وكالة تسنيم للأنباء'
                elif entry.national and i + n < s1 and self.definite(i + n) and self.has(i + n, "NORP"):
                    # 'الهلال الأحمر المصري' is the Egyptian society, not the generic name plus an adjective
                    n += 1
                    canon = f"{canon} {self.raw[i + n - 1]}"
                    eid = stable_id("org", normalize(canon))
                if (n == 1 and entry.type == "LOC" and "NORP" in self.kinds[i] and self.definites[i]
                        and i > self.sent_range[i][0]
                        and self.definites[i - 1] and not self.preps[i - 1] and self.taken[i - 1] is None
                        and self.words[i - 1]):
                    after = i + 1       # 'السلطات السعودية': the adjective, not the country (norp_pass)
                    continue
                self.add(i, i + n, entry.type, eid, canon, 0.9, "gazetteer",
                         start=self.token_start(i, key), kind=entry.kind, country_code=entry.country_code,
                         capital=entry.capital)
                after = i + n

    def clitic_word(self, i: int, key: str, entry: GazEntry) -> bool:
        """A GeoNames place reached by taking a letter for a clitic when the whole word is a common word
        and the rest is not: 'كبيرا' is 'big', not 'ك' + 'بيرا' (Beira). Curated names keep their clitics."""
        return (entry.entity_id.startswith("loc_gn") and self.norm[i] in self.all_words
                and key not in self.all_words)

    def gaz_match(self, i: int, s1: int, keys: tuple[str, ...]) -> tuple[int, str, GazEntry] | None:
        """Longest name at token i under one of its start keys (Gazetteer.start_keys)."""
        index, longest = self.gaz.bare, self.gaz.first_tokens
        for n in range(min(max([longest.get(k, 0) for k in keys]), s1 - i), 0, -1):
            rest = tuple(self.norm[i + 1:i + n])
            for key in keys:
                entries = index.get((key, *rest))
                if entries:
                    return n, key, entries[0]
        return None
