"""Shared pieces of the reach world's storefronts (sandbox/reach/shops.py): package sizes,
number formats and the `Shop` site builder with its truth."""

from __future__ import annotations

import hashlib
import random
from html import escape

from sandbox import leads, money
from sandbox.favicon import png
from sandbox.site import Site, mmh3_favicon

JSON = "application/json; charset=utf-8"
JS = "application/javascript; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
CRYPTO_IDS = {"bitcoin_address", "ethereum_address", "tron_address"}

# platform, product, title, unit noun, median USD per 1000 (field guide, mid-2020)
PRODUCTS = [
    ("instagram", "followers", "Instagram Followers", "Followers", 5.0),
    ("instagram", "likes", "Instagram Likes", "Likes", 1.61),
    ("tiktok", "followers", "TikTok Followers", "Followers", 5.97),
    ("youtube", "views", "YouTube Views", "Views", 2.19),
    ("youtube", "subscribers", "YouTube Subscribers", "Subscribers", 19.0),
    ("twitter", "followers", "Twitter Followers", "Followers", 6.5),
]
QTY = [100, 250, 500, 1000, 2500, 5000, 10000, 25000]
TURKISH = {"Followers": "Takipçi", "Likes": "Beğeni", "Views": "İzlenme", "Subscribers": "Abone"}


def shop_id(*parts: object, digits: int = 11) -> int:
    h = int.from_bytes(hashlib.sha1("|".join(map(str, parts)).encode()).digest()[:8], "big")
    return 10 ** (digits - 1) + h % (9 * 10 ** (digits - 1))


def qty_k(q: int) -> str:
    """1000 -> '1K', 2500 -> '2.5K', 500 -> '500'."""
    if q < 1000:
        return str(q)
    k = q / 1000
    return f"{k:g}K"


def qty_dots(q: int) -> str:
    """5000 -> '5.000' (dot as thousands separator)."""
    return f"{q:,}".replace(",", ".")


def fmt(value: float, comma: bool, dec: int = 2) -> str:
    s = f"{value:,.{dec}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".") if comma else s


class Shop:
    def __init__(self, seed: int, epoch: int, host: str, cur: str, region: str, n: int) -> None:
        self.host, self.cur = host, cur
        self.domain = host.removeprefix("www.")
        self.brand = self.domain.split(".")[0].capitalize()
        self.site = Site(host, self.domain)
        self.url = f"http://{host}"
        rng = random.Random(f"{seed}|reach-shop|{host}")
        icon = png(f"{seed}|{host}")
        self.site.page("/favicon.ico", icon, "image/png")
        self.lv = leads.make_leads(rng, self.domain, self.brand, region, None, mmh3_favicon(icon))
        self.faq = leads.prose_noise(self.lv, rng)
        self.form = leads.form_noise(self.lv)
        # products with their package sizes; prices drift a little in the late epoch
        self.products = []
        for plat, prod, title, unit, med in rng.sample(PRODUCTS, n):
            qs = sorted(rng.sample(QTY, rng.randint(4, 5)))
            mult = rng.uniform(2.5, 4.0)
            drift = random.Random(f"{seed}|{host}|{title}|late").uniform(0.9, 1.2)
            packs = []
            for q in qs:
                v = max(0.99, med * q / 1000 * mult) * money.RATES[cur] * (drift if epoch else 1)
                price = float(round(v)) if cur == "INR" else round(int(v) + 0.99, 2)
                packs.append((q, price, rng.random() < 0.5))  # (qty, price, on sale)
            self.products.append((plat, prod, title, unit, packs))
        self.offers: list[dict] = []

    def offer(self, sid, name, category, plat, prod, price, per, url) -> None:
        self.offers.append(
            {
                "service_id": None if sid is None else str(sid),
                "name": name,
                "category": category,
                "platform": plat,
                "product": prod,
                "price": price,
                "currency": self.cur,
                "per": per,
                "min": None,
                "max": None,
                "url": url,
            }
        )

    def finish(self, theme: str, payments: list[dict] | None = None) -> Site:
        lv = self.lv
        ids = lv.identifiers
        if payments is not None:  # the shop shows its own payments, not the generic block
            ids = [i for i in ids if i["kind"] not in CRYPTO_IDS]
        self.site.truth = {
            "domain": self.domain,
            "url": self.site.url,
            "status": "active",
            "kind": "storefront",
            "software": None,
            "theme": theme,
            "js_rendered": False,
            "currencies": [self.cur],
            "cluster": None,
            "offers": self.offers,
            "payments": lv.payments if payments is None else payments,
            "contacts": lv.contacts,
            "identifiers": ids,
            "noise": sorted(set(lv.noise)),
            "source": None,
        }
        return self.site

    def doc(
        self,
        title: str,
        body: str,
        *,
        head: str = "",
        nav: str = "",
        foot: str = "",
        lang: str = "en",
        body_class: str = "",
    ) -> str:
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f"<title>{escape(title)} – {escape(self.brand)}</title>\n"
            f'<link rel="icon" href="/favicon.ico">\n{self.lv.head}\n{head}\n</head>\n'
            f'<body class="{body_class}">\n<header class="site-header"><a href="/" class="logo">'
            f"{escape(self.brand)}</a>{nav}</header>\n<main>\n{body}\n</main>\n"
            f'<footer class="site-footer">{self.lv.footer}\n{foot}\n<p>© 2020 '
            f"{escape(self.brand)}</p></footer>\n</body>\n</html>\n"
        )


def nav_bar(items: list[tuple[str, str]]) -> str:
    return (
        '<nav class="menu">'
        + "".join(f'<a href="{h}">{escape(t)}</a>' for h, t in items)
        + "</nav>"
    )


# --------------------------------------------------------------------------- Shopify-like
