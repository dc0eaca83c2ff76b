"""The export: the JSON contract validates against ../shared/contract, CSV matches it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
from helpers import ROOT, run_cli

SCHEMA = ROOT.parent / "shared" / "contract" / "portals.schema.json"


def _schema() -> dict:
    return json.loads(Path(SCHEMA).read_text(encoding="utf-8"))


def test_json_export_validates_against_the_contract(crawled):
    export = crawled["export"]
    jsonschema.Draft202012Validator(_schema(), format_checker=jsonschema.FormatChecker()).validate(
        export
    )
    assert export["schema"] == "smmatlas/portals@1"
    active = [p for p in export["portals"] if p["status"] == "active"]
    assert active and all(p["evidence"] for p in active)
    for p in active:
        for e in p["evidence"]:
            assert len(e["sha256"]) == 64 and e["fetched_at"].endswith("Z")
        offer_urls = {o["url"] for o in p["offers"]}
        assert offer_urls <= {e["url"] for e in p["evidence"]}  # offers point to a capture


def test_vocabularies_are_respected(crawled):
    vocab = (ROOT.parent / "shared" / "contract" / "vocabulary.md").read_text(encoding="utf-8")
    for p in crawled["export"]["portals"]:
        for o in p["offers"]:
            assert o["platform"] in vocab and o["product"] in vocab
        for x in p["payments"]:
            assert x["method"] in vocab
        for c in p["contacts"]:
            assert c["kind"] in vocab


def test_csv_export_has_every_offer(crawled, tmp_path):
    out = tmp_path / "offers.csv"
    proc = run_cli("export", "--format", "csv", "--db", crawled["db"], "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    total = sum(len(p["offers"]) for p in crawled["export"]["portals"])
    assert len(rows) == total > 0
    assert {"domain", "name", "price", "currency", "per", "platform", "product"} <= set(rows[0])
