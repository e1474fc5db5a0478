/* doc_docx — the document as a Word file (WordprocessingML in a zip).
 *
 * Hand-written XML through libzip rather than a document library: the parts
 * a 公文 needs are few (document, styles, settings, font table, one footer,
 * properties), the output is fully under our control (fonts, grid, line
 * pitch), and no library on Debian writes .docx from C.
 *
 * Layout after GB/T 9704-2012: A4; margins top 37 mm, bottom 35 mm, left
 * 28 mm, right 26 mm (text block 156 x 225 mm); body 仿宋_GB2312 三号 (16 pt)
 * on an exact 28.95 pt line (22 lines a page), first line indented two
 * characters; title 方正小标宋简体 二号 (22 pt) centred; 一、 headings 黑体,
 * （一） headings 楷体_GB2312; page number "— N —" in 四号宋体 centred in
 * the footer. The fonts a reader lacks are substituted: the font table gives
 * each an alternative name, GB2312 charset and panose class, so Word picks
 * 仿宋/宋体/黑体/楷体 and LibreOffice falls back through fontconfig to a CJK
 * font for zh-CN (Noto Serif/Sans CJK SC). Lengths are in twips (1/20 pt).
 */
#include "report/doc_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/lang.h"

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

/* A4 and the GB/T 9704 margins, in twips: 1 mm = 1440 / 25.4 twips. */
#define PAGE_W 11906
#define PAGE_H 16838
#define MARGIN_TOP 2098    /* 37 mm */
#define MARGIN_BOTTOM 1984 /* 35 mm */
#define MARGIN_LEFT 1587   /* 28 mm */
#define MARGIN_RIGHT 1474  /* 26 mm */
#define TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT)
#define LINE_EXACT 579     /* 28.95 pt: 22 lines in the 225 mm text block */

#define FONT_LATIN "Times New Roman"
#define FONT_TITLE "方正小标宋简体"
#define FONT_BODY "仿宋_GB2312"
#define FONT_HEI "黑体"
#define FONT_KAI "楷体_GB2312"
#define FONT_SONG "宋体"

static const char content_types[] =
    XML_DECL
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    "</Types>";

static const char package_rels[] =
    XML_DECL
    "<Relationships xmlns=\"" NS_PKG_REL "\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
    "</Relationships>";

static const char document_rels[] =
    XML_DECL
    "<Relationships xmlns=\"" NS_PKG_REL "\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_R "/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" NS_R "/settings\" Target=\"settings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" NS_R "/fontTable\" Target=\"fontTable.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" NS_R "/footer\" Target=\"footer1.xml\"/>"
    "</Relationships>";

static const char settings_xml[] =
    XML_DECL
    "<w:settings xmlns:w=\"" NS_W "\">"
    "<w:zoom w:percent=\"100\"/>"
    "<w:defaultTabStop w:val=\"640\"/>"
    "<w:characterSpacingControl w:val=\"compressPunctuation\"/>"
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
    "<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>"
    "</w:settings>";

/* Each font with an alternative a reader is likelier to have, the GB2312
 * charset (86) and its panose class, which is what Word matches on. The
 * family is what LibreOffice falls back on when it has none of them: roman
 * (a serif, e.g. Noto Serif CJK SC) for 宋/仿宋/楷, swiss (a sans) for 黑体;
 * Windows files say "modern", which would pick a monospace face. */
#define FONT_ENTRY(name, alt, panose, family)                                                  \
    "<w:font w:name=\"" name "\"><w:altName w:val=\"" alt "\"/><w:panose1 w:val=\"" panose  \
    "\"/><w:charset w:val=\"86\"/><w:family w:val=\"" family "\"/><w:pitch w:val=\"variable\"/></w:font>"
static const char font_table[] =
    XML_DECL
    "<w:fonts xmlns:w=\"" NS_W "\">"
    "<w:font w:name=\"" FONT_LATIN "\"><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/>"
    "<w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>"
    FONT_ENTRY(FONT_TITLE, "华文中宋", "02000000000000000000", "roman")
    FONT_ENTRY(FONT_BODY, "仿宋", "02010609030101010101", "roman")
    FONT_ENTRY(FONT_HEI, "SimHei", "02010609060101010101", "swiss")
    FONT_ENTRY(FONT_KAI, "楷体", "02010609030101010101", "roman")
    FONT_ENTRY(FONT_SONG, "SimSun", "02010600030101010101", "roman")
    FONT_ENTRY("华文中宋", "STZhongsong", "02010600040101010101", "roman")
    FONT_ENTRY("仿宋", "FangSong", "02010609060101010101", "roman")
    FONT_ENTRY("楷体", "KaiTi", "02010609060101010101", "roman")
    "</w:fonts>";

/* Run properties naming one East Asian font (Latin text keeps the
 * default Times New Roman unless `all`). */
#define RFONTS(f) "<w:rFonts w:eastAsia=\"" f "\"/>"
#define RFONTS_ALL(f) \
    "<w:rFonts w:ascii=\"" f "\" w:eastAsia=\"" f "\" w:hAnsi=\"" f "\" w:cs=\"" f "\" w:hint=\"eastAsia\"/>"
#define PSTYLE(id, name, ppr, rpr)                                                           \
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"" id "\"><w:name w:val=\"" \
    name "\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>" ppr "</w:pPr><w:rPr>" rpr    \
    "</w:rPr></w:style>"
#define SZ(halfpt) "<w:sz w:val=\"" #halfpt "\"/><w:szCs w:val=\"" #halfpt "\"/>"
#define SPACING_EXACT "<w:spacing w:line=\"579\" w:lineRule=\"exact\"/>"
#define INDENT2 "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/>"

static const char styles_xml[] =
    XML_DECL
    "<w:styles xmlns:w=\"" NS_W "\">"
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    "<w:rFonts w:ascii=\"" FONT_LATIN "\" w:eastAsia=\"" FONT_BODY "\" w:hAnsi=\"" FONT_LATIN
    "\" w:cs=\"" FONT_LATIN "\"/>"
    "<w:kern w:val=\"2\"/>" SZ(32) "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>"
    "</w:rPr></w:rPrDefault>"
    "<w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/>" SPACING_EXACT "<w:jc w:val=\"both\"/>"
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
    "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
    "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>"
    "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
    PSTYLE("GiBody", "GI Body", INDENT2, "")
    PSTYLE("GiOffice", "GI Office",
           /* the red rule under the office line (版头分隔线), 4 mm below */
           "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"11\" w:color=\"FF0000\"/></w:pBdr>"
           "<w:spacing w:after=\"680\" w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"center\"/>",
           RFONTS_ALL(FONT_TITLE) "<w:color w:val=\"FF0000\"/>" SZ(52))
    PSTYLE("GiTitle", "GI Title",
           "<w:keepNext/><w:spacing w:before=\"0\" w:after=\"579\" w:line=\"579\" w:lineRule=\"exact\"/>"
           "<w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/>",
           RFONTS_ALL(FONT_TITLE) SZ(44))
    PSTYLE("GiAddressee", "GI Addressee", "<w:jc w:val=\"left\"/>", "")
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:next w:val=\"GiBody\"/><w:qFormat/><w:pPr><w:keepNext/>" INDENT2 "<w:outlineLvl w:val=\"1\"/></w:pPr>"
    "<w:rPr>" RFONTS(FONT_HEI) SZ(32) "</w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:next w:val=\"GiBody\"/><w:qFormat/><w:pPr><w:keepNext/>" INDENT2 "<w:outlineLvl w:val=\"2\"/></w:pPr>"
    "<w:rPr>" RFONTS(FONT_KAI) SZ(32) "</w:rPr></w:style>"
    PSTYLE("GiSignature", "GI Signature", "<w:ind w:right=\"1280\"/><w:jc w:val=\"right\"/>", "")
    PSTYLE("GiAttachLabel", "GI Attachment Label", "<w:keepNext/><w:jc w:val=\"left\"/>",
           RFONTS_ALL(FONT_HEI))
    PSTYLE("GiAttachTitle", "GI Attachment Title",
           "<w:keepNext/><w:spacing w:before=\"289\" w:after=\"579\" w:line=\"579\" w:lineRule=\"exact\"/>"
           "<w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/>",
           RFONTS_ALL(FONT_TITLE) SZ(44))
    PSTYLE("GiTableText", "GI Table Text",
           "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"center\"/>", SZ(28))
    PSTYLE("GiTableHead", "GI Table Header",
           "<w:keepNext/><w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"center\"/>",
           RFONTS_ALL(FONT_HEI) SZ(28))
    PSTYLE("GiFooter", "GI Footer", "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"center\"/>",
           RFONTS_ALL(FONT_SONG) SZ(28))
    PSTYLE("GiSpacer", "GI Spacer", "<w:spacing w:line=\"20\" w:lineRule=\"exact\"/>", SZ(2))
    "</w:styles>";

/* "— N —" with a PAGE field; "1" is only what a reader shows before it
 * updates fields. */
static const char footer_xml[] =
    XML_DECL
    "<w:ftr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:p><w:pPr><w:pStyle w:val=\"GiFooter\"/></w:pPr>"
    "<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
    "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
    "<w:r><w:t>1</w:t></w:r>"
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    "<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r>"
    "</w:p></w:ftr>";

static const char *const style_ids[] = {
    [DOC_OFFICE] = "GiOffice",         [DOC_TITLE] = "GiTitle",
    [DOC_ADDRESSEE] = "GiAddressee",   [DOC_HEADING1] = "Heading1",
    [DOC_HEADING2] = "Heading2",       [DOC_BODY] = "GiBody",
    [DOC_SIGNATURE] = "GiSignature",   [DOC_ATTACH_LABEL] = "GiAttachLabel",
    [DOC_ATTACH_TITLE] = "GiAttachTitle"};

/* One run of escaped text: newlines become <w:br/>, tabs <w:tab/>. */
static void docx_run(sbuf *b, const char *s) {
    if (!*s) return;
    sbuf_puts(b, "<w:r>");
    for (;;) {
        size_t len = strcspn(s, "\n\t");
        if (len) {
            sbuf_puts(b, "<w:t xml:space=\"preserve\">");
            doc_escape(b, s, len, false);
            sbuf_puts(b, "</w:t>");
        }
        if (!s[len]) break;
        sbuf_puts(b, s[len] == '\n' ? "<w:br/>" : "<w:tab/>");
        s += len + 1;
    }
    sbuf_puts(b, "</w:r>");
}

static void docx_para(sbuf *b, const char *style_id, bool page_break, const char *text) {
    sbuf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/>%s</w:pPr>", style_id,
                page_break ? "<w:pageBreakBefore/>" : "");
    docx_run(b, text);
    sbuf_puts(b, "</w:p>");
}

static void docx_table(doc_out *o, const doc_grid *g) {
    sbuf *b = &o->b;
    /* Column widths in twips from the fractions; the last takes the
     * rounding so the table is exactly the text width. */
    long w[DOC_MAX_TABLE_COLS], used = 0;
    double frac[DOC_MAX_TABLE_COLS];
    doc_fit_widths(g, (double)(TEXT_W - 114) / 280, frac); /* 14 pt text, cell margins */
    for (size_t c = 0; c < g->ncols; c++) {
        w[c] = c + 1 < g->ncols ? (long)(frac[c] * TEXT_W + 0.5) : TEXT_W - used;
        if (w[c] < 1) w[c] = 1;
        used += w[c];
    }
    sbuf_printf(b,
                "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>",
                TEXT_W);
    static const char *const sides[] = {"top", "left", "bottom", "right", "insideH", "insideV"};
    for (size_t i = 0; i < 6; i++)
        sbuf_printf(b, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>", sides[i]);
    sbuf_puts(b, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
                 "<w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar>"
                 "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" "
                 "w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>");
    for (size_t c = 0; c < g->ncols; c++) sbuf_printf(b, "<w:gridCol w:w=\"%ld\"/>", w[c]);
    sbuf_puts(b, "</w:tblGrid>");
    for (size_t r = 0; r <= g->nrows; r++) {
        doc_out_spill(o, false);
        /* The header row repeats on every page; no row splits across pages. */
        sbuf_puts(b, r == 0 ? "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                            : "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t c = 0; c < g->ncols; c++) {
            sbuf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%ld\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>",
                        w[c]);
            docx_para(b, r == 0 ? "GiTableHead" : "GiTableText", false, doc_cell(g, r, c));
            sbuf_puts(b, "</w:tc>");
        }
        sbuf_puts(b, "</w:tr>");
    }
    sbuf_puts(b, "</w:tbl>");
}

static void docx_document(const doc *d, doc_out *o) {
    sbuf *b = &o->b;
    sbuf_puts(b, XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
    bool pending_break = false, after_table = false;
    for (size_t i = 0; i < d->nblocks; i++) {
        const doc_block *blk = &d->blocks[i];
        doc_out_spill(o, false);
        if (blk->kind == DOC_BLOCK_BREAK) {
            pending_break = i > 0; /* a break before anything is no page */
            continue;
        }
        if (blk->kind == DOC_BLOCK_TABLE) {
            /* Word joins adjacent tables and cannot break a page before a
             * table: a hairline paragraph carries the break or separation. */
            if (pending_break || after_table) docx_para(b, "GiSpacer", pending_break, "");
            docx_table(o, &d->grids[blk->ref]);
            pending_break = false;
            after_table = true;
            continue;
        }
        docx_para(b, style_ids[blk->style], pending_break, doc_str(d, blk->ref));
        pending_break = after_table = false;
    }
    if (after_table) docx_para(b, "GiSpacer", false, ""); /* Word wants a paragraph last */
    sbuf_printf(b,
                "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/>"
                "<w:pgSz w:w=\"%d\" w:h=\"%d\"/>"
                "<w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\" w:header=\"851\" "
                "w:footer=\"1134\" w:gutter=\"0\"/><w:pgNumType w:start=\"1\"/><w:cols w:space=\"425\"/>"
                "<w:docGrid w:linePitch=\"%d\"/></w:sectPr></w:body></w:document>",
                PAGE_W, PAGE_H, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT, LINE_EXACT);
}

static void docx_core(const doc *d, sbuf *b) {
    char datebuf[11];
    const char *date = doc_date(d, datebuf);
    sbuf_puts(b, XML_DECL
              "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
              "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
              "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
              "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
    doc_escape_str(b, doc_title_text(d));
    sbuf_puts(b, "</dc:title><dc:creator>");
    doc_escape_str(b, doc_str(d, d->author));
    sbuf_puts(b, "</dc:creator><cp:lastModifiedBy>");
    doc_escape_str(b, doc_str(d, d->author));
    sbuf_printf(b, "</cp:lastModifiedBy><dc:language>zh-CN</dc:language>"
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%sT00:00:00Z</dcterms:created>"
                "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%sT00:00:00Z</dcterms:modified>"
                "</cp:coreProperties>", date, date);
}

static const char app_xml[] =
    XML_DECL
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
    "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
    "<Application>govinspect</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>";

/* Adds one part from memory (copied) or, with `f`, from that file (which
 * libzip then owns and reads at zip_close). */
static bool zip_part(zip_t *za, const char *name, const char *data, size_t len, FILE *f) {
    zip_source_t *src;
    if (f) {
        src = zip_source_filep(za, f, 0, -1);
        if (!src) fclose(f);
    } else {
        void *copy = malloc(len ? len : 1);
        if (!copy) return false;
        memcpy(copy, data, len);
        src = zip_source_buffer(za, copy, len, 1);
        if (!src) free(copy);
    }
    if (!src) return false;
    if (zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
        zip_source_free(src);
        return false;
    }
    return true;
}

bool doc_write_docx(const doc *d, const char *path, err *e) {
    if (!doc_check(d, path, e)) return false;
    /* document.xml, the only large part, goes to an anonymous file. */
    doc_out o = {SBUF_INIT, tmpfile(), false};
    if (!o.f) return err_set(e, ERR_IO, L("%s: cannot create a temporary file: %s",
                                          "%s：无法创建临时文件：%s"), path, strerror(errno));
    docx_document(d, &o);
    /* libzip reads a FILE source from where it stands. */
    bool ok = doc_out_finish(&o, path, e);
    if (ok && fseek(o.f, 0, SEEK_SET) != 0)
        ok = err_set(e, ERR_IO, L("%s: write error: %s", "%s：写入错误：%s"), path, strerror(errno));
    if (!ok) {
        fclose(o.f);
        return false;
    }
    sbuf core = SBUF_INIT;
    docx_core(d, &core);
    char *tmp = core.oom ? NULL : doc_tmp_path(path);
    int zerr = 0;
    /* Exclusive create: the temporary name is ours alone. */
    zip_t *za = tmp ? zip_open(tmp, ZIP_CREATE | ZIP_EXCL, &zerr) : NULL;
    if (!za) {
        if (tmp) {
            zip_error_t ze;
            zip_error_init_with_code(&ze, zerr);
            err_set(e, ERR_IO, L("%s: cannot create: %s", "%s：无法创建：%s"), path, zip_error_strerror(&ze));
            zip_error_fini(&ze);
        } else {
            err_set(e, ERR_NOMEM, L("%s: out of memory", "%s：内存不足"), path);
        }
        fclose(o.f);
        sbuf_free(&core);
        free(tmp);
        return false;
    }
    const struct {
        const char *name, *data;
        size_t len;
        FILE *f;
    } parts[] = {
        {"[Content_Types].xml", content_types, sizeof content_types - 1, NULL},
        {"_rels/.rels", package_rels, sizeof package_rels - 1, NULL},
        {"word/document.xml", NULL, 0, o.f},
        {"word/_rels/document.xml.rels", document_rels, sizeof document_rels - 1, NULL},
        {"word/styles.xml", styles_xml, sizeof styles_xml - 1, NULL},
        {"word/settings.xml", settings_xml, sizeof settings_xml - 1, NULL},
        {"word/fontTable.xml", font_table, sizeof font_table - 1, NULL},
        {"word/footer1.xml", footer_xml, sizeof footer_xml - 1, NULL},
        {"docProps/core.xml", core.data, core.len, NULL},
        {"docProps/app.xml", app_xml, sizeof app_xml - 1, NULL},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (ok) ok = zip_part(za, parts[i].name, parts[i].data, parts[i].len, parts[i].f);
        else if (parts[i].f) fclose(parts[i].f); /* never handed to libzip */
    }
    sbuf_free(&core);
    if (ok && zip_close(za) != 0) ok = false;
    if (!ok) {
        err_set(e, ERR_IO, L("%s: cannot write: %s", "%s：无法写入：%s"), path,
                zip_error_strerror(zip_get_error(za)));
        zip_discard(za);
    }
    return doc_commit(tmp, path, ok, e);
}
