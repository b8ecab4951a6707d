"""What the training labels say about names: the name memory of the NER tagger (feature set 3).

A CRF learns a weight for each training word; a name seen as a person in one story and met again
in another is then found only as far as that one weight carries it. The memory lists, from the
training part's own labels, every chunk (as clitic-stripped stems) with its commonest type, and
every stem seen inside a chunk with its commonest type and whether it is a name more often than
not ('hi') or not ('lo'). Features (as `Featurizer` marks, so the neighbours at -1/+1 see them too):

- `mB=TYPE` / `mI=TYPE`: longest match of a remembered chunk over the sentence's stems (5 words at most);
- `mt=TYPE|hi` / `mt=TYPE|lo`: the stem was seen inside chunks of that type.

Training sentences get the memory of the other folds only (jackknife, the folds of the first
pass), so the model learns how far a remembered name is to be trusted on text it has not seen.
The table is written beside the model file (`ner_memory.tsv`) by `akhbar train ner`.
"""

from __future__ import annotations

from collections import Counter
from itertools import compress, count
from pathlib import Path

from tasks.entities.ner.conll import spans

MAX_CHUNK = 5
HEADER = ("# Name memory of the NER tagger (tasks/entities/ner/memory.py), built by `akhbar train ner` from the\n"
          "# labels of ANERcorp's train part minus the dev split (Benajiba, Rosso and Benedi Ruiz 2007; CAMeL Lab\n"
          "# splits), CC BY-SA 4.0: a derived work under CC BY-SA 4.0. Rows: CHUNK <tab> stems <tab> type, or\n"
          "# TOKEN <tab> stem <tab> type|hi or type|lo. Do not edit by hand.\n")


def _top(counts: Counter) -> str:
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


class NameMemory:
    """chunks: stems tuple -> type; tokens: stem -> 'TYPE|hi' or 'TYPE|lo'."""

    def __init__(self, chunks: dict[tuple[str, ...], str], tokens: dict[str, str]):
        self.chunks, self.tokens = chunks, tokens
        self.longest: dict[str, int] = {}       # first stem -> the longest remembered chunk it starts
        for key in chunks:
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))
        self.seen = {stem: "mt=" + value for stem, value in tokens.items()}     # stem -> its 'mt=' mark
        self.pairs = {key[:2] for key in chunks if len(key) > 1}     # the first two stems of the longer chunks

    @classmethod
    def build(cls, stems: list[list[str]], labels: list[list[str]]) -> NameMemory:
        chunks: dict[tuple[str, ...], Counter] = {}
        inside: dict[str, Counter] = {}
        total: Counter = Counter()
        for st, labs in zip(stems, labels):
            total.update(st)
            for typ, a, b in spans(labs):
                if b - a <= MAX_CHUNK:
                    chunks.setdefault(tuple(st[a:b]), Counter())[typ] += 1
                for k in range(a, b):
                    inside.setdefault(st[k], Counter())[typ] += 1
        tokens = {}
        for stem, counts in inside.items():
            typ = _top(counts)
            tokens[stem] = f"{typ}|{'hi' if 2 * counts[typ] > total[stem] else 'lo'}"
        return cls({k: _top(c) for k, c in chunks.items()}, tokens)

    def marks(self, stems: list[str]) -> list[list[str]]:
        """Per token, the memory's marks (module docstring)."""
        out: list[list[str]] = [[] for _ in stems]
        self.add_marks(stems, out)
        return out

    def add_marks(self, stems: list[str], out: list[list[str]]) -> None:
        """Append the memory's marks to each token's list in `out` (marks(), without new lists): the
        longest remembered chunk from each stem that starts one (left to right, no overlap), then 'mt='."""
        chunks, longest, pairs, n, after = self.chunks, self.longest, self.pairs, len(stems), 0
        for i in compress(count(), map(longest.__contains__, stems)):
            if i < after:
                continue
            most = min(longest[stems[i]], n - i)
            if most > 1 and (stems[i], stems[i + 1]) not in pairs:     # no longer chunk starts here
                most = 1
            for k in range(most, 0, -1):
                typ = chunks.get(tuple(stems[i:i + k]))
                if typ is not None:
                    out[i].append("mB=" + typ)
                    for o in out[i + 1:i + k]:
                        o.append("mI=" + typ)
                    after = i + k
                    break
        seen = self.seen
        for j in compress(count(), map(seen.__contains__, stems)):
            out[j].append(seen[stems[j]])

    def write(self, path: Path) -> None:
        rows = [f"CHUNK\t{' '.join(k)}\t{t}\n" for k, t in sorted(self.chunks.items())]
        rows += [f"TOKEN\t{s}\t{t}\n" for s, t in sorted(self.tokens.items())]
        path.write_text(HEADER + "".join(rows), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> NameMemory:
        chunks, tokens = {}, {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            kind, key, value = line.split("\t")
            if kind == "CHUNK":
                chunks[tuple(key.split(" "))] = value
            else:
                tokens[key] = value
        return cls(chunks, tokens)


def memory_path(model: Path) -> Path:
    return model.with_name(model.stem + "_memory.tsv")
