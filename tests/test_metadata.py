"""Tests for indexer.metadata: dates, language, organizations, amounts, acronyms, titles."""
from __future__ import annotations

import pytest

from indexer.metadata import (
    detect_lang, find_acronyms, find_amounts, find_date, find_orgs, infer_title, title_from_name,
)
from indexer.records import Acronym, Amount, Block


@pytest.mark.parametrize(("text", "expected"), [
    ("Signed in Kyiv on August 31, 2021 by both ministers.", "2021-08-31"),
    ("Meeting held 31 August 2021 at the ministry.", "2021-08-31"),
    ("Minutes\n2021-08-31\nThe parties met.", "2021-08-31"),
    ("Київ, 31 серпня 2021 р.\nСторони домовилися.", "2021-08-31"),
    ("Протокол від 31.08.2021 засідання.", "2021-08-31"),
    ("Kyiv\nсерпень 2021\nТекст документа.", "2021-08"),
    ("News | Jan. 11, 2024\nThe inspector general released a report.", "2024-01-11"),
    ("13 Jun. 2008\nMinisters met at headquarters.", "2008-06-13"),
    ("Last updated 22-Dec-2016 13:03", None),          # an "updated" stamp is not the date
    ("July 12 2023\nWe, the leaders, affirm our support.", "2023-07-12"),
    # a dateline beats an earlier date in prose
    ("Assistance delivered since March 3, 2022 continues.\nposted 07 November 2019 11:18", "2019-11-07"),
    # a month in running prose is a reference, not the document's date
    ("Support grew after the invasion in February 2022 and continues today across the region.", None),
    # a reporting period is not the document's date
    ("Quarterly report October 1, 2023–December 31, 2023", None),
    ("The plan runs 2021 to 2025 with no dates.", None),
    ("February 30, 2021 is not a day.", None),
    ("We may 2021 hold talks.", None),
    ("", None),
])
def test_find_date(text: str, expected: str | None) -> None:
    assert find_date(text) == expected


def test_find_date_ignores_prose_dates_far_from_the_top() -> None:
    """Only datelines count past the first ~1000 characters of prose."""
    text = "Background paragraph text. " * 60 + "The treaty was denounced on 01.12.2008 by one party."
    assert find_date(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("The Ministry of Defence of Ukraine met NATO officials.", "en"),
    ("Міністерство оборони України провело зустріч із партнерами.", "uk"),
    ("НАЗК і NATO: спільна робота над доброчесністю в секторі оборони.", "uk"),
    ("", "en"),
])
def test_detect_lang(text: str, expected: str) -> None:
    assert detect_lang(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Pentagon said DoD will brief NATO allies.", ("U.S. Department of Defense", "NATO")),
    ("Міністерство оборони України та НАТО підписали план.", ("Ministry of Defence of Ukraine", "NATO")),
    ("Ukraine's MoD hosted the Ukraine Defense Contact Group.",
     ("Ministry of Defence of Ukraine", "Ukraine Defense Contact Group")),
    ("The Georgian MoD met the World Bank.", ("World Bank",)),   # bare MoD outside a Ukraine text
    ("The DoD OIG released a report with the State Department and USAID.",
     ("U.S. Department of Defense", "DoD Office of Inspector General", "U.S. Department of State",
      "USAID")),
    ("НАЗК звітує Верховній Раді; Генеральний штаб ЗСУ.",
     ("National Agency on Corruption Prevention", "Verkhovna Rada",
      "General Staff of the Armed Forces of Ukraine", "Armed Forces of Ukraine")),
    ("G7 leaders and the European Union back the Multinational Joint Commission; EUCOM supports.",
     ("G7", "European Union", "Multinational Joint Commission", "U.S. European Command")),
    ("A report about the weather.", ()),
])
def test_find_orgs(text: str, expected: tuple[str, ...]) -> None:
    assert find_orgs(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("committed more than $600 million since 2014",
     (Amount("$600 million", 600e6, "USD"),)),
    ("a package of $1.2 billion and USD 50 million",
     (Amount("$1.2 billion", 1.2e9, "USD"), Amount("USD 50 million", 50e6, "USD"))),
    ("nearly EUR 800 million (approximately USD 860 million)",
     (Amount("EUR 800 million", 800e6, "EUR"), Amount("USD 860 million", 860e6, "USD"))),
    ("€2 billion in loans", (Amount("€2 billion", 2e9, "EUR"),)),
    ("UAH 1.2 billion for procurement", (Amount("UAH 1.2 billion", 1.2e9, "UAH"),)),
    ("виділено 1,2 млрд грн на закупівлі", (Amount("1,2 млрд грн", 1.2e9, "UAH"),)),
    ("600 млн доларів США допомоги", (Amount("600 млн доларів США", 600e6, "USD"),)),
    ("items worth $1,250,000 were lost", (Amount("$1,250,000", 1_250_000.0, "USD"),)),
    ("US$5.6 billion appeal", (Amount("US$5.6 billion", 5.6e9, "USD"),)),
    ("$600 million now and $600 million later", (Amount("$600 million", 600e6, "USD"),)),
    ("In 2014, 600 soldiers trained.", ()),
])
def test_find_amounts(text: str, expected: tuple[Amount, ...]) -> None:
    assert find_amounts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("between the U.S. Department of Defense (DoD) and the Ukrainian Ministry of Defense (MoD)",
     (Acronym("DoD", "Department of Defense"), Acronym("MoD", "Ministry of Defense"))),
    ("monitoring of enhanced end-use monitoring (EEUM) designated articles",
     (Acronym("EEUM", "enhanced end-use monitoring"),)),
    ("the Office of Defense Cooperation in Ukraine (ODC-U) reported",
     (Acronym("ODC-U", "Office of Defense Cooperation in Ukraine"),)),
    ("Міністерство оборони України (МОУ) затвердило план",
     (Acronym("МОУ", "Міністерство оборони України"),)),
    ("Національного агентства з питань запобігання корупції (НАЗК) звіт",
     (Acronym("НАЗК", "Національного агентства з питань запобігання корупції"),)),
    ("the report was released (DODIG-2024-043) today", ()),
    ("we met the press (NATO) yesterday", ()),             # initials do not match
    ("a minister (UK) spoke", ()),
])
def test_find_acronyms(text: str, expected: tuple[Acronym, ...]) -> None:
    assert find_acronyms(text) == expected


@pytest.mark.parametrize(("blocks", "expected"), [
    ((Block("Short intro"), Block("Annual Review", is_heading=True)), "Annual Review"),
    ((Block("Joint Statement on Defense Cooperation"), Block("Body text. " * 30)),
     "Joint Statement on Defense Cooperation"),
    ((Block("Body text that goes on. " * 20),), "bdc 2019"),
    ((), "bdc 2019"),
])
def test_infer_title(blocks: tuple[Block, ...], expected: str) -> None:
    assert infer_title(blocks, "bdc-2019.pdf") == expected


def test_title_from_name_keeps_inner_dots() -> None:
    assert title_from_name("report_v1.2-final.pdf") == "report v1.2 final"
