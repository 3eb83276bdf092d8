"""The few ways reading a PDF can fail, each with a message naming the file and, where it helps, the page."""

from __future__ import annotations


class PlanToDataError(Exception):
    """Base of the errors the command line reports in one line."""


class InputError(PlanToDataError):
    """The input is missing, empty, not a PDF, encrypted or damaged."""


class ScannedPdfError(PlanToDataError):
    """The PDF has pages but no text layer: a scan, which needs OCR first."""


class NotThePlanError(PlanToDataError):
    """The PDF has text but no project card."""


class BuildLocked(PlanToDataError):
    """Another build of the same output folder held its lock for longer than the build was told to wait."""
