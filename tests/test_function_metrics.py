"""The code stays readable as it grows: functions short (median about 6 lines, 90 % at most
15, none 50 or more) and no module over 400 lines, measured over sync/ with ast.

A function's length runs from its `def` line to its last line (docstring and nested
functions included); a decorator line is not counted.
"""

from __future__ import annotations

import ast
import math
import statistics
from pathlib import Path

SYNC = Path(__file__).resolve().parent.parent / "sync"
MEDIAN, P90, LONGEST, MODULE = 7, 15, 49, 400


def function_lengths(source: str, name: str) -> dict[str, int]:
    tree = ast.parse(source, name)
    return {f"{name}:{node.lineno} {node.name}": (node.end_lineno or node.lineno) - node.lineno + 1
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def nearest_rank(sorted_values: list[int], share: float) -> int:
    return sorted_values[math.ceil(share * len(sorted_values)) - 1]


def all_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for path in sorted(SYNC.rglob("*.py")):
        lengths |= function_lengths(path.read_text(encoding="utf-8"),
                                    str(path.relative_to(SYNC.parent)))
    return lengths


def test_functions_stay_short() -> None:
    lengths = all_lengths()
    values = sorted(lengths.values())
    assert len(values) > 100  # the scan really read the package
    assert statistics.median(values) <= MEDIAN
    assert nearest_rank(values, 0.9) <= P90
    assert [name for name, size in lengths.items() if size > LONGEST] == []


def test_no_module_over_400_lines() -> None:
    long = {str(path): n for path in SYNC.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MODULE}
    assert long == {}


def test_the_measure_counts_what_it_claims() -> None:
    source = ("def short():\n    return 1\n\n\n"
              "@decorated\ndef longer():\n    a = 1\n\n    return a\n")
    assert sorted(function_lengths(source, "x.py").values()) == [2, 4]
    assert nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
