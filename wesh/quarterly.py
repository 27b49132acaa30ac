"""The council's quarterly report (issue #16, section 2): figures in, PDF bytes out.

Pure: the figures are gathered elsewhere (``api.report.service``, from the indexer's tables
and the same monthly books the treasurer exports) and this module only lays them out, in
Dutch, with a note under every table saying where its figures come from.

Small counts are suppressed as the public statistics do: a row resting on fewer than
``QuarterFigures.min_people`` residents (the API's ``WESH_STATISTICS_MIN_RESIDENTS``, default
``MIN_PEOPLE``) shows "< N" instead of its numbers (money totals for the whole city are not
about persons and are always shown).

The text font is DejaVu Sans (Debian package ``fonts-dejavu-core``), for the euro sign and
accented letters. Without it the report is refused with a message naming the package rather
than printed with missing characters (``FontMissing``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from wesh.money import format_euros
from wesh.rules import AMSTERDAM

#: Rows resting on fewer residents than this are suppressed (unless the figures say otherwise).
MIN_PEOPLE = 10

FONT_DIR = Path(os.environ.get("WESH_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT_PACKAGE = "fonts-dejavu-core"

MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class QuarterInvalid(ValueError):
    """A quarter not written as YYYY-Qn."""


class FontMissing(RuntimeError):
    """The DejaVu font file is not on this machine."""


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        found = _QUARTER.match(text.strip().upper())
        if not found:
            raise QuarterInvalid(text)
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def months(self) -> list[str]:
        """Its three months as YYYY-MM."""
        first = 3 * (self.number - 1) + 1
        return [f"{self.year}-{m:02d}" for m in range(first, first + 3)]

    def bounds(self) -> tuple[int, int]:
        """Unix times of its start and of the next quarter's start (Europe/Amsterdam)."""
        start = datetime(self.year, 3 * (self.number - 1) + 1, 1, tzinfo=AMSTERDAM)
        if self.number == 4:
            end = datetime(self.year + 1, 1, 1, tzinfo=AMSTERDAM)
        else:
            end = datetime(self.year, 3 * self.number + 1, 1, tzinfo=AMSTERDAM)
        return int(start.timestamp()), int(end.timestamp())


def month_name(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


@dataclass(frozen=True)
class Row:
    """One line of a participation table: the residents behind it, tasks done, amount paid."""

    label: str
    people: int
    tasks: int
    paid: int  # cents

    def hidden(self, min_people: int) -> bool:
        return 0 < self.people < min_people


@dataclass(frozen=True)
class Money:
    """The quarter's money flow, in cents."""

    budget_granted: int = 0
    budget_withdrawn: int = 0
    escrow_locked: int = 0
    escrow_returned: int = 0
    payouts: int = 0
    spending: int = 0
    refunds: int = 0
    cashouts_requested: int = 0
    cashouts_paid: int = 0
    heitjes_outstanding_end: int = 0
    cashouts_unpaid_end: int = 0


@dataclass(frozen=True)
class Rating:
    """A neighbourhood's survey rating over a period ("2026-H1"), and how many answered."""

    period: str
    rating: float
    respondents: int


@dataclass(frozen=True)
class LiveabilityRow:
    """A neighbourhood's liveability rating before and after, beside the tasks done there in
    between (the published view of ``api.liveability``)."""

    neighbourhood: str
    before: Rating | None
    after: Rating | None
    tasks_between: int | None


@dataclass(frozen=True)
class QuarterFigures:
    quarter: Quarter
    months: list[Row]  # label: YYYY-MM
    categories: list[Row]
    neighbourhoods: list[Row]
    money: Money
    shopping_areas: list[tuple[str, int]] = field(default_factory=list)
    made_at: str = ""
    source: str = ""
    #: The resident survey (section 6) and where it came from (file, import date, threshold).
    liveability: list[LiveabilityRow] = field(default_factory=list)
    liveability_source: str = ""
    #: Rows resting on fewer residents than this show "< min_people".
    min_people: int = MIN_PEOPLE


def _cells(row: Row, min_people: int) -> list[str]:
    if row.hidden(min_people):
        return [f"< {min_people}"] * 3
    return [str(row.people), str(row.tasks), format_euros(row.paid)]


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, f"WESH kwartaalrapportage — pagina {self.page_no()}", align="C")


def _font(name: str) -> str:
    path = FONT_DIR / name
    if not path.is_file():
        raise FontMissing(
            f"Font {path} not found: install the Debian package {FONT_PACKAGE} "
            f"(apt-get install {FONT_PACKAGE}) or set WESH_FONT_DIR to a folder holding {name}."
        )
    return str(path)


def render(figures: QuarterFigures) -> bytes:
    """The report as PDF bytes."""
    pdf = _Report(format="A4")
    pdf.set_title(f"WESH kwartaalrapportage {figures.quarter.label}")
    pdf.set_author("Gemeente Heerlen")
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13) -> None:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)

    def para(text: str, size: int = 10) -> None:
        pdf.set_font("DejaVu", size=size)
        pdf.multi_cell(width, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(head: list[str], rows: list[list[str]], first: float = 0.4) -> None:
        rest = (1 - first) / max(1, len(head) - 1)
        widths = [width * first] + [width * rest] * (len(head) - 1)
        pdf.set_font("DejaVu", "B", 9)
        for text, w in zip(head, widths, strict=True):
            pdf.cell(w, 6, text, border="B", align="L" if w == widths[0] else "R")
        pdf.ln(6)
        pdf.set_font("DejaVu", size=9)
        for row in rows:
            for i, (text, w) in enumerate(zip(row, widths, strict=True)):
                pdf.cell(w, 6, text, align="L" if i == 0 else "R")
            pdf.ln(6)
        if not rows:
            pdf.cell(width, 6, "Geen in dit kwartaal.")
            pdf.ln(6)

    def source(text: str) -> None:
        pdf.set_font("DejaVu", size=8)
        pdf.multi_cell(width, 4, "Bron: " + text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", size=10)

    q = figures.quarter
    first, last = q.months[0], q.months[-1]
    heading(f"WESH — kwartaalrapportage {q.label}", 16)
    para(
        f"Voor de gemeenteraad van Heerlen. Periode: {month_name(first)} tot en met "
        f"{month_name(last)} (Nederlandse tijd). Bedragen in euro; 1 Heitje = € 1,00."
    )
    if figures.made_at or figures.source:
        para(f"Gemaakt op {figures.made_at}. {figures.source}".strip(), 8)
    para(
        f"Privacy: een regel die op minder dan {figures.min_people} bewoners rust, toont "
        f"'< {figures.min_people}' "
        "in plaats van de cijfers, zoals de openbare statistiek.",
        8,
    )

    m = figures.money
    heading("1. Geldstroom")
    table(
        ["", "bedrag"],
        [
            ["Budget toegekend", format_euros(m.budget_granted)],
            ["Budget teruggetrokken", format_euros(m.budget_withdrawn)],
            ["Vastgezet voor nieuwe taken", format_euros(m.escrow_locked)],
            ["Terug naar budget (taak gestopt of niet gedaan)", format_euros(m.escrow_returned)],
            ["Uitbetaald aan bewoners (verdiend)", format_euros(m.payouts)],
            ["Besteed bij winkels", format_euros(m.spending)],
            ["Teruggegeven door winkels", format_euros(m.refunds)],
            ["Inwisselingen gevraagd door winkels", format_euros(m.cashouts_requested)],
            ["Inwisselingen betaald door de gemeente", format_euros(m.cashouts_paid)],
            ["Heitjes in omloop aan het eind", format_euros(m.heitjes_outstanding_end)],
            ["Inwisselingen nog te betalen aan het eind", format_euros(m.cashouts_unpaid_end)],
            [
                "Wat de gemeente verschuldigd is aan het eind",
                format_euros(m.heitjes_outstanding_end + m.cashouts_unpaid_end),
            ],
        ],
        first=0.7,
    )
    source(
        "budget, uitbetaald, inwisselingen en stand aan het eind: de maandcijfers van "
        "Financiën (GET /city/finance/months, wesh-maanden.csv), opgeteld over de drie "
        "maanden; vastgezet en terug: de budgetboekingen van de index (budget_changes: "
        "locked, returned); besteed en teruggegeven: de overboekingen van de index "
        "(transfers: payment, refund)."
    )

    heading("2. Deelname per maand")
    table(
        ["maand", "actieve bewoners", "taken gedaan", "verdiend"],
        [[month_name(r.label), *_cells(r, figures.min_people)] for r in figures.months],
    )
    source(
        "goedgekeurde taken (reviews, uitkomst 'approved') in de maand van goedkeuring; "
        "actieve bewoners: verschillende bewoners met minstens één goedgekeurde taak; "
        "dezelfde gegevens als de openbare statistiek (GET /statistics)."
    )

    heading("3. Taken per soort")
    table(["soort", "bewoners", "taken gedaan", "verdiend"], [
        [r.label, *_cells(r, figures.min_people)] for r in figures.categories
    ])  # fmt: skip
    source("goedgekeurde taken van het kwartaal, naar de soort in de taakomschrijving.")

    heading("4. Taken per wijk")
    table(["wijk", "bewoners", "taken gedaan", "verdiend"], [
        [r.label, *_cells(r, figures.min_people)] for r in figures.neighbourhoods
    ])  # fmt: skip
    source("goedgekeurde taken van het kwartaal, naar de wijk van de taak.")

    heading("5. Besteed per winkelgebied")
    if figures.shopping_areas:
        table(
            ["winkelgebied", "besteed"],
            [[name, format_euros(amount)] for name, amount in figures.shopping_areas],
            first=0.7,
        )
        source("betalingen aan winkels (payments), naar de wijk van de winkel.")
    else:
        para("Geen betalingen bij winkels in dit kwartaal.")
    render_liveability(pdf, figures)
    return bytes(pdf.output())


#: Wherever ratings and tasks stand side by side (api.liveability.schemas.NOTE_NL).
LIVEABILITY_NOTE = (
    "De cijfers staan naast elkaar, geen oorzaak en gevolg: een wijk kan beter of slechter "
    "scoren om veel andere redenen dan de klussen."
)


def _rating(found: Rating | None) -> str:
    if found is None:
        return "—"
    figure = f"{found.rating:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{figure} ({found.period}, n={found.respondents})"


def render_liveability(pdf: FPDF, figures: QuarterFigures) -> None:
    """Section 6: each neighbourhood's rating before and after, the tasks done in between, the
    no-causality sentence and the source note."""
    width = pdf.epw
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(width, 7, "6. Leefbaarheid per wijk", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(
        width,
        5,
        "Het rapportcijfer (1 tot 10) dat bewoners hun wijk geven, vóór en na, met het aantal "
        "klussen dat er tussendoor gedaan is. " + LIVEABILITY_NOTE,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    rows = figures.liveability
    if rows:
        widths = [width * 0.25, width * 0.29, width * 0.29, width * 0.17]
        pdf.set_font("DejaVu", "B", 9)
        for i, (text, w) in enumerate(
            zip(["wijk", "cijfer vóór", "cijfer na", "klussen ertussen"], widths, strict=True)
        ):
            pdf.cell(w, 6, text, border="B", align="L" if i == 0 else "R")
        pdf.ln(6)
        pdf.set_font("DejaVu", size=9)
        for row in rows:
            between = "—" if row.tasks_between is None else str(row.tasks_between)
            cells = [row.neighbourhood, _rating(row.before), _rating(row.after), between]
            for i, (text, w) in enumerate(zip(cells, widths, strict=True)):
                pdf.cell(w, 6, text, align="L" if i == 0 else "R")
            pdf.ln(6)
    else:
        pdf.multi_cell(
            width, 5, "Nog geen bewonersenquête ingelezen.", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.set_font("DejaVu", size=8)
    pdf.multi_cell(
        width,
        4,
        "Bron: de bewonersenquête van de gemeente, ingelezen door Stadsbeheer (GET /liveability)"
        + (f"; {figures.liveability_source}" if figures.liveability_source else "")
        + ". Vóór: de laatste periode die eindigde vóór de eerste klus in de wijk (of de eerste "
        "periode, als de enquête later begon); na: de laatste periode. Klussen ertussen: "
        "goedgekeurde taken in de wijk na het eind van 'vóór' tot het eind van 'na'. Perioden "
        "met te weinig respondenten staan er niet in.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
