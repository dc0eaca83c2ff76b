"""Pivots inside the atlas: values on crawled pages that name another domain.

An e-mail contact or a payment account (PayPal e-mail) at another domain than the portal's own
(`support@sister-panel.com` on `panel-a.com`) names a domain the same operator holds; free mail
providers are left out. Each becomes a `shared_value` sighting on the page and capture the
value was read from.
"""

from __future__ import annotations

from sqlalchemy import select

from atlas.discovery.candidates import record_sighting
from atlas.discovery.sources import Context, Found
from extract.domains import registered_domain
from storage.models import Contact, Payment, Portal

FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.in", "yahoo.co.in", "outlook.com",
    "hotmail.com", "live.com", "icloud.com", "proton.me", "protonmail.com", "mail.ru",
    "yandex.ru", "yandex.com", "aol.com", "gmx.com", "zoho.com", "rediffmail.com", "qq.com",
    "163.com", "smartpanel.com",
}  # fmt: skip


def collect(ctx: Context) -> list[Found]:
    s = ctx.session
    rows = list(
        s.execute(
            select(Portal.id, Portal.domain, Contact.value, Contact.url, Contact.capture_id)
            .join(Contact, Contact.portal_id == Portal.id)
            .where(Contact.kind == "email")
        )
    ) + list(
        s.execute(
            select(Portal.id, Portal.domain, Payment.account, Payment.url, Payment.capture_id)
            .join(Payment, Payment.portal_id == Portal.id)
            .where(Payment.account.like("%@%.%"))
        )
    )
    out = []
    for pid, own, value, url, capture_id in rows:
        domain = registered_domain(value.rsplit("@", 1)[-1].lower())
        if not domain or "." not in domain or domain == own or domain in FREE_MAIL:
            continue
        sid = record_sighting(
            s, "shared_value", value, domain, url, source=own, portal_id=pid,
            capture_id=capture_id, context=f"e-mail {value} on {own}",
        )  # fmt: skip
        out.append(Found(domain, f"http://{domain}/", "shared_value", own, sid))
    return out
