#include "report/report.h"

#include "core/date.h"
#include "core/fileio.h"
#include "core/grow.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "core/strmap.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- template ---------------------------------------------------------- */

#define TPL_MAX_BYTES (1u << 20)
#define TPL_MAX_DEPTH 8

typedef enum { TPL_PARA, TPL_IF, TPL_ENDIF, TPL_SECTION } tpl_kind;

typedef struct tpl_item {
    tpl_kind kind;
    doc_style style;
    char *text; /* paragraph text, condition or section name */
    int line;
} tpl_item;

typedef struct tpl_var {
    char *name, *value;
    int line;
} tpl_var;

struct report_template {
    char *name;
    tpl_item *items;
    size_t nitems, cap_items;
    tpl_var *vars; /* @set, then --set replacing */
    size_t nvars, cap_vars;
    tpl_var *phrases;
    size_t nphrases, cap_phrases;
};

static const struct {
    const char *word;
    doc_style style;
} tpl_styles[] = {{"office", DOC_OFFICE},       {"title", DOC_TITLE}, {"addressee", DOC_ADDRESSEE},
                  {"h1", DOC_HEADING1},         {"h2", DOC_HEADING2}, {"body", DOC_BODY},
                  {"signature", DOC_SIGNATURE}};

static const char *const tpl_conditions[] = {"previous", "sites_failed", "media_failed", "pending", NULL};
static const char *const tpl_sections[] = {"problems", "appendices", NULL};

static bool in_set(const char *s, const char *const *set) {
    for (; *set; set++)
        if (strcmp(s, *set) == 0) return true;
    return false;
}

void report_template_free(report_template *t) {
    if (!t) return;
    for (size_t i = 0; i < t->nitems; i++) free(t->items[i].text);
    for (size_t i = 0; i < t->nvars; i++) {
        free(t->vars[i].name);
        free(t->vars[i].value);
    }
    for (size_t i = 0; i < t->nphrases; i++) {
        free(t->phrases[i].name);
        free(t->phrases[i].value);
    }
    free(t->items);
    free(t->vars);
    free(t->phrases);
    free(t->name);
    free(t);
}

static bool var_put(tpl_var **v, size_t *n, size_t *cap, const char *name, const char *value,
                    int line) {
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].name, name) == 0) {
            char *nv = strdup(value);
            if (!nv) return false;
            free((*v)[i].value);
            (*v)[i].value = nv;
            (*v)[i].line = line;
            return true;
        }
    if (!grow_for_one(v, cap, *n, sizeof **v, 16)) return false;
    tpl_var *x = &(*v)[*n];
    x->name = strdup(name);
    x->value = strdup(value);
    x->line = line;
    if (!x->name || !x->value) {
        free(x->name);
        free(x->value);
        return false;
    }
    (*n)++;
    return true;
}

bool report_template_set(report_template *t, const char *name, const char *value, err *e) {
    if (!name || !*name || strchr(name, '{') || strchr(name, '}'))
        return err_set(e, ERR_USAGE, L("not a variable name: '%s'", "不是变量名：“%s”"), name ? name : "");
    if (!var_put(&t->vars, &t->nvars, &t->cap_vars, name, value ? value : "", 0))
        return err_set(e, ERR_NOMEM, "out of memory");
    return true;
}

/* Splits "WORD REST" after the style word; REST may be empty. */
static void split_word(char *s, char **word, char **rest) {
    *word = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (*s) *s++ = '\0';
    while (*s == ' ' || *s == '\t') s++;
    *rest = s;
}

report_template *report_template_parse(const char *text, size_t len, const char *name, err *e) {
    if (len > TPL_MAX_BYTES) {
        err_set(e, ERR_INPUT, L("%s: a template is at most 1 MiB", "%s：模板不得超过 1 MiB"), name);
        return NULL;
    }
    report_template *t = calloc(1, sizeof *t);
    char *copy = malloc(len + 1);
    if (!t || !copy || !(t->name = strdup(name))) {
        free(copy);
        report_template_free(t);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (strlen(copy) != len) {
        free(copy);
        report_template_free(t);
        err_set(e, ERR_INPUT, L("%s: not a text file (NUL byte)", "%s：不是文本文件（含 NUL 字节）"), name);
        return NULL;
    }
    bool ok = true;
    int depth = 0, lineno = 0;
    char *p = copy;
    if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    while (ok && p && *p) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        lineno++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\t')) p[--l] = '\0';
        char *line = p;
        p = nl ? nl + 1 : NULL;
        if (!*line || *line == '#') continue;
        if (*line != '@') {
            ok = err_set(e, ERR_INPUT, L("%s:%d: a line starts with @style, @set, @phrase, @if, @endif or @section",
                                         "%s:%d：每行须以 @样式、@set、@phrase、@if、@endif 或 @section 开头"),
                         name, lineno);
            break;
        }
        char *word, *rest;
        split_word(line + 1, &word, &rest);
        if (strcmp(word, "set") == 0 || strcmp(word, "phrase") == 0) {
            char *vname, *value;
            split_word(rest, &vname, &value);
            if (!*vname) {
                ok = err_set(e, ERR_INPUT, L("%s:%d: @%s needs a name", "%s:%d：@%s 缺少名称"), name, lineno, word);
                break;
            }
            bool is_set = strcmp(word, "set") == 0;
            if (!(is_set ? var_put(&t->vars, &t->nvars, &t->cap_vars, vname, value, lineno)
                         : var_put(&t->phrases, &t->nphrases, &t->cap_phrases, vname, value, lineno)))
                ok = err_set(e, ERR_NOMEM, "out of memory");
            continue;
        }
        tpl_item it = {.line = lineno};
        bool known = false;
        for (size_t i = 0; i < sizeof tpl_styles / sizeof *tpl_styles; i++)
            if (strcmp(word, tpl_styles[i].word) == 0) {
                it.kind = TPL_PARA;
                it.style = tpl_styles[i].style;
                known = true;
            }
        if (!known && strcmp(word, "if") == 0) {
            const char *cond = strncmp(rest, "not ", 4) == 0 ? rest + 4 : rest;
            if (!in_set(cond, tpl_conditions)) {
                ok = err_set(e, ERR_INPUT, L("%s:%d: unknown condition '%s' (previous, sites_failed, media_failed, pending)",
                                             "%s:%d：未知条件“%s”（previous、sites_failed、media_failed、pending）"),
                             name, lineno, rest);
                break;
            }
            it.kind = TPL_IF;
            depth++;
            known = true;
        } else if (!known && strcmp(word, "endif") == 0) {
            if (--depth < 0) {
                ok = err_set(e, ERR_INPUT, L("%s:%d: @endif without @if", "%s:%d：@endif 没有对应的 @if"), name, lineno);
                break;
            }
            it.kind = TPL_ENDIF;
            known = true;
        } else if (!known && strcmp(word, "section") == 0) {
            if (!in_set(rest, tpl_sections)) {
                ok = err_set(e, ERR_INPUT, L("%s:%d: unknown section '%s' (problems, appendices)",
                                             "%s:%d：未知部分“%s”（problems、appendices）"),
                             name, lineno, rest);
                break;
            }
            it.kind = TPL_SECTION;
            known = true;
        }
        if (!known) {
            ok = err_set(e, ERR_INPUT, L("%s:%d: unknown directive @%s", "%s:%d：未知指令 @%s"), name, lineno, word);
            break;
        }
        if (!grow_for_one(&t->items, &t->cap_items, t->nitems, sizeof *t->items, 16) || !(it.text = strdup(rest))) {
            ok = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        t->items[t->nitems++] = it;
    }
    if (ok && depth != 0)
        ok = err_set(e, ERR_INPUT, L("%s: @if without @endif", "%s：@if 缺少 @endif"), name);
    free(copy);
    if (!ok) {
        report_template_free(t);
        return NULL;
    }
    return t;
}

report_template *report_template_load(const char *path, err *e) {
    size_t len = 0;
    char *text = NULL;
    if (!file_read_all(path, TPL_MAX_BYTES, &text, &len, e)) return NULL;
    report_template *t = report_template_parse(text, len, path, e);
    free(text);
    return t;
}

/* ---- placeholders ------------------------------------------------------ */

typedef struct fill {
    strmap *vars; /* name -> char* */
    int counter;  /* {序}: （一）, （二） … within the current @h1 */
    const report_template *t;
    err *e;
    bool failed;
} fill;

static void fill_free_value(void *v) { free(v); }

static bool fill_set(fill *f, const char *name, const char *value) {
    char *v = strdup(value ? value : "");
    void *old = NULL;
    if (!v || !strmap_put(f->vars, name, v, &old)) {
        free(v);
        f->failed = true;
        return err_set(f->e, ERR_NOMEM, "out of memory");
    }
    free(old);
    return true;
}

static bool fill_setf(fill *f, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fill_setf(fill *f, const char *name, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return fill_set(f, name, buf);
}

/* Appends text with its placeholders replaced; `line` names the template
 * line in errors. */
static bool expand(fill *f, const char *text, int line, int depth, sbuf *out) {
    if (depth > TPL_MAX_DEPTH)
        return err_set(f->e, ERR_INPUT, L("%s:%d: placeholders nest too deep (a variable refers to itself?)",
                                          "%s:%d：占位符嵌套过深（变量引用了自身？）"),
                       f->t->name, line);
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, '{');
        if (!open) {
            sbuf_puts(out, p);
            break;
        }
        sbuf_append(out, p, (size_t)(open - p));
        const char *close = strchr(open + 1, '}');
        if (!close || close == open + 1 || close - open > 64) {
            sbuf_append(out, open, 1);
            p = open + 1;
            continue;
        }
        char name[72];
        snprintf(name, sizeof name, "%.*s", (int)(close - open - 1), open + 1);
        if (strcmp(name, "序") == 0) {
            static const char *const nums[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
            int i = f->counter++;
            if (i < 10) sbuf_printf(out, "（%s）", nums[i]);
            else sbuf_printf(out, "（%d）", i + 1);
            p = close + 1;
            continue;
        }
        const char *v = strmap_get(f->vars, name);
        if (!v)
            return err_set(f->e, ERR_INPUT, L("%s:%d: unknown placeholder {%s}", "%s:%d：未知占位符 {%s}"),
                           f->t->name, line, name);
        if (!expand(f, v, line, depth + 1, out)) return false;
        p = close + 1;
    }
    return true;
}

static const tpl_var *phrase_get(const report_template *t, const char *name) {
    for (size_t i = 0; i < t->nphrases; i++)
        if (strcmp(t->phrases[i].name, name) == 0) return &t->phrases[i];
    return NULL;
}

/* Expands phrase `name` into out; a missing phrase is an error. */
static bool expand_phrase(fill *f, const char *name, sbuf *out) {
    const tpl_var *ph = phrase_get(f->t, name);
    if (!ph)
        return err_set(f->e, ERR_INPUT, L("%s: the template has no @phrase %s", "%s：模板缺少 @phrase %s"),
                       f->t->name, name);
    return expand(f, ph->value, ph->line, 0, out);
}

/* ---- round figures ------------------------------------------------------ */

static const char *const cn_digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

/* "2020年第三季度" -> year "2020", period "第三季度", short "三季度".
 * Without a label: the quarter of the as-of date. */
static void label_parts(const char *label, const char *as_of, char *year, size_t ysz, char *period,
                        size_t psz) {
    const char *nian = label ? strstr(label, "年") : NULL;
    int y = 0, m = 0, d = 0;
    bool have_date = as_of && date_parse_ymd(as_of, &y, &m, &d);
    if (label && *label && nian) {
        snprintf(year, ysz, "%.*s", (int)(nian - label), label);
        snprintf(period, psz, "%s", nian + strlen("年"));
    } else if (label && *label) {
        snprintf(year, ysz, "%d", have_date ? y : 0);
        snprintf(period, psz, "%s", label);
    } else {
        snprintf(year, ysz, "%d", have_date ? y : 0);
        snprintf(period, psz, "第%s季度", cn_digits[have_date ? (m - 1) / 3 + 1 : 0]);
    }
}

static void rate(const rules *r, int num, int den, char *out, size_t outsz) {
    verdict_format_rate(num, den, (int)rules_number(r, "verdict/pass_rate_decimals"), out, outsz);
}

static void set_totals(fill *f, const rules *r, const char *prefix, const verdict_totals *t) {
    char name[64], buf[32];
    int checked = t->pass + t->fail;
    snprintf(name, sizeof name, "%s总数", prefix);
    fill_setf(f, name, "%d", t->registered);
    snprintf(name, sizeof name, "%s检查数", prefix);
    fill_setf(f, name, "%d", checked);
    snprintf(name, sizeof name, "%s检查比例", prefix);
    rate(r, checked, t->registered, buf, sizeof buf);
    fill_set(f, name, buf);
    snprintf(name, sizeof name, "%s合格数", prefix);
    fill_setf(f, name, "%d", t->pass);
    snprintf(name, sizeof name, "%s合格率", prefix);
    rate(r, t->pass, checked, buf, sizeof buf);
    fill_set(f, name, buf);
    snprintf(name, sizeof name, "%s不合格数", prefix);
    fill_setf(f, name, "%d", t->fail);
    snprintf(name, sizeof name, "%s不合格率", prefix);
    rate(r, t->fail, checked, buf, sizeof buf);
    fill_set(f, name, buf);
    snprintf(name, sizeof name, "%s待审核数", prefix);
    fill_setf(f, name, "%d", t->pending);
    snprintf(name, sizeof name, "%s无法判定数", prefix);
    fill_setf(f, name, "%d", t->unknown);
}

/* How a report names an account: 微信公众号“名称”. */
static void media_title(const verdict *v, sbuf *out) {
    const char *kind = v->platform;
    if (strcmp(v->kind, "wechat") == 0) kind = "微信公众号";
    else if (strcmp(v->kind, "weibo") == 0) kind = "微博";
    else if (strcmp(v->kind, "douyin") == 0) kind = "抖音号";
    else if (strcmp(v->kind, "toutiao") == 0) kind = "头条号";
    else if (strcmp(v->kind, "kuaishou") == 0) kind = "快手号";
    sbuf_printf(out, "%s“%s”", kind, v->name);
}

/* The recheck sentence of one kind of target. */
static bool recheck(fill *f, const report_input *in, bool sites, sbuf *out) {
    const verdict_set *prev = in->prev;
    int n = 0, k = 0, unchecked = 0;
    sbuf left = SBUF_INIT, gone = SBUF_INIT;
    for (size_t i = 0; i < prev->n; i++) {
        const verdict *pv = &prev->v[i];
        if (pv->is_site != sites || pv->state != VERDICT_FAIL) continue;
        n++;
        const verdict *cv = verdict_find(in->cur, sites, pv->id);
        if (!cv || !cv->checked) {
            if (unchecked++) sbuf_puts(&gone, "、");
            sbuf_puts(&gone, pv->name);
        } else if (cv->state == VERDICT_PASS) {
            k++;
        } else {
            if (left.len) sbuf_puts(&left, "、");
            sbuf_puts(&left, cv->name);
        }
    }
    int m = n - k - unchecked;
    const char *which = sites ? "复核网站" : "复核新媒体";
    char phrase[64];
    snprintf(phrase, sizeof phrase, "%s.%s", which, n == 0 ? "无" : m == 0 ? "全部整改" : "部分整改");
    fill_setf(f, "n", "%d", n);
    fill_setf(f, "k", "%d", k);
    fill_setf(f, "m", "%d", m);
    fill_set(f, "名单", sbuf_str(&left));
    bool ok = expand_phrase(f, phrase, out);
    if (ok && unchecked) {
        fill_setf(f, "m", "%d", unchecked);
        fill_set(f, "名单", sbuf_str(&gone));
        sbuf_puts(out, "，");
        ok = expand_phrase(f, "未复核", out);
    }
    sbuf_free(&left);
    sbuf_free(&gone);
    return ok;
}

/* ---- the generated sections --------------------------------------------- */

/* Distinct phrases of failing targets of one kind, in first-seen order of
 * the appendix. */
typedef struct phrase_group {
    const char *phrase;
    const verdict **targets;
    size_t n, cap;
} phrase_group;

static int cmp_appendix(const void *a, const void *b) {
    const verdict *x = *(const verdict *const *)a, *y = *(const verdict *const *)b;
    int gx = x->group < 0 ? 1 << 20 : x->group, gy = y->group < 0 ? 1 << 20 : y->group;
    if (gx != gy) return gx < gy ? -1 : 1;
    return x < y ? -1 : x > y; /* registry order: the set is in it */
}

/* Failing targets of one kind in appendix order; caller frees the array. */
static const verdict **failing(const verdict_set *vs, bool sites, size_t *n) {
    const verdict **v = calloc(vs->n ? vs->n : 1, sizeof *v);
    *n = 0;
    if (!v) return NULL;
    for (size_t i = 0; i < vs->n; i++)
        if (vs->v[i].is_site == sites && vs->v[i].state == VERDICT_FAIL) v[(*n)++] = &vs->v[i];
    qsort(v, *n, sizeof *v, cmp_appendix);
    return v;
}

static bool had_veto_before(const report_input *in, const verdict *v, const char *code) {
    if (!in->prev) return false;
    const verdict *pv = verdict_find(in->prev, v->is_site, v->id);
    return pv && verdict_has_veto(pv, code);
}

static const char *indicator_name(const rules *r, const char *code) {
    char path[160];
    snprintf(path, sizeof path, "indicators/%s/name", code);
    return rules_has(r, path) ? rules_string(r, path) : code;
}

/* One paragraph per veto of failing targets, naming up to `max_named`. */
static void problems_of(doc *d, const report_input *in, bool sites, const char *heading) {
    const rules *r = in->r;
    size_t n = 0;
    const verdict **fails = failing(in->cur, sites, &n);
    sbuf p = SBUF_INIT;
    sbuf_puts(&p, heading);
    if (!fails || n == 0) {
        sbuf_puts(&p, sites ? "本轮检查未发现存在单项否决问题或综合得分低于60分的政府网站。"
                            : "本轮检查未发现不合格的政府系统政务新媒体。");
        doc_para(d, DOC_BODY, sbuf_str(&p));
        sbuf_free(&p);
        free(fails);
        return;
    }
    const char *order = sites ? "report/sites/cell_order" : "report/media/cell_order";
    size_t no = rules_list_len(r, order);
    bool first = true;
    for (size_t o = 0; o < no; o++) {
        const char *code = rules_list_item(r, order, o);
        bool is_score = strcmp(code, "score") == 0;
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++)
            if (is_score ? fails[i]->nvetoes == 0 : verdict_has_veto(fails[i], code)) cnt++;
        if (!cnt) continue;
        sbuf_puts(&p, first ? "" : "；");
        first = false;
        sbuf_printf(&p, "%s%zu个，如", is_score ? "综合得分低于60分的" : indicator_name(r, code), cnt);
        size_t named = 0;
        for (size_t i = 0; i < n && named < 5; i++) {
            const verdict *v = fails[i];
            if (!(is_score ? v->nvetoes == 0 : verdict_has_veto(v, code))) continue;
            if (named++) sbuf_puts(&p, "、");
            if (sites) sbuf_printf(&p, "“%s”", v->name);
            else media_title(v, &p);
            /* How many columns, as an office would say it. */
            if (sites && strcmp(code, "site.column_stale") == 0) {
                if (v->stale_columns) sbuf_printf(&p, "（%d个栏目未及时更新", v->stale_columns);
                if (v->blank_columns)
                    sbuf_printf(&p, "%s%d个空白栏目", v->stale_columns ? "，" : "（", v->blank_columns);
                if (v->stale_columns || v->blank_columns) sbuf_puts(&p, "）");
            }
        }
        if (cnt > named) sbuf_puts(&p, "等");
    }
    sbuf_puts(&p, "。");
    /* Targets that fail the same veto as last round are named as such. */
    for (size_t o = 0; o < no && in->prev; o++) {
        const char *code = rules_list_item(r, order, o);
        if (strcmp(code, "score") == 0) continue;
        sbuf names = SBUF_INIT;
        int cnt = 0;
        for (size_t i = 0; i < n; i++)
            if (verdict_has_veto(fails[i], code) && had_veto_before(in, fails[i], code)) {
                if (cnt++) sbuf_puts(&names, "、");
                if (sites) sbuf_printf(&names, "“%s”", fails[i]->name);
                else media_title(fails[i], &names);
            }
        if (cnt) {
            /* The phrase the appendix gives for this veto. */
            const char *phrase = indicator_name(r, code);
            for (size_t i = 0; i < n; i++)
                if (verdict_has_veto(fails[i], code) && fails[i]->nproblems) {
                    for (size_t k = 0; k < fails[i]->nvetoes; k++)
                        if (strcmp(fails[i]->vetoes[k], code) == 0 && k < fails[i]->nproblems)
                            phrase = fails[i]->problems[k];
                    break;
                }
            sbuf_printf(&p, "%s连续两个季度监测仍%s。", sbuf_str(&names), phrase);
        }
        sbuf_free(&names);
    }
    doc_para(d, DOC_BODY, sbuf_str(&p));
    sbuf_free(&p);
    free(fails);
}

/* Deductions across the websites, most frequent first. */
static void deductions_of(doc *d, const report_input *in) {
    const rules *r = in->r;
    size_t nind = rules_keys_len(r, "indicators");
    sbuf p = SBUF_INIT;
    int listed = 0;
    for (size_t k = 0; k < nind; k++) {
        const char *code = rules_key(r, "indicators", k);
        char path[160];
        snprintf(path, sizeof path, "indicators/%s/type", code);
        if (strcmp(rules_string(r, path), "deduction") != 0) continue;
        int sites = 0;
        const char *example = NULL;
        for (size_t i = 0; i < in->cur->nsites; i++) {
            const verdict *v = &in->cur->v[i];
            for (size_t j = 0; j < v->ndeductions; j++)
                if (strcmp(v->deductions[j].indicator, code) == 0 && v->deductions[j].count > 0) {
                    sites++;
                    if (!example) example = v->name;
                }
        }
        if (!sites) continue;
        snprintf(path, sizeof path, "indicators/%s/phrase", code);
        const char *phrase = rules_has(r, path) ? rules_string(r, path) : indicator_name(r, code);
        sbuf_printf(&p, "%s%s（%d个网站，如“%s”）", listed++ ? "，" : "", phrase, sites, example);
    }
    if (listed) {
        sbuf tmp = SBUF_INIT;
        sbuf_printf(&tmp, "扣分指标方面，部分网站仍存在以下问题：%s。", sbuf_str(&p));
        doc_para(d, DOC_BODY, sbuf_str(&tmp));
        sbuf_free(&tmp);
    }
    sbuf_free(&p);
}

static void section_problems(doc *d, const report_input *in) {
    problems_of(d, in, true, "（一）政府网站。");
    deductions_of(d, in);
    problems_of(d, in, false, "（二）政府系统政务新媒体。");
}

static void joined_problems(const rules *r, const verdict *v, sbuf *out) {
    const char *sep = rules_string(r, "report/separator");
    for (size_t i = 0; i < v->nproblems; i++) {
        if (i) sbuf_puts(out, sep);
        sbuf_puts(out, v->problems[i]);
    }
}

static void appendix(doc *d, const report_input *in, bool sites) {
    size_t n = 0;
    const verdict **fails = failing(in->cur, sites, &n);
    doc_page_break(d);
    doc_para(d, DOC_ATTACH_LABEL, sites ? "附件1" : "附件2");
    doc_para(d, DOC_ATTACH_TITLE,
             sites ? "检查发现存在严重问题的政府网站名单" : "检查发现不合格的政府系统政务新媒体名单");
    const char *hs[] = {"序号", "网站名称", "网站标识码", "存在的突出问题"};
    const char *hm[] = {"序号", "新媒体类型", "新媒体名称", "存在的主要问题"};
    const double ws[] = {0.08, 0.30, 0.17, 0.45}, wm[] = {0.08, 0.15, 0.32, 0.45};
    size_t t = doc_table(d, sites ? "附件1" : "附件2", 4, sites ? hs : hm, sites ? ws : wm);
    for (size_t i = 0; fails && i < n; i++) {
        const verdict *v = fails[i];
        char no[24];
        snprintf(no, sizeof no, "%zu", i + 1);
        sbuf cell = SBUF_INIT;
        joined_problems(in->r, v, &cell);
        const char *row_s[] = {no, v->name, v->id, sbuf_str(&cell)};
        const char *row_m[] = {no, v->platform, v->name, sbuf_str(&cell)};
        doc_table_row(d, t, sites ? row_s : row_m);
        sbuf_free(&cell);
    }
    free(fails);
}

/* The workbook's lists: every confirmed finding, and those awaiting review. */
typedef struct sheet_ctx {
    doc *d;
    size_t confirmed, pending;
    strmap *targets; /* "site:ID" -> verdict* */
    const rules *r;
    size_t nconfirmed, npending;
} sheet_ctx;

static bool sheet_row(const finding_rec *f, void *ud) {
    sheet_ctx *c = ud;
    bool confirmed = strcmp(f->status, "confirmed") == 0;
    if (!confirmed && strcmp(f->status, "pending") != 0) return true;
    char key[512];
    snprintf(key, sizeof key, "%s:%s", f->target_kind, f->target);
    const verdict *v = strmap_get(c->targets, key);
    if (!v) return true; /* outside --org */
    char no[24], path[160];
    snprintf(no, sizeof no, "%zu", confirmed ? ++c->nconfirmed : ++c->npending);
    snprintf(path, sizeof path, "indicators/%s/name", f->indicator);
    const char *ind_name = rules_has(c->r, path) ? rules_string(c->r, path) : "";
    const char *cells[] = {no,
                           v->is_site ? "政府网站" : v->platform,
                           f->target,
                           v->name,
                           v->unit,
                           f->indicator,
                           ind_name,
                           f->summary,
                           f->url,
                           f->source_url,
                           f->observed_at,
                           f->evidence,
                           f->reviewed_by,
                           f->review_note};
    doc_sheet_row(c->d, confirmed ? c->confirmed : c->pending, cells);
    return true;
}

static bool sheets(doc *d, const report_input *in, err *e) {
    const char *h[] = {"序号", "对象类型", "编号", "名称", "主办单位", "指标代码", "指标", "问题",
                       "网址", "所在页面", "发现时间", "证据", "审核人", "审核意见"};
    const double w[] = {0.04, 0.06, 0.08, 0.12, 0.10, 0.08, 0.08, 0.16, 0.08, 0.08, 0.06, 0.20, 0.04, 0.06};
    sheet_ctx c = {.d = d, .r = in->r, .targets = strmap_new()};
    if (!c.targets) return err_set(e, ERR_NOMEM, "out of memory");
    c.confirmed = doc_sheet(d, "问题清单", 14, h, w);
    c.pending = doc_sheet(d, "待审核", 14, h, w);
    for (size_t i = 0; i < in->cur->n; i++) {
        char key[512];
        snprintf(key, sizeof key, "%s:%s", in->cur->v[i].is_site ? "site" : "media", in->cur->v[i].id);
        strmap_put(c.targets, key, (void *)&in->cur->v[i], NULL);
    }
    bool ok = store_findings_each(in->s, in->round_id, NULL, sheet_row, &c, e);
    strmap_free(c.targets, NULL);
    return ok;
}

/* ---- building ------------------------------------------------------------ */

static bool condition(const report_input *in, const char *cond) {
    if (strncmp(cond, "not ", 4) == 0) return !condition(in, cond + 4);
    if (strcmp(cond, "previous") == 0) return in->prev != NULL;
    if (strcmp(cond, "sites_failed") == 0) return in->cur->sites.fail > 0;
    if (strcmp(cond, "media_failed") == 0) return in->cur->media.fail > 0;
    if (strcmp(cond, "pending") == 0) return in->cur->sites.pending + in->cur->media.pending > 0;
    return false;
}

doc *report_build(const report_input *in, const report_template *t, err *e) {
    const rules *r = in->r;
    fill f = {.vars = strmap_new(), .t = t, .e = e};
    if (!f.vars) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    /* Variables first, then the figures, which a template cannot override. */
    for (size_t i = 0; i < t->nvars; i++) fill_set(&f, t->vars[i].name, t->vars[i].value);
    char year[32], period[128];
    label_parts(in->cur->label, in->cur->as_of, year, sizeof year, period, sizeof period);
    fill_set(&f, "轮次", *in->cur->label ? in->cur->label : period);
    fill_set(&f, "年份", year);
    fill_set(&f, "本轮", period);
    fill_set(&f, "本轮简称", strncmp(period, "第", strlen("第")) == 0 ? period + strlen("第") : period);
    fill_set(&f, "今天", in->today ? in->today : "");
    if (in->prev) {
        char py[32], pp[128];
        label_parts(in->prev->label, in->prev->as_of, py, sizeof py, pp, sizeof pp);
        fill_set(&f, "上一轮", pp);
    } else {
        fill_set(&f, "上一轮", "");
    }
    set_totals(&f, r, "网站", &in->cur->sites);
    set_totals(&f, r, "新媒体", &in->cur->media);
    bool ok = !f.failed;
    if (ok && in->prev) {
        sbuf s1 = SBUF_INIT, s2 = SBUF_INIT;
        ok = recheck(&f, in, true, &s1) && recheck(&f, in, false, &s2) &&
             fill_set(&f, "复核网站", sbuf_str(&s1)) && fill_set(&f, "复核新媒体", sbuf_str(&s2));
        sbuf_free(&s1);
        sbuf_free(&s2);
    } else if (ok) {
        ok = fill_set(&f, "复核网站", "") && fill_set(&f, "复核新媒体", "");
    }
    /* The title is the first @title paragraph. */
    doc *d = NULL;
    sbuf title = SBUF_INIT;
    for (size_t i = 0; ok && i < t->nitems; i++)
        if (t->items[i].kind == TPL_PARA && t->items[i].style == DOC_TITLE) {
            ok = expand(&f, t->items[i].text, t->items[i].line, 0, &title);
            break;
        }
    if (ok && !(d = doc_new(sbuf_str(&title)))) ok = err_set(e, ERR_NOMEM, "out of memory");
    int skip = 0; /* depth of the innermost false @if */
    int depth = 0;
    for (size_t i = 0; ok && i < t->nitems; i++) {
        const tpl_item *it = &t->items[i];
        if (it->kind == TPL_IF) {
            depth++;
            if (!skip && !condition(in, it->text)) skip = depth;
            continue;
        }
        if (it->kind == TPL_ENDIF) {
            if (skip == depth) skip = 0;
            depth--;
            continue;
        }
        if (skip) continue;
        if (it->kind == TPL_SECTION) {
            if (strcmp(it->text, "problems") == 0) {
                section_problems(d, in);
            } else {
                appendix(d, in, true);
                appendix(d, in, false);
            }
            continue;
        }
        if (it->style == DOC_HEADING1) f.counter = 0;
        sbuf p = SBUF_INIT;
        ok = expand(&f, it->text, it->line, 0, &p);
        /* A paragraph that expands to nothing (an empty variable) is left out. */
        if (ok && p.len) doc_para(d, it->style, sbuf_str(&p));
        sbuf_free(&p);
    }
    if (ok && in->s) ok = sheets(d, in, e);
    sbuf_free(&title);
    strmap_free(f.vars, fill_free_value);
    if (!ok) {
        doc_free(d);
        return NULL;
    }
    return d;
}
