"""Leads extraction on realistic page snippets: exact expected payments, contacts, identifiers."""

from __future__ import annotations

import base64

import mmh3
import pytest

from extract.crypto import eip55_valid, find_addresses, keccak256, segwit_valid
from extract.favicon import favicon_mmh3, favicon_urls
from extract.leads import extract_leads

# Valid addresses generated for these tests (random payloads, correct checksums); the *_BAD
# ones differ by one character or one letter's case, so their checksum fails.
BTC_OK = "1G53gZGr32vHPBxhCvbH1JPNc4oYyfsZhG"
BTC_BAD = "1G53gZGr32vHPBxhCvbH1JPNc4oYyfsZhH"
P2SH_OK = "34b8B5mGmZs7q35XcYfNbhxaDHa15cEPZa"
BECH32_OK = "bc1qm2swa69en9l4clpfn876levny57dv490xzya6r"
BECH32_BAD = "bc1qm2swa69en9l4clpfn876levny57dv490xzya6q"
TAPROOT_OK = "bc1pfhadw9p85zht8lhfyvhc4u3pr70wfyw9ky97ed2k807pumungflqwzgmcc"
ETH_OK = "0xcBc8fe2955e5CD8e46dc8Ed4b7c2764d2A5a4d76"
ETH_BAD = "0xcBc8fe2955e5CD8e46dc8Ed4b7c2764d2A5a4d76".replace("cBc8", "cbc8")
TRON_OK = "TLpZmBaarGgByzWLoioPXzFnzmi2mnHuJS"
TRON_BAD = "TLpZmBaarGgByzWLoioPXzFnzmi2mnHuJT"
LTC_OK = "LdvYNpUc1bKoJ6nnpkEfRsD7C344QAKYGv"
GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"  # valid, but the textbook example address


def leads(html: str, url: str = "https://smmking.in/"):
    pays, contacts, idents = extract_leads(html, url)
    return (
        {(p.method, p.account) for p in pays},
        {(c.kind, c.value) for c in contacts},
        {(i.kind, i.value) for i in idents},
    )


# --- crypto ---------------------------------------------------------------------------------
def test_keccak256_known_vectors():
    assert (
        keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert (
        keccak256(b"abc").hex()
        == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )


def test_checksums_accept_valid_and_reject_tampered():
    assert eip55_valid("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")  # EIP-55 test vector
    assert not eip55_valid("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert eip55_valid(ETH_OK) and not eip55_valid(ETH_BAD)
    assert eip55_valid(ETH_OK.lower())  # no checksum claimed
    assert segwit_valid(BECH32_OK) == "bitcoin" and segwit_valid(BECH32_BAD) is None
    assert segwit_valid(TAPROOT_OK) == "bitcoin"
    text = " ".join(
        [BTC_OK, BTC_BAD, P2SH_OK, BECH32_OK, BECH32_BAD, ETH_OK, ETH_BAD, TRON_OK, TRON_BAD]
    )
    got = [(a.chain, a.value) for a in find_addresses(text)]
    assert got == [
        ("bitcoin", BTC_OK),
        ("bitcoin", P2SH_OK),
        ("bitcoin", BECH32_OK),
        ("ethereum", ETH_OK),
        ("tron", TRON_OK),
    ]


# --- payments -------------------------------------------------------------------------------
ADD_FUNDS = f"""<html><head><script src="https://checkout.razorpay.com/v1/checkout.js"></script></head>
<body><h2>Add funds</h2>
<form><select name="method"><option>Razorpay</option><option>Paytm</option></select>
<input name="amount" placeholder="Amount" value="100"></form>
<div class="crypto"><p>Bitcoin (BTC) address:</p>
<input type="text" readonly value="{BTC_OK}"><button data-clipboard-text="{BTC_OK}">Copy</button>
<p>USDT (TRC20): {TRON_OK}</p><p>Old address, do not use: {BTC_BAD}</p>
<p>ETH: {ETH_BAD}</p><p>Ethereum: {ETH_OK}</p>
<p>Never send to the example address {GENESIS}.</p></div>
<p>Pay by UPI to <b>smmking@okaxis</b> or <b>smm.king@ybl</b> and enter the UTR number.</p>
<p>Questions? support@smmking.in</p>
<p>Bank transfer: A/C No: 50100234567812 IFSC: HDFC0001234, HDFC Bank</p>
</body></html>"""


def test_add_funds_page_methods_and_accounts():
    pays, contacts, idents = leads(ADD_FUNDS, "https://smmking.in/addfunds")
    assert pays == {
        ("razorpay", None),
        ("paytm", None),
        ("bitcoin", BTC_OK),
        ("usdt", TRON_OK),
        ("ethereum", ETH_OK),
        ("upi", "smmking@okaxis"),
        ("upi", "smm.king@ybl"),
        ("bank_transfer", "50100234567812"),
    }
    assert contacts == {("email", "support@smmking.in")}
    assert idents == {
        ("bitcoin_address", BTC_OK),
        ("tron_address", TRON_OK),
        ("ethereum_address", ETH_OK),
    }


def test_text_words_logos_scripts_and_paypal_forms():
    html = """<html><head><script src="https://js.stripe.com/v3/"></script></head><body>
    <footer><p>We accept Paytm, UPI, PhonePe and Google Pay.</p>
    <img src="/assets/img/visa.svg" alt=""><img src="/assets/img/perfect-money.png" alt="PM">
    <i class="fab fa-cc-paypal"></i></footer>
    <form action="https://www.paypal.com/cgi-bin/webscr" method="post">
    <input type="hidden" name="business" value="Pay@SMMKing.in"></form>
    <a href="https://paypal.me/SmmKing">PayPal.me</a>
    <p>Instagram followers from real users - 1000 for $3.95</p></body></html>"""
    pays, contacts, _ = leads(html, "https://smmking.com/")
    assert pays == {
        ("stripe", None),
        ("paytm", None),
        ("upi", None),
        ("phonepe", None),
        ("google_pay", None),
        ("card", None),
        ("perfect_money", None),
        ("paypal", "pay@smmking.in"),
        ("paypal", "paypal.me/smmking"),
    }
    assert contacts == set()


def test_erc20_label_is_ethereum_and_tether_label_is_usdt():
    html = f"""<h4>Crypto (manual)</h4><ul><li>BTC (SegWit): <code>{BECH32_OK}</code></li>
    <li>ETH (ERC20): <code>{ETH_OK}</code></li><li>USDT TRC20: <code>{TRON_OK}</code></li>
    </ul>
    <p>USDT (ERC20): <code>{ETH_OK.lower().replace("0xc", "0xd")}</code></p>"""
    pays, _, _ = leads(html, "https://smmking.com/addfunds")
    assert ("bitcoin", BECH32_OK) in pays
    assert ("ethereum", ETH_OK) in pays
    assert ("usdt", TRON_OK) in pays
    assert ("usdt", ETH_OK.lower().replace("0xc", "0xd")) in pays
    assert len(pays) == 4


def test_paypal_email_in_text_is_an_account_not_a_contact():
    html = (
        "<p>Send PayPal payments to payments@smmking.in (friends and family).</p>"
        "<p>Mail: help@smmking.in</p>"
    )
    pays, contacts, _ = leads(html)
    assert pays == {("paypal", "payments@smmking.in")}
    assert contacts == {("email", "help@smmking.in")}


def test_gateway_word_without_payment_context_is_not_a_method():
    html = (
        "<h1>Buy Instagram followers</h1><p>Our team loves bitcoin memes and stripe patterns.</p>"
    )
    pays, _, _ = leads(html, "https://example-shop.com/blog")
    assert pays == set()


def test_negated_gateway_is_not_a_method():
    html = "<p>Payment: we accept Paytm and UPI. We do not accept PayPal or cards.</p>"
    pays, _, _ = leads(html)
    assert pays == {("paytm", None), ("upi", None)}


def test_vpa_is_not_an_email_and_email_is_not_a_vpa():
    html = """<p>UPI: fastsmm@paytm</p><p>E-mail: fastsmm@paytm.com</p>
    <p>UPI ID: rahul434@paytm (pay and send the UTR)</p>
    <p>Scan the QR: <img src="https://api.qrserver.com/v1/create-qr-code/?data=upi%3A//pay%3Fpa%3Dx"></p>
    <a href="upi://pay?pa=fast.smm@oksbi&pn=Fast%20SMM&cu=INR">Pay now</a>"""
    pays, contacts, _ = leads(html)
    assert ("upi", "fastsmm@paytm") in pays and ("upi", "fast.smm@oksbi") in pays
    assert {a for m, a in pays if a} == {"fastsmm@paytm", "fast.smm@oksbi", "rahul434@paytm"}
    assert {m for m, _ in pays} == {"upi"}  # the @paytm handle is not the Paytm wallet
    assert contacts == {("email", "fastsmm@paytm.com")}


# --- contacts -------------------------------------------------------------------------------
FOOTER = """<footer>
<a href="https://www.instagram.com/smmking.in/">Instagram</a>
<a href="https://www.instagram.com/p/CXyz123abc/">our latest post</a>
<a href="https://www.instagram.com/reel/Cabc/">reel</a>
<a href="https://instagram.com/">Instagram home</a>
<a href="https://www.instagram.com/instagram/">Instagram's own profile</a>
<a href="https://twitter.com/intent/tweet?text=hi">Tweet this</a>
<a href="https://twitter.com/SmmKingIN/status/1234567890">a tweet</a>
<a href="https://x.com/SmmKingIN">X</a>
<a href="https://www.facebook.com/sharer/sharer.php?u=https://smmking.in">Share</a>
<a href="https://www.facebook.com/smmkingpanel/">Facebook</a>
<a href="https://www.facebook.com/smmkingpanel/posts/10158">a post</a>
<a href="https://wa.me/919812345678?text=Hi">WhatsApp</a>
<a href="https://api.whatsapp.com/send?phone=447538241960">UK desk</a>
<a href="https://wa.me/+91%2098123%2045678">same number, encoded</a>
<a href="https://wa.me/message/ABCDEF123">business short link</a>
<a href="https://t.me/smmking_support">Telegram</a>
<a href="https://t.me/+AbCdEfGh12345">Join our group</a>
<a href="https://t.me/joinchat/AAAAAEk">Old invite</a>
<a href="https://discord.gg/abcDEF12">Discord</a>
<a href="skype:smmking.support?chat">Skype</a>
<a href="mailto:Billing@SMMKing.in?subject=Order">Billing</a>
<a href="tel:+91-98765-01234">Call</a>
</footer>"""


def test_footer_links_give_accounts_not_posts_or_shares():
    _, contacts, _ = leads(FOOTER)
    assert contacts == {
        ("instagram", "smmking.in"),
        ("twitter", "SmmKingIN"),
        ("facebook", "smmkingpanel"),
        ("whatsapp", "+919812345678"),
        ("whatsapp", "+447538241960"),
        ("telegram", "smmking_support"),
        ("discord", "abcDEF12"),
        ("skype", "smmking.support"),
        ("email", "billing@smmking.in"),
        ("phone", "+919876501234"),
    }


def test_obfuscated_emails_and_cloudflare_protection():
    cf = "2a" + "".join(f"{b ^ 0x2A:02x}" for b in b"ops@smmking.in")
    html = f"""<p>Write to sales [at] smmking [dot] in or Info(at)SMMKing.in
    or desk (at) smmking (dot) co (dot) in.</p>
    <a href="/cdn-cgi/l/email-protection" class="__cf_email__"
       data-cfemail="{cf}">[email&#160;protected]</a>"""
    _, contacts, _ = leads(html)
    assert contacts == {
        ("email", "sales@smmking.in"),
        ("email", "info@smmking.in"),
        ("email", "desk@smmking.co.in"),
        ("email", "ops@smmking.in"),
    }


def test_prose_with_at_is_not_an_email_and_skype_needs_a_handle():
    html = """<p>Visit us at smmking.in for more. Find us at www.smmking.in today.</p>
    <p>Skype: Click here</p><p>Skype: live:.cid.9a8b7c6d</p>"""
    _, contacts, _ = leads(html)
    assert contacts == {("skype", "live:.cid.9a8b7c6d")}


def test_placeholders_images_and_boilerplate_are_dropped():
    html = """<form><input type="email" placeholder="you@smmking.in" value="me@smmking.in">
    <input type="tel" placeholder="+91 98765 43210"></form>
    <textarea>write to draft@smmking.in</textarea>
    <p>e.g. example@domain.com or your@email.com, test@test.com, name@example.com</p>
    <img src="/img/logo@2x.png"> <p>icon: sprite@3x.webp</p>
    <p>Phone: 1234567890</p><p>WhatsApp: +91 99999 99999</p>
    <footer>Support: do-not-reply@smartpanel.com</footer>"""
    _, contacts, _ = leads(html)
    assert contacts == set()


def test_phones_from_text_labels_and_region():
    html = """<p>WhatsApp: +91 98123 45678</p><p>Call us: 98765 01234</p>
    <p>Orders: 25000 | Min 100 | Max 9812345678</p>"""
    _, contacts, _ = leads(html, "https://smmking.in/contact")
    assert contacts == {("whatsapp", "+919812345678"), ("phone", "+919876501234")}
    # without a country TLD the region comes from the page's international numbers
    _, contacts, _ = leads(html, "https://smmking.com/contact")
    assert contacts == {("whatsapp", "+919812345678"), ("phone", "+919876501234")}
    # and with none, a bare national number is not guessed
    _, contacts, _ = leads("<p>Call us: 98765 01234</p>", "https://smmking.com/contact")
    assert contacts == set()


def test_phone_followed_by_other_digits_and_00_prefix():
    html = "<p>Call +91 98123 45678 24x7.</p><p>Hotline: 0091 98765 01234 (9am-6pm)</p>"
    _, contacts, _ = leads(html, "https://smmking.com/")
    assert contacts == {("phone", "+919812345678"), ("phone", "+919876501234")}


def test_format_examples_are_not_accounts_or_contacts():
    html = """<p>Enter your UPI ID (e.g. yourname@okaxis) and the UTR number.</p>
    <p>Your UPI ID looks like mobilenumber@ybl or e.g. rahul.k@oksbi</p>
    <p>Pay UPI to: smmking@okaxis</p>
    <p>Enter an e-mail, for example: rahul@gmail.com. Support: care@smmking.in</p>"""
    pays, contacts, _ = leads(html)
    assert pays == {("upi", "smmking@okaxis")}
    assert contacts == {("email", "care@smmking.in")}


def test_icons_label_the_text_after_them():
    html = """<ul class="contact"><li><i class="fab fa-whatsapp"></i> +91 98123 45678</li>
    <li><i class="fa fa-phone-alt"></i> 98765 01234</li>
    <li><img src="/img/tg.svg" alt="Telegram"> @smmking_tg</li></ul>"""
    _, contacts, _ = leads(html)
    assert contacts == {
        ("whatsapp", "+919812345678"),
        ("phone", "+919876501234"),
        ("telegram", "smmking_tg"),
    }


def test_unlabelled_number_linked_as_whatsapp_is_whatsapp():
    html = """<a class="float" href="https://wa.me/919812345678"><img src="/chat.svg"></a>
    <footer><p>+91 98123 45678</p><p>Phone: +91 98765 01234</p></footer>"""
    _, contacts, _ = leads(html)
    assert contacts == {("whatsapp", "+919812345678"), ("phone", "+919876501234")}


def test_json_ld_organisation_contacts():
    html = """<script type="application/ld+json">{"@context": "https://schema.org",
    "@type": "Organization", "url": "https://smmking.in", "email": "hello@smmking.in",
    "telephone": "+91-98765-01234", "logo": "https://smmking.in/logo.png",
    "sameAs": ["https:\\/\\/www.instagram.com\\/smmking.in", "https://twitter.com/SmmKingIN",
    "https://www.instagram.com/p/Cabc123/"]}</script>"""
    _, contacts, _ = leads(html)
    assert contacts == {
        ("email", "hello@smmking.in"),
        ("phone", "+919876501234"),
        ("instagram", "smmking.in"),
        ("twitter", "SmmKingIN"),
    }


def test_explicit_links_accept_possible_numbers_text_needs_valid_ones():
    # +44 7696 … is a possible UK mobile that the numbering metadata does not list as valid
    html = """<a href="https://wa.me/447696062307">WhatsApp</a><a href="https://t.me/1smm_support">TG</a>
    <p>Other: +44 7696 062308</p>"""
    _, contacts, _ = leads(html, "https://1smm.com/")
    assert contacts == {("whatsapp", "+447696062307"), ("telegram", "1smm_support")}


def test_telegram_handle_in_text():
    _, contacts, _ = leads("<p>Telegram: @SmmKingBot</p><p>Follow @someone on Instagram</p>")
    assert contacts == {("telegram", "SmmKingBot")}


# --- identifiers ----------------------------------------------------------------------------
TRACKERS = """<html><head>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script>
<script>gtag('config', 'G-ABC123XYZ9'); ga('create', 'UA-4815162-3', 'auto');</script>
<script>(function(w,d,s,l,i){w[l]=w[l]||[];})(window,document,'script','dataLayer','GTM-K7P2QX');</script>
<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-4815162342108153"></script>
<script>fbq('init', '987654321098765'); fbq('track', 'PageView');</script>
<noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=112233445566778&ev=PageView&noscript=1"></noscript>
<script>ym(86123456, "init", {clickmap:true});</script>
<noscript><div><img src="https://mc.yandex.ru/watch/86123457" alt=""></div></noscript>
<script>s1.src='https://embed.tawk.to/5f1a2b3c4d5e6f7a8b9c0d1e/1e4abcdef';</script>
<script>window.$crisp=[];window.CRISP_WEBSITE_ID="0f3c2b1a-1111-4a2b-9c3d-123456789abc";</script>
<script>(function(h,o,t,j,a,r){h._hjSettings={hjid:2718281,hjsv:6};})(window,document);</script>
<script>gtag('config', 'G-XXXXXXXXXX');</script>
</head><body>
<p>Tip: your Analytics ID looks like UA-11111111-1 or G-PROSE1234; tag GTM-PROSE12.</p>
<p>API URL: https://bigprovider.com/api/v2 — ours: https://www.smmking.in/api/v2</p>
<a href="https://api.other-panel.net/api/v1">legacy</a>
<p>Our provider: justpanel.co.uk/api/v2/ (since 2021); docs at https://yourdomain.com/api/v2</p>
</body></html>"""


def test_trackers_only_from_code_and_upstream_panels():
    _, _, idents = leads(TRACKERS)
    assert idents == {
        ("google_analytics", "G-ABC123XYZ9"),
        ("google_analytics", "UA-4815162-3"),
        ("google_tag_manager", "GTM-K7P2QX"),
        ("google_adsense", "ca-pub-4815162342108153"),
        ("facebook_pixel", "987654321098765"),
        ("facebook_pixel", "112233445566778"),
        ("yandex_metrica", "86123456"),
        ("yandex_metrica", "86123457"),
        ("tawk_to", "5f1a2b3c4d5e6f7a8b9c0d1e/1e4abcdef"),
        ("crisp", "0f3c2b1a-1111-4a2b-9c3d-123456789abc"),
        ("hotjar", "2718281"),
        ("upstream_panel", "bigprovider.com"),
        ("upstream_panel", "other-panel.net"),
        ("upstream_panel", "justpanel.co.uk"),
    }


def test_results_are_deduplicated():
    html = ADD_FUNDS + ADD_FUNDS.replace("<html>", "<div>") + FOOTER + FOOTER
    pays, contacts, idents = extract_leads(html, "https://smmking.in/addfunds")
    assert len(pays) == len({(p.method, p.account) for p in pays})
    assert len(contacts) == len({(c.kind, c.value.lower()) for c in contacts})
    assert len(idents) == len({(i.kind, i.value) for i in idents})


@pytest.mark.parametrize("html", ["", "   ", "<html", "\x00\x01", "<p>plain</p>"])
def test_degenerate_pages_do_not_raise(html):
    assert extract_leads(html, "https://x.com/") == ([], [], [])


# --- favicon --------------------------------------------------------------------------------
def test_favicon_hash_is_shodan_style():
    data = bytes(range(256)) * 5
    expected = mmh3.hash(base64.encodebytes(data))
    assert favicon_mmh3(data) == str(expected)
    assert "\n" in base64.encodebytes(data).decode()  # line-wrapped like Shodan's
    assert favicon_mmh3(b"") == str(mmh3.hash(b""))


def test_favicon_urls():
    html = (
        '<link rel="stylesheet" href="/a.css"><link rel="shortcut icon" href="img/fav.png">'
        '<link rel="icon" href="data:,">'
    )
    assert favicon_urls(html, "https://a.com/x/page") == ["https://a.com/x/img/fav.png"]
    assert favicon_urls("<p>no icon</p>", "https://a.com/x/page") == ["https://a.com/favicon.ico"]
    xml = '<?xml version="1.0" encoding="utf-8"?><html><head><link rel="icon" href="/i.png">'
    assert favicon_urls(xml, "https://a.com/") == ["https://a.com/i.png"]


def test_xml_declared_page_is_read():
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><a href="mailto:a@smmking.in">m</a>'
    assert leads(html)[1] == {("email", "a@smmking.in")}
