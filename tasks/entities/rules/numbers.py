"""Rule group 4: dates, times and quantities."""

from __future__ import annotations

from tasks.entities.rules.tokens import (APPROX, CLOCK, CONJUNCTION, DATE_NUMERIC, DEMONSTRATIVES, DIGITS,
                                        NOT_COUNTED, PARTITIVE, YEAR)


class NumberRules:
    """Date/time and quantity passes of ArticleRules."""

    def date_pass(self) -> None:
        after = 0
        for i, _, s1 in self.candidates(self.date_ok):
            if i < after:
                continue
            end, typ = self.date_at(i, s1)
            if end and all(self.taken[x] is None for x in range(i, end)):
                self.add(i, end, typ, "", "", 0.85, "date_rule")
                after = end

    def month_at(self, k: int, s1: int) -> int | None:
        """End of a month name at k ('مارس', 'تشرين الأول', 'تشرين أول'), optionally '/ other name' or '(other)'."""
        if k >= s1:
            return None
        if self.has(k, "MONTH"):
            end = k + 1
        elif self.has(k, "MONTH_PREFIX") and k + 1 < s1 and self.has(k + 1, "ORDINAL"):
            end = k + 2
        else:
            return None
        if end + 1 < s1 and self.raw[end] in ("/", "("):
            alt = self.month_at(end + 1, s1)
            if alt:
                end = alt
                if self.raw[end - 1] != ")" and end < s1 and self.raw[end] == ")":
                    end += 1
        return end

    def date_at(self, i: int, s1: int) -> tuple[int | None, str]:
        """End and type of a date/time expression starting at token i, or (None, '')."""
        norm, has = self.norm, self.has              # normalised: Arabic-Indic digits are ASCII here
        if not self.date_ok[i]:
            return None, ""                          # every rule below needs DATE_START or digits at token i
        if DATE_NUMERIC.match(norm[i]):
            return i + 1, "DATE"
        if CLOCK.match(norm[i]):
            return i + 1, "TIME"
        k = i
        if has(k, "DAYPART") and k + 1 < s1 and (has(k + 1, "WEEKDAY") or has(k + 1, "DATE_REL")):
            k += 1                                   # 'مساء السبت', 'صباح أمس'
        if has(k, "WEEKDAY") or has(k, "DATE_REL"):
            end = k + 1
            if end < s1 and has(end, "WEEKDAY"):
                end += 1                             # 'أمس الخميس', 'ليل السبت الأحد'
            if end < s1 and has(end, "DATE_MOD"):
                end += 1
            return end, "DATE"
        if has(i, "ORDINAL") and i + 2 < s1 and self.base(i + 1) in PARTITIVE and has(i + 2, "DATE_REL"):
            return i + 3, "DATE"                     # 'أول من أمس'
        if norm[i] in DEMONSTRATIVES and i + 1 < s1 and has(i + 1, "DATE_UNIT"):
            return i + 2, "DATE"                     # 'هذا الشهر'
        if has(i, "DATE_UNIT") and i + 1 < s1 and has(i + 1, "DATE_MOD"):
            return i + 2, "DATE"                     # 'الأسبوع الحالي'
        if has(i, "YEAR_WORD") and i + 1 < s1 and YEAR.match(norm[i + 1]):
            return i + 2, "DATE"                     # 'عام 2014'
        if norm[i].isdecimal() and 1 <= int(norm[i]) <= 31:
            k = i + 1
            if k + 1 < s1 and norm[k] in CONJUNCTION and norm[k + 1].isdigit():
                k += 2                               # '22 و 23 مارس'
            elif k < s1 and norm[k][:1] == "و" and norm[k][1:].isdigit():
                k += 1                               # '22 و23 مارس'
            end = self.month_at(k, s1)
            return (self.date_tail(end, s1), "DATE") if end else (None, "")
        end = self.month_at(i, s1)
        if end is None:
            return None, ""
        nxt = end
        if nxt + 1 < s1 and self.base(nxt) in PARTITIVE and has(nxt + 1, "YEAR_WORD"):
            nxt += 2                                 # 'تشرين أول من عام 2017'
        if nxt < s1 and YEAR.match(norm[nxt]):
            return self.date_tail(nxt + 1, s1), "DATE"
        if has(i, "MONTH") and end == i + 1:
            return None, ""                          # a bare 'مارس' is also a verb
        return self.date_tail(end, s1), "DATE"

    def date_tail(self, end: int, s1: int) -> int:
        if end < s1 and YEAR.match(self.norm[end]):
            end += 1
        if end < s1 and self.has(end, "DATE_MOD"):
            end += 1
        return end

    def quantity_pass(self) -> None:
        after = 0
        for i, _, s1 in self.candidates(self.quantity_ok):
            if i < after or self.taken[i] is not None:
                continue
            end = self.quantity_at(i, s1)
            if end:
                glued = self.raw[i][0] in "وف" and self.raw[i][1:2].isdigit()     # 'و15 الف'
                self.add(i, end, "QUANTITY", "", "", 0.8, "quantity_rule", start=self.starts[i] + glued)
                after = end

    def quantity_at(self, i: int, s1: int) -> int | None:
        if not self.quantity_ok[i]:
            return None                              # neither a number word nor digits (perhaps after و/ف)
        vague = self.has(i, "VAGUE_NUM")
        num = self.norm[i][1:] if self.norm[i][:1] in "وف" and self.norm[i][1:2].isdigit() else self.norm[i]
        if DIGITS.match(num):
            if YEAR.match(num):
                return None
            if num.endswith("%"):
                return i + 1
        elif not (self.has(i, "NUMWORD") or vague):
            return None
        k = i + 1
        if k < s1 and self.has(k, "SCALE") and not vague:
            k += 1
        if k < s1 and self.taken[k] is None and self.has(k, "UNIT"):
            k += 1
            if k < s1 and self.has(k, "UNIT"):
                k += 1                                   # 'كم مربع'
            return k
        if k < s1 and self.counted_noun(k):
            return k + 1
        partitive = k < s1 and self.base(k) in PARTITIVE
        approx = i > 0 and self.base(i - 1) in APPROX
        if partitive or approx or vague or k > i + 1:
            return k
        return None

    def counted_noun(self, k: int) -> bool:
        if self.taken[k] is not None or not self.is_word(k) or self.prep_prefixed(k) or self.conj_prefixed(k):
            return False
        return not self.has_any(k, NOT_COUNTED)
