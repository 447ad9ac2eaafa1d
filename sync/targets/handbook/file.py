"""The handbook page as a Markdown file on disk (the local backend)."""

from __future__ import annotations

from pathlib import Path

from sync.clients.files import read_text, write_atomically
from sync.core.diff.plan import TargetPlan
from sync.errors import TargetError
from sync.targets.handbook.model import HandbookTarget, PageSnapshot, cut_page, parse_rows


class HandbookFile(HandbookTarget):
    def __init__(self, path: Path, stamp: bool = False) -> None:
        super().__init__(stamp)
        self.path = path

    def read(self) -> PageSnapshot:
        text = read_text(self.path)
        if text is None:
            raise TargetError(f"The handbook page {self.path} does not exist.")
        page = cut_page(text)
        return PageSnapshot(parse_rows(page.table), page=page)

    def write_page(self, text: str, plan: TargetPlan) -> list[str]:
        write_atomically(self.path, text)
        return []
