"""Page images for the review site: one image per PDF page, shared by every card printed on it, rendered with
pypdfium2 (which pdfplumber installs) in a few processes."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# 2 pixels per PDF point (144 dpi): a 9-pt line is 18 px high, legible without zooming.
RENDER_SCALE = 2.0
IMAGE_FORMAT = "WEBP"
IMAGE_SUFFIX = ".webp"
IMAGE_QUALITY = 60  # text stays sharp; a card page is about 90 KB
WEBP_METHOD = 2  # encoder effort, 0 (fast) to 6 (small): 2 is within a few % of 6's size at half its time
MAX_WORKERS = 2
PAGES_PER_TASK = 8


@dataclass(frozen=True)
class PageImage:
    page: int  # 1-based PDF page
    name: str  # file name in the site's pages/ folder
    width_pt: float  # page size in PDF points, the unit of field_items' boxes
    height_pt: float
    width_px: int
    height_px: int


def image_name(page: int) -> str:
    return f"p{page:03d}{IMAGE_SUFFIX}"


def render_pages(pdf: Path, pages: list[int], folder: Path) -> list[PageImage]:
    """Render ``pages`` of ``pdf`` into ``folder``; the images, in page order."""
    folder.mkdir(parents=True, exist_ok=True)
    chunks = [pages[start : start + PAGES_PER_TASK] for start in range(0, len(pages), PAGES_PER_TASK)]
    workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1, len(chunks)))
    if workers == 1:
        rendered = [render_chunk(str(pdf), chunk, str(folder)) for chunk in chunks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rendered = list(pool.map(render_chunk, [str(pdf)] * len(chunks), chunks, [str(folder)] * len(chunks)))
    return sorted((image for chunk in rendered for image in chunk), key=lambda image: image.page)


def render_chunk(pdf: str, pages: list[int], folder: str) -> list[PageImage]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for number in pages:
            page = document[number - 1]
            width, height = page.get_size()
            bitmap = page.render(scale=RENDER_SCALE)
            picture = bitmap.to_pil().convert("RGB")
            name = image_name(number)
            picture.save(Path(folder) / name, IMAGE_FORMAT, quality=IMAGE_QUALITY, method=WEBP_METHOD)
            images.append(PageImage(number, name, width, height, picture.width, picture.height))
            page.close()
        return images
    finally:
        document.close()
