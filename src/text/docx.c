/* The text of a .docx draft (docx.h). */
#include "text/docx.h"

#include "core/lang.h"
#include "core/sbuf.h"
#include "page/page.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define DOCX_BODY "word/document.xml"
#define DOCX_CHUNK 65536

static const char *const word_ns[] = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                                      "http://purl.oclc.org/ooxml/wordprocessingml/main", NULL};
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

text_doc_kind text_doc_sniff(const char *data, size_t len) {
    static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (len >= 4 && (memcmp(data, "PK\x03\x04", 4) == 0 || memcmp(data, "PK\x05\x06", 4) == 0))
        return TEXT_DOC_ZIP;
    if (len >= 8 && memcmp(data, ole2, 8) == 0) return TEXT_DOC_OLE2;
    return TEXT_DOC_OTHER;
}

/* The body part's bytes, read in chunks up to the cap (its size in the zip's
 * directory is the file's word, not a fact). */
static bool read_body(const char *data, size_t len, const char *name, sbuf *xml, err *e) {
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
    if (!za) {
        err_set(e, ERR_INPUT, L("%s: not a readable zip file (%s)", "%s：不是可读的 zip 文件（%s）"), name,
                zip_error_strerror(&zerr));
        zip_source_free(src);
        zip_error_fini(&zerr);
        return false;
    }
    zip_error_fini(&zerr);
    bool ok = false;
    zip_int64_t idx = zip_name_locate(za, DOCX_BODY, 0);
    zip_file_t *zf = idx >= 0 ? zip_fopen_index(za, (zip_uint64_t)idx, 0) : NULL;
    if (idx < 0) {
        err_set(e, ERR_INPUT,
                L("%s: a zip file without %s, so not a Word document (.docx)",
                  "%s：zip 文件中没有 %s，不是 Word 文档（.docx）"),
                name, DOCX_BODY);
    } else if (!zf) {
        err_set(e, ERR_INPUT, L("%s: cannot open %s (%s)", "%s：无法打开 %s（%s）"), name, DOCX_BODY,
                zip_strerror(za));
    } else {
        ok = true;
        char chunk[DOCX_CHUNK];
        for (;;) {
            zip_int64_t n = zip_fread(zf, chunk, sizeof chunk);
            if (n < 0) {
                ok = err_set(e, ERR_INPUT, L("%s: %s is damaged (%s)", "%s：%s 已损坏（%s）"), name,
                             DOCX_BODY, zip_file_strerror(zf));
                break;
            }
            if (n == 0) break;
            if (xml->len + (size_t)n > TEXT_DOCX_MAX_XML) {
                ok = err_set(e, ERR_INPUT,
                             L("%s: %s unpacks to more than %zu MiB; refused",
                               "%s：%s 解压后超过 %zu MiB，拒绝处理"),
                             name, DOCX_BODY, TEXT_DOCX_MAX_XML >> 20);
                break;
            }
            if (!sbuf_append(xml, chunk, (size_t)n)) {
                ok = err_set(e, ERR_NOMEM, "out of memory");
                break;
            }
        }
        zip_fclose(zf);
    }
    zip_discard(za); /* frees src too */
    return ok;
}

static bool is_word(const xmlChar *ns) {
    for (const char *const *w = word_ns; ns && *w; w++)
        if (strcmp((const char *)ns, *w) == 0) return true;
    return false;
}

typedef struct docx_state {
    xmlParserCtxtPtr ctxt;
    sbuf out;
    bool in_t, over, dtd;
    int depth;      /* of the element being read */
    int skip_depth; /* inside mc:Fallback opened at this depth: nothing is text; -1 none */
    int err_line;   /* of the first fatal error, 0 none */
    char err_msg[160];
} docx_state;

/* Appends s unless the text is over its cap (then stops the parse). */
static void put(docx_state *st, const char *s, size_t n) {
    if (st->out.len + n > TEXT_DOCX_MAX_TEXT) {
        st->over = true;
        xmlStopParser(st->ctxt);
    } else {
        sbuf_append(&st->out, s, n);
    }
}

static void docx_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                       int nns, const xmlChar **ns, int natts, int ndef, const xmlChar **atts) {
    (void)prefix, (void)nns, (void)ns, (void)natts, (void)ndef, (void)atts;
    docx_state *st = ud;
    st->depth++;
    if (st->skip_depth >= 0) return;
    const char *l = (const char *)local;
    if (uri && strcmp((const char *)uri, MC_NS) == 0 && strcmp(l, "Fallback") == 0) {
        st->skip_depth = st->depth;
    } else if (is_word(uri)) {
        if (strcmp(l, "t") == 0) st->in_t = true;
        else if (strcmp(l, "tab") == 0) put(st, "\t", 1);
        else if (strcmp(l, "br") == 0 || strcmp(l, "cr") == 0) put(st, "\n", 1);
    }
}

static void docx_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri) {
    (void)prefix;
    docx_state *st = ud;
    int depth = st->depth--;
    if (st->skip_depth >= 0) {
        if (depth == st->skip_depth) st->skip_depth = -1;
        return;
    }
    if (!is_word(uri)) return;
    if (strcmp((const char *)local, "t") == 0) st->in_t = false;
    else if (strcmp((const char *)local, "p") == 0) put(st, "\n", 1);
}

static void docx_chars(void *ud, const xmlChar *ch, int len) {
    docx_state *st = ud;
    if (st->in_t && st->skip_depth < 0 && len > 0) put(st, (const char *)ch, (size_t)len);
}

/* libxml2 reports a failed conversion from a byte-order mark's encoding
 * through its generic channel, not the parser's: silenced while parsing. */
static void docx_quiet(void *ctx, const char *msg, ...) {
    (void)ctx, (void)msg;
}

/* A document type declaration: refused before its subset is read. */
static void docx_dtd(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys) {
    (void)name, (void)ext, (void)sys;
    docx_state *st = ud;
    st->dtd = true;
    xmlStopParser(st->ctxt);
}

/* The first fatal error stops the parse (no recovery, nothing printed). */
#if LIBXML_VERSION >= 21200
static void docx_error(void *ud, const xmlError *xe) {
#else
static void docx_error(void *ud, xmlErrorPtr xe) {
#endif
    docx_state *st = ud;
    if (!xe || xe->level != XML_ERR_FATAL || st->err_line) return;
    st->err_line = xe->line > 0 ? xe->line : 1;
    snprintf(st->err_msg, sizeof st->err_msg, "%s", xe->message ? xe->message : "");
    size_t n = strlen(st->err_msg);
    while (n && (st->err_msg[n - 1] == '\n' || st->err_msg[n - 1] == ' ')) st->err_msg[--n] = '\0';
    xmlStopParser(st->ctxt);
}

bool text_docx_read(const char *data, size_t len, const char *name, char **text, size_t *text_len,
                    err *e) {
    *text = NULL;
    *text_len = 0;
    sbuf xml = SBUF_INIT;
    bool ok = read_body(data, len, name, &xml, e) &&
              text_docx_xml(xml.data ? xml.data : "", xml.len, name, text, text_len, e);
    sbuf_free(&xml);
    return ok;
}

bool text_docx_xml(const char *xml, size_t xml_len, const char *name, char **text, size_t *text_len,
                   err *e) {
    *text = NULL;
    *text_len = 0;
    if (xml_len > TEXT_DOCX_MAX_XML) /* libxml2 takes an int; the cap is below INT_MAX */
        return err_set(e, ERR_INPUT,
                       L("%s: %s unpacks to more than %zu MiB; refused",
                         "%s：%s 解压后超过 %zu MiB，拒绝处理"),
                       name, DOCX_BODY, TEXT_DOCX_MAX_XML >> 20);
    /* A start tag of thousands of attributes would hold libxml2 for minutes
     * (page.h): such markup is read from a copy with the excess blanked. */
    char *copy = NULL;
    if (page_attributes_over_cap(xml, xml_len)) {
        if (!(copy = malloc(xml_len + 1))) return err_set(e, ERR_NOMEM, "out of memory");
        memcpy(copy, xml, xml_len);
        copy[xml_len] = '\0';
        page_limit_attributes(copy, xml_len);
    }
    /* SAX over the whole buffer, not the reader's push mode: that one
     * rescans an unterminated construct at every chunk (quadratic). */
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(copy ? copy : xml, (int)xml_len);
    if (!ctxt) {
        free(copy);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    docx_state st = {.ctxt = ctxt, .out = SBUF_INIT, .skip_depth = -1};
    xmlSAXHandler *sax = ctxt->sax;
    memset(sax, 0, sizeof *sax);
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = docx_start;
    sax->endElementNs = docx_end;
    sax->characters = docx_chars;
    sax->cdataBlock = docx_chars;
    sax->ignorableWhitespace = docx_chars;
    sax->internalSubset = docx_dtd;
    sax->serror = docx_error;
    ctxt->userData = &st;
    /* Word writes UTF-8; a prolog naming another encoding is not obeyed. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_IGNORE_ENC);
    xmlGenericErrorFunc saved = xmlGenericError; /* this thread's */
    void *saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, docx_quiet);
    xmlParseDocument(ctxt);
    xmlSetGenericErrorFunc(saved_ctx, saved);
    bool ok = true;
    if (st.dtd)
        ok = err_set(e, ERR_INPUT,
                     L("%s: %s declares a document type, which no Word document does; refused",
                       "%s：%s 含文档类型声明（Word 文档没有），拒绝处理"),
                     name, DOCX_BODY);
    else if (st.over)
        ok = err_set(e, ERR_INPUT, L("%s: more than %zu MiB of text; refused", "%s：文字超过 %zu MiB，拒绝处理"),
                     name, TEXT_DOCX_MAX_TEXT >> 20);
    else if (st.err_line || !ctxt->wellFormed)
        ok = err_set(e, ERR_INPUT,
                     L("%s: %s is not well-formed XML (line %d): %s",
                       "%s：%s 不是格式正确的 XML（第 %d 行）：%s"),
                     name, DOCX_BODY, st.err_line ? st.err_line : 1, st.err_msg);
    else if (st.out.oom)
        ok = err_set(e, ERR_NOMEM, "out of memory");
    xmlFreeParserCtxt(ctxt);
    free(copy);
    if (!ok) {
        sbuf_free(&st.out);
        return false;
    }
    *text_len = st.out.len;
    *text = sbuf_detach(&st.out);
    if (!*text) return err_set(e, ERR_NOMEM, "out of memory");
    return true;
}
