"""One entry for every format: bytes in, a Statement out (plus, for a CSV, how it was read).

The format is told by the content (data/imports/detect.py), never by the file's name alone. A
CSV is read with the mapping given (a saved profile, or the person's corrections in the review)
or the one guessed from its header and values; what the guess could not decide is a question,
and a statement read with an open question has its lines marked with errors until answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.imports.csv_guess import MappingGuess, infer_mapping
from data.imports.csv_layout import CsvLayout, sniff_layout
from data.imports.csv_mapping import CsvMapping, header_signature
from data.imports.csv_reader import check_columns, read_csv
from data.imports.csv_text import decode
from data.imports.detect import detect_format, read_statement
from data.imports.stages import no_cyclic_gc
from data.imports.statement import Statement


@dataclass(frozen=True)
class CsvReading:
    """How a CSV was read: its layout, the guess, the mapping used, the header's signature."""

    layout: CsvLayout
    guess: MappingGuess
    mapping: CsvMapping
    signature: str


@dataclass(frozen=True)
class ReadResult:
    statement: Statement
    csv: CsvReading | None = None

    @property
    def questions(self) -> tuple[str, ...]:
        """What the person must answer before this file can be imported (CSV only)."""
        if self.csv is None or self.csv.mapping != self.csv.guess.mapping:
            return ()
        return self.csv.guess.questions


def read_file(
    content: bytes, file_name: str = "", mapping: CsvMapping | None = None, *, sources: bool = True
) -> ReadResult:
    """The file's statement; UnreadableFile (a message for a person) when it is none.

    ValueError when `mapping` does not fit this CSV (it names a column the file lacks).
    sources=False: a CSV's lines without their cells (csv_reader.read_csv), for a commit.
    """
    opened = open_csv(content, file_name)
    if opened is None:
        return ReadResult(read_statement(content, file_name))
    return read_opened(opened, mapping, sources=sources)


@dataclass(frozen=True)
class OpenedCsv:
    """A CSV decoded, its layout sniffed and its mapping guessed, no line read yet: what is
    needed to choose the mapping (the header's signature finds a saved profile), so that the
    lines are read once, with the mapping chosen."""

    layout: CsvLayout
    guess: MappingGuess
    signature: str


def open_csv(content: bytes, file_name: str = "") -> OpenedCsv | None:
    """The CSV opened; None when the content is another format (UnreadableFile: none)."""
    if detect_format(content, file_name) != "csv":
        return None
    with no_cyclic_gc():
        text, encoding = decode(content)
        layout = sniff_layout(text, encoding)
        guess = infer_mapping(layout)
    return OpenedCsv(layout, guess, header_signature(layout))


def read_opened(
    opened: OpenedCsv, mapping: CsvMapping | None = None, *, sources: bool = True
) -> ReadResult:
    """The lines of an opened CSV read with `mapping` (else the guess); ValueError when it does
    not fit the file."""
    used = mapping or opened.guess.mapping
    check_columns(opened.layout, used)
    with no_cyclic_gc():
        statement = read_csv(opened.layout, used, sources=sources)
    return ReadResult(statement, CsvReading(opened.layout, opened.guess, used, opened.signature))
