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

from sandbox.reach.landing_shop import landing
from sandbox.reach.shopify_shop import shopify
from sandbox.reach.woo_shop import woocommerce
from sandbox.site import Site


def sites(seed: int, epoch: int) -> list[Site]:
    """The storefronts of the reach world for epoch 0 (early) or 1 (late)."""
    return [shopify(seed, epoch), woocommerce(seed, epoch), landing(seed, epoch)]
