"""Rule group 5: persons after a title, before a role, after a speech verb."""

from __future__ import annotations

from akhbar.ids import stable_id
from akhbar.text.normalise import normalize
from tasks.entities.names import person_key
from tasks.entities.rules.tokens import (ALLAH, CLOSE_QUOTES, COMMAS, OPEN_QUOTES, ROLE_IN, ROLE_PREPS)


class PersonRules:
    """Person pass of ArticleRules."""

    def parse_name(self, i: int, s1: int, need_first: bool = False) -> int | None:
        """End of a person name starting at i, or None. See the module docstring for the shape."""
        k = i
        if k < s1 and self.has(k, "LINKER") and self.taken[k] is None:
            while k < s1 and self.has(k, "LINKER"):
                k += 1
            # after عبد / أبو any word but a function word: 'عبد الأمير', 'عبد الملك'
            if k >= s1 or self.taken[k] is not None or not self.is_word(k) or (
                    self.has(k, "STOP") and self.norm[k] not in ALLAH):     # 'عبد الله' (the lexicon reads له)
                return None
            k, first_is_name = k + 1, True
        elif k < s1 and self.nameable(k) and (not self.definite(k) or self.has(k, "FIRSTNAME")):
            first_is_name = self.has(k, "FIRSTNAME")
            k += 1
            if need_first and self.lexkey[i] in self.lex.maqsura_stops and not self.name_follows(k, s1):
                return None     # 'وأكد علي أهمية الحوار': على typed with ي, not the name علي
        else:
            return None
        if need_first and not first_is_name:
            return None
        count = k - i
        while k < s1 and count < self.cfg.person_max_words:
            if self.has(k, "LINKER") and k + 1 < s1 and self.nameable(k + 1):
                k, count = k + 2, count + 2
            elif self.norm[k] in ALLAH and self.taken[k] is None and not self.definite(k - 1):
                k, count = k + 1, count + 1     # 'ذبيح الله', 'نصر الله' (the lexicon reads له)
            elif count >= 3 and self.definite(k) and self.norm[k] in self.frequent:
                break                           # 'عبد الله باتيلي التقى': a verb that looks definite
            elif self.nameable(k) and not self.conj_prefixed(k) and (
                    self.definite(k) or count == 1 or self.norm[k - 1] in ALLAH
                    or (not self.definite(k - 1) and self.last_name_word(k, s1))):
                # 'ذبيح الله مجاهد'; 'حسن شيخ محمود في', 'محمد حمدان دقلو الجيش'
                k, count = k + 1, count + 1
            elif (count == 1 and first_is_name and self.taken[k] is None and self.definite(k)
                  and self.has(k, "NORP") and self.base(k).endswith("ي")):
                k, count = k + 1, count + 1     # a nisba family name after a given name: 'خالد المصري'
                break
            else:
                break
        if need_first and count < 2:
            return None
        return k

    def name_follows(self, k: int, s1: int) -> bool:
        """After a given name that is also a preposition typed with ي ('علي' for 'على'), a name word must
        follow: a given name, a linker or a glued 'عبدX' ('علي حسن', 'علي عبدالله'), or a word outside the common words
        ('علي المطيري'); a common word is the preposition's object ('علي أهمية', 'علي الموافقة').
        Asked after a speech verb only: after a title the word is the name ('الرئيس علي ...')."""
        if k >= s1 or not self.nameable(k) and not self.has(k, "LINKER"):
            return False
        return (self.has_any(k, ("FIRSTNAME", "LINKER")) or self.base(k).startswith("عبد")
                or self.base(k) not in self.frequent)

    def last_name_word(self, k: int, s1: int) -> bool:
        """A third indefinite word ends a name of indefinite words when a boundary follows (punctuation,
        a function word, a mention found before): 'علي يرلي كايا إن', 'محمد حمدان دقلو الجيش'; not
        'أنتوني بلينكن لبحث وقف'. Not a verb ('يطالب', 'سيستضيف') nor a common word ('زار', 'قوية')
        unless a given name ('حسن شيخ محمود')."""
        norm = self.norm[k]
        if self.definite(k) or norm[:1] in "يت" or norm[:2] in ("سي", "ست", "سن") or len(norm) < 3:
            return False
        if norm in self.frequent and not self.has(k, "FIRSTNAME"):
            return False
        if norm[:1] in "بلكوف" and norm[1:] in self.lex.classes:
            return False        # a known word after a proclitic: 'بأن', 'لبحث'
        n = k + 1
        return n >= s1 or not self.is_word(n) or self.has(n, "STOP") or self.taken[n] is not None

    def role_skip(self, j: int, s1: int) -> tuple[int, int]:
        """Skip a role phrase from j: (first token after it, last token of it or j-1)."""
        start, last = j, j - 1
        while j < s1 and j - start < self.cfg.role_max_tokens:
            t = self.taken[j]
            if t is not None:
                if t.type in ("ORG", "LOC", "NORP"):
                    j = last = t.j - 1
                    j += 1
                    continue
                break
            if self.has_any(j, ("TITLE", "ROLEWORD", "ANAPHOR", "NORP", "NORP_FORM")):
                last, j = j, j + 1
                continue
            if self.raw[j] in OPEN_QUOTES or self.raw[j] in CLOSE_QUOTES:
                j += 1
                continue
            nxt = self.taken[j + 1] if j + 1 < s1 else None
            if (self.has(j, "ORG_HEAD") or self.has(j, "LOC_CUE") or self.base(j) in ROLE_PREPS) \
                    and nxt is not None and nxt.type in ("ORG", "LOC"):
                j += 1
                continue
            if self.raw[j] in COMMAS and j + 1 < s1 and self.has(j + 1, "TITLE"):
                j += 1
                continue
            break
        return j, last

    def role_text(self, a: int, last: int) -> str | None:
        if last < a:
            return None
        return self.text[self.token_start(a, self.lexkey[a]):self.ends[last]].strip("«»\"“”()، ,")

    def person_pass(self) -> None:
        for i, s0, s1 in self.having("TITLE", "SPEECH", "GOV_CUE"):
            if self.taken[i] is not None:
                continue
            if self.has(i, "TITLE"):
                self.title_at(i, s1)
                self.role_after_at(i, s0, s1)
            elif i + 1 < s1:
                end = self.parse_name(i + 1, s1, need_first=True)
                if end:
                    self.add_person(i + 1, end, 0.7, "speech_verb")

    def add_person(self, a: int, b: int, confidence: float, method: str, role: str | None = None,
                   start: int | None = None) -> None:
        m = self.add(a, b, "PERSON", "", "", confidence, method, role=role, start=start)
        m.canonical_name = self.surface(m)
        key = person_key(m.canonical_name)
        entry = (self.gaz.lookup(tuple(normalize(m.canonical_name).split()), ("PERSON",), include_cue_only=False)
                 or self.gaz.person_by_key(key, person_key))
        if entry:
            m.entity_id, m.canonical_name = entry.entity_id, entry.canonical_name
        else:
            m.entity_id = stable_id("per", key)     # one id across spellings (tasks/entities/names.py)

    def title_at(self, i: int, s1: int) -> None:
        if self.cls[i]["TITLE"] == "after":
            return
        j, last = self.role_skip(i + 1, s1)
        last = max(last, i)
        if j < s1 and self.taken[j] is not None and self.taken[j].type == "PERSON":
            if self.taken[j].role is None:
                self.taken[j].role = self.role_text(i, last)
            return
        end = self.parse_name(j, s1)
        if (end is None and j + 1 < s1 and self.taken[j] is None and self.definite(j) and self.nameable(j)
                and self.base(j).endswith("ي") and not self.definite(j + 1)):
            # 'الناشط الحقوقي سامر العلي': a nisba adjective of the role, then an indefinite name
            j, last = j + 1, j
            end = self.parse_name(j, s1)
        if end is None and self.cls[i]["TITLE"] != "after":
            j2 = self.role_phrase_end(j, s1)
            if j2 is not None:
                end2 = self.parse_name(j2, s1)
                if end2 and end2 - j2 >= 2 and not self.definite(j2) and (
                        self.has_any(j2, ("FIRSTNAME", "LINKER"))
                        or not any(self.norm[x] in self.frequent for x in range(j2, end2))):
                    # a known given name, or words no Arabic word list has ('أوليغ سينيغوبوف')
                    j, last, end = j2, j2 - 1, end2
        if end and (end - j >= 2 or self.has(j, "FIRSTNAME")):   # 'ووزير خارجيته' is no name
            # no conjunction between a title and its name: 'الرئيس فولوديمير' keeps its ف
            # ('فؤاد' is a given name whose ف is no conjunction either)
            start = self.starts[j] if self.raw[j][:1] in "وف" and self.lexkey[j] in (None, self.norm[j]) else None
            self.add_person(j, end, 0.85, "title", role=self.role_text(i, last), start=start)

    def role_phrase_end(self, j: int, s1: int) -> int | None:
        """First token after a longer role phrase between a title and a name: definite words, mentions
        of places, organisations and nationalities, 'لل'/'ل' complements and 'في' + a place ('رئيس
        الإدارة العسكرية للمقاطعة', 'المنسق الأممي للشؤون الإنسانية في اليمن', 'رجل الأعمال',
        'رئيس المجلس المحلي لبلدة بيتا'); None unless it stops at an indefinite word of up to six."""
        k = j
        while k < s1 and k - j < self.cfg.role_phrase_max_tokens:
            t = self.taken[k]
            if t is not None:
                if t.type not in ("ORG", "LOC", "NORP"):
                    return None
                k = t.j
                continue
            if not self.words[k] or self.has(k, "STOP"):
                return None
            if self.definites[k] or self.preps[k] or self.has_any(k, ("ROLEWORD", "NORP", "NORP_FORM")):
                k += 1
                continue
            if (self.norm[k][:1] == "ل" or self.has(k, "LOC_CUE")) and k + 1 < s1 and self.taken[k + 1] is not None:
                k += 1          # 'لبلدة بيتا', 'لمحافظة نينوى'
                continue
            if self.base(k) in ROLE_IN and k + 1 < s1 and self.taken[k + 1] is not None \
                    and self.taken[k + 1].type in ("LOC", "ORG"):
                k += 1
                continue
            break
        return k if k > j and k < s1 and not self.conjs[k] else None

    def role_after_at(self, i: int, s0: int, s1: int) -> None:
        if self.taken[i] is not None or self.cls[i]["TITLE"] == "before":
            return
        j, last = self.role_skip(i + 1, s1)
        if last <= i:
            return                                       # a bare title is no role phrase
        k = i - 1
        if k >= s0 and self.raw[k] in COMMAS:
            k -= 1
        if k < s0:
            return
        if self.taken[k] is not None and self.taken[k].type == "PERSON":
            if self.taken[k].role is None:
                self.taken[k].role = self.role_text(i, last)
            return
        b = k
        while b >= s0 and k - b < 4 and (self.nameable(b) or self.has(b, "LINKER")):
            b -= 1
        first = b + 1
        if first > k:
            return
        start = next((t for t in range(first, k + 1) if self.has(t, "FIRSTNAME") or self.has(t, "LINKER")), None)
        if start is None:
            # without a known given name, only 'X Y، <role>' with the comma is evidence enough
            if self.raw[k + 1] not in COMMAS or k - first < 1:
                return
            start = k - 1
        if self.parse_name(start, k + 1) == k + 1:
            self.add_person(start, k + 1, 0.75, "role_after", role=self.role_text(i, last))
