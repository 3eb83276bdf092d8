"""Whether a page is drawn from whole objects.

A compressed stream damaged in its middle, or cut short, is decoded by the readers up to the damage and read
without a word: the page gives part of its text, and the cards it held after that point are gone. zlib says
where such a stream ends badly (a corrupt block, a wrong checksum, data cut short); this module finds the
streams each page is drawn from and asks it: its content streams, the ``ToUnicode`` maps and programs of its
fonts, its forms (and theirs). A damaged content stream, map or form makes the page unreadable; a damaged
font program may cost no character (the characters come from the map), so ``extract.pdf`` then compares the
reader's characters with pdfminer's (``ContentStreams.characters``).

The page dictionaries are checked as well, where a damaged byte makes the readers see different pages: a
dictionary that does not close where its object ends, a page lacking its content or resources while it holds
a key no page has (« /Contdnts »), one page object listed twice in the tree, one content stream drawn by two
pages.

Pages are found as pdfium finds them, so that page numbers agree with the reader's: the page tree is walked
from the catalogue, each node read on its own (a damaged node costs its own page, not its neighbours'), and
a node without ``/Kids`` is a page. When the walk does not find as many pages as the reader, which page is
which is not known: ``page_tree_damage`` says so, and the build refuses the file.

Objects are read through pdfminer (cross-reference tables and streams, object streams, decryption), once per
process; a stream shared by pages (a font) is checked once.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

# A page tree nested deeper than this is a loop or damage, not a document.
MAX_TREE_DEPTH = 64
# An object on its own in the file: its number, and what lies between « obj » and « endobj ».
OBJECT = re.compile(rb"\s*(\d+)\s+\d+\s+obj\b(.*)endobj", re.S)


@dataclass(frozen=True)
class Damage:
    cause: str
    certain: bool = True  # False: the reader's text may be whole all the same (a damaged font program)


@dataclass
class PageNode:
    """A page's dictionary and the resources it inherits, or why its node cannot be read."""

    page: dict | None
    resources: Any = None
    cause: str | None = None
    objid: int | None = None


def first_line(error: BaseException) -> str:
    """The error's kind and the start of its message (pdfminer's quote whole objects after a colon)."""
    text = str(error).strip().split(":")[0].splitlines()
    return f"{type(error).__name__}: {text[0][:80]}" if text and text[0] else type(error).__name__


def decode_damage(data: bytes) -> str | None:
    """Why zlib-compressed ``data`` does not decode whole, or None."""
    decoder = zlib.decompressobj()
    try:
        decoder.decompress(data)
    except zlib.error as error:
        return str(error).split(": ", 1)[-1]
    if not decoder.eof:
        return "compressed data cut short"
    return None


def stream_damage(stream: Any) -> str | None:
    """Why one stream does not decode whole, or None. Flate data is checked, after the ASCII encodings that
    may wrap it (reportlab writes ASCII85 over Flate); a stream with other filters is not."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import LITERALS_ASCII85_DECODE, LITERALS_ASCIIHEX_DECODE, LITERALS_FLATE_DECODE, resolve1

    try:
        filters = [resolve1(name) for name, _ in stream.get_filters()]
    except Exception as error:
        return f"filters unreadable ({first_line(error)})"
    data = stream.rawdata if stream.rawdata is not None else b""
    if filters and stream.decipher and stream.objid is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name in filters:
        if name in LITERALS_FLATE_DECODE:
            return decode_damage(data)
        try:
            if name in LITERALS_ASCII85_DECODE:
                data = ascii85decode(data)
            elif name in LITERALS_ASCIIHEX_DECODE:
                data = asciihexdecode(data)
            else:
                return None
        except Exception as error:
            return f"{name_of(name)} data unreadable ({first_line(error)})"
    return None


# The keys of a page dictionary (ISO 32000-2, table 31).
PAGE_KEYS = frozenset(
    "Type Parent LastModified Resources MediaBox CropBox BleedBox TrimBox ArtBox BoxColorInfo Contents Rotate "
    "Group Thumb B Dur Trans Annots AA Metadata PieceInfo StructParents ID PZ SeparationInfo Tabs "
    "TemplateInstantiated PresSteps UserUnit VP AF OutputIntents DPart".split()
)


def keys_damage(page: dict, resources: Any) -> str | None:
    """A page dictionary lacking its content or its resources while it holds a key no page has (« /Contdnts »):
    a damaged key, and the page drawn without what it named; None otherwise (a blank page has no content)."""
    unknown = sorted(str(key) for key in page if key not in PAGE_KEYS)
    missing = [key for key, value in (("Contents", page.get("Contents")), ("Resources", resources)) if value is None]
    if unknown and missing:
        return f"page object damaged (no /{missing[0]}, and an unknown key /{unknown[0]})"
    return None


def name_of(value: Any) -> str:
    return str(getattr(value, "name", value))


class ContentStreams:
    """The streams each page of one PDF is drawn from, in the reader's page order: its content streams, and
    those of the fonts and forms its resources name (a damaged font program or ``ToUnicode`` map loses
    characters as silently as a damaged content stream)."""

    def __init__(self, path: str, page_count: int) -> None:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        self.handle = open(path, "rb")  # noqa: SIM115 (open as long as the document is read)
        self.data = self.handle.read()
        self.handle.seek(0)
        self.document = PDFDocument(PDFParser(self.handle))
        self.pages = self.walk(self.document.catalog.get("Pages"))
        self.agrees = len(self.pages) == page_count
        self.checked: dict[int, Damage | None] = {}  # causes by object number: fonts are shared by pages

    def close(self) -> None:
        self.handle.close()

    def walk(self, root: Any) -> list[PageNode]:
        from pdfminer.pdftypes import PDFObjRef, resolve1

        pages: list[PageNode] = []
        visited: set[int] = set()  # the nodes with kids: a loop is walked once

        def visit(reference: Any, resources: Any, depth: int) -> None:
            objid = reference.objid if isinstance(reference, PDFObjRef) else None
            try:
                node = resolve1(reference)
            except Exception as error:  # a node pdfminer cannot parse: one page, unreadable
                pages.append(PageNode(None, None, f"page object damaged ({first_line(error)})", objid))
                return
            if not isinstance(node, dict):
                pages.append(PageNode(None, None, "page object damaged (not a dictionary)", objid))
                return
            resources = node.get("Resources", resources)
            if "Kids" not in node:
                cause = self.dictionary_damage(objid) or keys_damage(node, resources)
                pages.append(PageNode(node, resources, cause, objid))
                return
            if objid in visited or depth >= MAX_TREE_DEPTH:
                return
            if objid is not None:
                visited.add(objid)
            try:
                kids = resolve1(node["Kids"])
            except Exception:
                return
            for kid in kids if isinstance(kids, list) else []:
                visit(kid, resources, depth + 1)

        if root is not None:
            visit(root, None, 0)
        # one page object listed twice: the reader shows it twice, and the page it replaces is lost
        numbers: dict[int, list[int]] = {}
        for number, page in enumerate(pages, 1):
            if page.objid is not None:
                numbers.setdefault(page.objid, []).append(number)
        for same in numbers.values():
            for number in same if len(same) > 1 else []:
                others = ", ".join(str(other) for other in same if other != number)
                pages[number - 1].cause = f"page tree damaged: page {number} is the same page object as page {others}"
        # one content stream drawn by two pages: a damaged reference, and the page it stood for is lost
        streams: dict[int, list[int]] = {}
        for number, page in enumerate(pages, 1):
            contents = page.page.get("Contents") if page.page else None
            for reference in contents if isinstance(contents, list) else [contents]:
                if isinstance(reference, PDFObjRef):
                    streams.setdefault(reference.objid, []).append(number)
        for objid, same in streams.items():
            for number in sorted(set(same)) if len(set(same)) > 1 else []:
                others = ", ".join(str(other) for other in sorted(set(same)) if other != number)
                pages[number - 1].cause = pages[number - 1].cause or (
                    f"page object damaged: page {number} draws the content stream of page {others} (object {objid})"
                )
        return pages

    def dictionary_damage(self, objid: int | None) -> str | None:
        """Why a page object's dictionary does not end where the object ends (a damaged delimiter: pdfminer
        reads on to ``endobj``, pdfium stops, and the two see different pages), or None; None also where
        the object cannot be found at its cross-reference offset (stored in an object stream, or offsets
        that are merely off)."""
        offset = self.offset(objid)
        if offset is None:
            return None
        end = self.data.find(b"endobj", offset)
        found = OBJECT.match(self.data, offset, end + len(b"endobj")) if end > 0 else None
        if not found or int(found.group(1)) != objid:
            return None
        body = found.group(2)
        closed = body.rstrip().endswith(b">>")
        balanced = b"(" in body or body.count(b"<<") == body.count(b">>")
        return None if closed and balanced else "page object damaged (its dictionary is not closed)"

    def offset(self, objid: int | None) -> int | None:
        """Where object ``objid`` starts in the file, by the cross-reference; None if not stored on its own."""
        for xref in self.document.xrefs if objid is not None else []:
            try:
                stream, position, _ = xref.get_pos(objid)
            except Exception:
                continue
            return position if stream is None else None
        return None

    def characters(self, number: int) -> tuple[Counter[str], float] | None:
        """The characters pdfminer reads on page ``number`` (spaces aside, NFC as the readers give them) and the
        sum of their advances (points), or None when it cannot. pdfminer takes a character from its font's ``ToUnicode`` map or encoding, not
        from the font program: a second reading for the pages whose font program is damaged."""
        from pdfminer.converter import PDFPageAggregator
        from pdfminer.layout import LTChar, LTContainer
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage

        node = self.pages[number - 1] if self.agrees and 1 <= number <= len(self.pages) else None
        if node is None or node.page is None:
            return None
        attributes = dict(node.page)
        attributes.setdefault("Resources", node.resources)
        manager = PDFResourceManager(caching=True)
        device = PDFPageAggregator(manager, laparams=None)
        try:
            PDFPageInterpreter(manager, device).process_page(PDFPage(self.document, node.objid, attributes, None))
        except Exception:
            return None
        found: Counter[str] = Counter()
        advance = 0.0
        stack = [device.get_result()]
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                text = unicodedata.normalize("NFC", item.get_text())
                if text and not text.isspace():
                    found[text] += 1
                    advance += abs(item.x1 - item.x0)
            elif isinstance(item, LTContainer):
                stack.extend(item)
        return found, advance

    def damage(self, number: int) -> Damage | None:
        """Why page ``number`` (1-based) is not drawn from whole streams, or None (also when it cannot be
        told: the page tree does not match the reader's pages). A damage that takes text away for certain
        comes before one that may not."""
        if not self.agrees or not 1 <= number <= len(self.pages):
            return None
        node = self.pages[number - 1]
        if node.cause or node.page is None:
            return Damage(node.cause or "page object damaged")
        content = self.content_damage(node.page)
        if content:
            return Damage(content)
        found = list(self.resources_damage(node.resources, 0))
        return next((damage for damage in found if damage.certain), found[0] if found else None)

    def content_damage(self, page: dict) -> str | None:
        from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

        try:
            contents = resolve1(page.get("Contents"))
            references = contents if isinstance(contents, list) else [] if contents is None else [contents]
            streams = [resolve1(reference) for reference in references]
        except Exception as error:
            return f"content stream damaged ({first_line(error)})"
        for reference, stream in zip(references, streams, strict=True):
            if stream is None and not isinstance(reference, PDFObjRef):
                continue  # null: nothing to draw
            if not isinstance(stream, PDFStream):
                where = f"object {reference.objid}" if isinstance(reference, PDFObjRef) else "its /Contents"
                return f"content stream damaged ({where} is not a stream)"
            cause = stream_damage(stream)
            if cause:
                return f"content stream damaged: {cause} (object {stream.objid})"
        return None

    def resources_damage(self, resources: Any, depth: int) -> Iterator[Damage]:
        """The damaged fonts and forms among the resources (the forms' own resources included)."""
        from pdfminer.pdftypes import PDFStream, resolve1

        try:
            resources = resolve1(resources)
            fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
            forms = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
        except Exception as error:
            yield Damage(f"page resources damaged ({first_line(error)})")
            return
        for name, reference in fonts.items() if isinstance(fonts, dict) else []:
            damage = self.shared(reference, self.font_damage)
            if damage:
                yield Damage(f"font {name_of(name)} damaged: {damage.cause}", damage.certain)
        for name, reference in forms.items() if isinstance(forms, dict) else []:
            try:
                form = resolve1(reference)
            except Exception as error:
                yield Damage(f"form {name_of(name)} damaged ({first_line(error)})")
                continue
            if not isinstance(form, PDFStream) or name_of(form.get("Subtype")) != "Form" or depth >= MAX_TREE_DEPTH:
                continue  # an image: its damage takes no text away
            damage = self.shared(reference, lambda form: Damage(stream_damage(form) or ""))
            if damage and damage.cause:
                yield Damage(f"form {name_of(name)} damaged: {damage.cause} (object {form.objid})")
            yield from self.resources_damage(form.get("Resources"), depth + 1)

    def shared(self, reference: Any, check: Callable[[Any], Damage | None]) -> Damage | None:
        """``check`` of the object ``reference`` points to, once per object."""
        from pdfminer.pdftypes import PDFObjRef, resolve1

        key = reference.objid if isinstance(reference, PDFObjRef) else None
        if key is not None and key in self.checked:
            return self.checked[key]
        try:
            damage = check(resolve1(reference))
        except Exception as error:
            damage = Damage(f"unreadable ({first_line(error)})")
        if key is not None:
            self.checked[key] = damage
        return damage

    def font_damage(self, font: Any) -> Damage | None:
        """Why a font's character map or program does not decode whole, or None. A damaged ``ToUnicode`` map
        loses characters for certain; a damaged font program or glyph map may not (the characters come from
        the map): ``Damage.certain`` is False."""
        from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

        if not isinstance(font, dict):
            return None
        descendants = resolve1(font.get("DescendantFonts"))
        fonts = [font] + [resolve1(each) for each in (descendants if isinstance(descendants, list) else [])]
        parts = [("ToUnicode map", font.get("ToUnicode"))]
        for each in fonts:
            if not isinstance(each, dict):
                continue
            parts.append(("glyph map", each.get("CIDToGIDMap")))
            descriptor = resolve1(each.get("FontDescriptor"))
            if isinstance(descriptor, dict):
                parts += [("program", descriptor.get(key)) for key in ("FontFile", "FontFile2", "FontFile3")]
        found = []
        for label, reference in parts:
            stream = resolve1(reference)
            if isinstance(stream, PDFStream):
                cause = stream_damage(stream)
                if cause:
                    found.append(Damage(f"{label}: {cause} (object {stream.objid})", label == "ToUnicode map"))
            elif isinstance(reference, PDFObjRef) and not (label == "glyph map" and stream is not None):
                # a glyph map may be the name /Identity
                found.append(Damage(f"{label}: object {reference.objid} is not a stream", label == "ToUnicode map"))
        return next((damage for damage in found if damage.certain), found[0] if found else None)


def page_tree_damage(path: str, page_count: int) -> str:
    """Why the page tree cannot be matched with the reader's ``page_count`` pages ('' when it can): then no
    page can be told whole, and a page the tree lost would be lost without a word."""
    try:
        streams = document_streams(path, page_count)
    except Exception as error:
        return f"its structure cannot be read ({first_line(error)})"
    if streams.agrees:
        return ""
    return f"the page tree lists {len(streams.pages)} pages where the reader finds {page_count}"


# The streams of the PDF read in this process (or why pdfminer cannot read them), by (process, path, size,
# modification time): a forked worker opens its own (a file position shared between processes would mix
# their reads).
_OPEN: dict[tuple[int, str, int, int], ContentStreams | Exception] = {}


def document_streams(path: str, page_count: int) -> ContentStreams:
    status = os.stat(path)
    key = (os.getpid(), path, status.st_size, status.st_mtime_ns)
    if key not in _OPEN:
        for other in list(_OPEN):
            streams = _OPEN.pop(other)
            if other[0] == key[0] and isinstance(streams, ContentStreams):
                streams.close()
        try:
            _OPEN[key] = ContentStreams(path, page_count)
        except Exception as error:
            _OPEN[key] = error
    found = _OPEN[key]
    if isinstance(found, Exception):
        raise found
    return found


def content_damage(path: str, number: int, page_count: int) -> Damage | None:
    """Why the page's content streams, fonts or forms do not decode whole (``ContentStreams.damage``), or
    None; None also where pdfminer cannot read the document's structure (``page_tree_damage`` refuses it)."""
    try:
        streams = document_streams(path, page_count)
    except Exception:
        return None
    return streams.damage(number)
