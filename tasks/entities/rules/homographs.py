"""Rule group 0: names that are also common words, decided by their context (docs/entities.md, Homographs).

- Outlets (entities/outlets.tsv) whose name is also a place or a word (`cue` rows: 'الشرق الأوسط',
  'الرياض', 'اليوم') are the outlet in quotes ('لـ«الشرق الأوسط»'), after a media head ('جريدة
  الشرق الأوسط'); elsewhere the gazetteer's other reading stands. Not after a speech verb: 'أكد
  البيان' is the statement, 'ذكرت الأخبار' the news (tried and dropped on the seeds) ('في الشرق الأوسط' is the region). Runs before the gazetteer pass.
- Names flagged `homograph` in the gazetteer ('القاعدة': al-Qaeda, a base, a rule) are matched bare
  unless the noun reading shows: a definite nisba adjective after it ('القاعدة الجوية', 'القاعدة
  القانونية') or a word of the HOMOGRAPH_NOUN_CONTEXT set near it ('مدرج', 'بيانات'); a word of
  HOMOGRAPH_ORG_CUE right before it ('زعيم القاعدة', 'عناصر القاعدة') always reads the name.
- Capitals whose name is also a common word (gazetteer `cue` rows of kind capital: 'كيف' how / Kyiv)
  are the capital only after a place cue ('مدينة كيف', through the cue pass), after a cue and a
  nationality adjective ('العاصمة الأوكرانية كيف'), or after a locative preposition in an article
  that names the capital's country ('في كيف' when Ukraine is named).
- Administrative bodies named after their place ('إمارة منطقة القصيم', 'أمانة الرياض'): ORG over the
  place the cue and gazetteer passes found (ADMIN_BODY in entities/words.tsv). Runs after the place pass.
"""

from __future__ import annotations

from akhbar.ids import stable_id
from akhbar.text.normalise import normalize
from tasks.entities.lexicon import GazEntry, word_pairs, word_set
from tasks.entities.rules.tokens import CLOSE_QUOTES, OPEN_QUOTES

HOMOGRAPH_ORG_CUES = word_set("HOMOGRAPH_ORG_CUE")
HOMOGRAPH_NOUN_CONTEXT = word_set("HOMOGRAPH_NOUN_CONTEXT")
AMBIGUOUS_MEDIA_HEADS = word_set("AMBIGUOUS_MEDIA_HEAD")   # 'إذاعة البيان' is broadcasting the statement
# head (normalised) -> the words that may follow it before the place ('' none): 'إمارة منطقة', 'أمانة'
ADMIN_BODY: dict[str, tuple[str, ...]] = {}
for _head, _follow in word_pairs("ADMIN_BODY"):
    ADMIN_BODY.setdefault(normalize(_head), ())
    ADMIN_BODY[normalize(_head)] += (normalize(_follow) if _follow else "",)
NOUN_CONTEXT_WINDOW = 3      # tokens either side of a homograph searched for a noun-reading word


class HomographRules:
    """Homograph decisions of ArticleRules."""

    def cue_entry(self, i: int, s1: int, kinds: tuple[str, ...], types: tuple[str, ...] = ("ORG",)
                  ) -> tuple[int, GazEntry] | None:
        """(end, entry) of the longest cue-only gazetteer name at i of one of `kinds` (the gazetteer pass
        finds the others)."""
        for n in range(min(self.gaz.first_tokens.get(self.bases[i], 0), s1 - i), 0, -1):
            entry = self.gaz.lookup(self.names_of(i, i + n), types)
            if entry is not None and entry.kind in kinds and entry.cue_only:
                return i + n, entry
        return None

    def outlet_pass(self) -> None:
        firsts = self.gaz.cue_firsts(("media",), ("ORG",))
        for k, _, s1 in self.candidates(map(firsts.__contains__, self.bases)):
            q = k - 1
            if q < 0 or self.taken[k] is not None or self.sent_range[k][0] > q:
                continue
            if self.raw[q] in OPEN_QUOTES:
                hit = self.cue_entry(k, s1, ("media",))
                if hit and hit[0] < s1 and self.raw[hit[0]] in CLOSE_QUOTES:
                    self.add_outlet(k, *hit)
            elif (self.taken[q] is None and self.has(q, "ORG_HEAD") and self.head_form(q)
                  and self.cls[q]["ORG_HEAD"].endswith(":media") and self.lexkey[q] not in AMBIGUOUS_MEDIA_HEADS):
                hit = self.cue_entry(k, s1, ("media",))
                if hit:
                    self.add_outlet(q, *hit)

    def add_outlet(self, i: int, j: int, entry: GazEntry) -> None:
        self.add(i, j, "ORG", entry.entity_id, entry.canonical_name, 0.9, "gazetteer+outlet", kind=entry.kind,
                 country_code=entry.country_code)

    def noun_reading(self, i: int, s0: int, s1: int) -> bool:
        """Whether the homograph at i reads as the common noun (see the module docstring)."""
        if i > s0 and self.bases[i - 1] in HOMOGRAPH_ORG_CUES:
            return False
        nxt = i + 1
        if (nxt < s1 and self.definite(nxt) and not self.preps[nxt] and not self.has(nxt, "STOP")
                and self.base(nxt).endswith(("يه", "ي"))):         # not 'القاعدة التي'
            return True
        window = self.bases[max(s0, i - NOUN_CONTEXT_WINDOW):min(s1, i + 1 + NOUN_CONTEXT_WINDOW)]
        return not HOMOGRAPH_NOUN_CONTEXT.isdisjoint(window)

    def capital_pass(self) -> None:
        """Cue-only capitals after a cue + nationality adjective or a locative preposition (module docstring)."""
        firsts = self.gaz.cue_firsts(("capital",), ("LOC",))
        named = None
        for k, s0, s1 in self.candidates(map(firsts.__contains__, self.bases)):
            i = k - 1
            if i < s0 or self.taken[k] is not None:
                continue
            if self.has(i, "NORP") and i > s0 and self.has(i - 1, "LOC_CUE"):
                pass                                   # 'العاصمة الأوكرانية كيف'
            elif not self.has(i, "LOCATIVE"):
                continue
            hit = self.cue_entry(k, s1, ("capital",), ("LOC",))
            if hit is None:
                continue
            if self.has(i, "LOCATIVE"):
                if named is None:
                    named = {m.country_code for m in self.mentions
                             if m.type == "LOC" and m.kind == "country" and not m.dead}
                if hit[1].country_code not in named:
                    continue
            end, entry = hit
            self.add(k, end, "LOC", entry.entity_id, entry.canonical_name, 0.85, "gazetteer+context",
                     kind=entry.kind, country_code=entry.country_code, capital=True)

    def admin_body_pass(self) -> None:
        """'إمارة منطقة القصيم', 'أمانة الرياض', 'أمانة محافظة جدة': a regional administration (ORG) named by a
        head of ADMIN_BODY (entities/words.tsv), its required next word, then a place found by the earlier passes."""
        for i, _, s1 in self.candidates(map(ADMIN_BODY.__contains__, self.bases)):
            if self.taken[i] is not None or self.definite(i):
                continue
            for follow in ADMIN_BODY[self.bases[i]]:
                k = i + 1 + bool(follow)
                if follow and (k > s1 or self.bases[i + 1] != follow):
                    continue
                m = self.taken[k] if k < s1 else None
                if m is None or m.type != "LOC" or m.i != k:
                    continue
                self.drop(m)
                canon = self.text[self.token_start(i):m.end]
                self.add(i, m.j, "ORG", stable_id("org", normalize(canon)), canon, 0.85, "admin_body",
                         kind="government", country_code=m.country_code)
                break
