"""The base class of every model and the enum helper that gives each choice a plain-English label."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Every deal model: unknown fields are errors, values are re-checked on assignment, instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, use_enum_values=False)


class Choice(StrEnum):
    """An enum whose members carry a label for people; the value is what a scenario file holds."""

    @property
    def label(self) -> str:
        return _LABELS.get(type(self).__name__, {}).get(self.value, self.value.replace("_", " ").capitalize())


_LABELS: dict[str, dict[str, str]] = {}


def labels(enum_name: str, mapping: dict[str, str]) -> None:
    """Register the people-facing labels of an enum's members (used by the app, the PDF and the docs)."""
    _LABELS[enum_name] = mapping
