"""Services pages of SMM panels in the real theme families (Perfect Panel, SmartPanel, one-offs)."""

from __future__ import annotations

import json
from html import escape

from sandbox import money
from sandbox.catalogues import Row, category, norm_name

TURKISH = ["Servis ID", "Servis Adı", "1000 Adet Fiyatı", "Min Sipariş", "Maks Sipariş", "Açıklama"]
ICONS = {
    "ID": "format_list_numbered",
    "Service": "storage",
    "Rate per 1000": "bar_chart",
    "Min order": "arrow_downward",
    "Max order": "arrow_upward",
    "Average time": "schedule",
    "Description": "description",
}
EXTRA = {
    "quality": ("Quality", ["HQ", "Real", "Mixed", "Premium"]),
    "start": ("Start time", ["0-1 Hour", "Instant", "0-6 Hours", "24 Hours"]),
    "speed": ("Speed per day", ["5K/day", "10K/day", "1K/day", "50K/day"]),
    "refill": ("Refill", ["30 Days", "No Refill", "Lifetime", "60 Days"]),
    "status": ("Status", ["Active", "Active", "Active", "Slow"]),
    "guarantee": ("Guarantee", ["Yes", "No", "30 days", "No"]),
}


PP_ORDER = ["id", "name", "price", "min", "max", "time", "desc"]
PP_DEFAULT = [
    "ID",
    "Service",
    "Rate per 1000",
    "Min order",
    "Max order",
    "Average time",
    "Description",
]


def _kind(h: str) -> str:
    """The column kind of a (lower-case) header word."""
    if h in ("id", "servis id"):
        return "id"
    if any(w in h for w in ("rate", "price", "fiyat")):
        return "price"
    if h.startswith("min"):
        return "min"
    if h.startswith(("max", "maks")):
        return "max"
    if "desc" in h or "açıklama" in h:
        return "desc"
    if "time" in h or "average" in h:
        return "time"
    return "action" if h == "action" else "name"


def _shown(row: Row, style: str) -> tuple[float, str]:
    """(truth price, shown text) of one row in the panel's currency style."""
    cur = money.currency_of(style)
    if row.symbol == "€" and cur == "EUR":
        return row.price, money.show(row.price, style)
    usd = row.price / money.RATES["EUR"] if row.symbol == "€" else row.price
    if cur == "USD":
        raw = row.raw_price if row.symbol != "€" else None
        return (float(raw) if raw else round(usd, 4)), money.show(usd, style, raw)
    val = money.convert(usd, cur)
    return val, money.show(val, style)


def offers(rows: list[Row], style: str, url: str) -> tuple[list[dict], list[str]]:
    """Truth offers and shown price strings, in row order."""
    out, shown = [], []
    cur = money.currency_of(style)
    for r in rows:
        price, text = _shown(r, style)
        out.append(
            {
                "service_id": r.sid,
                "name": norm_name(r.name),
                "category": category(r),
                "platform": r.platform_v,
                "product": r.product_v,
                "price": price,
                "currency": cur,
                "per": 1000,
                "min": r.min,
                "max": r.max,
                "url": url,
            }
        )
        shown.append(text)
    return out, shown


def _n(v: int | None) -> str:
    return "" if v is None else str(v)


def _groups(rows: list[Row], shown: list[str]):
    cats: dict[str, list[tuple[Row, str]]] = {}
    for r, s in zip(rows, shown, strict=True):
        cats.setdefault(category(r), []).append((r, s))
    return cats


def perfectpanel(rows: list[Row], shown: list[str], headers: list[str], icons: bool = False) -> str:
    words = {_kind(h.strip(">").lower()): h.strip(">") for h in headers}
    hs = [words.get(k, d) for k, d in zip(PP_ORDER, PP_DEFAULT, strict=True)]
    th = "".join(
        f'<th><span class="material-icons">{ICONS[h]}</span> {escape(h)}</th>'
        if icons and h in ICONS
        else f"<th>{escape(h)}</th>"
        for h in hs
    )
    body = []
    for ci, (cat, items) in enumerate(_groups(rows, shown).items(), start=1):
        body.append(
            f'<tr data-filter-table-category-id="{ci}"><td colspan="{len(hs)}">'
            f"<strong>{escape(cat)}</strong></td></tr>"
        )
        for r, s in items:
            body.append(
                f'<tr data-filter-table-category-id="{ci}"><td'
                f' data-filter-table-service-id="{r.sid}">{r.sid}</td>'
                f'<td class="service-name">{escape(r.name)}</td><td>{escape(s)}</td>'
                f"<td>{_n(r.min)}</td><td>{_n(r.max)}</td>"
                '<td title="The average time is based on 10 latest completed orders per 1000'
                f' quantity">{(int(r.sid) % 9) + 1} hours</td>'
                '<td class="service-description"><button class="btn btn-default btn-xs"'
                ' data-toggle="modal">View</button>'
                f'<div class="hidden">{escape(r.desc)}</div></td></tr>'
            )
    return (
        '<div class="well"><input class="form-control" placeholder="Search"'
        " data-filter-table-search>"
        f'<table class="table" id="service-table"><thead><tr>{th}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + "\n</tbody></table></div>"
    )


def smartpanel(rows: list[Row], shown: list[str], cur: str) -> str:
    body = []
    for r, s in zip(rows, shown, strict=True):
        body.append(
            f'<tr><td>{r.sid}</td><td class="name">{escape(r.name)}</td>'
            f"<td>{escape(category(r))}</td>"
            f'<td class="text-center">{escape(s)}</td><td class="text-center">{_n(r.min)} /'
            f" {_n(r.max)}</td>"
            f"<td><small>{escape(r.desc)}</small></td></tr>"
        )
    symbol = {"USD": "$", "INR": "₹", "EUR": "€", "TRY": "₺", "BRL": "R$", "NGN": "₦"}[cur]
    return (
        '<table class="table table-hover" id="services-table"><thead><tr><th>ID</th><th>Name'
        "</th><th>Category</th>"
        f"<th>Rate per 1000({symbol})</th><th>Min / Max order</th><th>Description</th></tr>"
        "</thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody></table>"
    )


def oneoff(rows: list[Row], shown: list[str], headers: list[str], opts: dict) -> str:
    """A table in the panel's own column order, with optional extra/merged columns."""
    hs = [h.strip(">") for h in headers if h.lower() != "action"]
    if opts.get("turkish"):
        hs = TURKISH[:]
    low = [h.lower() for h in hs]
    kinds = [_kind(h) for h in low]
    if opts.get("merge_minmax") and "min" in kinds and "max" in kinds:
        i = kinds.index("min")
        hs[i], kinds[i] = "Min/Max", "minmax"
        j = kinds.index("max")
        del hs[j], kinds[j]
    for key in opts.get("extra", []):
        title, _ = EXTRA[key]
        pos = kinds.index("desc") if "desc" in kinds else len(kinds)
        hs.insert(pos, title)
        kinds.insert(pos, key)
    th = "".join(f"<th>{escape(h)}</th>" for h in hs)
    body = []
    for r, s in zip(rows, shown, strict=True):
        cells = []
        for k in kinds:
            v = {
                "id": r.sid,
                "name": escape(r.name),
                "price": escape(s),
                "min": _n(r.min),
                "max": _n(r.max),
                "minmax": f"{_n(r.min)}/{_n(r.max)}",
                "desc": escape(r.desc),
                "time": f"{(int(r.sid) % 23) + 1} hours",
            }.get(k)
            if v is None:
                v = EXTRA[k][1][int(r.sid) % 4]
            cells.append(f"<td>{v}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    groups = []  # category sections, one table each
    return (
        f'<table class="services">\n<thead><tr>{th}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + "\n</tbody></table>"
        + "".join(groups)
    )


def divrows(rows: list[Row], shown: list[str], headers: list[str]) -> str:
    """Services as div rows grouped under category headings (no <table>)."""
    out = ['<div class="services-list">']
    for cat, items in _groups(rows, shown).items():
        out.append(f'<h3 class="cat-title">{escape(cat)}</h3>')
        out.append(
            '<div class="svc-head"><span>ID</span><span>Service</span><span>Price per 1000</span>'
            "<span>Min</span><span>Max</span></div>"
        )
        for r, s in items:
            out.append(
                f'<div class="svc-row"><span class="svc-id">{r.sid}</span><span'
                f' class="svc-name">{escape(r.name)}</span>'
                f'<span class="svc-price">{escape(s)}</span><span class="svc-min">{_n(r.min)}'
                "</span>"
                f'<span class="svc-max">{_n(r.max)}</span></div>'
            )
    out.append("</div>")
    return "\n".join(out)


def js_shell(cur: str) -> str:
    """An empty services table filled in the browser from /services.json (same site)."""
    return (
        '<table class="table" id="service-table"><thead><tr><th>ID</th><th>Service</th><th>Rate'
        " per 1000</th>"
        '<th>Min order</th><th>Max order</th></tr></thead><tbody id="svc-body"></tbody></table>\n'
        "<noscript>Please enable JavaScript to see our services.</noscript>\n"
        "<script>fetch('/services.json').then(function(r){return r.json();}).then(function(d){"
        "var b=document.getElementById('svc-body');d.forEach(function(s){var"
        " tr=document.createElement('tr');"
        "['service','name','rate','min','max'].forEach(function(k){var"
        " td=document.createElement('td');"
        "td.textContent=s[k];tr.appendChild(td);});b.appendChild(tr);});});</script>"
    )


def services_json(rows: list[Row], shown: list[str]) -> bytes:
    data = [
        {
            "service": r.sid,
            "name": r.name,
            "category": category(r),
            "rate": s,
            "min": _n(r.min),
            "max": _n(r.max),
        }
        for r, s in zip(rows, shown, strict=True)
    ]
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
