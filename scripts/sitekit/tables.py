"""The plain-text tables the scripts print (status reports, screenshots, benchmark)."""

from __future__ import annotations

from collections.abc import Container, Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Container[int] = ()) -> str:
    """A header line, a rule of dashes, then one line per row; columns two spaces apart,
    left-aligned except those whose index is in `right` (figures)."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        padded = (cell.rjust(width) if i in right else cell.ljust(width) for i, (cell, width) in enumerate(zip(row, widths, strict=True)))
        return "  ".join(padded).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * width for width in widths), *(line(row) for row in cells[1:])])
