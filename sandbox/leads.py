"""Leads a site shows (payments, contacts, trackers) and the noise around them, with truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html import escape

from sandbox import crypto

GATEWAY_NAMES = {
    "paypal": "PayPal",
    "stripe": "Stripe",
    "paytm": "Paytm",
    "upi": "UPI",
    "phonepe": "PhonePe",
    "google_pay": "Google Pay",
    "razorpay": "Razorpay",
    "perfect_money": "Perfect Money",
    "payeer": "Payeer",
    "coinpayments": "CoinPayments",
    "webmoney": "WebMoney",
    "skrill": "Skrill",
    "payoneer": "Payoneer",
    "cryptomus": "Cryptomus",
    "binance_pay": "Binance Pay",
    "paystack": "Paystack",
    "flutterwave": "Flutterwave",
    "mercadopago": "Mercado Pago",
    "instamojo": "Instamojo",
    "jazzcash": "JazzCash",
}
UPI_BANKS = ["okaxis", "ybl", "paytm", "oksbi", "okicici", "ibl"]
FIRST = ["rahul", "vikas", "amit", "deepak", "sanjay", "arjun", "rohit", "karan", "ali", "emre"]


@dataclass
class Leads:
    """Truth lists plus the HTML fragments that show them."""

    payments: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    identifiers: list[dict] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)
    head: str = ""  # tracker snippets
    footer: str = ""  # social profiles, mail link, noise links
    contact: str = ""  # contact page block
    payment: str = ""  # add-funds block
    checkout: str = ""  # gateway script includes
    shared: dict = field(default_factory=dict)

    def add(self, bucket: str, **kv: str | None) -> None:
        lst = getattr(self, bucket)
        if kv not in lst:
            lst.append(kv)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def indian_mobile(rng: random.Random) -> str:
    return "+91" + rng.choice("6789") + _digits(rng, 9)


def make_shared(rng: random.Random, tag: str) -> dict:
    """Identifiers an operator reuses across the sites of one cluster."""
    return {
        "ga": f"G-{''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') for _ in range(10))}",
        "whatsapp": indian_mobile(rng),
        "upi": f"{rng.choice(FIRST)}{_digits(rng, 3)}@{rng.choice(UPI_BANKS)}",
        "btc": crypto.btc_p2pkh(tag),
        "pixel": "1" + _digits(rng, 14),
    }


def make_leads(
    rng: random.Random,
    domain: str,
    brand: str,
    region: str,
    shared: dict | None,
    favicon_hash: str | None = None,
) -> Leads:
    """Pick and render this site's leads; `shared` values are reused (operator cluster)."""
    lv = Leads(shared=shared or {})
    sh = lv.shared
    head, foot, cont, pay, chk = [], [], [], [], []
    # trackers
    ga = sh.get("ga") or (
        f"UA-{_digits(rng, 8)}-1"
        if rng.random() < 0.5
        else "G-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
    )
    lv.add("identifiers", kind="google_analytics", value=ga)
    head.append(
        f'<script async src="/assets/gtag.js?id={ga}"></script>\n'
        "<script>window.dataLayer=window.dataLayer||[];function"
        f' gtag(){{dataLayer.push(arguments);}}gtag("js",new Date());gtag("config","{ga}");'
        "</script>"
    )
    if rng.random() < 0.5:
        gtm = "GTM-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(7))
        lv.add("identifiers", kind="google_tag_manager", value=gtm)
        head.append(
            "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':"
            "new Date().getTime(),event:'gtm.js'});})"
            f"(window,document,'script','dataLayer','{gtm}');</script>"
        )
    if rng.random() < 0.35:
        pub = "ca-pub-" + _digits(rng, 16)
        lv.add("identifiers", kind="google_adsense", value=pub)
        head.append(
            f'<script async src="/assets/adsbygoogle.js?client={pub}" crossorigin="anonymous">'
            "</script>"
        )
    if sh.get("pixel") or rng.random() < 0.4:
        px = sh.get("pixel") or "1" + _digits(rng, 14)
        lv.add("identifiers", kind="facebook_pixel", value=px)
        head.append(
            f"<script>!function(f){{f.fbq=f.fbq||function(){{}};}}(window);fbq('init',"
            f" '{px}');fbq('track', 'PageView');</script>"
        )
    if region in ("ru", "tr") or rng.random() < 0.15:
        ym = _digits(rng, 8)
        lv.add("identifiers", kind="yandex_metrica", value=ym)
        head.append(
            "<script>(function(m,e,t,r,i,k,a){m[i]=m[i]||function(){};})"
            '(window,document,"script","/assets/tag.js","ym");'
            f'ym({ym}, "init", {{clickmap:true}});</script>'
        )
    if rng.random() < 0.5:
        tw = "".join(rng.choice("0123456789abcdef") for _ in range(24))
        wid = "1" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
        lv.add("identifiers", kind="tawk_to", value=f"{tw}/{wid}")
        head.append(
            f"<script>var Tawk_API=Tawk_API||{{}};(function(){{var s1=document.createElement('script');s1.async=true;s1.src='https://embed.tawk.to/{tw}/{wid}';}})();</script>"
        )
    if favicon_hash:
        lv.add("identifiers", kind="favicon_mmh3", value=favicon_hash)
    # contacts
    email = f"support@{domain}"
    lv.add("contacts", kind="email", value=email)
    foot.append(f'<a href="mailto:{email}">{email}</a>')
    ob_local = rng.choice(["admin", "help", "billing"])
    lv.add("contacts", kind="email", value=f"{ob_local}@{domain}")
    dparts = domain.split(".", 1)
    cont.append(
        f"<p>Write to us: {ob_local} [at] {dparts[0]} [dot] {dparts[1].replace('.', ' [dot] ')}</p>"
    )
    wa = sh.get("whatsapp") or (
        indian_mobile(rng) if region == "in" else "+44" + "7" + _digits(rng, 9)
    )
    lv.add("contacts", kind="whatsapp", value=wa)
    cont.append(
        f'<p><a href="https://wa.me/{wa[1:]}" class="btn-whatsapp"><i class="fa fa-whatsapp">'
        "</i> Chat on WhatsApp</a></p>"
    )
    if region == "in":
        ph = indian_mobile(rng)
        lv.add("contacts", kind="phone", value=ph)
        cont.append(f"<p>Call us: {ph[:3]} {ph[3:8]} {ph[8:]}</p>")
    handle = f"{dparts[0].replace('-', '_')}_support"[:28]
    lv.add("contacts", kind="telegram", value=handle)
    cont.append(f'<p>Telegram: <a href="https://t.me/{handle}">@{handle}</a></p>')
    if rng.random() < 0.4:
        sk = f"live:.cid.{''.join(rng.choice('0123456789abcdef') for _ in range(12))}"
        lv.add("contacts", kind="skype", value=sk)
        cont.append(f"<p>Skype: {sk}</p>")
    if rng.random() < 0.4:
        code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789") for _ in range(8))
        lv.add("contacts", kind="discord", value=code)
        cont.append(f'<p><a href="https://discord.gg/{code}">Join our Discord</a></p>')
    social = dparts[0].replace("-", "")
    for kind, host in (
        ("instagram", "instagram.com"),
        ("facebook", "facebook.com"),
        ("twitter", "twitter.com"),
    ):
        if kind == "instagram" or rng.random() < 0.6:
            lv.add("contacts", kind=kind, value=social)
            foot.append(
                f'<a href="https://www.{host}/{social}/" class="social-{kind}"'
                f' title="{kind.title()}">{kind.title()}</a>'
            )
    # noise (never a lead)
    post = "".join(rng.choice("abcdefghijkABCDEFGHIJK0123456789_-") for _ in range(11))
    foot.append(
        f'<a href="https://www.instagram.com/p/{post}/">Our latest post</a> <a href="https://www.instagram.com/">Instagram</a>'
    )
    lv.noise += [f"https://www.instagram.com/p/{post}/", "https://www.instagram.com/"]
    # payments
    methods = (
        ["paytm", "upi", "phonepe", "google_pay", "razorpay"]
        if region == "in"
        else ["paypal", "stripe", "perfect_money", "payeer", "coinpayments"]
    )
    methods = (
        methods[:2]
        + rng.sample(methods[2:], 2)
        + rng.sample(sorted(set(GATEWAY_NAMES) - set(methods)), 1)
    )
    logos = []
    for m in methods:
        acct = None
        if m == "upi":
            acct = sh.get("upi") or f"{rng.choice(FIRST)}{_digits(rng, 3)}@{rng.choice(UPI_BANKS)}"
            pay.append(
                '<div class="qr"><img src="/assets/upi-qr.png" alt="Scan UPI QR"><p>UPI ID: '
                f'<b>{acct}</b></p><label>UTR / Transaction ID <input name="utr" placeholder="12'
                ' digit UTR"></label></div>'
            )
        elif m == "paypal":
            acct = f"pay@{domain}"
            pay.append(
                f"<p>PayPal: Send payment to {acct} (Friends &amp; Family) and open a ticket.</p>"
            )
        lv.add("payments", method=m, account=acct)
        logos.append(f'<img src="/assets/pay/{m}.png" alt="{GATEWAY_NAMES[m]}" width="60">')
    words = ", ".join(GATEWAY_NAMES[m] for m in methods[:3])
    pay.insert(0, f'<p>We accept {words} and more.</p><div class="gateways">{"".join(logos)}</div>')
    if "razorpay" in methods:
        chk.append('<script src="https://checkout.razorpay.com/v1/checkout.js"></script>')
    if "stripe" in methods:
        chk.append('<script src="https://js.stripe.com/v3/"></script>')
    if region != "in" or sh.get("btc"):
        btc = sh.get("btc") or crypto.btc_p2pkh(domain)
        bech = crypto.btc_bech32(domain)
        ethx = crypto.eth(domain)
        trx = crypto.tron(domain)
        pay.append(
            f"<h4>Crypto (manual)</h4><ul><li>BTC: <code>{btc}</code></li><li>BTC (SegWit): "
            f"<code>{bech}</code></li>"
            f"<li>ETH (ERC20): <code>{ethx}</code></li><li>USDT TRC20: <code>{trx}</code></li></ul>"
        )
        for meth, acc, kind in (
            ("bitcoin", btc, "bitcoin_address"),
            ("bitcoin", bech, "bitcoin_address"),
            ("ethereum", ethx, "ethereum_address"),
            ("usdt", trx, "tron_address"),
        ):
            lv.add("payments", method=meth, account=acc)
            lv.add("identifiers", kind=kind, value=acc)
    lv.head, lv.footer, lv.contact, lv.payment, lv.checkout = (
        "\n".join(head),
        " | ".join(foot),
        "\n".join(cont),
        "\n".join(pay),
        "\n".join(chk),
    )
    return lv


def form_noise(lv: Leads) -> str:
    """A contact form with placeholder values (noise)."""
    lv.noise += ["example@domain.com", "1234567890"]
    return (
        '<form method="post" action="/contact"><input type="email" name="email"'
        ' placeholder="example@domain.com">'
        '<input type="tel" name="phone" placeholder="1234567890"><textarea name="message">'
        "</textarea>"
        "<button>Send</button></form>"
    )


def prose_noise(lv: Leads, rng: random.Random) -> str:
    """Blog/FAQ prose with example prices, a fake-looking GA id and a placeholder e-mail."""
    fake_ga = f"UA-{_digits(rng, 6)}-2"
    bits = ["we once paid $5 for 1000 likes", fake_ga, "your@email.com"]
    lv.noise += bits
    return (
        f"<p>Back in 2019 {bits[0]} on another site and they dropped in a week. Tracking codes "
        f"such as {escape(fake_ga)} are not something you need to send us. Never share a password; "
        f"we only need your username, not {bits[2]}. Prices in $ can change without notice.</p>"
    )
