"""Downloads for the debtor: the schedule as CSV and the plain-language summary as PDF."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.money import DEFAULT_CURRENCY, format_money
from core.plain_language import TARGET_GRADE, reading_grade
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


def summary_pdf(
    summary_text: str,
    schedule: Schedule,
    *,
    debtor_name: str,
    currency: str = DEFAULT_CURRENCY,
    today: date | None = None,
) -> bytes:
    """A one-page summary for the debtor (more pages for long schedules) with the schedule."""
    pdf = _Pdf()
    pdf.set_title("Your payment plan")
    pdf.add_page()
    body = pdf.family
    width = pdf.epw

    pdf.set_font(body, style="B", size=18)
    pdf.cell(width, 10, pdf.text_of("Your payment plan"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(body, size=11)
    if debtor_name:
        pdf.cell(width, 7, pdf.text_of(f"For {debtor_name}"), new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
    if today:
        pdf.cell(width, 7, pdf.text_of(f"{today:%d %B %Y}"), new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(body, size=13)
    pdf.multi_cell(width, 7, pdf.text_of(summary_text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(body, size=8)
    pdf.set_text_color(110, 110, 110)
    grade = reading_grade(summary_text)
    pdf.multi_cell(
        width, 5,
        pdf.text_of(f"Plain-language check: reading grade {grade:.1f} "
                    f"(we aim for {TARGET_GRADE:.0f} or below)."),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)

    pdf.set_font(body, style="B", size=12)
    pdf.cell(width, 8, pdf.text_of("Your payments"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(body, size=10)
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
    pdf.ln(4)
    pdf.set_font(body, size=10)
    pdf.multi_cell(
        width, 6,
        pdf.text_of(f"In total you will pay {format_money(schedule.payable_cents, currency)}. "
                    "If anything changes for you, please talk to us. We can look at the plan "
                    "again together."),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
