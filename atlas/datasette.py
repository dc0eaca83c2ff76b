"""Datasette metadata for `smmatlas serve`: titles, descriptions, labels, facets, canned queries.

Datasette shows a foreign key with the referenced table's `label_column`, so `portal_id` reads
as the portal's domain. The views (storage/migrations/versions/0004_workbench.py) carry domains,
UTC times written with `Z` and USD prices; the canned queries answer the questions every case
asks. Canned queries run read-only SQL on SQLite.
"""

from __future__ import annotations

UTC_NOTE = "UTC (the atlas stores UTC only)"

TABLES: dict[str, dict] = {
    "portals": {
        "title": "Portals",
        "description": "One row per portal (registered domain) the atlas has crawled.",
        "label_column": "domain",
        "facets": ["status", "kind", "software"],
        "columns": {
            "domain": "registered domain of the portal",
            "status": "active, unreachable, blocked, parked or not_a_portal",
            "kind": "panel (wholesale, per 1000) or storefront (retail packages)",
            "software": "panel software family its markup shows",
            "first_seen": f"first crawl that saw it, {UTC_NOTE}",
            "last_seen": f"latest crawl that saw it, {UTC_NOTE}",
        },
    },
    "offers": {
        "title": "Offers (services and packages)",
        "description": "Each portal's catalogue, in its own currency. See offers_usd for USD.",
        "label_column": "name",
        "facets": ["platform", "product", "currency", "kind"],
        "columns": {
            "price": "price of `per` units in `currency`, as shown",
            "per": "units the price is for (1000 on panels; the package size on shops)",
            "capture_id": "the capture (evidence) the offer was read from",
        },
    },
    "offers_usd": {
        "title": "Offers in USD",
        "description": "Offers with the portal's domain, the evidence they came from and "
        "price_usd_per_1000 at the exchange rate of the capture date (exchange_rates).",
        "facets": ["platform", "product", "currency", "domain"],
        "columns": {
            "price_usd_per_1000": "USD per 1000 units at the rate of the capture date",
            "usd_rate": "units of `currency` per 1 USD used",
            "captured_at": "when the evidence was fetched, UTC",
            "capture_sha256": "SHA-256 of the captured body (WARC record)",
        },
    },
    "portal_overview": {
        "title": "Portals with counts and hosting",
        "description": "Portals by domain with offer/lead counts and their newest hosting "
        "answers (registrar, IP network, autonomous system).",
        "facets": ["status", "kind", "software", "registrar", "as_name"],
    },
    "leads": {
        "title": "Leads (payments, contacts, identifiers)",
        "description": "Every payment account, contact and tracking identifier, with the "
        "portal's domain and the evidence it was seen on.",
        "facets": ["lead", "kind"],
    },
    "price_changes": {
        "title": "Price changes between runs",
        "description": "Offers whose price changed from one observation to the next.",
        "facets": ["platform", "product", "domain"],
    },
    "exchange_rates": {
        "title": "Exchange rates",
        "description": "Units of a currency per 1 USD on a date: the shipped "
        "config/rates/usd.csv and rates imported with `smmatlas rates import`.",
        "facets": ["currency", "source"],
    },
    "captures": {
        "title": "Evidence (captures)",
        "description": "Every distinct body fetched: URL, HTTP status, SHA-256, WARC file and "
        "offset, fetch time (UTC).",
        "label_column": "url",
    },
    "payments": {"title": "Payment methods and accounts", "facets": ["method"]},
    "contacts": {"title": "Contacts", "facets": ["kind"]},
    "identifiers": {"title": "Tracking and other identifiers", "facets": ["kind"]},
    "hosting_results": {
        "title": "Hosting answers (DNS, ASN, RDAP, TLS, CDN)",
        "facets": ["source", "ok"],
    },
    "crawl_runs": {"title": "Crawl runs", "label_column": "started_at"},
}

_CHEAPEST = """SELECT domain, name, price_usd_per_1000, price, currency, per, min, max, kind,
       captured_at, capture_url, capture_sha256
FROM offers_usd
WHERE platform = {platform} AND product = {product} AND price_usd_per_1000 IS NOT NULL
ORDER BY price_usd_per_1000, domain
LIMIT 200"""

QUERIES: dict[str, dict] = {
    "cheapest_instagram_followers": {
        "title": "Cheapest Instagram followers (USD per 1000)",
        "description": "The 200 cheapest Instagram follower offers, converted to USD.",
        "sql": _CHEAPEST.format(platform="'instagram'", product="'followers'"),
    },
    "cheapest_offers": {
        "title": "Cheapest offers of a platform and product (USD per 1000)",
        "description": "e.g. platform=youtube, product=views.",
        "sql": _CHEAPEST.format(platform=":platform", product=":product"),
    },
    "portal_catalogue": {
        "title": "One portal's catalogue",
        "sql": "SELECT name, category, platform, product, price, currency, per,"
        " price_usd_per_1000, min, max, kind, captured_at, capture_url FROM offers_usd"
        " WHERE domain = :domain ORDER BY platform, product, price_usd_per_1000",
    },
    "portal_leads": {
        "title": "One portal's leads (payments, contacts, identifiers)",
        "sql": "SELECT lead, kind, value, url, capture_url, capture_sha256, first_seen,"
        " last_seen FROM leads WHERE domain = :domain ORDER BY lead, kind, value",
    },
    "portal_hosting": {
        "title": "One portal's hosting answers",
        "sql": "SELECT h.source, h.ok, strftime('%Y-%m-%dT%H:%M:%SZ', h.fetched_at) AS"
        " fetched_at, h.data, h.error FROM hosting_results h JOIN portals p ON"
        " p.id = h.portal_id WHERE p.domain = :domain ORDER BY h.fetched_at DESC",
    },
    "shared_leads": {
        "title": "Payment accounts, phones and identifiers shared by several portals",
        "sql": "SELECT lead, kind, min(value) AS value, count(DISTINCT domain) AS portals,"
        " group_concat(DISTINCT domain) AS domains FROM leads WHERE value <> ''"
        " GROUP BY lead, kind, lower(value) HAVING count(DISTINCT domain) > 1"
        " ORDER BY portals DESC, lead, kind",
    },
    "price_changes_between_runs": {
        "title": "Price changes between runs",
        "sql": "SELECT domain, name, platform, product, run_id, seen_at, previous_price,"
        " price, currency, per FROM price_changes ORDER BY seen_at DESC, domain",
    },
    "portals_by_network": {
        "title": "Portals by hosting network and registrar",
        "sql": "SELECT as_name, asn, network, registrar, count(*) AS portals,"
        " group_concat(domain, ' ') AS domains FROM portal_overview"
        " GROUP BY as_name, asn, network, registrar ORDER BY portals DESC",
    },
    "new_portals_since": {
        "title": "New portals since a date",
        "description": "since: YYYY-MM-DD (UTC)",
        "sql": "SELECT domain, status, kind, software, offers, first_seen FROM portal_overview"
        " WHERE first_seen >= :since ORDER BY first_seen DESC, domain",
    },
}


def metadata(database: str) -> dict:
    """Datasette metadata for the atlas served under the name `database`."""
    return {
        "title": "SMM Atlas",
        "description": "Websites selling fake followers, likes and views: portals, offers "
        "(with USD per 1000), leads, hosting and the evidence behind each fact. "
        "Times are UTC.",
        "source": "SMM Atlas",
        "databases": {database: {"tables": TABLES, "queries": QUERIES}},
    }
