"""The consultation brief as Markdown and as a Word document (python-docx).

Both carry the brief's marking at the top and the bottom: Markdown as its first and last
line, .docx in the header and footer of every page. The .docx also has the brief's title
and subject as document properties, clickable links, and each item's own marking.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from compat.docx import paragraph_element, run_element
from search.brief import Brief, BriefItem, BriefSection

HEADINGS = (("decisions", "Decisions"), ("commitments", "Commitments"),
            ("actions", "Action items"), ("figures", "Figures"))


def item_line(item: BriefItem, base_url: str = "") -> str:
    """Return one statement as a line of plain text, with actor, due date and citation."""
    r = item.row
    extras = [x for x in (r.actor, f"due {r.due}" if r.due else "",
                          "past due: check status" if item.is_overdue else "") if x]
    head = f"[{', '.join(extras)}] " if extras else ""
    return f"{head}{r.text} ({r.citation.label} <{base_url}{r.citation.url}>)"


def brief_markdown(brief: Brief, base_url: str = "") -> str:
    """Return the brief as Markdown, marking first and last; links made absolute with `base_url`."""
    banner = f"**{brief.marking.name}**"
    lines = [banner, "", f"# {_md(brief.title)}", "",
             f"Period: {brief.period} · as of {brief.as_of}", ""]
    if brief.is_empty:
        lines += ["Nothing was found for this period at your clearance.", ""]
    for section in brief.sections:
        lines += _section_markdown(section, base_url)
    return "\n".join(lines + [banner, ""])


def _section_markdown(section: BriefSection, base_url: str) -> list[str]:
    lines = [f"## {_md(section.label)}", ""]
    for attr, heading in HEADINGS:
        items = getattr(section, attr)
        if items:
            lines += [f"### {heading}", ""]
            lines += [f"- {_item_markdown(i, base_url)}" for i in items]
            lines.append("")
    if section.documents:
        lines += ["### Documents to read", ""]
        lines += [f"- [{_md(d.title)}]({_url(base_url + d.url)}) · {d.date or 'undated'} · "
                  f"{d.marking}"
                  for d in section.documents]
        lines.append("")
    if section.is_empty:
        lines += ["Nothing in this period.", ""]
    return lines


def _item_markdown(item: BriefItem, base_url: str) -> str:
    """Return one statement as a Markdown line: its text escaped, its citation an autolink."""
    r = item.row
    extras = [x for x in (r.actor, f"due {r.due}" if r.due else "",
                          "past due: check status" if item.is_overdue else "") if x]
    head = f"[{', '.join(extras)}] " if extras else ""
    return f"{_md(head + r.text)} ({_md(r.citation.label)} <{_url(base_url + r.citation.url)}>)"


def _md(text: str) -> str:
    """Return text with Markdown's emphasis and link characters escaped and HTML made inert
    (a document's `<script>` or `<img onerror>` stays text in any Markdown renderer)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\*_[]`":
        text = text.replace(ch, "\\" + ch)
    return text


def _url(url: str) -> str:
    """Return `url` safe inside <...> and (...): no brackets, quotes or spaces."""
    for ch, code in (("<", "%3C"), (">", "%3E"), (" ", "%20"), ("(", "%28"), (")", "%29"),
                     ('"', "%22")):
        url = url.replace(ch, code)
    return url


def brief_docx(brief: Brief, base_url: str = "") -> bytes:
    """Return the brief as a .docx file, its marking in the header and footer of every page."""
    doc = Document()
    props = doc.core_properties
    props.title = brief.title
    props.subject = f"Consultation brief, {brief.period}, as of {brief.as_of}"
    props.category = brief.marking.name
    props.keywords = "; ".join(s.label for s in brief.sections)
    for section in doc.sections:
        _banner(section.header.paragraphs[0], brief.marking.name)
        _banner(section.footer.paragraphs[0], brief.marking.name)
    doc.add_heading(brief.title, level=0)
    doc.add_paragraph(f"Period: {brief.period} · as of {brief.as_of}")
    if brief.is_empty:
        doc.add_paragraph("Nothing was found for this period at your clearance.")
    for section in brief.sections:
        _section_docx(doc, section, base_url)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _banner(paragraph, text: str) -> None:
    paragraph.text = ""
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(11)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _section_docx(doc, section: BriefSection, base_url: str) -> None:
    doc.add_heading(section.label, level=1)
    for attr, heading in HEADINGS:
        items = getattr(section, attr)
        if items:
            doc.add_heading(heading, level=2)
            for i in items:
                _item_docx(doc, i, base_url)
    if section.documents:
        doc.add_heading("Documents to read", level=2)
        for d in section.documents:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"({d.marking}) ").bold = True
            _hyperlink(p, base_url + d.url, d.title)
            p.add_run(f" · {d.date or 'undated'}")
    if section.is_empty:
        doc.add_paragraph("Nothing in this period.")


def _item_docx(doc, item: BriefItem, base_url: str) -> None:
    """Add one statement: its marking first (as portion markings are), then text and link."""
    r = item.row
    p = doc.add_paragraph(style="List Bullet")
    p.add_run(f"({r.marking}) ").bold = True
    extras = [x for x in (r.actor, f"due {r.due}" if r.due else "",
                          "past due: check status" if item.is_overdue else "") if x]
    if extras:
        p.add_run(f"[{', '.join(extras)}] ")
    p.add_run(f"{r.text} (")
    _hyperlink(p, base_url + r.citation.url, r.citation.label)
    p.add_run(")")


def _hyperlink(paragraph, url: str, text: str) -> None:
    """Append a clickable link to `paragraph` (python-docx has no API for it)."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = paragraph.add_run(text)
    run.font.underline = True
    run.font.color.rgb = RGBColor(0x1F, 0x4E, 0x9A)
    link.append(run_element(run))
    paragraph_element(paragraph).append(link)
