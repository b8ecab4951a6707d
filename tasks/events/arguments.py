"""Arguments: actor, target and places of one trigger, from Arabic word order and case cues."""

from __future__ import annotations

from functools import lru_cache

from akhbar.text.normalise import normalize
from tasks.events.lexicon import ARGUMENT_WORDS, Trigger, cue_set, lookup, ontology, word_set
from tasks.events.words import (BIT, CLAUSE_BITS, DEFINITE_BIT, Filler, GOVERNOR_BITS, HEAD_BITS, INTRANSITIVE,
                                LAM_BIT, MOVEMENT, NOT_NP, NUMBER_BIT, PLACE_OBJECT_TYPES, PROCLITIC_B, PROCLITIC_BITS, PROCLITIC_L,
                                RELATIVES, RESUMPTIVE_BIT, SPEECH_BITS, Sentence, TRIGGER_BIT, Word, _accusative,
                                _construct, _definite, _heads, _marker_before, _markers, _mention_type, has,
                                proclitic, punct_between)

from tasks.events.fillers import (ADJ_ENDINGS, APPROXIMATORS, CHUNK_STOPS, GOVERNING, _agent_slots, _coordinated_before,
                                  _has_pronoun, _is_place, _is_state, _purpose_noun, _vague_place, chunk,
                                  coordinated, filler_at, mention_filler, np_at, place_fillers, pluperfect_subject_at,
                                  preps_before)
from tasks.events.protest_args import protested_against, protesters, protesters_before
from tasks.events.victims import partitive, result_victims, undergoer

DIRECTIONS = word_set("directions")              # 'من مدينة غاو شمالي مالي'
RESUMPTIVE_PREPS = word_set("resumptive_preps")  # 'يقوم بها'
COPULAS = word_set("copulas")
SUBJECT_OPENERS = word_set("subject_openers")    # a subject chunk may open after these
SITE_PREPS_BEFORE = word_set("site_preps_before")
TARGET_PREPS = cue_set("target_preps")
DESTINATION_PREPS = cue_set("destination_preps")
ORIGIN_PREPS = cue_set("origin_preps")
LOCATION_PREPS = cue_set("location_preps")
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})   # types whose parties may stand after 'بين'


def arguments(sent: Sentence, i: int, t: Trigger, triggers: set[int], key: str = "") -> dict:
    """actor, target (lists of Fillers), location, origin, destination of the trigger at word i."""
    spec = ontology()["types"][t.type]
    genitive = spec.get("genitive", "actor")
    if "mode_genitive" in spec:               # 'إطلاق سراح الرهائن': the released
        genitive = spec["mode_genitive"].get(t.mode, genitive)
    actor = _agent_marker_actor(sent, i, triggers)
    nxt, f = _phrase_after_trigger(sent, i, t, triggers, genitive)
    role = "target" if t.passive or _passive_agent(sent, i, actor) else spec.get("verb_subject", "actor")
    # objects of a control change are the territory (a place); only expulsions and overthrows take a party
    takes_object = not _has_pronoun(sent.words[i].norm, key) and (t.type != "CONTROL_CHANGE"
                                                                  or t.mode in ("expel", "overthrow"))
    if t.pos == "verb" and t.lemma in _argument_words("intransitive_verbs") and not t.passive:
        actor, target = actor or _intransitive_subject(sent, i, nxt, triggers), []
    elif t.pos == "verb":
        actor, target = _verb_arguments(sent, i, t, key, triggers, (nxt, f), actor, role, takes_object)
    else:
        actor, target = _noun_arguments(sent, i, t, triggers, (nxt, f), actor, genitive, takes_object)
    if not actor and (t.type in SYMMETRIC or t.mode == "clash"):
        actor = _between(sent, i, triggers)   # 'اشتباكات عنيفة بين فصيلين', 'محادثات بين الحكومة والمتمردين'
    actor, target = _clean_fillers(sent, actor, target, t.pos == "verb" and i + 1 < len(sent.words)
                                   and not _nominal_form(sent.words[i].norm))
    if t.type == "ASSAULT":
        actor, target = _without_projectiles(sent, actor, target, t.pos == "verb")
        if t.pos != "verb":                   # 'هجوم انتحاري منسق': an adjective of the attack, not its actor
            actor = [f for f in actor if f.first != i + 1 or _argument_words("attacker_words").isdisjoint(sent.words[f.first].keys)]
    if not target:
        target = _prepositional_target(sent, i, t, triggers)
    if t.type == "PROTEST":                   # 'وأضرم المتظاهرون النار', 'احتجاجا على زيارة بوش'
        actor = actor or protesters(sent, i, key, triggers) or protesters_before(sent, i, triggers)
        target = target or protested_against(sent, i)
    if t.type == "ASSAULT" and t.pos != "verb" and (u := undergoer(sent, i, key, triggers, _subject_before, t)) is not None:
        actor = [f for f in actor if _apart(f, [u])]   # 'تعرضت دورية للجيش لهجوم': the
        target = [u]                          # patrol underwent the attack, it is no actor and the noun's genitive no target
    if t.type == "ASSAULT":                   # '... مما أدى إلى مقتل ثلاثة جنود': the killed are its target too
        target = [partitive(sent, f, triggers) for f in target] + [f for f in result_victims(sent, i) if _apart(f, target)]
    if "target" not in spec["arguments"]:
        target = []                           # 'سترسل 400 جندي': troops are a quantity, not a target
    places = _places(sent, i, t, spec, actor + target, triggers)
    return {"actor": actor, "target": target, **places}


def _apart(f: Filler, fillers: list[Filler]) -> bool:
    """Whether filler f overlaps none of `fillers` (a loop, not a generator: `arguments` stays closure-free)."""
    for g in fillers:
        if not (f.first > g.last or f.last < g.first):
            return False
    return True


def _argument_words(name: str) -> frozenset:
    return word_set(name, ARGUMENT_WORDS)


def _after_time(sent: Sentence, k: int, limit: int) -> int:
    """The first word from k (before `limit`) outside a time adverbial: a time expression, with a lead
    right before it ('قبل ظهر أمس', 'بعد ظهر الثلاثاء': argument_words.json time_leads)."""
    words, tw = sent.words, sent.time_words
    if not tw:
        return k
    leads = _argument_words("time_leads")
    while k < limit and (k in tw or k + 1 in tw and not words[k + 1].punct.strip()
                         and not leads.isdisjoint(words[k].keys)):
        k += 1
    return k


def _intransitive_subject(sent: Sentence, i: int, nxt: int, triggers: set[int]) -> list[Filler]:
    """The subject of a verb that takes no object ('انفجرت عبوة ناسفة', 'عبوة ناسفة انفجرت'): the noun
    phrase right after it (a time adverbial first is skipped; protesters though they are a PROTEST trigger:
    'تجمع أمس متظاهرون'), else the subject before it; a prepositional phrase or a place after it is no
    subject ('انفجرت في السوق')."""
    words = sent.words
    f = _people_np(sent, nxt, triggers) if nxt < len(words) and not words[nxt].punct.strip() else None
    if f is not None and f.last + 1 < len(words) and words[f.first].flags & NUMBER_BIT and f.first == f.last \
            and _projectile_at(sent, f.last + 1):
        a, b = f.start, words[f.last + 1].end  # 'انفجرت خمس قذائف': the count and what it counts
        f = Filler(a, b, sent.text[a:b], None, f.first, f.last + 1)
    if f is not None and not preps_before(sent, f) & GOVERNING and not _is_place(sent, f) \
            and words[f.first].norm not in DIRECTIONS and words[f.first].norm not in LOCATION_PREPS:
        return coordinated(sent, partitive(sent, f, triggers))   # 'تجمع عدد من الأنصار'; not a place:
        # 'انفجرت أمس شمال إسبانيا', 'احتشدوا خارج المبنى'
    return _subject_before(sent, i, triggers)


def _lone(f: Filler, name: str, sent: Sentence) -> bool:
    """Whether filler f is one word of list `name` (clitic-aware), or a lone feminine gentilic
    adjective left of its noun ('عراقية', 'الإسرائيلية': an adjective is no participant)."""
    if f.first != f.last:
        return False
    w = sent.words[f.first]
    if not _argument_words(name).isdisjoint(w.keys):
        return True
    return name == "non_filler_words" and _mention_type(sent, f.first) == "NORP" and w.norm.endswith("يه")


def _clean_fillers(sent: Sentence, actor: list[Filler], target: list[Filler], verb: bool) -> tuple[list, list]:
    """Actors and targets are never a pronoun, a conjunction or a lone adjective; an instrument
    ('أطلق النار على') is no target; a suicide bomber in a verb's object slot is its actor ('فجر
    انتحاري نفسه'), after an event noun an adjective ('هجوم انتحاري'), so neither."""
    # only one-word fillers can be lone words: the test is skipped for the others
    actor = [f for f in actor if f.first != f.last or not _lone(f, "non_filler_words", sent)]
    target = [f for f in target if f.first != f.last or not _lone(f, "non_filler_words", sent)
              and not _lone(f, "instrument_words", sent)]
    attackers = [f for f in target if f.first == f.last and _lone(f, "attacker_words", sent)]
    if attackers:
        target = [f for f in target if f not in attackers]
        if verb and not actor:
            actor = attackers
    return actor, target


def _people_np(sent: Sentence, j: int, triggers: set[int]) -> Filler | None:
    """`np_at`, and protesters or a protest gathering at word j though they are PROTEST triggers: the
    object of an attack ('أطلقت الشرطة النار على المتظاهرين', 'ضرب رجال الشرطة متظاهرا')."""
    f = np_at(sent, j, triggers)
    if f is None and 0 <= j < len(sent.words) and _protest_only(sent.words[j].norm) \
            and not sent.words[j].flags & PROCLITIC_BITS and j not in sent.covered:
        f = chunk(sent, j, max_words=4, stop_at_trigger=triggers - {j})
    return f


@lru_cache(maxsize=4096)
def _protest_only(norm: str) -> bool:
    """Whether a form is only ever a PROTEST noun trigger (protesters, a protest gathering)."""
    hit = lookup(norm)
    return hit is not None and all(c.type == "PROTEST" and c.pos == "noun" for c in hit[1])


def _projectile_at(sent: Sentence, k: int) -> bool:
    """Whether word k names what is fired ('صاروخين', 'القذائف', 'نيرانها': a possessive is stripped)."""
    if k >= len(sent.words):
        return False
    w, instruments = sent.words[k], _argument_words("instrument_words")
    return not instruments.isdisjoint(w.keys) or any(w.norm.endswith(p) and w.norm[:-len(p)] in instruments
                                                      for p in ("ها", "هم", "ه"))


def _projectile_head(sent: Sentence, f: Filler) -> bool:
    """A phrase about what is fired: its first word, or its second after a count ('عشرات القذائف')."""
    return _projectile_at(sent, f.first) or (f.first < f.last and bool(sent.words[f.first].flags & NUMBER_BIT
                                             or not _argument_words("projectile_counts").isdisjoint(sent.words[f.first].keys))
                                             and _projectile_at(sent, f.first + 1))


def _without_projectiles(sent: Sentence, actor: list[Filler], target: list[Filler],
                         verb: bool) -> tuple[list[Filler], list[Filler]]:
    """What is fired is neither target nor part of the actor: 'أطلقت القوات عشرات القذائف على القرية' (the
    target is then read after 'على'), 'أطلقت طائرة مسيرة صاروخين' (the actor chunk ends before the
    missiles). An indefinite phrase right after a firing verb and followed by what it fires is the
    subject, not the object ('أطلقت دبابة إسرائيلية قذيفة على تجمع')."""
    words = sent.words
    out = []
    for f in actor:
        cut = next((k for k in range(f.first + 1, f.last + 1) if _projectile_at(sent, k)), None)
        if cut is not None and not _projectile_head(sent, f):   # 'انفجرت خمس قذائف': the fired themselves act
            a, b = words[f.first].start, words[cut - 1].end
            f = Filler(a, b, sent.text[a:b], None, f.first, cut - 1)
        out.append(f)
    kept = [f for f in target if not _projectile_head(sent, f)]
    if verb and not out and len(kept) == 1 and kept == target and _projectile_at(sent, kept[0].last + 1):
        return kept, []
    return out, kept


def _nominative(w: Word) -> bool:
    """An indefinite sound plural in -ون ('مجهولون', 'مستوطنون'): nominative, so after a verb its subject."""
    return len(w.norm) > 4 and w.norm.endswith("ون") and not w.flags & (NUMBER_BIT | DEFINITE_BIT)


def _construct_nominative(sent: Sentence, k: int) -> bool:
    """A sound masculine plural in the construct state, nominative ('سائقو الحافلات', 'موظفو البلدية'):
    the -ون lost its nun before a definite genitive; after a verb it is the subject (the accusative and
    genitive end in -ي: 'سائقي')."""
    words = sent.words
    w = words[k]
    return (len(w.norm) > 4 and w.norm.endswith("و") and not w.flags & (NUMBER_BIT | DEFINITE_BIT)
            and k + 1 < len(words) and words[k + 1].norm.startswith("ال") and not words[k + 1].punct.strip())


def _indefinite_subject(sent: Sentence, f: Filler) -> bool:
    """An indefinite phrase without accusative ending right after the verb, followed at once by an
    accusative one: subject, then object ('استهدف مفجر انتحاري مركزا للشرطة', 'خطف مسلح ملثم طفلا')."""
    words, k = sent.words, f.last + 1
    return (k < len(words) and not _accusative(words[f.first]) and not _accusative(words[f.last])
            and not words[f.first].flags & (NUMBER_BIT | DEFINITE_BIT) and _accusative(words[k])
            and not words[k].punct.strip() and k not in sent.time_words and not words[k].flags & NUMBER_BIT)


def _nominal_form(norm: str) -> bool:
    n = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    return n.startswith(("ال", "لل")) or proclitic(norm) in ("ب", "ل")


PASSIVE_AGENT_HEADS = {"قبل": "من", "يد": "علي", "ايدي": "علي"}


def _passive_agent(sent: Sentence, i: int, actor: list[Filler]) -> bool:
    """A verb whose agent follows 'من قبل' / 'على يد' is passive ('اختطف صحافي من قبل مجموعة
    مسلحة'): the phrase after it is the patient. Companions ('بمساعدة', 'بمشاركة') are no sign."""
    if not actor:
        return False
    words = sent.words
    return any(words[k].norm in PASSIVE_AGENT_HEADS and words[k - 1].norm == PASSIVE_AGENT_HEADS[words[k].norm]
               for k in range(i + 2, actor[0].first))


def _agent_marker_actor(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """The phrase after an agent marker following the trigger: 'من قبل X', 'على يد X', 'بمساعدة X'."""
    words, n = sent.words, len(sent.words)
    agent_slots = _agent_slots(sent)
    if not agent_slots:
        return []                             # most sentences have no agent marker: nothing to scan for
    for j in range(i + 2, min(n, i + sent.cfg.arg_window + 4)):
        if j in triggers or words[j].punct.strip(" «»\"()"):
            break
        if j in agent_slots:
            if _participle_before_marker(sent, i, j):
                break                         # 'المدنيين المحاصرين من قبل داعش': the participle's agent
            f = np_at(sent, j, triggers)
            if f:
                return coordinated(sent, f)
    return []


def _phrase_after_trigger(sent: Sentence, i: int, t: Trigger, triggers: set[int],
                          genitive: str) -> tuple[int, Filler | None]:
    """(index after the trigger, the mention or head phrase there that can be its subject or genitive)."""
    words, n = sent.words, len(sent.words)
    nxt = i + 1
    if t.pos == "verb":                       # 'هاجمت فجر اليوم مجموعة مسلحة': a time adverbial may precede the subject
        nxt = _after_time(sent, nxt, min(n, i + 6))
    f = filler_at(sent, nxt, _heads()["person"], triggers) if nxt < n else None
    if f is not None and t.pos == "verb" and t.type not in PLACE_OBJECT_TYPES and _is_state(sent, f):
        pass                                  # 'وسترسل واشنطن': a state or capital acts
    elif f is not None and (preps_before(sent, f) & {"ب"} or _is_place(sent, f)
                            or ("ل" in preps_before(sent, f) and (t.pos == "verb" or genitive != "actor"))):
        f = None                              # a prepositional phrase or a place, not a participant
    if f is not None and t.pos == "verb" and t.type not in INTRANSITIVE and t.mode not in INTRANSITIVE and (
            f.first not in sent.mention_at and _accusative(words[f.first])
            or sent.mention_at.get(f.first, {}).get("type") == "QUANTITY" or words[f.first].norm in APPROXIMATORS):
        f = None                              # 'احتجز مسلحين', 'اعتقلت أربعة مشتبهين': an object, not the subject
    return nxt, f


def _pluperfect_subject(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """The subject between a past 'كان' form and 'قد' right before the verb at word i ('وكانت وحدة خاصة
    من قوات الأمن قد قتلت': fillers.pluperfect_subject_at), or []."""
    j = pluperfect_subject_at(sent, i)
    f = _people_np(sent, j, triggers) if j is not None else None
    if f is None or f.last >= i - 1:
        return []
    return coordinated(sent, partitive(sent, f, triggers))


def _verb_arguments(sent: Sentence, i: int, t: Trigger, key: str, triggers: set[int], after: tuple,
                    actor: list[Filler], role: str, takes_object: bool) -> tuple[list[Filler], list[Filler]]:
    """Subject and object of a verb trigger: VSO, SVO, a pronoun subject, or a news passive."""
    words, n = sent.words, len(sent.words)
    nxt, f = after
    target: list[Filler] = []
    before = [] if actor or role == "target" else _pluperfect_subject(sent, i, triggers) or _subject_before(sent, i, triggers)
    if before and f is not None and _clause_subject(sent, before[0], i):
        f = None                              # 'إن بلينكن ... سيلتقي العاهل الأردني': the name after the verb is its object
    np1 = f or (_object_np(sent, nxt, t, triggers) if takes_object else None)
    if np1 is not None and role == "target":
        target = coordinated(sent, np1)       # news passive: 'قتل جندي' (the killed)
    elif f is not None or (np1 is not None and not before and (_definite(words[np1.first]) or _nominative(words[np1.first])
                                                               or _construct_nominative(sent, np1.first)
                                                               or _indefinite_subject(sent, np1))
                           and not words[i].norm.endswith("وا")):
        # VSO: a definite noun phrase or a name after the verb is its subject; the next one the object
        s1 = f or np1
        if not actor:
            actor = coordinated(sent, s1)
        k = coordinated(sent, s1)[-1].last + 1
        if takes_object:                      # 'اغتالت مجموعة مسلحة فجر اليوم مختار القرية': the object after the time
            k = _after_time(sent, k, min(n, k + 5))
        if takes_object and k < n and k not in triggers and k not in sent.covered and words[k].flags & PROCLITIC_B:
            k += 1                            # an instrument first: 'قصفت القوات بالمدفعية الثقيلة أحياء سكنية'
            while k < n and words[k].flags & DEFINITE_BIT and not words[k].flags & HEAD_BITS and k not in sent.covered:
                k += 1                        # its adjectives
        obj = _object_np(sent, k, t, triggers) if takes_object else None
        if obj is not None:
            target = coordinated(sent, obj)
    elif np1 is not None:                     # SVO or a pronoun subject: 'القوات اعتقلت 15 فلسطينيا', 'دمروا سيارة'
        target = coordinated(sent, np1)
    if not actor:                             # SVO: 'أن البغدادي هرب', 'القوات ستتقدم'
        actor = before
    if not actor and role != "target":
        actor = _conjoined_verb_subject(sent, i, key)
    if actor:
        sent.memo.setdefault("verb_actors", {})[i] = actor
    return actor, target


def _noun_arguments(sent: Sentence, i: int, t: Trigger, triggers: set[int], after: tuple, actor: list[Filler],
                    genitive: str, takes_object: bool) -> tuple[list[Filler], list[Filler]]:
    """Actor and target of a verbal noun: its genitive, an 'ل' possessor, the subject of a support verb."""
    words, n, cfg = sent.words, len(sent.words), sent.cfg
    nxt, f = after
    target: list[Filler] = []
    if t.mode == "release" and nxt + 1 < n and words[nxt].norm == "سراح":
        nxt += 1                               # 'إطلاق سراح الرهائن'
    if f is None and takes_object and _construct(words[i]) and nxt < n and nxt not in sent.covered and (
            _definite(words[nxt]) or words[nxt].norm.endswith(("ها", "هم"))   # 'إجلاء موظفيها': a possessive makes it definite
            or words[nxt].flags & (BIT["head_person"] | BIT["head_militant"])
            or words[nxt].norm.isdigit()):
        f = _object_np(sent, nxt, t, triggers)   # 'مقتل قيادي بارز', 'استهداف مخازن الأسلحة'
        if f is not None and genitive == "actor" and not (words[f.first].flags & BIT["head_person"]):
            f = None                           # an actor genitive must name someone
    if f is None and not actor and takes_object:
        actor = _possessor(sent, i, triggers)  # 'الضربات الجوية لطائرات التحالف'
    if f is not None:                         # the genitive after a verbal noun
        if genitive == "actor":
            actor = actor or coordinated(sent, f)
        elif _agent_genitive(sent, f):        # 'اختطاف جماعة مسلحة عمالا': subject, then object
            actor = actor or coordinated(sent, f)
            obj = np_at(sent, f.last + 1, triggers)
            if obj is None and f.last + 1 < n and words[f.last + 1].flags & PROCLITIC_L:
                obj = chunk(sent, f.last + 1, max_words=4, stop_at_trigger=triggers)   # 'لمسلحين'
            target = coordinated(sent, obj) if obj is not None else []
        else:
            target = coordinated(sent, f)
    if not actor:
        actor = _light_verb_subject(sent, i, triggers)
    if not actor:
        actor = _resumptive_subject(sent, i, triggers)
    if not actor:                             # 'البغدادي على الهروب', 'تمكنوا من الفرار'
        target_genitive = ontology()["types"][t.type].get("genitive") == "target"
        actor = _subject_before(sent, i, triggers, max_back=cfg.noun_target_subject_back if target_genitive
                                else cfg.noun_subject_back, mentions_only=True)
    return actor, target


def _prepositional_target(sent: Sentence, i: int, t: Trigger, triggers: set[int]) -> list[Filler]:
    """'ضد X' / 'على X' after an assault-like trigger; the side that lost a control change ('من X')."""
    words, n, cfg = sent.words, len(sent.words), sent.cfg
    if t.type in ("ASSAULT", "COERCE", "SANCTION", "ACCUSE", "THREATEN"):
        for j in range(i + 1, min(n, i + cfg.target_prep_window)):   # 'عمليات عسكرية ضد تنظيم داعش', 'هجوما على قاعدة'
            if j in triggers or "،" in words[j].punct or "," in words[j].punct:
                break
            if words[j].norm in TARGET_PREPS:
                if j + 2 in _agent_slots(sent):
                    break                     # 'على يد الحراس': the agent, not the target
                obj = _people_np(sent, j + 1, triggers) if t.type == "ASSAULT" else np_at(sent, j + 1, triggers)
                if obj is not None and (words[j].norm == "ضد" or not _is_place(sent, obj)
                                        or obj.first in sent.mention_at or t.type != "ASSAULT"
                                        or (words[obj.first].flags & BIT["head_place"])):
                    return coordinated(sent, obj)
                break
    if t.type == "CONTROL_CHANGE":
        for j in range(i + 1, min(n, i + cfg.arg_window)):   # 'استعادت المدينة من تنظيم داعش': the side that lost it
            if j in triggers:
                break
            if words[j].norm == "من" and j + 1 < n:
                g = np_at(sent, j + 1, triggers)
                if g is not None and not _is_place(sent, g) and (g.first in sent.mention_at or _definite(words[g.first])):
                    return [g]
    return []


def _site_scan_end(sent: Sentence, i: int, triggers: set[int]) -> int:
    """Places are read up to the next event or comma; an instrument ('قتل ... بغارة جوية في شبوة')
    shares the event's site, so the scan goes past it; a purpose clause ends it."""
    words, n = sent.words, len(sent.words)
    end = i + 1
    limit = min(n, i + sent.cfg.arg_window + 2)
    while end < limit:
        w = words[end]
        if (end in triggers and not w.flags & PROCLITIC_B) or (w.punct and ("،" in w.punct or "," in w.punct)) \
                or (w.flags & LAM_BIT and _purpose_noun(sent, end)):
            break
        end += 1
    return end


def _places(sent: Sentence, i: int, t: Trigger, spec: dict, participants: list[Filler],
            triggers: set[int]) -> dict:
    """location, origin and destination by the preposition that governs each place."""
    words = sent.words
    origin = destination = location = None
    used = {k for f in participants for k in range(f.first, f.last + 1)
            if not (t.type == "ASSAULT" and f.first in sent.mention_at and _is_place(sent, f))} if participants else ()
    prev_last = -9
    dest_preps, origin_preps, site_preps = DESTINATION_PREPS, ORIGIN_PREPS, LOCATION_PREPS
    for f in place_fillers(sent, i + 1, _site_scan_end(sent, i, triggers), triggers):
        if f.first in used:
            continue                          # 'وسترسل واشنطن': the state acting is no place
        qualifier = f.first - 2 == prev_last and words[f.first - 1].norm in DIRECTIONS
        prev_last = f.last
        if qualifier:
            continue                          # 'من مدينة غاو شمالي مالي': where the town is, not another place
        p = preps_before(sent, f)
        if p & dest_preps or ("ل" in p and t.type in MOVEMENT and t.mode != "withdraw"):
            destination = destination or f
        elif "من قبل" in p:
            continue
        elif p & origin_preps:
            origin = origin or f
        elif f.first == i + 1 and t.pos == "verb" and t.type in MOVEMENT:
            origin = origin or f              # 'غادر الموصل'
        elif _vague_place(sent, f):
            continue
        elif p & site_preps or f.first <= i + 2 or _site_noun_before(sent, f):
            location = location or f          # the site: 'في/قرب/داخل/على X', or the place the event acts on
    if location is None:
        location = _site_before(sent, i, triggers)
    return _fold_places(t, spec, location, origin, destination)


def _site_before(sent: Sentence, i: int, triggers: set[int]) -> Filler | None:
    """'في X' before the trigger, unless it sits in the speaker's clause ('قالت وزارة الصحة في غزة إن ...')."""
    before = [f for f in place_fillers(sent, max(0, i - sent.cfg.site_back), i, triggers)
              if preps_before(sent, f) & SITE_PREPS_BEFORE]
    if before and not any(sent.cflags[k] & (BIT["complementizers"] | SPEECH_BITS) for k in range(before[-1].last + 1, i)):
        return before[-1]
    return None


def _fold_places(t: Trigger, spec: dict, location, origin, destination) -> dict:
    """Roles the type does not take (ontology 'arguments') fold into the location."""
    if "origin" not in spec["arguments"]:
        location, origin = location or origin, None
    if "destination" not in spec["arguments"]:
        location, destination = location or destination, None
    if location is None:
        location = (destination or origin) if t.type in ("MOBILIZE", "CONSULT") else (origin or destination)
    if "location" not in spec["arguments"]:
        location = None                       # 'التنسيق مع العراق', 'سيدعو سوريا': no site for these types
    return {"location": location, "origin": origin, "destination": destination}


def _between(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """The parties of a symmetric event after 'بين' (past the trigger's adjectives): all are actors."""
    words = sent.words
    for j in range(i + 1, min(len(words) - 1, i + 4)):
        if j in triggers or words[j].punct.strip(" «»\"()"):
            return []
        if words[j].norm == "بين":
            f = np_at(sent, j + 1, triggers)
            return coordinated(sent, f) if f is not None else []
    return []



def _conjoined_verb_subject(sent: Sentence, i: int, key: str) -> list[Filler]:
    """A verb joined by و/ف with no subject of its own shares the subject of the previous verb
    event of the sentence ('مسلحو «قسد» تقدموا ...، ودمروا سيارة'), unless a speech verb or
    complementizer opens a new clause between them."""
    norm = sent.words[i].norm
    if not norm.startswith(("و", "ف")) or key.startswith(("و", "ف")):
        return []
    done = sent.memo.get("verb_actors", {})
    k = max((j for j in done if j < i), default=None)
    if k is None or any(sent.cflags[j] & CLAUSE_BITS for j in range(k + 1, i)):
        return []
    return list(done[k])



def _participle_before_marker(sent: Sentence, i: int, slot: int) -> bool:
    """Whether the agent marker ending before `slot` follows a passive participle that is not the
    trigger's own adjective ('دعت المدنيين المحاصرين من قبل داعش', but 'الغارات المكثفة من قبل
    الطائرات'): the agent is then the participle's, not the event's."""
    size = next((len(ph) for ph in _markers("agent_markers") if _marker_before(sent, slot, (ph,))), 1)
    k = slot - size - 1                       # the word before the marker
    if k <= i + 1:
        return False
    n = sent.words[k].norm
    n = n[2:] if n.startswith("ال") else n
    return len(n) > 4 and n[0] == "م" and k not in sent.covered and k not in sent.triggers



def _clause_subject(sent: Sentence, f: Filler, i: int) -> bool:
    """Whether f opens the clause of the verb at i (after 'أن/إن' or at the start of the sentence)
    a few words before it: then it is the verb's subject (SVO) and nothing after the verb is."""
    words = sent.words
    return (i - f.last <= 4 and (f.first in sent.mention_at or bool(words[f.first].flags & BIT["head_person"]))
            and (f.first == 0 or bool(words[f.first - 1].flags & BIT["complementizers"]))
            and not punct_between(words, f.last + 1, i + 1))



def _agentive(sent: Sentence, f: Filler) -> bool:
    """A phrase that can act: a person/organisation name or an armed-actor head ('الطائرات الإسرائيلية')."""
    m = sent.mention_at.get(f.first)
    if m is not None:
        return m["type"] in ("PERSON", "ORG")
    return bool(sent.words[f.first].flags & (BIT["head_person"] | BIT["head_militant"]))



def _agent_genitive(sent: Sentence, f: Filler) -> bool:
    """The genitive of a verbal noun is its subject when the object is expressed after it
    ('اعتقال «قسد» لمسلحين', 'قصف الطائرات مدرسة', 'هجوم حماس على إسرائيل')."""
    nxt = f.last + 1
    if not _agentive(sent, f) or nxt >= len(sent.words) or sent.words[nxt].punct.strip(" ()«»\""):
        return False
    w = sent.words[nxt]
    if has(w, TARGET_PREPS) or w.flags & PROCLITIC_L:
        return True                           # 'على إسرائيل', 'لمسلحين': the object marked by a preposition
    return nxt not in sent.covered and _accusative(w) and not w.flags & NOT_NP   # 'مدرسةً', 'مسلحين'



def _possessor(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """'ل' + an agent after a verbal noun and its adjectives: the possessor is the actor
    ('الضربات الجوية لطائرات التحالف الدولي')."""
    words = sent.words
    for j in range(i + 1, min(len(words), i + 4)):
        w = words[j]
        if w.punct.strip() or j in triggers:
            return []
        if w.norm.startswith(("ل", "لل")) and w.flags & PROCLITIC_L:
            start = sent.owner.get(j)
            if start is not None and start == j and sent.mention_at[j]["type"] in ("PERSON", "ORG"):
                return [mention_filler(sent, j)]
            if start is None and (w.flags & BIT["head_militant"]):
                f = chunk(sent, j, max_words=4, stop_at_trigger=triggers)
                return [f] if f else []
            return []
        if j in sent.covered or not w.norm.endswith(ADJ_ENDINGS + ("يه",)) or w.flags & NOT_NP:
            return []                          # only adjectives may stand between the noun and its possessor
    return []



def _site_noun_before(sent: Sentence, f: Filler) -> bool:
    """'في محيط مدينة سرت', 'بأطراف X': a site preposition one noun before the place."""
    if f.first < 2:
        return False
    prev = sent.words[f.first - 1]
    return bool(({proclitic(prev.norm)} | set(sent.words[f.first - 2].keys)) & LOCATION_PREPS) \
        and not prev.flags & (NOT_NP | TRIGGER_BIT) and f.first - 1 not in sent.covered



def _object_np(sent: Sentence, j: int, t: Trigger, triggers: set[int]) -> Filler | None:
    """The direct object at word j: a noun phrase not governed by a preposition; a place only
    when the event acts on it ('قصفت مواقع', not 'غادر الموصل', which is an origin)."""
    if t.mode == "release" and j + 1 < len(sent.words) and sent.words[j].norm == "سراح":
        j += 1                                # 'أطلقت السلطات سراح صحافية': who is released follows 'سراح'
    f = _people_np(sent, j, triggers) if t.type == "ASSAULT" else np_at(sent, j, triggers)
    if f is None or preps_before(sent, f) & GOVERNING - {"ل"} and j in sent.mention_at:
        return None
    m = sent.mention_at.get(f.first)
    if m is not None and m["type"] == "LOC" and t.type != "ASSAULT":
        return None
    if m is None and (sent.words[f.first].flags & BIT["head_place"]) and t.type in PLACE_OBJECT_TYPES | MOVEMENT:
        return None
    return f



def _light_verb_subject(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """Subject of a support verb governing the verbal noun ('تشن القوات العراقية ... عملية'), or
    of a control verb whose complement it is ('تمكن مسلحون من اقتحام', 'حاولت القوات الهروب'):
    the verbal noun's actor is that verb's subject."""
    words, cfg = sent.words, sent.cfg
    if not sent.bits & GOVERNOR_BITS:
        return []                             # no support, control, request or speech verb in the sentence
    for j in range(i - 1, max(-1, i - 1 - cfg.request_reach), -1):
        if not words[j].flags & GOVERNOR_BITS:
            continue
        if i - j <= cfg.light_verb_reach and (words[j].flags & BIT["light_verbs"]) \
                or i - j <= cfg.control_verb_reach and (words[j].flags & BIT["control_verbs"]):
            k = j + 1
            while k < i and k in sent.time_words:   # 'شنت أمس القوات ... هجوما'
                k += 1
            f = filler_at(sent, k, _heads()["person"], triggers) if k < i else None
            before = _subject_before(sent, j, triggers, max_back=cfg.control_verb_subject_back if (words[j].flags & BIT["control_verbs"])
                                    else cfg.light_verb_subject_back)
            if f is None and not before and k < i and _definite(words[k]) and not (words[k].flags & BIT["head_place"]):
                f = np_at(sent, k, triggers)        # VSO: a definite phrase right after the verb ('تمكنت القوات من')
            if f is not None and f.last < i and not preps_before(sent, f) & GOVERNING:
                return coordinated(sent, f)
            return before
        if (words[j].flags & BIT["request_verbs"]) and not triggers.intersection(range(j + 1, i)):   # 12 words back
            return _request_object(sent, j, i, triggers)
        if words[j].flags & BIT["speech_verbs"]:
            break
    return []



def _resumptive_subject(sent: Sentence, i: int, triggers: set[int]) -> list[Filler]:
    """Subject of a support verb after the noun that points back to it with a pronoun:
    'الضربات الجوية التي يشنها الطيران الروسي', 'ضربات جوية نفذتها طائرات التحالف',
    'الزيارة التي يقوم بها بلينكن'."""
    words = sent.words
    if not sent.bits & (RESUMPTIVE_BIT | BIT["light_verbs"]):
        return []                             # no support verb in the sentence
    for j in range(i + 1, min(len(words), i + 6)):
        w = words[j]
        if j in triggers or w.punct.strip(" «»\"()"):
            return []
        if not w.flags & (RESUMPTIVE_BIT | BIT["light_verbs"]):
            continue
        k = j + 1
        if k < len(words) and words[k].norm in RESUMPTIVE_PREPS:
            k += 1                            # the pronoun on the preposition: 'يقوم بها'
        elif not w.flags & RESUMPTIVE_BIT:
            return []                         # no pronoun: the verb governs something else
        while k < len(words) and k in sent.time_words:
            k += 1
        f = filler_at(sent, k, _heads()["person"], triggers)
        if f is None and k < len(words) and _definite(words[k]) and not (words[k].flags & BIT["head_place"]):
            f = np_at(sent, k, triggers)
        return coordinated(sent, f) if f is not None else []
    return []



def _request_object(sent: Sentence, j: int, i: int, triggers: set[int]) -> list[Filler]:
    """The act asked for is done by whom the request addresses: 'تنصح سكان الرمادي بمغادرتها',
    'دعت القيادة المدنيين إلى الخروج', 'طلبت من السكان إخلاء المدينة'. The first phrase after the
    verb is that object when the subject came before it, else the second one (VSO)."""
    k = j + 1
    if k < i and sent.words[k].norm == "من":
        k += 1                                # 'طلب من X'
    first = np_at(sent, k, triggers) if k < i else None
    if first is None or first.last >= i:
        return []
    if k > j + 1 or _subject_before(sent, j, triggers) or _pronoun_plural(sent.words[j]):
        return coordinated(sent, first)
    nxt = coordinated(sent, first)[-1].last + 1
    second = np_at(sent, nxt, triggers) if nxt < i else None
    return coordinated(sent, second) if second is not None and second.last < i else []



def _pronoun_plural(w: Word) -> bool:
    return w.norm.endswith(("وا", "ون"))



def _subject_before(sent: Sentence, i: int, triggers: set[int], max_back: int | None = None,
                    mentions_only: bool = False) -> list[Filler]:
    """Nearest agentive mention (or head-noun chunk) before the trigger, not crossing a speech verb."""
    words = sent.words
    if mentions_only and not sent.mention_at:
        return []                             # only a mention can be the subject: none in the sentence
    if max_back is None:
        max_back = sent.cfg.subject_back
    speech, comp = BIT["speech_verbs"], BIT["complementizers"]
    owner = sent.owner
    for j in range(i - 1, max(-1, i - 1 - max_back), -1):
        w = words[j]
        fl = w.flags                          # bit tests: `is_` without the call (the hottest scan)
        if fl & speech or (fl & comp and j < i - 1):
            break                             # the subject of 'قالت X إن ... تقدمت' is inside the clause
        start = owner.get(j)
        if start is not None:
            if sent.mention_at[start]["type"] in ("PERSON", "ORG", "NORP"):
                f = mention_filler(sent, start)
                # 'الأراضي العراقية' is a place, 'بدعم من التحالف' a prepositional phrase: neither is the
                # subject, unless a relative pronoun follows ('لتنظيم داعش الذي بدأ بالهروب')
                relative = f.last + 1 < i and words[f.last + 1].norm in RELATIVES
                if not (words[f.first].flags & BIT["head_place"]) and (relative or not preps_before(sent, f) & GOVERNING):
                    return _coordinated_before(sent, f)
            continue
        if mentions_only:
            continue
        after_comp = j > 0 and (words[j - 1].flags & comp or words[j - 1].norm in COPULAS)
        if not (fl & BIT["head_person"] or (after_comp and w.norm not in CHUNK_STOPS)):
            continue
        if j == 0 or w.punct.strip() or after_comp or words[j - 1].norm in SUBJECT_OPENERS:
            f = chunk(sent, j, max_words=4, stop_at_trigger=triggers | {i})
            if f and f.last < i:
                return [f]
    return []



def _pronoun_subject(sent: Sentence, i: int, t: Trigger, key: str) -> str | None:
    """Gender/number of an elided or pronoun subject: 'm', 'f' or 'pl' from the verb's affixes
    (قتل/قتلت/قتلوا, يقتل/تقتل/يقتلون) or a possessive on a verbal noun (جولته/جولتها/جولتهم);
    None when the trigger shows no person (a bare noun, a first-person verb)."""
    norm = sent.words[i].norm
    if t.pos != "verb":
        pos = norm.rfind(key[:-1] if key.endswith("ه") else key)
        rest = norm[pos + len(key):] if pos >= 0 else ""
        rest = rest[1:] if key.endswith("ه") and rest.startswith("ت") else rest
        return {"ه": "m", "ها": "f", "هم": "pl", "هما": "pl"}.get(rest)
    v = norm[1:] if len(norm) > 3 and norm[0] in "وف" else norm
    v = v[1:] if v.startswith("س") and len(v) > 3 and v[1] in "يتنا" else v
    if v.endswith(("وا", "ون")):
        return "pl"
    if key.startswith("ي") or v.startswith("ي"):
        return "m"
    if key.startswith("ت") or v.startswith("ت") or v.endswith("ت"):
        return "f"
    return None                              # a bare past form: active or passive, no person shown



def _gender(sent: Sentence, f: Filler) -> str:
    """Agreement class of an actor: feminine for ة/ات nouns and places (states, cities), else masculine."""
    m = sent.mention_at.get(f.first) if f.text == sent.text[f.start:f.end] else None
    head = normalize(f.text.split()[0]) if f.text else ""
    head = head[2:] if head.startswith("ال") else head
    if (m is not None and m["type"] == "LOC") or head.endswith(("ه", "ات")):
        return "f"
    return "pl" if head.endswith(("ون", "ين")) else "m"
