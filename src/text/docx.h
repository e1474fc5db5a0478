/* docx — the text of a Word draft (.docx), for `govinspect text`.
 *
 * Units write their drafts in Word or WPS and save them as .docx (Office
 * Open XML: a zip holding word/document.xml). text_docx_read() takes the
 * file's bytes, finds the body part with libzip and reads it with
 * libxml2's SAX parser (one pass over the whole buffer): each paragraph (w:p — in the body, tables, text boxes)
 * becomes one line, the text of its runs (w:t) joined as Word shows it
 * (Word splits a word across runs wherever formatting or editing history
 * changed, so a typo is often in two of them), w:tab a tab, w:br and w:cr a
 * line break. Deleted revisions (w:delText), field codes (w:instrText) and
 * the VML copies of text boxes (mc:Fallback) are not text a reader sees and
 * are left out. Headers, footers and notes are other parts, not read.
 *
 * Every input is hostile: the part is read in chunks and refused past
 * TEXT_DOCX_MAX_XML bytes whatever its header claims (a zip bomb), the text
 * is capped at TEXT_DOCX_MAX_TEXT bytes, the XML is parsed without network
 * access or entity substitution, stopping at the first error, a start tag's
 * attributes past the 256th are blanked (page.h: libxml2 is quadratic in
 * them), and a document type declaration, which no Word file has, is
 * refused before its subset is read (entity expansion attacks need one).
 *
 * Ownership: *text is malloc'd, NUL-terminated; the caller frees it.
 */
#ifndef GI_TEXT_DOCX_H
#define GI_TEXT_DOCX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define TEXT_DOCX_MAX_XML ((size_t)64 << 20)
#define TEXT_DOCX_MAX_TEXT ((size_t)32 << 20)

typedef enum text_doc_kind {
    TEXT_DOC_OTHER,   /* not a zip nor an OLE2 file: plain text or HTML */
    TEXT_DOC_ZIP,     /* a zip: .docx when it holds word/document.xml */
    TEXT_DOC_OLE2     /* an OLE2 compound file: .doc, .wps, .xls ... */
} text_doc_kind;

/* What the first bytes say the file is. */
text_doc_kind text_doc_sniff(const char *data, size_t len);

/* The paragraphs of a .docx, one a line (see above). `name` names the file
 * in messages. False with e set: not a .docx, damaged, or over a cap. */
bool text_docx_read(const char *data, size_t len, const char *name, char **text, size_t *text_len,
                    err *e);
/* The same from the body part's XML itself (word/document.xml). */
bool text_docx_xml(const char *xml, size_t xml_len, const char *name, char **text, size_t *text_len,
                   err *e);

#endif
