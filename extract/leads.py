"""Leads of one page: payments (with receiving accounts), contacts and tracker identifiers.

`extract_leads(html, url)` parses the page once into a `PageView` (visible text, links,
resources, code) and hands it to `payments`, `contacts` and `identifiers`. Pure: no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from config.vocab import load
from extract import contacts, identifiers, payments
from extract.domains import region_for, registered_domain
from extract.model import Contact, Identifier, Payment, SoftwareHint
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
    logos: list[str] = field(default_factory=list)  # image/icon alt, title, aria-label, SVG title
    logo_files: list[str] = field(default_factory=list)  # image file paths (lower case)
    forms: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (action, inputs)
    code: str = ""  # inline scripts, noscript markup and attribute values (quoted)
    cf_emails: list[str] = field(default_factory=list)  # Cloudflare-protected addresses
    ld_json: str = ""  # application/ld+json blocks
    lang: str = ""  # <html lang>, og:locale or content-language, lower case ("pt-br")
    # credit lines of theme authors / script vendors ("Designed by <a>…</a>"): the credited
    # link URLs and text tokens (e-mail, @handle, +number). Not the operator's contacts;
    # `credit_hints(view)` turns them into SoftwareHint("vendor:<domain or handle>").
    credits: list[str] = field(default_factory=list)


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
    view.text = _strip_text_credits(view, "".join(text))
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
        credit = tag == "a" and not mute and _is_credit_link(el, view, text)
        _collect_attrs(el, tag, view, code, pay, credit)
        if tag == "svg":
            title = el.find("title")
            if title is None:
                title = next(iter(el.iter("{*}title", "title")), None)
            if title is not None and (title.text or "").strip():
                view.logos.append(title.text.strip().lower())
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
        inner_mute = mute or tag in _SKIP_TEXT or credit
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


def _collect_attrs(el, tag: str, view: PageView, code: list, pay: list, credit=False) -> None:
    attrs = el.attrib
    if tag == "html" and attrs.get("lang"):
        view.lang = attrs["lang"].strip().lower().replace("_", "-")
    elif tag == "meta" and not view.lang:
        key = (attrs.get("property") or attrs.get("http-equiv") or "").lower()
        if key in ("og:locale", "content-language") and attrs.get("content"):
            view.lang = attrs["content"].strip().lower().replace("_", "-")
    for name, value in attrs.items():
        if name.lower() not in _PROSE_ATTRS and value and not credit:
            code.append(f'"{value}"')
        if name.lower() in ("data-clipboard-text", "data-copy", "data-clipboard", "data-address"):
            pay.append(f"\n{value}\n")
    if tag in ("a", "area") and attrs.get("href"):
        href = _abs(view.url, attrs["href"])
        if credit:
            view.credits.append(href)
        else:
            view.links.append((href, " ".join(el.itertext()).strip()))
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
    if tag in _LOGO_TAGS:  # text of an image or icon; a class name alone is never a logo
        logo = " ".join(attrs.get(k, "") for k in ("alt", "title", "aria-label")).strip().lower()
        if logo:
            view.logos.append(logo)
        if tag in ("img", "image", "source", "object"):
            src = attrs.get("src", "") or attrs.get("data", "") or attrs.get("data-src", "")
            path = _path(src)
            if path:
                view.logo_files.append(path.lower())
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


_LOGO_TAGS = {"img", "i", "svg", "span", "image", "object", "picture", "source", "div", "li", "a"}


def _path(url: str) -> str:
    try:
        return urlsplit(url.strip()).path if not url.startswith("data:") else ""
    except ValueError:
        return ""


# --- credit lines of theme authors and script vendors ---------------------------------------
@cache
def _credit_res() -> tuple[re.Pattern, re.Pattern]:
    phrases = sorted(load("contacts")["credits"]["phrases"], key=len, reverse=True)
    alt = "|".join(re.escape(p) for p in phrases)
    # the phrase, then at most a few words (no sentence or list break) before the link
    before_link = re.compile(rf"(?<!\w)(?:{alt})(?:\s*[:\-–]?\s*)[^.!?|·•©\n]{{0,25}}$", re.I)
    in_text = re.compile(rf"(?<!\w)(?:{alt})\s*[:\-–]?\s*((?:(?![.!?]\s)[^\n|·•©]){{1,60}})", re.I)
    return before_link, in_text


_CREDIT_TOKEN = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@[A-Za-z][A-Za-z0-9_]{3,31}|\+\d[\d \-]{7,16}\d"
    r"|(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,24}(?:/\S*)?",
    re.I,
)


def _is_credit_link(el, view: PageView, text: list[str]) -> bool:
    """An <a> that credits another party ("Designed by <a>…</a>"), not the operator's link."""
    href = el.get("href") or ""
    host = _host(_abs(view.url, href))
    if not host or registered_domain(host) == view.domain or payments.url_methods(href):
        return False
    before_link, in_text = _credit_res()
    if in_text.match(" ".join(el.itertext()).strip()):  # <a>Designed by CoderX</a>
        return True
    line: list[str] = []
    size = 0
    for piece in reversed(text):
        line.append(piece)
        size += len(piece)
        if "\n" in piece or size > 120:
            break
    tail = "".join(reversed(line)).rsplit("\n", 1)[-1][-120:]
    return bool(before_link.search(tail))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _strip_text_credits(view: PageView, text: str) -> str:
    """Credit lines in text ("Script by dev@vendor.com"): record their e-mail, @handle,
    number or site as credits and blank them, so they are not read as the operator's."""
    _, in_text = _credit_res()
    spans = []
    for m in in_text.finditer(text):
        for t in _CREDIT_TOKEN.finditer(m.group(1)):
            token = t.group(0).rstrip(".,;)")
            if t.start() > 40:
                break
            if not token.startswith(("+", "@")):
                host = token.rpartition("@")[2] if "@" in token and "://" not in token else token
                dom = registered_domain(host if "://" in host else "http://" + host)
                if not dom or dom == view.domain:
                    continue
            view.credits.append(token)
            spans.append((m.start(1) + t.start(), m.start(1) + t.start() + len(token)))
    # the vendor's own addresses elsewhere on the line ("Script by <a>X</a> · sales@x.com")
    vendors = {registered_domain(c) for c in view.credits if c.startswith("http")} - {""}
    vendors.discard(view.domain)
    if vendors:
        for m in contacts.EMAIL_RE.finditer(text):
            if registered_domain("http://" + m.group(1).rpartition("@")[2].lower()) in vendors:
                view.credits.append(m.group(1))
                spans.append(m.span(1))
        keep = []
        for href, anchor in view.links:
            if (
                href.lower().startswith("mailto:")
                and registered_domain("http://" + href.split("?", 1)[0].rpartition("@")[2].lower())
                in vendors
            ):
                view.credits.append(href[7:].split("?", 1)[0])
            else:
                keep.append((href, anchor))
        view.links = keep
    for start, end in sorted(set(spans), reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def credit_hints(view: PageView) -> list[SoftwareHint]:
    """The page's credited vendors as software hints: SoftwareHint("vendor:<domain or handle>")
    (a messenger/e-mail link or token gives its handle, e-mail or E.164 number)."""
    out: list[SoftwareHint] = []
    seen: set[str] = set()
    for credit in view.credits:
        value = _credit_value(credit, view)
        if value and value not in seen:
            seen.add(value)
            out.append(SoftwareHint(f"vendor:{value}", f"credit: {credit}"[:160], 0.5))
    return out


def _credit_value(credit: str, view: PageView) -> str | None:
    if credit.startswith("@"):
        return credit[1:]
    if credit.startswith("+"):
        return contacts.normalise_phone(credit, None)
    if "@" in credit and "://" not in credit:
        return contacts.clean_email(credit) or credit.lower()
    url = credit if "://" in credit or ":" in credit.split("/")[0] else "http://" + credit
    c = contacts.contact_from_url(url, view.region)
    if c:
        return c.value
    return registered_domain(url) or None


def _abs(base: str, href: str) -> str:
    href = href.strip()
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def extract_leads(html: str, url: str) -> tuple[list[Payment], list[Contact], list[Identifier]]:
    """Payments, contacts and identifiers found on one page, deduplicated."""
    return leads_of_view(parse_page(html, url))


def view_for(page: ParsedPage) -> PageView:
    """The page's `PageView`, built once per page whatever asks for it."""
    view = page.memo.get("leads_view")
    if view is None:
        view = page.memo["leads_view"] = view_of(page.tree, page.url)
    return view


def leads_of(page: ParsedPage) -> tuple[list[Payment], list[Contact], list[Identifier]]:
    """Leads of a parsed page (the registry's `leads` extractor)."""
    return leads_of_view(view_for(page))


def credits_of(page: ParsedPage) -> list[SoftwareHint]:
    """Theme authors and script vendors a page credits, as software hints (registry step)."""
    return credit_hints(view_for(page))


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
