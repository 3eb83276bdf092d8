/* Every character of a pdfium text page in one call, for extract/readers/pdfium.py.
 *
 * The pdfium reader needs four values per character: its text object, its code point, its origin and its
 * loose box. Read through ctypes, that is four foreign calls per character; here one call reads them all into
 * one buffer of fixed-size records, which Python unpacks at once. pdfium's functions are passed in as
 * pointers (the addresses of pypdfium2's bindings, called with the platform's C calling convention, as
 * ctypes calls them), so nothing links against libpdfium.
 *
 * Built by `make setup` (the Makefile's `native` target):
 *     cc -O2 -shared -fPIC -o extract/readers/pdfium_chars.so extract/readers/pdfium_chars.c
 * Where the library is absent the reader makes the same calls one by one from Python, with the same result.
 */

#include <stdint.h>
#include <string.h>

/* pdfium's FS_RECTF */
typedef struct {
    float left, top, right, bottom;
} rect_f;

typedef void *(*get_text_object_f)(void *text_page, int index);
typedef unsigned int (*get_unicode_f)(void *text_page, int index);
typedef int (*get_origin_f)(void *text_page, int index, double *x, double *y);
typedef int (*get_loose_box_f)(void *text_page, int index, rect_f *box);

/* One character, as Python reads it with struct format "=Q2d4fI4x" (48 bytes). */
typedef struct {
    uint64_t object;                /* the text object; 0 for a character pdfium inferred (space, line break) */
    double x, y;                    /* origin */
    float left, top, right, bottom; /* loose box */
    uint32_t code;                  /* Unicode code point */
    uint32_t unused;
} char_record;

_Static_assert(sizeof(char_record) == 48, "a character record is 48 bytes");

/* The size of one record, checked by the reader when it loads the library. */
int record_size(void) { return (int)sizeof(char_record); }

/* Characters 0..count-1 of text_page into out (count records), through pdfium's FPDFText_GetTextObject,
 * FPDFText_GetUnicode, FPDFText_GetCharOrigin and FPDFText_GetLooseCharBox. A character pdfium inferred has a
 * zero record: its code point, origin and box are not read. Origin and box are kept from the previous
 * character where pdfium does not write them (a failed call), as one reused buffer keeps them in Python.
 * Returns count. */
int read_chars(void *text_page, int count, get_text_object_f text_object, get_unicode_f unicode,
               get_origin_f origin, get_loose_box_f loose_box, unsigned char *out) {
    double x = 0, y = 0;
    rect_f box = {0, 0, 0, 0};
    for (int index = 0; index < count; index++) {
        char_record record;
        memset(&record, 0, sizeof record);
        void *object = text_object(text_page, index);
        if (object) {
            record.object = (uint64_t)(uintptr_t)object;
            record.code = unicode(text_page, index);
            origin(text_page, index, &x, &y);
            loose_box(text_page, index, &box);
            record.x = x;
            record.y = y;
            record.left = box.left;
            record.top = box.top;
            record.right = box.right;
            record.bottom = box.bottom;
        }
        memcpy(out + (size_t)index * sizeof record, &record, sizeof record);
    }
    return count;
}
