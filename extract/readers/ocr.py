"""The OCR reader (tesseract): a page without a text layer read from its image, as the same ``PageContent``.

A page is rendered (pypdfium2, ``ocr_dpi``, grayscale), straightened (skew up to ``ocr_max_skew`` degrees, by
the angle that makes the ink's row profile sharpest), its table rules found in the image (morphological
opening with long thin kernels: what survives is a rule) and erased, and the rest read by the ``tesseract``
command with TSV output (word boxes and confidences). ``extract.readers.tokens`` turns the words into
characters in the common ``Char`` model — bullets and rule debris recognised, one uniform size per page —
and the rules become the page's edges: from there the shared path builds the layout as for any reader.

The binding: the ``tesseract`` command (Debian ``tesseract-ocr`` + ``tesseract-ocr-fra``), not tesserocr.
The command and the French model come from one system package that ``make setup`` installs; tesserocr's
wheel carries its own libtesseract but no language data (the model would come from the system package
anyway, and must match its version); a page read in a child process can be timed out and cannot crash the
build; and starting the command (model loaded) costs about 0.1 s against 1 to 3 s of recognition.

Results are cached by the SHA-256 of the page image and of what shapes the reading (resolution, language,
tesseract version, ``OCR_VERSION``): a rebuild renders the page again but does not OCR it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extract.errors import InputError
from extract.settings import ExtractSettings

if TYPE_CHECKING:  # numpy is loaded where a page is read by OCR, not with the module
    import numpy as np

TESSERACT = "tesseract"
# What to install, said in one line wherever OCR is needed and missing.
INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-fra (Debian; `make setup` does it as root)"
# Changes with the image processing below: part of the cache key, so that older results are not reused.
OCR_VERSION = "1"
POINTS_PER_INCH = 72.0
# Skew search: the coarse step, then the fine step around the best coarse angle (degrees).
SKEW_STEP, SKEW_FINE_STEP = 0.2, 0.02
# The skew is measured on the image scaled down by this factor (enough resolution for 0.02°, and fast).
SKEW_SCALE = 0.5
# Below this angle (degrees) the page is left as rendered.
SKEW_MIN = 0.05
# Rules: an ink run at least this long (points) is a horizontal rule, this tall a vertical one (longer than
# any glyph of body text: a 10-pt bracket is about 12 pt tall).
RULE_MIN_LENGTH_H, RULE_MIN_LENGTH_V = 20.0, 14.0
# ... no thicker than this (points); a thicker bar (a filled band) gives its two long sides.
RULE_MAX_THICKNESS = 3.0
# ... and two pieces of one rule on one line, broken by scanning noise, join across a gap up to this (points).
RULE_JOIN_GAP = 3.0
# The rules' pixels are erased before OCR over this margin (pixels), so that no rule is read as « | » or « _ ».
RULE_ERASE_MARGIN = 1
# Tesseract's own confidences are 0..100.
CONFIDENCE_SCALE = 100.0


class OcrUnavailable(InputError):
    """A page needs OCR and the tesseract command or its language model is not installed."""


@dataclass
class OcrWord:
    """A word as tesseract read it: box in points on the straightened page (top-left origin), confidence 0..1,
    and the tesseract line it belongs to (block, paragraph, line)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float
    line: tuple[int, int, int]


@dataclass
class OcrPage:
    number: int
    width: float
    height: float
    dpi: int
    angle: float  # degrees the page image was turned by to straighten it
    words: list[OcrWord] = field(default_factory=list)
    h_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1) points
    v_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x, top, bottom) points
    seconds: float = 0.0  # OCR time (rendering excluded); 0 when cached
    cached: bool = False


@lru_cache(maxsize=1)
def tesseract_version() -> str | None:
    """The tesseract command's version line, or None when it is not installed."""
    if shutil.which(TESSERACT) is None:
        return None
    try:
        result = subprocess.run([TESSERACT, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return (result.stdout or result.stderr).splitlines()[0].strip() if result.returncode == 0 else None


@lru_cache(maxsize=4)
def installed_languages() -> frozenset[str]:
    try:
        result = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in result.stdout.splitlines()[1:] if line.strip())


def require_tesseract(path: Path, language: str) -> str:
    """The tesseract version; raises ``OcrUnavailable`` (one line: what to install) when it cannot read."""
    version = tesseract_version()
    if version is None:
        raise OcrUnavailable(
            f"{path}: pages without a text layer need OCR and tesseract is not installed; install it: {INSTALL_HINT}"
        )
    missing = [name for name in language.split("+") if name not in installed_languages()]
    if missing:
        raise OcrUnavailable(
            f"{path}: pages without a text layer need OCR and tesseract has no {'+'.join(missing)} model; install it: {INSTALL_HINT}"
        )
    return version


# --- the page image ----------------------------------------------------------------------------------------

_DOCUMENTS: dict[str, object] = {}


def pdfium_document(path: Path):
    """The PDF open in pypdfium2, kept open in this process for its next page (one document at a time): the
    page image and the check for an invisible text layer read the same file."""
    import pypdfium2

    key = str(path)
    if key not in _DOCUMENTS:
        _DOCUMENTS.clear()
        _DOCUMENTS[key] = pypdfium2.PdfDocument(key)
    return _DOCUMENTS[key]


def render_page(path: Path, number: int, dpi: int) -> np.ndarray:
    """Page ``number`` (1-based) as a grayscale image (uint8, 255 white) at ``dpi``."""
    import numpy as np

    page = pdfium_document(path)[number - 1]
    try:
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True)
        image = np.array(bitmap.to_numpy(), dtype=np.uint8)
    finally:
        page.close()
    return image[:, :, 0] if image.ndim == 3 else image


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink as 255, paper as 0 (Otsu's threshold: light shading counts as paper)."""
    import cv2

    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def rotated(image: np.ndarray, angle: float, fill: int) -> np.ndarray:
    import cv2

    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill)


def profile_sharpness(mask: np.ndarray) -> float:
    import numpy as np

    rows = mask.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(mask: np.ndarray, max_skew: float) -> float:
    """The angle (degrees, counter-clockwise) that lines the page's text up with the image rows: the one whose
    row profile of the ink is sharpest, searched within ±``max_skew``."""
    import cv2
    import numpy as np

    if max_skew <= 0 or not mask.any():
        return 0.0
    small = cv2.resize(mask, None, fx=SKEW_SCALE, fy=SKEW_SCALE, interpolation=cv2.INTER_AREA)

    def best(angles) -> float:
        return max(angles, key=lambda angle: profile_sharpness(rotated(small, angle, 0)))

    coarse = best(np.arange(-max_skew, max_skew + SKEW_STEP / 2, SKEW_STEP))
    fine = best(np.arange(coarse - SKEW_STEP, coarse + SKEW_STEP + SKEW_FINE_STEP / 2, SKEW_FINE_STEP))
    return float(round(fine, 3))


def rule_runs(
    mask: np.ndarray, horizontal: bool, min_length: int, max_thickness: int, join_gap: int
) -> list[tuple[float, float, float]]:
    """Rules in a mask of rule pixels, in pixels: (position across, start, end along). Pieces on one line
    broken by less than ``join_gap`` join; a band thicker than ``max_thickness`` gives its two long sides."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    pieces = []
    for index in range(1, count):
        x, y, width, height, _ = stats[index]
        if horizontal:
            start, end, low, high = x, x + width, y, y + height
        else:
            start, end, low, high = y, y + height, x, x + width
        if high - low > max_thickness:
            pieces += [(float(low), float(start), float(end)), (float(high), float(start), float(end))]
        else:
            pieces.append(((low + high) / 2, float(start), float(end)))
    pieces.sort()
    joined: list[list[float]] = []
    for position, start, end in sorted(pieces, key=lambda piece: (round(piece[0]), piece[1])):
        last = joined[-1] if joined else None
        if last and abs(last[0] - position) <= 1.5 and start - last[2] <= join_gap:
            last[2] = max(last[2], end)
        else:
            joined.append([position, start, end])
    return [(position, start, end) for position, start, end in joined if end - start >= min_length]


def find_rules(mask: np.ndarray, dpi: int) -> tuple[list, list, np.ndarray]:
    """Horizontal and vertical rules of an ink mask (pixels), and the mask of their pixels."""
    import cv2
    import numpy as np

    pixels = dpi / POINTS_PER_INCH
    found = []
    rule_pixels = np.zeros_like(mask)
    for horizontal, length in ((True, RULE_MIN_LENGTH_H), (False, RULE_MIN_LENGTH_V)):
        size = max(2, int(round(length * pixels)))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, 1) if horizontal else (1, size))
        opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        rule_pixels |= opened
        found.append(
            rule_runs(
                opened, horizontal, size, int(round(RULE_MAX_THICKNESS * pixels)), int(round(RULE_JOIN_GAP * pixels))
            )
        )
    return found[0], found[1], rule_pixels


def erase(gray: np.ndarray, rule_pixels: np.ndarray) -> np.ndarray:
    import cv2
    import numpy as np

    if not rule_pixels.any():
        return gray
    grown = cv2.dilate(rule_pixels, np.ones((2 * RULE_ERASE_MARGIN + 1,) * 2, np.uint8))
    cleaned = gray.copy()
    cleaned[grown > 0] = 255
    return cleaned


# --- tesseract ---------------------------------------------------------------------------------------------


def run_tesseract(gray: np.ndarray, dpi: int, language: str, timeout: float, where: str) -> str:
    """Tesseract's TSV for an image (one thread: pages run in parallel instead)."""
    import cv2

    ok, png = cv2.imencode(".png", gray)
    if not ok:
        raise InputError(f"{where}: the page image cannot be encoded for OCR")
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [TESSERACT, "stdin", "stdout", "-l", language, "--dpi", str(dpi), "--psm", "3", "tsv"]
    try:
        result = subprocess.run(command, input=png.tobytes(), capture_output=True, timeout=timeout, env=environment)
    except subprocess.TimeoutExpired:
        raise InputError(f"{where}: OCR took longer than {timeout:g} s; giving up") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{where}: tesseract failed ({message[-1] if message else result.returncode})")
    return result.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str, scale: float) -> list[OcrWord]:
    """The words of tesseract's TSV (level 5 rows with text), boxes scaled from pixels to points."""
    words = []
    for row in tsv.splitlines()[1:]:
        columns = row.split("\t")
        if len(columns) < 12 or columns[0] != "5" or not columns[11].strip():
            continue
        block, paragraph, line = int(columns[2]), int(columns[3]), int(columns[4])
        left, top, width, height = (int(value) for value in columns[6:10])
        confidence = max(0.0, float(columns[10])) / CONFIDENCE_SCALE
        words.append(
            OcrWord(
                columns[11].strip(),
                left * scale,
                top * scale,
                (left + width) * scale,
                (top + height) * scale,
                round(confidence, 4),
                (block, paragraph, line),
            )
        )
    return words


# --- the cache ---------------------------------------------------------------------------------------------


def cache_folder(settings: ExtractSettings) -> Path | None:
    if settings.ocr_cache == "off":
        return None
    if settings.ocr_cache:
        return Path(settings.ocr_cache).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "plan-to-data" / "ocr"


def cache_key(gray: np.ndarray, settings: ExtractSettings, version: str) -> str:
    digest = hashlib.sha256()
    digest.update(
        f"{OCR_VERSION}|{version}|{settings.ocr_dpi}|{settings.ocr_language}|{settings.ocr_max_skew}|{gray.shape}".encode()
    )
    digest.update(gray.tobytes())
    return digest.hexdigest()


def cache_read(folder: Path | None, key: str) -> dict | None:
    if folder is None:
        return None
    path = folder / key[:2] / f"{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def cache_write(folder: Path | None, key: str, value: dict) -> None:
    """Written to a temporary name then renamed: two workers writing one page never leave half a file. A cache
    that cannot be written (read-only home) only costs the next build its OCR again."""
    if folder is None:
        return
    path = folder / key[:2] / f"{key}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


# --- a page --------------------------------------------------------------------------------------------------


def ocr_page(path: Path, number: int, width: float, height: float, settings: ExtractSettings) -> OcrPage:
    """Page ``number`` read by OCR (or from the cache): its words and rules in points, top-left origin, on the
    straightened page of ``width`` × ``height`` points."""
    version = require_tesseract(path, settings.ocr_language)
    dpi = settings.ocr_dpi
    gray = render_page(path, number, dpi)
    key = cache_key(gray, settings, version)
    folder = cache_folder(settings)
    stored = cache_read(folder, key)
    if stored is not None:
        page = OcrPage(
            **{**stored, "words": [OcrWord(**{**word, "line": tuple(word["line"])}) for word in stored["words"]]}
        )
        page.number, page.width, page.height, page.seconds, page.cached = number, width, height, 0.0, True
        return page
    started = time.perf_counter()
    mask = ink_mask(gray)
    angle = skew_angle(mask, settings.ocr_max_skew)
    if abs(angle) >= SKEW_MIN:
        gray, mask = rotated(gray, angle, 255), ink_mask(rotated(gray, angle, 255))
    h_rules, v_rules, rule_pixels = find_rules(mask, dpi)
    tsv = run_tesseract(
        erase(gray, rule_pixels), dpi, settings.ocr_language, settings.ocr_page_timeout, f"{path}: page {number}"
    )
    scale = POINTS_PER_INCH / dpi
    page = OcrPage(
        number,
        width,
        height,
        dpi,
        angle,
        parse_tsv(tsv, scale),
        [(round(float(y) * scale, 2), round(x0 * scale, 2), round(x1 * scale, 2)) for y, x0, x1 in h_rules],
        [(round(float(x) * scale, 2), round(top * scale, 2), round(bottom * scale, 2)) for x, top, bottom in v_rules],
    )
    page.seconds = round(time.perf_counter() - started, 3)
    cache_write(folder, key, asdict(page))
    return page
