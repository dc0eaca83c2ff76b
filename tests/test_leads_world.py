"""Leads on real-world pages outside English: bank wording, IBANs, wallets and their numbers,
logos only with text, the site's country for local numbers, vendor credit lines.

Every snippet is hand-written in the way panels of that market print it; expected values are
read off the snippet by hand (E.164 forms worked out from the printed national numbers).
"""

from __future__ import annotations

import pytest

from extract.contacts import infer_region, lang_region
from extract.iban import find_ibans, iban_valid
from extract.leads import credit_hints, extract_leads, parse_page

# Textbook IBANs of the ISO 13616 registry (valid mod-97 and length)
IBAN_TR = "TR330006100519786457841326"
IBAN_DE = "DE89370400440532013000"
IBAN_GB = "GB29NWBK60161331926819"
IBAN_FR = "FR1420041010050500013M02606"
IBAN_SA = "SA0380000000608010167519"


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def leads(html: str, url: str):
    pays, contacts, _ = extract_leads(html, url)
    return {(p.method, p.account) for p in pays}, {(c.kind, c.value) for c in contacts}


# --- IBAN -------------------------------------------------------------------------------------
def test_iban_checksum_and_registry_length():
    for iban in (IBAN_TR, IBAN_DE, IBAN_GB, IBAN_FR, IBAN_SA):
        assert iban_valid(iban), iban
    assert not iban_valid(IBAN_TR[:-1] + "7")  # one digit changed: mod-97 fails
    assert not iban_valid(IBAN_DE + "0")  # DE is 22 long
    assert not iban_valid("XX89370400440532013000")  # no such country
    text = f"IBAN: {grouped(IBAN_TR)} Ahmet Yılmaz / {IBAN_DE}, bad: {grouped(IBAN_GB[:-1] + '8')}"
    assert [i for i, _ in find_ibans(text)] == [IBAN_TR, IBAN_DE]


# --- one snippet per language / market --------------------------------------------------------
ID_PAGE = """<html lang="id"><body><h2>Isi Saldo</h2>
<p>Silakan transfer ke salah satu rekening di bawah ini. Minimal deposit Rp 10.000.</p>
<h3>Transfer Bank</h3><table class="table">
<tr><th>Bank BCA</th><td>8465031791 a.n. Budi Santoso</td></tr>
<tr><th>Bank BRI</th><td>0035-01-000217-56-3 a.n. Budi Santoso</td></tr>
<tr><th>Mandiri</th><td>No. Rekening: 138-00-0986338-7</td></tr></table>
<h3>E-Wallet</h3><ul><li><strong>DANA</strong>: 0812-3456-7801 a.n. Budi Santoso</li>
<li><strong>OVO</strong>: 0813 2233 4455</li><li>GoPay: 0857-1122-3344</li></ul>
<p>Saldo masuk otomatis 5-10 menit. Tambah dana minimal Rp 10.000, bayar via QRIS.</p>
</body></html>"""

ID_EXPECTED = {
    ("bank_transfer", "8465031791"),
    ("bank_transfer", "003501000217563"),
    ("bank_transfer", "1380009863387"),
    ("other", "+6281234567801"),
    ("other", "+6281322334455"),
    ("other", "+6285711223344"),
}


def test_indonesian_banks_and_wallets_with_cctld():
    pays, contacts = leads(ID_PAGE, "https://panelku.co.id/deposit")
    assert pays == ID_EXPECTED
    assert contacts == set()  # wallet numbers are payment accounts, not contacts


def test_indonesian_wallet_numbers_use_page_language_without_cctld():
    pays, _ = leads(ID_PAGE, "https://panelku.com/deposit")
    assert pays == ID_EXPECTED


def test_dana_as_the_word_for_funds_is_not_the_wallet():
    html = "<p>Tambah dana ke saldo akun Anda dengan pembayaran via BCA.</p>"
    pays, _ = leads(html, "https://panelku.co.id/")
    assert pays == set()


VI_PAGE = """<html lang="vi"><body><h2>Nạp tiền vào tài khoản</h2>
<p>Chuyển khoản ngân hàng với nội dung <code>NAP smmvn</code>. Nạp tối thiểu 50.000 ₫.</p>
<table class="table"><tr><th>Ngân hàng</th><td>Vietcombank</td></tr>
<tr><th>Số tài khoản</th><td>0071001234567</td></tr>
<tr><th>Chủ tài khoản</th><td>NGUYEN VAN HUNG</td></tr></table>
<h3>Ví MoMo</h3><p>Số điện thoại MoMo: 0901 234 567 (NGUYEN VAN HUNG)</p>
<p>Liên hệ: Điện thoại: 0912 345 678</p></body></html>"""


def test_vietnamese_bank_account_momo_and_local_phone():
    pays, contacts = leads(VI_PAGE, "https://smmvn.com/nap-tien")
    assert pays == {("bank_transfer", "0071001234567"), ("other", "+84901234567")}
    assert contacts == {("phone", "+84912345678")}


TR_PAGE = f"""<html lang="tr"><body><h2>Bakiye Yükle</h2>
<p>Havale / EFT ile ödeme yaptıktan sonra açıklamaya kullanıcı adınızı yazın. En az 50 ₺.</p>
<div class="bank"><h4>Ziraat Bankası</h4><p>Alıcı: Ahmet Yılmaz</p>
<p>IBAN: <code>{grouped(IBAN_TR)}</code></p></div>
<div class="bank"><h4>Garanti BBVA</h4><p>IBAN: {grouped(IBAN_TR[:-1] + "7")}</p></div>
<h3>Papara</h3><p>Papara No: 1987654320</p>
<h3>Kredi Kartı / Banka Kartı</h3><p>Kart ile anında ödeme (3D Secure).</p></body></html>"""


def test_turkish_iban_papara_and_card_invalid_iban_dropped():
    pays, _ = leads(TR_PAGE, "https://ornekpanel.com.tr/addfunds")
    assert pays == {("bank_transfer", IBAN_TR), ("other", "1987654320"), ("card", None)}


PT_PAGE = """<html lang="pt-BR"><body><h2>Adicionar saldo</h2>
<p>Pagamento via PIX cai na hora. Depósito mínimo R$ 10,00.</p>
<h3>PIX</h3><p>Chave aleatória: <code>3f2b8c1e-7d4a-4b9e-9c21-5e6f7a8b9c0d</code></p>
<p>Favorecido: Lucas Oliveira</p>
<h3>Mercado Pago</h3><p>Saldo Mercado Pago ou boleto.</p>
<p>Suporte: Telefone (11) 97612-4388</p></body></html>"""


def test_brazilian_pix_key_mercadopago_and_local_phone_from_language():
    pays, contacts = leads(PT_PAGE, "https://painelsmm.com/adicionar-saldo")
    assert pays == {("other", "3f2b8c1e-7d4a-4b9e-9c21-5e6f7a8b9c0d"), ("mercadopago", None)}
    assert contacts == {("phone", "+5511976124388")}


ES_PAGE = """<html lang="es"><body><h2>Métodos de pago</h2>
<p>Transferencia bancaria (Argentina) — CBU: 0110599520000001234567, alias PANEL.SMM.AR</p>
<p>México: CLABE 002180700112345678 (SPEI), titular: Panel SMM</p>
<p>Pedido #20240056712345 — Mínimo 100, Máximo 10000000</p></body></html>"""


def test_spanish_cbu_and_clabe_but_not_order_numbers():
    pays, _ = leads(ES_PAGE, "https://panelsmm.com/pagos")
    assert pays == {
        ("bank_transfer", "0110599520000001234567"),
        ("bank_transfer", "002180700112345678"),
    }


RU_PAGE = """<html lang="ru"><body><h2>Пополнение баланса</h2>
<p>Минимальная сумма пополнения 100 ₽. Зачисление автоматически.</p>
<h3>ЮMoney</h3><p>Кошелёк: 4100 1177 2233 445</p>
<h3>Payeer</h3><p>Номер кошелька: P10456789</p>
<h3>СБП</h3><p>Перевод по номеру телефона: 8 (916) 482-17-35 (Иван Петров)</p>
<h3>Перевод на карту</h3><p>Сбербанк, номер карты: 2202 2061 4455 7788</p>
<h3>Банковская карта</h3><p>Visa, Mastercard, МИР.</p></body></html>"""


def test_russian_wallets_sbp_phone_and_card_transfer():
    pays, contacts = leads(RU_PAGE, "https://nakrutka.ru/addfunds")
    assert pays == {
        ("yoomoney", "410011772233445"),
        ("payeer", "P10456789"),
        ("other", "+79164821735"),
        ("bank_transfer", "2202206144557788"),
        ("card", None),
    }
    assert contacts == set()


AR_PAGE = f"""<html lang="ar" dir="rtl"><body><h2>طرق الدفع</h2>
<p>تحويل بنكي إلى مصرف الراجحي</p><p>رقم الحساب: 608010167519</p>
<p>الآيبان IBAN: {IBAN_SA}</p>
<p>البنك الأهلي — رقم الحساب: 24800198765401</p></body></html>"""


def test_arabic_bank_transfer_accounts_and_iban():
    pays, _ = leads(AR_PAGE, "https://smm-sa.com/payment")
    # the first account number is the tail of the IBAN: one account, reported once (IBAN)
    assert pays == {("bank_transfer", IBAN_SA), ("bank_transfer", "24800198765401")}


HI_PAGE = """<html lang="hi"><body><h2>भुगतान</h2>
<p>बैंक ट्रांसफर: खाता संख्या: 50100234567812, IFSC: HDFC0001234</p>
<p>UPI से भुगतान करें: smmbharat@okicici</p>
<p>फ़ोन: 98123 45670</p></body></html>"""


def test_hindi_account_upi_and_local_phone():
    pays, contacts = leads(HI_PAGE, "https://smmbharat.com/addfunds")
    assert pays == {("bank_transfer", "50100234567812"), ("upi", "smmbharat@okicici")}
    assert contacts == {("phone", "+919812345670")}


BD_PAGE = """<html lang="bn"><body><h2>Add Funds</h2>
<p>bKash (Personal): 01712-345678</p><p>Nagad: 01812-345670</p>
<p>সর্বনিম্ন ডিপোজিট ৳ 50</p></body></html>"""

PK_PAGE = """<html lang="en"><body><h2>Add Funds</h2><p>Prices in PKR. Minimum Rs 200.</p>
<p>JazzCash: 0300 1234567 (Account title: Ali Raza)</p>
<p>EasyPaisa - 0345-2345678</p><p>Pay 500 PKR or more for a bonus.</p></body></html>"""


def test_bangladesh_and_pakistan_mobile_wallets():
    pays, _ = leads(BD_PAGE, "https://smmbd.com/addfunds")
    assert pays == {("other", "+8801712345678"), ("other", "+8801812345670")}
    pays, _ = leads(PK_PAGE, "https://smmpk.com/addfunds")  # country from the currency shown
    assert pays == {("jazzcash", "+923001234567"), ("easypaisa", "+923452345678")}


FR_PAGE = f"""<html lang="fr"><body><h2>Paiement</h2><p>Virement bancaire :</p>
<p>Titulaire : SMM France SAS</p><p>IBAN : {grouped(IBAN_FR)}</p>
<p>Carte bancaire via Stripe.</p><script src="https://js.stripe.com/v3/"></script></body></html>"""


def test_french_virement_iban_and_card():
    pays, _ = leads(FR_PAGE, "https://smm-france.com/paiement")
    assert pays == {("bank_transfer", IBAN_FR), ("card", None), ("stripe", None)}


def test_perfect_money_accounts_attached_only_near_the_name():
    html = """<h2>Add funds</h2><p>Perfect Money: U12345678 (USD) / E7654321 (EUR)</p>
    <p>Perfect Money (EUR wallet) — E7654321</p>
    <p>Your last order U98765432 was completed.</p>"""
    pays, _ = leads(html, "https://smmpanel.com/addfunds")
    assert pays == {("perfect_money", "U12345678"), ("perfect_money", "E7654321")}


# --- negatives: class-only icons, digit runs ---------------------------------------------------
def test_class_only_icons_are_not_payment_methods_but_image_text_is():
    menu = """<nav><ul><li><a href="/addfunds"><i class="ti-credit-card"></i> Add funds</a></li>
    <li><a href="/orders"><img src="/icons/credit-card.svg"> Orders</a></li></ul></nav>
    <footer><i class="fab fa-cc-visa"></i> <i class="fab fa-cc-mastercard"></i>
    <i class="fab fa-cc-paypal"></i> <span class="icon-bitcoin"></span></footer>"""
    pays, _ = leads(menu, "https://smmpanel.com/addfunds")
    assert pays == set()
    titled = """<footer><svg role="img"><title>PayPal</title><path d="M0"/></svg>
    <span class="pay-icon" role="img" aria-label="Mastercard"></span>
    <img src="/img/p1.png" alt="Perfect Money"></footer>"""
    pays, _ = leads(titled, "https://smmpanel.com/")
    assert pays == {("paypal", None), ("card", None), ("perfect_money", None)}


def test_random_digit_runs_are_not_bank_accounts():
    html = """<h2>Add funds</h2><p>Bank transfer is available on request.</p>
    <p>Order ID 100234567890 | Transaction 5501234567890123 | Max 100000000</p>
    <p>Service 2345678 — 10000 followers</p>"""
    pays, _ = leads(html, "https://smmpanel.com/addfunds")
    assert pays == {("bank_transfer", None)}


# --- the site's country -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "url", "region"),
    [
        ("<p>x</p>", "https://panel.com.tr/", "TR"),  # ccTLD
        ('<html lang="en-IN"><p>x</p>', "https://panel.com/", "IN"),  # region subtag
        ('<html lang="vi"><p>x</p>', "https://panel.com/", "VN"),  # one-country language
        ('<html lang="es"><p>x</p>', "https://panel.com/", None),  # many countries
        ("<p>1000 likes Rp 12.500, 5000 likes Rp.50.000, $1</p>", "https://panel.com/", "ID"),
        ("<p>Prices: ₹199, $2.99, €2.50</p>", "https://panel.com/", "IN"),
        ("<p>Prices: ₹199 or Rp 35.000</p>", "https://panel.com/", None),  # no clear leader
        ('<a href="tel:+905321234567">Ara</a>', "https://panel.com/", "TR"),  # its own numbers
        ('<html lang="id"><a href="https://wa.me/905321234567">WA</a>', "https://p.com/", "TR"),
        ("<p>Call us: 0532 123 45 67</p>", "https://panel.com/", None),
    ],
)
def test_infer_region(html, url, region):
    assert infer_region(parse_page(html, url)) == region


def test_lang_region():
    assert lang_region("pt-BR") == "BR" and lang_region("pt_br") == "BR"
    assert lang_region("bn") == "BD" and lang_region("ur-PK") == "PK"
    assert lang_region("en") is None and lang_region("") is None and lang_region("pt") is None


def test_local_numbers_use_the_inferred_country_or_are_dropped():
    html = "<p>Telefon: 0532 123 45 67</p><p>WhatsApp: 0542 987 65 43</p>"
    _, contacts = leads('<html lang="tr">' + html, "https://panel.com/")
    assert contacts == {("phone", "+905321234567"), ("whatsapp", "+905429876543")}
    _, contacts = leads(html, "https://panel.com/")
    assert contacts == set()


# --- vendor credit lines ----------------------------------------------------------------------
CREDITS = """<html><body><p>Contact: <a href="https://wa.me/6281234567801">WhatsApp</a>
<a href="mailto:cs@panelku.com">cs@panelku.com</a></p>
<footer><p>&copy; 2024 PanelKu. Powered by <a href="https://panelku.com/">PanelKu</a>.</p>
<p>Designed by <a href="https://www.coderpanel.net/">CoderPanel</a> &middot;
Script by <a href="https://t.me/smmscriptdev">@smmscriptdev</a></p>
<p>Developed by <a href="https://wa.me/923001234567">Ali</a></p>
<p>Dibuat oleh tema@temapanel.id</p>
<p><a href="https://www.instagram.com/devstudio/">Theme by DevStudio</a></p></footer>
</body></html>"""


def test_credit_lines_are_not_contacts_but_vendor_hints():
    pays, contacts = leads(CREDITS, "https://panelku.com/")
    assert contacts == {("whatsapp", "+6281234567801"), ("email", "cs@panelku.com")}
    hints = {(h.name) for h in credit_hints(parse_page(CREDITS, "https://panelku.com/"))}
    assert hints == {
        "vendor:coderpanel.net",
        "vendor:smmscriptdev",
        "vendor:+923001234567",
        "vendor:tema@temapanel.id",
        "vendor:devstudio",
    }


def test_powered_by_a_payment_gateway_is_not_a_credit():
    html = """<p>Payments powered by <a href="https://checkout.razorpay.com/v1/x">Razorpay</a></p>
    <p>Made with love. Contact <a href="https://t.me/panel_support">support</a></p>"""
    pays, contacts = leads(html, "https://smmpanel.in/")
    assert ("razorpay", None) in pays
    assert contacts == {("telegram", "panel_support")}
    assert credit_hints(parse_page(html, "https://smmpanel.in/")) == []


def test_vendor_address_on_the_credit_line_is_not_a_contact():
    html = """<p>Support: <a href="mailto:help@boostpanel.net">help@boostpanel.net</a></p>
    <p class="credits">Script by <a href="http://panelforge-scripts.com/">PanelForge</a> &middot;
    sales@panelforge-scripts.com &middot;
    <a href="mailto:dev@panelforge-scripts.com">mail</a></p>"""
    _, contacts = leads(html, "https://boostpanel.net/")
    assert contacts == {("email", "help@boostpanel.net")}
    hints = {h.name for h in credit_hints(parse_page(html, "https://boostpanel.net/"))}
    assert hints == {
        "vendor:panelforge-scripts.com",
        "vendor:sales@panelforge-scripts.com",
        "vendor:dev@panelforge-scripts.com",
    }


def test_shop_payment_icons_named_by_svg_title_words():
    html = """<ul class="list-payment"><li><svg class="icon" role="img" aria-labelledby="pi-1">
    <title id="pi-1">Google Pay</title><rect width="38" height="24"/></svg></li>
    <li><svg class="icon" role="img"><title>American Express</title></svg></li></ul>"""
    pays, _ = leads(html, "https://shop.example-boost.com/")
    assert pays == {("google_pay", None), ("card", None)}


def test_payment_page_paths_in_other_languages():
    text = "<h3>Банковская карта</h3><p>Visa, Mastercard, МИР.</p>"
    assert leads(text, "https://nakrutka.ru/popolnenie")[0] == {("card", None)}
    assert leads(text, "https://nakrutka.ru/blog/cards")[0] == set()


def test_operator_lines_after_powered_by_are_still_contacts():
    html = """<footer><p>Powered by SMMKing — support@smmking.com</p>
    <p>Made by SMMKing. Telegram: @smmking_support</p></footer>"""
    _, contacts = leads(html, "https://smmking.com/")
    assert contacts == {("email", "support@smmking.com"), ("telegram", "smmking_support")}
