"""Build the event gold rows (*.jsonl) from spec.txt: each spec line names its trigger by a context
snippet of the raw seed file with the trigger in [brackets]; offsets are computed, never typed.
Run: python tests/gold/events/build_gold.py (reports any context or argument not found in the text)."""
import json, sys, re
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from interfaces.eval_events import source_sentences
ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
out = {}
errors = 0
for line in Path(__file__).with_name("spec.txt").read_text().splitlines():
    if not line.strip() or line.startswith("#"):
        continue
    f = [x.strip() for x in line.split("|")]
    assert len(f) == 13, (len(f), line)
    seed, ctx, typ, mode, actor, target, loc, orig, dest, time, date, src, mod = f
    path = next(SEEDS.glob(f"{seed}_*.txt"))
    text = path.read_text(encoding="utf-8")
    ctx = ctx.replace("\\n", "\n")
    m = re.search(r"\[(.+?)\]", ctx)
    plain = ctx.replace("[", "").replace("]", "")
    pos = text.find(plain)
    if pos < 0:
        # tolerate spacing differences around punctuation
        print("CONTEXT NOT FOUND", seed, ctx); errors += 1; continue
    ts = pos + m.start()
    te = ts + len(m.group(1))
    assert text[ts:te] == m.group(1)
    # the sentence (paragraph-then-sentence rule) around the trigger
    sent = next((a, b) for a, b in source_sentences(text) if a <= ts < b)
    window = text[max(0, sent[0] - 600):sent[1]]
    for name, val in (("actor", actor), ("target", target), ("location", loc), ("origin", orig), ("destination", dest), ("time", time), ("source", src)):
        for v in filter(None, val.split(";")):
            if v not in window:
                print("ARG NOT IN TEXT", seed, name, v, "|", ctx); errors += 1
    row = dict(trigger_start=ts, trigger_end=te, trigger=text[ts:te], event_type=typ, mode=mode or None,
               actor=[v for v in actor.split(";") if v], target=[v for v in target.split(";") if v],
               location=loc or None, origin=orig or None, destination=dest or None, time=time or None,
               date=date or None, source=src or None, modality=mod)
    out.setdefault(path.stem, []).append(row)
dest_dir = Path(__file__).parent; dest_dir.mkdir(parents=True, exist_ok=True)
for stem, rows in out.items():
    rows.sort(key=lambda r: r["trigger_start"])
    (dest_dir / f"{stem}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(stem, len(rows))
print("errors", errors)
