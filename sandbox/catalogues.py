"""Read the real panel catalogues (Nevado-Catalán et al., Computers & Security 124, 2023)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATASET = Path(__file__).resolve().parents[2] / "shared" / "data" / "smmpanels"
LABELS = Path(__file__).with_name("spec") / "labels.toml"
_NUM = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(slots=True)
class Row:
    """One service row of one panel on one day, as the dataset holds it."""

    sid: str
    name: str  # raw, as shown
    price: float  # numeric value of the raw price
    raw_price: str  # the raw number text, e.g. "15.725"
    symbol: str  # "$", "€" or ""
    min: int | None
    max: int | None
    desc: str
    site: str  # dataset label ('' if none)
    product: str
    platform_v: str | None  # contract vocabulary
    product_v: str | None


def dataset_dir() -> Path:
    """$SMMATLAS_DATASET, else ../shared/data/smmpanels beside the project."""
    folder = Path(os.environ.get("SMMATLAS_DATASET") or DATASET)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"the smmpanels dataset is not at {folder}: set SMMATLAS_DATASET to its folder "
            "(the one holding raw_panels_dataset/ and panels_dataset/)"
        )
    return folder


@cache
def labels() -> dict:
    with LABELS.open("rb") as fh:
        return tomllib.load(fh)


def panels() -> list[str]:
    return sorted(p.name for p in (dataset_dir() / "raw_panels_dataset").iterdir() if p.is_dir())


def days(panel: str) -> list[str]:
    return sorted(p.stem for p in (dataset_dir() / "raw_panels_dataset" / panel).glob("*.csv"))


@cache
def header(panel: str) -> list[str]:
    """The panel's real header words (first day), whitespace collapsed."""
    path = dataset_dir() / "raw_panels_dataset" / panel / f"{days(panel)[0]}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        head = next(csv.reader(fh))
    return [" ".join(h.split()) for h in head[1:]]


def _int(text: str) -> int | None:
    try:
        return int(float(text.replace(",", "").strip()))
    except ValueError:
        return None


def _price(text: str) -> tuple[float, str, str] | None:
    t = text.strip()
    sym = "€" if "€" in t else "$" if "$" in t else ""
    m = _NUM.search(t)
    if not m:
        return None
    raw = m.group(0)
    if sym == "€" and " " in t.strip("€ "):  # "€50 00": cents set apart
        parts = t.replace("€", "").split()
        if len(parts) == 2 and parts[1].isdigit():
            raw = f"{parts[0]}.{parts[1]}"
    raw = raw.replace(",", "")
    try:
        return float(raw), raw, sym
    except ValueError:
        return None


def norm_name(name: str) -> str:
    return " ".join(name.split())


@cache
def rows(panel: str, day: str) -> tuple[Row, ...]:
    """All priced rows of `panel` on `day` (deduplicated by ID, dataset order)."""
    base = dataset_dir()
    lab = labels()
    labelled: dict[str, tuple[str, str]] = {}
    with (base / "panels_dataset" / panel / f"{day}.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            labelled[r["ID"].strip()] = (r.get("Site") or "", r.get("Product") or "")
    head = header(panel)
    low = [h.lower() for h in head]

    def col(*words: str) -> int | None:
        for i, h in enumerate(low):
            if any(w in h for w in words):
                return i
        return None

    i_name = col("service", "name")
    i_price = col("rate", "price")
    i_min = col("min")
    i_max = col("max")
    i_desc = col("desc")
    out: list[Row] = []
    seen: set[str] = set()
    with (base / "raw_panels_dataset" / panel / f"{day}.csv").open(
        encoding="utf-8", newline=""
    ) as fh:
        reader = csv.reader(fh)
        next(reader)
        for rec in reader:
            cells = rec[1:]
            if len(cells) < len(head):
                continue
            sid = cells[0].strip()
            if not sid.isdigit() or sid in seen or not norm_name(cells[i_name]):
                continue
            pr = _price(cells[i_price])
            if pr is None:
                continue
            seen.add(sid)
            site, prod = labelled.get(sid, ("", ""))
            product_v = lab["product"].get(prod)
            platform_v = lab.get("product_platform", {}).get(product_v) or lab["platform"].get(site)
            out.append(
                Row(
                    sid=sid,
                    name=cells[i_name],
                    price=pr[0],
                    raw_price=pr[1],
                    symbol=pr[2],
                    min=_int(cells[i_min]) if i_min is not None else None,
                    max=_int(cells[i_max]) if i_max is not None else None,
                    desc=norm_name(cells[i_desc]) if i_desc is not None else "",
                    site=site,
                    product=prod,
                    platform_v=platform_v,
                    product_v=product_v,
                )
            )
    return tuple(out)


def subset(panel: str, day: str, seed: int, limit: int = 200) -> list[Row]:
    """A deterministic subset of at most ~`limit` rows; the same IDs are kept on every day."""
    all_rows = rows(panel, day)
    if len(all_rows) <= limit:
        return list(all_rows)
    n = max(len(rows(panel, d)) for d in days(panel))
    keep = []
    for r in all_rows:
        h = int.from_bytes(
            hashlib.blake2b(f"{seed}|{panel}|{r.sid}".encode(), digest_size=4).digest()
        )
        if h % n < limit:
            keep.append(r)
    return keep


def category(row: Row) -> str:
    """A category title from the dataset's own labels (as panels group rows)."""
    if row.site and row.site != "Empty Value":
        prod = row.product if row.product and row.product != "Empty Value" else "Services"
        plural = "" if prod.endswith(("s", "traffic", "watchtime", "seo")) else "s"
        return f"{row.site} {prod.title()}{plural}"
    return "Other Services"
