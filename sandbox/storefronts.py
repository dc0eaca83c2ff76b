"""Retail storefronts selling fixed packages (cards, WooCommerce, tier lists, a JavaScript cart)."""

from __future__ import annotations

import json
import random
from html import escape

from sandbox import leads, money
from sandbox.pages import shell
from sandbox.site import Site

# (platform, product, title words, median USD per 1000 — field guide, mid-2020)
PRODUCTS = [
    ("instagram", "followers", "Instagram Followers", 5.0),
    ("instagram", "likes", "Instagram Likes", 1.61),
    ("instagram", "views", "Instagram Views", 0.09),
    ("youtube", "views", "YouTube Views", 2.19),
    ("youtube", "subscribers", "YouTube Subscribers", 19.0),
    ("tiktok", "followers", "TikTok Followers", 5.97),
    ("twitter", "followers", "Twitter Followers", 6.5),
    ("facebook", "likes", "Facebook Page Likes", 4.55),
    ("spotify", "plays", "Spotify Plays", 2.18),
]
QTY = [100, 250, 500, 1000, 2500, 5000, 10000]
NAV = [
    ("/", "Home"),
    ("/buy", "Packages"),
    ("/faq", "FAQ"),
    ("/contact", "Contact"),
    ("/checkout", "Checkout"),
]

WOO_PRICE = (
    '<span class="woocommerce-Price-amount amount"><bdi><span'
    ' class="woocommerce-Price-currencySymbol">{sym}'
    "</span>{n}</bdi></span>"
)


def packages(rng: random.Random, cur: str, n_products: int) -> list[dict]:
    """Package truth (name, price, per) for a few products in `cur`."""
    out = []
    for plat, prod, title, med in rng.sample(PRODUCTS, n_products):
        for q in sorted(rng.sample(QTY, 4)):
            usd = max(0.99, med * q / 1000 * rng.uniform(2.5, 4.0))
            v = usd * money.RATES[cur]
            price = float(round(v)) if cur == "INR" else round(int(v) + 0.95, 2)
            out.append(
                {
                    "service_id": None,
                    "name": f"{q:,} {title}".replace(",", ""),
                    "category": title,
                    "platform": plat,
                    "product": prod,
                    "price": price,
                    "currency": cur,
                    "per": q,
                    "min": None,
                    "max": None,
                    "url": None,
                    "_qty": q,
                    "_title": title,
                }
            )
    return out


def _woo(price: float, style: str, sym: str) -> str:
    return WOO_PRICE.format(sym=sym, n=_fmt(price, style).replace(sym, "").strip())


def _fmt(price: float, style: str) -> str:
    cur, tpl, comma = money.STYLES[style]
    n = f"{price:,.0f}" if cur == "INR" and price == int(price) else money.number(price, comma)
    return tpl.format(n=n)


def build_storefront(spec: dict, rng: random.Random, shared: dict | None, icon_hash: str) -> Site:
    host, style, layout = spec["host"], spec["style"], spec["layout"]
    domain = host.removeprefix("www.")
    site = Site(host, domain)
    brand = spec.get("brand") or domain.split(".")[0].capitalize()
    cur = money.currency_of(style)
    lv = leads.make_leads(rng, domain, brand, spec.get("region", "global"), shared, icon_hash)
    pk = packages(rng, cur, spec.get("products", 3))
    url = site.url.rstrip("/") + "/buy"
    head, footer = lv.head, lv.footer
    software = None
    if layout == "woocommerce":
        head += (
            '\n<meta name="generator" content="WordPress 5.4.2">\n<link rel="stylesheet" '
            'href="/wp-content/plugins/woocommerce/assets/css/woocommerce.css">'
        )
        sym = {"INR": "₹", "USD": "$", "EUR": "€"}[cur]
        items = "".join(
            '<li class="product type-product"><a href="/checkout"'
            ' class="woocommerce-LoopProduct-link">'
            f'<h2 class="woocommerce-loop-product__title">{escape(p["name"])}</h2>'
            f'<span class="price">{_woo(p["price"], style, sym)}</span></a>'
            f'<a href="/checkout" class="button add_to_cart_button">Add to cart</a></li>'
            for p in pk
        )
        body = f'<div class="woocommerce"><ul class="products columns-4">{items}</ul></div>'
    elif layout == "tiers":
        parts = []
        for title in dict.fromkeys(p["_title"] for p in pk):
            lis = "".join(
                f'<li><a href="/checkout">{p["_qty"]} for {escape(_fmt(p["price"], style))}</a>'
                "</li>"
                for p in pk
                if p["_title"] == title
            )
            parts.append(f'<section class="tier"><h2>{escape(title)}</h2><ul>{lis}</ul></section>')
        body = "\n".join(parts)
        for p in pk:
            p["name"] = f"{p['_qty']} {p['_title']}"
    elif layout == "js_cart":
        data = [{"q": p["_qty"], "t": p["_title"].split(" ", 1), "p": p["price"]} for p in pk]
        body = (
            '<div id="app"><div class="loading">Loading packages…</div></div>\n<script>var PKG = '
            + json.dumps(data)
            + ";\nvar app=document.getElementById('app');app.innerHTML='';PKG.forEach(function(k){"
            "var d=document.createElement('div');d.className='package-card';var"
            " h=document.createElement('h3');"
            "h.textContent=k.q+' '+k.t[0]+' '+k.t[1];var"
            " s=document.createElement('div');s.className='price';"
            f"s.textContent='{money.STYLES[style][1].split('{')[0]}'+k.p.toFixed(2);d.appendChild(h);d.appendChild(s);"
            "var a=document.createElement('a');a.href='/checkout';a.textContent='Add to"
            " cart';d.appendChild(a);"
            "app.appendChild(d);});</script>"
        )
    else:  # cards
        body = (
            '<div class="packages">'
            + "".join(
                f'<div class="package-card"><h3>{escape(p["name"])}</h3><div'
                f' class="price">{escape(_fmt(p["price"], style))}</div>'
                "<ul><li>Real-looking profiles</li><li>No password needed</li></ul><a"
                ' class="btn" href="/checkout">Buy now</a></div>'
                for p in pk
            )
            + "</div>"
        )
    for p in pk:
        p["url"] = url
        del p["_qty"], p["_title"]

    def page(title: str, b: str, extra: str = "") -> str:
        return shell(title, brand, b, nav=NAV, head=head + extra, footer=footer)

    site.page(
        "/",
        page(
            "Buy followers",
            f"<h1>Grow your profile with {escape(brand)}</h1><p>Trusted by 20,000 "
            f'customers. <a href="/buy">Choose a package</a>.</p>',
        ),
    )
    site.page("/buy", page("Packages", "<h1>Packages</h1>" + body))
    site.page("/faq", page("FAQ", "<h1>FAQ</h1>" + leads.prose_noise(lv, rng)))
    site.page("/contact", page("Contact", "<h1>Contact</h1>" + lv.contact + leads.form_noise(lv)))
    site.page("/checkout", page("Checkout", "<h1>Checkout</h1>" + lv.payment, lv.checkout))
    site.truth = {
        "domain": domain,
        "url": site.url,
        "status": "active",
        "kind": "storefront",
        "software": software,
        "theme": layout,
        "js_rendered": layout == "js_cart",
        "currencies": [cur],
        "cluster": spec.get("cluster"),
        "offers": pk,
        "payments": lv.payments,
        "contacts": lv.contacts,
        "identifiers": lv.identifiers,
        "noise": sorted(set(lv.noise)),
        "source": None,
    }
    return site
