"""One fetched page, parsed once: the input of every extractor.

`ParsedPage` holds the page's text and what the fetch knows of it (URL, status, headers, the
role the crawl gave it) and parses the HTML lazily, once, into one lxml tree that every
extractor reads. The catalogue extractor strips scripts and comments from that tree, so it runs
last (see extract/registry.py). Pure: no Scrapy, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree


def parse_html(html: str) -> Any:
    """Lenient lxml document for `html` (an XML encoding declaration is tolerated), or None."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):  # ValueError: str with an encoding declaration
        try:
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError):
            return None


@dataclass(eq=False)
class ParsedPage:
    url: str
    html: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    role: str = "other"  # the role the crawl gave the page (entry, services, contact, ...)
    currency_hint: str | None = None  # the portal's currency so far, for JSON without one
    memo: dict[str, Any] = field(default_factory=dict, repr=False)  # per-page views, by name
    _stripped: bool = field(default=False, repr=False)

    @classmethod
    def of(
        cls,
        html: str,
        url: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        role: str = "other",
        currency_hint: str | None = None,
    ) -> ParsedPage:
        return cls(
            url=url,
            html=html or "",
            status=status,
            headers=headers or {},
            role=role,
            currency_hint=currency_hint,
        )

    @cached_property
    def tree(self) -> Any:
        """The lxml document (None for an empty or unparsable page). Parsed on first use."""
        return parse_html(self.html)

    @cached_property
    def lower(self) -> str:
        return self.html.lower()

    @cached_property
    def is_json(self) -> bool:
        """A JSON body (by its Content-Type, or by its first character when none is given)."""
        ctype = next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")
        if ctype:
            return "json" in ctype.lower()
        return self.html.lstrip()[:1] in ("{", "[")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def content_tree(self) -> Any:
        """The tree without scripts, styles, templates, comments and processing instructions.

        Destructive (the shared tree is stripped in place, once): only extractors that run after
        every reader of scripts and comments may ask for it.
        """
        doc = self.tree
        if doc is not None and not self._stripped:
            etree.strip_elements(
                doc,
                etree.Comment,
                etree.ProcessingInstruction,
                "script",
                "style",
                "noscript",
                "template",
                with_tail=False,
            )
            self._stripped = True
        return doc
