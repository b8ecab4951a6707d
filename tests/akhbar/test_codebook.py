"""docs/CODEBOOK.md is generated (akhbar schema --codebook) and covers every type, modality and column."""

import json
from pathlib import Path

from typer.testing import CliRunner

from akhbar.codebook import codebook
from akhbar.contracts import GEO_PRECISIONS, MODALITIES, SCHEMAS
from akhbar.resources import read_tsv, resource_path
from interfaces.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_codebook_is_generated_and_fresh():
    out = CliRunner().invoke(app, ["schema", "--codebook"])
    assert out.exit_code == 0 and out.output == codebook()
    assert (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8") == codebook(), \
        "docs/CODEBOOK.md is stale: run `akhbar schema --codebook > docs/CODEBOOK.md`"


def test_codebook_covers_every_type_modality_precision_and_incident_column():
    text = codebook()
    assert "{" not in text.replace("{}", "")           # every placeholder filled
    types = json.loads(resource_path("events/ontology.json").read_text(encoding="utf-8"))["types"]
    nots = {row[0] for row in read_tsv("codebook_not.tsv")}
    assert set(types) == nots
    for t in types:
        assert f"### {t}" in text
    for m in MODALITIES:
        assert f"| `{m}` |" in text
    for g in GEO_PRECISIONS:
        assert f"- `{g}`:" in text
    for f in SCHEMAS["incidents"]:
        assert f"| `{f.name}` |" in text
