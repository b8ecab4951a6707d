"""Rule group 2: organisations built on a head word ('وزارة الدفاع', 'تنظيم «داعش»'), acronyms, channels after a reporter word."""

from __future__ import annotations

from akhbar.ids import stable_id
from akhbar.text.normalise import normalize
from tasks.entities.rules.homographs import AMBIGUOUS_MEDIA_HEADS
from tasks.entities.rules.tokens import (CLOSE_QUOTES, LIBERATION, MASDAR_PREPS, Mention, NOT_IN_ORG, OPEN_QUOTES,
                                        ORG_CONTEXT_PREPS, org_kind_of)


class OrganisationRules:
    """Organisation passes of ArticleRules."""

    def org_pass(self) -> None:
        nested = []
        for i, s0, s1 in self.having("ORG_HEAD", "ORG_DEF"):
            if self.taken[i] is not None:
                continue
            if self.has(i, "ORG_DEF"):
                if i + 1 < s1 and self.definites[i + 1]:     # cheap reject: most are bare ('المجلس')
                    self.org_at(i, s0, s1, definite_head=True)
            elif self.head_form(i):
                self.org_at(i, s0, s1)
                if (self.taken[i] is None and i + 1 < s1 and self.has(i + 1, "ORG_HEAD")
                        and self.cls[i]["ORG_HEAD"].startswith("bound")):
                    nested.append((i, s0, s1))
        for i, s0, s1 in nested:
            # a head before a name found by its own head: 'جماعة جيش محمد' (org_at takes the inner name)
            m = self.taken[i + 1]
            if (self.taken[i] is None and m is not None and m.type == "ORG" and m.i == i + 1
                    and m.method == "org_head" and m.kind == "armed_group"):
                self.org_at(i, s0, s1)

    def org_context(self, i: int, s0: int) -> bool:
        """A bound head (حركة, جماعة, لواء) names a group here: after a speech verb or a title/role
        ('ونفت حركة أمل', 'القيادي في حركة النهضة', 'قائد لواء الجبل')."""
        p = i - 1
        if p < s0 or self.taken[p] is not None:
            return False
        if self.has_any(p, ("SPEECH", "TITLE", "ROLEWORD")):
            return True
        return self.base(p) in ORG_CONTEXT_PREPS and p - 1 >= s0 and self.has(p - 1, "TITLE")

    def bound_name(self, i: int, j: int, k: int, s0: int, s1: int) -> bool:
        """Whether the unknown words j..k after a bound head at i name a group: in an organisation
        context (org_context), a definite name ('حركة النهضة'), or an uncommon word ('حركة طالبان'),
        or one word after a speech verb before a boundary ('ونفت حركة أمل في بيان'); not an adjective
        ('تنظيم سري'), a common noun ('تنظيم عمليات') or a word with a clitic ('تنظيم لطرد')."""
        if k - j > self.cfg.bound_org_max_words or self.has(j, "NOUN") or self.conj_prefixed(j) or self.norm[j][:1] in "لب":
            return False
        if not self.org_context(i, s0):
            return False
        if self.definite(j):
            return True
        if self.base(j).endswith(("ي", "ه")):
            return False
        if self.norm[j] not in self.frequent:
            return True
        return (k == j + 1 and self.has(i - 1, "SPEECH")
                and (k >= s1 or not self.is_word(k) or self.has(k, "STOP")))

    def org_complement(self, k: int, s1: int) -> int:
        """End of a 'لل' complement that belongs to a body's name at k ('للإعلام', 'للانتخابات',
        'للأنباء'), or k. Not a plural of persons ('للصحفيين' is an addressee) nor a purpose masdar
        with its preposition ('للإفراج عن', 'للسيطرة على')."""
        if k >= s1 or self.taken[k] is not None or not self.is_word(k) or self.has_any(k, NOT_IN_ORG):
            return k
        norm = self.norm[k]
        if norm in LIBERATION and k + 1 < s1:
            t = self.taken[k + 1]
            if t is not None and t.type == "LOC" and t.i == k + 1:
                return t.j              # 'الجبهة الشعبية لتحرير فلسطين'
            if t is None and self.nameable(k + 1) and not self.conjs[k + 1]:
                return k + 2            # 'الجبهة الشعبية لتحرير تيغراي'
            return k
        if not norm.startswith("لل") or len(norm) <= 4 or norm.endswith(("ين", "ون")):
            return k
        if k + 1 < s1 and self.base(k + 1) in MASDAR_PREPS:
            return k
        return k + 1

    def agency_name(self, j: int, s1: int) -> int | None:
        """End of a news agency name whose words may be places or adjectives, closed by a 'لل' complement:
        'وكالة المغرب العربي للأنباء', 'وكالة الإمارات للأنباء'; None when no complement closes it
        within three words."""
        k = j
        while k < s1 and k - j < self.cfg.agency_max_words:
            t = self.taken[k]
            if t is not None:
                if t.type not in ("LOC", "NORP") or t.i != k:
                    return None
                k = t.j
                continue
            if not self.is_word(k) or self.preps[k] or self.conjs[k] or self.has_any(k, NOT_IN_ORG - {"NORP"}):
                break
            k += 1
        if k == j or k - j > self.cfg.agency_max_words:
            return None
        end = self.org_complement(k, s1)
        return end if end > k else None

    def org_at(self, i: int, s0: int, s1: int, definite_head: bool = False) -> None:
        """An organisation named by the head at i: a known one it precedes, a news agency, or head + name."""
        strength, kind = org_kind_of(self.cls[i]["ORG_DEF" if definite_head else "ORG_HEAD"])
        head_start = self.token_start(i, self.lexkey[i])
        j, quoted = i + 1, False
        if j < s1 and self.raw[j] in OPEN_QUOTES:
            j, quoted = j + 1, True
        m = self.taken[j] if j < s1 else None
        if m is not None and m.type == "ORG" and m.i == j:
            if strength != "weak":              # 'قوات التحالف الدولي' is the coalition
                self.head_on_org(i, m, quoted, s1, head_start, kind)
            return
        if kind == "media" and not definite_head and not quoted:
            k_end = self.agency_name(j, s1)
            if k_end:
                self.drop_between(j, k_end)
                canon = self.text[head_start:self.ends[k_end - 1]]
                self.add(i, k_end, "ORG", stable_id("org", normalize(canon)), canon, 0.8, "org_head",
                         start=head_start, kind=kind)
                return
        k, n_tok, closed = self.org_name_end(j, s1, strength, definite_head, quoted)
        if n_tok == 0:
            return
        if strength == "weak" and (n_tok < 2 or not self.definite(j)):
            return
        entry = self.gaz.lookup(self.names_of(j, k), ("ORG",)) or self.gaz.lookup(self.names_of(i, k), ("ORG",))
        if entry and entry.cue_only and entry.kind == "media" and (kind != "media" or not self.definite(j) or (
                not quoted and self.lexkey[i] in AMBIGUOUS_MEDIA_HEADS)):
            entry = None        # an outlet named like a word: only as written after a media head ('قيادة المدينة', 'وكالة بيان')
        if not entry and not closed and (definite_head or kind == "media"):
            k_end = self.org_complement(k, s1)
            if k_end > k:
                k, n_tok = k_end, n_tok + (k_end - k)
                while (k < s1 and self.nameable(k) and self.definite(k) and n_tok < self.cfg.org_complement_max_tokens
                       and not self.has(k, "NOUN")):
                    k, n_tok = k + 1, n_tok + 1         # 'الهيئة العامة للطيران المدني'
        if not entry and not self.org_name_ok(i, j, k, n_tok, s0, s1, strength, definite_head, closed):
            return
        last, end = k, self.ends[k - 1]
        if closed:
            last, end = k + 1, self.ends[k]
        self.drop_between(j, k)
        if entry:
            self.add(i, last, "ORG", entry.entity_id, entry.canonical_name, 0.9, "gazetteer+head", start=head_start,
                     end=end, kind=entry.kind)
        else:
            canon = self.text[head_start:end].strip("«»\"“”()")
            self.add(i, last, "ORG", stable_id("org", normalize(canon)), canon, 0.8, "org_head", start=head_start,
                     end=end, kind=kind)

    def head_on_org(self, i: int, m: Mention, quoted: bool, s1: int, head_start: int, kind: str) -> None:
        """A head directly before a known organisation extends it: 'تنظيم «داعش»'."""
        end, last = m.end, m.j
        if quoted and last < s1 and self.raw[last] in CLOSE_QUOTES:
            end, last = self.ends[last], last + 1
        self.drop(m)
        self.add(i, last, "ORG", m.entity_id, m.canonical_name, 0.9, m.method + "+head", start=head_start,
                 end=end, kind=m.kind or kind)

    def drop_between(self, j: int, k: int) -> None:
        """Drop the mentions holding tokens j..k-1 (a longer name takes them)."""
        for t in {self.taken[x] for x in range(j, k) if self.taken[x] is not None}:
            self.drop(t)

    def org_name_end(self, j: int, s1: int, strength: str, definite_head: bool,
                     quoted: bool) -> tuple[int, int, bool]:
        """(end, name tokens, closed by a quote) of the name words after a head, from j."""
        # after a definite head only definite words follow ('المجلس الانتقالي الجنوبي')
        k, n_tok, seen_def, closed, conj_seen = j, 0, definite_head, False, False
        while k < s1 and n_tok < self.cfg.org_max_tokens:
            if quoted and self.raw[k] in CLOSE_QUOTES:
                closed = True
                break
            t = self.taken[k]
            if t is not None:
                if t.type == "LOC" and t.i == k and n_tok >= 1 and not definite_head:
                    # 'مجلس محافظة الأنبار', 'جامعة الموصل'; a place name closes the phrase: 'حكومة إقليم
                    # كردستان جوتيار عادل' goes on with a person
                    seen_def = True
                    k, n_tok = t.j, n_tok + (t.j - t.i)
                    continue
                break
            if not self.is_word(k):
                break
            if self.has(k, "NORP") or self.has(k, "NORP_FORM"):
                # 'وزارة الدفاع التركية', 'وكالة الأنباء اليمنية'; after a quoted name it is NORP (checked above)
                nisba = self.base(k).endswith(("ي", "يه"))     # singular: not 'الجيش الأكراد'
                if strength != "weak" and (n_tok >= 1 or (strength == "national" and nisba)) and self.definite(k):
                    k, n_tok = k + 1, n_tok + 1     # 'الجيش السوداني': an army takes it directly
                break
            if definite_head and n_tok >= 1 and self.has(k, "DIRECTION") and self.definite(k):
                k, n_tok = k + 1, n_tok + 1         # 'المجلس الانتقالي الجنوبي'
                break
            if (self.conj_prefixed(k) and k > j and not conj_seen and strength != "weak" and not definite_head
                    and seen_def and self.definite(k) and self.lexkey[k] is None and self.lexkey[k - 1] is None
                    and n_tok <= 2):
                # a second genitive joined by و, of words the lexicon does not know: 'حركة العدل والمساواة',
                # 'جماعة نصرة الإسلام والمسلمين'; not 'وزارة الدفاع والداخلية', 'قيادة الجيش والشرطة'
                conj_seen = True
                k, n_tok = k + 1, n_tok + 1
                if k < s1 and not self.has_any(k, ("NORP", "NORP_FORM")):
                    break       # the joined word ends the name: not 'قيادة الشرطة والمتحف الأثري القديم'
                continue
            if (self.has_any(k, NOT_IN_ORG)
                    or (self.has(k, "NOUN") and strength == "weak")
                    or (self.conj_prefixed(k) and k > j) or self.prep_prefixed(k)):
                break
            d = self.definite(k)
            if seen_def and not d:
                break
            if (not d and n_tok >= 1 and self.norm[k] in self.frequent
                    and (k + 1 >= s1 or not self.definites[k + 1] or self.preps[k + 1])):
                break       # a common word closing the phrase is the verb: 'جيش أراكان سيطر على'
            seen_def |= d
            k, n_tok = k + 1, n_tok + 1
        return k, n_tok, closed

    def org_name_ok(self, i: int, j: int, k: int, n_tok: int, s0: int, s1: int, strength: str,
                    definite_head: bool, closed: bool) -> bool:
        """Whether head i + unknown words j..k name an organisation rather than a generic body or a phrase."""
        if definite_head:
            # a definite body is generic ('المجلس المحلي') unless its name is long, a complement or
            # a nationality completes it ('الهيئة العليا المستقلة للانتخابات', 'الجيش الصومالي')
            if strength != "national" and n_tok < 2:
                return False
            if strength == "national" and not (self.has(j, "NORP") and self.base(j).endswith("ي")):
                return False    # 'الجيش الصومالي'; not 'الجيش النظامي', 'دخل الجيش المدينة'
            if any(self.has(x, "NOUN") or self.has(x, "LOC_CUE") for x in range(j, k)):
                return False
        if strength == "bound" and not (closed or self.bound_name(i, j, k, s0, s1)):
            return False
        if n_tok == 1 and self.has(j, "NOUN"):
            return False        # 'مجلس المحافظة', 'قيادة الشرطة': a generic body, no name
        if not closed and n_tok == 1 and not self.definite(j) and self.base(j).endswith("ه"):
            return False        # 'حكومة مسؤولة', 'منظمة إنسانية': an adjective, not a name
        return True

    def acronym_pass(self) -> None:
        """'وكالة الأنباء الأردنية (بترا)': one word in brackets right after an organisation is its
        acronym, the same entity."""
        raw, n = self.raw, len(self.raw)
        for m in [m for m in self.mentions if m.type == "ORG" and not m.dead]:
            j = m.j
            if (j + 2 < n and raw[j] == "(" and raw[j + 2] == ")" and self.sent[j + 2] == self.sent[m.i]
                    and self.words[j + 1] and not self.preps[j + 1] and not self.conjs[j + 1]):
                t = self.taken[j + 1]
                if t is not None:
                    if t.type == "ORG" or t.i != j + 1 or t.j != j + 2:
                        continue
                    self.drop(t)
                self.add(j + 1, j + 2, "ORG", m.entity_id, m.canonical_name, 0.85, "acronym", kind=m.kind)

    def reporter_pass(self) -> None:
        """'مراسل الجزيرة', 'مراسلة الميادين': after a reporter word a channel's name is the channel, not
        the place of the same name."""
        for i, _, s1 in self.having("REPORTER"):
            k = i + 1
            if k >= s1:
                continue
            t = self.taken[k]
            if t is not None and (t.type != "LOC" or t.i != k):
                continue
            j = t.j if t is not None else k + 1
            entry = self.gaz.lookup(self.names_of(k, j), ("ORG",))
            if entry is None or entry.kind != "media":
                continue
            if t is not None:
                self.drop(t)
            self.add(k, j, "ORG", entry.entity_id, entry.canonical_name, 0.85, "gazetteer+reporter", kind="media")
