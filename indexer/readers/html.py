"""HTML reader (beautifulsoup4): the main content, without site boilerplate."""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from indexer.errors import ReadError
from indexer.readers.common import (
    MAX_TEXT_BYTES, BlockBuilder, decode_text, normalize, parser_call, read_bytes,
)
from indexer.readers.document import build_document
from indexer.readers.hints import Hints
from indexer.readers.sidecar import ISO_DATE, iso_date
from indexer.records import Block, SourceDocument

_DROP_TAGS = frozenset(
    "script style nav footer aside noscript form template iframe svg button select textarea "
    "object embed canvas head dialog".split())
_DROP_ROLES = frozenset(("navigation", "banner", "contentinfo", "search", "dialog"))
_DROP_ID_CLASS = re.compile(
    r"(?i)cookie|consent|gdpr|skip-?(?:link|nav|to)|breadcrumb|share-?(?:bar|buttons|tools)"
    r"|social-?(?:links|share)|newsletter|usa-banner|gov-?banner|site-?(?:header|footer)")
_BLOCK_TAGS = frozenset(
    "p div section article main li dd dt blockquote pre figcaption caption address ul ol dl "
    "table tbody thead tfoot header figure details summary center body html".split())
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_DATE_METAS = frozenset((
    "date", "dc.date", "dcterms.date", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "article:published_time", "og:published_time", "pubdate", "publish-date", "publishdate",
    "publication_date", "citation_publication_date", "datepublished"))
_SITE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|·)\s+")
_SITE_NAME = re.compile(
    r"(?i)department|ministry|міністерств|office|agency|nato|government|уряд|embassy"
    r"|white house|\.gov|news|кабінет|inspector|command|portal|website|official|u\.s\.")


def _is_boilerplate(tag: Tag, keep_header: bool) -> bool:
    """Return True for navigation, banners, forms, cookie notices and hidden elements."""
    if tag.name in _DROP_TAGS or (tag.name == "header" and not keep_header):
        return True
    attrs = tag.attrs or {}
    if attrs.get("role") in _DROP_ROLES or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    classes = attrs.get("class") or []
    marker = " ".join([str(attrs.get("id", "")), *(classes if isinstance(classes, list) else [classes])])
    return bool(_DROP_ID_CLASS.search(marker))


def _content_root(soup: BeautifulSoup) -> Tag:
    """Return <main>, else the only <article>, else <body>: where the content is."""
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if isinstance(main, Tag):
        return main
    articles = soup.find_all("article", limit=2)
    if len(articles) == 1:
        return articles[0]
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


def _html_blocks(root: Tag) -> tuple[Block, ...]:
    """Return the blocks under `root`, walking the tree with an explicit stack (no recursion)."""
    builder = BlockBuilder()
    keep_header = root.name in ("main", "article") or root.get("role") == "main"
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            builder.flush()
        elif type(node) is NavigableString:          # not comments, doctypes or CDATA
            builder.add_text(str(node))
        elif isinstance(node, Tag) and not _is_boilerplate(node, keep_header):
            if _html_element(node, builder):
                if node.name in _BLOCK_TAGS:
                    stack.append((node, True))        # flush when the block ends
                stack.extend((child, False) for child in reversed(node.contents))
    return builder.blocks()


def _html_element(tag: Tag, builder: BlockBuilder) -> bool:
    """Handle one element; return True if its children still need walking."""
    name = tag.name
    if name in _HEADING_TAGS:
        builder.flush()
        builder.heading(tag.get_text(" "))
        return False
    if name == "tr":
        builder.flush()
        builder.row(cell.get_text(" ") for cell in tag.find_all(("td", "th"), recursive=False))
        return False
    if name == "br":
        builder.add_text(" ")
        return False
    if name in _BLOCK_TAGS:
        builder.flush()
        if name == "li":
            builder.add_text("• ")
    return True


def _clean_html_title(title: str, h1: str) -> str | None:
    """Return the page title without a site-name suffix ("Title | Ministry of ..." -> "Title")."""
    title = normalize(title)
    if h1 and title.startswith(h1):
        return h1
    parts = _SITE_SEPARATORS.split(title)
    while len(parts) > 1 and len(parts[-1]) <= 120 and _SITE_NAME.search(parts[-1]):
        parts.pop()
    return " - ".join(parts) if title else None


def _html_date(soup: BeautifulSoup, root: Tag) -> str | None:
    """Return the date in a <meta> publication-date tag or the first <time datetime>, or None."""
    for meta in soup.find_all("meta"):
        key = str(meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if key in _DATE_METAS:
            m = ISO_DATE.match(str(meta.get("content", "")).strip())
            if m:
                return iso_date(m.group(0))
    time_tag = root.find("time", attrs={"datetime": True})
    if isinstance(time_tag, Tag):
        m = ISO_DATE.match(str(time_tag.get("datetime", "")).strip())
        return iso_date(m.group(0)) if m else None
    return None


def _html_hints(soup: BeautifulSoup, root: Tag) -> Hints:
    """Return the title, date and author an HTML page states in its markup."""
    h1_tag = root.find("h1") or soup.find("h1")
    h1 = normalize(h1_tag.get_text(" ")) if isinstance(h1_tag, Tag) else ""
    title_tag = soup.find("title")
    title = _clean_html_title(title_tag.get_text(" "), h1) if isinstance(title_tag, Tag) else None
    author_tag = soup.find("meta", attrs={"name": "author"})
    author = normalize(str(author_tag.get("content", ""))) if isinstance(author_tag, Tag) else ""
    return Hints(title=title or h1 or None, date=_html_date(soup, root), author=author or None)


def read_html(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return an HTML page as a document: the main content, without site boilerplate."""
    text = decode_text(read_bytes(path, MAX_TEXT_BYTES))
    try:
        with parser_call("beautifulsoup4", path.name):
            soup = BeautifulSoup(text, "html.parser")
            root = _content_root(soup)
            blocks = _html_blocks(root)
            hints = _html_hints(soup, root)
    except RecursionError:
        raise ReadError("HTML is nested too deeply to read") from None
    return build_document(path, corpus_dir, "html", blocks, hints=hints)
