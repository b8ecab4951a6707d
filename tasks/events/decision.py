"""The learned salience decision for ASSAULT and PROTEST candidates (docs/events.md, "Learned decision").

The rules of tasks/events/salience.py name a salience rule for every event; for an ASSAULT or
PROTEST event with a factual modality a logistic regression trained on the tune part of the
arabic_event_gsr dev half (`akhbar train events`, tasks/events/decision_fit.py) makes the final
call: `main` when its probability reaches the type's threshold (picked by cross-validation on
tune), `background` otherwise. Its features are read from the candidate only: the type, the
rules' salience rule and modality, the trigger's clitic-stripped form, the words right around
the trigger, the sentence's words (clitic-stripped), argument and source
presence, and the sentence length. The row's `method` names the model and its probability
(`...;decision:<model>=0.83;salience:<rule>`), so every row stays explainable.

The model file (akhbar/resources/models/events_decision.json) holds only the weights; its card
(events_decision_card.json) the data hash, features and scores.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from itertools import repeat

from akhbar.resources import resource_path
from tasks.events.lexicon import word_set
from tasks.events.salience import SALIENCE_WORDS, list_names, word_lists
from tasks.events.words import Word

MODEL_FILE = "models/events_decision.json"
DECIDED_TYPES = ("ASSAULT", "PROTEST")
FACTUAL = ("asserted", "claimed", "reported", "accused")
FEATURE_SET = "events-decision-features-4"
KEPT_RULES = ("question", "present", "earlier-date")   # the rules' background calls the model never overrules
NEAR = 3                                   # words either side of the trigger read as positional features
KEPT_SHORT = 16                            # `kept_main` applies below this many words (the `len` feature's buckets 0-1)
KEPT_PROTEST_RULES = ("verb", "nominal-anchored-verb")   # a protest verb, or a protest noun with its onset verb
CLAUSE_REACH = 3                           # words between a time-clause opener and the trigger


def base(w: Word) -> str:
    """A word's clitic-stripped form (its last, shortest key: 'وبالمدينه' -> 'مدينه')."""
    return w.keys[-1]


def own_features(words: list[Word], i: int, modality: str, rule: str,
                 has_actor: bool, has_target: bool, has_source: bool) -> list[str]:
    """The candidate's own feature names (trigger at word i); `features` adds each joined with the type."""
    n = len(words)
    own = [f"rule={rule}", f"mod={modality}", f"trig={base(words[i])}", f"trigform={words[i].norm[:2]}",
           f"actor={has_actor}", f"target={has_target}", f"source={has_source}",
           f"len={min(n // 8, 6)}", f"at={min(i // 4, 5)}", f"left={min((n - 1 - i) // 4, 5)}"]
    for d in range(1, NEAR + 1):
        if i - d >= 0:
            own.append(f"L{d}={base(words[i - d])}")
        if i + d < n:
            own.append(f"R{d}={base(words[i + d])}")
    if i > 0 and words[i].punct.strip():
        own.append("punct-before")
    return own


def class_masks(bits: list[int], i: int) -> tuple[int, int]:
    """(lists within NEAR words of the trigger at word i, lists anywhere in the sentence) as bit masks;
    `bits`: per word its salience lists (`word_bits`)."""
    near = 0
    for k in range(max(0, i - NEAR), min(len(bits), i + NEAR + 1)):
        if k != i:
            near |= bits[k]
    every = 0
    for b in bits:
        every |= b
    return near, every


def class_features(bits: list[int], i: int, names: tuple[str, ...]) -> list[str]:
    """Lexicon classes rather than words (they generalise where the data is small, PROTEST): which
    salience word lists (akhbar/resources/events/salience.json: participant nouns and onset verbs,
    happening verbs, anchors, references, casualty words ...) occur within NEAR words of the trigger
    (`near:`) and anywhere in the sentence (`has:`)."""
    near, every = class_masks(bits, i)
    return [*(f"near:{n}" for k, n in enumerate(names) if near >> k & 1),
            *(f"has:{n}" for k, n in enumerate(names) if every >> k & 1)]


_BITS: dict[str, int] = {}


def word_bits(words: list[Word]) -> list[int]:
    """Per word its salience lists as bits (a plain dict cache: the stage's hot path)."""
    get, out = _BITS.get, []
    for w in words:
        b = get(w.norm)
        if b is None:
            if len(_BITS) > 300_000:
                _BITS.clear()
            b = _BITS[w.norm] = word_lists(w.norm)
        out.append(b)
    return out


def features(own: list[str], etype: str) -> list[str]:
    """Every feature name of a candidate: its own, each joined with its type, and the type
    (the sentence's words, `bag`, come on top)."""
    return [*own, *(f"{etype}|{f}" for f in own), f"type={etype}"]


def bag(words: list[Word]) -> list[str]:
    """The sentence's clitic-stripped words (shared by its candidates), each once. Word pairs were
    tried: the same cross-validated F1 on tune, 2.4 times the weights and a slower stage."""
    return [f"w={b}" for b in dict.fromkeys(w.keys[-1] for w in words)]


def bag_score(m: dict, words: list[Word]) -> float:
    """The summed weights of `bag(words)` without building its strings (the stage's hot path)."""
    return sum(map(m["_uni"].get, dict.fromkeys([w.keys[-1] for w in words]), repeat(0.0)))


@lru_cache(maxsize=1)
def model() -> dict | None:
    """The committed model ({'name', 'weights', 'bias', 'threshold'}), or None when absent."""
    path = resource_path(MODEL_FILE)
    if not path.is_file():
        return None
    m = json.loads(path.read_text(encoding="utf-8"))
    weights = m["weights"]                 # the bag's weights keyed by word and by word pair, for bag_score
    m["_uni"] = {f[2:]: w for f, w in weights.items() if f.startswith("w=")}
    m["_typed"] = {t: {f[len(t) + 1:]: w for f, w in weights.items() if f.startswith(t + "|")}
                   for t in DECIDED_TYPES}        # 'ASSAULT|rule=verb' looked up as 'rule=verb' per type
    m["_both"] = {t: {f: weights.get(f, 0.0) + typed.get(f, 0.0) for f in (*weights, *typed)}   # plain + typed
                  for t, typed in m["_typed"].items()}   # weight of an own feature: one read (`_fast_probability`)
    names = list_names()                   # class weights per salience list bit, plain + typed, for _class_score
    m["_classes"] = {t: tuple([weights.get(f"{p}:{n}", 0.0) + m["_typed"][t].get(f"{p}:{n}", 0.0) for n in names]
                              for p in ("near", "has")) for t in DECIDED_TYPES}
    return m


def _class_score(m: dict, etype: str, bits: list[int], i: int) -> float:
    """The summed weights of `class_features(bits, i, ...)` (plain and joined with the type) from
    per-bit weight tables, without building the feature strings."""
    near_w, has_w = m["_classes"][etype]
    near, every = class_masks(bits, i)
    z = 0.0
    k = 0
    while near >> k:
        if near >> k & 1:
            z += near_w[k]
        k += 1
    k = 0
    while every >> k:
        if every >> k & 1:
            z += has_w[k]
        k += 1
    return z


def probability(m: dict, feats: list[str]) -> float:
    """The model's probability for the feature names `feats`."""
    weights = m["weights"]
    return _sigmoid(m["bias"] + sum(weights.get(f, 0.0) for f in feats))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _fast_probability(m: dict, own: list[str], etype: str, shared: float) -> float:
    """`probability(m, features(own, etype) + bag)` without building the joined strings."""
    z = m["bias"] + shared + m["weights"].get(f"type={etype}", 0.0)
    # each term is the plain weight plus the typed one, summed in `own`'s order as before (`m["_both"]`)
    return _sigmoid(z + sum(map(m["_both"][etype].get, own, repeat(0.0))))


def salience_rule(row: dict) -> str:
    """The salience rule named last in the row's `method` ('...;salience:verb' -> 'verb')."""
    return row["method"].rpartition("salience:")[2]


def in_time_clause(words: list[Word], i: int) -> bool:
    """Whether the trigger at word i stands in a time clause: an opener ('عندما', 'بعدما', clitic-aware:
    'وعندما') at most CLAUSE_REACH words before it with no punctuation between ('عندما خرج المتظاهرون',
    'بعدما قطع المتظاهرون الطرقات')."""
    openers = word_set("time_clause_openers", SALIENCE_WORDS)   # 'عندما', 'حين', 'بعدما' ...
    for k in range(i - 1, max(-1, i - 1 - CLAUSE_REACH), -1):
        if words[k + 1].punct.strip():
            return False
        if not openers.isdisjoint(words[k].keys):
            return True
    return False


def kept_main(row: dict, n_words: int, time_clause: bool = False) -> str:
    """Why a row of a sentence shorter than KEPT_SHORT words is main whatever the model's probability
    ('' when it is not): a plain report of who did what. `agent-object`: a past verb the rules call main
    (`verb`) with its agent and object both named ('خطف مسلحون صحفيا', 'قصفت الطائرات المدينة أمس');
    `undergone-agent`: what someone underwent at a named agent's hands ('تعرض ناشط للضرب على يد عناصر أمنية');
    `protesters`: a protest verb or a protest noun with its onset verb, the protesters named ('أضرب عمال
    الموانئ عن العمل', 'نفذ الصحفيون وقفة احتجاجية'). The model learned from long attributed wire sentences
    (on tune 50 of 811 ASSAULT candidates are in sentences under 16 words) and scores short plain reports
    near its threshold; in long sentences it has the data and decides (docs/events.md, events6, events7).
    Never a row in a time clause (`time_clause`, `in_time_clause`: 'ووقعت شجارات عندما خرج المتظاهرون الى
    الشوارع'): the clause dates another happening, it is not the report; the model decides it."""
    if n_words >= KEPT_SHORT or row["actor_text"] is None or time_clause:
        return ""
    rule = salience_rule(row)
    if row.get("event_type") == "PROTEST":
        return "protesters" if rule in KEPT_PROTEST_RULES else ""
    if rule == "nominal-undergone":
        return "undergone-agent"
    return "agent-object" if row["target_text"] is not None and rule == "verb" else ""


def named_actor(row: dict) -> bool:
    """Whether the row names an actor besides its trigger: protesters that are the trigger themselves
    ('وأضرم المتظاهرون النار', tasks/events/protest_args.py) are their own actor, no evidence of a report."""
    actor = row["actor_text"]
    return actor is not None and not actor.startswith(row["trigger"])


def named_target(row: dict) -> bool:
    """Whether the row names a target the decision reads: what a protest is against ('احتجاجا على قرار
    الحكومة', tasks/events/protest_args.py) says nothing of whether it happened, so PROTEST rows never count."""
    return row["target_text"] is not None and row["event_type"] != "PROTEST"


def _decided(row: dict) -> bool:
    return (row["event_type"] in DECIDED_TYPES and row["modality"] in FACTUAL
            and salience_rule(row) not in KEPT_RULES)


def _own_rows(words: list[Word], rows_at: list[tuple[int, dict]],
              bits: list[int] | None = None) -> list[tuple[dict, list[str]]]:
    """(row, own features) of the rows of one sentence the model decides (rows_at: (trigger word, row)):
    besides the row's own, how many other rows of its type the sentence has and whether one of
    them was ruled main, and its lexicon classes (`class_features`) unless `bits` is given (the
    stage scores those from the bits, `_class_score`); each row's trigger index in `row['_i']`
    then."""
    out, names, strings = [], list_names(), bits is None
    for i, row in rows_at:
        if not _decided(row):
            continue
        etype, rule = row["event_type"], salience_rule(row)
        own = own_features(words, i, row["modality"], rule, named_actor(row),
                           named_target(row), row["source_text"] is not None)
        same = [r for _, r in rows_at if r is not row and r["event_type"] == etype]
        own += [f"others={min(len(same), 2)}",
                f"other-main={any(r['salience'] == 'main' and r['modality'] in FACTUAL for r in same)}"]
        if rule == "nominal-undergone":       # what was undergone: an armed attack ('تعرضت لهجوم بقذائف'), or
            own.append(f"undergone={row.get('mode')}")   # torture, beating, abduction (reported differently)
        if strings:
            own += class_features(word_bits(words), i, names)
        else:
            row["_i"] = i
        out.append((row, own))
    return out


def sentence_features(words: list[Word], rows_at: list[tuple[int, dict]]) -> list[tuple[dict, list[str]]]:
    """(row, feature names without the bag) of the rows of one sentence the model decides. The stage
    and the trainer (interfaces/train_events.py) both read them from the rows, so they agree."""
    return [(row, features(own, row["event_type"])) for row, own in _own_rows(words, rows_at)]


def decide_sentence(words: list[Word], rows_at: list[tuple[int, dict]]) -> None:
    """Set `salience` of the factual ASSAULT/PROTEST rows of one sentence from the model and name
    the model and its probability in `method` ('...;decision:lr-gsr-7=0.83;salience:verb'); a row
    `kept_main` stays main and says so ('...;decision:lr-gsr-7=0.28;kept:agent-object;salience:verb')."""
    m = model()
    if m is None:
        return
    if not any(_decided(row) for _, row in rows_at):
        return
    bits = word_bits(words)
    decided = _own_rows(words, rows_at, bits)
    shared = bag_score(m, words)
    for row, own in decided:
        i = row.pop("_i")
        p = _fast_probability(m, own, row["event_type"], shared + _class_score(m, row["event_type"], bits, i))
        head, _, rule = row["method"].rpartition(";salience:")
        kept = kept_main(row, len(words), len(words) < KEPT_SHORT and in_time_clause(words, i))
        row["method"] = f"{head};decision:{m['name']}={p:.2f}{';kept:' + kept if kept else ''};salience:{rule}"
        row["_p"] = 1.0 if kept else p
    for row, _ in decided:
        row["salience"] = "main" if row.pop("_p") >= m["threshold"][row["event_type"]] else "background"


def trigger_word(words: list[Word], offset: int) -> int:
    """Index of the word holding character `offset` (a trigger's start)."""
    return next((k for k, w in enumerate(words) if w.start <= offset < w.end),
                max((k for k, w in enumerate(words) if w.start <= offset), default=0))
