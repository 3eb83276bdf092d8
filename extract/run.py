"""From a PDF path to an Extraction: the runner only wires the stages."""

from __future__ import annotations

from pathlib import Path

from extract.cards import layouts_to_stream, stream_to_cards
from extract.errors import NotThePlanError
from extract.model import Extraction
from extract.pdf import read_layouts
from extract.settings import ExtractSettings


def extract_plan(path: Path | str, settings: ExtractSettings | dict | None = None) -> Extraction:
    settings = ExtractSettings.resolve(settings)
    path = Path(path)
    layouts = read_layouts(path, settings)
    stream = layouts_to_stream(layouts)
    cards, findings = stream_to_cards(stream, settings)
    if not cards:
        raise NotThePlanError(f"{path}: no project card (« Sous Projet CODE : title ») in its {len(layouts)} pages; not an action plan")
    return Extraction(source=str(path), page_count=len(layouts), cards=cards, list_rows=[], findings=findings)
