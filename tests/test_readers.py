"""Tests for indexer.readers: each format, real-world fixtures and hostile inputs."""
from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from indexer.errors import ReadError
from indexer.readers import make_doc_id, read_document, sniff_format
from indexer.records import FORMATS, Marking, SourceDocument
from tests.pdf_files import raw_pdf
from tests.conftest import needs_shared as shared_mark

SHARED = Path(__file__).resolve().parents[2] / "shared"
PDF_REAL = SHARED / "fixtures" / "pdf-real"
DOCX_REAL = SHARED / "fixtures" / "docx-real"
EVAL_CORPUS = SHARED / "eval-dev" / "corpus"
SEED_TEXT = SHARED / "seed" / "partner-concept.txt"
NOT_DOCUMENTS = (".txt", ".md", ".json")          # licenses and notes beside the fixtures
BOILERPLATE_WORDS = ("official website", "skip to main content", "here's how you know",
                     "privacy policy", "follow us on social media", "search this site")

needs_shared = shared_mark(SHARED)          # skips without ../shared; fails if CI=true


def _files(folder: Path) -> list[Path]:
    """Return the document files in a shared fixture folder (none if it is missing)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix not in NOT_DOCUMENTS)


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    """Write `data` to folder/name and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _read(path: Path) -> SourceDocument:
    """Read `path` with its own folder as the corpus."""
    return read_document(path, path.parent)


def _pdf(*pages: str, title: str = "", author: str = "") -> bytes:
    """Return a PDF with one page per text, made with fpdf2."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _docx_bytes(build: object = None) -> bytes:
    """Return a .docx made by python-docx; `build(document)` adds the content."""
    document = docx.Document()
    if callable(build):
        build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, extra: dict[str, bytes] | None = None, drop: str = "") -> bytes:
    """Return a copy of zip `data` with members added/replaced by `extra` and `drop` removed."""
    extra = extra or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != drop and info.filename not in extra:
                dst.writestr(info, src.read(info))
        for name, payload in extra.items():
            dst.writestr(name, payload)
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# Dispatch and ids

@pytest.mark.parametrize(("rel_path", "expected"), [
    ("minutes/bdc-2019.pdf", "minutes--bdc-2019.pdf"),
    ("Minutes/BDC 2019 (final).PDF", "minutes--bdc-2019-final-.pdf"),
    ("протоколи/засідання-2019.docx", "protokoly--zasidannia-2019.docx"),
    ("a--b.md", "a-b.md"),
    ("café.txt", "cafe.txt"),
])
def test_make_doc_id(rel_path: str, expected: str) -> None:
    assert make_doc_id(rel_path) == expected


@pytest.mark.parametrize(("name", "head", "expected"), [
    ("a.pdf", b"%PDF-1.7\n...", "pdf"),
    ("A.PDF", b"junk before %PDF-1.7\n...", "pdf"),
    ("a.docx", b"PK\x03\x04rest", "docx"),
    ("a.txt", b"<!DOCTYPE html><html><body>x", "html"),   # a saved web page
    ("a.md", b"<html><body># x", "md"),                   # Markdown may hold HTML
    ("a.html", b"just words", "html"),
    ("a.md", b"# Title\n", "md"),
    ("a.txt", b"\xff\xfeh\x00i\x00", "txt"),
])
def test_sniff_format(name: str, head: bytes, expected: str) -> None:
    assert sniff_format(name, head) == expected


@pytest.mark.parametrize(("name", "head", "reason"), [
    ("a.txt", b"", "file is empty"),
    ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "legacy binary Office file"),
    ("scan.pdf", b"\x89PNG\r\n\x1a\n", "content is an image"),
    ("a.pdf", b"hello", "the name says .pdf but the content is not PDF"),
    ("a.md", b"%PDF-1.4\n...", "content is PDF but the name says '.md'"),
    ("a.txt", b"PK\x03\x04rest", "content is DOCX but the name says '.txt'"),
    ("a.rtf", b"{\\rtf1 hello}", "unsupported file type '.rtf'"),
])
def test_sniff_format_rejects(name: str, head: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=re.escape(reason)):
        sniff_format(name, head)


def test_document_path_and_id_are_relative_to_the_corpus(tmp_path: Path) -> None:
    path = _write(tmp_path, "minutes/BDC-2019.txt", "Minutes of the meeting.\n")
    doc = read_document(path, tmp_path)
    assert (doc.doc_id, doc.path, doc.fmt) == ("minutes--bdc-2019.txt", "minutes/BDC-2019.txt", "txt")


# ---------------------------------------------------------------------------------------
# Plain text

@needs_shared
def test_seed_text_reflows_into_its_paragraphs_and_bullets() -> None:
    """PDF-extracted text: lines broken mid-sentence, blank lines inside paragraphs."""
    doc = read_document(SEED_TEXT, SEED_TEXT.parent)
    kinds = ["bullet" if b.text.startswith("• ") else "para" for b in doc.blocks]
    assert kinds == ["para", "bullet", "bullet", "bullet", "bullet", "para", "para", "para"]
    assert all(b.text[-1] in ".:" and "  " not in b.text and not b.is_heading for b in doc.blocks)
    source_words = SEED_TEXT.read_text(encoding="utf-8").split()
    assert " ".join(doc.text.split()) == " ".join(source_words)     # nothing lost or reordered
    assert doc.blocks[1].text.startswith("• Improve")


def test_text_reflow_keeps_one_line_paragraphs_and_finds_headings(tmp_path: Path) -> None:
    text = ("ANNUAL REVIEW\n\nKyiv, 22 May 2018\n\nThe ministers met and agreed on next steps for "
            "the year.\n\n• first item\n\n- second item\n\nNext Steps\n\nThey will meet again.\n\n"
            "Sector reform\n\nThe ministry reported on its audit plans and training.\n")
    doc = _read(_write(tmp_path, "a.txt", text))
    assert [(b.text, b.section, b.is_heading) for b in doc.blocks] == [
        ("ANNUAL REVIEW", "ANNUAL REVIEW", True),
        ("Kyiv, 22 May 2018", "ANNUAL REVIEW", False),                  # a dateline is no heading
        ("The ministers met and agreed on next steps for the year.", "ANNUAL REVIEW", False),
        ("• first item", "ANNUAL REVIEW", False),
        ("• second item", "ANNUAL REVIEW", False),
        ("Next Steps", "Next Steps", True),
        ("They will meet again.", "Next Steps", False),
        ("Sector reform", "Sector reform", True),                      # a label before a paragraph
        ("The ministry reported on its audit plans and training.", "Sector reform", False),
    ]


@pytest.mark.parametrize(("data", "expected"), [
    ("Перший рядок.\n".encode("utf-16"), "Перший рядок."),                 # UTF-16 with BOM
    (b"\xef\xbb\xbfWith a BOM.\n", "With a BOM."),
    ("Line one of a paragraph\r\ncontinues here.\r\n".encode(), "Line one of a paragraph continues here."),
])
def test_text_encodings(tmp_path: Path, data: bytes, expected: str) -> None:
    assert _read(_write(tmp_path, "a.txt", data)).text == expected


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "file is empty"),
    (b"  \n\n ", "file is empty"),
    (b"caf\xe9 au lait\n", "not valid UTF-8 text (byte 0xe9 at offset 3)"),
    (b"a\x00b\x00c\x00", "binary content (NUL bytes)"),
])
def test_text_that_cannot_be_read(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=re.escape(reason)):
        _read(_write(tmp_path, "a.txt", data))


def test_one_line_five_megabyte_text_reads_quickly(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", "word " * 1_000_000)
    start = time.monotonic()
    doc = _read(path)
    assert time.monotonic() - start < 5
    assert len(doc.blocks) == 1 and len(doc.blocks[0].text) == 5_000_000 - 1


# ---------------------------------------------------------------------------------------
# Markdown, front matter and sidecars

MARKDOWN = """---
title: "Bilateral Consultations 2019"
date: 2019-11-07
marking: restricted
type: minutes
orgs: [NATO]
---

# Opening

Intro paragraph with <b>raw html</b> and a [link](http://x).

- first *item*
- second item

1. numbered

## Decisions

| Topic | Owner |
|-------|-------|
| Audit | MoD   |

<div>Block of <i>raw</i> HTML</div>
"""


def test_markdown_blocks_and_front_matter(tmp_path: Path) -> None:
    doc = _read(_write(tmp_path, "m.md", MARKDOWN))
    assert [(b.text, b.section, b.is_heading) for b in doc.blocks] == [
        ("Opening", "Opening", True),
        ("Intro paragraph with raw html and a link.", "Opening", False),
        ("• first item", "Opening", False),
        ("• second item", "Opening", False),
        ("1. numbered", "Opening", False),
        ("Decisions", "Decisions", True),
        ("Topic | Owner", "Decisions", False),
        ("Audit | MoD", "Decisions", False),
        ("Block of raw HTML", "Decisions", False),
    ]
    meta = doc.meta
    assert (meta.title, meta.date, meta.date_source, meta.marking, meta.doc_type, meta.orgs) == (
        "Bilateral Consultations 2019", "2019-11-07", "front-matter", Marking.RESTRICTED, "minutes",
        ("NATO",))


def test_markdown_without_front_matter_infers_metadata(tmp_path: Path) -> None:
    doc = _read(_write(tmp_path, "m.md", "# Звіт НАЗК\n\nКиїв, 31 серпня 2021 р.\n\nТекст звіту.\n"))
    meta = doc.meta
    assert (meta.title, meta.date, meta.date_source, meta.lang, meta.marking, meta.doc_type) == (
        "Звіт НАЗК", "2021-08-31", "text", "uk", Marking.INTERNAL, None)


@pytest.mark.parametrize(("front", "reason"), [
    ("marking: SECRET", "front matter: unknown marking 'SECRET'"),
    ("type: memo", "front matter: unknown type 'memo'"),
    ("lang: de", "front matter: unknown lang 'de'"),
    ("date: next week", "front matter: date 'next week' is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date: 2024-13-01", "front matter: invalid value"),
    ("title: [unclosed", "front matter: invalid YAML at line"),
    ("- just\n- a list", "front matter: expected 'key: value' lines"),
])
def test_bad_front_matter(tmp_path: Path, front: str, reason: str) -> None:
    with pytest.raises(ReadError, match=re.escape(reason)):
        _read(_write(tmp_path, "m.md", f"---\n{front}\n---\n\nText.\n"))


def test_unclosed_front_matter_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no closing '---' line"):
        _read(_write(tmp_path, "m.md", "---\nmarking: RESTRICTED\n\nText.\n"))


def test_sidecar_wins_over_front_matter_but_never_lowers_the_marking(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.md", "---\ntitle: Old\nmarking: RESTRICTED\n---\n\nText.\n")
    _write(tmp_path, "m.md.meta.yaml", "title: New\nmarking: PUBLIC\nlang: uk\ndate: 2020-05\n")
    meta = _read(path).meta
    assert (meta.title, meta.marking, meta.lang, meta.date, meta.date_source) == (
        "New", Marking.RESTRICTED, "uk", "2020-05", "front-matter")


def test_sidecar_gives_metadata_to_any_format(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.pdf", _pdf("Budget review text."))
    _write(tmp_path, "x.pdf.meta.yaml", "marking: PUBLIC\ntype: report\nauthor: J. Analyst\n")
    meta = _read(path).meta
    assert (meta.marking, meta.doc_type, meta.author) == (Marking.PUBLIC, "report", "J. Analyst")


def test_bad_sidecar_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.txt", "Text.\n")
    _write(tmp_path, "x.txt.meta.yaml", "marking: SECRET\n")
    with pytest.raises(ReadError, match=re.escape("x.txt.meta.yaml: unknown marking 'SECRET'")):
        _read(path)


# ---------------------------------------------------------------------------------------
# HTML

HTML = """<!DOCTYPE html><html lang="en"><head>
<title>Readout of the Consultations | U.S. Department of Defense</title>
<meta property="article:published_time" content="2019-11-07T10:00:00Z">
<meta name="author" content="Press Office">
<style>p {color: red}</style><script>var tracking = 1;</script>
</head><body>
<a class="skip-link" href="#main">Skip to main content</a>
<div id="cookie-banner"><p>We use cookies to improve this site.</p></div>
<header><nav><a href="/">Home</a></nav></header>
<div role="navigation">Menu entries</div>
<main id="main">
  <h1>Readout of the Consultations</h1>
  <p>An official website of the United States government</p>
  <p>The delegations met in Kyiv.<br>They agreed on <em>three</em> priorities.</p>
  <h2>Priorities</h2>
  <ul><li>Reform</li><li>Audit <a href="#">plan</a></li></ul>
  <table><tr><th>Item</th><th>Lead</th></tr><tr><td>Audit</td><td>MoD</td></tr></table>
  <blockquote>Quoted words.</blockquote>
  <form><input value="Subscribe"></form>
  <!-- a comment -->
</main>
<aside><p>Related links</p></aside>
<footer><p>Privacy policy | Accessibility</p></footer>
</body></html>"""


def test_html_keeps_main_content_without_boilerplate(tmp_path: Path) -> None:
    doc = _read(_write(tmp_path, "p.html", HTML))
    assert [(b.text, b.section, b.is_heading) for b in doc.blocks] == [
        ("Readout of the Consultations", "Readout of the Consultations", True),
        ("The delegations met in Kyiv. They agreed on three priorities.",
         "Readout of the Consultations", False),
        ("Priorities", "Priorities", True),
        ("• Reform", "Priorities", False),
        ("• Audit plan", "Priorities", False),
        ("Item | Lead", "Priorities", False),
        ("Audit | MoD", "Priorities", False),
        ("Quoted words.", "Priorities", False),
    ]
    meta = doc.meta
    assert (meta.title, meta.date, meta.date_source, meta.author) == (
        "Readout of the Consultations", "2019-11-07", "file-metadata", "Press Office")


@pytest.mark.parametrize(("title", "expected"), [
    ("Joint Statement - U.S. Department of State", "Joint Statement"),
    ("Ціль 15.3 | Кабінет Міністрів України", "Ціль 15.3"),
    ("U.S.-Ukraine Charter - 2021 Edition", "U.S.-Ukraine Charter - 2021 Edition"),
])
def test_html_title_loses_the_site_suffix(tmp_path: Path, title: str, expected: str) -> None:
    page = f"<html><head><title>{title}</title></head><body><p>Body text.</p></body></html>"
    assert _read(_write(tmp_path, "p.html", page)).meta.title == expected


def test_html_date_from_time_element_counts_as_file_metadata(tmp_path: Path) -> None:
    page = ("<html><body><article><h1>T</h1><time datetime='2021-08-31'>31 Aug</time>"
            "<p>Body.</p></article><article><p>Other.</p></article></body></html>")
    meta = _read(_write(tmp_path, "p.html", page)).meta
    assert (meta.date, meta.date_source) == ("2021-08-31", "file-metadata")


def test_deeply_nested_html_does_not_recurse(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 10_000 + "<p>deep text</p>" + "</div>" * 10_000 + "</body></html>"
    try:
        doc = _read(_write(tmp_path, "deep.html", page))
    except ReadError as exc:
        assert "nested too deeply" in str(exc)
    else:
        assert doc.text == "deep text"


# ---------------------------------------------------------------------------------------
# PDF

def test_pdf_blocks_carry_page_numbers_and_metadata(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.pdf", _pdf("First page text.", "", "Third page text.",
                                          title="Quarterly Review", author="Oversight Office"))
    doc = _read(path)
    assert [(b.text, b.page) for b in doc.blocks] == [("First page text.", 1), ("Third page text.", 3)]
    assert (doc.meta.title, doc.meta.author, doc.fmt) == ("Quarterly Review", "Oversight Office", "pdf")


def test_pdf_junk_title_is_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, "r.pdf", _pdf("Defense Reform Roadmap\n\nBody text here.",
                                          title="Microsoft Word - draft7.docx"))
    assert _read(path).meta.title == "Defense Reform Roadmap"


def test_pdf_named_md_is_rejected(tmp_path: Path) -> None:
    """The name and the content must agree; a disguised PDF is not read as anything."""
    with pytest.raises(ReadError, match=re.escape("content is PDF but the name says '.md'")):
        _read(_write(tmp_path, "notes.md", _pdf("Hidden PDF text.")))


@pytest.mark.parametrize(("data", "reason"), [
    (_pdf(""), "PDF has no extractable text (scanned image?)"),
    (b"%PDF-1.4\n" + b"\x00garbage" * 50, "unreadable PDF"),
    (raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>",
              b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"), "unreadable PDF"),
    (raw_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"), "unreadable PDF"),
], ids=["no-text", "garbage", "page-tree-loop", "page-tree-cycle"])
def test_broken_pdfs_fail_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=re.escape(reason)):
        _read(_write(tmp_path, "bad.pdf", data))


# ---------------------------------------------------------------------------------------
# DOCX

def _sample_docx(document: docx.document.Document) -> None:
    """Fill a python-docx document with headings, paragraphs, a list and a table."""
    document.core_properties.title = "Reform Plan 2024"
    document.core_properties.author = "Planning Directorate"
    document.add_heading("Goals", level=1)
    document.add_paragraph("Improve audit.")
    document.add_paragraph("Train auditors", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Task", "Due"), ("Audit law", "2024-06"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph("After the table.")


def test_docx_reads_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    doc = _read(_write(tmp_path, "plan.docx", _docx_bytes(_sample_docx)))
    assert [(b.text, b.section, b.is_heading) for b in doc.blocks] == [
        ("Goals", "Goals", True),
        ("Improve audit.", "Goals", False),
        ("• Train auditors", "Goals", False),
        ("Task | Due", "Goals", False),
        ("Audit law | 2024-06", "Goals", False),
        ("After the table.", "Goals", False),
    ]
    assert (doc.meta.title, doc.meta.author) == ("Reform Plan 2024", "Planning Directorate")


def test_docx_core_date_is_used_only_without_a_date_in_the_text(tmp_path: Path) -> None:
    def build(document: docx.document.Document) -> None:
        import datetime as dt
        document.core_properties.created = dt.datetime(2015, 3, 4, 10, 0)
        document.add_paragraph("Body without a date.")
    meta = _read(_write(tmp_path, "d.docx", _docx_bytes(build))).meta
    assert (meta.date, meta.date_source) == ("2015-03-04", "file-metadata")


def test_docx_without_core_properties_infers_metadata(tmp_path: Path) -> None:
    """python-docx invents defaults for a missing core part; they must not be used."""
    original = _docx_bytes(_sample_docx)
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        rels = re.sub(rb"<Relationship [^>]*docProps/core\.xml[^>]*/>", b"", zf.read("_rels/.rels"))
    data = _rezip(_rezip(original, {"_rels/.rels": rels}), drop="docProps/core.xml")
    meta = _read(_write(tmp_path, "plan.docx", data)).meta
    assert (meta.title, meta.author, meta.date) == ("Goals", None, None)


def test_zip_bomb_ratio_is_rejected(tmp_path: Path) -> None:
    data = _rezip(_docx_bytes(), {"word/media/zeros.bin": bytes(20 * 1024 * 1024)})
    with pytest.raises(ReadError, match=r"zip bomb: part word/media/zeros.bin expands \d+:1"):
        _read(_write(tmp_path, "bomb.docx", data))


def test_zip_bomb_total_size_is_rejected(tmp_path: Path) -> None:
    """Many parts under the ratio check's size still add up past the limit."""
    extra = {f"word/media/p{i}.bin": bytes(1024 * 1024) for i in range(205)}
    with pytest.raises(ReadError, match=r"zip bomb: \.docx expands to 205 MB \(limit 200 MB\)"):
        _read(_write(tmp_path, "bomb.docx", _rezip(_docx_bytes(), extra)))


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: _rezip(_docx_bytes(), {"word/document.xml": b'<?xml version="1.0"?>\n<!DOCTYPE x '
                                     b'[<!ENTITY a "aaaa">]><w:document/>'}),
     "DOCTYPE in OOXML part: rejected (word/document.xml)"),
    (lambda: _rezip(_docx_bytes(), {"customXml/item1.xml": "<!doctype x>".encode("utf-16")}),
     "DOCTYPE in OOXML part: rejected (customXml/item1.xml)"),
    (lambda: _rezip(_docx_bytes(), drop="word/document.xml"), "not a .docx: the zip has no word/document.xml"),
    (lambda: b"PK\x03\x04" + b"\x00" * 100, "not a valid .docx (zip) file"),
    (lambda: _docx_bytes(), "no text found in the document"),
], ids=["doctype", "doctype-utf16", "no-document-part", "not-a-zip", "empty"])
def test_hostile_docx_fails_with_a_reason(tmp_path: Path, make: object, reason: str) -> None:
    assert callable(make)
    with pytest.raises(ReadError, match=re.escape(reason)):
        _read(_write(tmp_path, "bad.docx", make()))


# ---------------------------------------------------------------------------------------
# Real-world fixtures

@needs_shared
@pytest.mark.parametrize("path", _files(PDF_REAL) + _files(DOCX_REAL), ids=lambda p: p.name)
def test_real_fixture_reads_or_fails_with_a_reason(path: Path) -> None:
    try:
        doc = _read(path)
    except ReadError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
    else:
        assert doc.text.strip() and doc.fmt in FORMATS and doc.meta.title


@needs_shared
@pytest.mark.parametrize(("name", "reason"), [
    ("pypdf__encryption_r6-user-password.pdf", "PDF is password-protected"),
    ("sample-files__005-libreoffice-writer-password_libreoffice-writer-password.pdf",
     "PDF is password-protected"),
    ("pypdf__crazyones-encrypted-256.pdf", "PDF is password-protected"),
    ("pypdf__box.pdf", "PDF has no extractable text (scanned image?)"),
])
def test_real_pdfs_that_cannot_be_read(name: str, reason: str) -> None:
    with pytest.raises(ReadError, match=re.escape(reason)):
        _read(PDF_REAL / name)


@needs_shared
def test_real_pdf_with_empty_user_password_opens() -> None:
    assert _read(PDF_REAL / "pypdf__encryption_r6-empty-password.pdf").text.strip()


@needs_shared
def test_real_pdf_text_and_pages() -> None:
    assert "crazy ones" in _read(PDF_REAL / "pypdf__crazyones.pdf").text.lower()
    doc = _read(PDF_REAL / "sample-files__004-pdflatex-4-pages_pdflatex-4-pages.pdf")
    assert sorted({b.page for b in doc.blocks}) == [1, 2, 3, 4]


@needs_shared
def test_real_docx_tables_and_core_properties() -> None:
    """The fixtures named for core properties and tables have empty bodies (nothing to index)."""
    text = _read(DOCX_REAL / "blk-paras-and-tables.docx").text
    assert "Text before Table Between Text after" in text           # a table nested in a cell
    for name in ("doc-coreprops.docx", "doc-no-coreprops.docx", "tbl-having-tables.docx"):
        with pytest.raises(ReadError, match="no text found"):
            _read(DOCX_REAL / name)
    assert _read(DOCX_REAL / "test.docx").meta.author == "Cisco Employee"


@needs_shared
@pytest.mark.parametrize("path", _files(EVAL_CORPUS), ids=lambda p: p.name)
def test_eval_corpus_document_reads(path: Path) -> None:
    doc = _read(path)
    assert doc.text.strip() and doc.meta.title and doc.fmt == path.suffix[1:]
    if doc.fmt == "html":
        text = doc.text.lower().replace("’", "'")
        assert [w for w in BOILERPLATE_WORDS if w in text] == []
