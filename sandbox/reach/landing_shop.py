"""Reach-world Turkish landing-page shop (see sandbox/reach/shops.py)."""

from __future__ import annotations

import random
from html import escape

from sandbox.reach.shopbase import TURKISH, Shop, fmt, nav_bar, qty_dots, qty_k
from sandbox.site import Site


def iban_tr(seed: int, host: str) -> str:
    """A Turkish IBAN with valid ISO 13616 check digits (bank code 00010: Ziraat)."""
    r = random.Random(f"{seed}|iban|{host}")
    bban = "00010" + "0" + "".join(r.choice("0123456789") for _ in range(16))
    num = int("".join(str(int(c, 36)) for c in bban + "TR00"))
    return f"TR{98 - num % 97:02d}{bban}"


def landing(seed: int, epoch: int) -> Site:
    sh = Shop(seed, epoch, "www.takipcimarket.com.tr", "TRY", "global", 3)
    site = sh.site

    def tl(v: float) -> str:
        return f"₺{fmt(v, True)}"

    nav = nav_bar(
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
