"""Paragraph rules shared by the reader and the CLI: who cites what, sentences, verbatim quotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maliterm.errors import InvalidDatabase
from maliterm.paragraphs import citing, is_verbatim, refuse_unquoted, sentences

READER = Path(__file__).parents[1] / "data" / "reader.json"


def test_citing_names_each_record_once_per_paragraph_in_a_fixed_order():
    tables = json.loads(READER.read_text(encoding="utf-8"))
    cites = citing(tables, "src-a")
    assert cites[8] == [("quotes", "q1")]
    assert 10 not in cites and 11 not in cites
    assert cites[2] == sorted(cites[2], key=lambda c: (["events", "actors", "places", "relations", "quotes"].index(c[0]), c[1]))
    assert len(cites[2]) == len(set(cites[2]))


def test_sentences_split_after_closing_quotes_and_keep_the_text():
    text = 'The commander spoke. "We will return." Then he left… for good'
    parts = [text[s:e] for s, e in sentences(text)]
    assert parts == ["The commander spoke.", '"We will return."', "Then he left…", "for good"]


@pytest.mark.parametrize("quote, ok", [
    ("We will return.", True),
    ("We  will\nreturn.", True),  # runs of space are one space
    ("The commander spoke … Then he left", True),  # words left out, marked, in order
    ("Then he left … The commander spoke", False),  # parts out of order
    ("We will return soon.", False),
    ("…", False),
])
def test_verbatim(quote, ok):
    assert is_verbatim(quote, 'The commander spoke to the crowd. "We will return." Then he left for the desert.') is ok


def test_a_misquotation_is_refused_naming_the_field():
    tables = json.loads(READER.read_text(encoding="utf-8"))
    quote = {"id": "q2", "speaker": "leader-x", "text": "We shall return.", "cite": [{"source": "src-a", "loc": "para 8"}]}
    with pytest.raises(InvalidDatabase) as err:
        refuse_unquoted(tables, quote, "db.json")
    assert str(err.value.problems[0]).startswith("db.json: quotes/q2.text: is not word for word in para 8 of src-a")
    refuse_unquoted(tables, {**quote, "text": "We will return."}, "db.json")  # verbatim: no error
    refuse_unquoted(tables, {**quote, "cite": [{"source": "src-b", "loc": "para 8"}]}, "db.json")  # no text held
