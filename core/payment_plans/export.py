"""Downloads for the debtor: the schedule as CSV and the plain-language summary as PDF."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.money import DEFAULT_CURRENCY, format_money
from core.plans import Schedule
from core.text import csv_safe

CSV_HEADER = ("Payment", "Date", "Amount", "Interest", "Left to pay after")
# A Unicode font when the machine has one (names like "Zoë Łukasz" or "—"); else Helvetica.
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def _pounds(cents: int) -> str:
    """Plain decimal for a spreadsheet cell: 12345 -> "123.45"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def schedule_csv(schedule: Schedule) -> bytes:
    """The schedule as CSV (UTF-8), one row per instalment; amounts in pounds with pence."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for inst in schedule.instalments:
        writer.writerow([
            csv_safe(cell)
            for cell in (
                inst.seq,
                inst.due.isoformat(),
                _pounds(inst.amount_cents),
                _pounds(inst.interest_cents),
                _pounds(inst.balance_after_cents),
            )
        ])
    return out.getvalue().encode("utf-8")


def _unicode_font() -> dict[str, Path] | None:
    for folder in _FONT_DIRS:
        paths = {style: folder / name for style, name in _FONT_FILES.items()}
        if all(p.is_file() for p in paths.values()):
            return paths
    return None


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        fonts = _unicode_font()
        if fonts:
            for style, path in fonts.items():
                self.add_font("Body", style=style, fname=str(path))
            self.family = "Body"
            self.unicode = True
        else:
            self.family = "Helvetica"
            self.unicode = False
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(20, 18, 20)

    def text_of(self, value: str) -> str:
        """Text the chosen font can draw (Helvetica only knows Latin-1)."""
        if self.unicode:
            return value
        value = value.replace("—", "-").replace("–", "-").replace("’", "'").replace("‘", "'")
        return value.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, self.text_of(f"Page {self.page_no()}"), align="C")


@dataclass(frozen=True, slots=True)
class Letter:
    """What makes the summary a letter: who the debt is owed to, the reference, how to pay,
    who to contact and when it was issued."""

    creditor: str
    reference: str
    sender: str
    phone: str
    email: str
    hours: str
    how_to_pay: str
    issued_on: date


# Free, independent debt advice in the UK (the FCA expects us to signpost it).
FREE_ADVICE: tuple[tuple[str, str], ...] = (
    ("MoneyHelper", "0800 138 7777, moneyhelper.org.uk"),
    ("StepChange Debt Charity", "0800 138 1111, stepchange.org"),
    ("National Debtline", "0808 808 4000, nationaldebtline.org"),
)


def _line(pdf: _Pdf, text: str, *, size: int = 11, style: str = "", height: float = 6) -> None:
    pdf.set_font(pdf.family, style=style, size=size)
    pdf.multi_cell(pdf.epw, height, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: _Pdf, text: str) -> None:
    pdf.ln(3)
    _line(pdf, text, size=12, style="B", height=7)


def _letter_top(pdf: _Pdf, letter: Letter, debtor_name: str) -> None:
    _line(pdf, letter.sender, size=12, style="B")
    _line(pdf, f"Phone {letter.phone} ({letter.hours}) · {letter.email}", size=10)
    pdf.ln(2)
    _line(pdf, f"Date: {letter.issued_on.day} {letter.issued_on:%B %Y}", size=10)
    _line(pdf, f"Your reference: {letter.reference} (please quote it)", size=10)
    _line(pdf, f"The debt is owed to: {letter.creditor}", size=10)
    pdf.ln(4)
    _line(pdf, "Your payment plan", size=18, style="B", height=10)
    if debtor_name:
        _line(pdf, f"Dear {debtor_name},")
        pdf.ln(1)


def letter_sections(letter: Letter, schedule: Schedule,
                    currency: str = DEFAULT_CURRENCY) -> list[tuple[str, list[str]]]:
    """The letter's sections after the schedule, as (heading, paragraphs): plain words."""
    return [
        ("How to pay", [
            letter.how_to_pay,
            f"Please quote your reference {letter.reference} with every payment, so it reaches "
            "your account.",
        ]),
        ("If anything changes", [
            f"In total you will pay {format_money(schedule.payable_cents, currency)}. If you "
            f"cannot make a payment, or your money changes, please talk to us early. Call "
            f"{letter.phone} ({letter.hours}) or email {letter.email}, and quote "
            f"{letter.reference}. We can look at the plan again together.",
        ]),
        ("Free, independent debt advice", [
            "These services are free and do not work for us. They can help you with all your "
            "debts:",
            *(f"{name}: {how}" for name, how in FREE_ADVICE),
        ]),
    ]


def _letter_bottom(pdf: _Pdf, letter: Letter, schedule: Schedule, currency: str) -> None:
    for heading, paragraphs in letter_sections(letter, schedule, currency):
        _heading(pdf, heading)
        for paragraph in paragraphs:
            _line(pdf, paragraph)
    pdf.ln(4)
    _line(pdf, "Yours sincerely,")
    _line(pdf, letter.sender)


def summary_pdf(
    summary_text: str,
    schedule: Schedule,
    *,
    debtor_name: str,
    currency: str = DEFAULT_CURRENCY,
    today: date | None = None,
    letter: Letter | None = None,
) -> bytes:
    """The plan for the debtor, in plain language, with the schedule.

    With `letter` it is a letter: who it is from, the date issued, the reference, who the debt
    is owed to, how and where to pay, who to contact and where to get free debt advice. Our
    own checks (such as the reading grade) never appear on the debtor's copy.
    """
    pdf = _Pdf()
    pdf.set_title("Your payment plan")
    pdf.add_page()
    if letter is not None:
        _letter_top(pdf, letter, debtor_name)
    else:
        _line(pdf, "Your payment plan", size=18, style="B", height=10)
        if debtor_name:
            _line(pdf, f"For {debtor_name}")
        if today:
            _line(pdf, f"{today:%d %B %Y}")
    pdf.ln(2)
    _line(pdf, summary_text, size=13, height=7)
    pdf.ln(3)
    _heading(pdf, "Your payments")
    pdf.set_font(pdf.family, size=10)
    with pdf.table(
        col_widths=(14, 36, 26, 30),
        text_align=("RIGHT", "LEFT", "RIGHT", "RIGHT"),
        line_height=6,
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        table.row(["No.", "Date", "Amount", "Left to pay after"])
        for inst in schedule.instalments:
            table.row([
                str(inst.seq),
                f"{inst.due:%d %b %Y}",
                pdf.text_of(format_money(inst.amount_cents, currency)),
                pdf.text_of(format_money(inst.balance_after_cents, currency)),
            ])
    if letter is not None:
        _letter_bottom(pdf, letter, schedule, currency)
    else:
        pdf.ln(4)
        _line(pdf, f"In total you will pay {format_money(schedule.payable_cents, currency)}. "
                   "If anything changes for you, please talk to us. We can look at the plan "
                   "again together.", size=10)
    return bytes(pdf.output())
