"""A minimal PDF writer for tests and the benchmark: text lines on pages, nothing else.

pypdf reads PDF text but does not write it, so the fixtures are made here from text we
generate: one Helvetica font, each line placed with `Td`, a taller gap where a paragraph
ends, an optional running header and page number on each page. The output is a valid
PDF 1.4 file (cross-reference offsets computed), a few hundred bytes a page.
"""

from __future__ import annotations

LEADING = 14  # points between lines of a paragraph
GAP = 24  # points between paragraphs


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def content(paragraphs: list[list[str]], header: str | None = None, number: int | None = None) -> bytes:
    """One page's content stream: `paragraphs` as lists of lines, top down."""
    ops = ["BT", "/F1 11 Tf"]
    if header:
        ops += ["1 0 0 1 72 770 Tm", f"({_escape(header)}) Tj"]
    y = 730
    for para in paragraphs:
        for line in para:
            ops += [f"1 0 0 1 72 {y} Tm", f"({_escape(line)}) Tj"]
            y -= LEADING
        y -= GAP - LEADING
    if number is not None:
        ops += ["1 0 0 1 300 40 Tm", f"({number}) Tj"]
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def pdf(pages: list[bytes]) -> bytes:
    """A PDF file of these content streams, one a page (US Letter)."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, stream in enumerate(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
