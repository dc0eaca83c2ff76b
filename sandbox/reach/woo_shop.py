"""Reach-world WooCommerce shop (see sandbox/reach/shops.py)."""

from __future__ import annotations

import json
from html import escape

from sandbox.reach.shopbase import JSON, Shop, fmt, nav_bar, shop_id
from sandbox.site import Site


def _woo_amount(v: float) -> str:
    return (
        '<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-'
        f'currencySymbol">&#8377;</span>{fmt(v, False)}</bdi></span>'
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
    sh = Shop(seed, epoch, "www.likesbazaar.in", "INR", "in", 4)
    site = sh.site
    nav = nav_bar(
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
                pid = shop_id(seed, sh.host, title, q, digits=5)
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
        pid = shop_id(seed, sh.host, title, digits=5)
        slug = title.lower().replace(" ", "-")
        purl = f"{sh.url}/product/{slug}/"
        prices = [p for _, p, _ in packs]
        variations, opts, store_vars = [], [], []
        for q, price, sale in packs:
            vid = shop_id(seed, sh.host, title, q, digits=5)
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
