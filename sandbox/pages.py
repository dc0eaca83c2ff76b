"""The page shell shared by every generated site: head, navigation, footer."""

from __future__ import annotations

from html import escape

PANEL_NAV = [
    ("/", "Home"),
    ("/services", "Services"),
    ("/api", "API"),
    ("/signup", "Sign up"),
    ("/addfunds", "Add funds"),
    ("/faq", "FAQ"),
    ("/contact", "Contact"),
    ("/terms", "Terms"),
]


def shell(
    title: str,
    brand: str,
    body: str,
    *,
    nav: list[tuple[str, str]],
    head: str = "",
    footer: str = "",
    lang: str = "en",
    charset: bool = True,
    body_class: str = "",
) -> str:
    """A complete HTML document."""
    links = "".join(f'<li><a href="{escape(h)}">{escape(t)}</a></li>' for h, t in nav)
    meta = '<meta charset="utf-8">' if charset else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n{meta}\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} - {escape(brand)}</title>\n"
        f'<link rel="icon" href="/favicon.ico">\n{head}\n</head>\n'
        f'<body class="{body_class}">\n<header><a class="brand" href="/">{escape(brand)}</a>\n'
        f'<nav><ul class="nav">{links}</ul></nav></header>\n<main>\n{body}\n</main>\n'
        f'<footer class="footer">{footer}\n<p>&copy; 2020 {escape(brand)}. All rights reserved.'
        "</p></footer>\n"
        f"</body>\n</html>\n"
    )
