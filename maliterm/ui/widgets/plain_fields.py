"""Input and TextArea that draw control, bidi and invisible characters as visible stand-ins.

A field shows what it edits: a value read from a file or pasted in may hold an ESC or a
bidi override. The value keeps every character (nothing anyone wrote is lost); only the
drawing changes, one stand-in per character (`untrusted.stand_ins`), so the terminal never
receives a control character. Textual already shows field values as text, never markup.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input, TextArea

from maliterm.untrusted import stand_ins


def shown(strip: Strip) -> Strip:
    """`strip` with every unsafe character replaced by its stand-in, cut to the same width."""
    segments = [seg if seg.control else Segment(stand_ins(seg.text), seg.style) for seg in strip]
    if all(new.text == old.text for new, old in zip(segments, strip)):
        return strip
    # a control character takes no cell, its stand-in takes one: keep the line's width
    return Strip(segments).crop(0, strip.cell_length)


class PlainInput(Input):
    def render_line(self, y: int) -> Strip:
        return shown(super().render_line(y))


class PlainTextArea(TextArea):
    def render_line(self, y: int) -> Strip:
        return shown(super().render_line(y))
