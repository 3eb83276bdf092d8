"""A page reduced to what card reading needs: text lines cut into cells, and rulings.

A reader (``extract.readers``: pdfium, pdfplumber) gives each page as a ``PageContent``: characters in one
model (``Char``) and the edges of its vector paths. From there one path, whichever reader ran:
``unique_chars → decoration_chars → chars_to_words → words_to_lines → line_to_segments``, plus
``page_rulings``. Coordinates are PDF points with a top-left origin, as pdfplumber gives them; a bbox is
(x0, top, x1, bottom) on a page.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from statistics import median

from extract.settings import ExtractSettings
from vocabulary import escaped_alternation, labels

DEFAULT_SETTINGS = ExtractSettings()

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
    """Words of one line that sit together, between two cell gaps or rulings. Its words are fixed once the
    segment is read: its text and extent are computed once (the card reader asks for them many times)."""

    words: list[Word]

    @cached_property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @cached_property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @cached_property
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
    """A line of a page, cut into segments; fixed once read, like its segments."""

    page: int
    segments: list[Segment]

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]

    @cached_property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @cached_property
    def top(self) -> float:
        return min(segment.top for segment in self.segments)

    @cached_property
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


@dataclass(slots=True)
class Char:
    """One printed character, as every reader gives it: the one character model the layout is built from.

    The box follows pdfplumber's convention: x0..x1 is the glyph's advance, top..bottom the font's em square
    placed by its descent (bottom = baseline - descent, top = bottom - font size, both scaled by the text
    matrix); points, top-left origin. ``size`` is the height of that box (the font size on the page),
    ``matrix`` the (a, b, c, d) part of the text rendering matrix (scale and rotation), ``fill`` the
    components of the non-stroking colour (gray, RGB or CMYK, 0..1), empty when unknown."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    fontname: str
    fill: tuple = ()
    matrix: tuple = (1.0, 0.0, 0.0, 1.0)

    @property
    def upright(self) -> bool:
        """Upright as pdfminer decides it: no flip and no quarter turn."""
        return upright_matrix(self.matrix)

    @property
    def angle(self) -> float:
        """The angle (degrees) of the character's baseline; 0 for upright text."""
        return matrix_angle(self.matrix)


@dataclass
class PageContent:
    """What a reader finds on one page: its characters in content order, and the horizontal and vertical edges
    of its vector paths (drawn lines, the four sides of rectangles, the straight pieces of other paths)."""

    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    h_edges: list[tuple[float, float, float]] = field(default_factory=list)  # (y, x0, x1)
    v_edges: list[tuple[float, float, float]] = field(default_factory=list)  # (x, top, bottom)
    image_count: int = 0


# Ligature glyphs read as their letters (pdfplumber's extract_words does the same).
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_CHARS = frozenset(LIGATURES)
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def upright_matrix(matrix: tuple) -> bool:
    """Upright as pdfminer decides it: no flip and no quarter turn (``Char.upright``)."""
    a, b, c, d = matrix
    return a * d > 0 and b * c <= 0


def matrix_angle(matrix: tuple) -> float:
    """The angle (degrees) of a baseline set by this matrix (``Char.angle``)."""
    a, b = matrix[0], matrix[1]
    return math.degrees(math.atan2(b, a)) if (a or b) else 0.0


def per_matrix(chars: list[Char], function) -> list:
    """``function`` of each character's matrix, computed once per distinct matrix (a page has a few, and the
    characters of one text object share theirs)."""
    values, memo = [], {}
    last, value = None, None
    for char in chars:
        matrix = char.matrix
        if matrix is not last:
            key = matrix if type(matrix) is tuple else tuple(matrix)
            if key in memo:
                value = memo[key]
            else:
                value = memo[key] = function(key)
            last = matrix
        values.append(value)
    return values


def cluster_ids(values: list[float], tolerance: float) -> dict[float, int]:
    """Sorted distinct values chained into clusters: a value within ``tolerance`` of the previous one joins its
    cluster (pdfplumber's ``cluster_list``)."""
    ids: dict[float, int] = {}
    last, current = None, -1
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            current += 1
        ids[value] = current
        last = value
    return ids


def chars_to_words(chars: list[Char], settings: ExtractSettings) -> list[Word]:
    """Words as pdfplumber's ``extract_words`` makes them: runs of characters of one orientation, size and font
    (in content order), cut into lines by the top of their characters within ``y_tolerance``, each line read
    left to right (rotated text: top to bottom) and split at blanks, at a gap wider than ``x_tolerance`` and
    where a character steps back or changes line."""
    words: list[Word] = []
    for upright, run in orientation_runs(chars):
        # one sort by (line, place along it, content order): the order of a stable sort by line then of each
        # line by place
        if upright:
            ids = cluster_ids([char.top for char in run], settings.y_tolerance)
            keyed = sorted([(ids[char.top], char.x0, index) for index, char in enumerate(run)])
        else:
            ids = cluster_ids([char.x0 for char in run], settings.x_tolerance)
            keyed = sorted([(ids[char.x0], char.top, char.bottom, index) for index, char in enumerate(run)])
        for _line, members in groupby(keyed, key=itemgetter(0)):
            words += line_words([run[entry[-1]] for entry in members], upright, settings)
    return words


def orientation_runs(chars: list[Char]) -> list[tuple[bool, list[Char]]]:
    """The characters cut into runs of one orientation (upright or not), size and font, in content order."""
    runs: list[tuple[bool, list[Char]]] = []
    key = None
    for upright, char in zip(per_matrix(chars, upright_matrix), chars):
        here = (upright, char.size, char.fontname)
        if key is None or here != key:
            run: list[Char] = []
            runs.append((upright, run))
            key = here
        run.append(char)
    return runs


def line_words(chars: list[Char], upright: bool, settings: ExtractSettings) -> list[Word]:
    words, current = [], []
    along, across = (
        (settings.x_tolerance, settings.y_tolerance) if upright else (settings.y_tolerance, settings.x_tolerance)
    )
    previous = None
    for char in chars:
        if char.text.isspace():
            words.append(current)
            current = []
            previous = None
            continue
        if previous is not None:
            if upright:
                position, level = char.x0, char.top
                start, end, previous_level = previous.x0, previous.x1, previous.top
            else:
                position, level = char.top, char.x0
                start, end, previous_level = previous.top, previous.bottom, previous.x0
            if position < start or position > end + along or abs(level - previous_level) > across:
                words.append(current)
                current = []
        current.append(char)
        previous = char
    words.append(current)
    merged = []
    for word in words:
        if word:
            word = merge_word(word)
            if word.text.strip():
                merged.append(word)
    return merged


def merge_word(chars: list[Char]) -> Word:
    first = chars[0]
    text = "".join([char.text for char in chars])
    if not _LIGATURE_CHARS.isdisjoint(text):
        text = "".join(LIGATURES.get(char.text, char.text) for char in chars)
    if len(chars) == 1:
        x0, top, x1, bottom = first.x0, first.top, first.x1, first.bottom
    else:
        x0 = min([char.x0 for char in chars])
        top = min([char.top for char in chars])
        x1 = max([char.x1 for char in chars])
        bottom = max([char.bottom for char in chars])
    return Word(
        text=text,
        x0=x0,
        top=top,
        x1=x1,
        bottom=bottom,
        size=float(first.size),
        bold=bool(BOLD_FONT.search(first.fontname)),
    )


def page_rulings(
    content: PageContent, settings: ExtractSettings
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal and vertical rules: edges of drawn lines and of thin rectangles (Word draws borders as both)
    long enough to be a rule; positions rounded to ``ruling_position_step``, after ``coordinate_resolution``
    (a border at 538.55 comes as 538.5500000000001 from one reader and 538.55 from another: both must round
    alike)."""
    digits = max(0, round(-math.log10(settings.ruling_position_step)))
    fine = max(0, round(-math.log10(settings.coordinate_resolution)))

    def position(value: float) -> float:
        return round(round(float(value), fine), digits)

    def unique(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
        # one rule per position and extent (ends to ``coordinate_resolution``), in the order of those: a line
        # drawn over a rectangle's side counts once, whichever float noise each reader leaves on its ends
        kept: dict[tuple[float, float, float], tuple[float, float, float]] = {}
        for rule in sorted(rules):
            kept.setdefault((rule[0], round(rule[1], fine), round(rule[2], fine)), rule)
        return [kept[key] for key in sorted(kept)]

    horizontal = [
        (position(y), float(x0), float(x1)) for y, x0, x1 in content.h_edges if x1 - x0 > settings.ruling_min_width
    ]
    vertical = [
        (position(x), float(top), float(bottom))
        for x, top, bottom in content.v_edges
        if bottom - top > settings.ruling_min_height
    ]
    return unique(horizontal), unique(vertical)


def words_to_lines(words: list[Word], page: int, settings: ExtractSettings = DEFAULT_SETTINGS) -> list[list[Word]]:
    """Cluster words into visual lines by vertical overlap; small raised words (superscripts) join their line."""
    if not words:
        return []
    body_size = median(word.size for word in words)
    small_size = settings.superscript_size_ratio * body_size
    normal = sorted((word for word in words if word.size >= small_size), key=lambda word: (word.top, word.x0))
    small = [word for word in words if word.size < small_size]
    lines: list[list[Word]] = []
    spans: list[list[float]] = []
    for word in normal:
        for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = spans[index]
            if top - settings.line_overlap_slack <= word.middle <= bottom + settings.line_overlap_slack:
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
                if top - word.size <= word.bottom
                and word.top <= bottom
                and any(abs(other.x1 - word.x0) < settings.touching_gap and other.top < word.bottom for other in line)
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
    return [
        glue_superscripts(line, settings) for line in sorted(lines, key=lambda line: min(word.top for word in line))
    ]


def glue_superscripts(words: list[Word], settings: ExtractSettings = DEFAULT_SETTINGS) -> list[Word]:
    """« 1 » followed by a raised « er » printed flush against it is the one word « 1er ». The word keeps the
    height of its body-size part: a superscript rises into the leading above its line, and a line's box is
    what the gaps between lines and rows are measured on (a raised « er » would narrow a row gap to an item
    gap)."""
    if len(words) < 2:
        return words
    body = max(word.size for word in words)
    glued: list[Word] = [words[0]]
    for word in words[1:]:
        previous = glued[-1]
        touching = word.x0 - previous.x1 < settings.touching_gap
        small = settings.superscript_size_ratio * body
        if touching and (word.size < small or previous.size < small):
            main = previous if previous.size >= word.size else word
            glued[-1] = Word(
                previous.text + word.text,
                previous.x0,
                main.top,
                word.x1,
                main.bottom,
                max(previous.size, word.size),
                previous.bold,
            )
        else:
            glued.append(word)
    return glued


def line_to_segments(words: list[Word], v_rulings, settings: ExtractSettings) -> list[Segment]:
    """The line's words cut where a vertical rule stands between two words (within a point of either) or
    where their gap is wider than a cell gap."""
    segments: list[Segment] = [Segment([words[0]])]
    rules = sorted(v_rulings)
    positions = [x for x, _, _ in rules]
    for word in words[1:]:
        previous = segments[-1].words[-1]
        gap = word.x0 - previous.x1
        middle = word.middle
        between = rules[bisect_left(positions, previous.x1 - 1) : bisect_right(positions, word.x0 + 1)]
        ruled = any(top <= middle <= bottom for _, top, bottom in between)
        if ruled or gap > settings.cell_gap_em * max(word.size, previous.size):
            segments.append(Segment([word]))
        else:
            segments[-1].words.append(word)
    return segments


def char_key(text: str, x0: float, top: float, fontname: str, size: float) -> tuple:
    """Characters printed twice at the same place (fake bold) share this key: exact positions to a tenth of a
    point suffice (pdfplumber's dedupe_chars does the same with tolerances, at a cost that dominated reading)."""
    return (text, round(x0, 1), round(top, 1), fontname, round(size, 1))


def unique_chars(chars: list[Char]) -> list[Char]:
    """The characters without those printed twice at the same place, in content order (the key of
    ``char_key``; the rounded top and size carried from the previous character where they are the same)."""
    seen: set[tuple] = set()
    unique = []
    top = size = rounded_top = rounded_size = None
    for char in chars:
        if char.top != top:
            top = char.top
            rounded_top = round(top, 1)
        if char.size != size:
            size = char.size
            rounded_size = round(size, 1)
        key = (char.text, round(char.x0, 1), rounded_top, char.fontname, rounded_size)
        if key not in seen:
            seen.add(key)
            unique.append(char)
    return unique


def dedupe_chars(page):
    """A pdfplumber page without the characters printed twice at the same place (the rule of ``unique_chars``)."""
    seen: set[tuple] = set()

    def first_time(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        key = char_key(obj["text"], obj["x0"], obj["top"], obj["fontname"], obj["size"])
        if key in seen:
            return False
        seen.add(key)
        return True

    return page.filter(first_time)


# Ink at least this light (luminance, 0 black … 1 white) does not show on a white page: a rule drawn in it
# is a border a tool hid by drawing it white, not a rule.
INVISIBLE_INK_LUMINANCE = 0.95


def visible_ink(stroked: bool, stroke_color, filled: bool, fill_color) -> bool:
    """Does a path show on the page: stroked or filled in ink darker than white?"""
    return (stroked and luminance(stroke_color) < INVISIBLE_INK_LUMINANCE) or (
        filled and luminance(fill_color) < INVISIBLE_INK_LUMINANCE
    )


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


def decoration_chars(chars: list[Char], settings: ExtractSettings) -> list[Char]:
    """Characters that are page decoration, not content: set at an angle (a diagonal watermark), or much
    larger than the page's body text and either light or printed over other text (a stamp)."""
    limit = settings.decoration_max_angle
    angle_of = per_matrix(chars, lambda matrix: abs(matrix_angle(matrix)))
    slanted = [angle > limit for angle in angle_of]
    upright = [char for char, angle in zip(chars, angle_of) if angle <= limit and not char.text.isspace()]
    if not upright:
        return [char for char, aslant in zip(chars, slanted) if aslant]
    body = median([float(char.size) for char in upright])
    large = settings.decoration_size_ratio * body
    body_chars = [char for char in upright if float(char.size) < large]

    def over_text(char) -> bool:
        return any(
            other.x0 < char.x1 and char.x0 < other.x1 and other.top < char.bottom and char.top < other.bottom
            for other in body_chars
        )

    decoration = []
    for char, aslant in zip(chars, slanted):
        if aslant:
            decoration.append(char)
        elif float(char.size) >= large and (
            luminance(char.fill) >= settings.decoration_min_luminance or over_text(char)
        ):
            decoration.append(char)
    return decoration


def page_to_layout(content: PageContent, settings: ExtractSettings) -> PageLayout:
    """The one path from what a reader found on a page to its layout, whichever reader ran."""
    chars = unique_chars(content.chars)
    dropped = decoration_chars(chars, settings)
    if dropped:
        ids = {id(char) for char in dropped}
        chars = [char for char in chars if id(char) not in ids]
    h_rulings, v_rulings = page_rulings(content, settings)
    layout = PageLayout(
        number=content.number,
        width=float(content.width),
        height=float(content.height),
        h_rulings=h_rulings,
        v_rulings=v_rulings,
        char_count=len(chars),
        image_count=content.image_count,
        decoration="".join(char.text for char in dropped),
    )
    for words in words_to_lines(chars_to_words(chars, settings), content.number, settings):
        layout.lines.append(Line(content.number, line_to_segments(words, v_rulings, settings)))
    return layout


_NUMBERS = re.compile(r"\d+")
_BEFORE, _OF = (escaped_alternation(labels()["page_number"][key]) for key in ("before", "of"))
# A page number in a furniture key (numbers as « # », lower case): « page # », « # sur # », « - # - ».
PAGE_NUMBER = re.compile(rf"(?:{_BEFORE}\s*)?#(?:\s*{_OF}\s*#)?|-\s*#\s*-")


def furniture_key(text: str) -> str:
    return _NUMBERS.sub("#", text.lower()).strip()


def drop_furniture(pages: list[PageLayout], settings: ExtractSettings) -> list[PageLayout]:
    """Remove running headers, footers and page numbers: lines in the top or bottom band of the page that
    are a bare page number, or that hold a piece of text repeated at the same height on many pages (the
    plan's title beside a chapter name that changes, a logo's lines)."""

    bodies: dict[int, tuple[float, float]] = {}

    def body_extent(page: PageLayout) -> tuple[float, float]:
        """The top of the page's body (its lines outside both bands) and its bottom, once per page."""
        if id(page) not in bodies:
            band = settings.furniture_band * page.height
            body = [(line.top, line.bottom) for line in page.lines]
            body = [(top, bottom) for top, bottom in body if band <= (top + bottom) / 2 <= page.height - band]
            bodies[id(page)] = (
                min((top for top, _ in body), default=page.height),
                max((bottom for _, bottom in body), default=0.0),
            )
        return bodies[id(page)]

    def in_band(line: Line, page: PageLayout) -> bool:
        """In the top or bottom band of the page, and set apart from the page's body by a clear gap: a table's
        first row at the top of a page runs on into the table below it."""
        band = settings.furniture_band * page.height
        top, bottom = line.top, line.bottom
        middle = (top + bottom) / 2
        if band <= middle <= page.height - band:
            return False
        height = bottom - top
        below, above = body_extent(page)
        if middle < band:
            return below - bottom > settings.furniture_min_gap * height
        return top - above > settings.furniture_min_gap * height

    def segment_key(segment: Segment) -> tuple[str, int]:
        return (furniture_key(segment.text), round(segment.top / settings.furniture_height_step))

    def keys(line: Line) -> set[tuple[str, int]]:
        return {segment_key(segment) for segment in line.segments}

    counts: dict[tuple[str, int], int] = {}
    for page in pages:
        for key in {key for line in page.lines if in_band(line, page) for key in keys(line)}:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(settings.furniture_min_pages, settings.furniture_share * len(pages))

    def furniture(line: Line, page: PageLayout) -> bool:
        if not in_band(line, page):
            return False
        if PAGE_NUMBER.fullmatch(furniture_key(line.text)):
            return True
        # A piece of text repeated at this height on many pages makes the line furniture (a running title
        # beside a chapter name that changes); a bullet or a dash repeating there says nothing.
        return any(
            counts.get(segment_key(segment), 0) >= threshold
            and sum(char.isalnum() for char in segment.text) >= settings.furniture_min_letters
            for segment in line.segments
        )

    for page in pages:
        page.lines = [line for line in page.lines if not furniture(line, page)]
    return pages
