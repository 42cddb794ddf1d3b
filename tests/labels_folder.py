"""A small labels folder (gold.json, docs/, corpus/) written from fictional sentences.

Every sentence here was written for the tests; the folder has the layout of
../shared/eval-train so training and its errors can be tested without ../shared.
"""
from __future__ import annotations

import json
from pathlib import Path

# tag -> fictional sentences that speak to it
SENTENCES = {
    "defense-capability": [
        "The ministry received additional air defense radars to protect cities from missile strikes.",
        "Units completed a joint exercise on coastal defense and border security.",
        "Deliveries of armored vehicles strengthened the brigade's readiness to deter aggression.",
    ],
    "sector-reform": [
        "The plan strengthens civilian control of the armed forces and parliamentary oversight.",
        "An anti-corruption unit will audit procurement and publish its findings.",
        "Command structures move toward NATO standards and interoperability.",
    ],
    "resource-management": [
        "The defense budget for next year was programmed against prioritized requirements.",
        "Logistics depots adopted a new inventory system for spare parts and fuel.",
        "Personnel management now tracks manning and training records in one database.",
    ],
    "technology-cooperation": [
        "Companies from both countries agreed to co-produce artillery ammunition.",
        "End-use monitoring of transferred equipment continues under the export control regime.",
        "A joint research program will develop counter-drone technology with industry partners.",
    ],
    "enduring-partnership": [
        "Both governments reaffirmed a long-term strategic partnership for the next decade.",
        "Support will continue over the coming years, not only in the current crisis.",
    ],
    "senior-engagement": [
        "The annual bilateral consultations were co-chaired by the deputy ministers.",
        "An interim progress review measured results and set priorities for the next period.",
    ],
    "multinational-coordination": [
        "Assistance is coordinated with allies through the contact group and NATO.",
        "Donors synchronized their training programs through the multinational commission.",
    ],
    "mutual-investment": [
        "The partner co-funds the program and increased its own investment in defense.",
        "Ukraine pays a growing share of the costs from its national budget.",
    ],
    "effective-assistance": [
        "Existing assistance programs will be made more efficient without new funding.",
        "Since 2014 the program has delivered assistance worth 300 million dollars.",
    ],
}
LOE = ("defense-capability", "sector-reform", "resource-management", "technology-cooperation")

# (type, loe, principle) per document
PLAN = [
    ("minutes", ["defense-capability"], ["senior-engagement", "multinational-coordination"]),
    ("agreement", ["technology-cooperation"], ["enduring-partnership", "mutual-investment"]),
    ("reform-plan", ["sector-reform"], ["effective-assistance"]),
    ("report", ["resource-management"], ["effective-assistance", "senior-engagement"]),
    ("announcement", ["defense-capability"], ["enduring-partnership"]),
    ("policy", ["sector-reform", "resource-management"], ["multinational-coordination"]),
    ("minutes", ["technology-cooperation", "defense-capability"], ["senior-engagement"]),
    ("agreement", ["sector-reform"], ["enduring-partnership", "mutual-investment"]),
    ("report", ["resource-management", "technology-cooperation"], ["effective-assistance"]),
    ("announcement", ["defense-capability"], ["multinational-coordination", "mutual-investment"]),
    ("reform-plan", ["sector-reform", "resource-management"], ["enduring-partnership"]),
    ("policy", ["technology-cooperation"], ["senior-engagement", "multinational-coordination"]),
]
PUBLISHERS = ("Ministry of Samples", "Office of Examples", "Fictional Gazette", "Test Herald")


def write_labels_folder(root: Path, *, copies: int = 2) -> Path:
    """Write the folder (each planned document `copies` times, worded in varied order)."""
    (root / "docs").mkdir(parents=True)
    (root / "corpus").mkdir()
    gold = {}
    n = 0
    for c in range(copies):
        for i, (doc_type, loe, principle) in enumerate(PLAN):
            n += 1
            key = f"{n:03d}"
            title = f"Fictional {doc_type.replace('-', ' ')} number {n}"
            date = f"20{15 + n % 10}-0{1 + n % 9}-1{n % 10}"
            body = [s for tag in (*loe, *principle)
                    for j, s in enumerate(SENTENCES[tag]) if (j + c) % 2 == 0 or len(SENTENCES[tag]) == 2]
            if c:
                body.reverse()
            text = "\n\n".join([title, date, *body, "The Ministry will report on progress by 1 March 2027."])
            name = f"{key}-fictional-{doc_type}.txt"
            header = (f"---\nurl: https://example.invalid/{key}\ntitle: {title}\n"
                      f"source: {PUBLISHERS[(n + c) % len(PUBLISHERS)]}\ndate: {date}\nlang: en\n"
                      f"kind: {doc_type}\nofficial: no\n---\n")
            (root / "docs" / name).write_text(header + text + "\n", encoding="utf-8")
            (root / "corpus" / f"{key}.txt").write_text(text + "\n", encoding="utf-8")
            gold[name] = {"loe": loe, "principle": principle, "ignore": [], "type": doc_type,
                          "title": title, "date": date,
                          "evidence": {t: SENTENCES[t][0] for t in (*loe, *principle)},
                          "statements": [{"text": "The Ministry will report on progress by 1 March 2027.",
                                          "kind": "commitment", "actor": "Ukraine / MoD",
                                          "amount": None, "due": "2027-03-01"}]}
    (root / "gold.json").write_text(json.dumps(gold, indent=1), encoding="utf-8")
    return root
