"""Payment methods and receiving accounts of one page (vocabulary: config/vocab/gateways.toml).

Methods come from integration hosts (script/iframe/form/link URLs), logos (image/icon text:
alt, title, aria-label, SVG <title>; image file names; never a class name alone) and gateway
words in visible text near a payment word (or on a payment page), in the field's languages.
Accounts: UPI VPAs (also upi://pay?pa=), PayPal e-mails / paypal.me / PayPal form business,
checksum-valid crypto addresses, IBANs and labelled bank account numbers (extract.iban), and
the account shown right after a wallet's name (Perfect Money U…, Payeer P…, a DANA/MoMo/bKash
phone number in E.164 with the site's country, a PIX key).
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
from extract.iban import bank_accounts, find_ibans
from extract.model import Identifier, Payment
from extract.text import fold

if TYPE_CHECKING:
    from extract.leads import PageView

_VPA_RE = re.compile(
    r"(?<![\w.@+-])([a-z0-9][a-z0-9._-]{1,63})@([a-z][a-z0-9]{1,31})(?![\w@-]|\.[a-z0-9])", re.I
)
_UPI_LINK = re.compile(r"upi://pay\?[^\"'\s<>]*?\bpa=([^&\"'\s<>]+)", re.I)
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
    if not alts:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in alts) + r")(?![a-z0-9])")


@cache  # the vocabulary is loaded once (`_vocab`), so a method's pattern never changes
def _logos(name: str, files: bool = False) -> re.Pattern:
    """Logo words of a method; an image's or icon's text (not a file name) may also give any of
    the method's text words ("Google Pay", "American Express")."""
    spec = _vocab()["methods"][name]
    words = [w.lower() for w in spec["logos"]]
    if files:
        generic = set(_vocab()["context"]["generic_logos"])
        words = [w for w in words if w not in generic]
    else:
        words += [fold(w) for w in spec["words"]] + [w.lower() for w in spec.get("exact", ())]
    return _phrase_re(tuple(words))


def method_of(name: str) -> str:
    """Contract value of a gateways.toml method entry (local wallets map to "other")."""
    return _vocab()["methods"][name].get("method", name)


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


def url_methods(url: str) -> list[str]:
    """Contract methods whose integration host the URL points to (checkout.razorpay.com …)."""
    host, path = _host_path(url)
    return [method_of(n) for n in _url_methods(host, path)] if host else []


def _from_urls(view: PageView) -> list[Payment]:
    out = []
    urls = [u for u in view.resources] + [h for h, _ in view.links]
    for url in urls:
        host, path = _host_path(url)  # once per URL; gateways looked up by host suffix
        for name in _url_methods(host, path) if host else ():
            out.append(Payment(method_of(name), _url_account(name, url), url))
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
        rx, rx_file = _logos(name), _logos(name, files=True)
        hit = next((t for t in view.logos if rx.search(fold(t))), None)
        hit = hit or next((f for f in view.logo_files if rx_file.search(f)), None)
        if hit:
            out.append(Payment(method_of(name), None, hit[:120]))
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


@cache
def _context_re() -> re.Pattern:
    return _phrase_re(tuple(fold(w) for w in _vocab()["context"]["words"]))


@cache
def _exact_re() -> tuple[re.Pattern | None, dict[str, str]]:
    owner = {w: n for n, spec in _vocab()["methods"].items() for w in spec.get("exact", ())}
    if not owner:
        return None, owner
    alts = "|".join(re.escape(w) for w in sorted(owner, key=len, reverse=True))
    return re.compile(r"(?<![\w@/.-])(?:" + alts + r")(?![\w@-])"), owner


def _from_text(view: PageView) -> list[Payment]:
    everywhere = _is_payment_page(view.url)
    rx, owner = _all_words()
    out: dict[str, Payment] = {}
    exact_rx, exact_owner = _exact_re()
    passes = [(fold(view.text), rx, owner)]
    if exact_rx is not None:  # case-sensitive brand names, read on the unfolded text
        passes.append((view.text, exact_rx, exact_owner))
    for text, words, names in passes:
        anchors = [m.start() for m in _context_re().finditer(text.lower())]
        for m in words.finditer(text):
            name = names[m.group(0)]
            if name in out or (m.start() and text[m.start() - 1] in "@/._-"):
                continue  # inside an address or URL: name@paytm, wise.com/…
            if _NEGATED.search(text[max(0, m.start() - 40) : m.start()].lower()):
                continue
            i = bisect.bisect_left(anchors, m.start() - 150)
            if everywhere or (i < len(anchors) and anchors[i] <= m.start() + 150):
                out[name] = Payment(method_of(name), None, _snip(text, m.start(), m.end()))
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
    wallets = wallet_accounts(view)
    out += wallets
    out += _bank(view, text, {p.account for p in wallets if p.account})
    return out


def _bank(view: PageView, text: str, claimed: set[str]) -> list[Payment]:
    """IBANs (checksum, and a bank/payment word nearby or a payment page) and labelled
    national account numbers."""
    out = []
    folded = fold(text)
    ctx = _context_re()
    bank_rx = _phrase_re(tuple(fold(w) for w in _vocab()["accounts"]["bank_context"]))
    everywhere = _is_payment_page(view.url)
    for iban, start in find_ibans(text):
        claimed.add(iban)
        near = fold(text[max(0, start - 150) : start + len(iban) + 80])
        if everywhere or bank_rx.search(near) or ctx.search(near):
            out.append(Payment("bank_transfer", iban, _snip(text, start, start + len(iban))))
    for digits, evidence in bank_accounts(folded, claimed):
        out.append(Payment("bank_transfer", digits, evidence))
    return out


# --- accounts shown right after a wallet's name ------------------------------------------------
_UUID = re.compile(r"\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b", re.I)
_PHONE = re.compile(r"(?<![\w+])(\+?\d[\d \u00a0().\-]{6,18}\d)(?!\d)")
_ANY_DIGITS = re.compile(r"(?<![\w])(\d(?:[ \u00a0\-]?\d){5,19})(?!\d)")
_WINDOW = 80


@cache
def _wallet_words() -> tuple[re.Pattern, dict[str, str]]:
    """Every method name (case-insensitive words and case-sensitive `exact` ones) on raw text."""
    owner: dict[str, str] = {}
    parts = []
    for name, spec in _vocab()["methods"].items():
        for w in spec["words"]:
            owner.setdefault(w.lower(), name)
            parts.append((w, True))
        for w in spec.get("exact", ()):
            owner.setdefault(w, name)
            parts.append((w, False))
    parts.sort(key=lambda p: len(p[0]), reverse=True)
    alts = "|".join(("(?i:" + re.escape(w) + ")") if ci else re.escape(w) for w, ci in parts)
    return re.compile(r"(?<![\w@/.-])(?:" + alts + r")(?![\w@-])"), owner


def _account_in(kind: str, window: str, region: str | None) -> tuple[str, int] | None:
    """The first account of `kind` in `window`: (normalised value, start) or None."""
    from extract.contacts import EMAIL_RE, clean_email, normalise_phone

    if kind == "uuid":
        m = _UUID.search(window)
        return (m.group(1).lower(), m.start()) if m else None
    if kind == "email":
        m = EMAIL_RE.search(window)
        email = clean_email(m.group(1)) if m else None
        return (email, m.start()) if email else None
    if kind == "phone":
        for m in _PHONE.finditer(window):
            e164 = normalise_phone(m.group(1), region)
            if e164:
                return e164, m.start()
        return None
    if kind == "digits":
        m = _ANY_DIGITS.search(window)
        return (re.sub(r"\D", "", m.group(1)), m.start()) if m else None
    m = _account_re(kind).search(window)
    if not m:
        return None
    return re.sub(r"[\s.\-]", "", m.group(m.lastindex or 0)), m.start()


@cache
def _account_re(spec: str) -> re.Pattern:
    return re.compile(spec.removeprefix("re:"))


def wallet_accounts(view: PageView) -> list[Payment]:
    """Accounts printed right after a method's name ("DANA: 0812-3456-7890", "Perfect Money:
    U1234567", "Chave PIX: <key>"); the window ends at the next method name."""
    from extract.contacts import infer_region

    text = view.pay_text
    rx, owner = _wallet_words()
    hits = list(rx.finditer(text))
    region = None
    out = []
    for i, m in enumerate(hits):
        name = owner.get(m.group(0)) or owner.get(m.group(0).lower())
        kinds = _vocab()["methods"].get(name, {}).get("accounts") if name else None
        if not kinds:
            continue
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        window = text[m.end() : min(end, m.end() + _WINDOW)]
        if "phone" in kinds and region is None:
            region = infer_region(view) or ""
        found = [a for a in (_account_in(k, window, region or None) for k in kinds) if a]
        if found:
            value, start = min(found, key=lambda a: a[1])
            evidence = _snip(text, m.start(), m.end() + start + 20)
            out.append(Payment(method_of(name), value, evidence))
    return out


def account_values(payments: list[Payment]) -> set[str]:
    """Lower-cased receiving accounts (not to be reported again as the operator's contacts)."""
    return {p.account.lower() for p in payments if p.account}


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
