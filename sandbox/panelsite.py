"""A whole SMM panel site: home, services, API docs, sign-up, funds, FAQ, contact, terms."""

from __future__ import annotations

import random
from dataclasses import replace
from html import escape

from sandbox import faultroutes, leads, panels
from sandbox.catalogues import Row
from sandbox.pages import PANEL_NAV, shell
from sandbox.site import Site

PP_HEAD = (
    '<link rel="stylesheet" href="https://cdn.mypanel.link/css/bootstrap.min.css">\n'
    "<script>window.modules = window.modules || {}; window.modules.siteOrder ="
    ' {"currency":"%s"};</script>\n'
    '<script src="https://cdn.mypanel.link/js/libs/jquery.js"></script>'
)
SP_HEAD = (
    '<link rel="stylesheet" href="/assets/themes/pergo/css/style.css">'
    '<meta name="generator" content="SmartPanel">'
)


def brand_of(host: str) -> str:
    base = host.removeprefix("www.").split(".")[0]
    return "".join(p.capitalize() for p in base.replace("-", " ").split())


def build_panel(
    spec: dict,
    rows: list[Row],
    rng: random.Random,
    shared: dict | None,
    icon_hash: str,
    day: str,
    dataset: str,
) -> Site:
    host = spec["host"]
    domain = host.removeprefix("www.")
    site = Site(host, domain)
    brand = brand_of(host)
    theme, style, region = spec["theme"], spec["style"], spec.get("region", "global")
    lv = leads.make_leads(rng, domain, brand, region, shared, icon_hash)
    base = site.url.rstrip("/")
    cur = panels.money.currency_of(style)
    software = (
        "perfectpanel"
        if theme.startswith("perfectpanel")
        else "smartpanel"
        if theme == "smartpanel"
        else None
    )
    head = (
        lv.head
        + "\n"
        + (
            PP_HEAD % cur
            if software == "perfectpanel"
            else SP_HEAD
            if software == "smartpanel"
            else ""
        )
    )
    nav = PANEL_NAV + ([("/blog", "Blog")] if spec.get("blog") else [])
    footer = lv.footer
    if software == "smartpanel":
        footer += ' <p class="small">Script by SmartPanel &middot; do-not-reply@smartpanel.com</p>'
        lv.noise.append("do-not-reply@smartpanel.com")
    footer += faultroutes.footer_links(spec)
    lang = spec.get("lang", "en")

    def page(title: str, body: str, extra_head: str = "", charset: bool = True) -> str:
        return shell(
            title,
            brand,
            body,
            nav=nav,
            head=head + extra_head,
            footer=footer,
            lang=lang,
            charset=charset,
        )

    # services
    offers, shown = panels.offers(rows, style, base + "/services")
    js = theme == "js_panel"
    if spec.get("wrong_charset"):  # windows-1252 bytes, no charset declared anywhere
        keep = [i for i, r in enumerate(rows) if _cp1252_ok(r.name)]
        rows = [replace(rows[i], desc=_cp1252_only(rows[i].desc)) for i in keep]
        offers, shown = [offers[i] for i in keep], [shown[i] for i in keep]
    if spec.get("pad_prices"):  # prices inside whitespace padding, as some themes print them
        shown = [f"\n{' ' * 40}{s}{' ' * 40}\n" for s in shown]
    pages: list[tuple[str, str]] = []
    if theme == "smartpanel":
        size = spec.get("page_size", 50)
        chunks = [
            (i, rows[i : i + size], shown[i : i + size]) for i in range(0, len(rows), size)
        ] or [(0, [], [])]
        npages = len(chunks)
        for n, (start, rr, ss) in enumerate(chunks, start=1):
            path = "/services" if n == 1 else f"/services?page={n}"
            for o in offers[start : start + len(rr)]:
                o["url"] = base + path
            pager = "".join(
                f'<li><a href="{"/services" if k == 1 else f"/services?page={k}"}">{k}</a></li>'
                for k in range(1, npages + 1)
            )
            nxt = (
                f'<li><a href="/services?page={n + 1}" rel="next">Next &raquo;</a></li>'
                if n < npages
                else ""
            )
            pages.append(
                (path, panels.smartpanel(rr, ss, cur) + f'<ul class="pagination">{pager}{nxt}</ul>')
            )
    elif theme.startswith("perfectpanel"):
        pages.append(
            (
                "/services",
                panels.perfectpanel(rows, shown, spec["headers"], theme.endswith("icons")),
            )
        )
    elif theme == "divrows":
        pages.append(("/services", panels.divrows(rows, shown, spec["headers"])))
    elif js:
        pages.append(("/services", panels.js_shell(cur)))
        site.page("/services.json", panels.services_json(rows, shown), "application/json")
    else:
        opts = {
            "turkish": theme == "turkish",
            "merge_minmax": spec.get("merge_minmax"),
            "extra": spec.get("extra", []),
        }
        pages.append(("/services", panels.oneoff(rows, shown, spec["headers"], opts)))
    for path, body in pages:
        doc = page("Services", f"<h1>Services</h1>\n{body}", charset=not spec.get("wrong_charset"))
        if spec.get("wrong_charset"):
            site.page(path, doc.encode("cp1252"), "text/html")
        else:
            site.page(path, doc)
    # home
    home = (
        f"<h1>{escape(brand)} - Cheapest SMM Panel</h1><p>Instant delivery of Instagram,"
        " YouTube, TikTok and "
        'Facebook services. <a href="/signup">Sign up</a> or <a href="/services">see all'
        " services</a>.</p>"
    )
    if spec.get("blog"):
        home += '<p>Read our <a href="/blog">blog</a>.</p>'
    site.page("/", page("Home", home))
    # API documentation (v2; SmartPanel documents v1 at /api/docs)
    api_path = "/api/docs" if software == "smartpanel" else "/api"
    ver = "v1" if software == "smartpanel" else "v2"
    api = (
        '<h1>API</h1><table class="table"><tr><td>HTTP Method</td><td>POST</td></tr><tr><td>API'
        " URL</td>"
        f"<td>https://{host}/api/{ver}</td></tr><tr><td>Response format</td><td>JSON</td></tr>"
        "</table>"
        "<h4>Service list</h4><table><tr><th>Parameters</th><th>Description</th></tr><tr><td>key"
        "</td><td>Your API key</td></tr>"
        '<tr><td>action</td><td>services</td></tr></table><pre>[{"service":1,"name":"Followers","type":"Default",'
        '"category":"First Category","rate":"0.90","min":"50","max":"10000","refill":true}]</pre>'
        '<h4>Add order</h4><p>action=add, service, link, quantity</p><pre>{"order":23501}</pre>'
        '<h4>Balance</h4><pre>{"balance":"100.84","currency":"USD"}</pre>'
    )
    if spec.get("upstream"):
        up = spec["upstream"]
        api += f"<h4>Our provider</h4><p>Orders are processed through https://{up}/api/v2</p>"
        lv.add("identifiers", kind="upstream_panel", value=up.removeprefix("www."))
    site.page(api_path, page("API", api))
    if api_path != "/api":
        site.page(
            "/api", page("API", f'<p>See the <a href="{api_path}">API documentation</a>.</p>')
        )
    site.page("/signup", page("Sign up", "<h1>Create an account</h1>" + _signup_form(lv)))
    site.page(
        "/terms",
        page(
            "Terms",
            "<h1>Terms of Service</h1><p>By placing an order you agree that we are not "
            "responsible for deleted posts. No refunds after an order starts.</p>",
        ),
    )
    site.page(
        "/faq",
        page(
            "FAQ",
            "<h1>FAQ</h1><h3>Is it safe?</h3><p>Yes. We never ask for your password.</p>"
            "<h3>How do I pay?</h3><p>Add funds in $ or your local currency, then order.</p>",
        ),
    )
    lv.noise.append("Add funds in $ or your local currency")
    site.page(
        "/contact", page("Contact", "<h1>Contact us</h1>" + lv.contact + leads.form_noise(lv))
    )
    site.page(
        "/addfunds", page("Add funds", "<h1>Add funds</h1>" + lv.payment, extra_head=lv.checkout)
    )
    if spec.get("blog"):
        site.page(
            "/blog",
            page(
                "Blog",
                "<h1>Blog</h1>"
                + leads.prose_noise(lv, rng)
                + '<p>See our <a href="/events/2020-07">events calendar</a>.</p>',
            ),
        )
    faultroutes.apply(site, spec, page)
    site.truth = {
        "domain": domain,
        "url": site.url,
        "status": "active",
        "kind": "panel",
        "software": software,
        "theme": theme,
        "js_rendered": js,
        "currencies": [cur],
        "cluster": spec.get("cluster"),
        "offers": offers,
        "payments": lv.payments,
        "contacts": lv.contacts,
        "identifiers": lv.identifiers,
        "noise": sorted(set(lv.noise)),
        "source": {"dataset_panel": dataset, "day": day},
    }
    return site


def _signup_form(lv: leads.Leads) -> str:
    lv.noise.append("your@email.com")
    return (
        '<form method="post" action="/signup"><input name="username" placeholder="Username">'
        '<input type="email" name="email" placeholder="your@email.com"><input type="password"'
        ' name="password">'
        "<button>Sign up</button></form>"
    )


def _cp1252_ok(text: str) -> bool:
    try:
        text.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _cp1252_only(text: str) -> str:
    return text.encode("cp1252", errors="ignore").decode("cp1252")
