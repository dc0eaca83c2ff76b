"""Reach-world Shopify-like shop (see sandbox/reach/shops.py)."""

from __future__ import annotations

import json
from html import escape

from sandbox.reach.shopbase import JSON, TEXT, XML, Shop, fmt, nav_bar, qty_k, shop_id
from sandbox.site import Site


def shopify(seed: int, epoch: int) -> Site:
    sh = Shop(seed, epoch, "www.boostboutique.eu", "EUR", "global", 4)
    site, cur = sh.site, sh.cur

    def eur(v: float) -> str:
        return f"€{fmt(v, True)}"

    nav = nav_bar(
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
        f'{shop_id(seed, "theme")},"role":"main"}};</script>'
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
        pid = shop_id(seed, sh.host, title, digits=13)
        purl = f"{sh.url}/products/{handle}"
        variants, options, js_variants = [], [], []
        for pos, (q, price, sale) in enumerate(packs, start=1):
            vid = shop_id(seed, sh.host, title, q, digits=14)
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
