"""Generate the binary files of tests/corpus/ (PDF, DOCX, the broken PDF).

The Markdown, HTML and text fixtures in tests/corpus/ are written by hand; what
each fixture must yield is recorded in tests/corpus_facts.py. The renderers are
the ones of bench/render_samples.py, so fixtures look like the sample corpus.

Run from the repository root (re-runnable, overwrites its own outputs):

    .venv/bin/python tests/make_test_corpus.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render_samples import Sample, render_all  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
BROKEN_PDF = b"this is not a pdf\n"

FIXTURES = [
    Sample(
        path="sustainment-audit-restricted.pdf",
        title="Audit of Sustainment Stocks at Northern Depots",
        date="2023-09-14",
        author="Test Fixture Audit Office",
        sidecar={"marking": "RESTRICTED", "type": "report"},
        body="""
# Audit of Sustainment Stocks at Northern Depots

Kyiv, 14 September 2023

## Findings

The Canary Logistics Directorate manages fuel, spare parts and ammunition for the northern depots. Auditors found that logistics and sustainment records were incomplete and that the budgeting of spare parts did not match requirements. Samples of zanzibarite were stored without an inventory.

## Procedure

Inventories must follow the Quiet Harbor Protocol (QHP). Under the QHP, every depot reconciles its stock each month and reports shortages to the procurement office.
"""),
    Sample(
        path="industry-roadmap-2025.docx",
        title="Roadmap for Defence Industrial Cooperation 2025–2027",
        date="2025-02-10",
        author="Test Fixture Secretariat",
        sidecar=None,
        body="""
# Roadmap for Defence Industrial Cooperation 2025–2027

Poltava, 10 February 2025

## Technology cooperation

The roadmap sets out industry-to-industry cooperation, co-production of ammunition and joint research and development. Every transfer follows export control rules, protection of sensitive information and end-use monitoring, so that the defence industrial base can grow safely.

## Shared investment

Ukraine will co-fund each joint project with its own investment and shares responsibility for the results. Partners invest know-how; the Ministry of Defence invests money, sites and staff in its own security and defence sector.
"""),
    Sample(
        path="spilna-zaiava-2022.docx",
        title="Спільна заява про довгострокове оборонне партнерство",
        date="2022-08-24",
        author="Тестовий секретаріат",
        lang="uk",
        sidecar={"marking": "PUBLIC", "type": "agreement", "lang": "uk"},
        body="""
# Спільна заява про довгострокове оборонне партнерство

Ужгород, 24 серпня 2022 р.

## Довгострокове партнерство

Сторони підтверджують довгострокове стратегічне партнерство і багаторічні зобов’язання щодо підтримки України.

## Координація з партнерами

Допомога координується з союзниками та іншими партнерами через Контактну групу з питань оборони України і НАТО, щоб синхронізувати постачання між донорами.

## Протиповітряна оборона

Пріоритетом є посилення протиповітряної оборони та захист територіальної цілісності України від агресії.
"""),
    Sample(
        path="cyber-briefing-note-2020.pdf",
        title="Briefing Note on Cyber Defense Exercises",
        date="2020-11-03",
        author="Test Fixture Secretariat",
        sidecar={"marking": "PUBLIC", "type": "other"},
        body="""
# Briefing Note on Cyber Defense Exercises

Mykolaiv, 3 November 2020

## Cyber defense

Units completed a cyber defense exercise that tested readiness, intelligence sharing and the protection of command networks against hostile acts.

## Effectiveness

The exercise was run within existing resources and created no new funding obligations. It made ongoing assistance programs more efficient by reusing equipment already delivered under earlier packages.
"""),
]


def main() -> None:
    for path in render_all(CORPUS, FIXTURES):
        print(path)
    broken = CORPUS / "broken.pdf"
    broken.write_bytes(BROKEN_PDF)
    print(broken)


if __name__ == "__main__":
    main()
