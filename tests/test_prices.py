"""Prices, currencies, quantities and per-N units as real pages write them."""

import pytest

from extract.prices import find_currency, parse_per, parse_price, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  $ 1 364.40 ", (1364.40, "USD")),  # SMMNet: padding and a space as thousands separator
        ("                 $25                 ", (25.0, "USD")),
        ("€50 00", (50.0, "EUR")),  # SMMBooster: a space where the decimal comma was
        ("1.234,56 €", (1234.56, "EUR")),
        ("₹199", (199.0, "INR")),
        ("Rs. 45.5", (45.5, "INR")),
        ("Rs 1,250", (1250.0, "INR")),
        ("0,85 ₺", (0.85, "TRY")),
        ("12,50 TL", (12.5, "TRY")),
        ("R$ 12,90", (12.9, "BRL")),
        ("₦2,500", (2500.0, "NGN")),
        ("120 руб.", (120.0, "RUB")),
        ("99 ₽", (99.0, "RUB")),
        ("$0.0125", (0.0125, "USD")),
        ("12.50 USD", (12.5, "USD")),
        ("INR 1,250.00", (1250.0, "INR")),
        ("1.234.567,89 €", (1234567.89, "EUR")),
        ("PKR 350", (350.0, "PKR")),
    ],
)
def test_parse_price(text, expected):
    amount, currency = parse_price(text)
    assert currency == expected[1]
    assert amount == pytest.approx(expected[0])


@pytest.mark.parametrize("text", ["", "-", "—", "N/A", "n/a", "Free", "Contact us"])
def test_no_price(text):
    assert parse_price(text, "USD") is None


@pytest.mark.parametrize("text", ["$0.00", "0,00 €", "₹ 0"])
def test_zero_is_a_price_of_a_free_service(text):
    amount, _ = parse_price(text, "USD")
    assert amount == 0.0


def test_default_currency_only_when_the_cell_names_none():
    assert parse_price("0.96", "INR") == (0.96, "INR")
    assert parse_price("$0.96", "INR") == (0.96, "USD")
    assert parse_price("0.96") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10k", 10_000),
        ("1.5M", 1_500_000),
        ("10,000", 10_000),
        ("10 000", 10_000),
        ("100398285", 100_398_285),
        ("50", 50),
        ("2K", 2_000),
        ("∞", None),
        ("", None),
    ],
)
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("header", "per", "currency"),
    [
        ("Rate per 1000 ($)", 1000, "USD"),
        ("bar_chart Rate per 1000", 1000, None),
        ("Price ($) Per 1 000", 1000, "USD"),
        ("Rate ($ USD) per 1000", 1000, "USD"),
        ("$ RATE/1000", 1000, "USD"),
        ("Price per 100", 100, None),
        ("Price per 1 unit", 1, None),
        ("Price (INR)", 1000, "INR"),
        ("1K Fiyatı (TL)", 1000, "TRY"),
        ("Цена за 1000, руб", 1000, "RUB"),
        ("Rate per 1000(₹)", 1000, "INR"),
    ],
)
def test_header_per_and_currency(header, per, currency):
    assert parse_per(header) == per
    assert find_currency(header) == currency


def test_currency_code_needs_word_boundaries():
    assert find_currency("TOTAL") is None
    assert find_currency("Drums") is None
    assert find_currency("Fiyat TL") == "TRY"


def test_leading_decimal_point_but_not_after_rs():
    assert parse_price("$.50") == (0.5, "USD")
    assert parse_price("Rs.50") == (50.0, "INR")


def test_the_number_next_to_the_currency_is_the_price():
    assert parse_price("1000 = $0.50") == (0.5, "USD")
    assert parse_price("Per 1000: $0.50") == (0.5, "USD")
    assert parse_price("1000 for 0.50 USD") == (0.5, "USD")
    assert parse_price("$0.50 (₹37.50)") == (0.5, "USD")


def test_column_decimal_style_settles_ambiguous_separators():
    assert parse_price("1,500 ₺") == (1500.0, "TRY")
    assert parse_price("1,500 ₺", decimal_comma=True) == (1.5, "TRY")
    assert parse_price("1.500 ₺", decimal_comma=True) == (1500.0, "TRY")


def test_persian_and_arabic_digits():
    assert parse_price("۱۲٬۵۰۰ تومان") == (12500.0, "IRR")
    assert parse_price("١٢٫٥ $") == (12.5, "USD")
    assert parse_quantity("۱۰٬۰۰۰") == 10_000
