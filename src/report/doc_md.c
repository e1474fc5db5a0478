/* doc_md — the document as Markdown (CommonMark with GFM pipe tables).
 *
 * Meant to be read as plain text as much as rendered, so escaping is
 * minimal: the punctuation that would start emphasis, links, raw HTML or
 * entities is backslash-escaped, and so is a line start that would open a
 * heading, quote or list. Chinese text never needs any of it. */
#include "report/doc_impl.h"

#include <string.h>

/* Escapes one line of text (no newline in it). */
static void md_line(sbuf *b, const char *s, size_t len, bool in_cell) {
    size_t i = 0;
    if (!in_cell) {
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++; /* would be a code block */
        /* "#" and ">" are escaped below wherever they stand */
        if (i < len && strchr("+-=", s[i])) sbuf_putc(b, '\\');
        size_t j = i;
        while (j < len && s[j] >= '0' && s[j] <= '9') j++;
        if (j > i && j < len && (s[j] == '.' || s[j] == ')')) { /* "1." opens a list */
            sbuf_append(b, s + i, j - i);
            sbuf_putc(b, '\\');
            i = j;
        }
    }
    for (; i < len; i++) {
        if (strchr("\\`*_[]<>&|~#!", s[i])) sbuf_putc(b, '\\');
        sbuf_putc(b, s[i]);
    }
}

static void md_table(doc_out *o, const doc_grid *g) {
    sbuf *b = &o->b;
    for (size_t r = 0; r <= g->nrows; r++) {
        doc_out_spill(o, false);
        sbuf_putc(b, '|');
        for (size_t c = 0; c < g->ncols; c++) {
            sbuf_putc(b, ' ');
            doc_lines(b, doc_cell(g, r, c), "<br>", md_line, true);
            sbuf_puts(b, " |");
        }
        sbuf_putc(b, '\n');
        if (r == 0) {
            sbuf_putc(b, '|');
            for (size_t c = 0; c < g->ncols; c++) sbuf_puts(b, " --- |");
            sbuf_putc(b, '\n');
        }
    }
    sbuf_putc(b, '\n');
}

static void md_render(const doc *d, doc_out *o) {
    sbuf *b = &o->b;
    for (size_t i = 0; i < d->nblocks; i++) {
        const doc_block *blk = &d->blocks[i];
        doc_out_spill(o, false);
        if (blk->kind == DOC_BLOCK_TABLE) {
            md_table(o, &d->grids[blk->ref]);
            continue;
        }
        if (blk->kind == DOC_BLOCK_BREAK) continue; /* no pages in Markdown */
        const char *text = doc_str(d, blk->ref);
        if (!*text) continue;
        const char *prefix = "", *suffix = "";
        bool heading = false;
        switch (blk->style) {
        case DOC_TITLE: prefix = "# ", heading = true; break;
        case DOC_HEADING1: case DOC_ATTACH_TITLE: prefix = "## ", heading = true; break;
        case DOC_HEADING2: prefix = "### ", heading = true; break;
        case DOC_ATTACH_LABEL: prefix = suffix = "**"; break;
        default: break;
        }
        sbuf_puts(b, prefix);
        /* A heading is one line; a paragraph keeps its line breaks. */
        doc_lines(b, text, heading ? " " : "  \n", md_line, false);
        sbuf_puts(b, suffix);
        sbuf_puts(b, "\n\n");
    }
}

bool doc_write_md(const doc *d, const char *path, err *e) {
    return doc_write_stream(d, path, md_render, e);
}
