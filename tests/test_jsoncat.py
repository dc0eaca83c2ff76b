"""Catalogues read from JSON (extract.jsoncat) and shop product JSON (extract.shopjson).

Every document here is hand-written in the shapes real software serves (SMM API v2 `services`,
nested categories, dicts keyed by id, Shopify products.json / .js, WooCommerce Store API).
"""

from __future__ import annotations

import json

from extract.jsoncat import json_candidates, offers_from_json
from extract.model import Offer
from extract.shopjson import shop_offers, woo_variation_ids

URL = "https://panel.example/api/v2"


def brief(offers: list[Offer]) -> list[tuple]:
    return [
        (o.service_id, o.name, o.price, o.currency, o.per, o.min, o.max, o.kind) for o in offers
    ]


def test_smm_api_v2_services_answer():
    data = [
        {
            "service": 1,
            "name": "Instagram Followers [Real] 🔥",
            "type": "Default",
            "category": "Instagram Followers",
            "rate": "0.90",
            "min": "50",
            "max": "10000",
            "refill": True,
            "cancel": True,
        },
        {
            "service": 2,
            "name": "YouTube Views - Retention",
            "type": "Default",
            "category": "YouTube",
            "rate": "2.19",
            "min": "100",
            "max": "1000000",
            "refill": False,
            "cancel": False,
            "dripfeed": True,
        },
    ]
    offers = offers_from_json(data, URL)
    assert brief(offers) == [
        ("1", "Instagram Followers [Real] 🔥", 0.9, "USD", 1000, 50, 10000, "rate"),
        ("2", "YouTube Views - Retention", 2.19, "USD", 1000, 100, 1000000, "rate"),
    ]
    assert [(o.platform, o.product, o.category, o.refill) for o in offers] == [
        ("instagram", "followers", "Instagram Followers", True),
        ("youtube", "views", "YouTube", False),
    ]
    # the page's currency applies when the JSON names none; text input works the same
    assert {o.currency for o in offers_from_json(json.dumps(data), URL, "INR")} == {"INR"}


def test_nested_categories_give_their_name_to_their_services():
    data = {
        "status": "ok",
        "currency": "TRY",
        "categories": [
            {
                "id": 4,
                "name": "TikTok Takipçi",
                "services": [
                    {
                        "id": "41",
                        "title": "TikTok Followers HQ",
                        "price": "59,90",
                        "min": 10,
                        "max": 5000,
                    }
                ],
            },
            {
                "id": 5,
                "name": "Twitter",
                "services": [
                    {"id": "52", "title": "Twitter Likes", "price": "12.5", "min": 20, "max": 20000}
                ],
            },
        ],
    }
    offers = offers_from_json(data, URL)
    assert brief(offers) == [
        ("41", "TikTok Followers HQ", 59.9, "TRY", 1000, 10, 5000, "rate"),
        ("52", "Twitter Likes", 12.5, "TRY", 1000, 20, 20000, "rate"),
    ]
    assert [o.category for o in offers] == ["TikTok Takipçi", "Twitter"]
    assert [(o.platform, o.product) for o in offers] == [
        ("tiktok", "followers"),
        ("twitter", "likes"),
    ]


def test_dict_keyed_by_id_with_local_key_names():
    # Indonesian panel script shape: {"status": true, "data": {...}} with IDR prices per 1000
    data = {
        "status": True,
        "data": {
            "1201": {
                "nama": "Instagram Likes Indonesia",
                "kategori": "Instagram",
                "harga": "12500",
                "min": "100",
                "max": "50000",
                "catatan": "-",
            },
            "1202": {
                "nama": "Instagram Views",
                "kategori": "Instagram",
                "harga": "850.50",
                "min": "500",
                "max": "1000000",
                "catatan": "cepat",
            },
        },
    }
    offers = offers_from_json(data, URL, "IDR")
    assert brief(offers) == [
        ("1201", "Instagram Likes Indonesia", 12500.0, "IDR", 1000, 100, 50000, "rate"),
        ("1202", "Instagram Views", 850.5, "IDR", 1000, 500, 1000000, "rate"),
    ]


def test_minor_units_and_per_100_keys():
    data = {
        "currency": "EUR",
        "currency_minor_unit": 2,
        "items": [{"id": 9, "name": "Spotify Plays", "price": 450, "min": 1000, "max": 100000}],
    }
    assert brief(offers_from_json(data, URL)) == [
        ("9", "Spotify Plays", 4.5, "EUR", 1000, 1000, 100000, "rate")
    ]
    per100 = [
        {
            "id": 3,
            "name": "Facebook Page Likes",
            "price_per_100": "0.46",
            "min_qty": 100,
            "max_qty": 5000,
            "currency": "GBP",
        },
    ]
    assert brief(offers_from_json(per100, URL)) == [
        ("3", "Facebook Page Likes", 0.46, "GBP", 100, 100, 5000, "rate")
    ]


def test_packages_from_quantity_key_or_name():
    data = {
        "packages": [
            {"title": "Instagram Likes", "quantity": 500, "price": "2.99"},
            {"title": "Instagram Likes", "quantity": 2500, "price": "9.99"},
        ]
    }
    assert brief(offers_from_json(data, URL, "USD")) == [
        (None, "Instagram Likes", 2.99, "USD", 500, None, None, "package"),
        (None, "Instagram Likes", 9.99, "USD", 2500, None, None, "package"),
    ]
    named = [
        {"name": "1000 Instagram Followers", "price": "₹199"},
        {"name": "10K Instagram Followers", "price": "₹1,499"},
    ]
    assert brief(offers_from_json(named, URL)) == [
        (None, "1000 Instagram Followers", 199.0, "INR", 1000, None, None, "package"),
        (None, "10K Instagram Followers", 1499.0, "INR", 10000, None, None, "package"),
    ]


def test_unknown_key_names_fall_back_on_value_types():
    data = {
        "a": [
            {"k": 11, "t": "Instagram Followers - Real Accounts", "v": "1.25", "img": "/i/1.png"},
            {"k": 12, "t": "TikTok Views - Instant", "v": "0.05", "img": "/i/2.png"},
        ]
    }
    offers = offers_from_json(data, URL, "USD")
    assert [(o.name, o.price, o.per, o.platform, o.product) for o in offers] == [
        ("Instagram Followers - Real Accounts", 1.25, 1000, "instagram", "followers"),
        ("TikTok Views - Instant", 0.05, 1000, "tiktok", "views"),
    ]


def test_json_that_is_not_a_catalogue_gives_nothing():
    config = {
        "apiUrl": "/api/v2",
        "locale": "en",
        "theme": {"primary": "#ff0066"},
        "features": [{"name": "dark mode", "value": 1.5}, {"name": "tickets", "value": 0}],
    }
    translations = {
        "en": {"services": "Services", "price": "Price per 1000"},
        "tr": {"services": "Hizmetler", "price": "1000 adet fiyatı"},
    }
    analytics = {
        "events": [
            {"event": "page_view", "name": "Home page", "value": 0.25},
            {"event": "click", "name": "Sign up button", "value": 1.75},
        ]
    }
    tshirts = [
        {"id": 1, "name": "Cotton T-shirt", "price": "19.99"},
        {"id": 2, "name": "Linen Shirt", "price": "39.50"},
    ]
    for doc in (config, translations, analytics, tshirts, [], {}, "not json", 42, None):
        assert offers_from_json(doc, URL) == [], doc


def test_json_candidates_in_a_page():
    page = """<html><head>
    <script src="/app.js"></script>
    <script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"services":
      [{"id":3,"name":"Twitter Followers","rate":6.5,"min":100,"max":20000}]}}}</script>
    <script type="application/ld+json">{"@type":"Organization"}</script>
    <script>
      window.__INITIAL_STATE__ = {"catalog": {"items": []}};
      var services = [{"id": 1, "name": "Telegram Members", "rate": "3.10", "min": 10, "max": 900}];
      var config = {broken: 'not json'};
      var state = JSON.parse("{\\"x\\": [1, 2]}");
    </script></head><body></body></html>"""
    found = json_candidates(page)
    assert found == [
        {
            "props": {
                "pageProps": {
                    "services": [
                        {
                            "id": 3,
                            "name": "Twitter Followers",
                            "rate": 6.5,
                            "min": 100,
                            "max": 20000,
                        }
                    ]
                }
            }
        },
        {"catalog": {"items": []}},
        [{"id": 1, "name": "Telegram Members", "rate": "3.10", "min": 10, "max": 900}],
        {"x": [1, 2]},
    ]
    offers = [o for doc in found for o in offers_from_json(doc, URL, "USD")]
    assert [(o.name, o.price, o.min, o.max) for o in offers] == [
        ("Twitter Followers", 6.5, 100, 20000),
        ("Telegram Members", 3.1, 10, 900),
    ]
    assert json_candidates("") == []
    assert json_candidates("<script>var x = 1;</script>") == []


# -- shop product JSON ---------------------------------------------------------------------

SHOPIFY_PRODUCTS = {
    "products": [
        {
            "id": 801,
            "title": "Instagram Followers",
            "handle": "instagram-followers",
            "product_type": "Social",
            "tags": ["instagram"],
            "options": [
                {"name": "Quantity", "position": 1, "values": ["1000 Followers", "10K Followers"]}
            ],
            "variants": [
                {
                    "id": 9001,
                    "title": "1000 Followers",
                    "option1": "1000 Followers",
                    "option2": None,
                    "price": "4.99",
                    "compare_at_price": "9.99",
                },
                {
                    "id": 9002,
                    "title": "10K Followers",
                    "option1": "10K Followers",
                    "option2": None,
                    "price": "39.00",
                    "compare_at_price": None,
                },
            ],
        },
        {
            "id": 802,
            "title": "500 TikTok Likes",
            "handle": "tiktok-likes",
            "product_type": "",
            "options": [{"name": "Title", "values": ["Default Title"]}],
            "variants": [
                {"id": 9101, "title": "Default Title", "option1": "Default Title", "price": "2.50"}
            ],
        },
    ]
}


def test_shopify_products_json():
    offers = offers_from_json(SHOPIFY_PRODUCTS, "https://shop.example/products.json", "EUR")
    assert brief(offers) == [
        ("9001", "1000 Instagram Followers", 4.99, "EUR", 1000, None, None, "package"),
        ("9002", "10K Instagram Followers", 39.0, "EUR", 10000, None, None, "package"),
        ("9101", "500 TikTok Likes", 2.5, "EUR", 500, None, None, "package"),
    ]
    assert [(o.platform, o.product) for o in offers] == [
        ("instagram", "followers"),
        ("instagram", "followers"),
        ("tiktok", "likes"),
    ]


def test_shopify_product_js_prices_in_cents():
    product = {
        "id": 77,
        "title": "YouTube Views",
        "handle": "youtube-views",
        "price": 799,
        "variants": [
            {
                "id": 1,
                "title": "5,000 Views",
                "option1": "5,000 Views",
                "price": 799,
                "compare_at_price": 1599,
            },
            {
                "id": 2,
                "title": "Fast / 25000 Views",
                "option1": "Fast",
                "option2": "25000 Views",
                "price": 2900,
            },
        ],
    }
    offers = shop_offers(product, "USD")
    assert brief(offers) == [
        ("1", "5,000 YouTube Views", 7.99, "USD", 5000, None, None, "package"),
        ("2", "YouTube Views - Fast / 25000 Views", 29.0, "USD", 25000, None, None, "package"),
    ]


def _woo_prices(price: str, regular: str, code: str = "NGN", minor: int = 2) -> dict:
    return {
        "price": price,
        "regular_price": regular,
        "sale_price": price,
        "price_range": None,
        "currency_code": code,
        "currency_symbol": "₦",
        "currency_minor_unit": minor,
        "currency_decimal_separator": ".",
        "currency_thousand_separator": ",",
        "currency_prefix": "₦",
        "currency_suffix": "",
    }


def test_woocommerce_store_api_products():
    data = [
        {
            "id": 10,
            "name": "1000 Instagram Followers",
            "type": "simple",
            "prices": _woo_prices("250000", "300000"),
            "categories": [{"id": 2, "name": "Instagram", "slug": "instagram"}],
            "variations": [],
        },
        {
            "id": 11,
            "name": "Facebook Likes",
            "type": "variable",
            "prices": {
                **_woo_prices("150000", "150000"),
                "price_range": {"min_amount": "150000", "max_amount": "900000"},
            },
            "variations": [{"id": 12, "attributes": [{"name": "Quantity", "value": "500 Likes"}]}],
        },
        {
            "id": 20,
            "name": "Gift card",
            "type": "simple",
            "prices": _woo_prices("500000", "500000"),
        },
    ]
    offers = offers_from_json(data, "https://shop.example/wp-json/wc/store/v1/products")
    # the variable product's prices are per variation: not guessed from its range
    assert brief(offers) == [
        ("10", "1000 Instagram Followers", 2500.0, "NGN", 1000, None, None, "package")
    ]
    assert woo_variation_ids(data) == [12]
    variation = {
        "id": 12,
        "name": "Facebook Likes",
        "type": "variation",
        "variation": "Quantity: 500 Likes",
        "prices": _woo_prices("150000", "180000"),
    }
    assert brief(offers_from_json(variation, URL)) == [
        ("12", "500 Facebook Likes", 1500.0, "NGN", 500, None, None, "package")
    ]
    # variation objects that carry their own prices are read directly
    inline = {
        **data[1],
        "variations": [
            {
                "id": 12,
                "attributes": [{"name": "Quantity", "value": "500 Likes"}],
                "prices": _woo_prices("150000", "150000"),
            },
            {
                "id": 13,
                "attributes": [{"name": "Quantity", "value": "5K Likes"}],
                "prices": _woo_prices("900000", "990000"),
            },
        ],
    }
    assert brief(shop_offers([inline])) == [
        ("12", "500 Facebook Likes", 1500.0, "NGN", 500, None, None, "package"),
        ("13", "5K Facebook Likes", 9000.0, "NGN", 5000, None, None, "package"),
    ]


def test_shop_offers_ignores_other_json():
    assert shop_offers({"products": [{"name": "x"}]}) is None
    assert shop_offers([{"service": 1, "name": "IG", "rate": "1"}]) is None
    assert shop_offers("text") is None
