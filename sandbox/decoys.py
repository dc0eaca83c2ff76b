"""Sites that are not portals: news, an agency, a blog, a directory, a parked domain."""

from __future__ import annotations

import random

from sandbox import leads
from sandbox.pages import shell
from sandbox.site import Site

NAV = [("/", "Home"), ("/about", "About")]


def empty_truth(
    site: Site, status: str, kind: str | None, theme: str | None, noise: list[str]
) -> dict:
    """Ground truth of a site that sells nothing: no offers, no leads."""
    return {
        "domain": site.domain,
        "url": site.url,
        "status": status,
        "kind": kind,
        "software": None,
        "theme": theme,
        "js_rendered": False,
        "currencies": [],
        "cluster": None,
        "offers": [],
        "payments": [],
        "contacts": [],
        "identifiers": [],
        "noise": sorted(set(noise)),
        "source": None,
    }


def build_decoy(spec: dict, rng: random.Random, portal_urls: list[str]) -> Site:
    host, kind = spec["host"], spec["type"]
    site = Site(host, host.removeprefix("www."))
    brand = site.domain.split(".")[0].capitalize()
    lv = leads.Leads()
    if kind == "news":
        body = (
            "<article><h1>Police bust fake follower racket selling likes to influencers</h1>"
            "<p>Investigators say the "
            "operators sold 1000 Instagram followers for as little as Rs 199 and ran more than"
            " 50 panels. "
            "One customer said: we once paid $5 for 1000 likes.</p></article>"
        )
        noise = ["Rs 199", "$5 for 1000 likes"]
        t = empty_truth(site, "not_a_portal", None, "news", noise)
    elif kind == "agency":
        body = (
            '<h1>Social media management for brands</h1><table class="plans"><tr><th>Plan</th>'
            "<th>Price</th></tr>"
            "<tr><td>Starter plan</td><td>$299/month</td></tr><tr><td>Growth plan</td>"
            "<td>$599/month</td></tr>"
            "<tr><td>Enterprise</td><td>$1,499/month</td></tr></table><p>Content calendars,"
            " community management "
            "and reporting. We never buy followers.</p>"
        )
        t = empty_truth(
            site, "not_a_portal", "other", "agency", ["$299/month", "$599/month", "$1,499/month"]
        )
    elif kind == "blog":
        body = (
            "<h1>How to spot fake followers</h1>"
            + leads.prose_noise(lv, rng)
            + (
                "<p>Look at the follower to like ratio, sudden jumps of 1000 followers overnight"
                " and accounts without posts.</p>"
            )
        )
        t = empty_truth(site, "not_a_portal", None, "blog", lv.noise)
    elif kind == "directory":
        items = "".join(
            f'<li><a href="{u}">{u.split("/")[2]}</a> - rated 4.{i % 9}/5</li>'
            for i, u in enumerate(portal_urls)
        )
        body = (
            f"<h1>Best SMM panels 2026</h1><p>Our ranking of cheap SMM panels.</p><ol>{items}</ol>"
        )
        t = empty_truth(site, "not_a_portal", None, "directory", [])
    else:  # parked
        body = (
            '<div class="parking"><h1>This domain is for sale</h1><p>'
            + site.domain
            + " may be for sale. "
            '<a href="/buy-domain?d='
            + site.domain
            + '">Make an offer</a></p><div id="sedo-parking">'
            "Related searches: Buy Instagram Followers, SMM Panel</div></div>"
        )
        site.page(
            "/",
            f"<!DOCTYPE html><html><head><title>{site.domain} is for sale</title><script"
            ' src="/js/parking.js">'
            "</script></head><body>" + body + "</body></html>",
        )
        site.default = site.routes["/"]
        site.truth = empty_truth(site, "parked", None, "parked", [])
        return site
    site.page("/", shell(brand, brand, body, nav=NAV))
    site.page(
        "/about",
        shell("About", brand, "<h1>About us</h1><p>Independent writers since 2012.</p>", nav=NAV),
    )
    site.truth = t
    return site
