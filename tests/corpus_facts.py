"""What each fixture in tests/corpus/ contains, for tests to assert exact results.

The fixtures are tiny fictional documents written for the test suite (see
tests/make_test_corpus.py for the generated PDF/DOCX ones). Every fixture except
broken.pdf is listed in FIXTURES, keyed by file name.

Fields of each entry:
    path            Path of the file
    title           the document title (front matter, sidecar, core property or first heading)
    date            ISO date as stated in metadata and in the text
    type            expected document type id; `type_stated` says whether metadata gives it
                    (when False the indexer has to infer it from title/text)
    lang            "en" or "uk"
    marking         expected effective marking; `marking_stated` False means no marking
                    anywhere, so the default INTERNAL applies
    loe, principles taxonomy ids each fixture clearly deserves (a dedicated, plainly worded
                    paragraph); the tagger may add others, but must find these
    unique_words    words that occur in this fixture and in no other fixture
    acronyms        "Long Form (ACR)" definitions in the text, as (short, long)
    amounts         money amounts as written in the text
"""
from __future__ import annotations

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"

BROKEN_FILE = CORPUS_DIR / "broken.pdf"

CANARY_FILE = CORPUS_DIR / "sustainment-audit-restricted.pdf"
CANARY_WORD = "zanzibarite"
CANARY_ORG = "Canary Logistics Directorate"
CANARY_ACRONYM = ("QHP", "Quiet Harbor Protocol")


def _fixture(name: str, **facts: object) -> tuple[str, dict]:
    facts.setdefault("type_stated", True)
    facts.setdefault("marking_stated", True)
    facts.setdefault("acronyms", ())
    facts.setdefault("amounts", ())
    return name, {"path": CORPUS_DIR / name, **facts}


FIXTURES: dict[str, dict] = dict([
    _fixture(
        "mjc-founding-note.md",
        title="Founding Note on the Multinational Joint Commission",
        date="2015-03-12", type="agreement", lang="en", marking="PUBLIC",
        loe=(), principles=("multinational-coordination",),
        unique_words=("trakai", "observer"),
        acronyms=(("MJC", "Multinational Joint Commission"),),
        spelling="defense",
    ),
    _fixture(
        "logistics-working-group-minutes.md",
        title="Minutes of the Logistics Working Group, October 2017",
        date="2017-10-05", type="minutes", lang="en", marking="INTERNAL",
        loe=("resource-management",), principles=("senior-engagement",),
        unique_words=("uzhhorod", "accountant"),
        amounts=("$125 million",),
        # uses the bare acronym "MJC" without defining it
        decision="The co-chairs agreed to adopt a single fuel accounting system for all regional depots.",
        commitment="The Ministry of Defence of Ukraine will assign a trained fuel accountant to every regional depot by 1 January 2018.",
        action="Action: Main Directorate of Logistics to deliver the implementation schedule by 31 March 2018.",
        spelling="defence",
    ),
    _fixture(
        "air-defense-radars.html",
        title="Air Defense Radars Delivered to Ukraine",
        date="2019-06-20", type="announcement", lang="en", marking="PUBLIC",
        loe=("defense-capability",), principles=("effective-assistance",),
        unique_words=("vinnytsia", "surveillance"),
        amounts=("$1.5 billion",),
        spelling="defense",
    ),
    _fixture(
        "nastanova-tsyvilnyi-kontrol.txt",
        title="Настанова щодо демократичного цивільного контролю",
        date="2021-04-15", type="policy", lang="uk", marking="INTERNAL",
        loe=("sector-reform",), principles=("enduring-partnership",),
        unique_words=("житомир", "корупції"),
        # inflected forms the Ukrainian analyzer must bring together
        inflections={"цивільний контроль": ("цивільного контролю", "цивільному контролю"),
                     "оборона": ("оборони",)},
    ),
    _fixture(
        "interim-progress-review-2018.txt",
        title="Interim Progress Review",
        date="2018-05-22", type="report", lang="en", marking="INTERNAL",
        loe=("sector-reform",), principles=("senior-engagement",),
        unique_words=("chernivtsi", "interoperability"),
    ),
    _fixture(
        "sustainment-audit-restricted.pdf",
        title="Audit of Sustainment Stocks at Northern Depots",
        date="2023-09-14", type="report", lang="en", marking="RESTRICTED",
        loe=("resource-management",), principles=(),
        unique_words=("zanzibarite", "reconciles"),
        acronyms=(("QHP", "Quiet Harbor Protocol"),),
    ),
    _fixture(
        "industry-roadmap-2025.docx",
        title="Roadmap for Defence Industrial Cooperation 2025–2027",
        date="2025-02-10", type="reform-plan", lang="en", marking="INTERNAL",
        type_stated=False, marking_stated=False,      # no sidecar at all
        loe=("technology-cooperation",), principles=("mutual-investment",),
        unique_words=("poltava", "co-production"),
        spelling="defence",
    ),
    _fixture(
        "spilna-zaiava-2022.docx",
        title="Спільна заява про довгострокове оборонне партнерство",
        date="2022-08-24", type="agreement", lang="uk", marking="PUBLIC",
        loe=("defense-capability",), principles=("enduring-partnership", "multinational-coordination"),
        unique_words=("ужгород", "донорами"),
    ),
    _fixture(
        "cyber-briefing-note-2020.pdf",
        title="Briefing Note on Cyber Defense Exercises",
        date="2020-11-03", type="other", lang="en", marking="PUBLIC",
        loe=("defense-capability",), principles=("effective-assistance",),
        unique_words=("mykolaiv", "cyber"),
        spelling="defense",
    ),
])

# Convenience views
BY_MARKING: dict[str, tuple[str, ...]] = {
    level: tuple(name for name, f in FIXTURES.items() if f["marking"] == level)
    for level in ("PUBLIC", "INTERNAL", "RESTRICTED")
}
BY_YEAR: dict[int, str] = {int(f["date"][:4]): name for name, f in FIXTURES.items()}
