"""A page as pdfplumber sees it, reduced to what card reading needs: text lines cut into cells, and rulings.

Chain: ``page_words → words_to_lines → line_to_segments``, plus ``page_rulings``. Coordinates are PDF
points with a top-left origin, as pdfplumber gives them; a bbox is (x0, top, x1, bottom) on a page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from statistics import median

from extract.settings import ExtractSettings

BBox = tuple[float, float, float, float]


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Segment:
    """Words of one line that sit together, between two cell gaps or rulings."""

    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def bold(self) -> bool:
        letters = [word for word in self.words if any(char.isalpha() for char in word.text)]
        return bool(letters) and sum(word.bold for word in letters) * 2 > len(letters)


@dataclass
class Line:
    page: int
    segments: list[Segment]

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def top(self) -> float:
        return min(segment.top for segment in self.segments)

    @property
    def bottom(self) -> float:
        return max(segment.bottom for segment in self.segments)

    @property
    def size(self) -> float:
        return median(word.size for word in self.words)


@dataclass
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    h_rulings: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)
    v_rulings: list[tuple[float, float, float]] = field(default_factory=list)  # (x, top, bottom)
    char_count: int = 0
    image_count: int = 0
    decoration: str = ""  # text dropped as page decoration (watermark, stamp), as read


def page_words(page, settings: ExtractSettings) -> list[Word]:
    words = page.extract_words(
        x_tolerance=settings.x_tolerance,
        y_tolerance=2,
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["size", "fontname"],
    )
    return [
        Word(
            text=word["text"],
            x0=float(word["x0"]),
            top=float(word["top"]),
            x1=float(word["x1"]),
            bottom=float(word["bottom"]),
            size=float(word["size"]),
            bold=bool(re.search(r"bold|black|heavy|semibold|demi", word["fontname"], re.IGNORECASE)),
        )
        for word in words
        if word["text"].strip()
    ]


def page_rulings(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal and vertical rules: drawn lines and the edges of thin rectangles (Word draws borders as both)."""
    horizontal, vertical = [], []
    for edge in page.edges:
        if edge["orientation"] == "h" and edge["x1"] - edge["x0"] > 8:
            horizontal.append((round(float(edge["top"]), 1), float(edge["x0"]), float(edge["x1"])))
        elif edge["orientation"] == "v" and edge["bottom"] - edge["top"] > 4:
            vertical.append((round(float(edge["x0"]), 1), float(edge["top"]), float(edge["bottom"])))
    return sorted(set(horizontal)), sorted(set(vertical))


def words_to_lines(words: list[Word], page: int) -> list[list[Word]]:
    """Cluster words into visual lines by vertical overlap; small raised words (superscripts) join their line."""
    if not words:
        return []
    body_size = median(word.size for word in words)
    normal = sorted((word for word in words if word.size >= 0.8 * body_size), key=lambda word: (word.top, word.x0))
    small = [word for word in words if word.size < 0.8 * body_size]
    lines: list[list[Word]] = []
    spans: list[list[float]] = []
    for word in normal:
        for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = spans[index]
            if top - 0.5 <= word.middle <= bottom + 0.5:
                lines[index].append(word)
                spans[index] = [min(top, word.top), max(bottom, word.bottom)]
                break
        else:
            lines.append([word])
            spans.append([word.top, word.bottom])
    for word in small:
        # a superscript belongs to the line of the word it is printed against (« 1 » « ER »), even where
        # raised into the line above
        host = next(
            (
                line
                for line, (top, bottom) in zip(lines, spans)
                if top - word.size <= word.bottom and word.top <= bottom
                and any(abs(other.x1 - word.x0) < 0.6 and other.top < word.bottom for other in line)
            ),
            None,
        ) or next((line for line, (top, bottom) in zip(lines, spans) if top - 1 <= word.middle <= bottom + 1), None)
        if host is None:
            lines.append([word])
            spans.append([word.top, word.bottom])
        else:
            host.append(word)
    for line in lines:
        line.sort(key=lambda word: word.x0)
    return [glue_superscripts(line) for line in sorted(lines, key=lambda line: min(word.top for word in line))]


def glue_superscripts(words: list[Word]) -> list[Word]:
    """« 1 » followed by a raised « er » printed flush against it is the one word « 1er »."""
    if len(words) < 2:
        return words
    body = max(word.size for word in words)
    glued: list[Word] = [words[0]]
    for word in words[1:]:
        previous = glued[-1]
        touching = word.x0 - previous.x1 < 0.6
        if touching and (word.size < 0.8 * body or previous.size < 0.8 * body):
            glued[-1] = Word(
                previous.text + word.text,
                previous.x0,
                min(previous.top, word.top),
                word.x1,
                max(previous.bottom, word.bottom),
                max(previous.size, word.size),
                previous.bold,
            )
        else:
            glued.append(word)
    return glued


def line_to_segments(words: list[Word], v_rulings, settings: ExtractSettings) -> list[Segment]:
    segments: list[Segment] = [Segment([words[0]])]
    for word in words[1:]:
        previous = segments[-1].words[-1]
        gap = word.x0 - previous.x1
        ruled = any(
            previous.x1 - 1 <= x <= word.x0 + 1 and top <= word.middle <= bottom for x, top, bottom in v_rulings
        )
        if ruled or gap > settings.cell_gap_em * max(word.size, previous.size):
            segments.append(Segment([word]))
        else:
            segments[-1].words.append(word)
    return segments


def dedupe_chars(page):
    """Drop characters printed twice at the same place (fake bold): pdfplumber's dedupe_chars does the same
    with tolerances, at a cost that dominated reading; exact positions to a tenth of a point suffice here."""
    seen: set[tuple] = set()

    def first_time(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        key = (obj["text"], round(obj["x0"], 1), round(obj["top"], 1), obj["fontname"], round(obj["size"], 1))
        if key in seen:
            return False
        seen.add(key)
        return True

    return page.filter(first_time)


def char_angle(char) -> float:
    """The angle (degrees) of a character's baseline; 0 for upright text."""
    a, b = char["matrix"][0], char["matrix"][1]
    return math.degrees(math.atan2(b, a)) if (a or b) else 0.0


def luminance(color) -> float:
    """0 for black ink, 1 for white, from a gray, RGB or CMYK fill; 0 where the colour is a pattern."""
    if not isinstance(color, (tuple, list)) or not all(isinstance(value, (int, float)) for value in color):
        return 0.0
    if len(color) == 1:
        return float(color[0])
    if len(color) == 3:
        red, green, blue = color
    elif len(color) == 4:
        cyan, magenta, yellow, black = color
        red, green, blue = ((1 - value) * (1 - black) for value in (cyan, magenta, yellow))
    else:
        return 0.0
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def decoration_chars(chars: list[dict], settings: ExtractSettings) -> list[dict]:
    """Characters that are page decoration, not content: set at an angle (a diagonal watermark), or much
    larger than the page's body text and either light or printed over other text (a stamp)."""
    upright = [char for char in chars if abs(char_angle(char)) <= settings.decoration_max_angle and not char["text"].isspace()]
    if not upright:
        return [char for char in chars if abs(char_angle(char)) > settings.decoration_max_angle]
    body = median(float(char["size"]) for char in upright)
    body_chars = [char for char in upright if float(char["size"]) < settings.decoration_size_ratio * body]

    def over_text(char) -> bool:
        return any(
            other["x0"] < char["x1"] and char["x0"] < other["x1"] and other["top"] < char["bottom"] and char["top"] < other["bottom"]
            for other in body_chars
        )

    decoration = []
    for char in chars:
        if abs(char_angle(char)) > settings.decoration_max_angle:
            decoration.append(char)
        elif float(char["size"]) >= settings.decoration_size_ratio * body and (
            luminance(char.get("non_stroking_color")) >= settings.decoration_min_luminance or over_text(char)
        ):
            decoration.append(char)
    return decoration


def page_to_layout(page, settings: ExtractSettings) -> PageLayout:
    page = dedupe_chars(page)
    dropped = decoration_chars(page.chars, settings)
    if dropped:
        ids = {id(char) for char in dropped}
        page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in ids)
    h_rulings, v_rulings = page_rulings(page)
    layout = PageLayout(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        h_rulings=h_rulings,
        v_rulings=v_rulings,
        char_count=len(page.chars),
        image_count=len(page.images),
        decoration="".join(char["text"] for char in dropped),
    )
    for words in words_to_lines(page_words(page, settings), page.page_number):
        layout.lines.append(Line(page.page_number, line_to_segments(words, v_rulings, settings)))
    return layout


_NUMBERS = re.compile(r"\d+")
PAGE_NUMBER = re.compile(r"(page\s*)?#(\s*(/|sur)\s*#)?|-\s*#\s*-")


def furniture_key(text: str) -> str:
    return _NUMBERS.sub("#", text.lower()).strip()


def drop_furniture(pages: list[PageLayout], settings: ExtractSettings) -> list[PageLayout]:
    """Remove running headers, footers and page numbers: lines in the top or bottom band of the page that
    are a bare page number, or that hold a piece of text repeated at the same height on many pages (the
    plan's title beside a chapter name that changes, a logo's lines)."""

    def in_band(line: Line, page: PageLayout) -> bool:
        band = settings.furniture_band * page.height
        return line.bottom < band or line.top > page.height - band

    def keys(line: Line) -> set[tuple[str, int]]:
        return {(furniture_key(segment.text), round(segment.top / settings.furniture_height_step)) for segment in line.segments}

    counts: dict[tuple[str, int], int] = {}
    for page in pages:
        for key in {key for line in page.lines if in_band(line, page) for key in keys(line)}:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(3, settings.furniture_share * len(pages))

    def furniture(line: Line, page: PageLayout) -> bool:
        if not in_band(line, page):
            return False
        return bool(PAGE_NUMBER.fullmatch(furniture_key(line.text))) or any(counts.get(key, 0) >= threshold for key in keys(line))

    for page in pages:
        page.lines = [line for line in page.lines if not furniture(line, page)]
    return pages
