"""A small corpus written by the security tests: public documents and one RESTRICTED document
whose words (unique ones, shared ones, a wildcard family) must change nothing a PUBLIC reader
is answered."""
from __future__ import annotations

from pathlib import Path

HIDDEN_ID = "hidden-audit.md"
HIDDEN_WORDS = ("zorbulate", "quixotrelm")
PREFIX = "plonk"                    # 5 public words start with it, 300 more only hidden ones
_PUBLIC = {
    "depot-review.md": ("Depot review", "2019-02-01",
                        "The logistics working group reviewed the depot stocks and the fuel "
                        "convoys. Logistics officers agreed to share depot inventories monthly. "
                        "The zorbulane survey of the northern depot is finished."),
    "training-plan.md": ("Training plan", "2020-05-10",
                         "The training plan sets courses for officers and sergeants. Training "
                         "centres report progress to the joint commission every quarter."),
    "radar-upgrade.md": ("Radar upgrade", "2021-09-30",
                         "Air defense radars were upgraded with new software. Logistics support "
                         "for the radars comes from the depot network and spare part stocks."),
    "civil-control.md": ("Civil control", "2022-01-15",
                         "Democratic civilian control of the armed forces requires budget "
                         "transparency and parliamentary oversight of procurement."),
}


def _word(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return PREFIX + letters[n // 26 % 26] + letters[n % 26] + "o"


def write_corpus(folder: Path, with_hidden: bool) -> Path:
    """Write the corpus into `folder` (with or without the RESTRICTED document); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    public_family = " ".join(_word(n) for n in range(5))
    for i, (name, (title, date, body)) in enumerate(_PUBLIC.items()):
        extra = f" Terms: {public_family}." if i == 0 else ""
        _write(folder / name, title, date, "PUBLIC", body + extra)
    if with_hidden:
        family = " ".join(_word(n) for n in range(5, 305))
        body = (f"The {HIDDEN_WORDS[0]} audit of logistics depots found the {HIDDEN_WORDS[1]} "
                "stocks short. Logistics logistics logistics: the depot convoys and fuel "
                f"were counted again. Training officers were told. {family}.")
        _write(folder / HIDDEN_ID, "Hidden audit", "2023-03-03", "RESTRICTED", body)
    return folder


def _write(path: Path, title: str, date: str, marking: str, body: str) -> None:
    path.write_text(f"---\ntitle: {title}\ndate: {date}\ntype: report\nmarking: {marking}\n"
                    f"lang: en\n---\n\n# {title}\n\n{body}\n", encoding="utf-8")
