"""Reach-world JavaScript apps: panels whose catalogue exists only after their scripts run.

Four families, written after how public SPA panel front-ends, fetch-fed service tables,
category pickers and Next.js builds serve their pages (none copied):

- `spa_buttons`: one shell for every path; navigation is buttons (`data-route`, `onclick=
  "router.push(..)"`), never `<a href>`; the catalogue is the client route `/rates`, its rows in
  the app bundle.
- `json_fed`: server pages; `/services` fetches `/api/v1/public/services` (nested categories ->
  services, keys `title`, `price_per_k`, `min_qty`, `max_qty`) and renders cards, priced per 1K.
- `category_gated`: `/services` shows a category `<select>`; the table stays empty until an
  option is chosen, which fetches `/api/services?category=<id>`.
- `next_manifest`: Next.js-like; `/pricing` is linked nowhere, only listed in
  `/_next/static/<build>/_buildManifest.js`; its page fetches `/_next/data/<build>/pricing.json`.

Catalogue rows are real: Nevado-Catalán et al., "An Analysis of Fake Social Media Engagement
Services", Computers & Security 124 (2023), public dataset (sandbox.catalogues). Truth comes
from those rows and the generator's choices, never from the HTML written here.
"""

from __future__ import annotations

import hashlib
import random
import re
from html import escape

from sandbox import catalogues, leads, money
from sandbox.favicon import png
from sandbox.pages import shell
from sandbox.panels import offers as truth_offers
from sandbox.reach.appjs import ESC, ROUTER, fetch_json, js_value
from sandbox.site import Site, mmh3_favicon

JSON = "application/json; charset=utf-8"
JS = "application/javascript; charset=utf-8"

# host, family, dataset panel, price style, region
APPS = [
    ("www.clickboostapp.com", "spa_buttons", "SmmFollows", "usd", "global"),
    ("www.instafamehub.in", "json_fed", "FollowerSMM", "inr_symbol", "in"),
    ("www.socialgatepanel.com", "category_gated", "ReySMM", "eur_after", "global"),
    ("www.nextlevelsmm.io", "next_manifest", "Groomista", "usd", "global"),
]

# JS money text with the same digits as the truth value (at least 2 decimals, thousands
# grouped, optional decimal comma): 15.725 -> "15.725", 1234.5 -> "1,234.50" / "1.234,50".
MONEY_JS = (
    "function money(v,pre,suf,comma){var s=String(v);if(s.indexOf('.')<0)s+='.00';"
    "else if(s.split('.')[1].length<2)s+='0';var p=s.split('.');"
    "var i=p[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g,',');"
    "var out=i+'.'+p[1];if(comma){out=out.replace(/,/g,'\\u0000').replace('.',',')"
    ".replace(/\\u0000/g,'.');}return pre+out+suf;}\n"
)


def _hash(*parts: object, n: int = 10) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:n]


def _affix(style: str) -> tuple[str, str, bool]:
    _, tpl, comma = money.STYLES[style]
    pre, suf = tpl.split("{n}")
    return pre, suf, comma


class _App:
    """What every app shares: rows of the day, leads, favicon, truth."""

    def __init__(self, seed: int, epoch: int, spec: tuple) -> None:
        self.host, self.family, self.ds, self.style, region = spec
        self.domain = self.host.removeprefix("www.")
        self.brand = self.domain.split(".")[0].capitalize()
        self.site = Site(self.host, self.domain)
        days = catalogues.days(self.ds)
        self.day = days[min(epoch, len(days) - 1)]
        self.rows = catalogues.subset(self.ds, self.day, seed, 80)
        self.cur = money.currency_of(self.style)
        rng = random.Random(f"{seed}|reach-app|{self.host}")
        icon = png(f"{seed}|{self.host}")
        self.site.page("/favicon.ico", icon, "image/png")
        self.lv = leads.make_leads(rng, self.domain, self.brand, region, None, mmh3_favicon(icon))
        self.faq = leads.prose_noise(self.lv, rng)
        self.form = leads.form_noise(self.lv)
        self.build = _hash(seed, self.host, "build")

    def categories(self) -> list[tuple[int, str, list[tuple[catalogues.Row, dict]]]]:
        """(id, title, [(row, truth offer)]) in title order; ids are 1..N."""
        offers, _ = truth_offers(self.rows, self.style, "")
        groups: dict[str, list] = {}
        for r, o in zip(self.rows, offers, strict=True):
            groups.setdefault(o["category"], []).append((r, o))
        return [(i, t, groups[t]) for i, t in enumerate(sorted(groups), start=1)]

    def finish(self, catalogue_path: str) -> Site:
        url = f"http://{self.host}{catalogue_path}"
        offers, _ = truth_offers(self.rows, self.style, url)
        lv = self.lv
        self.site.truth = {
            "domain": self.domain,
            "url": self.site.url,
            "status": "active",
            "kind": "panel",
            "software": None,
            "theme": self.family,
            "js_rendered": True,
            "currencies": [self.cur],
            "cluster": None,
            "offers": offers,
            "payments": lv.payments,
            "contacts": lv.contacts,
            "identifiers": lv.identifiers,
            "noise": sorted(set(lv.noise)),
            "source": {"dataset_panel": self.ds, "day": self.day},
        }
        return self.site

    def page(self, title: str, body: str, nav: list[tuple[str, str]], head: str = "") -> str:
        return shell(
            title, self.brand, body, nav=nav, head=self.lv.head + head, footer=self.lv.footer
        )


def spa_buttons(app: _App) -> Site:
    """Every path answers the same shell; the bundle renders the view of location.pathname."""
    lv = app.lv
    bundle = f"/static/js/main.{app.build[:8]}.js"
    data = [
        {
            "id": int(r.sid),
            "name": r.name,
            "category": cat,
            "rate": o["price"],
            "min": r.min,
            "max": r.max,
        }
        for _, cat, items in app.categories()
        for r, o in items
    ]
    nav = (
        '<header class="topbar"><span class="logo" data-route="/">'
        f"{escape(app.brand)}</span><nav>"
        '<button type="button" class="nav-btn" data-route="/">Home</button>'
        '<button type="button" class="nav-btn" data-route="/rates">Rates</button>'
        '<button type="button" class="nav-btn" onclick="router.push(\'/wallet\')">Add funds'
        "</button>"
        '<span class="nav-btn" role="link" tabindex="0" onclick="router.push(\'/support\')">'
        "Support</span>"
        '<div class="nav-btn" data-route="/help">FAQ</div></nav></header>'
    )
    views = {
        "/": f"<h1>{escape(app.brand)}: the fastest SMM panel</h1><p>Cheap followers, likes and"
        " views for every network. Press <b>Rates</b> to see every service.</p>"
        '<button type="button" class="cta" data-route="/rates">See our rates</button>',
        "/wallet": "<h1>Add funds</h1>" + lv.payment + lv.checkout,
        "/support": "<h1>Support</h1>" + lv.contact + app.form,
        "/help": "<h1>FAQ</h1>" + app.faq,
    }
    pre, suf, comma = _affix(app.style)
    js = (
        "(function(){\n" + ESC + MONEY_JS + ROUTER + "window.router=router;\n"
        f"var SERVICES={js_value(data)};\nvar VIEWS={js_value(views)};\n"
        f"var NAV={js_value(nav)};\nvar FOOT={js_value('<footer>' + lv.footer + '</footer>')};\n"
        'function rates(){var h=\'<h1>Rates</h1><table class="rates"><thead><tr><th>ID</th>'
        "<th>Service</th><th>Rate per 1000</th><th>Min order</th><th>Max order</th></tr></thead>"
        "<tbody>',last=null;SERVICES.forEach(function(s){if(s.category!==last){last=s.category;"
        "h+='<tr class=\"cat\"><td colspan=\"5\"><strong>'+esc(s.category)+'</strong></td></tr>';}"
        "h+='<tr><td>'+s.id+'</td><td>'+esc(s.name)+'</td><td>'+"
        f"money(s.rate,{js_value(pre)},{js_value(suf)},{str(comma).lower()})"
        "+'</td><td>'+(s.min==null?'':s.min)+'</td><td>'+(s.max==null?'':s.max)+'</td></tr>';});"
        "return h+'</tbody></table>';}\n"
        "function render(){var p=location.pathname;var v=p==='/rates'?rates():VIEWS[p];"
        "if(v===undefined)v='<h1>Not found</h1><p>Nothing here.</p>';"
        "document.getElementById('root').innerHTML=NAV+'<main>'+v+'</main>'+FOOT;"
        "document.title=(p==='/rates'?'Rates':'Home')+' | '+"
        f"{js_value(app.brand)};}}\nrender();\n}})();\n"
    )
    app.site.page(bundle, js, JS)
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(app.brand)}</title>\n"
        f'<link rel="icon" href="/favicon.ico">\n{lv.head}\n'
        f'<script defer src="{bundle}"></script>\n</head>\n<body>\n'
        "<noscript>You need to enable JavaScript to run this app.</noscript>\n"
        '<div id="root"></div>\n</body>\n</html>\n'
    )
    app.site.default = app.site.page("/", html)
    for src in re.findall(r'src="(/assets/[^"]+)"', lv.head):  # the shell would answer them
        app.site.page(src, "/* analytics */", JS)
    return app.finish("/rates")


def json_fed(app: _App) -> Site:
    """Server pages; the services page renders cards from a same-site JSON API."""
    nav = [
        ("/", "Home"),
        ("/services", "Services"),
        ("/add-funds", "Add funds"),
        ("/faq", "FAQ"),
        ("/contact", "Contact"),
    ]
    api = "/api/v1/public/services"
    payload = {
        "ok": True,
        "currency": app.cur,
        "data": {
            "categories": [
                {
                    "id": cid,
                    "title": title,
                    "services": [
                        {
                            "id": int(r.sid),
                            "title": r.name,
                            "price_per_k": o["price"],
                            "min_qty": r.min,
                            "max_qty": r.max,
                            "note": r.desc,
                        }
                        for r, o in items
                    ],
                }
                for cid, title, items in app.categories()
            ]
        },
    }
    app.site.page(api, js_value(payload), JSON)
    pre, suf, comma = _affix(app.style)
    js = (
        "(function(){\n"
        + ESC
        + MONEY_JS
        + "var box=document.getElementById('catalog');\n"
        + fetch_json(
            js_value(api),
            "var h='';d.data.categories.forEach(function(c){h+='<section class=\"svc-cat\"><h3>'"
            "+esc(c.title)+'</h3>';c.services.forEach(function(s){h+='<div class=\"svc-card\">"
            '<span class="svc-id">#\'+s.id+\'</span> <b class="svc-title">\'+esc(s.title)+'
            "'</b> <span class=\"svc-rate\">'+"
            f"money(s.price_per_k,{js_value(pre)},{js_value(suf)},{str(comma).lower()})"
            "+' per 1K</span> <span class=\"svc-limits\">Min '+(s.min_qty==null?'-':s.min_qty)+"
            "' / Max '+(s.max_qty==null?'-':s.max_qty)+'</span></div>';});h+='</section>';});"
            "box.innerHTML=h;",
        )
        + "\n})();\n"
    )
    app.site.page("/assets/js/catalog.js", js, JS)
    app.site.page(
        "/",
        app.page(
            "SMM panel",
            f"<h1>{escape(app.brand)}</h1><p>India's cheapest SMM panel. "
            '<a href="/services">View services</a>.</p>',
            nav,
        ),
    )
    app.site.page(
        "/services",
        app.page(
            "Services",
            '<h1>Services</h1><div id="app-error"></div><div id="catalog" class="catalog">'
            '<p class="loading">Loading services…</p></div>'
            '<script src="/assets/js/catalog.js"></script>',
            nav,
        ),
    )
    _common_pages(app, nav, "/add-funds")
    return app.finish("/services")


def category_gated(app: _App) -> Site:
    """The services table stays empty until a category is chosen in the <select>."""
    nav = [
        ("/", "Home"),
        ("/services", "Services"),
        ("/addfunds", "Add funds"),
        ("/faq", "FAQ"),
        ("/contact", "Contact"),
    ]
    cats = app.categories()
    _, shown = truth_offers(app.rows, app.style, "")
    label = {r.sid: s for r, s in zip(app.rows, shown, strict=True)}
    for cid, title, items in cats:
        body = {
            "category": {"id": cid, "name": title},
            "currency": app.cur,
            "items": [
                {
                    "service_id": r.sid,
                    "service_name": r.name,
                    "rate_1000": str(o["price"]),
                    "price_label": label[r.sid],
                    "min_amount": r.min,
                    "max_amount": r.max,
                }
                for r, o in items
            ],
        }
        app.site.page(f"/api/services?category={cid}", js_value(body), JSON)
    js = (
        "(function(){\n" + ESC + "var sel=document.getElementById('category');"
        "var body=document.getElementById('svc-body');var hint=document.getElementById('hint');\n"
        "sel.addEventListener('change',function(){body.innerHTML='';var v=sel.value;"
        "if(!v){hint.style.display='';return;}hint.style.display='none';"
        + fetch_json(
            "'/api/services?category='+encodeURIComponent(v)",
            "var h='';d.items.forEach(function(s){h+='<tr><td>'+esc(s.service_id)+'</td><td>'"
            "+esc(s.service_name)+'</td><td>'+esc(s.price_label)+'</td><td>'+"
            "(s.min_amount==null?'':s.min_amount)+'</td><td>'+(s.max_amount==null?'':s.max_amount)"
            "+'</td></tr>';});body.innerHTML=h;",
        )
        + "});\n})();\n"
    )
    app.site.page("/assets/js/services.js", js, JS)
    options = "".join(f'<option value="{cid}">{escape(t)}</option>' for cid, t, _ in cats)
    app.site.page(
        "/services",
        app.page(
            "Services",
            '<h1>Services</h1><label for="category">Category</label> <select id="category" '
            f'name="category"><option value="">- Choose a category -</option>{options}</select>'
            '<div id="app-error"></div><table class="table" id="svc-table"><thead><tr><th>ID</th>'
            "<th>Service</th><th>Rate per 1000</th><th>Min order</th><th>Max order</th></tr>"
            '</thead><tbody id="svc-body"></tbody></table><p id="hint">Choose a category to see'
            ' its services.</p><script src="/assets/js/services.js"></script>',
            nav,
        ),
    )
    app.site.page(
        "/",
        app.page(
            "SMM panel",
            f"<h1>{escape(app.brand)}</h1><p>Reseller panel with API. "
            '<a href="/services">Services</a></p>',
            nav,
        ),
    )
    _common_pages(app, nav, "/addfunds")
    return app.finish("/services")


def next_manifest(app: _App) -> Site:
    """Next.js-like: /pricing is listed only in the build manifest; data from /_next/data."""
    b = app.build
    nav = [("/", "Home"), ("/faq", "FAQ"), ("/contact", "Contact"), ("/payment", "Payment")]
    chunk = {
        p: f"static/chunks/pages{p if p != '/' else '/index'}-{_hash(b, p, n=16)}.js"
        for p in ("/", "/faq", "/contact", "/payment", "/pricing", "/_error")
    }
    manifest = {
        "__rewrites": {"beforeFiles": [], "afterFiles": [], "fallback": []},
        **{p: [c] for p, c in chunk.items()},
        "sortedPages": ["/", "/_app", "/_error", "/contact", "/faq", "/payment", "/pricing"],
    }
    app.site.page(
        f"/_next/static/{b}/_buildManifest.js",
        f"self.__BUILD_MANIFEST={js_value(manifest)};"
        "self.__BUILD_MANIFEST_CB&&self.__BUILD_MANIFEST_CB();",
        JS,
    )
    app.site.page(
        f"/_next/static/{b}/_ssgManifest.js",
        'self.__SSG_MANIFEST=new Set(["/pricing"]);'
        "self.__SSG_MANIFEST_CB&&self.__SSG_MANIFEST_CB();",
        JS,
    )
    groups = [
        {
            "name": title,
            "items": [
                {
                    "serviceId": int(r.sid),
                    "serviceName": r.name,
                    "ratePer1k": o["price"],
                    "minOrder": r.min,
                    "maxOrder": r.max,
                }
                for r, o in items
            ],
        }
        for _, title, items in app.categories()
    ]
    data_url = f"/_next/data/{b}/pricing.json"
    app.site.page(
        data_url,
        js_value(
            {"pageProps": {"currency": app.cur, "catalog": {"groups": groups}}, "__N_SSG": True}
        ),
        JSON,
    )
    pre, suf, comma = _affix(app.style)
    js = (
        "(function(){\n"
        + ESC
        + MONEY_JS
        + "var root=document.getElementById('pricing-root');\n"
        + fetch_json(
            js_value(data_url),
            'var h=\'<table class="pricing"><thead><tr><th>ID</th><th>Service</th><th>Price per '
            "1000</th><th>Min</th><th>Max</th></tr></thead><tbody>';"
            'd.pageProps.catalog.groups.forEach(function(g){h+=\'<tr class="group"><th colspan='
            "\"5\">'+esc(g.name)+'</th></tr>';g.items.forEach(function(s){h+='<tr><td>'+"
            "s.serviceId+'</td><td>'+esc(s.serviceName)+'</td><td>'+"
            f"money(s.ratePer1k,{js_value(pre)},{js_value(suf)},{str(comma).lower()})"
            "+'</td><td>'+(s.minOrder==null?'':s.minOrder)+'</td><td>'+(s.maxOrder==null?'':"
            "s.maxOrder)+'</td></tr>';});});root.innerHTML=h+'</tbody></table>';",
        )
        + "\n})();\n"
    )
    app.site.page("/_next/" + chunk["/pricing"], js, JS)

    def next_page(title: str, page: str, inner: str, extra: str = "") -> str:
        data = {"props": {"pageProps": {}}, "page": page, "query": {}, "buildId": b}
        head = (
            f'<script src="/_next/static/{b}/_buildManifest.js" defer></script>'
            f'<script src="/_next/static/{b}/_ssgManifest.js" defer></script>'
        )
        body = (
            f'<div id="__next">{inner}</div><script id="__NEXT_DATA__" type="application/json">'
            f"{js_value(data)}</script>{extra}"
        )
        return app.page(title, body, nav, head)

    app.site.page(
        "/",
        next_page(
            "Home",
            "/",
            f"<h1>{escape(app.brand)}</h1><p>Premium social growth, delivered in minutes.</p>",
        ),
    )
    app.site.page(
        "/pricing",
        next_page(
            "Pricing",
            "/pricing",
            '<h1>Pricing</h1><div id="app-error"></div><div id="pricing-root">'
            "<p>Loading plans…</p></div>",
            f'<script src="/_next/{chunk["/pricing"]}"></script>',
        ),
    )
    app.site.page("/faq", next_page("FAQ", "/faq", "<h1>FAQ</h1>" + app.faq))
    app.site.page(
        "/contact", next_page("Contact", "/contact", "<h1>Contact</h1>" + app.lv.contact + app.form)
    )
    app.site.page(
        "/payment",
        next_page("Payment", "/payment", "<h1>Payment</h1>" + app.lv.payment + app.lv.checkout),
    )
    app.site.default = app.site.page(
        "/404",
        next_page("404", "/_error", "<h1>404</h1><p>This page could not be found.</p>"),
        status=404,
    )
    return app.finish("/pricing")


def _common_pages(app: _App, nav: list[tuple[str, str]], funds: str) -> None:
    lv = app.lv
    app.site.page(
        funds, app.page("Add funds", "<h1>Add funds</h1>" + lv.payment + lv.checkout, nav)
    )
    app.site.page("/faq", app.page("FAQ", "<h1>FAQ</h1>" + app.faq, nav))
    app.site.page("/contact", app.page("Contact", "<h1>Contact</h1>" + lv.contact + app.form, nav))


FAMILIES = {
    "spa_buttons": spa_buttons,
    "json_fed": json_fed,
    "category_gated": category_gated,
    "next_manifest": next_manifest,
}


def sites(seed: int, epoch: int) -> list[Site]:
    """The JavaScript apps of the reach world for epoch 0 (early) or 1 (late)."""
    return [FAMILIES[spec[1]](_App(seed, epoch, spec)) for spec in APPS]
