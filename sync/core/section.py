"""The base of every config section, below both the config file and the targets that declare
their own sections: unknown keys refused, values frozen, paths relative to the config file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationInfo

MAX_PATH_CHARS = 4096  # PATH_MAX on Linux: longer is a typo or an attack, never a file


def relative_to_config(path: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    return path if path.is_absolute() or base is None else Path(base) / path


def checked_path_text(text: str) -> str:
    """A path a file system could hold: no NUL byte, not absurdly long, not empty."""
    if not text.strip():
        raise ValueError("the path is empty")
    if "\x00" in text:
        raise ValueError("the path holds a NUL character")
    if len(text) > MAX_PATH_CHARS:
        raise ValueError(f"the path is longer than {MAX_PATH_CHARS} characters")
    return text


def _path_text(value: object) -> object:
    return checked_path_text(value) if isinstance(value, str) else value


LocalPath = Annotated[Path, BeforeValidator(_path_text), AfterValidator(relative_to_config)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def kind_name(model: type[Section]) -> str:
    """The `kind` a section model stands for ("all" for sections without kinds)."""
    kind: Any = model.model_fields.get("kind")
    return str(kind.annotation.__args__[0]) if kind else "all"
