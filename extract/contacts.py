"""Operator contacts of one page: e-mail, phone, WhatsApp, Telegram, Skype, Discord, socials.

Links are trusted (mailto:, tel:, wa.me, t.me, social profiles); visible text is read for
(de-obfuscated) e-mails, "+"-prefixed numbers anywhere and bare numbers only after a label.
Form placeholder/value attributes are never read. Telegram invite links (t.me/+…, joinchat)
carry no handle and are not reported (t.me/s/<handle> and t.me/<handle>/<post> give the
handle). Discord values are the invite code (discord.gg/<code>). Handles keep their case.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

import phonenumbers

from config.vocab import load
from extract.domains import _extractor
from extract.model import Contact

if TYPE_CHECKING:
    from extract.leads import PageView

EMAIL_RE = re.compile(
    r"(?<![\w.%+-])([a-z0-9][a-z0-9._%+-]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.)+"
    r"[a-z]{2,24})(?![\w-]|\.[a-z0-9])",
    re.I,
)
_AT = r"\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\}|<\s*at\s*>|\s+at\s+|\(@\)|\[@\])\s*"
_DOT = r"\s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\}|<\s*dot\s*>|\s+dot\s+|\(\.\)|\[\.\])\s*"
_OBFUSCATED = re.compile(
    rf"(?<![\w.-])([a-z0-9][a-z0-9._+-]{{0,63}}){_AT}([a-z0-9-]+(?:(?:{_DOT}|\.)[a-z0-9-]+)*)"
    rf"(?:{_DOT}|\.)([a-z]{{2,24}})\b",
    re.I,
)
_DOT_SUB = re.compile(_DOT, re.I)
_BRACKET_AT = re.compile(r"[\[({<]\s*(?:at|@)\s*[\])}>]", re.I)
_TG_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{3,31}$")
_HANDLE_RE = {
    "instagram": re.compile(r"^[A-Za-z0-9._]{1,40}$"),
    "twitter": re.compile(r"^[A-Za-z0-9_]{1,40}$"),
    "facebook": re.compile(r"^[A-Za-z0-9.\-]{3,80}$"),
}
_DISCORD_CODE = re.compile(r"^[A-Za-z0-9-]{2,32}$")


@cache
def _vocab() -> dict:
    return load("contacts")


def find_contacts(view: PageView, paypal_accounts: set[str] | None = None) -> list[Contact]:
    """All contacts of the page (not yet deduplicated across kinds).

    `paypal_accounts`: receiving accounts already reported as payments (lower case); an e-mail
    or a plain phone number among them is a payment account, not a contact.
    """
    accounts = paypal_accounts or set()
    region = infer_region(view)
    out: list[Contact] = _link_contacts(view, region)
    whatsapp = {c.value for c in out if c.kind == "whatsapp"}
    out += _text_emails(view, accounts)
    out += [c for c in _text_phones(view, whatsapp, region) if c.value not in accounts]
    out += _text_handles(view)
    out += _ld_json_contacts(view, region)
    return out


_LD_PHONE = re.compile(r'"(?:telephone|phone|contactPhone)"\s*:\s*"([^"]{7,30})"', re.I)
_LD_URL = re.compile(r'"(https?://[^"\s]+)"')


def _ld_json_contacts(view: PageView, region: str | None) -> list[Contact]:
    """schema.org JSON-LD: telephone and the sameAs profile URLs of the organisation."""
    out = []
    ld = view.ld_json.replace("\\/", "/")
    for m in _LD_PHONE.finditer(ld):
        e164 = _longest_valid(m.group(1), region)
        if e164:
            out.append(Contact("phone", e164, m.group(0)))
    for m in _LD_URL.finditer(ld):
        c = contact_from_url(m.group(1), region)
        if c and c.kind not in ("email", "phone"):
            out.append(c)
    return out


# --- e-mail ----------------------------------------------------------------------------------
def clean_email(raw: str) -> str | None:
    """Lower-cased address if `raw` is a plausible real e-mail, else None."""
    email = unquote(raw).strip().strip(".,;:").lower()
    m = EMAIL_RE.fullmatch(email)
    if not m:
        return None
    local, _, domain = email.rpartition("@")
    v = _vocab()["placeholders"]
    tld = domain.rsplit(".", 1)[-1]
    if tld in v["file_extensions"] or email in v["emails"] or email in v["boilerplate"]:
        return None
    if domain in v["domains"] or any(domain.endswith("." + d) for d in v["domains"]):
        return None
    if local in v["local_parts"] and domain in v["generic_local_domains"]:
        return None
    parts = _extractor()(domain)
    if not parts.suffix or not parts.domain:
        return None
    return email


_EXAMPLE_BEFORE = re.compile(
    r"(?:\be\.?\s?g\.?|\bexample\s*:?|\bsuch\s+as|\bfor\s+instance|\blike|\bformat\s*:?)\s*[\"'“(]?\s*$",
    re.I,
)


def is_example(text: str, start: int) -> bool:
    """True when the string at `start` is introduced as an example ("e.g. name@bank")."""
    return bool(_EXAMPLE_BEFORE.search(text[max(0, start - 20) : start]))


def _text_emails(view: PageView, paypal_accounts: set[str]) -> list[Contact]:
    out = []
    text = view.text
    for m in _OBFUSCATED.finditer(text):
        if not _BRACKET_AT.search(m.group(0)) and not _DOT_SUB.search(m.group(0)):
            continue  # "visit us at smmking.in" is prose, not "us@smmking.in"
        host = _DOT_SUB.sub(".", m.group(2))
        email = clean_email(f"{m.group(1)}@{host}.{m.group(3)}")
        if email and email not in paypal_accounts:
            out.append(Contact("email", email, _snip(text, m.start(), m.end())))
    for m in EMAIL_RE.finditer(text + "\n" + view.ld_json):
        email = clean_email(m.group(1))
        if email and email not in paypal_accounts and not is_example(text, m.start()):
            out.append(Contact("email", email, m.group(0)))
    for raw in view.cf_emails:
        email = clean_email(raw)
        if email:
            out.append(Contact("email", email, "data-cfemail"))
    return out


# --- phones ----------------------------------------------------------------------------------
def normalise_phone(
    raw: str, region: str | None, international: bool = False, strict: bool = True
) -> str | None:
    """E.164 form of a valid, non-placeholder number, else None.

    `strict=False` (explicit tel:/wa.me links) also accepts a merely *possible* number: the
    numbering metadata lags behind newly allocated ranges.
    """
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 7 or len(digits) > 15 or _is_placeholder_digits(digits):
        return None
    candidates = []
    if international or raw.strip().startswith("+"):
        candidates.append(("+" + digits, None))
    elif raw.strip().startswith("00"):
        candidates.append(("+" + digits[2:], None))
    if region:
        candidates.append((raw, region))
    for text, reg in candidates:
        try:
            num = phonenumbers.parse(text, reg)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num) or (
            not strict and phonenumbers.is_possible_number(num) and len(digits) >= 10
        ):
            e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
            if not _is_placeholder_digits(str(num.national_number)):
                return e164
    return None


def _is_placeholder_digits(digits: str) -> bool:
    ph = _vocab()["placeholders"]["phones"]
    if digits in ph or any(digits.endswith(p) and len(p) >= 9 for p in ph):
        return True
    if len(set(digits[-9:])) <= 2:
        return True
    return any(seq in digits for seq in ("123456789", "987654321", "0123456789"))


def _labels(name: str) -> re.Pattern:
    words = sorted(_vocab()["labels"][name], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


@cache
def _label_res() -> dict[str, re.Pattern]:
    return {k: _labels(k) for k in ("phone", "whatsapp", "telegram", "skype")}


_INTL_NUM = re.compile(r"(?<![\w+.,])\+\d[\d\s.()\-]{6,20}\d(?!\d)")
_BARE_NUM = re.compile(
    r"\s*[:\-–]?\s*(?:no\.?|number|#)?\s*[:\-–]?\s*(\+?\(?\d[\d\s.()\-]{6,18}\d)(?!\d)"
)


def _text_phones(
    view: PageView, whatsapp: set[str] = frozenset(), region: str | None = None
) -> list[Contact]:
    """'+'-prefixed numbers anywhere; bare numbers only right after a phone/WhatsApp label.

    An unlabelled number the page also links as WhatsApp (wa.me) is that WhatsApp number.
    """
    text = view.text
    window = _vocab()["labels"]["window"]
    res = _label_res()
    labels = sorted(
        [(m.start(), m.end(), "whatsapp") for m in res["whatsapp"].finditer(text)]
        + [(m.start(), m.end(), "phone") for m in res["phone"].finditer(text)]
    )
    found: dict[int, tuple[str, str]] = {}
    for m in _INTL_NUM.finditer(text):
        found[m.start()] = (m.group(0), _kind_before(labels, m.start(), window))
    for _start, end, kind in labels:
        m = _BARE_NUM.match(text, end, min(len(text), end + window))
        if m and m.start(1) not in found:
            found[m.start(1)] = (m.group(1), _kind_before(labels, m.start(1), window) or kind)
    out = []
    for raw, kind in found.values():
        intl = raw.startswith(("+", "00"))
        if not intl and not kind:
            continue
        e164 = _longest_valid(raw, region)
        if e164:
            kind = kind or ("whatsapp" if e164 in whatsapp else "phone")
            out.append(Contact(kind, e164, raw))
    return out


def _longest_valid(raw: str, region: str | None) -> str | None:
    """Valid number from `raw`, dropping trailing digit groups that are not part of it."""
    groups = re.split(r"(?<=\d)(?=[\s.()\-])", raw.strip())
    while groups:
        candidate = "".join(groups)
        if len(re.sub(r"\D", "", candidate)) < 7:
            return None
        e164 = normalise_phone(candidate, region)
        if e164:
            return e164
        groups.pop()
    return None


def _kind_before(labels: list[tuple[int, int, str]], pos: int, window: int) -> str | None:
    """Kind of the nearest label ending within `window` characters before `pos`."""
    best = None
    for _start, end, kind in labels:
        if end > pos:
            break
        if pos - end <= window:
            best = kind
    return best


def infer_region(view: PageView) -> str | None:
    """The site's country, for phone numbers printed without a country code; None if unknown.

    In order: the host's country TLD; the country of the page's international numbers (tel:
    and WhatsApp links first); the page language's region subtag ("en-IN") or a language
    spoken mainly in one country ("id", "vi", "tr"); the currency its prices are shown in
    (the most frequent mark, when one country leads).
    """
    return view.region or _numbers_region(view) or lang_region(view.lang) or _currency_region(view)


def lang_region(lang: str) -> str | None:
    """Country of a BCP 47 language tag: its region subtag, else config [region.lang]."""
    parts = re.split(r"[-_]", lang.strip().lower()) if lang else []
    if not parts or not parts[0]:
        return None
    regions = _regions()
    for sub in parts[1:]:
        if len(sub) == 2 and sub.isalpha() and sub.upper() in regions:
            return sub.upper()
    region = _vocab()["region"]["lang"].get(parts[0])
    return region if region in regions else None


@cache
def _regions() -> frozenset[str]:
    return frozenset(phonenumbers.SUPPORTED_REGIONS)


@cache
def _currency_re() -> re.Pattern:
    marks = sorted(_vocab()["region"]["currency"], key=len, reverse=True)
    alt = "|".join(re.escape(m) for m in marks)
    return re.compile(rf"(?<![A-Za-z])({alt})\.?\s?\d|\d\s?({alt})(?![A-Za-z])")


def _currency_region(view: PageView) -> str | None:
    table = _vocab()["region"]["currency"]
    counts: dict[str, int] = {}
    for m in _currency_re().finditer(view.text):
        region = table[m.group(1) or m.group(2)]
        counts[region] = counts.get(region, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]):
        return None  # no currency, or no clear leader
    return ranked[0][0]


def _numbers_region(view: PageView) -> str | None:
    """The country of the page's first international number (links first, then text)."""
    for href, _ in view.links:
        c = contact_from_url(href)
        if c and c.kind in ("phone", "whatsapp"):
            return phonenumbers.region_code_for_number(phonenumbers.parse(c.value))
    m = _INTL_NUM.search(view.text)
    if m:
        e164 = normalise_phone(m.group(0), None)
        if e164:
            return phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    return None


# --- handles in text -------------------------------------------------------------------------
_TEXT_HANDLE = re.compile(r"[:\-–]?\s*@?([A-Za-z][A-Za-z0-9_]{3,31})\b")
_SKYPE_TEXT = re.compile(r"\s*(?:id)?\s*[:\-–]\s*((?:live:)?[A-Za-z][A-Za-z0-9_.,\-:]{4,40})")


def _text_handles(view: PageView) -> list[Contact]:
    out = []
    text = view.text
    for m in _label_res()["telegram"].finditer(text):
        tail = text[m.end() : m.end() + 40]
        h = re.match(r"\s*(?:id|username)?\s*[:\-–]\s*@([A-Za-z][A-Za-z0-9_]{3,31})\b", tail)
        h = h or re.match(r"\s*@([A-Za-z][A-Za-z0-9_]{3,31})\b", tail)
        if h and h.group(1).lower() not in _vocab()["messengers"]["telegram_reserved"]:
            out.append(Contact("telegram", h.group(1), text[m.start() : m.end() + h.end()]))
    for m in _label_res()["skype"].finditer(text):
        h = _SKYPE_TEXT.match(text[m.end() : m.end() + 60])
        if h and re.search(r"live:|[\d._\-]", h.group(1).rstrip(".,:")):
            out.append(
                Contact("skype", h.group(1).rstrip(".,:"), text[m.start() : m.end() + h.end()])
            )
    return out


# --- links -----------------------------------------------------------------------------------
def _link_contacts(view: PageView, region: str | None) -> list[Contact]:
    out = []
    for href, anchor in view.links:
        c = contact_from_url(href, region, anchor)
        if c:
            out.append(c)
    return out


def contact_from_url(href: str, region: str | None = None, anchor: str = "") -> Contact | None:
    """The contact a link points to (mailto, tel, WhatsApp, Telegram, Skype, Discord, social)."""
    low = href.strip().lower()
    if low.startswith("mailto:"):
        email = clean_email(href.strip()[7:].split("?", 1)[0].split(",", 1)[0])
        return Contact("email", email, href) if email else None
    if low.startswith(("tel:", "callto:")):
        raw = unquote(href.split(":", 1)[1])
        is_wa = bool(_label_res()["whatsapp"].search(anchor))
        e164 = normalise_phone(raw, region, strict=False)
        if not e164 and len(re.sub(r"\D", "", raw)) >= 11:  # international without "+"
            e164 = normalise_phone(raw, None, international=True, strict=False)
        return Contact("whatsapp" if is_wa else "phone", e164, href) if e164 else None
    if low.startswith("skype:"):
        name = unquote(href.strip()[6:].split("?", 1)[0]).strip()
        return Contact("skype", name, href) if len(name) >= 3 else None
    if low.startswith("whatsapp://"):
        return _whatsapp(href, region)
    if low.startswith("tg://"):
        dom = parse_qs(urlsplit(href).query).get("domain", [""])[0]
        return Contact("telegram", dom, href) if _TG_HANDLE.match(dom) else None
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    bare = host[4:] if host.startswith("www.") else host
    msg = _vocab()["messengers"]
    if host in msg["whatsapp_hosts"] or bare in msg["whatsapp_hosts"]:
        return _whatsapp(href, region)
    if bare in msg["telegram_hosts"]:
        return _telegram(parts.path, href)
    if bare in msg["discord_hosts"]:
        return _discord(bare, parts.path, href)
    return _social(bare, parts.path, parts.query, href)


def _whatsapp(href: str, region: str | None) -> Contact | None:
    parts = urlsplit(href)
    phone = parse_qs(parts.query).get("phone", [""])[0]
    if not phone and (parts.hostname or "").endswith("wa.me"):
        phone = unquote(parts.path.strip("/").split("/", 1)[0])
    if not phone or not re.fullmatch(r"\+?[\d\s\-()]{7,20}", phone):
        return None
    e164 = normalise_phone(phone, region, international=True, strict=False)
    return Contact("whatsapp", e164, href) if e164 else None


def _telegram(path: str, href: str) -> Contact | None:
    segs = [s for s in path.split("/") if s]
    if segs and segs[0] == "s" and len(segs) > 1:
        segs = segs[1:]
    if not segs or segs[0].startswith("+"):
        return None
    handle = unquote(segs[0]).lstrip("@")
    if handle.lower() in _vocab()["messengers"]["telegram_reserved"] or not _TG_HANDLE.match(
        handle
    ):
        return None
    return Contact("telegram", handle, href)


def _discord(host: str, path: str, href: str) -> Contact | None:
    segs = [s for s in path.split("/") if s]
    if host.endswith("discord.gg") and segs:
        code = segs[0]
    elif len(segs) >= 2 and segs[0] == "invite":
        code = segs[1]
    else:
        return None
    return Contact("discord", code, href) if _DISCORD_CODE.match(code) else None


def _social(host: str, path: str, query: str, href: str) -> Contact | None:
    soc = _vocab()["social"]
    for prefix in ("m.", "mobile.", "web.", "en-gb.", "business."):
        if host.startswith(prefix) and host[len(prefix) :] in soc["hosts"]:
            host = host[len(prefix) :]
    kind = soc["hosts"].get(host)
    if not kind:
        return None
    segs = [unquote(s) for s in path.split("/") if s]
    if segs and segs[0] in ("_u", "_n", "#!"):  # app deep links: instagram.com/_u/<handle>
        segs = segs[1:]
    if kind == "facebook" and segs and segs[0] == "profile.php":
        fid = parse_qs(query).get("id", [""])[0]
        return Contact("facebook", fid, href) if fid.isdigit() else None
    if not segs:
        return None
    handle = segs[0].lstrip("@")
    low = handle.lower()
    if low in soc["reserved"] or low in soc["platform_accounts"]:
        return None
    if len(segs) > 1 and segs[1].lower() in soc["post_segments"]:
        return None
    if kind == "instagram" and len(segs) > 1 and segs[1].lower() in ("p", "reel", "tv"):
        return None
    if not _HANDLE_RE[kind].match(handle) or handle.endswith((".php", ".html")):
        return None
    return Contact(kind, handle, href)


def _snip(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 20) : end + 20].split())
