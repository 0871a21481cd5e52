"""Writing PDFs: a small layout kit over fpdf2 for documents Lifelong hands out (transcripts,
audit packets).

A :class:`PdfDocument` has a title, headings, paragraphs, key-value tables, tables whose cells
wrap, bulleted lists, and a footer on every page with a note (such as the date it was made) and
"Page n of N". Text is set in DejaVu Sans, shipped in ``static/fonts`` (see NOTICE): fpdf2's
built-in fonts only know Latin-1, and titles hold “curly quotes”, dashes and accented names.
Pure Python: no Django.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

# fontTools logs every subsetting step at INFO: noise in the worker's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

BODY_SIZE = 9.5
SMALL_SIZE = 8
LINE_HEIGHT = 4.8  # millimetres, for BODY_SIZE
MUTED = (85, 85, 85)
RULE = (170, 170, 170)
HEADING_SIZES = {1: 13.0, 2: 11.0}

# Control characters other than tab and newline have no glyph and no place in a document.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

Align = Literal["LEFT", "RIGHT", "CENTER"]


def clean_text(text: str) -> str:
    """``text`` without control characters (kept: newlines; tabs become spaces)."""
    return _CONTROL.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading, its share of the page width and its alignment."""

    heading: str
    width: float
    align: Align = "LEFT"


class _Pages(FPDF):
    """fpdf2's document with Lifelong's footer on every page."""

    footer_note = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT_FAMILY, size=SMALL_SIZE)
        self.set_text_color(*MUTED)
        width = self.w - self.l_margin - self.r_margin
        self.cell(width * 0.75, 5, self.footer_note, align="L")
        self.cell(width * 0.25, 5, f"Page {self.page_no()} of {{nb}}", align="R")


class PdfDocument:
    """An A4 or US Letter document written top to bottom; pages break where they must.

    ``footer_note`` is printed at the bottom left of every page (e.g. "Generated on …").
    """

    def __init__(
        self,
        *,
        title: str,
        author: str = "",
        subject: str = "",
        footer_note: str = "",
        created_at: datetime | None = None,
        page_format: Literal["A4", "Letter"] = "Letter",
    ) -> None:
        pdf = _Pages(orientation="portrait", unit="mm", format=page_format)
        for style, file_name in FONT_FILES.items():
            pdf.add_font(FONT_FAMILY, style=style, fname=FONT_DIR / file_name)
        pdf.footer_note = clean_text(footer_note)
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_title(clean_text(title))
        if author:
            pdf.set_author(clean_text(author))
        if subject:
            pdf.set_subject(clean_text(subject))
        pdf.set_creator("Lifelong")
        pdf.set_lang("en")
        if created_at is not None:
            pdf.set_creation_date(created_at)
        pdf.add_page()
        pdf.set_font(FONT_FAMILY, size=BODY_SIZE)
        self._pdf = pdf

    @property
    def width(self) -> float:
        """The width between the margins, in millimetres."""
        return self._pdf.epw

    @property
    def page_count(self) -> int:
        return self._pdf.pages_count

    def _font(self, *, bold: bool = False, size: float = BODY_SIZE) -> None:
        self._pdf.set_font(FONT_FAMILY, style="B" if bold else "", size=size)

    def _colour(self, muted: bool) -> None:
        if muted:
            self._pdf.set_text_color(*MUTED)
        else:
            self._pdf.set_text_color(0, 0, 0)

    def _lines(self, width: float, height: float, text: str) -> None:
        """Text wrapped in ``width`` (0: to the right margin), left-aligned, then a new line."""
        self._pdf.multi_cell(
            width, height, clean_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def _keep_room(self, height: float) -> None:
        """Start a new page unless ``height`` millimetres still fit on this one (so that a
        heading is not left alone at the bottom of a page)."""
        if self._pdf.will_page_break(height):
            self._pdf.add_page()

    def title(self, text: str, subtitle: str = "") -> None:
        self._font(bold=True, size=16)
        self._colour(False)
        self._lines(0, 8, text)
        if subtitle:
            self._font(size=10)
            self._colour(True)
            self._lines(0, 5.5, subtitle)
        self._pdf.ln(2)
        self._rule()

    def _rule(self) -> None:
        pdf = self._pdf
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(3)

    def heading(self, text: str, level: Literal[1, 2] = 1) -> None:
        size = HEADING_SIZES[level]
        self._keep_room(size * 0.5 + 3 * LINE_HEIGHT)
        self._pdf.ln(2 if level == 1 else 1)
        self._font(bold=True, size=size)
        self._colour(False)
        self._lines(0, size * 0.5, text)
        self._pdf.ln(1)

    def paragraph(
        self, text: str, *, small: bool = False, bold: bool = False, muted: bool = False
    ) -> None:
        size = SMALL_SIZE if small else BODY_SIZE
        self._font(bold=bold, size=size)
        self._colour(muted)
        self._lines(0, LINE_HEIGHT * size / BODY_SIZE, text)
        self._pdf.ln(1.2)

    def bullets(self, items: Iterable[str], *, small: bool = False) -> None:
        size = SMALL_SIZE if small else BODY_SIZE
        height = LINE_HEIGHT * size / BODY_SIZE
        pdf = self._pdf
        for item in items:
            self._font(size=size)
            self._colour(False)
            pdf.set_x(pdf.l_margin)
            pdf.cell(5, height, "•")
            self._lines(pdf.epw - 5, height, item)
        pdf.ln(1.2)

    def key_values(self, rows: Sequence[tuple[str, str]], *, key_width: float = 0.3) -> None:
        """Label and value pairs, labels in bold; long values wrap."""
        if not rows:
            return
        self._font()
        self._colour(False)
        with self._pdf.table(
            col_widths=(key_width, 1 - key_width),
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.NONE,
            text_align="LEFT",
            align="LEFT",
            line_height=LINE_HEIGHT,
            padding=(0.6, 1.5, 0.6, 0),
            wrapmode=WrapMode.WORD,
        ) as table:
            for key, value in rows:
                row = table.row()
                row.cell(clean_text(key), style=FontFace(emphasis="BOLD"))
                row.cell(clean_text(value))
        self._pdf.ln(2)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        small: bool = True,
    ) -> None:
        """A table with a heading row repeated on every page; cells wrap (long words too)."""
        if not rows:
            return
        size = SMALL_SIZE if small else BODY_SIZE
        height = LINE_HEIGHT * size / BODY_SIZE
        total = sum(column.width for column in columns)
        self._keep_room(4 * height)
        self._font(size=size)
        self._colour(False)
        self._pdf.set_draw_color(*RULE)
        with self._pdf.table(
            col_widths=tuple(column.width / total for column in columns),
            first_row_as_headings=True,
            repeat_headings=1,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238)),
            text_align=tuple(column.align for column in columns),
            align="LEFT",
            line_height=height,
            padding=(0.8, 1.2),
            wrapmode=WrapMode.WORD,
        ) as table:
            heading = table.row()
            for column in columns:
                heading.cell(clean_text(column.heading))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(clean_text(value))
        self._pdf.ln(2)

    def space(self, millimetres: float = 3) -> None:
        self._pdf.ln(millimetres)

    def to_bytes(self) -> bytes:
        return bytes(self._pdf.output())
