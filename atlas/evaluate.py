"""Score an atlas export against ground truth (the sandbox's truth/*.json files).

Offers match on the portal's service ID when the truth has one, else on the collapsed name plus
package size; a matched offer is correct when price (±0.5 %), currency, per, min and max agree.
Leads match on (method, account), (kind, value), (kind, value). Accuracy is always measured
against the truth files, never against the atlas's own output.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _norm_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _offer_key(o: dict[str, Any]) -> tuple:
    if o.get("service_id") not in (None, ""):
        return ("id", str(o["service_id"]).strip(), int(o.get("per") or 0))
    return ("name", _norm_name(o["name"]), int(o.get("per") or 0))


def _price_ok(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=0.005, abs_tol=0.0051)


@dataclass
class Score:
    truth: int = 0
    found: int = 0
    correct: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.truth += other.truth
        self.found += other.found
        self.correct += other.correct
        self.problems += other.problems[:5]

    def as_dict(self) -> dict[str, Any]:
        return {
            "truth": self.truth,
            "found": self.found,
            "correct": self.correct,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def score_offers(truth: list[dict], found: list[dict], domain: str) -> tuple[Score, Counter]:
    """Offer precision/recall and platform/product agreement counts of one portal."""
    score = Score(truth=len(truth), found=len(found))
    agree: Counter = Counter()
    by_key = {}
    for o in truth:
        by_key.setdefault(_offer_key(o), o)
    # storefront packages may be listed without IDs: fall back on names
    by_name = {("name", _norm_name(o["name"]), int(o.get("per") or 0)): o for o in truth}
    used: set[int] = set()
    for f in found:
        t = by_key.get(_offer_key(f)) or by_name.get(
            ("name", _norm_name(f["name"]), int(f.get("per") or 0))
        )
        if t is None or id(t) in used:
            score.problems.append(f"{domain}: unexpected offer {f['name']!r} {f['price']}")
            continue
        fields_ok = (
            _price_ok(f["price"], t["price"])
            and f["currency"] == t["currency"]
            and int(f["per"]) == int(t["per"])
            and f.get("min") == t.get("min")
            and f.get("max") == t.get("max")
        )
        if not fields_ok:
            score.problems.append(
                f"{domain}: {t['name']!r} truth {t['price']} {t['currency']}/{t['per']} "
                f"{t.get('min')}-{t.get('max')} got {f['price']} {f['currency']}/{f['per']} "
                f"{f.get('min')}-{f.get('max')}"
            )
            continue
        used.add(id(t))
        score.correct += 1
        for facet in ("platform", "product"):
            if t.get(facet) is not None:
                agree[f"{facet}_total"] += 1
                agree[f"{facet}_agree"] += int(f[facet] == t[facet])
    return score, agree


def score_set(truth: list[tuple], found: list[tuple], domain: str, what: str) -> Score:
    t, f = set(truth), set(found)
    score = Score(truth=len(t), found=len(f), correct=len(t & f))
    score.problems += [f"{domain}: missed {what} {x}" for x in sorted(t - f, key=str)]
    score.problems += [f"{domain}: wrong {what} {x}" for x in sorted(f - t, key=str)]
    return score


def load_truth(truth_dir: Path) -> dict[str, dict]:
    return {
        (data := json.loads(p.read_text(encoding="utf-8")))["domain"]: data
        for p in sorted(truth_dir.glob("*.json"))
    }


def evaluate(export: dict[str, Any], truth: dict[str, dict]) -> dict[str, Any]:
    """Compare an export (contract dict) to truth {domain: truth}; return metrics + problems."""
    portals = {p["domain"]: p for p in export["portals"]}
    offers, payments, contacts, identifiers = Score(), Score(), Score(), Score()
    agree: Counter = Counter()
    status_wrong, kind_wrong, currency_wrong, software_wrong, missing = [], [], [], [], []
    for domain, t in sorted(truth.items()):
        p = portals.get(domain)
        if p is None:
            missing.append(domain)
            offers.add(Score(truth=len(t.get("offers", []))))
            continue
        if p["status"] != t["status"]:
            status_wrong.append(f"{domain}: {p['status']} (truth {t['status']})")
        elif t["status"] == "active" and t.get("kind") and p.get("kind") != t["kind"]:
            kind_wrong.append(f"{domain}: {p.get('kind')} (truth {t['kind']})")
        if t.get("offers") and sorted(set(p["currencies"])) != sorted(set(t["currencies"])):
            currency_wrong.append(f"{domain}: {p['currencies']} (truth {t['currencies']})")
        if t.get("software") and p.get("software") != t["software"]:
            software_wrong.append(f"{domain}: {p.get('software')} (truth {t['software']})")
        s, a = score_offers(t.get("offers", []), p["offers"], domain)
        offers.add(s)
        agree.update(a)
        payments.add(
            score_set(
                [(x["method"], x.get("account")) for x in t.get("payments", [])],
                [(x["method"], x.get("account")) for x in p["payments"]],
                domain,
                "payment",
            )
        )
        for bucket, key in ((contacts, "contacts"), (identifiers, "identifiers")):
            bucket.add(
                score_set(
                    [(x["kind"], x["value"]) for x in t.get(key, [])],
                    [(x["kind"], x["value"]) for x in p[key]],
                    domain,
                    key[:-1],
                )
            )

    def ratio(facet: str) -> float:
        total = agree[f"{facet}_total"]
        return agree[f"{facet}_agree"] / total if total else 1.0

    return {
        "portals": len(truth),
        "missing": missing,
        "offers": offers.as_dict(),
        "platform_agreement": round(ratio("platform"), 4),
        "product_agreement": round(ratio("product"), 4),
        "payments": payments.as_dict(),
        "contacts": contacts.as_dict(),
        "identifiers": identifiers.as_dict(),
        "status_wrong": status_wrong,
        "status_accuracy": round(1 - (len(status_wrong) + len(missing)) / len(truth), 4)
        if truth
        else 1.0,
        "kind_wrong": kind_wrong,
        "currency_wrong": currency_wrong,
        "software_wrong": software_wrong,
        "problems": {
            "offers": offers.problems[:40],
            "payments": payments.problems[:40],
            "contacts": contacts.problems[:40],
            "identifiers": identifiers.problems[:40],
        },
    }
