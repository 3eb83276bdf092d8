"""A finding: a data-quality issue any stage may report, one type from extraction to the ``findings`` table."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.enums import FindingKind, values


@dataclass
class Finding:
    """A data-quality issue: the ``findings`` table's row is this and the page number printed on ``page``
    (``schemas.records.FindingRecord``)."""

    kind: FindingKind
    code: str | None  # the card concerned: as printed in an extraction finding, canonical once loaded
    field: str | None
    page: int | None
    message: str

    def __post_init__(self) -> None:
        if self.kind not in values(FindingKind):
            raise ValueError(f"finding kind {self.kind!r} is not one of schemas.enums.FindingKind")
