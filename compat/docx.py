"""python-docx private internals used by indexer/readers/docx.py, checked at import.

The reader needs a paragraph's `<w:p>` element (`Paragraph._p`: its style id, outline level
and numbering, read without python-docx's slow per-access style scan) and a table cell's
`<w:tc>` element (`_Cell._tc`: merged cells share one; nested tables by XPath). Checked on
a real (blank) document when this module is imported: python-docx has no public API for
these.
"""
from __future__ import annotations

import docx
from docx.text.paragraph import Paragraph

from compat import LibraryChanged, problem

DISTRIBUTION = "python-docx"
PINNED = "1.2.0"
try:
    from docx.table import _Cell as Cell
except ImportError:
    raise LibraryChanged(problem(DISTRIBUTION, PINNED, "docx.table", ["_Cell"])) from None
PARAGRAPH_INTERNALS = ("_p",)
RUN_INTERNALS = ("_r",)
CELL_INTERNALS = ("_tc",)
CELL_CLASS = "docx.table._Cell"


def paragraph_element(paragraph: Paragraph):
    """Return the paragraph's `<w:p>` element (lxml, with `.style` and `.xpath`)."""
    return paragraph._p


def run_element(run):
    """Return the run's `<w:r>` element (to move it into a hyperlink, which has no API)."""
    return run._r


def cell_element(cell: Cell):
    """Return the cell's `<w:tc>` element (merged cells share one)."""
    return cell._tc


def _check() -> None:
    blank = docx.Document()
    paragraph = blank.add_paragraph("x")
    cell = blank.add_table(rows=1, cols=1).cell(0, 0)
    run = paragraph.add_run("y")
    for owner, where, names in ((paragraph, "docx.text.paragraph.Paragraph", PARAGRAPH_INTERNALS),
                                (run, "docx.text.run.Run", RUN_INTERNALS),
                                (cell, CELL_CLASS, CELL_INTERNALS)):
        gone = [n for n in names if not hasattr(owner, n)]
        if gone:
            raise LibraryChanged(problem(DISTRIBUTION, PINNED, where, gone))
    if not hasattr(paragraph_element(paragraph), "style") or not isinstance(cell, Cell):
        raise LibraryChanged(problem(DISTRIBUTION, PINNED, "the <w:p> element", ["style"]))


_check()
