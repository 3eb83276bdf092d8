"""The pdfium reader (pypdfium2): the default, several times faster than pdfminer for the same characters.

Characters come from pdfium's text page: each one's text object, code point, origin and loose box are read
for the whole page in one call to a small native helper (``pdfium_chars.c``, built by ``make setup``) that is
handed pdfium's functions; where the helper is not built, the same four calls per character go through direct
ctypes prototypes (the generic bindings check their argument types on every call), with the same result. Font,
size, matrix and colour are read once per text object. Boxes are computed as pdfminer computes them, so that
both readers give the same layout: x0..x1 is the glyph's advance from its origin, top..bottom the em square
set on the font's descent (the FontDescriptor's value pdfminer reads, from the file: ``FontDescents``),
both through the character's text matrix. pdfium's own boxes are not used as such: its tight box is the
glyph outline (an « e » is shorter than an « l »), and its loose box is set on ascent and descent
normalised to the font size, which puts it up to a few points off pdfminer's on fonts whose descriptor
gives odd metrics (the reconstruction's Carlito says ascent 141, descent 0).

pdfium gives one character per Unicode code point: a ligature glyph mapped to « ti » comes as « t » and
« i » with the same origin and advance; they are joined back into one character, as pdfminer has it.
Characters pdfium adds itself (spaces and line breaks it infers) have no text object and are skipped:
pdfminer has no such characters, and words are cut by geometry.

Edges come from path objects (forms included, with their matrices), split into subpaths and classified as
pdfminer does: two points a line, five points in a closed axis-aligned loop a rectangle, anything else a
curve whose straight pieces count.

pdfium repairs damaged files silently; ``xref_damage`` checks the cross-reference table first, so that a
file with missing objects is refused as pdfminer refuses it.
"""

from __future__ import annotations

import ctypes
import re
import struct
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from extract.errors import InputError
from extract.layout import Char, PageContent, visible_ink
from extract.readers import PageReader

# pdfium reports a hyphen it takes for a line-end hyphenation as U+0002; the PDF prints « - ».
PDFIUM_HYPHEN, HYPHEN = 0x2, "-"
# pdfium computes in single precision: a width is taken as the glyph's when it ends within this many points of
# pdfium's loose box (float32 rounding on page coordinates is below 1e-4 pt).
ADVANCE_SLACK = 0.01
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
# A character's origin (x, y as doubles) then its loose box (FS_RECTF: left, top, right, bottom as floats), as
# pdfium writes them into one buffer.
_POSITION = struct.Struct("=2d4f")
# One character as the native helper writes it (``char_record`` in pdfium_chars.c): text object (0 for a
# character pdfium inferred), origin, loose box, code point. Both ways of reading give records of this shape.
_RECORD = struct.Struct("=Q2d4fI4x")
_INFERRED = (0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0)
# The native helper, built next to its source by `make setup` (not part of the repository).
NATIVE_CHARS = Path(__file__).with_name("pdfium_chars.so")


def _prototype(function, restype, *argtypes):
    """A ctypes prototype at the same address as a pypdfium2 binding, with plain argument types."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


def load_native_chars(path: Path = NATIVE_CHARS):
    """The native helper's ``read_chars``, or None where the library is absent, cannot be loaded or writes
    records of another size (built from another version of its source)."""
    vp, i = ctypes.c_void_p, ctypes.c_int
    try:
        library = ctypes.CDLL(str(path))
        record_size, read_chars = library.record_size, library.read_chars
    except (OSError, AttributeError):
        return None
    record_size.restype, record_size.argtypes = i, ()
    if record_size() != _RECORD.size:
        return None
    read_chars.restype, read_chars.argtypes = i, (vp, i, vp, vp, vp, vp, vp)
    return read_chars


class _Api:
    """The few pdfium functions read per character, as direct prototypes (built once per process)."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        vp, i = ctypes.c_void_p, ctypes.c_int
        self.raw = raw
        self.count_chars = _prototype(raw.FPDFText_CountChars, i, vp)
        self.unicode = _prototype(raw.FPDFText_GetUnicode, ctypes.c_uint, vp, i)
        self.text_object = _prototype(raw.FPDFText_GetTextObject, vp, vp, i)
        self.origin = _prototype(raw.FPDFText_GetCharOrigin, i, vp, i, vp, vp)
        self.loose_box = _prototype(raw.FPDFText_GetLooseCharBox, i, vp, i, vp)
        self.matrix = _prototype(raw.FPDFText_GetMatrix, i, vp, i, vp)
        self.font = _prototype(raw.FPDFTextObj_GetFont, vp, vp)
        self.font_size = _prototype(raw.FPDFTextObj_GetFontSize, i, vp, vp)
        self.glyph_width = _prototype(raw.FPDFFont_GetGlyphWidth, i, vp, ctypes.c_uint, ctypes.c_float, vp)
        self.base_name = _prototype(raw.FPDFFont_GetBaseFontName, ctypes.c_size_t, vp, vp, ctypes.c_size_t)
        self.fill = _prototype(raw.FPDFPageObj_GetFillColor, i, vp, vp, vp, vp, vp)
        self.stroke = _prototype(raw.FPDFPageObj_GetStrokeColor, i, vp, vp, vp, vp, vp)
        self.draw_mode = _prototype(raw.FPDFPath_GetDrawMode, i, vp, vp, vp)
        self.object_type = _prototype(raw.FPDFPageObj_GetType, i, vp)
        self.object_matrix = _prototype(raw.FPDFPageObj_GetMatrix, i, vp, vp)
        self.page_objects = _prototype(raw.FPDFPage_CountObjects, i, vp)
        self.page_object = _prototype(raw.FPDFPage_GetObject, vp, vp, i)
        self.form_objects = _prototype(raw.FPDFFormObj_CountObjects, i, vp)
        self.form_object = _prototype(raw.FPDFFormObj_GetObject, vp, vp, ctypes.c_ulong)
        self.segments = _prototype(raw.FPDFPath_CountSegments, i, vp)
        self.segment = _prototype(raw.FPDFPath_GetPathSegment, vp, vp, i)
        self.segment_point = _prototype(raw.FPDFPathSegment_GetPoint, i, vp, vp, vp)
        self.segment_type = _prototype(raw.FPDFPathSegment_GetType, i, vp)
        self.segment_close = _prototype(raw.FPDFPathSegment_GetClose, i, vp)
        # the native helper and the addresses of the four functions it calls per character, in its order
        self.read_chars = load_native_chars()
        self.char_functions = tuple(
            ctypes.cast(function, vp).value
            for function in (
                raw.FPDFText_GetTextObject,
                raw.FPDFText_GetUnicode,
                raw.FPDFText_GetCharOrigin,
                raw.FPDFText_GetLooseCharBox,
            )
        )


_API: _Api | None = None


def api() -> _Api:
    global _API
    if _API is None:
        _API = _Api()
    return _API


def page_matrix(mediabox: tuple[float, float, float, float], rotation: int) -> tuple[float, ...]:
    """User space → pdfplumber's page space, y still upwards (pdfminer's ``process_page``: the mediabox origin
    moved to 0, the page's /Rotate applied)."""
    x0, y0, x1, y1 = mediabox
    a, b, c, d, e, f = {
        90: (0, -1, 1, 0, -y0, x1),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, 1, -1, 0, y1, -x0),
    }.get(rotation, (1, 0, 0, 1, -x0, -y0))
    # pdfplumber then moves x back by the (normalised) mediabox's left edge
    return (a, b, c, d, e + (y0 if rotation in (90, 270) else x0), f)


def decimal(value: float) -> float:
    """A single-precision value as the decimal the PDF wrote (7 significant digits, all float32 holds): the
    same double pdfminer parses, so that rules rounded to a tenth of a point round alike in both readers."""
    return float(f"{value:.7g}")


def multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m then n, both as (a, b, c, d, e, f)."""
    a0, b0, c0, d0, e0, f0 = m
    a1, b1, c1, d1, e1, f1 = n
    return (a0 * a1 + b0 * c1, a0 * b1 + b0 * d1, c0 * a1 + d0 * c1, c0 * b1 + d0 * d1,
            e0 * a1 + f0 * c1 + e1, e0 * b1 + f0 * d1 + f1)  # fmt: skip


class PdfiumReader(PageReader):
    name = "pdfium"
    checks_structure = True

    def open(self) -> None:
        import pypdfium2 as pdfium

        path = self.path
        data = path.read_bytes()
        damage = xref_damage(data)
        if damage:
            raise InputError(f"{path}: damaged PDF ({damage})")
        try:
            self.document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as error:
            if "password" in str(error).lower():
                raise InputError(f"{path}: encrypted PDF, cannot be read without its password") from None
            raise InputError(f"{path}: damaged or truncated PDF ({error})") from None
        self.api = api()
        self.fonts: dict[int, tuple[str, float]] = {}
        self.descents = FontDescents(data)

    def page_count(self) -> int:
        return len(self.document)

    def close(self) -> None:
        self.document.close()

    def read_page(self, number: int) -> PageContent:
        try:
            page = self.document[number - 1]
        except Exception as error:
            raise InputError(f"{self.path}: page {number} cannot be read ({type(error).__name__}: {error})") from None
        try:
            raw = self.api.raw
            box = page.get_mediabox()
            rotation = page.get_rotation()
            width, height = (
                (box[3] - box[1], box[2] - box[0]) if rotation in (90, 270) else (box[2] - box[0], box[3] - box[1])
            )
            to_page = page_matrix(box, rotation)
            textpage = page.get_textpage()
            try:
                chars = self.page_chars(textpage.raw, to_page, height)
            finally:
                textpage.close()
            horizontal, vertical, images = self.page_edges(page.raw, to_page, height, raw)
            return PageContent(number, float(width), float(height), chars, horizontal, vertical, images)
        finally:
            page.close()

    def page_chars(self, textpage, to_page: tuple[float, ...], height: float) -> list[Char]:
        """The characters of a text page (pypdfium2's raw handle), in page space ``to_page`` of ``height``."""
        # the handle as a plain pointer: ctypes converts it for each call at the least cost
        text_page = ctypes.cast(textpage, ctypes.c_void_p).value
        count = self.api.count_chars(text_page)
        return self.records_to_chars(text_page, self.char_records(text_page, count), to_page, height)

    def char_records(self, text_page: int, count: int) -> Iterable[tuple]:
        """(text object, x, y, left, top, right, bottom, code point) of each character of the text page: its
        origin and loose box in pdfium's page space; a character pdfium inferred is all zeros."""
        if self.api.read_chars is not None and count > 0:
            return self.native_char_records(text_page, count)
        return self.ctypes_char_records(text_page, count)

    def native_char_records(self, text_page: int, count: int) -> Iterable[tuple]:
        """The records written by the native helper for the whole page in one call, unpacked at once."""
        api = self.api
        buffer = bytearray(count * _RECORD.size)
        api.read_chars(text_page, count, *api.char_functions, (ctypes.c_char * len(buffer)).from_buffer(buffer))
        return _RECORD.iter_unpack(buffer)

    def ctypes_char_records(self, text_page: int, count: int) -> list[tuple]:
        """The same records read character by character: four ctypes calls each."""
        api = self.api
        text_object, unicode, origin, loose_box = api.text_object, api.unicode, api.origin, api.loose_box
        # one buffer for a character's origin (two doubles) and loose box (FS_RECTF: left, top, right, bottom as
        # floats), read back in one unpack
        buffer = ctypes.create_string_buffer(_POSITION.size)
        address = ctypes.addressof(buffer)
        origin_x, origin_y, box = (ctypes.c_void_p(address + offset) for offset in (0, 8, 16))
        read = _POSITION.unpack_from
        records: list[tuple] = []
        append = records.append
        for index in range(count):
            obj = text_object(text_page, index)
            if not obj:
                append(_INFERRED)  # a space or line break pdfium inferred
                continue
            code = unicode(text_page, index)
            origin(text_page, index, origin_x, origin_y)
            loose_box(text_page, index, box)
            append((obj, *read(buffer), code))
        return records

    def records_to_chars(
        self, text_page: int, records: Iterable[tuple], to_page: tuple[float, ...], height: float
    ) -> list[Char]:
        """The page's characters from its records: ligatures joined, boxes computed as pdfminer computes them."""
        api = self.api
        objects: dict[int, tuple] = {}
        widths: dict[tuple[int, int], float] = {}
        width = ctypes.c_float()
        width_ref = ctypes.byref(width)
        chars: list[Char] = []
        append = chars.append
        pa, pb, pc, pd, pe, pf = to_page
        identity = to_page == (1, 0, 0, 1, 0, 0)
        normalize = unicodedata.normalize
        # the object and the record of the previous character, to join a ligature's code points
        last_object, last_record = None, None
        for index, record in enumerate(records):
            obj, x, y, left, top, right, bottom, code = record
            if not obj:
                last_object = None
                continue  # a space or line break pdfium inferred
            if obj == last_object and record[:7] == last_record[:7]:
                # the next code point of one glyph (a ligature « ti »), at the same origin with the same box:
                # pdfminer has one character « ti »
                previous = chars[-1]
                previous.text = normalize("NFC", previous.text + chr(code))
                if identity and previous.matrix[1] == previous.matrix[2] == 0 and previous.matrix[0] > 0:
                    previous.x1 = right  # the width found was its first letter's: the ligature's box is kept
                continue
            last_object, last_record = obj, record
            properties = objects.get(obj)
            if properties is None:
                properties = objects[obj] = self.object_properties(text_page, index, obj, to_page)
            font, fontname, size, descent, (a, b, c, d), fill = properties
            if code == PDFIUM_HYPHEN:
                code = ord(HYPHEN)
            text = chr(code)
            if not text.isascii():
                text = normalize("NFC", text)
            # the advance (text space): the font's width for the character, as pdfminer reads it; pdfium's
            # loose box is the union of that advance and the glyph's outline, so a width that would end beyond
            # it is not this glyph's (a code point the font maps from several codes): the loose box is kept
            key = (font, code)
            advance = widths.get(key)
            if advance is None:
                advance = widths[key] = (
                    width.value if api.glyph_width(font, code, ctypes.c_float(1.0), width_ref) else -1.0
                )
            advance *= size
            empty = right == left and top == bottom  # a space: no outline, no loose box
            if a and not empty and (advance < 0 or abs(a * advance) > abs(right - x) + ADVANCE_SLACK):
                advance = (right - x) / a
            elif not a and advance < 0:
                advance = size  # a quarter-turned glyph with no width known: decoration, dropped by angle
            low = descent * size / 1000
            high = low + size
            if not identity:
                x, y = pa * x + pc * y + pe, pb * x + pd * y + pf
            if b == 0 and c == 0:
                x0, x1 = (x, x + a * advance) if a >= 0 else (x + a * advance, x)
                y0, y1 = (y + d * low, y + d * high) if d >= 0 else (y + d * high, y + d * low)
            else:
                xs = (x + c * low, x + a * advance + c * low, x + c * high, x + a * advance + c * high)
                ys = (y + d * low, y + b * advance + d * low, y + d * high, y + b * advance + d * high)
                x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            append(Char(text, x0, height - y1, x1, height - y0, y1 - y0, fontname, fill, (a, b, c, d)))
        return chars

    def object_properties(self, textpage, index: int, obj: int, to_page: tuple[float, ...]) -> tuple:
        """(font handle, font name, font size, font descent per 1000, text matrix (a, b, c, d) on the page, fill
        colour) of a text object, read at its first character."""
        api = self.api
        font = api.font(obj)
        if font not in self.fonts:
            buffer = ctypes.create_string_buffer(256)
            length = api.base_name(font, buffer, 256) if font else 0
            name = SUBSET_TAG.sub("", buffer.raw[: max(0, length - 1)].decode("latin-1")) if length else ""
            self.fonts[font] = (name, self.descents.descent(name))
        name, descent = self.fonts[font]
        size = ctypes.c_float()
        api.font_size(obj, ctypes.byref(size))
        matrix = self.api.raw.FS_MATRIX()
        api.matrix(textpage, index, ctypes.byref(matrix))
        a, b, c, d, *_ = multiply((matrix.a, matrix.b, matrix.c, matrix.d, 0, 0), (*to_page[:4], 0, 0))
        red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
        fill: tuple = ()
        if api.fill(obj, *(ctypes.byref(value) for value in (red, green, blue, alpha))):
            fill = (red.value / 255, green.value / 255, blue.value / 255)
        return font, name, float(size.value), descent, (a, b, c, d), fill

    def path_visible(self, obj) -> bool:
        """Is the path stroked or filled in ink that shows (not white)?"""
        api = self.api
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        if not api.draw_mode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
            return True
        colors = []
        for getter in (api.stroke, api.fill):
            red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
            ok = getter(obj, *(ctypes.byref(value) for value in (red, green, blue, alpha)))
            colors.append((red.value / 255, green.value / 255, blue.value / 255) if ok else ())
        return visible_ink(bool(stroke.value), colors[0], fill_mode.value != 0, colors[1])

    def page_edges(self, page, to_page: tuple[float, ...], height: float, raw) -> tuple[list, list, int]:
        """Horizontal and vertical edges of every path on the page (forms included), and the image count."""
        api = self.api
        horizontal: list[tuple[float, float, float]] = []
        vertical: list[tuple[float, float, float]] = []
        images = 0
        matrix = raw.FS_MATRIX()
        point_x, point_y = ctypes.c_float(), ctypes.c_float()
        px_ref, py_ref = ctypes.byref(point_x), ctypes.byref(point_y)
        stack = [(api.page_object(page, index), to_page) for index in reversed(range(api.page_objects(page)))]
        while stack:
            obj, outer = stack.pop()
            kind = api.object_type(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
                continue
            if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
                continue
            api.object_matrix(obj, ctypes.byref(matrix))
            own = tuple(map(decimal, (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)))
            full = multiply(own, outer)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                stack += [(api.form_object(obj, index), full) for index in reversed(range(api.form_objects(obj)))]
                continue
            if not self.path_visible(obj):
                continue
            a, b, c, d, e, f = full
            shape, points = [], []
            for index in range(api.segments(obj)):
                segment = api.segment(obj, index)
                api.segment_point(segment, px_ref, py_ref)
                x, y = decimal(point_x.value), decimal(point_y.value)
                point = (a * x + c * y + e, height - (b * x + d * y + f))
                kind_of = api.segment_type(segment)
                if kind_of == raw.FPDF_SEGMENT_MOVETO:
                    shape.append("m")
                    points.append(point)
                elif kind_of == raw.FPDF_SEGMENT_LINETO:
                    shape.append("l")
                    points.append(point)
                else:  # a Bézier curve: three points, its end the one that counts
                    shape.append("c")
                    points.append(point)
                if api.segment_close(segment):
                    shape.append("h")
                    points.append(None)
            for edge in path_edges(shape, points):
                (x0, y0), (x1, y1) = edge
                if y0 == y1:
                    horizontal.append((y0, min(x0, x1), max(x0, x1)))
                elif x0 == x1:
                    vertical.append((x0, min(y0, y1), max(y0, y1)))
        return horizontal, vertical, images


def path_edges(shape: list[str], points: list) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight pieces pdfplumber's ``edges`` gives for a path, as point pairs: per subpath, a line's two
    points, a rectangle's four sides, a curve's consecutive points (Bézier control points left out)."""
    edges = []
    # pdfium gives a Bézier as three points each marked as a curve segment; pdfminer keeps its end point only
    cleaned_shape, cleaned_points, pending = [], [], 0
    for op, point in zip(shape, points):
        if op == "c":
            pending += 1
            if pending % 3:
                continue
        else:
            pending = 0
        cleaned_shape.append(op)
        cleaned_points.append(point)
    start = None
    subpaths: list[tuple[list[str], list]] = []
    for op, point in zip(cleaned_shape, cleaned_points):
        if op == "m":
            subpaths.append((["m"], [point]))
            start = point
        elif subpaths:
            subpaths[-1][0].append(op)
            subpaths[-1][1].append(start if op == "h" else point)
    for ops, pts in subpaths:
        text = "".join(ops)
        if len(text) > 3 and text[-2:] == "lh" and pts[-2] == pts[0]:
            text = text[:-2] + "h"
            pts = pts[:-2] + pts[-1:]
        if text in ("ml", "mlh"):
            edges.append((pts[0], pts[1]))
        elif text in ("mlllh", "mllll") and pts[0] == pts[4] and is_axis_rectangle(pts):
            xs, ys = [p[0] for p in pts[:4]], [p[1] for p in pts[:4]]
            x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
            edges += [
                ((x0, top), (x1, top)),
                ((x0, bottom), (x1, bottom)),
                ((x0, top), (x0, bottom)),
                ((x1, top), (x1, bottom)),
            ]
        elif len(pts) > 1:
            edges += list(zip(pts, pts[1:]))
    return edges


def is_axis_rectangle(pts: list) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)


_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_OBJECT_AT = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")


def xref_damage(data: bytes) -> str:
    """The first object a classic cross-reference table lists that is nowhere in the file, or ''. pdfium
    rebuilds a broken table silently and reads on without the missing objects; pdfminer reports them. A table
    whose offsets are merely wrong while every object is present (common in sound files) is not damage.
    Files with cross-reference streams are left to pdfium."""
    found = data.rfind(b"startxref")
    if found < 0:
        return "no startxref: truncated"
    match = re.match(rb"startxref\s+(\d+)", data[found:])
    if not match:
        return "no startxref: truncated"
    offset, seen, missing_offsets = int(match.group(1)), set(), []
    while offset and offset not in seen and offset < len(data):
        seen.add(offset)
        if not data.startswith(b"xref", offset):
            return ""  # a cross-reference stream, or an offset pdfium will recover from by scanning
        position = offset + 4
        while True:
            header = re.match(rb"\s*(\d+)\s+(\d+)\s*", data[position : position + 40])
            if not header:
                break
            first, count = int(header.group(1)), int(header.group(2))
            position += header.end()
            for number in range(first, first + count):
                entry = _XREF_ENTRY.match(data, position)
                if not entry:
                    return f"cross-reference entry of object {number} unreadable"
                position = entry.end()
                while position < len(data) and data[position : position + 1] in b" \r\n":
                    position += 1
                if entry.group(3) == b"n":
                    at = _OBJECT_AT.match(data, int(entry.group(1)))
                    if not (at and int(at.group(1)) == number):
                        missing_offsets.append(number)
        trailer = re.search(rb"/Prev\s+(\d+)", data[position : position + 2000].split(b"startxref")[0])
        offset = int(trailer.group(1)) if trailer else 0
    if missing_offsets:
        present = {int(number) for number in re.findall(rb"(?<![\d])(\d+)\s+\d+\s+obj\b", data)}
        absent = [number for number in missing_offsets if number not in present]
        if absent:
            return f"object {absent[0]} not found"
    return ""


_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm")
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)")
_DESCENT = re.compile(rb"/Descent\s+(-?[\d.]+)(\s+\d+\s+R)?")


class FontDescents:
    """The Descent of each font's FontDescriptor, by font name without subset tag: pdfminer sets a character's
    box on it, and pdfium's own descent (``FPDFFont_GetDescent``) is a different value where the descriptor
    says 0. Read from the file's bytes (and its object streams); a font with no descriptor is one of the
    standard 14, whose metrics pdfminer takes from its AFM table."""

    def __init__(self, data: bytes) -> None:
        self.by_name: dict[str, float] = {}
        for chunk in [data, *object_streams(data)]:
            for match in _DESCRIPTOR.finditer(chunk):
                start = chunk.rfind(b"<<", 0, match.start())
                end = chunk.find(b">>", match.end())
                dictionary = chunk[start:end]
                name, descent = _FONT_NAME.search(dictionary), _DESCENT.search(dictionary)
                if name:
                    value = float(descent.group(1)) if descent and not descent.group(2) else 0.0
                    self.by_name.setdefault(SUBSET_TAG.sub("", decode_name(name.group(1))), -abs(value))

    def descent(self, name: str) -> float:
        if name in self.by_name:
            return self.by_name[name]
        from pdfminer.fontmetrics import FONT_METRICS  # the standard 14 fonts, as pdfminer knows them

        metrics = FONT_METRICS.get(name)
        return -abs(float(metrics[0].get("Descent", 0))) if metrics else 0.0


def decode_name(raw: bytes) -> str:
    """A PDF name's bytes with #xx escapes decoded."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda match: bytes([int(match.group(1), 16)]), raw).decode("latin-1")


def object_streams(data: bytes) -> list[bytes]:
    """The decompressed content of the file's object streams (where PDF 1.5 writers put font descriptors)."""
    import zlib

    streams = []
    for match in _OBJECT_STREAM.finditer(data):
        start = data.find(b"stream", match.end())
        if start < 0:
            continue
        start += len(b"stream")
        start += 2 if data[start : start + 2] == b"\r\n" else 1
        end = data.find(b"endstream", start)
        try:
            streams.append(zlib.decompressobj().decompress(data[start:end]))
        except zlib.error:
            continue
    return streams
