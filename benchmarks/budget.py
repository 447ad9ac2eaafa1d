"""The request budget the README states: the most requests each service may make per
command and world, read from the README's table between its budget markers, so the figure
people read is the figure the benchmark enforces."""

from __future__ import annotations

from pathlib import Path

BEGIN, END = "<!-- request-budget:begin -->", "<!-- request-budget:end -->"

Budgets = dict[tuple[str, str, int], int]  # (service, command, rotations) -> most requests


def read_budgets(readme: Path) -> Budgets:
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{readme.name} has no request budget table ({BEGIN} … {END})")
    rows = [line.strip().strip("|").split("|")
            for line in text.split(BEGIN)[1].split(END)[0].splitlines() if line.strip()]
    header, body = [cell.strip() for cell in rows[0]], rows[2:]
    sizes = [int(cell.replace(",", "")) for cell in header[2:]]
    budgets: Budgets = {}
    for row in body:
        service, command, *figures = (cell.strip() for cell in row)
        for size, figure in zip(sizes, figures, strict=True):
            budgets[(service, command, size)] = int(figure)
    return budgets
