# ruff: noqa: E501  (HTML templates read better on one line)
"""Test pages built from real catalogue rows (Nevado-Catalán et al., "An Analysis of Fake Social
Media Engagement Services", Computers & Security 124 (2023)) in the layouts real panels use."""

from __future__ import annotations

import csv
import html
from pathlib import Path

DATA = Path("/work/shared/data/smmpanels/panels_dataset")


def load_rows(panel: str, limit: int, day: int = 0) -> list[dict]:
    """Up to `limit` rows of one panel/day: id, name, price, min, max, site, product."""
    path = sorted((DATA / panel).glob("*.csv"))[day]
    rows = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for r in csv.DictReader(fh):
            name = " ".join(r["Service"].split())
            if not name or not r["Price/1000"]:
                continue
            try:
                price = float(r["Price/1000"])
                lo, hi = int(float(r["Min"])), int(float(r["Max"]))
            except ValueError:
                continue
            if price <= 0:
                continue
            cat = f"{r['Site'] or 'Other'} {r['Product'] or 'services'}".strip()
            rows.append(
                {"id": r["ID"], "name": name, "price": price, "min": lo, "max": hi, "category": cat}
            )
            if len(rows) >= limit:
                break
    return rows


def esc(s: object) -> str:
    return html.escape(str(s))


def _page(body: str, title: str = "Services") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def _by_category(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["category"], []).append(r)
    return list(groups.items())


def perfect_panel(rows: list[dict]) -> str:
    """Perfect-Panel-like: icon-prefixed headers, category rows, data-* cells, $ prices."""
    head = (
        "<thead><tr><th><i class='material-icons'>format_list_numbered</i> ID</th>"
        "<th><span class='material-icons'>storage</span> Service</th><th>bar_chart Rate per 1000</th>"
        "<th>call_received Min order</th><th>call_made Max order</th><th>Average time "
        "<span title='The average time is based on 10 latest completed orders per 1000 quantity'>?</span></th>"
        "<th>Description</th></tr></thead>"
    )
    body = []
    for cat, group in _by_category(rows):
        body.append(
            f"<tr data-filter-table-category-id='1'><td colspan='7'><strong>{esc(cat)}</strong></td></tr>"
        )
        for r in group:
            body.append(
                f"<tr data-filter-table-category-id='1'><td data-filter-table-service-id='{esc(r['id'])}'>{esc(r['id'])}</td>"
                f"<td class='service-name'>{esc(r['name'])}</td><td>  ${r['price']:.2f} </td><td>{r['min']}</td>"
                f"<td>{r['max']}</td><td>2 hours 5 minutes</td><td><button class='btn'>Details</button>"
                f"<div class='modal' style='display:none'>Start 0-1h. Price $1 per 1000.</div></td></tr>"
            )
    return _page(
        f"<h1>Services</h1><table id='service-table' class='table'>{head}<tbody>{''.join(body)}</tbody></table>"
    )


def smart_panel(rows: list[dict]) -> str:
    """SmartPanel-like: Category column, merged "min / max" cell, currency in the header."""
    head = "<tr><th>ID</th><th>Name</th><th>Category</th><th>Rate per 1000(₹)</th><th>Min / Max order</th><th>Description</th></tr>"
    body = "".join(
        f"<tr><td>{esc(r['id'])}</td><td><div class='title'>{esc(r['name'])}</div></td><td>{esc(r['category'])}</td>"
        f"<td>{r['price'] * 75:,.2f}</td><td>{r['min']} / {r['max']}</td><td></td></tr>"
        for r in rows
    )
    return _page(f"<table id='services-table'><thead>{head}</thead><tbody>{body}</tbody></table>")


def extra_columns(rows: list[dict]) -> str:
    """One-off theme: description before price, Quality/Start/Speed/Refill/Status columns."""
    head = (
        "<tr><td>Service</td><td>Description</td><td>Price Per 1000</td><td>Min</td><td>Max</td><td>Quality</td>"
        "<td>Start time</td><td>Speed per day</td><td>Refill</td><td>Status</td><td>Action</td></tr>"
    )
    body = "".join(
        f"<tr><td>{esc(r['name'])}</td><td>Real accounts, 30 days guarantee, price may change to $9.99</td>"
        f"<td>{r['price']:.4f} USD</td><td>{r['min']:,}</td><td>{r['max']:,}</td><td>HQ</td><td>0-1h</td>"
        f"<td>10k/day</td><td>{'✓' if i % 2 else '✗'}</td><td>Active</td><td><a href='/order'>Order</a></td></tr>"
        for i, r in enumerate(rows)
    )
    return _page(f"<div class='wrap'><table class='list'>{head}{body}</table></div>")


def div_rows(rows: list[dict]) -> str:
    """Grid of divs: a header row then one div row per service, category headings between."""
    parts = ["<div class='svc-list'>"]
    parts.append(
        "<div class='svc-head'><div>ID</div><div>Service</div><div>Price per 1000</div><div>Min</div><div>Max</div></div>"
    )
    for r in rows:
        parts.append(
            f"<div class='svc-row'><div class='c'>{esc(r['id'])}</div><div class='c'>{esc(r['name'])}</div>"
            f"<div class='c'><span>€</span>{r['price']:.2f}</div><div class='c'>{r['min']}</div><div class='c'>{r['max']}</div></div>"
        )
    parts.append("</div>")
    return _page("".join(parts))


def _comma(price: float) -> str:
    return f"{price:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def turkish(rows: list[dict]) -> str:
    """Turkish headers, decimal commas and lira."""
    head = "<tr><th>Servis ID</th><th>Hizmet</th><th>1000 Adet Fiyatı</th><th>Minimum Sipariş</th><th>Maksimum Sipariş</th><th>Açıklama</th></tr>"
    body = "".join(
        f"<tr><td>{esc(r['id'])}</td><td>{esc(r['name'])}</td><td>{_comma(r['price'])} ₺</td>"
        f"<td>{r['min']}</td><td>{r['max']}</td><td>Açıklama yok</td></tr>"
        for r in rows
    )
    return _page(f"<table>{head}{body}</table>", "Hizmetler")


def sticky_header(rows: list[dict]) -> str:
    """Header in its own table, body in a second table; categories as h3 above tables."""
    head = "<table class='head'><tr><th>#</th><th>Service</th><th>Rate / 1000 (USD)</th><th>Min</th><th>Max</th></tr></table>"
    body = "".join(
        f"<tr><td>{esc(r['id'])}</td><td>{esc(r['name'])}</td><td>{r['price']}</td><td>{r['min']}</td><td>{r['max']}</td></tr>"
        for r in rows
    )
    return _page(f"{head}<table class='body'>{body}</table>")


def per_category_tables(rows: list[dict]) -> str:
    """One table per category, each under an h3 heading."""
    parts = ["<h1>All services</h1>"]
    for cat, group in _by_category(rows):
        parts.append(
            f"<h3>{esc(cat)}</h3><table><tr><th>ID</th><th>Name</th><th>Price Per 1000</th><th>Min</th><th>Max</th></tr>"
        )
        parts += [
            f"<tr><td>{esc(r['id'])}</td><td>{esc(r['name'])}</td><td>Rs. {r['price']:.2f}</td><td>{r['min']}</td><td>{r['max']}</td></tr>"
            for r in group
        ]
        parts.append("</table>")
    return _page("".join(parts))


def labelled_cells(rows: list[dict]) -> str:
    """Responsive theme: no header row, every cell carries data-label."""
    body = "".join(
        f"<tr><td data-label='ID'>{esc(r['id'])}</td><td data-label='Service'>{esc(r['name'])}</td>"
        f"<td data-label='Rate per 1000'>${r['price']}</td><td data-label='Min order'>{r['min']}</td>"
        f"<td data-label='Max order'>{r['max']}</td></tr>"
        for r in rows
    )
    return _page(f"<table class='table'><tbody>{body}</tbody></table>")


def headerless_divs(rows: list[dict]) -> str:
    """No header at all: one div per service with spans, an order link; columns by content."""
    items = "".join(
        f"<div class='item'><span>{esc(r['id'])}</span><span>{esc(r['name'])}</span>"
        f"<span>${r['price']:.2f}</span><span>{r['min']}</span><span>{r['max']}</span>"
        f"<a href='/order?s={esc(r['id'])}'>Order</a></div>"
        for r in rows
    )
    return _page(f"<section><div class='items'>{items}</div></section>")


LAYOUTS = {
    "perfect_panel": (perfect_panel, "USD", 1.0),
    "smart_panel": (smart_panel, "INR", 75.0),
    "extra_columns": (extra_columns, "USD", 1.0),
    "div_rows": (div_rows, "EUR", 1.0),
    "turkish": (turkish, "TRY", 1.0),
    "sticky_header": (sticky_header, "USD", 1.0),
    "per_category_tables": (per_category_tables, "INR", 1.0),
    "labelled_cells": (labelled_cells, "USD", 1.0),
    "headerless_divs": (headerless_divs, "USD", 1.0),
}
