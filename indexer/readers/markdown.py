"""Markdown reader (markdown-it-py); YAML front matter gives stated metadata."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from markdown_it.token import Token

from indexer.readers.common import (MAX_TEXT_BYTES, BlockBuilder, decode_text, parser_call,
                                    read_bytes)
from indexer.readers.document import build_document
from indexer.readers.sidecar import Stated, parse_stated, split_front_matter
from indexer.records import Block, SourceDocument

def _markdown_parser() -> MarkdownIt:
    """Return a CommonMark parser with tables and strikethrough."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(token: Token) -> str:
    """Return the plain text of an inline token: markup and raw HTML tags dropped."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _html_fragment_text(html: str) -> str:
    """Return the text of a raw HTML fragment embedded in Markdown."""
    return BeautifulSoup(html, "html.parser").get_text(" ")


class _MarkdownState:
    """Where the token walk is: inside a heading, a table row, list items."""

    def __init__(self) -> None:
        self.in_heading = False
        self.row: list[str] | None = None
        self.item_prefixes: list[str] = []


def _markdown_blocks(body: str) -> tuple[Block, ...]:
    """Return the blocks of a Markdown body, walking markdown-it's token stream."""
    builder = BlockBuilder()
    state = _MarkdownState()
    for token in _markdown_parser().parse(body):
        _markdown_token(token, state, builder)
    return builder.blocks()


def _markdown_token(token: Token, state: _MarkdownState, builder: BlockBuilder) -> None:
    """Apply one block-level token to the walk state and the builder."""
    kind = token.type
    if kind == "heading_open":
        state.in_heading = True
    elif kind == "heading_close":
        state.in_heading = False
    elif kind == "list_item_open":
        ordered = token.markup in (".", ")")
        state.item_prefixes.append(f"{token.info}{token.markup} " if ordered else "• ")
    elif kind == "list_item_close":
        state.item_prefixes.pop()
    elif kind == "tr_open":
        state.row = []
    elif kind == "tr_close":
        builder.row(state.row or ())
        state.row = None
    elif kind == "inline":
        _markdown_inline(_inline_text(token), state, builder)
    elif kind in ("fence", "code_block"):
        builder.paragraph(token.content)
    elif kind == "html_block":
        builder.paragraph(_html_fragment_text(token.content))


def _markdown_inline(text: str, state: _MarkdownState, builder: BlockBuilder) -> None:
    """Add inline text as a heading, a table cell, a list item or a paragraph."""
    if state.in_heading:
        builder.heading(text)
    elif state.row is not None:
        state.row.append(text)
    elif state.item_prefixes and state.item_prefixes[-1]:
        builder.paragraph(state.item_prefixes[-1] + text)
        state.item_prefixes[-1] = ""        # later paragraphs of the item get no bullet
    else:
        builder.paragraph(text)


def read_markdown(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a Markdown file as a document; its YAML front matter gives stated metadata."""
    text = decode_text(read_bytes(path, MAX_TEXT_BYTES))
    yaml_text, body = split_front_matter(text)
    front = parse_stated(yaml_text, "front matter") if yaml_text is not None else Stated()
    with parser_call("markdown-it-py", path.name):
        blocks = _markdown_blocks(body)
    return build_document(path, corpus_dir, "md", blocks, front)
