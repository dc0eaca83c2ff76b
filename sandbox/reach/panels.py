"""Reach-world server-rendered panels: the ways real panel software serves its catalogue.

Families (sandbox/spec/reach.toml holds the site table and the words of each language):
- `walled`: `/` answers 302 to a login page; `/services` exists but is linked only when the
  login page links it (`links_services`); otherwise a crawler must probe public paths.
- `sitemap`: the catalogue page is listed only in a sub-sitemap of the sitemap index that
  robots.txt names; no HTML page links it.
- `smartpanel4`: SmartPanel 4.x markup (category cards, `tr_<id>` rows, "min / max" in one
  cell, core.css / themes/regular assets, `?per_page=` offset pagination, /auth/login).
- `local`: panels in Indonesian, Vietnamese, Turkish, Brazilian Portuguese and Russian with
  native headers, local money and quantities, payment and contact pages in that language.
- `quirks`: prices per 100, struck-through list price beside the sale price, a min-max range in
  one cell, payment logos only as SVG <title> / aria-label / alt, a `ti-credit-card` menu
  icon (not a payment), a script vendor's credit with its e-mail/Telegram (noise).
- `cards`: service cards with a platform badge above the real service name, prices per K.

Catalogue rows are the real ones of Nevado-Catalán et al., "An Analysis of Fake Social Media
Engagement Services", Computers & Security 124 (2023) (sandbox.catalogues). Truth is computed
from the generator's inputs, never by reading the HTML back.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from sandbox import catalogues, crypto, leads
from sandbox.catalogues import Row, category, norm_name
from sandbox.favicon import png
from sandbox.reach import locale, paypages
from sandbox.reach.locale import LOCALES, Locale
from sandbox.site import Site, mmh3_favicon

SPEC = Path(__file__).resolve().parents[1] / "spec" / "reach.toml"
ADDRESS_KINDS = ("bitcoin_address", "ethereum_address", "tron_address")


@cache
def spec() -> dict:
    with SPEC.open("rb") as fh:
        return tomllib.load(fh)


@dataclass
class Ctx:
    """One site being built: its words, shell parts and truth lists."""

    site: Site
    p: dict
    loc: Locale
    w: dict
    rng: random.Random
    brand: str
    head: str = ""
    footer: str = ""
    nav: list[tuple[str, str]] = field(default_factory=list)
    pay: paypages.Block = field(default_factory=paypages.Block)
    con: paypages.Block = field(default_factory=paypages.Block)
    ids: list[dict] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.site.url.rstrip("/")

    def doc(self, title: str, body: str, nav: list | None = None) -> str:
        items = self.nav if nav is None else nav
        links = "".join(f'<li class="nav-item"><a href="{h}">{t}</a></li>' for h, t in items)
        return (
            f'<!DOCTYPE html>\n<html lang="{self.loc.lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)} | {escape(self.brand)}</title>\n"
            f'<link rel="icon" href="/favicon.ico">\n{self.head}\n</head>\n<body>\n'
            f'<nav class="navbar"><a class="navbar-brand" href="/">{escape(self.brand)}</a>'
            f'<ul class="navbar-nav">{links}</ul></nav>\n<div class="container">\n{body}\n'
            f'</div>\n<footer class="site-footer">{self.footer}\n'
            f"<p>&copy; 2020 {escape(self.brand)}</p></footer>\n</body>\n</html>\n"
        )

    def page(self, path: str, title: str, body: str, nav: list | None = None) -> None:
        self.site.page(path, self.doc(title, body, nav))


def sites(seed: int, epoch: int) -> list[Site]:
    s = spec()
    return [_build(p, s["words"], seed, epoch) for p in s["panel"]]


# ---------------------------------------------------------------- catalogue values


def _rows(ds: str, epoch: int, seed: int, limit: int = 60) -> tuple[str, list[Row]]:
    """The day's rows (same IDs both days), those with min and max, plus the dearest one."""
    days = catalogues.days(ds)
    day = days[min(epoch, len(days) - 1)]
    keep = [r for r in catalogues.subset(ds, day, seed, limit) if r.min and r.max]
    ok = [r for r in catalogues.rows(ds, day) if r.min and r.max]
    top = max(ok, key=lambda r: r.price)
    if top not in keep:
        keep.append(top)
    return day, keep


def _usd(row: Row) -> float:
    return row.price / locale.RATES["EUR"] if row.symbol == "€" else row.price


def _usd_text(v: float) -> tuple[float, str]:
    """A USD amount as a site prints it, and the value that text shows."""
    places = 2 if v >= 0.01 else 4 if v >= 0.0001 else 6
    text = f"{v:,.{places}f}"
    return float(text.replace(",", "")), text


def _value(row: Row, loc: Locale, scale: float = 1.0) -> tuple[float, str]:
    """(truth price, number text) of a row in the site's currency; `scale` 0.1 = per 100."""
    usd = _usd(row) * scale
    if loc.currency == "USD":
        return _usd_text(usd)
    v = locale.convert(usd, loc.currency)
    return v, locale.number(v, loc)


def _offer(c: Ctx, r: Row, price: float, path: str, per: int = 1000, cat: bool = True) -> dict:
    return {
        "service_id": r.sid,
        "name": norm_name(r.name),
        "category": category(r) if cat else None,
        "platform": r.platform_v,
        "product": r.product_v,
        "price": price,
        "currency": c.loc.currency,
        "per": per,
        "min": r.min,
        "max": r.max,
        "url": c.base + path,
    }


def _table(heads: list[str], body: list[list[str]], css: str = "table table-striped") -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in heads)
    trs = "\n".join("<tr>" + "".join(f"<td>{v}</td>" for v in cells) + "</tr>" for cells in body)
    return f'<table class="{css}"><thead><tr>{th}</tr></thead>\n<tbody>\n{trs}\n</tbody></table>'


def _plain_rows(c: Ctx, rows: list[Row], path: str, pattern: str | None = None) -> tuple:
    """Cells (id, name, price, min, max, desc) in the site's locale, and the truth offers."""
    cells, offers = [], []
    for r in rows:
        v, n = _value(r, c.loc)
        shown = (pattern or c.loc.pattern).format(sym=c.loc.symbol, n=n, code=c.loc.currency)
        cells.append(
            [
                r.sid,
                escape(r.name),
                escape(shown),
                locale.quantity(r.min, c.loc),
                locale.quantity(r.max, c.loc),
                escape(r.desc),
            ]
        )
        offers.append(_offer(c, r, v, path, cat=False))
    return cells, offers


# ---------------------------------------------------------------- leads


def _english_blocks(c: Ctx) -> None:
    """Payment and contact blocks of an English-language panel (truth in c.pay / c.con)."""
    d = c.site.domain
    pp, usdt = f"billing@{d}", crypto.tron(d)
    c.pay.pay("paypal", pp)
    c.pay.pay("usdt", usdt)
    c.ids.append({"kind": "tron_address", "value": usdt})
    c.pay.html = (
        f"<h2>Add funds</h2><p>PayPal (Friends &amp; Family): <b>{pp}</b></p>"
        f"<p>USDT (TRC20): <code>{usdt}</code></p><p>Minimum deposit $5.</p>"
    )
    c.noise.append("Minimum deposit $5")
    wa = locale.mobile(c.rng, LOCALES["en"])
    handle = d.split(".")[0] + "_help"
    for kind, value in (("email", f"support@{d}"), ("whatsapp", wa), ("telegram", handle)):
        c.con.contact(kind, value)
    c.con.html = (
        f'<h2>Contact</h2><p>E-mail: <a href="mailto:support@{d}">support@{d}</a></p>'
        f'<p><a href="https://wa.me/{wa[1:]}">WhatsApp us</a> &middot; '
        f'<a href="https://t.me/{handle}">Telegram @{handle}</a></p>'
    )


def _footer_contacts(c: Ctx) -> str:
    """Footer links to the contacts of c.con (same values: no new truth)."""
    out = []
    for x in c.con.contacts:
        if x["kind"] == "whatsapp":
            out.append(f'<a class="wa-float" href="https://wa.me/{x["value"][1:]}">WhatsApp</a>')
        elif x["kind"] == "telegram":
            out.append(f'<a href="https://t.me/{x["value"]}">Telegram</a>')
    return " ".join(out)


# ---------------------------------------------------------------- families


def _build(p: dict, words: dict, seed: int, epoch: int) -> Site:
    host = p["host"]
    domain = host.removeprefix("www.")
    site = Site(host, domain)
    rng = random.Random(f"{seed}|reach|{host}")
    loc = LOCALES[p["lang"]]
    brand = "".join(x.capitalize() for x in domain.split(".")[0].replace("-", " ").split())
    c = Ctx(site, p, loc, words[p["lang"]], rng, brand)
    icon = png(f"{seed}|reach|{host}")
    site.page("/favicon.ico", icon, "image/png")
    lv = leads.make_leads(rng, domain, brand, "global", None, mmh3_favicon(icon))
    c.head = lv.head
    c.ids = [i for i in lv.identifiers if i["kind"] not in ADDRESS_KINDS]
    if p["lang"] == "en":
        _english_blocks(c)
    else:
        c.pay = paypages.payment_block(rng, p["lang"], domain)
        c.con = paypages.contact_block(rng, p["lang"], domain)
    day, rows = _rows(p["dataset"], epoch, seed)
    family = p["family"]
    software = None
    if family == "walled":
        offers = _walled(c, rows)
    elif family == "sitemap":
        offers = _sitemap(c, rows)
    elif family == "smartpanel4":
        offers, software = _smartpanel4(c, rows), "smartpanel"
    elif family == "local":
        offers = _local(c, rows)
    elif family == "quirks":
        offers = _quirks(c, rows)
    else:
        offers = _cards(c, rows)
    site.truth = {
        "domain": domain,
        "url": site.url,
        "status": "active",
        "kind": "panel",
        "software": software,
        "theme": f"reach_{family}" + ("" if family != "local" else f"_{p['lang']}"),
        "js_rendered": False,
        "currencies": [loc.currency],
        "cluster": None,
        "offers": offers,
        "payments": c.pay.payments,
        "contacts": c.con.contacts,
        "identifiers": c.ids,
        "noise": sorted(set(c.noise + c.pay.noise + c.con.noise)),
        "source": {"dataset_panel": p["dataset"], "day": day},
    }
    return site


def _login_form(c: Ctx, action: str) -> str:
    return (
        f'<form method="post" action="{action}" class="login-form"><input name="username"'
        f' placeholder="Username"><input type="password" name="password">'
        f'<button type="submit">{escape(c.w["signin"])}</button></form>'
    )


def _walled(c: Ctx, rows: list[Row]) -> list[dict]:
    """`/` -> 302 login; funds page -> 302 login; the catalogue is public but maybe unlinked."""
    p, w = c.p, c.w
    login, svc = p["login"], p["services"]
    signup = "/auth/signup" if login.startswith("/auth/") else "/signup"
    terms = w["terms"][0]
    c.site.page("/", "", status=302, headers={"Location": login})
    c.site.page(w["funds"][0], "", status=302, headers={"Location": login})
    c.site.page(
        "/robots.txt", "User-agent: *\nDisallow: /admin/\nDisallow: /orders\n", "text/plain"
    )
    links = [(signup, escape(w["signup"])), (terms, escape(w["terms"][1]))]
    if p.get("links_services"):
        links += [(svc, escape(w["services"][1])), ("/api", "API")]
    # contacts are shown on the wall itself (footer); payments only behind the login: none
    c.pay = paypages.Block()
    c.ids = [i for i in c.ids if i["kind"] not in ADDRESS_KINDS]
    c.footer = c.con.html
    c.nav = links
    c.page(login, w["signin"], f"<h1>{escape(w['signin'])}</h1>{_login_form(c, login)}")
    c.page(signup, w["signup"], f"<h1>{escape(w['signup'])}</h1>{_login_form(c, signup)}")
    c.page(terms, w["terms"][1], f"<h1>{escape(w['terms'][1])}</h1><p>{w['terms_text']}</p>")
    c.page(
        "/api",
        "API",
        f"<h1>API</h1><p>POST https://{c.site.host}/api/v2</p><p>key, action=services</p>",
    )
    pattern = p.get("price")
    heads = list(w["headers"][:5])
    if pattern and "/K" in pattern:
        heads[2] = w.get("price_k", "Price/K")
    cells, offers = _plain_rows(c, rows, svc, pattern)
    c.page(
        svc,
        w["services"][1],
        f"<h1>{escape(w['services'][1])}</h1>" + _table(heads, [x[:5] for x in cells]),
    )
    return offers


def _sitemap(c: Ctx, rows: list[Row]) -> list[dict]:
    """The catalogue is reachable only through robots.txt -> sitemap index -> sub-sitemap."""
    base, svc = c.base, c.p["services"]
    posts = ["/blog/grow-instagram-2020", "/blog/tiktok-views-guide"]
    pages = ["/", svc, "/addfunds", "/contact", "/terms"]
    c.site.page(
        "/robots.txt",
        f"User-agent: *\nDisallow: /cart\n\nSitemap: {base}/sitemap_index.xml\n",
        "text/plain",
    )

    def urlset(paths: list[str]) -> str:
        locs = "".join(
            f"<url><loc>{base}{x}</loc><lastmod>2020-07-01</lastmod></url>" for x in paths
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>\n'
        )

    subs = ["/sitemap-pages.xml", "/sitemap-posts.xml"]
    idx = "".join(f"<sitemap><loc>{base}{x}</loc></sitemap>" for x in subs)
    c.site.page(
        "/sitemap_index.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{idx}</sitemapindex>\n',
        "application/xml",
    )
    c.site.page(subs[0], urlset(pages), "application/xml")
    c.site.page(subs[1], urlset(posts), "application/xml")
    c.nav = [
        ("/", "Home"),
        ("/blog", "Blog"),
        ("/addfunds", "Add funds"),
        ("/contact", "Contact"),
        ("/terms", "Terms"),
    ]
    c.footer = _footer_contacts(c)
    c.page("/", "Home", f"<h1>{escape(c.brand)}</h1><p>{c.w['intro']}</p>")
    c.page(
        "/blog", "Blog", "".join(f'<p><a href="{x}">{x.rsplit("/", 1)[1]}</a></p>' for x in posts)
    )
    prose = leads.Leads()
    for x in posts:
        c.page(x, "Blog", "<h1>Tips</h1>" + leads.prose_noise(prose, c.rng))
    c.noise += prose.noise
    c.page("/addfunds", "Add funds", c.pay.html)
    c.page("/contact", "Contact", c.con.html)
    c.page("/terms", "Terms", f"<h1>Terms</h1><p>{c.w['terms_text']}</p>")
    cells, offers = _plain_rows(c, rows, svc)
    heads = ["Service ID", "Service", "Price per 1000", "Minimum", "Maximum"]
    c.page(
        svc,
        "Price list",
        "<h1>Price list</h1>" + _table(heads, [x[:5] for x in cells], "price-table"),
    )
    return offers


def _smartpanel4(c: Ctx, rows: list[Row]) -> list[dict]:
    """SmartPanel 4.x: category cards, `tr_<id>` rows, "min / max" cell, offset pagination."""
    host, size = c.site.host, c.p.get("page_size", 25)
    token = "".join(c.rng.choice("0123456789abcdef") for _ in range(32))
    c.head += (
        '\n<link rel="stylesheet" href="/assets/plugins/font-awesome/css/font-awesome.min.css">'
        '\n<link href="/assets/css/core.css" rel="stylesheet">'
        '\n<link href="/themes/regular/assets/css/theme_style.css" rel="stylesheet">'
        f"\n<script>var token = '{token}', PATH = 'http://{host}/', BASE = 'http://{host}/';"
        "</script>"
    )
    c.nav = [
        ("/", "Home"),
        ("/services", '<i class="fe fe-list"></i> Services'),
        ("/api/docs", "API"),
        ("/faq", "FAQ"),
        ("/auth/login", "Sign in"),
        ("/auth/signup", "Sign up"),
    ]
    logos = "".join(
        f'<img src="/assets/images/payments/{m}.png" alt="{n}">'
        for m, n in (("paypal", "PayPal"), ("coinpayments", "CoinPayments"))
    )
    c.footer = f'<div class="payments">{logos}</div>' + c.con.html
    # the add-funds page sits behind the login: its block is not shown, the footer logos are
    c.pay = paypages.Block()
    c.pay.pay("paypal", None)
    c.pay.pay("coinpayments", None)
    c.ids = [i for i in c.ids if i["kind"] not in ADDRESS_KINDS]
    c.site.page("/add_funds", "", status=302, headers={"Location": "/auth/login"})
    c.page("/", "Home", f"<h1>{escape(c.brand)}</h1><p>{c.w['intro']}</p>")
    for path in ("/auth/login", "/auth/signup"):
        c.page(path, "Sign in", _login_form(c, path))
    c.page("/faq", "FAQ", "<h1>FAQ</h1><p>Orders start within minutes.</p>")
    c.page(
        "/api/docs",
        "API",
        f"<h1>API</h1><p>API URL: https://{host}/api/v1</p><p>HTTP Method: POST</p>",
    )
    offers = []
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    paths = ["/services"] + [f"/services?per_page={i * size}" for i in range(1, len(chunks))]
    for n, chunk in enumerate(chunks):
        cards = []
        groups: dict[str, list[Row]] = {}
        for r in chunk:
            groups.setdefault(category(r), []).append(r)
        for cat, items in groups.items():
            trs = []
            for r in items:
                v, text = _value(r, c.loc)
                offers.append(_offer(c, r, v, paths[n]))
                trs.append(
                    f'<tr class="tr_{r.sid}"><td class="text-center w-10p text-muted">{r.sid}</td>'
                    f'<td><div class="title">{escape(r.name)}</div></td>'
                    f'<td class="text-center w-5p"><div>{text}</div></td>'
                    f'<td class="text-center w-10p text-muted">{r.min} / {r.max}</td>'
                    f'<td class="text-center w-5p"><button class="btn btn-info btn-sm"'
                    f' data-content="{escape(r.desc)}">Details</button></td></tr>'
                )
            cards.append(
                f'<div class="col-md-12"><div class="card"><div class="card-header">'
                f'<h3 class="card-title">{escape(cat)}</h3></div><div class="table-responsive">'
                '<table class="table table-hover table-bordered table-vcenter card-table"><thead>'
                "<tr><th>ID</th><th>Name</th><th>Rate per 1000 ($)</th><th>Min / Max order</th>"
                "<th>Description</th></tr></thead><tbody>" + "".join(trs) + "</tbody></table>"
                "</div></div></div>"
            )
        pager = "".join(
            f'<li class="page-item"><a class="page-link" href="{x}">{k + 1}</a></li>'
            for k, x in enumerate(paths)
        )
        body = (
            '<h1 class="page-title"><i class="fe fe-list"></i> Services</h1>'
            f'<div class="row m-t-5" id="result_ajaxSearch">{"".join(cards)}</div>'
            f'<ul class="pagination">{pager}</ul>'
        )
        c.page(paths[n], "Services", body)
    return offers


def _local(c: Ctx, rows: list[Row]) -> list[dict]:
    """A panel in its own language: native headers, local money and quantities, paginated."""
    w = c.w
    svc, funds, cont, terms = w["services"], w["funds"], w["contact"], w["terms"]
    c.nav = [("/", escape(w["home"]))] + [(x[0], escape(x[1])) for x in (svc, funds, cont, terms)]
    c.nav += [("/login", escape(w["signin"])), ("/register", escape(w["signup"]))]
    c.footer = _footer_contacts(c)
    c.page("/", w["home"], f"<h1>{escape(c.brand)}</h1><p>{escape(w['intro'])}</p>")
    c.page(funds[0], funds[1], c.pay.html)
    c.page(cont[0], cont[1], c.con.html)
    c.page(terms[0], terms[1], f"<h1>{escape(terms[1])}</h1><p>{escape(w['terms_text'])}</p>")
    c.page("/login", w["signin"], _login_form(c, "/login"))
    c.page("/register", w["signup"], _login_form(c, "/register"))
    size = c.p.get("page_size") or len(rows)
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    paths = [svc[0]] + [f"{svc[0]}?page_no={k}" for k in range(2, len(chunks) + 1)]
    offers = []
    for n, chunk in enumerate(chunks):
        cells, offs = _plain_rows(c, chunk, paths[n])
        offers += offs
        nxt = (
            f'<ul class="pagination"><li><a href="{paths[n + 1]}">{escape(w["next"])}</a></li></ul>'
            if n + 1 < len(paths)
            else ""
        )
        c.page(paths[n], svc[1], f"<h1>{escape(svc[1])}</h1>" + _table(w["headers"], cells) + nxt)
    return offers


def _quirks(c: Ctx, rows: list[Row]) -> list[dict]:
    """Per-100 prices, sale vs list price, min-max range cell, logo-only payments, credits."""
    vendor = c.p["vendor"]
    vhandle = vendor.split(".")[0].replace("-", "_") + "_dev"
    c.nav = [
        ("/", "Home"),
        ("/services", "Services"),
        ("/addfunds", '<i class="ti-credit-card"></i> Add funds'),
        ("/contact", "Contact"),
    ]
    logos = (
        '<svg class="pay-logo" role="img" viewBox="0 0 40 20"><title>Skrill</title>'
        '<rect width="40" height="20"/></svg>'
        '<span class="pay-logo logo-payoneer" role="img" aria-label="Payoneer"></span>'
        '<img src="/img/pay/btc.svg" alt="Bitcoin" class="pay-logo">'
    )
    for m in ("skrill", "payoneer", "bitcoin"):
        c.pay.pay(m, None)
    c.footer = (
        f'<div class="we-accept">{logos}</div>{_footer_contacts(c)}<p class="credits">Script by'
        f' <a href="http://{vendor}/">PanelForge</a> &middot; Designed by'
        f' <a href="https://t.me/{vhandle}">PanelForge Studio</a> &middot; sales@{vendor}</p>'
    )
    c.noise += [f"sales@{vendor}", vhandle, f"http://{vendor}/"]
    pm = "U" + "".join(c.rng.choice("0123456789") for _ in range(8))
    c.pay.pay("perfect_money", pm)
    c.pay.html += f"<h3>Perfect Money</h3><p>Send to account {pm} and open a ticket.</p>"
    c.page("/", "Home", f"<h1>{escape(c.brand)}</h1><p>{c.w['intro']}</p>")
    c.page("/addfunds", "Add funds", c.pay.html)
    c.page("/contact", "Contact", c.con.html)
    body, offers = [], []
    for i, r in enumerate(rows):
        v, text = _value(r, c.loc, 0.1)
        price = f"${text}"
        if i % 3 == 0:
            _, old = _usd_text(round(v * 1.25, 6))
            price = f'<del class="old-price">${old}</del> <span class="sale-price">${text}</span>'
        rng_cell = f"{r.min:,} - {r.max:,}"
        body.append([r.sid, escape(r.name), price, rng_cell, escape(r.desc)])
        offers.append(_offer(c, r, v, "/services", per=100, cat=False))
    heads = ["ID", "Service", "Price per 100", "Min - Max", "Details"]
    c.page("/services", "Services", "<h1>Services</h1>" + _table(heads, body))
    return offers


def _cards(c: Ctx, rows: list[Row]) -> list[dict]:
    """Service cards: a platform badge above the real name, price per K, limits line."""
    c.nav = [
        ("/", "Home"),
        ("/services", "Services"),
        ("/addfunds", "Add funds"),
        ("/contact", "Contact"),
    ]
    c.footer = _footer_contacts(c)
    c.page("/", "Home", f"<h1>{escape(c.brand)}</h1><p>{c.w['intro']}</p>")
    c.page("/addfunds", "Add funds", c.pay.html)
    c.page("/contact", "Contact", c.con.html)
    cards, offers = [], []
    for r in rows:
        v, text = _value(r, c.loc)
        badge = r.site if r.site and r.site != "Empty Value" else "Other"
        cards.append(
            f'<div class="service-card" data-id="{r.sid}"><span class="badge badge-platform">'
            f'{escape(badge)}</span><h4 class="service-title">{escape(r.name)}</h4>'
            f'<div class="service-price">${text}/K</div><div class="service-limits">Min'
            f" {r.min:,} &middot; Max {r.max:,}</div><small>ID {r.sid}</small>"
            '<a class="btn" href="/auth/login">Order</a></div>'
        )
        offers.append(_offer(c, r, v, "/services", cat=False))
    c.page("/services", "Services", '<div class="services-grid">' + "\n".join(cards) + "</div>")
    return offers
