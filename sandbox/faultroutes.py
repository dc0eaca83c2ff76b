"""Fault routes a crawler meets on some portals (behaviours implemented by sandbox/server.py)."""

from __future__ import annotations

CHALLENGE = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    '<meta http-equiv="refresh" content="390"></head><body><div id="cf-wrapper">'
    "<h1>Checking your browser before accessing the website.</h1><p>Just a moment...</p>"
    "<noscript>Please enable Cookies and reload the page.</noscript>"
    '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script>'
    '<div class="ray-id">Ray ID: <code>{ray}</code></div></div></body></html>'
)


def footer_links(spec: dict) -> str:
    faults = spec.get("faults", [])
    out = ""
    if "footer_huge" in faults:
        out += ' <a href="/price-archive">Full price archive</a>'
    if "footer_bomb" in faults:
        out += ' <a href="/backup/services-export.html">Services export</a>'
    if "redirect_loop" in faults:
        out += ' <a href="/loop-a">Old panel</a>'
    if "reset_page" in faults:
        out += ' <a href="/old-prices">Old prices</a>'
    return out


def apply(site, spec: dict, page) -> None:
    """Replace or add routes of `site` for the faults of `spec`."""
    faults = spec.get("faults", [])
    if "flaky_services" in faults:
        site.routes["/services"] = {
            "fault": "flaky",
            "fail_times": 2,
            "status": 503,
            "then": site.routes["/services"],
        }
    if "slow_faq" in faults:
        site.routes["/faq"] = {"fault": "slow", "delay": 2.0, "then": site.routes["/faq"]}
    if "calendar_trap" in faults:
        site.prefixes["/events/"] = {"fault": "calendar_trap"}
    if "footer_huge" in faults:
        site.routes["/price-archive"] = {"fault": "huge", "size_mb": 40}
    if "footer_bomb" in faults:
        site.routes["/backup/services-export.html"] = {"fault": "gzip_bomb", "size_mb": 2048}
    if "redirect_loop" in faults:
        site.routes["/loop-a"] = {"fault": "redirect", "status": 302, "location": "/loop-b"}
        site.routes["/loop-b"] = {"fault": "redirect", "status": 302, "location": "/loop-a"}
    if "reset_page" in faults:
        site.routes["/old-prices"] = {"fault": "reset"}


def block(site, ray: str) -> None:
    """Put the whole host behind a Cloudflare-like challenge."""
    route = site.page(
        "/__challenge",
        CHALLENGE.format(ray=ray),
        status=503,
        headers={"Server": "cloudflare", "CF-RAY": f"{ray}-FRA", "Cache-Control": "no-cache"},
    )
    del site.routes["/__challenge"]
    site.routes = {p: route for p in list(site.routes)}
    site.prefixes = {}
    site.default = route
