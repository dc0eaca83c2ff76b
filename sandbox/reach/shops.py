"""Reach-world storefronts on shop software: fixed packages ("1K Followers") with public JSON.

Three families, written after how Shopify themes, WooCommerce (product loop, variable products,
Store API) and one-page landing shops present packages (no theme file copied):

- `shopify`: collection grid, product pages with a variant `<select>` ("1K Followers - €4,99
  EUR"), `/products.json` (variants, prices as strings "4.99"), `/products/<handle>.js` (cents),
  sitemap index; EUR; payment logos only as SVG `<title>` in the footer.
- `woocommerce`: WordPress markup, simple and variable products, `data-product_variations` on
  product pages, Store API `/wp-json/wc/store/v1/products` (minor units, currency_minor_unit)
  and `/wp-json/wc/store/v1/products/<variation id>`; INR, UPI checkout.
- `landing`: a Turkish one-page shop, quantities "10K" and dot-thousands "5.000", struck-through
  list prices `<del>₺99,90</del> ₺49,90`; bank transfer with an IBAN, local phone number.

Package truth: price = package price, per = package size, min/max null, kind storefront.
"""

from __future__ import annotations

import hashlib
import json
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


def _id(*parts: object, digits: int = 11) -> int:
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


def _fmt(value: float, comma: bool, dec: int = 2) -> str:
    s = f"{value:,.{dec}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".") if comma else s


class _Shop:
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


def _nav(items: list[tuple[str, str]]) -> str:
    return (
        '<nav class="menu">'
        + "".join(f'<a href="{h}">{escape(t)}</a>' for h, t in items)
        + "</nav>"
    )


# --------------------------------------------------------------------------- Shopify-like


def shopify(seed: int, epoch: int) -> Site:
    sh = _Shop(seed, epoch, "www.boostboutique.eu", "EUR", "global", 4)
    site, cur = sh.site, sh.cur

    def eur(v: float) -> str:
        return f"€{_fmt(v, True)}"

    nav = _nav(
        [
            ("/", "Home"),
            ("/collections/all", "Shop"),
            ("/pages/faq", "FAQ"),
            ("/pages/contact", "Contact"),
        ]
    )
    shop_js = {"active": cur, "rate": "1.0"}
    head = (
        '<link rel="preconnect" href="https://cdn.shopify.com" crossorigin>\n'
        "<script>var Shopify = Shopify || {};Shopify.shop = "
        f'"{sh.brand.lower()}-eu.myshopify.com";Shopify.locale = "en";Shopify.currency = '
        f'{json.dumps(shop_js)};Shopify.country = "DE";Shopify.theme = {{"name":"Dawn","id":'
        f'{_id(seed, "theme")},"role":"main"}};</script>'
    )
    icons = [
        ("card", "Visa"),
        ("card", "Mastercard"),
        ("paypal", "PayPal"),
        ("google_pay", "Google Pay"),
    ]
    foot = (
        '<ul class="list-payment">'
        + "".join(
            '<li class="list-payment__item"><svg class="icon icon--full-color" '
            f'viewBox="0 0 38 24" '
            f'role="img" aria-labelledby="pi-{i}"><title id="pi-{i}">{t}</title>'
            '<rect width="38" height="24" rx="3"/></svg></li>'
            for i, (_, t) in enumerate(icons)
        )
        + "</ul>"
    )
    payments = [{"method": m, "account": None} for m in dict.fromkeys(m for m, _ in icons)]
    sh.lv.payments = payments
    products_json, cards = [], []
    for plat, prod, title, unit, packs in sh.products:
        handle = title.lower().replace(" ", "-")
        pid = _id(seed, sh.host, title, digits=13)
        purl = f"{sh.url}/products/{handle}"
        variants, options, js_variants = [], [], []
        for pos, (q, price, sale) in enumerate(packs, start=1):
            vid = _id(seed, sh.host, title, q, digits=14)
            vt = f"{qty_k(q)} {unit}"
            compare = round(price * 2, 2) if sale else None
            variants.append(
                {
                    "id": vid,
                    "title": vt,
                    "option1": vt,
                    "option2": None,
                    "option3": None,
                    "sku": f"{handle[:3].upper()}-{q}",
                    "requires_shipping": False,
                    "taxable": True,
                    "available": True,
                    "price": f"{price:.2f}",
                    "compare_at_price": None if compare is None else f"{compare:.2f}",
                    "grams": 0,
                    "position": pos,
                    "product_id": pid,
                }
            )
            js_variants.append(
                {
                    "id": vid,
                    "title": vt,
                    "option1": vt,
                    "name": f"{title} - {vt}",
                    "public_title": vt,
                    "options": [vt],
                    "available": True,
                    "price": round(price * 100),
                    "compare_at_price": None if compare is None else round(compare * 100),
                }
            )
            sel = " selected" if pos == 1 else ""
            options.append(f'<option value="{vid}"{sel}>{escape(vt)} - {eur(price)} {cur}</option>')
            sh.offer(vid, f"{title} - {vt}", title, plat, prod, price, q, purl)
        opts = [{"name": "Quantity", "position": 1, "values": [v["title"] for v in variants]}]
        product = {
            "id": pid,
            "title": title,
            "handle": handle,
            "body_html": f"<p>Real-looking {escape(unit.lower())}, delivered in 24 hours.</p>",
            "published_at": "2020-03-01T10:00:00+01:00",
            "vendor": sh.brand,
            "product_type": plat.capitalize(),
            "tags": [plat, prod],
            "variants": variants,
            "images": [],
            "options": opts,
        }
        products_json.append(product)
        prices = [p for _, p, _ in packs]
        site.page(
            f"/products/{handle}.js",
            json.dumps(
                {
                    "id": pid,
                    "title": title,
                    "handle": handle,
                    "vendor": sh.brand,
                    "type": product["product_type"],
                    "tags": product["tags"],
                    "price": round(min(prices) * 100),
                    "price_min": round(min(prices) * 100),
                    "price_max": round(max(prices) * 100),
                    "available": True,
                    "variants": js_variants,
                    "options": opts,
                },
                ensure_ascii=False,
            ),
            JSON,
        )
        q0, p0, s0 = packs[0]
        was = (
            f'<s class="price-item price-item--regular">{eur(round(p0 * 2, 2))}</s> ' if s0 else ""
        )
        body = (
            f'<div class="product"><h1 class="product__title">{escape(title)}</h1>'
            f'<div class="price">{was}<span class="price-item price-item--sale">{eur(p0)} {cur}'
            f'</span></div><form method="post" action="/cart/add" class="product-form">'
            f'<label for="product-select">Quantity</label><select name="id" id="product-select" '
            f'class="product-form__variants">{"".join(options)}</select>'
            '<button type="submit" name="add" class="button">Add to cart</button></form>'
            f"{product['body_html']}</div>"
        )
        site.page(
            f"/products/{handle}",
            sh.doc(
                title,
                body,
                head=head + f'\n<meta property="og:price:currency" content="{cur}">',
                nav=nav,
                foot=foot,
                body_class="template-product",
            ),
        )
        cards.append(
            f'<li class="grid__item"><div class="card product-card"><a href="/products/{handle}" '
            f'class="card__heading full-unstyled-link">{escape(title)}</a><div class="price">'
            f'<span class="price-item price-item--regular">From {eur(min(prices))} {cur}</span>'
            "</div></div></li>"
        )
    grid = f'<ul id="product-grid" class="grid product-grid">{"".join(cards)}</ul>'
    site.page("/products.json", json.dumps({"products": products_json}, ensure_ascii=False), JSON)
    site.page(
        "/",
        sh.doc(
            "Buy followers",
            f"<h1>{escape(sh.brand)}</h1><h2>Best sellers</h2>" + grid,
            head=head,
            nav=nav,
            foot=foot,
            body_class="template-index",
        ),
    )
    site.page(
        "/collections/all",
        sh.doc(
            "All products",
            "<h1>Products</h1>" + grid,
            head=head,
            nav=nav,
            foot=foot,
            body_class="template-collection",
        ),
    )
    site.page("/pages/faq", sh.doc("FAQ", "<h1>FAQ</h1>" + sh.faq, head=head, nav=nav, foot=foot))
    site.page(
        "/pages/contact",
        sh.doc(
            "Contact", "<h1>Contact</h1>" + sh.lv.contact + sh.form, head=head, nav=nav, foot=foot
        ),
    )
    prods = "".join(f"<url><loc>{sh.url}/products/{p['handle']}</loc></url>" for p in products_json)
    sitemap = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{prods}</urlset>'
    site.page("/sitemap_products_1.xml?from=1&to=9999999999999", sitemap, XML)
    site.page(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
        '"http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>'
        f"{sh.url}/sitemap_products_1.xml?from=1&amp;to=9999999999999</loc></sitemap>"
        "</sitemapindex>",
        XML,
    )
    site.page(
        "/robots.txt",
        f"User-agent: *\nDisallow: /cart\nDisallow: /checkout\nSitemap: {sh.url}/sitemap.xml\n",
        TEXT,
    )
    return sh.finish("shopify", payments)


# --------------------------------------------------------------------------- WooCommerce


def _woo_amount(v: float) -> str:
    return (
        '<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-'
        f'currencySymbol">&#8377;</span>{_fmt(v, False)}</bdi></span>'
    )


def _woo_price(price: float, sale: bool) -> str:
    if not sale:
        return _woo_amount(price)
    return f'<del aria-hidden="true">{_woo_amount(price * 2)}</del> <ins>{_woo_amount(price)}</ins>'


def _store_prices(price: float, sale: bool, rng: tuple[float, float] | None = None) -> dict:
    def minor(v: float) -> str:
        return str(round(v * 100))

    return {
        "price": minor(price),
        "regular_price": minor(price * 2 if sale else price),
        "sale_price": minor(price),
        "price_range": None
        if rng is None
        else {"min_amount": minor(rng[0]), "max_amount": minor(rng[1])},
        "currency_code": "INR",
        "currency_symbol": "₹",
        "currency_minor_unit": 2,
        "currency_decimal_separator": ".",
        "currency_thousand_separator": ",",
        "currency_prefix": "₹",
        "currency_suffix": "",
    }


def woocommerce(seed: int, epoch: int) -> Site:
    sh = _Shop(seed, epoch, "www.likesbazaar.in", "INR", "in", 4)
    site = sh.site
    nav = _nav(
        [
            ("/", "Home"),
            ("/shop/", "Shop"),
            ("/faq/", "FAQ"),
            ("/contact-us/", "Contact"),
            ("/checkout/", "Checkout"),
        ]
    )
    head = (
        '<meta name="generator" content="WordPress 6.2.2">\n'
        '<meta name="generator" content="WooCommerce 7.8.0">\n'
        f'<link rel="https://api.w.org/" href="{sh.url}/wp-json/">\n'
        "<link rel='stylesheet' id='woocommerce-general-css' href='/wp-content/plugins/"
        "woocommerce/assets/css/woocommerce.css?ver=7.8.0' media='all'>"
    )

    def doc(title: str, body: str, cls: str) -> str:
        return sh.doc(
            title,
            f'<div class="woocommerce">{body}</div>',
            head=head,
            nav=nav,
            body_class=f"{cls} woocommerce woocommerce-page",
        )

    loop, store = [], []
    for n, (plat, prod, title, unit, packs) in enumerate(sh.products):
        cat = {
            "id": 15 + n,
            "name": plat.capitalize(),
            "slug": plat,
            "link": f"{sh.url}/product-category/{plat}/",
        }
        if n % 2 == 0:  # simple products, one per package
            for q, price, sale in packs:
                pid = _id(seed, sh.host, title, q, digits=5)
                name = f"{q} {title}"
                slug = name.lower().replace(" ", "-")
                purl = f"{sh.url}/product/{slug}/"
                loop.append((pid, name, purl, _woo_price(price, sale), "simple", plat))
                store.append(
                    {
                        "id": pid,
                        "name": name,
                        "slug": slug,
                        "parent": 0,
                        "type": "simple",
                        "variation": "",
                        "permalink": purl,
                        "on_sale": sale,
                        "prices": _store_prices(price, sale),
                        "categories": [cat],
                        "attributes": [],
                        "variations": [],
                        "is_purchasable": True,
                    }
                )
                sh.offer(pid, name, title, plat, prod, price, q, purl)
                site.page(
                    f"/product/{slug}/",
                    doc(
                        name,
                        (
                            f'<div class="product type-product post-{pid} simple">'
                            '<h1 class="product_title '
                            f'entry-title">{escape(name)}</h1><p class="price">'
                            f"{_woo_price(price, sale)}"
                            '</p><form class="cart" method="post"><button type="submit" '
                            'name="add-to-cart"'
                            f' value="{pid}" class="single_add_to_cart_button button alt">'
                            "Buy now</button>"
                            "</form></div>"
                        ),
                        "single-product",
                    ),
                )
            continue
        pid = _id(seed, sh.host, title, digits=5)
        slug = title.lower().replace(" ", "-")
        purl = f"{sh.url}/product/{slug}/"
        prices = [p for _, p, _ in packs]
        variations, opts, store_vars = [], [], []
        for q, price, sale in packs:
            vid = _id(seed, sh.host, title, q, digits=5)
            val = f"{q}-{unit.lower()}"
            label = f"{q} {unit}"
            variations.append(
                {
                    "attributes": {"attribute_pa_quantity": val},
                    "display_price": price,
                    "display_regular_price": price * 2 if sale else price,
                    "price_html": f'<span class="price">{_woo_price(price, sale)}</span>',
                    "variation_id": vid,
                    "is_in_stock": True,
                    "variation_is_active": True,
                    "sku": "",
                }
            )
            opts.append(f'<option value="{val}" class="attached enabled">{label}</option>')
            store_vars.append({"id": vid, "attributes": [{"name": "Quantity", "value": val}]})
            vname = f"{title} - {label}"
            site.page(
                f"/wp-json/wc/store/v1/products/{vid}",
                json.dumps(
                    {
                        "id": vid,
                        "name": vname,
                        "slug": slug,
                        "parent": pid,
                        "type": "variation",
                        "variation": f"Quantity: {label}",
                        "permalink": purl,
                        "on_sale": sale,
                        "prices": _store_prices(price, sale),
                        "categories": [cat],
                    },
                    ensure_ascii=False,
                ),
                JSON,
            )
            sh.offer(vid, vname, title, plat, prod, price, q, purl)
        rng_html = f"{_woo_amount(min(prices))} &ndash; {_woo_amount(max(prices))}"
        loop.append((pid, title, purl, rng_html, "variable", plat))
        store.append(
            {
                "id": pid,
                "name": title,
                "slug": slug,
                "parent": 0,
                "type": "variable",
                "variation": "",
                "permalink": purl,
                "on_sale": any(s for *_, s in packs),
                "prices": _store_prices(min(prices), False, (min(prices), max(prices))),
                "categories": [cat],
                "attributes": [
                    {
                        "id": 1,
                        "name": "Quantity",
                        "taxonomy": "pa_quantity",
                        "has_variations": True,
                        "terms": [
                            {"id": i, "name": f"{q} {unit}", "slug": f"{q}-{unit.lower()}"}
                            for i, (q, _, _) in enumerate(packs, start=30)
                        ],
                    }
                ],
                "variations": store_vars,
                "is_purchasable": True,
            }
        )
        data = escape(json.dumps(variations, ensure_ascii=False), quote=True)
        site.page(
            f"/product/{slug}/",
            doc(
                title,
                (
                    f'<div class="product type-product post-{pid} variable">'
                    '<h1 class="product_title '
                    f'entry-title">{escape(title)}</h1><p class="price">{rng_html}</p>'
                    f'<form class="variations_form cart" action="{purl}" method="post" enctype='
                    f'"multipart/form-data" data-product_id="{pid}" '
                    f'data-product_variations="{data}">'
                    '<table class="variations"><tbody><tr><th class="label">'
                    '<label for="pa_quantity">'
                    'Quantity</label></th><td class="value"><select id="pa_quantity" '
                    'name="attribute_pa_'
                    'quantity" data-attribute_name="attribute_pa_quantity">'
                    '<option value="">Choose an '
                    f"option</option>{''.join(opts)}</select></td></tr></tbody></table>"
                    '<div class="single_variation_wrap"><button type="submit" '
                    'class="single_add_to_cart_'
                    'button button alt disabled">Add to cart</button></div></form></div>'
                ),
                "single-product",
            ),
        )
    items = "".join(
        f'<li class="product type-product post-{pid} product_cat-{plat} instock {kind}">'
        f'<a href="{purl}" class="woocommerce-LoopProduct-link woocommerce-loop-product__link">'
        f'<h2 class="woocommerce-loop-product__title">{escape(name)}</h2><span class="price">'
        f'{price}</span></a><a href="{purl}" data-product_id="{pid}" class="button product_type_'
        f'{kind}">{"Select options" if kind == "variable" else "Buy now"}</a></li>'
        for pid, name, purl, price, kind, plat in loop
    )
    grid = f'<ul class="products columns-3">{items}</ul>'
    site.page("/wp-json/wc/store/v1/products", json.dumps(store, ensure_ascii=False), JSON)
    site.page(
        "/",
        doc(
            "Buy Instagram followers India",
            "<h1>Buy real followers in India</h1><p>Pay by UPI, Paytm or PhonePe.</p>" + grid,
            "home",
        ),
    )
    site.page("/shop/", doc("Shop", '<h1 class="page-title">Shop</h1>' + grid, "archive"))
    site.page("/faq/", doc("FAQ", "<h1>FAQ</h1>" + sh.faq, "page"))
    site.page(
        "/contact-us/", doc("Contact", "<h1>Contact us</h1>" + sh.lv.contact + sh.form, "page")
    )
    site.page(
        "/checkout/",
        doc(
            "Checkout", "<h1>Checkout</h1>" + sh.lv.payment + sh.lv.checkout, "woocommerce-checkout"
        ),
    )
    return sh.finish("woocommerce")


# --------------------------------------------------------------------------- landing (TR)


def iban_tr(seed: int, host: str) -> str:
    """A Turkish IBAN with valid ISO 13616 check digits (bank code 00010: Ziraat)."""
    r = random.Random(f"{seed}|iban|{host}")
    bban = "00010" + "0" + "".join(r.choice("0123456789") for _ in range(16))
    num = int("".join(str(int(c, 36)) for c in bban + "TR00"))
    return f"TR{98 - num % 97:02d}{bban}"


def landing(seed: int, epoch: int) -> Site:
    sh = _Shop(seed, epoch, "www.takipcimarket.com.tr", "TRY", "global", 3)
    site = sh.site

    def tl(v: float) -> str:
        return f"₺{_fmt(v, True)}"

    nav = _nav(
        [("/", "Ana Sayfa"), ("/sss", "SSS"), ("/odeme", "Ödeme"), ("/iletisim", "İletişim")]
    )
    sections = []
    for n, (plat, prod, title, unit, packs) in enumerate(sh.products):
        word = TURKISH[unit]
        plat_name = title.split(" ")[0]
        cards = []
        for q, price, sale in packs:
            qs = qty_k(q) if n % 2 == 0 else qty_dots(q)
            name = f"{qs} {plat_name} {word}"
            was = f"<del>{tl(round(price * 2, 2))}</del> " if sale else ""
            cards.append(
                f'<div class="plan"><h3 class="plan-title">{escape(name)}</h3><div class="plan-'
                f'price">{was}<strong>{tl(price)}</strong></div><ul><li>Şifre gerekmez</li><li>'
                'Anında başlangıç</li></ul><a class="btn" href="/odeme">Satın Al</a></div>'
            )
            sh.offer(None, name, f"{plat_name} {word}", plat, prod, price, q, f"{sh.url}/")
        sections.append(
            f'<section class="packages"><h2>{escape(plat_name)} {word} Paketleri</h2>'
            f'<div class="pricing-grid">{"".join(cards)}</div></section>'
        )
    iban = iban_tr(seed, sh.host)
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    r = random.Random(f"{seed}|phone|{sh.host}")
    local = "05" + r.choice("345") + "".join(r.choice("0123456789") for _ in range(8))
    sh.lv.contacts = [*sh.lv.contacts, {"kind": "phone", "value": "+90" + local[1:]}]
    payments = [{"method": "bank_transfer", "account": iban}, {"method": "card", "account": None}]
    pay = (
        "<h1>Ödeme Yöntemleri</h1><h2>Havale / EFT</h2><p>Banka: Ziraat Bankası<br>Alıcı: "
        f"{escape(sh.brand)} Dijital Ltd. Şti.<br>IBAN: <code>{spaced}</code></p><p>Açıklama "
        "kısmına sipariş numaranızı yazınız.</p><h2>Kredi Kartı</h2><p>Tüm kartlarla güvenli "
        'ödeme.</p><img src="/img/visa.png" alt="Visa" width="50"><img src="/img/mastercard.png" '
        'alt="Mastercard" width="50">'
    )
    contact = (
        sh.lv.contact
        + f"<p>Telefon: {local[:4]} {local[4:7]} {local[7:9]} {local[9:]}</p>"
        + sh.form
    )

    def doc(title: str, body: str) -> str:
        return sh.doc(title, body, nav=nav, lang="tr")

    site.page(
        "/",
        doc("Takipçi Satın Al", "<h1>Ucuz ve güvenilir takipçi satın al</h1>" + "".join(sections)),
    )
    site.page("/odeme", doc("Ödeme", pay))
    site.page("/iletisim", doc("İletişim", "<h1>İletişim</h1>" + contact))
    site.page("/sss", doc("SSS", "<h1>Sıkça Sorulan Sorular</h1>" + sh.faq))
    return sh.finish("landing_tr", payments)


def sites(seed: int, epoch: int) -> list[Site]:
    """The storefronts of the reach world for epoch 0 (early) or 1 (late)."""
    return [shopify(seed, epoch), woocommerce(seed, epoch), landing(seed, epoch)]
