"""The base of every config section, below both the config file and the targets that declare
their own sections: unknown keys refused, values frozen, paths relative to the config file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo


def relative_to_config(path: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    return path if path.is_absolute() or base is None else Path(base) / path


LocalPath = Annotated[Path, AfterValidator(relative_to_config)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def kind_name(model: type[Section]) -> str:
    """The `kind` a section model stands for ("all" for sections without kinds)."""
    kind: Any = model.model_fields.get("kind")
    return str(kind.annotation.__args__[0]) if kind else "all"
