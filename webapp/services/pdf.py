"""Plain A4 documents drawn with fpdf2 (pure Python, no system libraries): headings, paragraphs and
question-and-answer rows, in the PDF's built-in Helvetica."""
from __future__ import annotations

from typing import Iterable

from flask import current_app

_PDF_TEXT = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "})


def pdf_text(value: object) -> str:
    """The built-in Helvetica covers Latin-1 (so £ and é are fine); typographic dashes and quotes
    become their plain forms and anything else a '?', rather than embedding a font file."""
    return str(value).translate(_PDF_TEXT).encode("latin-1", "replace").decode("latin-1")


class Document:
    """A simple document: ``h1``, ``h2``, ``para`` and ``rows``, then ``bytes()``."""

    def __init__(self, title: str):
        # fpdf is loaded when a document is drawn, not by every web process at start
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_title(pdf_text(title))
        self.pdf.set_author(pdf_text(current_app.config["SERVICE_NAME"]))
        self.pdf.set_lang("en-GB")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.add_page()

    def h1(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 18)
        self.pdf.multi_cell(0, 9, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def h2(self, text: str) -> None:
        self.pdf.ln(4)
        self.pdf.set_font("Helvetica", "B", 13)
        self.pdf.multi_cell(0, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        self.pdf.multi_cell(0, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def rows(self, rows: Iterable[tuple[str, str]]) -> None:
        """Question (bold) then answer, one after the other: long answers read better than in a table."""
        for question, answer in rows:
            self.pdf.set_font("Helvetica", "B", 10)
            self.pdf.multi_cell(0, 5, pdf_text(question), new_x="LMARGIN", new_y="NEXT")
            self.para(answer or "-")

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())
