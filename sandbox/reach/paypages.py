"""Payment (top-up) and contact page fragments in the field's languages, with their truth.

    pay = payment_block(rng, "tr", "ornekpanel.com.tr")
    pay.html        # '<h2>Banka Havalesi / EFT</h2> ... IBAN: TR33 0006 ...'
    pay.payments    # [{"method": "bank_transfer", "account": "TR330006..."}, ...]
    con = contact_block(rng, "tr", "ornekpanel.com.tr")
    con.html, con.contacts  # local phone numbers without country code; truth in E.164

Truth conventions (the generator's own inputs, never parsed back from the HTML):
- method values are the contract's (`../shared/contract/vocabulary.md`); wallets it has no
  value for (DANA, OVO, GoPay, MoMo, Papara, PIX, SBP) are `other` with their account.
- account: bank account numbers as digits only; IBAN compact, upper case; a wallet keyed by a
  phone number holds that number in E.164; Papara / YooMoney / Payeer numbers as shown without
  spaces; a PIX random key as shown.
- wallet phone numbers are payment accounts only (not contacts); contact numbers are printed in
  the national format without country code on the contact page and as wa.me links elsewhere.
- amounts in the wording (minimum deposit, bonus) are noise: never offers.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from html import escape

from sandbox.reach.locale import LOCALES, _digits, grouped, iban_tr, mobile, money, national

NAMES = {
    "id": ["Budi Santoso", "Siti Rahmawati", "Agus Pratama", "Dewi Lestari"],
    "vi": ["NGUYEN VAN HUNG", "TRAN THI MAI", "LE MINH TUAN", "PHAM VAN LONG"],
    "tr": ["Ahmet Yılmaz", "Emre Kaya", "Mehmet Demir", "Elif Şahin"],
    "pt_BR": ["Lucas Oliveira", "Ana Souza", "Pedro Santos", "Juliana Lima"],
    "ru": ["Иван Петров", "Алексей Смирнов", "Дмитрий Козлов", "Ольга Иванова"],
}


@dataclass
class Block:
    """An HTML fragment and the truth it shows."""

    html: str = ""
    payments: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)

    def pay(self, method: str, account: str | None) -> None:
        rec = {"method": method, "account": account}
        if rec not in self.payments:
            self.payments.append(rec)

    def contact(self, kind: str, value: str) -> None:
        rec = {"kind": kind, "value": value}
        if rec not in self.contacts:
            self.contacts.append(rec)


def _row(label: str, value: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"


def payment_block(rng: random.Random, lang: str, domain: str) -> Block:
    """The add-funds / deposit page body of a panel in `lang` (id, vi, tr, pt_BR, ru)."""
    loc = LOCALES[lang]
    b = Block()
    owner = rng.choice(NAMES[lang])
    parts: list[str] = []
    if lang == "id":
        minimum = money(10000, loc)
        b.noise.append(f"Minimal deposit {minimum}")
        banks = [
            ("BCA", _digits(rng, 10)),
            ("BRI", _digits(rng, 15)),
            ("Mandiri", _digits(rng, 13)),
        ]
        rows = ""
        for bank, acct in banks:
            shown = (
                acct
                if bank != "BRI"
                else f"{acct[:4]}-{acct[4:6]}-{acct[6:12]}-{acct[12:14]}-{acct[14]}"
            )
            rows += _row(f"Bank {bank}", f"{shown} a.n. {owner}")
            b.pay("bank_transfer", acct)
        wallets = ""
        for w in ("DANA", "OVO", "GoPay"):
            num = mobile(rng, loc)
            wallets += f"<li><strong>{w}</strong>: {national(num, loc)} a.n. {escape(owner)}</li>"
            b.pay("other", num)
        parts.append(
            "<h2>Isi Saldo</h2><p>Silakan transfer ke salah satu rekening di bawah ini, lalu"
            f" kirim bukti transfer melalui tiket. Minimal deposit {minimum}.</p>"
            f'<h3>Transfer Bank</h3><table class="table">{rows}</table>'
            f"<h3>E-Wallet</h3><ul>{wallets}</ul>"
            "<p>Saldo masuk otomatis 5-10 menit setelah transfer dikonfirmasi.</p>"
        )
    elif lang == "vi":
        minimum = money(50000, loc)
        b.noise.append(f"Nạp tối thiểu {minimum}")
        vcb, tcb = _digits(rng, 13), _digits(rng, 14)
        momo = mobile(rng, loc)
        b.pay("bank_transfer", vcb)
        b.pay("bank_transfer", tcb)
        b.pay("other", momo)
        parts.append(
            "<h2>Nạp tiền vào tài khoản</h2><p>Chuyển khoản ngân hàng với nội dung"
            f" <code>NAP {escape(domain.split('.')[0])}</code> + tên đăng nhập của bạn."
            f" Nạp tối thiểu {minimum}.</p>"
            '<table class="table">'
            + _row("Ngân hàng", "Vietcombank")
            + _row("Số tài khoản", vcb)
            + _row("Chủ tài khoản", owner)
            + "</table>"
            '<table class="table">'
            + _row("Ngân hàng", "Techcombank")
            + _row("Số tài khoản", tcb)
            + _row("Chủ tài khoản", owner)
            + "</table>"
            f"<h3>Ví MoMo</h3><p>Số điện thoại MoMo: {national(momo, loc)} ({escape(owner)})</p>"
        )
    elif lang == "tr":
        minimum = money(50, loc)
        b.noise.append(f"En az {minimum}")
        ibans = [("Ziraat Bankası", iban_tr(rng)), ("Garanti BBVA", iban_tr(rng))]
        papara = "1" + _digits(rng, 9)
        rows = ""
        for bank, ib in ibans:
            rows += (
                f'<div class="bank"><h4>{bank}</h4><p>Alıcı: {escape(owner)}</p>'
                f"<p>IBAN: <code>{grouped(ib)}</code></p></div>"
            )
            b.pay("bank_transfer", ib)
        b.pay("other", papara)
        b.pay("card", None)
        parts.append(
            "<h2>Bakiye Yükle</h2><p>Havale / EFT ile ödeme yaptıktan sonra açıklamaya kullanıcı"
            f" adınızı yazın. En az {minimum} yüklenebilir.</p>"
            f"<h3>Banka Havalesi / EFT</h3>{rows}"
            f"<h3>Papara</h3><p>Papara No: {papara}</p>"
            "<h3>Kredi Kartı / Banka Kartı</h3><p>Kart ile anında ödeme (3D Secure).</p>"
        )
    elif lang == "pt_BR":
        minimum = money(10, loc)
        b.noise.append(f"Depósito mínimo {minimum}")
        key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        b.pay("other", key)
        b.pay("mercadopago", None)
        parts.append(
            "<h2>Adicionar saldo</h2><p>Pagamento via PIX cai na hora. Depósito mínimo"
            f" {minimum}.</p><h3>PIX</h3><p>Chave aleatória: <code>{key}</code></p>"
            f"<p>Favorecido: {escape(owner)}</p>"
            "<h3>Mercado Pago</h3><p>Cartão de crédito, boleto ou saldo Mercado Pago.</p>"
        )
    elif lang == "ru":
        minimum = money(100, loc, places=0)
        b.noise.append(f"Минимальная сумма пополнения {minimum}")
        ym = "4100" + _digits(rng, 11)
        payeer = "P" + _digits(rng, 8)
        sbp = mobile(rng, loc)
        b.pay("yoomoney", ym)
        b.pay("payeer", payeer)
        b.pay("other", sbp)
        b.pay("card", None)
        parts.append(
            "<h2>Пополнение баланса</h2><p>Минимальная сумма пополнения"
            f" {minimum}. Зачисление автоматически.</p>"
            f"<h3>ЮMoney</h3><p>Кошелёк: {ym[:4]} {ym[4:8]} {ym[8:12]} {ym[12:]}</p>"
            f"<h3>Payeer</h3><p>Номер кошелька: {payeer}</p>"
            f"<h3>СБП</h3><p>Перевод по номеру телефона: {national(sbp, loc)} ({escape(owner)})</p>"
            "<h3>Банковская карта</h3><p>Visa, Mastercard, МИР.</p>"
        )
    else:
        raise ValueError(f"no payment wording for {lang!r}")
    b.html = "\n".join(parts)
    return b


CONTACT_WORDS = {
    "id": ("Hubungi Kami", "Telepon", "Chat WhatsApp", "Jam kerja: 08.00 - 22.00 WIB"),
    "vi": ("Liên hệ", "Điện thoại", "Nhắn Zalo / WhatsApp", "Hỗ trợ 24/7"),
    "tr": ("İletişim", "Telefon", "WhatsApp Destek", "Destek saatleri: 09:00 - 23:00"),
    "pt_BR": ("Contato", "Telefone", "Fale conosco no WhatsApp", "Atendimento 24 horas"),
    "ru": ("Контакты", "Телефон", "Написать в WhatsApp", "Поддержка круглосуточно"),
}


def contact_block(rng: random.Random, lang: str, domain: str, whatsapp: str | None = None) -> Block:
    """A contact page body in `lang`: a local phone number without country code, a WhatsApp
    number (local on this page, `wa.me` link with the international digits), Telegram, e-mail.
    `whatsapp` (E.164) reuses an operator's number."""
    loc = LOCALES[lang]
    title, phone_w, wa_w, hours = CONTACT_WORDS[lang]
    b = Block()
    phone = mobile(rng, loc)
    wa = whatsapp or mobile(rng, loc)
    handle = domain.split(".")[0].replace("-", "_") + "_cs"
    email = f"cs@{domain}"
    b.contact("phone", phone)
    b.contact("whatsapp", wa)
    b.contact("telegram", handle)
    b.contact("email", email)
    b.html = (
        f'<h2>{escape(title)}</h2><ul class="contact-list">'
        f"<li>{escape(phone_w)}: {national(phone, loc)}</li>"
        f'<li>WhatsApp: {national(wa, loc)} &middot; <a href="https://wa.me/{wa[1:]}">'
        f"{escape(wa_w)}</a></li>"
        f'<li>Telegram: <a href="https://t.me/{handle}">@{handle}</a></li>'
        f'<li>E-mail: <a href="mailto:{email}">{email}</a></li></ul><p>{escape(hours)}</p>'
    )
    return b
