"""Leads of one page: payments (with receiving accounts), contacts and tracker identifiers.

`extract_leads(html, url)` parses the page once into a `PageView` (visible text, links,
resources, code) and hands it to `payments`, `contacts` and `identifiers`. Pure: no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urljoin, urlsplit

import phonenumbers
from lxml import etree

from config.vocab import load
from extract import contacts, identifiers, payments
from extract.domains import registered_domain
from extract.model import Contact, Identifier, Payment
from extract.parsed import ParsedPage, parse_html

_SKIP_TEXT = {"script", "style", "noscript", "template", "textarea", "head", "title", "svg"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5",
    "h6", "section", "footer", "header", "article", "aside", "nav", "form", "label", "dt", "dd",
    "option", "button", "blockquote", "pre", "main", "center", "hr", "img",
}  # fmt: skip
# attributes whose values are prose or form defaults, never tracker/contact code
_PROSE_ATTRS = {"placeholder", "value", "alt", "title", "aria-label", "content", "class", "style"}
_URL_ATTRS = ("href", "src", "action", "data-src", "data-href", "data-url", "srcset", "poster")
_TLD_REGION = {"uk": "GB", "su": "RU", "eu": ""}


@dataclass(slots=True)
class PageView:
    """One page, parsed once for every lead extractor."""

    url: str
    domain: str  # registered domain of the page
    region: str | None  # default phone region (country of the ccTLD)
    text: str = ""  # visible text, blocks separated by newlines (no form values)
    pay_text: str = ""  # visible text plus read-only/copy-button values (addresses)
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute href, anchor text)
    resources: list[str] = field(default_factory=list)  # script/link/iframe/img/form URLs
    logos: list[str] = field(default_factory=list)  # img/icon alt+title+src+class, lower case
    forms: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (action, inputs)
    code: str = ""  # inline scripts, noscript markup and attribute values (quoted)
    cf_emails: list[str] = field(default_factory=list)  # Cloudflare-protected addresses
    ld_json: str = ""  # application/ld+json blocks


def region_for(url: str) -> str | None:
    """Default phone region from the host's country-code TLD (.in -> IN), else None."""
    host = urlsplit(url).hostname or ""
    tld = host.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or not tld.isalpha():
        return None
    region = _TLD_REGION.get(tld, tld.upper())
    return region if region in _regions() else None


@cache
def _regions() -> frozenset[str]:
    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def _decode_cfemail(hexdata: str) -> str | None:
    try:
        raw = bytes.fromhex(hexdata)
    except ValueError:
        return None
    if len(raw) < 2:
        return None
    return "".join(chr(b ^ raw[0]) for b in raw[1:])


def parse_page(html: str, url: str) -> PageView:
    """Parse `html` into a `PageView`; never raises on malformed markup."""
    return view_of(parse_html(html), url)


def view_of(root, url: str) -> PageView:
    """The `PageView` of an already parsed document (None: an empty view)."""
    view = PageView(url=url, domain=registered_domain(url), region=region_for(url))
    if root is None:
        return view
    text: list[str] = []
    pay: list[str] = []
    code: list[str] = []
    ld: list[str] = []
    _walk(root, view, text, pay, code, ld)
    view.text = "".join(text)
    view.pay_text = "".join(pay)
    view.code = "\n".join(code)
    view.ld_json = "\n".join(ld)
    return view


def _walk(root, view: PageView, text: list, pay: list, code: list, ld: list) -> None:
    stack: list = [(root, False, False)]
    while stack:
        el, closing, mute = stack.pop()
        if closing:
            if el.tail and not mute:
                text.append(el.tail)
                pay.append(el.tail)
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag:  # comment / processing instruction: only its tail is text
            if el.tail and not mute:
                text.append(el.tail)
                pay.append(el.tail)
            continue
        _collect_attrs(el, tag, view, code, pay)
        if tag in _ICON_TAGS and not mute:
            label = _icon_label(el)
            if label:
                text.append(f" {label} ")
        if tag in ("script", "noscript"):
            body = el.text or ""
            if tag == "noscript":
                body = etree.tostring(el, encoding="unicode", with_tail=False)
            if (el.get("type") or "").lower() == "application/ld+json":
                ld.append(body)
            code.append(body)
        if tag in _BLOCK and not mute:
            text.append("\n")
            pay.append("\n")
        stack.append((el, True, mute))
        inner_mute = mute or tag in _SKIP_TEXT
        if el.text and not inner_mute:
            text.append(el.text)
            pay.append(el.text)
        if tag not in ("script", "style", "template", "textarea"):
            stack.extend((child, False, inner_mute) for child in reversed(el))


_ICON_TAGS = {"i", "img", "svg", "span", "em"}


@cache
def _icon_res() -> list[tuple[re.Pattern, str]]:
    icons = load("contacts")["icons"]
    return [
        (re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, words)) + r")(?![a-z])"), label)
        for label, words in icons.items()
    ]


def _icon_label(el) -> str | None:
    """A contact label ("WhatsApp:") an icon stands for, so text after it is labelled."""
    key = " ".join(el.get(k, "") for k in ("class", "alt", "aria-label", "title")).lower()
    if not key.strip():
        return None
    for rx, label in _icon_res():
        if rx.search(key):
            return label
    return None


def _collect_attrs(el, tag: str, view: PageView, code: list, pay: list) -> None:
    attrs = el.attrib
    for name, value in attrs.items():
        if name.lower() not in _PROSE_ATTRS and value:
            code.append(f'"{value}"')
        if name.lower() in ("data-clipboard-text", "data-copy", "data-clipboard", "data-address"):
            pay.append(f"\n{value}\n")
    if tag in ("a", "area") and attrs.get("href"):
        view.links.append((_abs(view.url, attrs["href"]), " ".join(el.itertext()).strip()))
    for name in _URL_ATTRS:
        if tag not in ("a", "area") and attrs.get(name) and name != "srcset":
            view.resources.append(_abs(view.url, attrs[name]))
    if "data-cfemail" in attrs:
        decoded = _decode_cfemail(attrs["data-cfemail"])
        if decoded:
            view.cf_emails.append(decoded)
    href = attrs.get("href", "")
    if "/cdn-cgi/l/email-protection#" in href:
        decoded = _decode_cfemail(href.rsplit("#", 1)[1])
        if decoded:
            view.cf_emails.append(decoded)
    if tag in ("img", "i", "svg", "span", "image", "object", "picture", "source", "div", "li", "a"):
        keys = ("alt", "title", "aria-label", "data-src")
        if tag in ("img", "i", "svg", "image"):  # icon fonts: fa-cc-visa, fa-paypal …
            keys += ("class",)
        parts = [attrs.get(k, "") for k in keys]
        if tag in ("img", "image", "source", "object"):
            parts.append(urlsplit(attrs.get("src", "") or attrs.get("data", "")).path)
        logo = " ".join(p for p in parts if p).lower()
        if logo.strip():
            view.logos.append(logo)
    if tag == "form":
        inputs = {
            (i.get("name") or ""): (i.get("value") or "") for i in el.iter("input") if i.get("name")
        }
        view.forms.append((_abs(view.url, attrs.get("action", "") or view.url), inputs))
    if (
        tag == "input"
        and attrs.get("value")
        and ("readonly" in attrs or "disabled" in attrs or "data-clipboard-text" in attrs)
    ):
        if (attrs.get("type") or "text").lower() in ("text", ""):
            pay.append(f"\n{attrs['value']}\n")


def _abs(base: str, href: str) -> str:
    href = href.strip()
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def extract_leads(html: str, url: str) -> tuple[list[Payment], list[Contact], list[Identifier]]:
    """Payments, contacts and identifiers found on one page, deduplicated."""
    return leads_of_view(parse_page(html, url))


def leads_of(page: ParsedPage) -> tuple[list[Payment], list[Contact], list[Identifier]]:
    """Leads of a parsed page (the registry's `leads` extractor)."""
    return leads_of_view(view_of(page.tree, page.url))


def leads_of_view(view: PageView) -> tuple[list[Payment], list[Contact], list[Identifier]]:
    pays = payments.find_payments(view)
    accounts = {p.account.lower() for p in pays if p.account and p.method == "paypal"}
    conts = contacts.find_contacts(view, paypal_accounts=accounts)
    idents = identifiers.find_identifiers(view)
    idents.extend(payments.address_identifiers(pays))
    return pays, _dedup_contacts(conts), _dedup_idents(idents)


def _dedup_contacts(items: list[Contact]) -> list[Contact]:
    seen: set[tuple[str, str]] = set()
    out = []
    for c in items:
        key = (c.kind, c.value.lower())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _dedup_idents(items: list[Identifier]) -> list[Identifier]:
    seen: set[tuple[str, str]] = set()
    out = []
    for i in items:
        key = (i.kind, i.value)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out
