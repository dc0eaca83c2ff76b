"""Payment methods and receiving accounts of one page (vocabulary: config/vocab/gateways.toml).

Methods come from integration hosts (script/iframe/form/link URLs), logos (img/icon alt, title,
src, class) and gateway words in visible text near a payment word (or on a payment page).
Accounts: UPI VPAs (also upi://pay?pa=), PayPal e-mails / paypal.me / PayPal form business,
checksum-valid crypto addresses, bank account numbers and IBANs.
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from config.vocab import load
from extract.contacts import EMAIL_RE, clean_email, is_example
from extract.crypto import find_addresses
from extract.model import Identifier, Payment
from extract.text import fold

if TYPE_CHECKING:
    from extract.leads import PageView

_VPA_RE = re.compile(
    r"(?<![\w.@+-])([a-z0-9][a-z0-9._-]{1,63})@([a-z][a-z0-9]{1,31})(?![\w@-]|\.[a-z0-9])", re.I
)
_UPI_LINK = re.compile(r"upi://pay\?[^\"'\s<>]*?\bpa=([^&\"'\s<>]+)", re.I)
_BANK_ACC = re.compile(
    r"\b(?:a/?c|acc(?:ount)?|acct)\.?\s*(?:no|number|num|#)?\.?\s*[:\-–]?\s*(\d[\d \-]{6,24}\d)\b",
    re.I,
)
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b")
_NEGATED = re.compile(
    r"\b(?:not|n't|no longer|never|don't|doesn't|cannot|can't)\s+(?:\w+\s+){0,2}"
    r"(?:accept|support|take|use|available)\w*\b[^.!?\n]*$"
)
_CHAIN_METHOD = {
    "bitcoin": "bitcoin",
    "litecoin": "litecoin",
    "ethereum": "ethereum",
    "tron": "other",
}
_CHAIN_IDENT = {
    "bitcoin": "bitcoin_address",
    "ethereum": "ethereum_address",
    "tron": "tron_address",
}


@cache
def _vocab() -> dict:
    return load("gateways")


@cache
def _phrase_re(phrases: tuple[str, ...]) -> re.Pattern:
    alts = sorted((p for p in phrases if p), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in alts) + r")(?![a-z0-9])")


def _logos(name: str) -> re.Pattern:
    return _phrase_re(tuple(w.lower() for w in _vocab()["methods"][name]["logos"]))


def find_payments(view: PageView) -> list[Payment]:
    """Payment methods and accounts on the page; a method with an account drops its bare form."""
    found: list[Payment] = []
    found += _from_urls(view)
    found += _from_logos(view)
    found += _from_text(view)
    found += _accounts(view)
    return _dedup(found)


def address_identifiers(payments: list[Payment]) -> list[Identifier]:
    """Crypto receiving addresses as identifiers (bitcoin/ethereum/tron_address)."""
    from extract.crypto import find_addresses as _fa

    out = []
    for p in payments:
        if p.account:
            for addr in _fa(p.account):
                kind = _CHAIN_IDENT.get(addr.chain)
                if kind and addr.value == p.account:
                    out.append(Identifier(kind, addr.value, p.evidence))
    return out


def _host_path(url: str) -> tuple[str, str]:
    """(lower-case host, lower-case path without the leading /) of a URL; ("", "") if bad."""
    try:
        parts = urlsplit(url)
        return (parts.hostname or "").lower(), parts.path.lower().lstrip("/")
    except ValueError:
        return "", ""


def _host_match(url: str | tuple[str, str], pattern: str) -> bool:
    host, path = _host_path(url) if isinstance(url, str) else url
    phost, _, ppath = pattern.partition("/")
    if not (host == phost or host.endswith("." + phost)):
        return False
    return not ppath or path.startswith(ppath)


@cache
def _hosts_index() -> dict[str, list[tuple[str, str]]]:
    """Gateway host patterns by host: {"checkout.razorpay.com": [("razorpay", "")], ...}."""
    index: dict[str, list[tuple[str, str]]] = {}
    for name, spec in _vocab()["methods"].items():
        for pattern in spec["hosts"]:
            phost, _, ppath = pattern.partition("/")
            index.setdefault(phost, []).append((name, ppath))
    return index


def _url_methods(host: str, path: str) -> list[str]:
    """Methods whose host pattern matches the URL's host or one of its parent domains."""
    index, labels, found = _hosts_index(), host.split("."), []
    for i in range(len(labels) - 1):
        for name, ppath in index.get(".".join(labels[i:]), ()):
            if (not ppath or path.startswith(ppath)) and name not in found:
                found.append(name)
    return found


def _from_urls(view: PageView) -> list[Payment]:
    out = []
    urls = [u for u in view.resources] + [h for h, _ in view.links]
    for url in urls:
        host, path = _host_path(url)  # once per URL; gateways looked up by host suffix
        for name in _url_methods(host, path) if host else ():
            out.append(Payment(name, _url_account(name, url), url))
    for action, inputs in view.forms:
        if _host_match(action, "paypal.com") and "cgi-bin/webscr" in action:
            business = inputs.get("business", "").strip()
            acct = clean_email(business) or (business or None)
            out.append(Payment("paypal", acct, f"{action} business={business}"))
    return out


def _url_account(method: str, url: str) -> str | None:
    parts = urlsplit(url)
    seg = parts.path.strip("/").split("/", 1)[0]
    host = (parts.hostname or "").lower()
    if method == "paypal":
        if host.endswith("paypal.me") and seg:
            return f"paypal.me/{unquote(seg).lower()}"
        biz = parse_qs(parts.query).get("business", [""])[0]
        return clean_email(biz) or (biz or None)
    return None


def _from_logos(view: PageView) -> list[Payment]:
    out = []
    for name in _vocab()["methods"]:
        rx = _logos(name)
        for logo in view.logos:
            m = rx.search(logo)
            if m:
                out.append(Payment(name, None, logo[:120]))
                break
    return out


def _is_payment_page(url: str) -> bool:
    path = fold(urlsplit(url).path + "?" + urlsplit(url).query)
    tokens = set(re.split(r"[^a-z0-9_-]+", path)) | set(re.split(r"[^a-z0-9]+", path))
    return bool(tokens & set(_vocab()["context"]["page_paths"]))


@cache
def _all_words() -> tuple[re.Pattern, dict[str, str]]:
    owner: dict[str, str] = {}
    for name, spec in _vocab()["methods"].items():
        for w in spec["words"]:
            owner.setdefault(fold(w), name)
    return _phrase_re(tuple(owner)), owner


def _from_text(view: PageView) -> list[Payment]:
    text = fold(view.text)
    ctx = _phrase_re(tuple(_vocab()["context"]["words"]))
    anchors = [m.start() for m in ctx.finditer(text)]
    everywhere = _is_payment_page(view.url)
    rx, owner = _all_words()
    out: dict[str, Payment] = {}
    for m in rx.finditer(text):
        name = owner[m.group(0)]
        if name in out or (m.start() and text[m.start() - 1] in "@/._-"):
            continue  # inside an address or URL: name@paytm, wise.com/…
        if _NEGATED.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        i = bisect.bisect_left(anchors, m.start() - 150)
        if everywhere or (i < len(anchors) and anchors[i] <= m.start() + 150):
            out[name] = Payment(name, None, _snip(text, m.start(), m.end()))
    return list(out.values())


def _accounts(view: PageView) -> list[Payment]:
    out: list[Payment] = []
    text = view.pay_text
    low = text.lower()
    acc = _vocab()["accounts"]
    upi = _vocab()["upi"]
    handles = set(upi["handles"])
    placeholders = set(upi["placeholder_locals"])
    upi_rx = _phrase_re(tuple(upi["words"]))
    for m in _VPA_RE.finditer(text):
        handle = m.group(2).lower()
        near = low[max(0, m.start() - 60) : m.end() + 30]
        local = m.group(1).lower()
        if local in placeholders or is_example(text, m.start()):
            continue
        if handle in handles or upi_rx.search(near):
            out.append(Payment("upi", m.group(0).lower(), _snip(text, m.start(), m.end())))
    for m in _UPI_LINK.finditer(view.code + "\n" + "\n".join(h for h, _ in view.links)):
        vpa = unquote(m.group(1)).strip().lower()
        if _VPA_RE.fullmatch(vpa):
            out.append(Payment("upi", vpa, m.group(0)[:120]))
    pp = _phrase_re(tuple(acc["paypal_words"]))
    for m in EMAIL_RE.finditer(text):
        lines = low[max(0, m.start() - acc["window"]) : m.start()].split("\n")
        before = lines[-2] if len(lines) > 1 and not lines[-1].strip() else lines[-1]
        after = low[m.end() : m.end() + 25]
        email = clean_email(m.group(1))
        if email and (pp.search(before) or pp.search(after)):
            out.append(Payment("paypal", email, _snip(text, m.start(), m.end())))
    usdt = _phrase_re(tuple(acc["usdt_words"]))
    tether = _phrase_re(tuple(acc["tether_words"]))
    prev_end = 0
    examples = {a.lower() for a in acc.get("example_addresses", [])}
    for addr in find_addresses(text):
        if addr.value.lower() in examples:
            continue
        end = addr.start + len(addr.value)
        near = (
            low[max(prev_end, addr.start - acc["near"]) : end] + low[end : end + 25].split("\n")[0]
        )
        prev_end = addr.start + len(addr.value)
        method = _CHAIN_METHOD[addr.chain]
        if addr.chain == "tron" and usdt.search(near):
            method = "usdt"
        elif addr.chain == "ethereum" and tether.search(near):
            method = "usdt"  # ERC20 alone is the token standard, not USDT
        out.append(
            Payment(method, addr.value, _snip(text, addr.start, addr.start + len(addr.value)))
        )
    out += _bank(text, low, acc)
    return out


def _bank(text: str, low: str, acc: dict) -> list[Payment]:
    out = []
    bank_rx = _phrase_re(tuple(acc["bank_words"]) + ("bank", "ifsc"))
    for m in _BANK_ACC.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        near = low[max(0, m.start() - 150) : m.end() + 150]
        if 8 <= len(digits) <= 20 and re.search(r"\b(?:bank|ifsc|iban|swift|branch)\b", near):
            out.append(Payment("bank_transfer", digits, _snip(text, m.start(), m.end())))
    for m in _IBAN.finditer(text):
        iban = m.group(1).replace(" ", "")
        near = low[max(0, m.start() - 150) : m.end() + 60]
        if _iban_valid(iban) and bank_rx.search(near):
            out.append(Payment("bank_transfer", iban, m.group(0)))
    return out


def _iban_valid(iban: str) -> bool:
    if not 15 <= len(iban) <= 34:
        return False
    moved = iban[4:] + iban[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


def _dedup(items: list[Payment]) -> list[Payment]:
    with_account = {p.method for p in items if p.account}
    seen: set[tuple[str, str | None]] = set()
    out = []
    for p in items:
        if p.account is None and p.method in with_account:
            continue
        key = (p.method, p.account.lower() if p.account else None)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _snip(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 30) : end + 30].split())
