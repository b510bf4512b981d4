"""The approved response letter as a PDF for signing (fpdf2: a maintained, pure-Python PDF writer).

The text is printed as it was approved, in the PDF's standard Helvetica (Latin-1: English and Spanish letters);
a letter with characters that font cannot print is refused in words rather than printed with gaps.
"""

from __future__ import annotations

from calldesk.errors import RuleRefused
from calldesk.rules.letter import pdf_unprintable


def letter_pdf(text: str, *, title: str) -> bytes:
    """`text` on US Letter pages (1-inch margins), wrapped; `title` goes into the document's properties."""
    from fpdf import FPDF

    bad = pdf_unprintable(text)
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:10])
        raise RuleRefused(f"The letter has characters the PDF cannot print ({shown}); change them in the draft.")
    pdf = FPDF(format="letter", unit="pt")
    pdf.set_margins(72, 72, 72)
    pdf.set_auto_page_break(True, margin=72)
    pdf.set_title(title)
    pdf.set_creator("calldesk")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 15, text.replace("\t", "    "))
    return bytes(pdf.output())
