"""Web furniture is recognized and left out; titles are chosen among candidates; every
document gets a summary that does not open with furniture. Texts and pages written here."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.furniture import drop_furniture, furniture_kind, is_byline, is_generic_label
from indexer.learning.labels import load_labels
from indexer.readers import read_document
from indexer.records import Block, Marking
from indexer.taxonomy import default_taxonomy_path, load_taxonomy
from indexer.titles import choose_title, name_title, title_candidates
from indexer.uploads import store_upload
from search.documents import PassageView, summarize

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.mark.parametrize(("text", "kind"), [
    ("An official website of the United States government", "banner"),
    ("A .gov website belongs to an official government organization in the United States.",
     "banner"),
    ("Офіційний вебсайт Міністерства оборони України", "banner"),
    ("Skip to main content", "navigation"),
    ("Перейти до основного вмісту", "navigation"),
    ("To News and Stories", "navigation"),
    ("Back to all press releases", "navigation"),
    ("Повернутися до списку новин", "navigation"),
    ("Read more", "navigation"),
    ("Share | Print | Email", "share"),
    ("Share this article: Facebook Twitter LinkedIn", "share"),
    ("Поділитися: Facebook Telegram", "share"),
    ("Subscribe to our newsletter", "share"),
    ("This site uses cookies to improve your experience. Accept all", "cookie"),
    ("Ми використовуємо файли cookie, щоб сайт працював краще", "cookie"),
    ("(Navy photo by Petty Officer 2nd Class Jane Roe)", "credit"),
    ("Photo: Regional press office", "credit"),
    ("Фото: прес-служба відомства", "credit"),
    ("© 2024 Example Agency. All rights reserved.", "footer"),
    ("Privacy Policy | Terms of Use | Accessibility | Contact Us", "footer"),
    ("Усі права захищені", "footer"),
    ("FOR IMMEDIATE RELEASE", "release"),
    ("Immediate Release", "release"),
    ("A redacted version of this report is now available on the website.", "notice"),
    ("Related News", "related"),
    ("Читайте також", "related"),
    ("Home > Newsroom > Releases", "breadcrumb"),
    ("Головна » Новини » Оборона", "breadcrumb"),
])
def test_furniture_kinds(text: str, kind: str) -> None:
    assert furniture_kind(text) == kind


@pytest.mark.parametrize("text", [
    "The share of the budget spent on procurement rose to 31 percent in the second quarter.",
    "Ministers agreed to print and distribute the new logistics manuals to every brigade.",
    "Officials said the photo reconnaissance unit would return to its home base by Friday.",
    "Міністр зазначив, що частка видатків на закупівлі зросла до третини бюджету.",
    "Audit of Fuel Accountability at Forward Depots",
    "Partners Review Progress on the Joint Maintenance Hub",
    "News | March 3, 2024",                    # a dateline: the dates step reads it
    "Kyiv / Brussels",
])
def test_content_is_not_furniture(text: str) -> None:
    assert furniture_kind(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("By Jane Roe", True), ("by Taras Shevchuk, Staff Writer", True),
    ("Автори: Олена Коваль, Петро Іваненко", True), ("By 2nd Lt. John Doe, May 2, 2024", True),
    ("By 2025, the army plans to replace its old radios in every brigade.", False),
    ("By the end of the year the ministry will have moved all depots to the new system.", False),
])
def test_bylines(text: str, expected: bool) -> None:
    assert is_byline(text) is expected


@pytest.mark.parametrize("text", [
    "This is an old revision of this page, as edited by SomeUser at 10:00, 1 May 2020.",
    "The present address (URL) is a permanent link to this revision of the page.",
    "This document has a restricted distribution and may be used only for official duties.",
])
def test_page_notices_are_furniture(text: str) -> None:
    assert furniture_kind(text) == "notice"


def test_generic_labels_are_recognized_but_not_dropped() -> None:
    assert is_generic_label("ARTICLE INFO") and is_generic_label("Abstract:")
    assert is_generic_label("Анотація")
    assert not is_generic_label("Audit of Fuel Accountability at Forward Depots")
    assert drop_furniture((Block("Abstract"), Block("Body."))) == (Block("Abstract"), Block("Body."))


def test_related_sidebar_late_in_the_page_is_dropped_with_its_headlines() -> None:
    body = [Block(f"Paragraph {i} of the article says something of substance.") for i in range(6)]
    sidebar = [Block("Related News", is_heading=True), Block("Depot Opens in the North"),
               Block("Engineers Finish Bridge Repairs")]
    kept = drop_furniture((*body, *sidebar))
    assert kept == tuple(body)


_PAGE = """<!doctype html><html><head><title>Partners Open a Joint Repair Hub | Example
Defense Agency</title></head><body>
<div>Skip to main content</div>
<div>An official website of the United States government</div>
<div>Here's how you know</div>
<nav><p>Home &gt; Newsroom &gt; Releases</p><p>To News and Stories</p></nav>
<p>Immediate Release</p>
<p>Share | Print | Email</p>
<h1>Partners Open a Joint Repair Hub</h1>
<p>(Army photo by Sgt. 1st Class John Doe)</p>
<p>Engineers from both armies opened a shared repair hub on Tuesday, the agency said.</p>
<p>The hub will overhaul armored vehicles and train technicians from partner units.</p>
<p>Officials expect the first vehicles to return to service within six weeks.</p>
<p>Funding for the hub comes from the assistance package approved last year.</p>
<h2>Related Stories</h2>
<p>Depot Opens in the North</p>
<p>Engineers Finish Bridge Repairs</p>
<p>Privacy Policy | Terms of Use | Accessibility</p>
<p>This site uses cookies. By continuing you accept our use of cookies.</p>
</body></html>"""


def test_html_page_furniture_is_left_out_of_blocks_and_title(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(_PAGE, encoding="utf-8")
    doc = read_document(path, tmp_path)
    texts = [b.text for b in doc.blocks]
    assert doc.meta.title == "Partners Open a Joint Repair Hub"
    assert texts == ["Partners Open a Joint Repair Hub",
                     "Engineers from both armies opened a shared repair hub on Tuesday, the agency said.",
                     "The hub will overhaul armored vehicles and train technicians from partner units.",
                     "Officials expect the first vehicles to return to service within six weeks.",
                     "Funding for the hub comes from the assistance package approved last year."]


def test_title_skips_release_labels_and_generic_labels(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("ARTICLE INFO\n\nFor Immediate Release\n\nBy Jane Roe\n\n"
                    "Logistics Reform Enters Its Second Phase\n\n"
                    "The ministry said on Monday that the second phase of the reform had begun, "
                    "with new depots and a single inventory system.\n", encoding="utf-8")
    doc = read_document(path, tmp_path)
    assert doc.meta.title == "Logistics Reform Enters Its Second Phase"
    assert doc.meta.title_source == "text"


def test_title_prefers_the_line_the_page_repeats_over_a_site_name() -> None:
    blocks = (Block("Ministry Adopts New Training Standards"), Block("Regional Herald"),
              Block("Ministry Adopts New Training Standards"),
              Block("The ministry adopted the standards after a year of trials in three units."))
    assert choose_title(title_candidates(blocks, None)) == \
        ("Ministry Adopts New Training Standards", "text")


def test_title_from_a_heading_repeated_inside_the_first_paragraph() -> None:
    blocks = (Block("Штаб оновив структуру за стандартами НАТО Штаб оновив структуру за "
                    "стандартами НАТО Відповідно до стандартів реорганізовано частину "
                    "підрозділів штабу, повідомили у відомстві."),)
    assert choose_title(title_candidates(blocks, None))[0] == \
        "Штаб оновив структуру за стандартами НАТО"


def test_generated_file_names_are_no_title() -> None:
    assert name_title("3f2a9c1e4b7d4e0f9a8b7c6d5e4f3a2b.pdf") is None
    assert name_title("0042.txt") is None
    assert name_title("budget_review-2024.pdf") == "budget review 2024"


def test_upload_title_comes_from_the_original_name_not_the_stored_one(tmp_path: Path) -> None:
    text = ("the following paragraph was pasted without any heading and it runs on for a long "
            "while, so it cannot serve as a title of the document at all, and it ends here. " * 3)
    stored = store_upload(tmp_path, text.encode(), "Depot inspection notes.txt", Marking.INTERNAL)
    doc = read_document(tmp_path / stored.rel, tmp_path)
    assert doc.meta.title == "Depot inspection notes"
    assert doc.meta.title_source == "file-name"


def _views(*texts: str) -> tuple[PassageView, ...]:
    return tuple(PassageView(id=f"d#{i}", n=i, anchor=f"p-{i}", text=t, section="", page=None,
                             loe=(), principle=(), tags=(), statements=())
                 for i, t in enumerate(texts))


def test_treaty_of_clauses_gets_a_summary() -> None:
    summary = summarize(_views(
        "Agreement on Cooperation Between Two Partners",
        "Preamble",
        "Recognizing the need to strengthen the defense of both participants over the long term;",
        "Affirming their commitment to regular consultations at the level of ministers;",
        "Reaffirming the principles of the charter they both have signed and ratified;"),
        "Agreement on Cooperation Between Two Partners")
    assert summary and summary[0].startswith("Recognizing the need")
    assert all("Agreement on Cooperation" not in s for s in summary)


def test_summary_never_opens_with_furniture() -> None:
    summary = summarize(_views(
        "A .mil website belongs to an official U.S. Department of Defense organization in "
        "the United States.",
        "A redacted version of this report is now available for public release today.",
        "The inspector general found that the depots did not track spare parts consistently.",
        "Auditors recommended a single inventory system for all depots in the region."))
    assert summary and summary[0].startswith("The inspector general found")


def test_one_long_unpunctuated_paragraph_still_gets_a_summary() -> None:
    text = " ".join(["УКАЗ ПРО ПРОГРАМУ співробітництва з метою виконання положень"] +
                    ["положення програми схвалити та забезпечити її виконання"] * 20)
    assert summarize(_views(text))


_WORDS = re.compile(r"\w+")


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/eval-train")
def test_furniture_loses_almost_none_of_the_real_documents_words(monkeypatch) -> None:
    """Over the eval-train text documents, what is dropped is under 0.5% of the words read."""
    import indexer.readers.document as document
    taxonomy = load_taxonomy(default_taxonomy_path())
    dropped = total = 0
    for d in load_labels(SHARED / "eval-train", taxonomy):
        if d.corpus_path.suffix not in (".html", ".md", ".txt"):
            continue
        kept = read_document(d.corpus_path, d.corpus_path.parent).blocks
        with monkeypatch.context() as m:
            m.setattr(document, "drop_furniture", tuple)
            every = read_document(d.corpus_path, d.corpus_path.parent).blocks
        words = sum(len(_WORDS.findall(b.text)) for b in every)
        total += words
        dropped += words - sum(len(_WORDS.findall(b.text)) for b in kept)
    assert total and 0 < dropped / total < 0.005


_UK_PAGE = """<html><head><meta charset="utf-8"></head><body>
<p>Перейти до основного вмісту</p>
<p>Головна » Новини » Оборона</p>
<p>Версія для людей з порушенням зору</p>
<p>Поділитися: Facebook Telegram</p>
<p>Відомство запровадило єдиний облік запасів на складах</p>
<p>Фото: прес-служба відомства</p>
<p>Міністерство повідомило, що з наступного місяця всі склади переходять на єдиний облік.</p>
<p>За словами посадовців, це зменшить втрати майна та пришвидшить постачання військам.</p>
<p>Усі права захищені</p>
</body></html>"""


def test_ukrainian_page_furniture_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "storinka.html"
    path.write_text(_UK_PAGE, encoding="utf-8")
    doc = read_document(path, tmp_path)
    assert doc.meta.title == "Відомство запровадило єдиний облік запасів на складах"
    assert [b.text[:12] for b in doc.blocks] == ["Відомство за", "Міністерство", "За словами п"]


def test_a_furniture_format_title_loses_to_the_headline() -> None:
    blocks = (Block("Depot Reform Enters Its Second Phase", is_heading=True),
              Block("The ministry said the second phase of the depot reform had begun."))
    assert choose_title(title_candidates(blocks, "To News and Stories"))[0] == \
        "Depot Reform Enters Its Second Phase"
