"""Generate a synthetic defense-cooperation corpus for the benchmarks.

    python bench/gen_corpus.py N OUT_DIR [--seed S] [--workers W]

Writes N documents of 300-3,000 words (mean ~1,200) under OUT_DIR/<type>/: ~40% Markdown with
front matter (title, date, type, marking, lang), 20% .txt, 20% .html, 10% .docx (python-docx),
10% .pdf (a minimal hand-written PDF with the Helvetica core font, English only). About 15% of
the documents are Ukrainian (md/txt/html only). Some non-Markdown files get a sidecar
NAME.EXT.meta.yaml with a marking. The text is template-generated from word lists covering
every line of effort and principle, so tags and facets look realistic; a pool of invented
names gives a long tail of rare words. Deterministic for a given seed and N.
"""
from __future__ import annotations

import argparse
import io
import math
import os
import random
import sys
import time
from multiprocessing import Pool
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Word lists (English)

ACTORS = [
    "the Ministry of Defense", "the Department of Defense", "the General Staff",
    "the working group", "the delegation", "the steering committee", "the joint staff",
    "the National Guard", "the training command", "the air force command",
    "the navy staff", "the parliamentary committee on national security",
    "the defense attaché office", "the regional office",
    "the armed forces", "the reform office", "the cyber command", "the expert group",
    "the border guard service", "the deputy minister", "the project team", "the secretariat",
    "the minister", "the chief of staff", "the commission",
]
VERBS = [
    "reviewed", "discussed", "approved", "assessed", "agreed to strengthen",
    "recommended improving", "committed to expanding", "reported progress on",
    "set priorities for", "examined", "endorsed", "highlighted", "called for better",
    "presented a plan for", "finalized", "began work on", "continued to support",
    "evaluated", "proposed changes to", "confirmed funding for", "requested an update on",
    "noted delays in", "welcomed progress in", "outlined options for",
]
# topic noun phrases per line of effort / principle
TOPICS = {
    "capability": [
        "air defense systems", "air and missile defense", "artillery ammunition deliveries",
        "combat readiness of brigades", "training of infantry battalions",
        "counter-drone capabilities", "unmanned aerial systems", "coastal defense",
        "maritime security in the Black Sea", "border security", "armored vehicles",
        "intelligence sharing", "cyber defense of military networks", "night vision equipment",
        "deterrence posture", "territorial integrity", "howitzer maintenance crews",
        "training rotations for soldiers", "multinational exercises with troops",
        "the delivery of interceptors", "radar coverage", "electronic warfare units",
        "medical evacuation for troops", "combat engineer training", "sniper training",
        "winterization of frontline positions", "fighter jet pilot training",
    ],
    "reform": [
        "civilian control of the armed forces", "democratic civilian control",
        "defense sector reform", "NATO standards", "interoperability with allied forces",
        "command and control reform", "professional military education",
        "the NCO corps", "anti-corruption measures in defense", "audit of the ministry of defense",
        "transparency of defense processes", "parliamentary oversight",
        "institutional reform of the general staff", "the strategic defense bulletin",
        "the defense review", "building integrity in the military", "the training system",
        "good governance in the defense sector", "the military justice system",
        "euro-atlantic integration", "defense institution building",
    ],
    "resource": [
        "defense planning", "defense procurement", "the state defense order",
        "logistics and sustainment", "spare parts supply", "the defense budget",
        "capability development planning", "requirements generation", "personnel management",
        "recruitment and mobilization", "maintenance and repair of equipment",
        "inventory management of military stocks", "procurement reform",
        "financial management in defense", "life-cycle management", "supply chain resilience",
        "fuel logistics for troops", "contracting for military equipment",
        "planning, programming, budgeting and execution",
    ],
    "technology": [
        "end-use monitoring", "enhanced end-use monitoring", "export control",
        "protection of classified information", "technology security",
        "co-production of munitions", "industry-to-industry cooperation",
        "the defense industrial base", "joint research and development",
        "defense innovation", "technology transfer", "dual-use technologies",
        "defense manufacturers", "weapons production lines", "security clearance procedures",
        "the prevention of diversion", "sensitive technology protection",
    ],
    "partnership": [
        "the strategic partnership", "long-term support", "multi-year commitments",
        "enduring commitment to security", "the long-term partnership",
        "reaffirmed support for sovereignty", "unwavering support",
    ],
    "engagement": [
        "bilateral defense consultations", "the interim progress review",
        "the annual meeting of defense ministers", "priorities for the next year",
        "progress in implementing the roadmap", "the co-chaired session",
        "the high-level dialogue", "the steering committee agenda", "a working visit",
    ],
    "coordination": [
        "coordination with allies and partners", "the contact group", "donor coordination",
        "burden sharing among allies", "assistance from partner nations",
        "the joint commission", "coordinated assistance from international partners",
        "the capability coalition", "cooperation with NATO allies",
    ],
    "investment": [
        "shared responsibility", "co-funding of programs", "national ownership",
        "defense spending as a share of GDP", "own budget contributions",
        "mutual investment", "cost sharing arrangements", "self-reliance in defense",
    ],
    "effectiveness": [
        "effectiveness of assistance", "oversight of security assistance",
        "accountability of defense articles", "value for money", "monitoring of assistance",
        "assistance within existing resources", "tracking of delivered equipment",
        "the prevention of waste, fraud and abuse",
    ],
}
LOES = ["capability", "reform", "resource", "technology"]
PRINCIPLES = ["partnership", "engagement", "coordination", "investment", "effectiveness"]
QUALIFIERS = [
    "by the end of {year}", "by the end of {year}", "as planned", "on schedule",
    "under the bilateral framework", "as agreed at the last meeting", "before the next review", "for the {year} budget cycle",
    "as a matter of priority", "in the first quarter", "in the second half of {year}",
    "according to the approved roadmap", "with clear milestones", "at the regional level",
    "in the eastern regions", "over the next three years", "with the help of advisers",
    "subject to parliamentary approval", "while keeping costs under control",
]
CONNECTORS = [
    "In addition,", "Furthermore,", "At the same time,", "As a result,", "In particular,",
    "However,", "Meanwhile,", "Separately,", "Participants noted that", "It was agreed that",
    "The report found that", "Officials stressed that",
]
AMOUNT = ["$15 million", "$120 million", "$2.5 billion", "€40 million", "$300 million"]
ACRONYMS = [
    ("Multinational Joint Commission", "MJC"), ("Bilateral Defense Consultations", "BDC"),
    ("End-Use Monitoring", "EUM"), ("Foreign Military Financing", "FMF"),
    ("Ukraine Security Assistance Initiative", "USAI"), ("Professional Military Education", "PME"),
    ("Defense Reform Advisory Board", "DRAB"), ("Ukraine Defense Contact Group", "UDCG"),
    ("Presidential Drawdown Authority", "PDA"), ("Interim Progress Review", "IPR"),
    ("Defense Industrial Base", "DIB"), ("Office of Inspector General", "OIG"),
]
FILLER = [
    "The discussion was constructive and focused on practical steps.",
    "Several questions remain open and will be addressed in writing.",
    "The next meeting will take place in Kyiv.",
    "The participants thanked the hosts for the organization of the event.",
    "A summary of decisions is attached to this document.",
    "Detailed figures are provided in the annex.",
    "The timeline remains ambitious but achievable.",
    "Both sides agreed to exchange points of contact.",
]
PLACES = ["Kyiv", "Washington", "Brussels", "Lviv", "Odesa", "Warsaw", "Ramstein", "Vilnius"]
TITLE_BY_TYPE = {
    "agreement": ["Memorandum of Understanding on {T}", "Joint Statement on {T}",
                  "Framework Agreement on {T}", "Charter of the {A}"],
    "policy": ["Policy on {T}", "Guidance on {T}", "Strategy for {T}"],
    "minutes": ["Minutes of the {A} Meeting, {P}", "Record of the Working Group on {T}",
                "Readout: {A} Session in {P}"],
    "reform-plan": ["Roadmap for {T} {Y}-{Y3}", "Reform Plan: {T}", "Action Plan on {T}"],
    "report": ["Annual Report on {T}", "Evaluation of {T}", "Assessment of {T}",
               "Inspection Report: {T}"],
    "announcement": ["Announcement: New Support for {T}", "Press Release on {T}",
                     "Fact Sheet: {T}"],
    "other": ["Note on {T}", "Background Paper: {T}", "Briefing on {T}"],
}
TYPES = list(TITLE_BY_TYPE)
SECTION_NAMES = ["Background", "Discussion", "Decisions", "Priorities", "Implementation",
                 "Findings", "Recommendations", "Next Steps", "Funding", "Oversight",
                 "Annex", "Summary"]

# --------------------------------------------------------------------------------------------
# Word lists (Ukrainian)

UK_ACTORS = ["Міністерство оборони", "Генеральний штаб", "робоча група", "делегація",
             "керівний комітет", "командування логістики", "агенція закупівель",
             "Національна гвардія", "комітет Верховної Ради", "партнери", "союзники",
             "заступник міністра", "міністр оборони", "сторони"]
UK_VERBS = ["обговорили", "розглянули", "схвалили", "оцінили", "погодили посилення",
            "рекомендували покращити", "підтвердили підтримку", "визначили пріоритети щодо",
            "представили план щодо", "продовжили роботу над", "наголосили на важливості"]
UK_TOPICS = {
    "capability": ["протиповітряної оборони", "бойової готовності бригад", "постачання боєприпасів",
                   "підготовки батальйонів", "захисту населення", "територіальної цілісності",
                   "безпілотників", "артилерії", "військової техніки", "кібероборони"],
    "reform": ["цивільного контролю", "реформування оборонного сектору", "стандартів НАТО",
               "оперативної сумісності", "військової освіти", "доброчесності у війську",
               "прозорості оборонних процесів", "системи управління та контролю"],
    "resource": ["оборонного планування", "державного оборонного замовлення", "логістики",
                 "оборонного бюджету", "кадрової політики", "закупівлі озброєння",
                 "матеріально-технічного забезпечення"],
    "technology": ["оборонно-промислового комплексу", "спільного виробництва",
                   "експортного контролю", "захисту інформації", "оборонних технологій"],
    "partnership": ["стратегічного партнерства", "довгострокової підтримки"],
    "engagement": ["двосторонніх консультацій", "огляду прогресу", "засідання комісії"],
    "coordination": ["координації допомоги", "співпраці з міжнародними партнерами",
                     "контактної групи"],
    "investment": ["співфінансування", "оборонних видатків", "спільної відповідальності"],
    "effectiveness": ["ефективності допомоги", "моніторингу використання", "обліку допомоги"],
}
UK_QUALIFIERS = ["до кінця {year} року", "відповідно до стандартів НАТО",
                 "у межах наявних ресурсів", "за підтримки партнерів", "у {year} році",
                 "згідно з дорожньою картою", "на регіональному рівні", "у найкоротші терміни"]
UK_CONNECTORS = ["Крім того,", "Водночас", "Зокрема,", "Сторони зазначили, що", "Також"]
UK_TITLES = ["Протокол засідання робочої групи щодо {T}", "План реформування {T}",
             "Звіт щодо {T}", "Меморандум щодо {T}", "Концепція {T}", "Повідомлення щодо {T}"]
UK_SECTIONS = ["Загальні положення", "Обговорення", "Рішення", "Пріоритети", "Виконання",
               "Висновки", "Рекомендації"]
UK_MONTHS = ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
             "вересня", "жовтня", "листопада", "грудня"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

# A pool of invented names (systems, places, operations) for the long tail of rare words.
_SYL = ["ka", "ro", "vel", "tor", "mi", "zan", "dra", "gol", "pet", "lin", "sk", "var", "bor",
        "nes", "tel", "quor", "vy", "mar", "dun", "hel"]


def rare_pool(n: int = 4000, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = set()
    while len(out) < n:
        out.add("".join(rnd.choice(_SYL) for _ in range(rnd.randint(3, 4))))
    return sorted(out)


RARE = rare_pool()

# --------------------------------------------------------------------------------------------
# Text generation


class DocGen:
    def __init__(self, rnd: random.Random, lang: str):
        self.r = rnd
        self.lang = lang
        self.year = rnd.randint(2014, 2026)
        self.loes = rnd.sample(LOES, rnd.choice([1, 1, 2, 2, 3]))
        self.principles = rnd.sample(PRINCIPLES, rnd.choice([1, 2]))
        self.acronyms = rnd.sample(ACRONYMS, rnd.randint(0, 2))
        self.used_acr: set[str] = set()
        # rare names: Zipf-ish pick from the pool
        self.rare = [RARE[min(len(RARE) - 1, int(rnd.paretovariate(1.1)) * 3 + rnd.randrange(3))]
                     for _ in range(rnd.randint(0, 3))]

    def topic(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.75:
            key = r.choice(self.loes)
        elif x < 0.97:
            key = r.choice(self.principles)
        else:
            key = r.choice(LOES + PRINCIPLES)
        return r.choice((UK_TOPICS if self.lang == "uk" else TOPICS)[key])

    def sentence(self) -> str:
        r = self.r
        if self.lang == "uk":
            s = f"{r.choice(UK_ACTORS)} {r.choice(UK_VERBS)} {self.topic()}"
            if r.random() < 0.5:
                s += " " + r.choice(UK_QUALIFIERS).format(year=self.year + r.randint(0, 2))
            if r.random() < 0.25:
                s = r.choice(UK_CONNECTORS) + " " + s[0].lower() + s[1:]
            return s[0].upper() + s[1:] + "."
        x = r.random()
        if x < 0.06:
            return r.choice(FILLER)
        if x < 0.10 and self.acronyms:
            long, short = r.choice(self.acronyms)
            if short not in self.used_acr:
                self.used_acr.add(short)
                return (f"The {long} ({short}) {r.choice(VERBS)} {self.topic()} "
                        f"{r.choice(QUALIFIERS).format(year=self.year)}.")
            return f"The {short} {r.choice(VERBS)} {self.topic()}."
        if x < 0.11:
            return (f"Since {self.year - r.randint(1, 6)}, partners have provided "
                    f"{r.choice(AMOUNT)} in security assistance for {self.topic()}.")
        if x < 0.15 and self.rare:
            return (f"The {r.choice(self.rare).capitalize()} project supports {self.topic()} "
                    f"in {r.choice(PLACES)}.")
        s = f"{r.choice(ACTORS)} {r.choice(VERBS)} {self.topic()}"
        if r.random() < 0.5:
            s += " " + r.choice(QUALIFIERS).format(year=self.year + r.randint(0, 2))
        if r.random() < 0.3:
            s += f" and {self.topic()}"
        if r.random() < 0.2:
            c = r.choice(CONNECTORS)
            s = c + " " + s
        return s[0].upper() + s[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.r.randint(4, 10)))

    def title(self, doc_type: str) -> str:
        r = self.r
        t = self.topic()
        if self.lang == "uk":
            return r.choice(UK_TITLES).format(T=t)
        tpl = r.choice(TITLE_BY_TYPE[doc_type])
        acr = r.choice(ACRONYMS)[0]
        return tpl.format(T=t[0].upper() + t[1:], A=acr, P=r.choice(PLACES), Y=self.year,
                          Y3=self.year + 3)

    def body(self, words: int) -> list[tuple[str, list[str]]]:
        """Return [(section heading, paragraphs)] totalling about `words` words."""
        r = self.r
        sections, total = [], 0
        names = UK_SECTIONS if self.lang == "uk" else SECTION_NAMES
        while total < words:
            paras = []
            for _ in range(r.randint(2, 5)):
                p = self.paragraph()
                paras.append(p)
                total += len(p.split())
                if total >= words:
                    break
            sections.append((r.choice(names), paras))
        return sections

    def dateline(self, date: str) -> str:
        y, m, d = (int(x) for x in date.split("-"))
        if self.lang == "uk":
            return f"Київ, {d} {UK_MONTHS[m - 1]} {y} року"
        return f"{self.r.choice(PLACES)}, {d} {MONTHS[m - 1]} {y}"


# --------------------------------------------------------------------------------------------
# Writers

def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_md(path: Path, title, date, doc_type, marking, lang, sections, dateline):
    fm = [f"title: {_yaml_str(title)}", f"date: {date}", f"marking: {marking}", f"lang: {lang}"]
    if doc_type:
        fm.append(f"type: {doc_type}")
    out = ["---", *fm, "---", "", f"# {title}", "", f"*{dateline}*", ""]
    for head, paras in sections:
        out += [f"## {head}", ""]
        for p in paras:
            out += [p, ""]
    path.write_text("\n".join(out), encoding="utf-8")


def write_txt(path: Path, title, sections, dateline):
    out = [title.upper(), "", dateline, ""]
    for head, paras in sections:
        out += [head, ""]
        for p in paras:
            out += [p, ""]
    path.write_text("\n".join(out), encoding="utf-8")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_html(path: Path, title, lang, sections, dateline):
    out = [f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
           f"<title>{_esc(title)}</title></head><body>",
           '<nav><a href="/">Home</a> | <a href="/news">News</a></nav><main><article>',
           f"<h1>{_esc(title)}</h1>", f"<p><em>{_esc(dateline)}</em></p>"]
    for head, paras in sections:
        out.append(f"<h2>{_esc(head)}</h2>")
        out += [f"<p>{_esc(p)}</p>" for p in paras]
    out.append("</article></main><footer>Defense cooperation portal</footer></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def write_docx(path: Path, title, sections, dateline):
    import docx
    d = docx.Document()
    d.core_properties.title = title
    d.add_heading(title, level=1)
    d.add_paragraph(dateline)
    for head, paras in sections:
        d.add_heading(head, level=2)
        for p in paras:
            d.add_paragraph(p)
    d.save(str(path))


def _pdf_text(s: str) -> str:
    s = s.encode("latin-1", "replace").decode("latin-1")
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int = 95) -> list[str]:
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines


def write_pdf(path: Path, title, sections, dateline):
    """A minimal PDF 1.4 writer: Helvetica (core font), one text stream per page."""
    lines = [title, "", dateline, ""]
    for head, paras in sections:
        lines += [head, ""]
        for p in paras:
            lines += _wrap(p) + [""]
    per_page = 60
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    objs: list[bytes] = []
    # 1 catalog, 2 pages, 3 font, 4 info, then (page, content) pairs
    n_pages = len(pages)
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objs.append(f"<< /Title ({_pdf_text(title)}) /Producer (bench gen_corpus) >>".encode("latin-1"))
    for i, page in enumerate(pages):
        ops = ["BT", "/F1 10 Tf", "12 TL", "50 790 Td"]
        for ln in page:
            ops.append(f"({_pdf_text(ln)}) Tj T*" if ln else "T*")
        ops += [f"(- {i + 1} -) Tj", "ET"]
        stream = "\n".join(ops).encode("latin-1")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
                    f"/Resources << /Font << /F1 3 0 R >> >> /Contents {6 + 2 * i} 0 R >>".encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    buf = io.BytesIO()
    buf.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(buf.tell())
        buf.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = buf.tell()
    buf.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        buf.write(b"%010d 00000 n \n" % off)
    buf.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, xref))
    path.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------------------------

FORMATS = [("md", 0.40), ("txt", 0.20), ("html", 0.20), ("docx", 0.10), ("pdf", 0.10)]
MARKINGS = ["PUBLIC", "PUBLIC", "INTERNAL", "INTERNAL", "INTERNAL", "RESTRICTED"]
UK_SHARE_OF_TEXT_FORMATS = 0.15 / 0.80      # 15% overall, all in md/txt/html


def _pick(r: random.Random, weighted):
    x, acc = r.random(), 0.0
    for v, w in weighted:
        acc += w
        if x < acc:
            return v
    return weighted[-1][0]


def make_doc(args: tuple[int, int, str]) -> int:
    i, seed, out = args
    r = random.Random(seed * 1_000_003 + i)
    fmt = _pick(r, FORMATS)
    lang = "uk" if fmt in ("md", "txt", "html") and r.random() < UK_SHARE_OF_TEXT_FORMATS else "en"
    g = DocGen(r, lang)
    doc_type = r.choice(TYPES)
    words = int(min(3000, max(300, r.lognormvariate(math.log(1200) - 0.5 ** 2 / 2, 0.5))))
    sections = g.body(words)
    title = g.title(doc_type)
    date = f"{g.year}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
    marking = r.choice(MARKINGS)
    dateline = g.dateline(date)
    folder = Path(out) / doc_type
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"doc-{i:06d}-{lang}.{fmt}"
    if fmt == "md":
        write_md(path, title, date, doc_type if r.random() < 0.7 else None, marking, lang,
                 sections, dateline)
    elif fmt == "txt":
        write_txt(path, title, sections, dateline)
    elif fmt == "html":
        write_html(path, title, lang, sections, dateline)
    elif fmt == "docx":
        write_docx(path, title, sections, dateline)
    else:
        write_pdf(path, title, sections, dateline)
    if fmt != "md" and r.random() < 0.3:
        (folder / (path.name + ".meta.yaml")).write_text(
            f"marking: {marking}\ndate: {date}\n", encoding="utf-8")
    return sum(len(p.split()) for _, ps in sections for p in ps)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with Pool(a.workers) as pool:
        words = pool.map(make_doc, [(i, a.seed, str(a.out)) for i in range(a.n)], chunksize=32)
    secs = time.monotonic() - started
    print(f"generated {a.n} documents ({sum(words)} words, mean {sum(words) / max(1, a.n):.0f}) "
          f"in {a.out} in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
