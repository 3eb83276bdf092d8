"""The values a dataset column or a golden field may take, declared once for both schemas.

``schemas/records.py`` (the dataset) and ``schemas/golden.py`` (the golden set) type their columns with these;
the extraction and the load step name finding kinds from ``FindingKind``.
"""

from __future__ import annotations

from typing import Literal, get_args

FieldName = Literal[
    "section", "header", "responsibles", "entities", "coordinators", "partners", "objectives", "actions",
    "indicators", "values", "budget", "schedule", "unknown",
]  # fmt: skip
Axis = Literal["I", "II"]
OwnerKind = Literal["establishment", "directorate", "function"]
# What a Budget item reads as; the flags it carries; the category of a card's Budget.
BudgetKind = Literal["amount", "estimate", "total", "text", "malformed"]
BudgetFlag = Literal["ttc", "ht", "per_unit"]
BudgetCategory = Literal[
    "amount", "none", "not_stated", "committed_elsewhere", "external_funding", "malformed", "other"
]  # fmt: skip
ScheduleCategory = Literal["dated", "conditional", "none"]
Comparator = Literal["=", ">", ">=", "<", "<=", "~"]
TargetField = Literal["indicators", "values"]
# An entity of the dataset; a spelling of the alias table; an « Entités concernées » mention as read.
EntityKind = Literal["establishment", "directorate", "division", "function", "service", "unit"]
AliasKind = Literal["establishment", "division", "service"]
MentionEntityKind = Literal["establishment", "division", "service", "unit", "unresolved"]
PersonRole = Literal["responsible", "coordinator"]
MentionKind = Literal["person", "role"]
ItemFlag = Literal["reader_disagreement", "placeholder", "deleted", "low_confidence"]
LinkedBy = Literal["code_and_title", "title", "code", "none"]
CorrectionStatus = Literal["applied", "stale", "unknown_target", "invalid"]
FindingKind = Literal[
    "list_without_card", "list_code_differs", "list_title_differs", "card_not_listed", "total_mismatch",
    "malformed_amount", "reader_disagreement", "unknown_label", "unresolved_entity", "stale_correction",
    "unknown_correction_target", "invalid_correction", "page_decoration", "page_unreadable", "printed_pages_unread",
    "verification_failed", "code_repaired", "low_confidence", "unparseable_card", "unparseable_list_row",
    "duplicate_card",
]  # fmt: skip


def values(alias: object) -> tuple[str, ...]:
    """The values of one of these aliases, in declared order."""
    return get_args(alias)
