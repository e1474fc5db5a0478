#include "registry/registry.h"

#include "registry/cells.h"

#include "core/csv.h"
#include "core/fileio.h"
#include "core/lang.h"
#include "core/progress.h"
#include "core/textenc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- column definitions ------------------------------------------------- */

/* Longest value accepted in any cell: names and units are short; a longer
 * cell is a sign of a shifted or garbled row. */
#define REG_MAX_CELL_BYTES 2048
#define REG_MAX_COLS 12

typedef struct reg_column {
    const char *key;
    bool required;
    const char *aliases[6]; /* Chinese names as exported by offices */
} reg_column;

static const reg_column reg_site_columns[] = {
    {"site_code", true, {"网站标识码", "标识码", NULL}},
    {"name", true, {"网站名称", NULL}},
    {"url", true, {"首页网址", "网址", "首页地址", "网站地址", "网站网址", NULL}},
    {"hosts", false, {"其他域名", "附加域名", NULL}},
    {"unit", false, {"主办单位", NULL}},
    {"kind", false, {"网站类型", "网站类别", NULL}},
    {"services", false, {"办事服务", NULL}},
    {"org", false, {"组织单位", NULL}},
    {"icp", false, {"icp备案编号", "icp备案号", "备案编号", NULL}},
    {"psb", false, {"公安机关备案号", "公安备案号", "公网安备号", NULL}},
    {NULL, false, {NULL}},
};

static const reg_column reg_media_columns[] = {
    {"media_id", true, {"新媒体编号", "账号编号", "编号", NULL}},
    {"platform", true, {"新媒体类型", "平台", "平台类型", NULL}},
    {"name", true, {"新媒体名称", "账号名称", "名称", NULL}},
    {"unit", false, {"主办单位", NULL}},
    {"org", false, {"组织单位", NULL}},
    {"source", true, {"数据来源", "来源", NULL}},
    {NULL, false, {NULL}},
};

/* Site columns by index, in reg_site_columns order. */
enum { SC_CODE, SC_NAME, SC_URL, SC_HOSTS, SC_UNIT, SC_KIND, SC_SERVICES, SC_ORG, SC_ICP, SC_PSB };
enum { MC_ID, MC_PLATFORM, MC_NAME, MC_UNIT, MC_ORG, MC_SOURCE };

/* ---- platforms ---------------------------------------------------------- */

typedef struct reg_platform {
    const char *code;
    const char *label;
    const char *names[6];
} reg_platform;

static const reg_platform reg_platforms[] = {
    {"wechat", "微信", {"微信", "微信公众号", "公众号", "weixin", NULL}},
    {"weibo", "微博", {"微博", "新浪微博", NULL}},
    {"douyin", "抖音", {"抖音", "抖音号", NULL}},
    {"toutiao", "今日头条", {"今日头条", "头条", "头条号", NULL}},
    {"kuaishou", "快手", {"快手", "快手号", NULL}},
    {"baidu", "百度", {"百度", "百家号", NULL}},
    {"app", "客户端", {"客户端", "移动客户端", NULL}},
    {"other", "其他", {"其他", "其它", NULL}},
};

const char *reg_platform_code(const char *name) {
    for (size_t i = 0; i < sizeof reg_platforms / sizeof *reg_platforms; i++) {
        const reg_platform *p = &reg_platforms[i];
        if (strcasecmp(name, p->code) == 0) return p->code;
        for (size_t j = 0; p->names[j]; j++)
            if (strcasecmp(name, p->names[j]) == 0) return p->code;
    }
    return NULL;
}

const char *reg_platform_label(const char *code) {
    for (size_t i = 0; i < sizeof reg_platforms / sizeof *reg_platforms; i++)
        if (strcmp(code, reg_platforms[i].code) == 0) return reg_platforms[i].label;
    return code;
}

/* ---- validators --------------------------------------------------------- */

bool reg_site_code_valid(const char *code) {
    size_t n = strlen(code);
    const char *digits = code;
    size_t want = 10;
    if (n == 10 && (code[0] == 'b' || code[0] == 'B') && (code[1] == 'm' || code[1] == 'M')) {
        digits = code + 2;
        want = 8;
    }
    if (strlen(digits) != want) return false;
    for (size_t i = 0; i < want; i++)
        if (!isdigit((unsigned char)digits[i])) return false;
    return true;
}

bool reg_url_normalize(const char *in, sbuf *out, bool *guessed, err *e) {
    *guessed = false;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return err_set(e, ERR_INPUT, L("URL contains a space or control character",
                                           "网址含有空格或控制字符"));
    if (!*in) return err_set(e, ERR_INPUT, L("URL is empty", "网址为空"));
    sbuf candidate = SBUF_INIT;
    const char *sep = strstr(in, "://");
    if (!sep) {
        /* Registries exported from offices often omit the scheme. */
        sbuf_puts(&candidate, "http://");
        *guessed = true;
    } else {
        size_t slen = (size_t)(sep - in);
        if (!((slen == 4 && strncasecmp(in, "http", 4) == 0) ||
              (slen == 5 && strncasecmp(in, "https", 5) == 0))) {
            sbuf_free(&candidate);
            return err_set(e, ERR_INPUT, L("URL scheme must be http or https: %.40s",
                                           "网址协议须为 http 或 https：%.40s"),
                           in);
        }
    }
    sbuf_puts(&candidate, in);
    bool ok = false;
    CURLU *u = curl_url();
    char *host = NULL, *full = NULL;
    if (!u || candidate.oom) {
        err_set(e, ERR_NOMEM, "out of memory");
    } else if (curl_url_set(u, CURLUPART_URL, sbuf_str(&candidate), CURLU_NON_SUPPORT_SCHEME) !=
               CURLUE_OK) {
        err_set(e, ERR_INPUT, L("not a valid URL: %.200s", "网址格式无效：%.200s"), in);
    } else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host ||
               !strchr(host, '.')) {
        err_set(e, ERR_INPUT, L("URL has no valid host name: %.200s", "网址缺少有效主机名：%.200s"),
                in);
    } else if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
        err_set(e, ERR_INPUT, L("not a valid URL: %.200s", "网址格式无效：%.200s"), in);
    } else {
        sbuf_puts(out, full);
        ok = !out->oom;
    }
    curl_free(host);
    curl_free(full);
    curl_url_cleanup(u);
    sbuf_free(&candidate);
    return ok;
}

/* ---- cells -------------------------------------------------------------- */



static bool reg_has_control(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < ' ' || *p == 0x7f) return true;
    return false;
}

/* One data row as read, before validation. */
typedef struct reg_row {
    long line;
    bool rejected;
    char *cell[REG_MAX_COLS]; /* trimmed copies, "" when absent */
} reg_row;

typedef struct reg_ctx {
    reg_kind kind;
    const char *path;
    const reg_column *cols;
    size_t ncols;
    int map[1024];          /* CSV column index -> our column, -1 ignored */
    size_t ncsv;
    reg_report_fn report;
    void *ud;
    reg_stats *st;
    char *csv_dir;
    reg_row *rows;
    size_t nrows, caprows;
} reg_ctx;

static void reg_say(reg_ctx *c, bool is_error, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void reg_say(reg_ctx *c, bool is_error, long line, const char *fmt, ...) {
    if (is_error) c->st->rejected++;
    else c->st->warnings++;
    va_list ap;
    va_start(ap, fmt);
    cells_vsay(c->path, line, is_error, c->report, c->ud, fmt, ap);
    va_end(ap);
}


static int reg_column_for(const reg_ctx *c, const char *header) {
    char key[256];
    cells_header_key(header, key, sizeof key);
    for (size_t i = 0; i < c->ncols; i++) {
        if (strcmp(key, c->cols[i].key) == 0) return (int)i;
        for (size_t j = 0; c->cols[i].aliases[j]; j++)
            if (strcmp(key, c->cols[i].aliases[j]) == 0) return (int)i;
    }
    return -1;
}

static bool reg_map_header(reg_ctx *c, const csv_row *h, err *e) {
    bool seen[REG_MAX_COLS] = {false};
    if (h->nfields > sizeof c->map / sizeof *c->map)
        return err_set(e, ERR_INPUT, L("%s:%ld: header has too many columns (%zu)",
                                       "%s:%ld：表头列数过多（%zu）"),
                       c->path, h->line, h->nfields);
    c->ncsv = h->nfields;
    for (size_t i = 0; i < h->nfields; i++) {
        int col = reg_column_for(c, h->fields[i]);
        c->map[i] = col;
        if (col < 0) {
            char key[256];
            cells_header_key(h->fields[i], key, sizeof key);
            if (*key)
                reg_say(c, false, h->line, L("unknown column '%.100s' ignored", "忽略未知列“%.100s”"),
                        key);
            continue;
        }
        if (seen[col])
            return err_set(e, ERR_INPUT, L("%s:%ld: column '%s' appears twice in the header",
                                           "%s:%ld：表头中“%s”列重复"),
                           c->path, h->line, c->cols[col].key);
        seen[col] = true;
    }
    sbuf missing = SBUF_INIT;
    for (size_t i = 0; i < c->ncols; i++)
        if (c->cols[i].required && !seen[i]) {
            if (missing.len) sbuf_puts(&missing, ", ");
            sbuf_puts(&missing, c->cols[i].key);
            if (c->cols[i].aliases[0]) sbuf_printf(&missing, " (%s)", c->cols[i].aliases[0]);
        }
    if (missing.len) {
        err_set(e, ERR_INPUT,
                L("%s:%ld: not a %s registry: the header lacks the required column(s) %s",
                  "%s:%ld：不是%s登记表：表头缺少必需列 %s"),
                c->path, h->line,
                c->kind == REG_SITES ? L("sites", "网站") : L("media", "新媒体"), sbuf_str(&missing));
        sbuf_free(&missing);
        return false;
    }
    sbuf_free(&missing);
    return true;
}

static bool reg_collect_row(reg_ctx *c, const csv_row *r) {
    if (c->nrows == c->caprows) {
        size_t cap = c->caprows ? c->caprows * 2 : 256;
        reg_row *p = realloc(c->rows, cap * sizeof *p);
        if (!p) return false;
        c->rows = p;
        c->caprows = cap;
    }
    reg_row *row = &c->rows[c->nrows];
    memset(row, 0, sizeof *row);
    row->line = r->line;
    c->nrows++;
    c->st->rows++;
    for (size_t i = 0; i < r->nfields; i++) {
        if (i >= c->ncsv) {
            /* Extra trailing cells: harmless when empty (Excel pads rows). */
            if (*cells_trim(r->fields[i]) && !row->rejected) {
                reg_say(c, true, r->line, L("row has %zu fields but the header has %zu",
                                            "该行有 %zu 个字段，但表头只有 %zu 列"),
                        r->nfields, c->ncsv);
                row->rejected = true;
            }
            continue;
        }
        int col = c->map[i];
        if (col < 0) continue;
        if (r->lens[i] > REG_MAX_CELL_BYTES && !row->rejected) {
            reg_say(c, true, r->line, L("value of column '%s' is longer than %d bytes",
                                        "“%s”列的值超过 %d 字节"),
                    c->cols[col].key, REG_MAX_CELL_BYTES);
            row->rejected = true;
        }
        cells_fold(r->fields[i], false);
        row->cell[col] = strdup(cells_trim(r->fields[i]));
        if (!row->cell[col]) return false;
    }
    for (size_t i = 0; i < c->ncols; i++)
        if (!row->cell[i] && !(row->cell[i] = strdup(""))) return false;
    return true;
}

static void reg_rows_free(reg_ctx *c) {
    for (size_t i = 0; i < c->nrows; i++)
        for (size_t j = 0; j < REG_MAX_COLS; j++) free(c->rows[i].cell[j]);
    free(c->rows);
}

/* ---- duplicate ids ------------------------------------------------------ */

static int reg_cmp_id(const void *a, const void *b) {
    const reg_row *x = *(reg_row *const *)a, *y = *(reg_row *const *)b;
    int d = strcmp(x->cell[0], y->cell[0]);
    return d ? d : (x->line > y->line) - (x->line < y->line);
}

/* Rejects every row whose id appears more than once: which of two rows is
 * right is for the office to say, not for the importer to guess. */
static bool reg_reject_duplicates(reg_ctx *c) {
    reg_row **idx = malloc((c->nrows ? c->nrows : 1) * sizeof *idx);
    if (!idx) return false;
    for (size_t i = 0; i < c->nrows; i++) idx[i] = &c->rows[i];
    qsort(idx, c->nrows, sizeof *idx, reg_cmp_id);
    for (size_t i = 0; i < c->nrows;) {
        size_t j = i + 1;
        while (j < c->nrows && strcmp(idx[i]->cell[0], idx[j]->cell[0]) == 0) j++;
        if (j - i > 1 && *idx[i]->cell[0]) {
            for (size_t k = i; k < j; k++) {
                long other = idx[k == i ? i + 1 : i]->line;
                if (!idx[k]->rejected)
                    reg_say(c, true, idx[k]->line,
                            L("id '%s' appears more than once in the file (also line %ld); "
                              "both rows rejected",
                              "编号“%s”在文件中重复出现（另见第 %ld 行），相关行均被拒绝"),
                            idx[k]->cell[0], other);
                idx[k]->rejected = true;
            }
        }
        i = j;
    }
    free(idx);
    return true;
}

/* ---- row validation ----------------------------------------------------- */

static bool reg_require(reg_ctx *c, reg_row *row, size_t col) {
    if (*row->cell[col]) return true;
    reg_say(c, true, row->line, L("required column '%s' is empty", "必填列“%s”为空"),
            c->cols[col].key);
    return false;
}

static bool reg_text_ok(reg_ctx *c, reg_row *row) {
    for (size_t i = 0; i < c->ncols; i++)
        if (reg_has_control(row->cell[i])) {
            reg_say(c, true, row->line, L("column '%s' contains control characters",
                                          "“%s”列含有控制字符"),
                    c->cols[i].key);
            return false;
        }
    return true;
}

/* "榆林市 / 横山区" -> "榆林市/横山区"; full-width slashes accepted. */
static char *reg_org_normalize(const char *in) {
    sbuf out = SBUF_INIT;
    char *copy = strdup(in);
    if (!copy) return NULL;
    sbuf tmp = SBUF_INIT;
    for (const char *p = copy; *p;) {
        if (strncmp(p, "／", 3) == 0) { sbuf_putc(&tmp, '/'); p += 3; }
        else sbuf_putc(&tmp, *p++);
    }
    char *rest = tmp.data ? tmp.data : copy + strlen(copy), *save = NULL;
    for (char *seg = strtok_r(rest, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        seg = cells_trim(seg);
        if (!*seg) continue;
        if (out.len) sbuf_putc(&out, '/');
        sbuf_puts(&out, seg);
    }
    sbuf_free(&tmp);
    free(copy);
    if (out.oom) {
        sbuf_free(&out);
        return NULL;
    }
    return sbuf_detach(&out);
}

static bool reg_parse_yes_no(const char *v, bool *out) {
    static const char *yes[] = {"yes", "y", "true", "1", "是", "有", NULL};
    static const char *no[] = {"no", "n", "false", "0", "否", "无", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcasecmp(v, yes[i]) == 0) return (*out = true), true;
    for (size_t i = 0; no[i]; i++)
        if (strcasecmp(v, no[i]) == 0) return (*out = false), true;
    return false;
}

static const char *reg_site_kind(const char *v) {
    if (!*v) return "department";
    static const char *portal[] = {"portal", "门户", "门户网站", "政府门户网站", NULL};
    static const char *dept[] = {"department", "部门", "部门网站", NULL};
    for (size_t i = 0; portal[i]; i++)
        if (strcasecmp(v, portal[i]) == 0) return "portal";
    for (size_t i = 0; dept[i]; i++)
        if (strcasecmp(v, dept[i]) == 0) return "department";
    return NULL;
}

static bool reg_url_cell(reg_ctx *c, reg_row *row, const char *what, const char *value,
                         sbuf *out) {
    bool guessed;
    err e;
    if (!reg_url_normalize(value, out, &guessed, &e)) {
        reg_say(c, true, row->line, "%s: %s", what, e.msg);
        return false;
    }
    if (guessed)
        reg_say(c, false, row->line, L("%s '%.200s' has no scheme; taken as http://",
                                       "%s“%.200s”缺少协议，按 http:// 处理"),
                what, value);
    return true;
}

static bool reg_validate_site(reg_ctx *c, reg_row *row, site_rec *out, sbuf *url, sbuf *hosts) {
    char **v = row->cell;
    if (!reg_require(c, row, SC_CODE) || !reg_require(c, row, SC_NAME) ||
        !reg_require(c, row, SC_URL) || !reg_text_ok(c, row))
        return false;
    if (!reg_site_code_valid(v[SC_CODE])) {
        bool excel_number = strchr(v[SC_CODE], 'E') || strchr(v[SC_CODE], 'e') ||
                            strchr(v[SC_CODE], '.');
        reg_say(c, true, row->line, "%s%s",
                L("invalid 网站标识码: expected 10 digits or bm + 8 digits",
                  "网站标识码格式错误：应为10位数字或 bm 加8位数字"),
                excel_number ? L(" (a spreadsheet turned it into a number: format the column as "
                                 "text)",
                                 "（表格软件将其转成了数字，请把该列设为文本格式）")
                             : "");
        return false;
    }
    if (tolower((unsigned char)v[SC_CODE][0]) == 'b') v[SC_CODE][0] = 'b', v[SC_CODE][1] = 'm';
    if (!reg_url_cell(c, row, "url", v[SC_URL], url)) return false;
    /* hosts: further hosts or URL prefixes, space separated (commas too). */
    char *save = NULL;
    for (char *tok = strtok_r(v[SC_HOSTS], " ,;\t", &save); tok; tok = strtok_r(NULL, " ,;\t", &save)) {
        sbuf one = SBUF_INIT;
        bool guessed;
        err e;
        if (!reg_url_normalize(tok, &one, &guessed, &e)) {
            reg_say(c, true, row->line, "hosts: %s", e.msg);
            sbuf_free(&one);
            return false;
        }
        if (hosts->len) sbuf_putc(hosts, ' ');
        /* A bare host stays a host; a URL prefix keeps its scheme and path. */
        sbuf_puts(hosts, guessed && !strchr(tok, '/') ? tok : sbuf_str(&one));
        sbuf_free(&one);
    }
    const char *kind = reg_site_kind(v[SC_KIND]);
    if (!kind) {
        reg_say(c, true, row->line, L("kind must be portal or department, got '%.60s'",
                                      "网站类型应为 portal（门户）或 department（部门），实为“%.60s”"),
                v[SC_KIND]);
        return false;
    }
    bool services = true;
    if (*v[SC_SERVICES] && !reg_parse_yes_no(v[SC_SERVICES], &services)) {
        reg_say(c, true, row->line, L("services must be yes or no, got '%.60s'",
                                      "办事服务应为 yes 或 no，实为“%.60s”"),
                v[SC_SERVICES]);
        return false;
    }
    out->code = v[SC_CODE];
    out->name = v[SC_NAME];
    out->url = (char *)sbuf_str(url);
    out->hosts = (char *)sbuf_str(hosts);
    out->unit = v[SC_UNIT];
    out->kind = (char *)kind;
    out->services = services;
    out->icp = v[SC_ICP];
    out->psb = v[SC_PSB];
    return true;
}

static bool reg_validate_media(reg_ctx *c, reg_row *row, media_rec *out, sbuf *source) {
    char **v = row->cell;
    if (!reg_require(c, row, MC_ID) || !reg_require(c, row, MC_PLATFORM) ||
        !reg_require(c, row, MC_NAME) || !reg_require(c, row, MC_SOURCE) || !reg_text_ok(c, row))
        return false;
    if (strlen(v[MC_ID]) > 64 || strpbrk(v[MC_ID], " \t/\\")) {
        reg_say(c, true, row->line, L("media_id must be at most 64 bytes without spaces or slashes",
                                      "新媒体编号不得超过64字节，且不能含空格或斜杠"));
        return false;
    }
    const char *platform = reg_platform_code(v[MC_PLATFORM]);
    if (!platform) {
        reg_say(c, true, row->line,
                L("unknown platform '%.60s' (expected 微信, 微博, 抖音, 今日头条, 快手, 百度, 客户端, "
                  "其他 or wechat, weibo, douyin, toutiao, kuaishou, baidu, app, other)",
                  "未知平台“%.60s”（应为 微信、微博、抖音、今日头条、快手、百度、客户端、其他）"),
                v[MC_PLATFORM]);
        return false;
    }
    const char *src = v[MC_SOURCE];
    if (strstr(src, "://")) {
        if (!reg_url_cell(c, row, "source", src, source)) return false;
    } else {
        char *abs = path_join_absolute(c->csv_dir, src);
        if (!abs) return false;
        struct stat sb;
        if (stat(abs, &sb) != 0)
            reg_say(c, false, row->line, L("source '%.200s' does not exist (yet)",
                                           "数据来源“%.200s”不存在（或尚未生成）"),
                    abs);
        sbuf_puts(source, abs);
        free(abs);
    }
    out->media_id = v[MC_ID];
    out->platform = (char *)platform;
    out->name = v[MC_NAME];
    out->unit = v[MC_UNIT];
    out->source = (char *)sbuf_str(source);
    return true;
}

/* ---- import ------------------------------------------------------------- */

static bool reg_store_row(reg_ctx *c, store *s, reg_row *row, err *e) {
    store_upsert result = STORE_UNCHANGED;
    bool ok = true;
    sbuf a = SBUF_INIT, b = SBUF_INIT;
    char *org = reg_org_normalize(row->cell[c->kind == REG_SITES ? SC_ORG : MC_ORG]);
    if (!org) return err_set(e, ERR_NOMEM, "out of memory");
    if (c->kind == REG_SITES) {
        site_rec r = {0};
        if (reg_validate_site(c, row, &r, &a, &b)) {
            r.org = org;
            ok = store_site_upsert(s, &r, &result, e);
        } else {
            row->rejected = true;
        }
    } else {
        media_rec r = {0};
        if (reg_validate_media(c, row, &r, &a)) {
            r.org = org;
            ok = store_media_upsert(s, &r, &result, e);
        } else {
            row->rejected = true;
        }
    }
    if (ok && !row->rejected) {
        if (result == STORE_INSERTED) c->st->inserted++;
        else if (result == STORE_UPDATED) c->st->updated++;
        else c->st->unchanged++;
    }
    free(org);
    sbuf_free(&a);
    sbuf_free(&b);
    return ok;
}

static bool reg_read_rows(reg_ctx *c, const textenc_result *text, err *e) {
    csv_options opt = {.delimiter = 0, .max_record_bytes = 0, .max_fields = 0};
    csv_reader *r = csv_open(text->text, text->len, &opt);
    if (!r) return err_set(e, ERR_NOMEM, "out of memory");
    csv_row row;
    err rerr;
    bool ok = true, have_header = false;
    for (;;) {
        csv_status st = csv_next(r, &row, &rerr);
        if (st == CSV_EOF) break;
        if (st == CSV_FATAL) {
            if (!have_header) {
                ok = err_set(e, ERR_INPUT, "%s:%s", c->path, rerr.msg);
                break;
            }
            c->st->stopped = true;
            reg_say(c, true, row.line, "%s %s", csv_error_reason(rerr.msg),
                    L("(reading stopped; the rows before it are kept)",
                      "（读取在此停止，之前的行已保留）"));
            break;
        }
        if (st == CSV_BAD_ROW) {
            if (!have_header) {
                ok = err_set(e, ERR_INPUT, L("%s: not a registry: %s", "%s：不是登记表：%s"),
                             c->path, rerr.msg);
                break;
            }
            c->st->rows++;
            reg_say(c, true, row.line, "%s", csv_error_reason(rerr.msg));
            continue;
        }
        if (!have_header) {
            if (!(ok = reg_map_header(c, &row, e))) break;
            have_header = true;
            continue;
        }
        if (!(ok = reg_collect_row(c, &row))) {
            err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
    }
    csv_close(r);
    if (ok && !have_header)
        ok = err_set(e, ERR_INPUT, L("%s: not a registry: the file is empty", "%s：不是登记表：文件为空"),
                     c->path);
    return ok;
}

bool reg_import(store *s, reg_kind kind, const char *path, reg_report_fn report, void *ud,
                reg_stats *st, err *e) {
    memset(st, 0, sizeof *st);
    reg_ctx c = {.kind = kind, .path = path, .report = report, .ud = ud, .st = st};
    c.cols = kind == REG_SITES ? reg_site_columns : reg_media_columns;
    while (c.cols[c.ncols].key) c.ncols++;

    char *raw = NULL;
    size_t rawlen = 0;
    if (!file_read_all(path, REG_MAX_FILE_BYTES, &raw, &rawlen, e)) return false;
    textenc_result text = {0};
    bool ok = textenc_decode(raw, rawlen, NULL, NULL, &text, e);
    free(raw);
    if (!ok) return false;
    snprintf(st->charset, sizeof st->charset, "%s", text.charset);
    if (text.replaced)
        reg_say(&c, false, 0, L("%zu byte sequences are not valid %s and were replaced",
                                "有 %zu 处字节序列不是有效的 %s，已替换"),
                text.replaced, text.charset);
    c.csv_dir = path_dir_absolute(strcmp(path, "-") == 0 ? "./-" : path);
    ok = c.csv_dir && reg_read_rows(&c, &text, e);
    textenc_result_free(&text);

    if (ok) ok = reg_reject_duplicates(&c) || err_set(e, ERR_NOMEM, "out of memory");
    if (ok) {
        progress_start(kind == REG_SITES ? L("importing sites", "导入网站")
                                         : L("importing media", "导入新媒体"),
                       (long)c.nrows);
        ok = store_begin(s, e);
        for (size_t i = 0; ok && i < c.nrows; i++) {
            if (!c.rows[i].rejected) ok = reg_store_row(&c, s, &c.rows[i], e);
            progress_update((long)i + 1);
        }
        progress_done();
        if (ok) ok = store_commit(s, e);
        else store_rollback(s);
    }
    reg_rows_free(&c);
    free(c.csv_dir);
    return ok;
}
