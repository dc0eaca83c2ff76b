# ruff: noqa: E501  (inline HTML fixtures)
"""Money, quantities and header words as panels and shops in many locales write them.

Every expected value below is read off the hand-written snippet by a person: "Rp 12.500" is
twelve thousand five hundred rupiah, "1.250,00 ₺" is one thousand two hundred fifty lira.
"""

import pytest

from extract.catalogue import extract_offers
from extract.headers import header_field
from extract.numbers import decimal_comma_of, minor_units
from extract.prices import (
    find_currency,
    parse_per,
    parse_price,
    parse_quantity,
    parse_range,
    per_in_text,
)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Rp 12.500", 12500.0, "IDR"),  # IDR has no minor unit in practice
        ("Rp.12.500/K", 12500.0, "IDR"),
        ("IDR 1.250.000", 1250000.0, "IDR"),
        ("25.000 ₫", 25000.0, "VND"),
        ("25.000đ", 25000.0, "VND"),
        ("VNĐ 120.000", 120000.0, "VND"),
        ("1.250,00 ₺", 1250.0, "TRY"),
        ("12,50 TL", 12.5, "TRY"),
        ("R$ 1.234,56", 1234.56, "BRL"),
        ("R$ 4,90", 4.9, "BRL"),
        ("4,99 €", 4.99, "EUR"),
        ("€ 4,99", 4.99, "EUR"),
        ("€12.50", 12.5, "EUR"),
        ("$1,250.00", 1250.0, "USD"),
        ("US$ 3.95", 3.95, "USD"),
        ("£7.49", 7.49, "GBP"),
        ("0,50 €", 0.5, "EUR"),
        ("₹ 1,00,000", 100000.0, "INR"),  # Indian lakh grouping
        ("Rs. 45.50", 45.5, "INR"),
        ("₨ 350", 350.0, "PKR"),
        ("PKR 1,200", 1200.0, "PKR"),
        ("৳ 1,200", 1200.0, "BDT"),
        ("Tk 550", 550.0, "BDT"),
        ("₦2,500", 2500.0, "NGN"),
        ("GH₵ 45.00", 45.0, "GHS"),
        ("₵12.5", 12.5, "GHS"),
        ("GHS 30", 30.0, "GHS"),
        ("1 250,50 ₽", 1250.5, "RUB"),
        ("120 руб.", 120.0, "RUB"),
        ("₩12,500", 12500.0, "KRW"),
    ],
)
def test_prices_in_real_locales(text, amount, currency):
    assert parse_price(text) == (pytest.approx(amount), currency)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was $10.00 Now $8.00", (8.0, "USD")),
        ("statt 9,99 € nur 7,49 €", (7.49, "EUR")),
        ("De R$ 20,00 por R$ 15,00", (15.0, "BRL")),
        ("Harga normal Rp 50.000 Rp 35.000", (35000.0, "IDR")),
        ("Eski fiyat: 100 TL 80 TL", (80.0, "TRY")),
        ("A partir de R$ 15,00", (15.0, "BRL")),  # the only price stays the price
    ],
)
def test_list_price_words_give_way_to_the_sale_price(text, expected):
    assert parse_price(text) == expected


def test_page_numbers_decide_the_separator():
    # dot groups thousands: the page's quantities say so, and "1.250,00" says so
    assert decimal_comma_of(["Rp 12.500", "Rp 850"], ["1.000", "10.000"]) is True
    assert decimal_comma_of(["1.250,00 ₺", "12.500 ₺"]) is True
    assert decimal_comma_of(["0,85 €"]) is True
    assert decimal_comma_of(["$0.85", "$1,250.00"]) is False
    assert decimal_comma_of(["$1.500"], ["1,000"]) is False
    assert decimal_comma_of(["$1.500", "Rs 1,500"]) is None  # nothing settles it
    assert decimal_comma_of([], ["1.5K"]) is None  # a decimal times a multiplier


def test_the_page_convention_settles_ambiguous_prices():
    assert parse_price("1.500 ₺", decimal_comma=True) == (1500.0, "TRY")
    assert parse_price("1.500 $", decimal_comma=False) == (1.5, "USD")
    assert parse_price("1,500 €", decimal_comma=True) == (1.5, "EUR")
    assert parse_price("$1.500") == (1.5, "USD")  # no evidence, two-decimal currency
    assert parse_price("Rp 1.500") == (1500.0, "IDR")  # no evidence, no minor unit
    assert minor_units("IDR") == 0 and minor_units("USD") == 2 and minor_units(None) == 2


def test_ambiguous_rupee_symbol_takes_a_region_hint():
    assert find_currency("Rs 350") == "INR"
    assert find_currency("Rs 350", region="PK") == "PKR"
    assert find_currency("Rs. 350", region="lk") == "LKR"
    assert parse_price("Rs 350", region="PK") == (350.0, "PKR")
    assert find_currency("₨ 350", region="IN") == "INR"
    assert find_currency("Results") is None  # "Rs" only as a word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.000", 1000),
        ("10.000.000", 10_000_000),
        ("5.000 Follower", 5000),
        ("10K Followers", 10_000),
        ("1.5K", 1500),
        ("1,5K", 1500),
        ("10 000", 10_000),
        ("1 lakh", 100_000),
        ("2 lakh views", 200_000),
        ("10 bin takipçi", 10_000),
        ("5 тыс", 5000),
        ("10rb", 10_000),
        ("1,000,000", 1_000_000),
    ],
)
def test_quantities(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500 - 10,000,000", (500, 10_000_000)),
        ("20 / 25000", (20, 25000)),
        ("Min: 100 Max: 5.000", (100, 5000)),
        ("100 ~ 50K", (100, 50_000)),
        ("10 000 – 50 000", (10_000, 50_000)),
        ("1.000 - 1.000.000", (1000, 1_000_000)),
        ("100", (100, None)),
    ],
)
def test_ranges_in_one_cell(text, expected):
    assert parse_range(text) == expected


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("Rp.12.500/K", 1000),
        ("$1.20 per 100", 100),
        ("$0.50 / 1000", 1000),
        ("₺12,50 / 1k", 1000),
        ("120 ₽ за 1000", 1000),
        ("R$ 4,90 por 1000", 1000),
        ("1000 başına 5 TL", 1000),
        ("$0.002 per 1", 1),
        ("$4.99", None),
        ("₹12.50/-", None),
    ],
)
def test_per_units_in_price_cells(text, per):
    assert per_in_text(text) == per


@pytest.mark.parametrize(
    ("header", "per"),
    [
        ("Harga/1K", 1000),
        ("Rate/K", 1000),
        ("Price per K", 1000),
        ("Giá mỗi 1000", 1000),
        ("Precio por 1000", 1000),
        ("Preço por 100", 100),
        ("1000 başına fiyat", 1000),
        ("Цена за 1000", 1000),
        ("Prix pour mille", 1000),
        ("السعر لكل 1000", 1000),
        ("प्रति 1000 मूल्य", 1000),
        ("Price per 1", 1),
        ("Price", 0),
    ],
)
def test_per_units_in_headers(header, per):
    assert parse_per(header, fallback=0) == per


HEADERS = {
    "id": ["Mã", "رقم", "আইডি", "Numéro", "Hizmet ID"],
    "name": [
        "Layanan",
        "Dịch vụ",
        "Hizmet",
        "Serviço",
        "Servicio",
        "Услуга",
        "الخدمة",
        "सेवा",
        "সেবা",
        "سروس",
        "Nom du service",
    ],
    "category": [
        "Kategori",
        "Danh mục",
        "Categoria",
        "Categoría",
        "Категория",
        "الفئة",
        "श्रेणी",
        "বিভাগ",
        "زمرہ",
        "Catégorie",
    ],
    "price": [
        "Harga/1K",
        "Giá / 1000",
        "1000 Adet Fiyatı",
        "Preço por 1000",
        "Precio por 1000",
        "Цена за 1000",
        "السعر لكل 1000",
        "दर प्रति 1000",
        "মূল্য (প্রতি 1000)",
        "قیمت فی 1000",
        "Prix pour 1000",
    ],
    "min": [
        "Min",
        "Tối thiểu",
        "Mínimo",
        "Мин.",
        "الحد الأدنى",
        "न्यूनतम",
        "সর্বনিম্ন",
        "کم از کم",
        "En az",
    ],
    "max": [
        "Maks",
        "Tối đa",
        "Máximo",
        "Макс.",
        "الحد الأقصى",
        "अधिकतम",
        "সর্বোচ্চ",
        "زیادہ سے زیادہ",
        "En fazla",
    ],
    "minmax": [
        "Min / Max",
        "Số lượng",
        "Cantidad",
        "Quantidade",
        "Количество",
        "الكمية",
        "मात्रा",
        "পরিমাণ",
        "Quantité",
    ],
    "description": [
        "Deskripsi",
        "Mô tả",
        "Açıklama",
        "Descrição",
        "Descripción",
        "Описание",
        "الوصف",
        "विवरण",
        "বিবরণ",
        "تفصیل",
    ],
}


@pytest.mark.parametrize(("field", "header"), [(f, h) for f, hs in HEADERS.items() for h in hs])
def test_header_words_in_the_languages_of_the_field(field, header):
    assert header_field(header) == field


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<html><body><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"


def _got(html: str) -> list[tuple]:
    return [
        (o.service_id, o.price, o.currency, o.per, o.min, o.max)
        for o in extract_offers(html, "http://panel.test/services")
    ]


def test_indonesian_panel_dot_thousands_from_quantities():
    html = _table(
        ["ID", "Layanan", "Harga/1K", "Min", "Maks", "Deskripsi"],
        [
            ["1", "Instagram Followers Indonesia", "Rp 12.500", "100", "10.000", "Aktif"],
            ["2", "Instagram Likes Murah", "Rp 850", "50", "1.000.000", "-"],
            ["3", "TikTok Views", "Rp.1.250/K", "1.000", "100.000", ""],
        ],
    )
    assert _got(html) == [
        ("1", 12500.0, "IDR", 1000, 100, 10_000),
        ("2", 850.0, "IDR", 1000, 50, 1_000_000),
        ("3", 1250.0, "IDR", 1000, 1000, 100_000),
    ]


def test_indonesian_prices_without_evidence_use_minor_units():
    html = _table(
        ["Layanan", "Harga per 1000", "Min", "Max"],
        [
            ["Instagram Followers", "Rp 12.500", "100", "5000"],
            ["Instagram Likes", "Rp 2.500", "100", "5000"],
            ["YouTube Views", "Rp 15.000", "500", "50000"],
        ],
    )
    assert [o.price for o in extract_offers(html, "http://p.test/")] == [12500.0, 2500.0, 15000.0]


def test_vietnamese_panel():
    html = _table(
        ["Mã", "Dịch vụ", "Giá / 1000", "Tối thiểu", "Tối đa"],
        [
            ["101", "Tăng Follow Instagram", "25.000đ", "100", "50.000"],
            ["102", "Tăng Like Facebook", "12.000 ₫", "50", "20.000"],
            ["103", "Tăng View TikTok", "1.500 ₫", "1.000", "10.000.000"],
        ],
    )
    assert _got(html) == [
        ("101", 25000.0, "VND", 1000, 100, 50_000),
        ("102", 12000.0, "VND", 1000, 50, 20_000),
        ("103", 1500.0, "VND", 1000, 1000, 10_000_000),
    ]


def test_turkish_panel_decimal_comma():
    html = _table(
        ["ID", "Servis", "1000 Adet Fiyatı", "Min", "Maks", "Açıklama"],
        [
            ["7", "Instagram Türk Takipçi", "1.250,00 ₺", "100", "10.000", ""],
            ["8", "Instagram Beğeni", "12,50 ₺", "50", "5.000", ""],
            ["9", "YouTube İzlenme", "1.500 ₺", "1.000", "1.000.000", ""],
        ],
    )
    assert _got(html) == [
        ("7", 1250.0, "TRY", 1000, 100, 10_000),
        ("8", 12.5, "TRY", 1000, 50, 5000),
        ("9", 1500.0, "TRY", 1000, 1000, 1_000_000),
    ]


def test_brazilian_panel_with_a_range_column():
    html = _table(
        ["ID", "Serviço", "Preço por 1000", "Quantidade"],
        [
            ["11", "Seguidores Instagram Brasileiros", "R$ 1.234,56", "100 - 10.000"],
            ["12", "Curtidas Instagram", "R$ 4,90", "50 / 50.000"],
            ["13", "Visualizações YouTube", "R$ 0,99", "500 ~ 1M"],
        ],
    )
    assert _got(html) == [
        ("11", 1234.56, "BRL", 1000, 100, 10_000),
        ("12", 4.9, "BRL", 1000, 50, 50_000),
        ("13", 0.99, "BRL", 1000, 500, 1_000_000),
    ]


def test_spanish_and_french_euro_panels():
    es = _table(
        ["Servicio", "Precio por 1000", "Mínimo", "Máximo"],
        [
            ["Seguidores de Instagram", "4,99 €", "100", "10.000"],
            ["Me gusta de Facebook", "1.250,00 €", "10", "500"],
            ["Vistas de YouTube", "0,75 €", "1.000", "100.000"],
        ],
    )
    assert [(o.price, o.currency, o.min, o.max) for o in extract_offers(es, "http://p.test/")] == [
        (4.99, "EUR", 100, 10_000),
        (1250.0, "EUR", 10, 500),
        (0.75, "EUR", 1000, 100_000),
    ]
    fr = _table(
        ["Service", "Prix pour 1000", "Minimum", "Maximum"],
        [
            ["Abonnés Instagram", "€ 3,50", "100", "5 000"],
            ["J'aime Facebook", "€ 2,10", "50", "10 000"],
            ["Vues YouTube", "€ 0,90", "500", "1 000 000"],
        ],
    )
    assert [(o.price, o.min, o.max) for o in extract_offers(fr, "http://p.test/")] == [
        (3.5, 100, 5000),
        (2.1, 50, 10_000),
        (0.9, 500, 1_000_000),
    ]


def test_russian_arabic_hindi_bengali_urdu_panels():
    ru = _table(
        ["Услуга", "Цена за 1000", "Мин.", "Макс."],
        [
            ["Подписчики Instagram", "120 ₽", "100", "10 000"],
            ["Лайки Instagram", "1 250,50 ₽", "10", "5 000"],
            ["Просмотры YouTube", "45,90 ₽", "500", "1 000 000"],
        ],
    )
    assert [(o.price, o.currency, o.min, o.max) for o in extract_offers(ru, "http://p.test/")] == [
        (120.0, "RUB", 100, 10_000),
        (1250.5, "RUB", 10, 5000),
        (45.9, "RUB", 500, 1_000_000),
    ]
    ar = _table(
        ["الخدمة", "السعر لكل 1000", "الحد الأدنى", "الحد الأقصى"],
        [
            ["متابعين Instagram", "$0.50", "100", "10000"],
            ["لايكات Instagram", "$1.25", "50", "5000"],
            ["مشاهدات YouTube", "$2.00", "1000", "100000"],
        ],
    )
    assert [
        (o.price, o.currency, o.per, o.min, o.max) for o in extract_offers(ar, "http://p.test/")
    ] == [
        (0.5, "USD", 1000, 100, 10_000),
        (1.25, "USD", 1000, 50, 5000),
        (2.0, "USD", 1000, 1000, 100_000),
    ]
    hi = _table(
        ["सेवा", "दर प्रति 1000", "न्यूनतम", "अधिकतम"],
        [
            ["Instagram Followers", "₹45.50", "100", "1,00,000"],
            ["Instagram Likes", "₹12", "50", "50,000"],
            ["YouTube Views", "₹1,250.00", "1000", "10,00,000"],
        ],
    )
    assert [(o.price, o.currency, o.min, o.max) for o in extract_offers(hi, "http://p.test/")] == [
        (45.5, "INR", 100, 100_000),
        (12.0, "INR", 50, 50_000),
        (1250.0, "INR", 1000, 1_000_000),
    ]
    bn = _table(
        ["সেবা", "মূল্য (প্রতি 100)", "সর্বনিম্ন", "সর্বোচ্চ"],
        [
            ["Facebook Page Likes", "৳ 1,200", "100", "10000"],
            ["Facebook Followers", "৳ 95.50", "100", "50000"],
            ["YouTube Subscribers", "৳ 350", "50", "1000"],
        ],
    )
    assert [(o.price, o.currency, o.per) for o in extract_offers(bn, "http://p.test/")] == [
        (1200.0, "BDT", 100),
        (95.5, "BDT", 100),
        (350.0, "BDT", 100),
    ]
    ur = _table(
        ["سروس", "قیمت فی 1000", "کم از کم", "زیادہ سے زیادہ"],
        [
            ["Instagram Followers", "PKR 350", "100", "10,000"],
            ["TikTok Likes", "PKR 120", "100", "50,000"],
            ["YouTube Views", "PKR 1,200", "500", "1,000,000"],
        ],
    )
    assert [(o.price, o.currency, o.min, o.max) for o in extract_offers(ur, "http://p.test/")] == [
        (350.0, "PKR", 100, 10_000),
        (120.0, "PKR", 100, 50_000),
        (1200.0, "PKR", 500, 1_000_000),
    ]


def test_per_100_in_cells_and_a_struck_list_price():
    html = _table(
        ["ID", "Service", "Price", "Min / Max"],
        [
            ["1", "Instagram Likes", "$1.20 / 100", "500 - 10,000,000"],
            [
                "2",
                "Instagram Followers",
                "<span class='old-price'>$9.00</span> $4.50 / 100",
                "20 / 25000",
            ],
            [
                "3",
                "YouTube Views",
                "<span style='text-decoration: line-through'>$3</span> $2.40 / 100",
                "100 ~ 50K",
            ],
        ],
    )
    assert _got(html) == [
        ("1", 1.2, "USD", 100, 500, 10_000_000),
        ("2", 4.5, "USD", 100, 20, 25_000),
        ("3", 2.4, "USD", 100, 100, 50_000),
    ]


def test_storefront_cards_in_local_currencies_and_quantity_words():
    html = """<html><head><title>Buy Instagram Followers</title></head><body>
    <h1>Instagram Followers</h1><div class="plans">
      <div class="plan"><h3>1000 Followers</h3><div class="price">GH₵ 45.00</div><a>Buy</a></div>
      <div class="plan"><h3>5.000 Followers</h3><div class="price">GH₵ 180.00</div><a>Buy</a></div>
      <div class="plan"><h3>1 lakh Followers</h3><div class="price"><span class="line-through">GH₵ 2,900.00</span> <span>GH₵ 2,499.00</span></div><a>Buy</a></div>
    </div></body></html>"""
    got = [
        (o.per, o.price, o.currency, o.product, o.kind)
        for o in extract_offers(html, "http://s.test/")
    ]
    assert got == [
        (1000, 45.0, "GHS", "followers", "package"),
        (5000, 180.0, "GHS", "followers", "package"),
        (100_000, 2499.0, "GHS", "followers", "package"),
    ]


def test_idr_storefront_page_with_dot_thousands():
    html = """<html><head><title>Jual Followers Instagram</title></head><body>
    <h1>Followers Instagram</h1><div class="paket">
      <div class="card"><h3>1.000 Followers</h3><p class="harga">Rp 25.000</p></div>
      <div class="card"><h3>5.000 Followers</h3><p class="harga">Rp 110.000</p></div>
      <div class="card"><h3>10K Followers</h3><p class="harga">Rp 200.000</p></div>
    </div></body></html>"""
    got = [(o.per, o.price, o.currency) for o in extract_offers(html, "http://s.test/")]
    assert got == [(1000, 25000.0, "IDR"), (5000, 110000.0, "IDR"), (10_000, 200000.0, "IDR")]


def test_platform_badge_is_not_the_service_name():
    html = """<html><body><div class="services">
      <div class="svc"><span class="badge">Instagram</span><h4>Followers [Real] [R30]</h4><p>ID: 31</p><p>Rate per 1000: $0.50</p><p>Min / Max: 100 ~ 50K</p></div>
      <div class="svc"><span class="badge">TikTok</span><h4>Likes [Fast]</h4><p>ID: 32</p><p>Rate per 1000: $1.10</p><p>Min / Max: 10 - 10,000</p></div>
      <div class="svc"><span class="badge">YouTube</span><h4>Views [Non drop]</h4><p>ID: 33</p><p>Rate per 1000: $2.40</p><p>Min / Max: 500 - 1,000,000</p></div>
    </div></body></html>"""
    got = [
        (o.service_id, o.name, o.price, o.min, o.max)
        for o in extract_offers(html, "http://p.test/")
    ]
    assert got == [
        ("31", "Followers [Real] [R30]", 0.5, 100, 50_000),
        ("32", "Likes [Fast]", 1.1, 10, 10_000),
        ("33", "Views [Non drop]", 2.4, 500, 1_000_000),
    ]


def test_usd_panel_keeps_three_decimal_prices():
    html = _table(
        ["ID", "Service", "Rate per 1000", "Min", "Max"],
        [
            ["1", "Instagram Likes", "$1.500", "100", "10,000"],
            ["2", "Instagram Views", "$0.125", "100", "1,000,000"],
            ["3", "Instagram Followers", "$2.250", "50", "5,000"],
        ],
    )
    assert [o.price for o in extract_offers(html, "http://p.test/")] == [1.5, 0.125, 2.25]


def test_package_table_sizes_with_grouping_and_quantity_words():
    html = _table(
        ["Package", "Price"],
        [
            ["1,000 Instagram Followers", "₹199"],
            ["5,000 Instagram Followers", "₹899"],
            ["1 lakh Instagram Followers", "₹14,999"],
        ],
    )
    got = [(o.per, o.price, o.currency, o.kind) for o in extract_offers(html, "http://s.test/")]
    assert got == [
        (1000, 199.0, "INR", "package"),
        (5000, 899.0, "INR", "package"),
        (100_000, 14999.0, "INR", "package"),
    ]


def test_cards_with_unlabelled_price_and_inline_limits():
    html = """<html><body><div class="grid">
      <div class="card"><span class="pill">Instagram</span><h4>Instagram Likes [Real] [5K/Day]</h4><div class="p">$1.70/K</div><div class="l">Min 100 &middot; Max 150,000</div><small>ID 2720</small><a href="/login">Order</a></div>
      <div class="card"><span class="pill">TikTok</span><h4>Traffic from Instagram [12H]</h4><div class="p">$0.82/K</div><div class="l">Min 500 &middot; Max 1,000,000</div><small>ID 2361</small><a href="/login">Order</a></div>
      <div class="card"><span class="pill">YouTube</span><h4>YouTube Views [Non Drop]</h4><div class="p">$2.40 / 1000</div><div class="l">Min 1,000 | Max 10M</div><small>ID 2990</small><a href="/login">Order</a></div>
    </div></body></html>"""
    got = [
        (o.service_id, o.name, o.price, o.per, o.min, o.max)
        for o in extract_offers(html, "http://p.test/services")
    ]
    assert got == [
        ("2720", "Instagram Likes [Real] [5K/Day]", 1.7, 1000, 100, 150_000),
        ("2361", "Traffic from Instagram [12H]", 0.82, 1000, 500, 1_000_000),
        ("2990", "YouTube Views [Non Drop]", 2.4, 1000, 1000, 10_000_000),
    ]
