"""A small corpus written for the reviewer's-day tests: search semantics, ledger, brief."""
from __future__ import annotations

from pathlib import Path

from app import create_app
from indexer.build import build_index


def _md(title: str, body: str, date: str | None = None, doc_type: str = "report") -> str:
    head = f"---\ntitle: {title}\n" + (f"date: {date}\n" if date else "")
    return head + f"type: {doc_type}\nmarking: INTERNAL\nlang: en\n---\n\n# {title}\n\n{body}\n"


DOCS = {
    "fuel-review.md": _md("Fuel review of the depots", "The depots reviewed fuel stocks and "
                          "reported on the fuel ledger in detail.", "2019-03-04"),
    "fuel-crs.md": _md("Fuel figures quoted from CRS", "A CRS analysis of fuel deliveries to "
                       "the depots was circulated to members.", "2020-05-06"),
    "ammunition-review.md": _md("Ammunition review", "The ammunition stocks of the brigades "
                                "were counted and the ammunition plan approved.", "2021-02-03"),
    "ammunition-crs.md": _md("Ammunition figures quoted from CRS", "A CRS note on ammunition "
                             "production was discussed by the members.", "2022-07-08"),
    "harbor-note.md": _md("Harbor note", "The harbor logistics (HL) cell coordinates berths. "
                          "The HL cell meets weekly.", "2023-01-10"),
    "hl-unrelated.md": _md("Staffing note", "The HL code on the badge marks the staff of the "
                           "north wing; anti-corruption screening of the staff was completed."),
    "scattered.md": _md("Scattered words", "Ukraine asked for help. The security of the site "
                        "improved. Assistance arrived. The initiative was welcomed.", "2018-09-09"),
    "undated-fuel.md": _md("Fuel notes without a date", "Fuel handling notes for the depots, "
                           "kept by the storekeepers."),
    "border-minutes.md": _md("Minutes of the border working group", "## Monitoring\n\n"
                             "The United States committed to fund end-use monitoring of the "
                             "night-vision devices by 31 March 2020. The United States will "
                             "provide training on end-use monitoring to the border guards.\n\n"
                             "## Depots\n\nThe co-chairs decided to open a second repair depot "
                             "for armored vehicles. The Ministry of Defence of Ukraine committed "
                             "to publish the petrol accounting rules by June 2090.",
                             "2019-11-12", "minutes"),
    "appropriations-note.md": _md("Appropriations note", "The supplemental appropriations act "
                                  "(P.L. 101-20), which committed more than $5 billion to "
                                  "support the depots and other sites, was signed in April.\n\n"
                                  "3/12/21, 9:05 AM The co-chairs decided to merge the two "
                                  "repair programs.", "2021-03-12"),
    "procurement-review.md": _md("Procurement review", "## Tenders\n\nThe ministry prioritized "
                                 "open tenders for procurement of boots.\n\n## Contracts\n\n"
                                 "Procurement contracts for boots were published in December.\n\n"
                                 "## Audits\n\nAuditors sampled procurement files for boots.",
                                 "2016-04-04"),
    "boots-memo.md": _md("Boots memo", "The brigades asked for winter boots before December.",
                         "2024-10-01"),
}


def write_corpus(folder: Path, extra: dict[str, str] | None = None) -> Path:
    """Write DOCS (and `extra`) into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**DOCS, **(extra or {})}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def day_app(root: Path, taxonomy, extra: dict[str, str] | None = None):
    """Return the real app over a freshly built index of the day corpus under `root`."""
    corpus = write_corpus(root / "corpus", extra)
    build_index(corpus, root / "index", taxonomy)
    return create_app({"TESTING": True, "INDEX_DIR": str(root / "index"),
                       "CORPUS_DIR": str(corpus), "DATA_DIR": str(root / "data")})
