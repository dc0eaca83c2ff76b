"""RDAP (RFC 9083) look-ups: the registrar of a domain and the network holding an IP."""

from __future__ import annotations

import ipaddress
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

from config.errors import RdapError  # noqa: F401 - re-exported
from enrich.config import EnrichConfig

MAX_BYTES = 2_000_000


def _url(base: str, kind: str, key: str) -> str:
    return base.rstrip("/") + f"/{kind}/" + urllib.parse.quote(key, safe=":.")


def _get(
    opener: urllib.request.OpenerDirector, req: urllib.request.Request, timeout: float
) -> bytes:
    with opener.open(req, timeout=timeout) as resp:
        return resp.read(MAX_BYTES + 1)


def _retry_after(exc: urllib.error.HTTPError, cap: float) -> float | None:
    """Seconds to wait before asking again (Retry-After, default 1 s); None when above `cap`."""
    value = (exc.headers or {}).get("Retry-After", "1")
    try:
        wait = max(0.0, float(value))
    except ValueError:
        wait = 1.0  # an HTTP date: wait a little rather than parse it
    return wait if wait <= cap else None


def fetch(url: str, config: EnrichConfig, expect: str) -> dict:
    """GET an RDAP object (redirects followed); RdapError unless it is a JSON `expect` object."""
    proxies = {"http": config.rdap_proxy, "https": config.rdap_proxy} if config.rdap_proxy else {}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies))
    req = urllib.request.Request(
        url,
        headers={
            "Accept": "application/rdap+json, application/json",
            "User-Agent": config.user_agent,
        },
    )
    for attempt in range(config.rdap_retries + 1):
        try:
            body = _get(opener, req, config.rdap_timeout)
            break
        except urllib.error.HTTPError as exc:
            wait = _retry_after(exc, config.rdap_retry_wait)
            if exc.code not in (429, 503) or attempt == config.rdap_retries or wait is None:
                raise RdapError(f"HTTP {exc.code} from {exc.url or url}") from exc
            time.sleep(wait)  # rate limited: RDAP services ask clients to slow down
        except urllib.error.URLError as exc:
            raise RdapError(f"cannot reach {url}: {exc.reason}") from exc
        except TimeoutError as exc:
            raise RdapError(f"timeout reading {url}") from exc
        except OSError as exc:
            raise RdapError(f"{type(exc).__name__} reading {url}: {exc}") from exc
    if len(body) > MAX_BYTES:
        raise RdapError(f"answer from {url} larger than {MAX_BYTES} bytes")
    try:
        obj = json.loads(body)
    except ValueError as exc:
        raise RdapError(f"answer from {url} is not JSON: {body[:60]!r}") from exc
    if not isinstance(obj, dict):
        raise RdapError(f"answer from {url} is not an RDAP object")
    if "errorCode" in obj:
        raise RdapError(f"RDAP error {obj.get('errorCode')} from {url}: {obj.get('title')}")
    kind = str(obj.get("objectClassName", "")).lower()
    if kind != expect:
        raise RdapError(
            f"answer from {url} is a {kind or 'object without objectClassName'!r}, not {expect!r}"
        )
    return obj


def walk_entities(
    obj: dict, parents: tuple[str, ...] = ()
) -> Iterator[tuple[dict, tuple[str, ...]]]:
    """Every entity, nested ones too, with the roles of the entities enclosing it."""
    for ent in obj.get("entities") or []:
        if isinstance(ent, dict):
            yield ent, parents
            yield from walk_entities(ent, parents + tuple(_roles(ent)))


def _roles(ent: dict) -> list[str]:
    return [str(r).lower() for r in ent.get("roles") or []]


def vcard(ent: dict) -> dict[str, list[str]]:
    """Flatten a jCard (vcardArray) to {property: [text values]}; mailto:/tel: URIs unwrapped."""
    out: dict[str, list[str]] = {}
    arr = ent.get("vcardArray")
    if not (isinstance(arr, list) and len(arr) == 2 and isinstance(arr[1], list)):
        return _jscontact(ent.get("jscontact_card"))
    for prop in arr[1]:
        if not (isinstance(prop, list) and len(prop) >= 4):
            continue
        name, value = str(prop[0]).lower(), prop[3]
        if isinstance(value, list):  # structured (adr, n): join the non-empty parts
            value = ", ".join(str(v) for v in _flatten(value) if v)
        text = str(value).strip()
        for scheme in ("mailto:", "tel:"):
            if text.lower().startswith(scheme):
                text = text[len(scheme) :]
        if text:
            out.setdefault(name, []).append(text)
    return out


def _jscontact(card: object) -> dict[str, list[str]]:
    """The same flattening for an RDAP JSContact card (the vCard successor some registries use)."""
    if not isinstance(card, dict):
        return {}
    out: dict[str, list[str]] = {}
    name = card.get("name")
    full = name.get("full") if isinstance(name, dict) else None

    def items(key: str, field: str) -> list:
        group = card.get(key)
        group = group.values() if isinstance(group, dict) else []
        return [v.get(field) for v in group if isinstance(v, dict)]

    orgs = items("organizations", "name")
    for key, values in (
        ("fn", [full] if full else orgs),
        ("org", orgs),
        ("email", items("emails", "address")),
        ("tel", items("phones", "number")),
    ):
        for value in values:
            text = str(value or "").strip()
            for scheme in ("mailto:", "tel:"):
                text = text[len(scheme) :] if text.lower().startswith(scheme) else text
            if text:
                out.setdefault(key, []).append(text)
    return out


def _flatten(value: list) -> Iterator:
    for v in value:
        if isinstance(v, list):
            yield from _flatten(v)
        else:
            yield v


def _events(obj: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for ev in obj.get("events") or []:
        if isinstance(ev, dict) and ev.get("eventAction") and ev.get("eventDate"):
            out.setdefault(str(ev["eventAction"]).lower(), str(ev["eventDate"]))
    return out


def _email(ent: dict) -> str | None:
    emails = vcard(ent).get("email")
    return emails[0].lower() if emails else None


def _abuse_email(obj: dict, under: str | None = None) -> str | None:
    """E-mail of the first abuse entity (nested under a `under`-role entity when given)."""
    for ent, parents in walk_entities(obj):
        if "abuse" in _roles(ent) and (under is None or under in parents) and _email(ent):
            return _email(ent)
    return None


def parse_domain(obj: dict) -> dict:
    """Registrar {name, iana_id, abuse_email, abuse_phone}, dates, status, name servers."""
    registrar: dict = {"name": None, "iana_id": None, "abuse_email": None, "abuse_phone": None}
    for ent, _ in walk_entities(obj):
        if "registrar" not in _roles(ent):
            continue
        card = vcard(ent)
        registrar["name"] = (card.get("fn") or card.get("org") or [ent.get("handle")])[0]
        for pid in ent.get("publicIds") or []:
            if (
                "iana" in str(pid.get("type", "")).lower()
                and str(pid.get("identifier", "")).isdigit()
            ):
                registrar["iana_id"] = int(pid["identifier"])
        for sub, _ in walk_entities(ent):
            if "abuse" in _roles(sub):
                card = vcard(sub)
                registrar["abuse_email"] = registrar["abuse_email"] or _email(sub)
                registrar["abuse_phone"] = (
                    registrar["abuse_phone"] or (card.get("tel") or [None])[0]
                )
        break
    registrar["abuse_email"] = registrar["abuse_email"] or _abuse_email(obj)
    events = _events(obj)
    return {
        "domain": str(obj.get("ldhName") or obj.get("unicodeName") or "").lower().rstrip(".")
        or None,
        "handle": obj.get("handle"),
        "registrar": registrar,
        "created": events.get("registration"),
        "expires": events.get("expiration"),
        "updated": events.get("last changed"),
        "status": [str(s) for s in obj.get("status") or []],
        "nameservers": sorted(
            str(ns.get("ldhName", "")).lower().rstrip(".")
            for ns in obj.get("nameservers") or []
            if isinstance(ns, dict) and ns.get("ldhName")
        ),
    }


def parse_ip(obj: dict, ip: str) -> dict:
    """The network holding `ip`: {ip, name, handle, cidr, start, end, country, org, abuse_email}."""
    cidrs = []
    for c in obj.get("cidr0_cidrs") or []:
        prefix = c.get("v4prefix") or c.get("v6prefix")
        if prefix and c.get("length") is not None:
            cidrs.append(f"{prefix}/{c['length']}")
    if not cidrs and obj.get("startAddress") and obj.get("endAddress"):
        try:
            first, last = (ipaddress.ip_address(obj[k]) for k in ("startAddress", "endAddress"))
            cidrs = [str(n) for n in ipaddress.summarize_address_range(first, last)]
        except (TypeError, ValueError):
            pass
    org = None
    for ent, _ in walk_entities(obj):
        if "registrant" in _roles(ent):
            card = vcard(ent)
            org = (card.get("fn") or card.get("org") or [ent.get("handle")])[0]
            break
    return {
        "ip": ip,
        "name": obj.get("name"),
        "handle": obj.get("handle"),
        "cidr": ", ".join(cidrs) or None,
        "start": obj.get("startAddress"),
        "end": obj.get("endAddress"),
        "country": (str(obj["country"]).upper() if obj.get("country") else None),
        "type": obj.get("type"),
        "org": org,
        "abuse_email": _abuse_email(obj),
    }


def lookup_domain(domain: str, config: EnrichConfig) -> dict:
    """RDAP of a registrable domain, parsed; RdapError on failure."""
    obj = fetch(_url(config.rdap_domain_url, "domain", domain), config, "domain")
    return parse_domain(obj)


def lookup_ip(ip: str, config: EnrichConfig) -> dict:
    """RDAP of the network holding `ip`, parsed; RdapError on failure."""
    obj = fetch(_url(config.rdap_ip_url, "ip", ip), config, "ip network")
    return parse_ip(obj, ip)
