"""docs/CODEBOOK.md, generated from the event ontology, the contracts and the codebook notes
(akhbar/resources/codebook_notes.md, codebook_not.tsv): `akhbar schema --codebook`."""

from __future__ import annotations

import json

from akhbar.contracts import (CONTRACT_VERSION, DATE_PRECISIONS, FACTUAL_MODALITIES, GEO_PRECISIONS, MODALITIES,
                              SCHEMAS)
from akhbar.resources import read_tsv, resource_path

EXAMPLES_PER_TYPE = 6

MODALITY_NOTES = {
    "asserted": ("the text states it as fact", "«قصفت الطائرات جسر المدينة»"),
    "claimed": ("a named or unnamed source says it happened", "«قال مسؤول محلي إن الطائرات قصفت الجسر»"),
    "reported": ("reported through a medium or agency", "«أفادت وكالة محلية بقصف الجسر»"),
    "accused": ("one party accuses another of it", "«اتهم الجيش المسلحين بتفجير الجسر»"),
    "denied": ("a party denies it happened", "«نفى الجيش قصف الجسر»"),
    "hypothetical": ("conditional, possible or questioned", "«قد يقصف الجيش الجسر إذا لم ينسحب المسلحون»"),
    "future": ("planned, announced or threatened, not yet happened", "«سيزور الوزير المدينة الأسبوع المقبل»"),
}
DATE_NOTES = {"day": "a day is known", "month": "only the month is known (date = its first day)",
              "year": "only the year is known (date = 1 January)", "unknown": "no date (date is null)"}
GEO_NOTES = {
    "settlement": "a city, town or village (GeoNames class P)", "site": "a building, base, prison, camp (class S)",
    "admin1": "a first-level region, e.g. a governorate (class A, not a country)",
    "country": "a whole country (its centroid: do not map it as a point in a city)",
    "region": "a wider region or an area without a finer class", "water": "a river, lake or sea (class H)",
    "terrain": "a mountain, valley, desert (class T)", "named": "a place named in the text but not located",
    "none": "no place"}


def _examples(triggers: list[dict], etype: str) -> str:
    words: list[str] = []
    for t in triggers:
        if t["type"] != etype:
            continue
        words += [n for n in t.get("nouns", [])[:2]]
        words += [" / ".join(v) if isinstance(v, list) else v for v in t.get("verbs", [])[:1]]
    seen = list(dict.fromkeys(w for w in words if w))
    return "، ".join(seen[:EXAMPLES_PER_TYPE]) or "(none)"


def event_types() -> str:
    onto = json.loads(resource_path("events/ontology.json").read_text(encoding="utf-8"))
    nots = {row[0]: row[1] for row in read_tsv("codebook_not.tsv")}
    out = []
    for etype, spec in onto["types"].items():
        modes = spec.get("modes") or {}
        mode_text = "; ".join(f"`{m}` ({d})" for m, d in modes.items()) or "none"
        out += [f"### {etype}", "", spec["definition"], "",
                f"- modes: {mode_text}",
                f"- arguments: {', '.join(spec.get('arguments', []))}",
                f"- Arabic triggers: {_examples(onto['triggers'], etype)}",
                f"- not: {nots.get(etype, '(not written yet)')}", ""]
    return "\n".join(out).rstrip()


def _column_table(table: str) -> str:
    rows = ["| column | type | description |", "|---|---|---|"]
    for f in SCHEMAS[table]:
        doc = (f.metadata or {}).get(b"doc", b"").decode().replace("|", "\\|")
        rows.append(f"| `{f.name}` | {f.type} | {doc} |")
    return "\n".join(rows)


def codebook() -> str:
    text = resource_path("codebook_notes.md").read_text(encoding="utf-8")
    parts = {
        "contract_version": CONTRACT_VERSION,
        "event_types": event_types(),
        "modalities": "\n".join(f"| `{m}` | {MODALITY_NOTES[m][0]} | {MODALITY_NOTES[m][1]} | "
                                f"{'yes' if m in FACTUAL_MODALITIES else 'no'} |" for m in MODALITIES),
        "date_precisions": "\n".join(f"- `{p}`: {DATE_NOTES[p]}" for p in DATE_PRECISIONS),
        "geo_precisions": "\n".join(f"- `{p}`: {GEO_NOTES[p]}" for p in GEO_PRECISIONS),
        "incident_columns": _column_table("incidents"),
    }
    for key, value in parts.items():
        text = text.replace("{" + key + "}", value)
    return text
