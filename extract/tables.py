"""Find service grids (HTML tables and repeated div rows) and map their columns to fields."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from extract.headers import header_field
from extract.numbers import decimal_comma_of
from extract.prices import currency_pattern
from extract.text import collapse_ws

HtmlElement = etree._Element
_SKIP_TEXT = {"script", "style", "noscript", "template", "del", "s", "strike", "select", "button"}
SKIP_TEXT = _SKIP_TEXT  # tags whose text a reader does not see as a cell's (cards.py too)
_ICON = re.compile(r"^[a-z]+(?:_[a-z0-9]+)*$")
_LABEL_ATTRS = ("data-label", "data-title", "data-th", "data-column", "data-name")
_LETTER = re.compile(r"[^\W\d_]")
_DIGITS_ONLY = re.compile(r"^[\d\W_]+$")
_HIDDEN_CLASSES = {"d-none", "hidden", "sr-only", "visually-hidden", "hide", "modal"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend"}
# class words of a struck-through list price beside the sale price
_STRUCK_CLASSES = ("line-through", "strike", "crossed", "old-price", "price-old", "oldprice",
                   "was-price", "price-was", "compare-at", "compare-price", "price-compare",
                   "list-price", "regular-price", "price-regular", "before-price")  # fmt: skip
_DIGIT = re.compile(r"\d")
# a quantity written with digit groups before a word: "5.000 Follower", "10.000 takipçi"
_GROUPED_QTY = re.compile(r"^[1-9]\d{0,2}(?:[.,]\d{3})+\s*[^\W\d_]{3,}")
_PAGE_STYLE: list = [None, None]  # (root element, decimal_comma) of the last page asked


@dataclass
class Grid:
    """Rows of cells (colspans expanded by repeating the cell) plus where the grid sits."""

    element: HtmlElement
    rows: list[list[HtmlElement]]
    header_rows: list[list[HtmlElement]] = field(default_factory=list)  # outside `rows`
    is_table: bool = True


def cell_text(el: HtmlElement, header: bool = False) -> str:
    """Visible text of a cell, without struck-through prices, scripts or (for headers) icons.

    A price marked only by a class or style as the old one is dropped when another number
    stays (a lone "regular-price" is the price).
    """
    if len(el) == 0:
        return collapse_ws(el.text)
    struck: list[HtmlElement] = []
    text = _cell_text(el, header, struck)
    if struck and not _DIGIT.search(text):
        return _cell_text(el, header, None)
    return text


def _cell_text(el: HtmlElement, header: bool, struck: list[HtmlElement] | None) -> str:
    """`struck` collects the struck-through nodes left out; None keeps them."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        skip = tag in _SKIP_TEXT or (node is not el and node.attrib and is_hidden(node))
        if not skip and struck is not None and node is not el and node.attrib and is_struck(node):
            struck.append(node)
            skip = True
        if skip:
            if node.tail:
                parts.append(node.tail)
            return
        icon = header and tag in ("i", "svg", "span", "em") and _is_icon(node)
        if node.text and not icon:
            parts.append(node.text)
        if not icon:
            for child in node:
                walk(child)
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    return collapse_ws(" ".join(parts))


def is_hidden(node: HtmlElement) -> bool:
    """Hidden by attribute, inline style or a standard utility class."""
    if node.get("hidden") is not None or node.get("aria-hidden") == "true" and len(node) == 0:
        return True
    style = (node.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return bool(_HIDDEN_CLASSES.intersection((node.get("class") or "").split()))


def is_struck(node: HtmlElement) -> bool:
    """A struck-through list price: line-through style or an old/compare price class, holding
    a number (a class alone never hides a name)."""
    style = (node.get("style") or "").replace(" ", "").lower()
    classes = (node.get("class") or "").lower()
    if "line-through" not in style and not any(w in classes for w in _STRUCK_CLASSES):
        return False
    return bool(_DIGIT.search("".join(node.itertext())))


def _is_icon(node: HtmlElement) -> bool:
    cls = (node.get("class") or "").lower()
    text = (node.text or "").strip()
    if len(node) == 0 and ("icon" in cls or "material" in cls or node.tag == "i"):
        return not text or bool(_ICON.match(text))
    return False


def iter_outside(root: HtmlElement, exclude: set) -> Iterator[HtmlElement]:
    """Elements under `root` in document order, skipping the subtrees in `exclude`."""
    stack = [root]
    while stack:
        el = stack.pop()
        if el in exclude or not isinstance(el.tag, str):
            continue
        yield el
        stack.extend(reversed(el))


def _span(td: HtmlElement, attr: str) -> int:
    try:
        return min(max(int(td.get(attr, "1")), 1), 50)
    except ValueError:
        return 1


def _expand_rows(trs: list[HtmlElement]) -> list[list[HtmlElement]]:
    """Cells of each row with colspan and rowspan expanded (a spanning cell is repeated)."""
    rows: list[list[HtmlElement]] = []
    pending: dict[int, tuple[HtmlElement, int]] = {}  # column -> (cell, rows still covered)
    for tr in trs:
        row: list[HtmlElement] = []
        col = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while col in pending:
                cell, left = pending.pop(col)
                row.append(cell)
                if left > 1:
                    pending[col] = (cell, left - 1)
                col += 1
            for _ in range(_span(td, "colspan")):
                row.append(td)
                rs = _span(td, "rowspan")
                if rs > 1:
                    pending[col] = (td, rs - 1)
                col += 1
        while col in pending:
            cell, left = pending.pop(col)
            row.append(cell)
            if left > 1:
                pending[col] = (cell, left - 1)
            col += 1
        rows.append(row)
    return rows


def table_grids(doc: HtmlElement) -> list[Grid]:
    grids = []
    for table in doc.iter("table"):
        trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        rows = [r for r in _expand_rows(trs) if r]
        if len(rows) >= 2 or (rows and len(rows[0]) >= 3):
            grids.append(Grid(table, rows))
    return grids


def _div_cells(row: HtmlElement) -> list[HtmlElement]:
    node = row
    for _ in range(3):
        kids = [k for k in node if isinstance(k.tag, str) and k.tag not in _SKIP_TEXT]
        if len(kids) == 1:
            node = kids[0]
            continue
        return kids
    return []


def div_grids(doc: HtmlElement) -> list[Grid]:
    """Containers whose children repeat one (tag, class) row shape with >= 3 cells each."""
    grids = []
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in (
            "table",
            "tr",
            "thead",
            "tbody",
            "select",
            "head",
        ):
            continue
        kids = [k for k in el if isinstance(k.tag, str) and k.tag not in _SKIP_TEXT]
        if len(kids) < 2 or el.tag in ("td", "th"):
            continue
        shapes = Counter((k.tag, k.get("class", "")) for k in kids)
        shape, count = shapes.most_common(1)[0]
        if count < 2:
            continue
        rows = [k for k in kids if (k.tag, k.get("class", "")) == shape]
        cells = [_div_cells(r) for r in rows[:20]]
        widths = sorted(len(c) for c in cells)
        if widths[len(widths) // 2] < 3 or widths[len(widths) // 2] > 20:
            continue
        if next(el.iterancestors("table"), None) is not None:
            continue
        all_rows = [_div_cells(k) for k in kids]
        header_rows = []
        prev = el.getprevious()
        if prev is not None:
            header_rows = [_div_cells(prev)] + [
                _div_cells(d) for d in prev.iterdescendants() if len(d) >= 3
            ][:3]
        grids.append(
            Grid(el, [r for r in all_rows if r], [h for h in header_rows if h], is_table=False)
        )
    return grids


def map_header(cells: list[HtmlElement]) -> dict[str, int] | None:
    """Column index of each field when `cells` read as a header with at least a name and a price."""
    mapping: dict[str, int] = {}
    seen = set()
    unmapped = 0
    for i, cell in enumerate(cells):
        if id(cell) in seen:
            continue
        seen.add(id(cell))
        text = cell_text(cell, header=True)
        if len(text) > 60:
            return None
        fld = header_field(text) if text else None
        if fld and fld not in mapping:
            mapping[fld] = i
        elif text:
            unmapped += 1
    if "name" in mapping and "price" in mapping and (len(mapping) >= 3 or unmapped == 0):
        return mapping
    return None


def label_mapping(cells: list[HtmlElement]) -> dict[str, int] | None:
    """Per-cell labels (data-label="Rate per 1000") used as a header when a grid has none."""
    mapping: dict[str, int] = {}
    for i, cell in enumerate(cells):
        label = next((cell.get(a) for a in _LABEL_ATTRS if cell.get(a)), None)
        fld = header_field(label) if label else None
        if fld and fld not in mapping:
            mapping[fld] = i
    return mapping if "name" in mapping and "price" in mapping else None


def header_texts(cells: list[HtmlElement]) -> list[str]:
    return [cell_text(c, header=True) for c in cells]


def heading_before(el: HtmlElement, limit: int = 3) -> str | None:
    """Text of a heading right before a grid (its caption or a preceding h1-h6), if short."""
    cap = el.find("caption")
    if cap is not None:
        return cell_text(cap) or None
    node = el
    for _ in range(limit):
        prev = node.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None:
            if prev.tag in _HEADING_TAGS:
                text = cell_text(prev)
                return text if 0 < len(text) <= 100 else None
            heads = [h for h in prev.iter(*_HEADING_TAGS)]
            if heads and len(cell_text(prev)) <= 200:
                text = cell_text(heads[-1])
                return text if 0 < len(text) <= 100 else None
            if len(prev) <= 3 and prev.tag not in ("table", "ul", "ol", "form", "select"):
                text = cell_text(prev)  # a card header / label div right above the grid
                if 0 < len(text) <= 100 and _LETTER.search(text) and not _DIGITS_ONLY.match(text):
                    return text
            return None
        node = node.getparent()
        if node is None:
            return None
    return None


def page_decimal_comma(el: HtmlElement) -> bool | None:
    """The number convention of the page holding `el`, from all its short texts that carry a
    currency and its grouped quantities ("5.000 Follower"): True for a decimal comma."""
    root = el.getroottree().getroot()
    if _PAGE_STYLE[0] is root:
        return _PAGE_STYLE[1]
    currency = re.compile(currency_pattern())
    prices, quantities = [], []
    for text in root.itertext():
        t = text.strip()
        if not t or len(t) > 60 or not _DIGIT.search(t):
            continue
        if currency.search(t):
            prices.append(t)
        elif _GROUPED_QTY.match(t):
            quantities.append(t)
        if len(prices) + len(quantities) >= 400:
            break  # enough to decide
    value = decimal_comma_of(prices, quantities)
    _PAGE_STYLE[:] = [root, value]
    return value
