#include "checks/interaction.h"

#include "core/date.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/strmap.h"
#include "core/url.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IA "indicators/site.interaction/"
/* Caps against hostile sites: platform candidates fetched, messages kept,
 * message evidence listed, bytes of a list row read. */
#define IA_MAX_EXTERNAL 10
#define IA_MAX_MESSAGES 20000
#define IA_MAX_LISTED 10
#define IA_ROW_BYTES 2000

enum { IA_UNKNOWN = 0, IA_OPEN, IA_ANSWERED };

typedef struct ia_msg {
    char *url, *title, *list_url, *state_text;
    int ay, am, ad; /* asked; ay 0: unknown */
    int ry, rm, rd; /* replied; ry 0: unknown */
    int state;
    bool detail;    /* read from its detail page */
} ia_msg;

typedef struct ia_external {
    char *url, *text, *from;
    bool submit;    /* the link itself is a submission link */
    char *result;   /* what the fetch said, for evidence */
} ia_external;

typedef struct ia_state {
    url_scope *scope;
    strmap *channels;   /* internal URLs linked by a channel name */
    strmap *targets;    /* URLs linked from channel pages */
    strmap *forms;      /* pages with a submission form */
    strmap *msgs;       /* detail URL -> ia_msg* */
    ia_msg **order;     /* messages in order of discovery */
    size_t nmsgs, capmsgs;
    ia_external ext[IA_MAX_EXTERNAL];
    size_t next;
    char *effective;    /* the URL that showed a way to submit */
    json_t *seen;       /* channels seen, for interaction.none's evidence */
    bool judge;         /* the crawl was complete and fetched pages */
} ia_state;

static char *ia_strdup(const char *s) { return strdup(s ? s : ""); }

static void *ia_begin(check_ctx *c, const site_rec *site) {
    (void)c;
    ia_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    err e = {0};
    st->scope = url_scope_new(site->url, site->hosts, &e);
    st->channels = strmap_new();
    st->targets = strmap_new();
    st->forms = strmap_new();
    st->msgs = strmap_new();
    st->seen = json_array();
    return st;
}

static void ia_msg_free(void *p) {
    ia_msg *m = p;
    if (!m) return;
    free(m->url), free(m->title), free(m->list_url), free(m->state_text);
    free(m);
}

static void ia_free(void *p) {
    ia_state *st = p;
    if (!st) return;
    url_scope_free(st->scope);
    strmap_free(st->channels, NULL);
    strmap_free(st->targets, NULL);
    strmap_free(st->forms, NULL);
    strmap_free(st->msgs, ia_msg_free);
    free(st->order);
    for (size_t i = 0; i < st->next; i++)
        free(st->ext[i].url), free(st->ext[i].text), free(st->ext[i].from), free(st->ext[i].result);
    free(st->effective);
    json_decref(st->seen);
    free(st);
}

static bool ia_ready(const ia_state *st) {
    return st && st->scope && st->channels && st->targets && st->forms && st->msgs && st->seen;
}

static void ia_effective(ia_state *st, const char *url) {
    if (!st->effective) st->effective = ia_strdup(url);
}

/* A channel name that is not a petition or discipline-report one. */
static bool ia_channel_name(const check_ctx *c, const char *text) {
    return check_pattern_in(c, IA "channel_patterns", text) &&
           !check_pattern_in(c, IA "excluded_patterns", text);
}

static void ia_add_external(check_ctx *c, ia_state *st, const char *url, const char *text,
                            const char *from) {
    if (st->next >= IA_MAX_EXTERNAL) return;
    for (size_t i = 0; i < st->next; i++)
        if (!strcmp(st->ext[i].url, url)) return;
    ia_external *x = &st->ext[st->next++];
    x->url = ia_strdup(url);
    x->text = ia_strdup(text);
    x->from = ia_strdup(from);
    x->submit = check_pattern_in(c, IA "submit_patterns", text) != NULL;
}

/* ---- messages ---- */

static ia_msg *ia_msg_get(ia_state *st, const char *url) {
    ia_msg *m = strmap_get(st->msgs, url);
    if (m || st->nmsgs >= IA_MAX_MESSAGES) return m;
    if (st->nmsgs == st->capmsgs) {
        size_t cap = st->capmsgs ? st->capmsgs * 2 : 64;
        ia_msg **p = realloc(st->order, cap * sizeof *p);
        if (!p) return NULL;
        st->order = p, st->capmsgs = cap;
    }
    m = calloc(1, sizeof *m);
    if (!m || !(m->url = ia_strdup(url)) || !strmap_put(st->msgs, url, m, NULL)) {
        ia_msg_free(m);
        return NULL;
    }
    st->order[st->nmsgs++] = m;
    return m;
}

/* The state a text names; *word the state word found. */
static int ia_state_of(const check_ctx *c, const char *text, const char **word) {
    if ((*word = check_pattern_in(c, IA "open_states", text))) return IA_OPEN;
    if ((*word = check_pattern_in(c, IA "answered_states", text))) return IA_ANSWERED;
    return IA_UNKNOWN;
}

static void ia_set_state(ia_msg *m, int state, const char *word) {
    m->state = state;
    free(m->state_text);
    m->state_text = ia_strdup(word);
}

/* Whether the list's header row puts the reply column before the asked one
 * (标题 | 答复时间 | 留言时间). */
static bool ia_reply_first(const check_ctx *c, const page *pg) {
    size_t asked = SIZE_MAX, reply = SIZE_MAX;
    for (size_t t = 0; t < pg->ntexts; t++) {
        const page_text *x = &pg->texts[t];
        if (strcmp(x->tag, "th") != 0 && strcmp(x->tag, "td") != 0) continue;
        if (asked == SIZE_MAX && check_is_label(c, IA "asked_labels", x->text)) asked = x->offset;
        else if (reply == SIZE_MAX && check_is_label(c, IA "reply_labels", x->text))
            reply = x->offset;
    }
    return asked != SIZE_MAX && reply < asked;
}

/* List rows: the texts of a dated item up to the next item. */
static void ia_list_rows(check_ctx *c, ia_state *st, const page *pg, bool channel_page) {
    bool reply_first = pg->nitems && ia_reply_first(c, pg);
    sbuf row = {0};
    size_t t = 0;
    for (size_t k = 0; k < pg->nitems; k++) {
        const page_item *it = &pg->items[k];
        size_t end = k + 1 < pg->nitems ? pg->items[k + 1].offset : it->offset + IA_ROW_BYTES;
        sbuf_reset(&row);
        while (t < pg->ntexts && pg->texts[t].offset < it->offset) t++;
        for (size_t j = t; j < pg->ntexts && pg->texts[j].offset < end && row.len < IA_ROW_BYTES;
             j++) {
            sbuf_puts(&row, pg->texts[j].text);
            sbuf_putc(&row, ' ');
        }
        const char *text = sbuf_str(&row);
        const char *word = NULL;
        int state = ia_state_of(c, text, &word);
        if ((!state && !channel_page) || !it->url || !url_in_scope(st->scope, it->url)) continue;
        if (check_pattern_in(c, IA "excluded_patterns", it->title)) continue;
        ia_msg *m = ia_msg_get(st, it->url);
        if (!m || m->detail) continue;
        if (!m->title) m->title = ia_strdup(it->title);
        if (!m->list_url) m->list_url = ia_strdup(pg->url);
        /* Dates after the title: a title may hold a date or end in digits. */
        const char *rest = it->title && *it->title ? strstr(text, it->title) : NULL, *after = NULL;
        rest = rest ? rest + strlen(it->title) : text;
        int y, mo, d;
        if (check_find_date(rest, &y, &mo, &d, &after)) {
            m->ay = y, m->am = mo, m->ad = d;
            if (check_find_date(after, &y, &mo, &d, NULL)) {
                m->ry = y, m->rm = mo, m->rd = d;
                if (reply_first) { /* the columns say which date is which */
                    m->ry = m->ay, m->rm = m->am, m->rd = m->ad;
                    m->ay = y, m->am = mo, m->ad = d;
                }
            }
        }
        if (state) ia_set_state(m, state, word);
        else if (m->ry) ia_set_state(m, IA_ANSWERED, "");
    }
    sbuf_free(&row);
}

static const char *const ia_label_lists[] = {IA "title_labels", IA "asked_labels",
                                             IA "reply_labels", IA "state_labels"};

/* Whether a text is one of the labels itself (an empty value cell). */
static bool ia_is_label(void *ud, const char *text) {
    for (size_t l = 0; l < sizeof ia_label_lists / sizeof *ia_label_lists; l++)
        if (check_is_label(ud, ia_label_lists[l], text)) return true;
    return false;
}

/* The value of the first block labelled by one of the list's labels. */
static const char *ia_labelled(check_ctx *c, const page *pg, const char *list) {
    size_t n;
    const char *const *labels = rules_strings(check_rules(c), list, &n);
    for (size_t t = 0; t < pg->ntexts; t++) {
        /* check_label compares the block after its enumerator with the
         * label: a first byte that differs settles most pairs here. */
        char first = *check_skip_enumerator(pg->texts[t].text);
        for (size_t i = 0; i < n; i++) {
            const char *v = NULL;
            if (labels[i][0] != first) continue;
            if (check_label(pg, t, labels[i], ia_is_label, c, &v)) return v;
        }
    }
    return NULL;
}

/* A detail page: an asked date by label makes the page a message. */
static void ia_detail(check_ctx *c, ia_state *st, const page *pg) {
    const char *asked = ia_labelled(c, pg, IA "asked_labels");
    int y, m, d;
    if (!asked || !check_find_date(asked, &y, &m, &d, NULL)) return;
    ia_msg *msg = ia_msg_get(st, pg->url);
    if (!msg) return;
    msg->detail = true;
    msg->ay = y, msg->am = m, msg->ad = d;
    msg->ry = msg->rm = msg->rd = 0;
    const char *title = ia_labelled(c, pg, IA "title_labels");
    if (title && *title) {
        free(msg->title);
        msg->title = ia_strdup(title);
    } else if (!msg->title) {
        msg->title = ia_strdup(pg->title);
    }
    const char *reply = ia_labelled(c, pg, IA "reply_labels");
    if (reply && check_find_date(reply, &y, &m, &d, NULL)) msg->ry = y, msg->rm = m, msg->rd = d;
    const char *state_v = ia_labelled(c, pg, IA "state_labels"), *word = NULL;
    int state = state_v ? ia_state_of(c, state_v, &word) : IA_UNKNOWN;
    if (state) ia_set_state(msg, state, word);
    else if (msg->ry) ia_set_state(msg, IA_ANSWERED, "");
}

/* ---- pages ---- */

static void ia_page(check_ctx *c, void *state, const crawl_page *p) {
    ia_state *st = state;
    const page *pg = p->model;
    if (!ia_ready(st) || !pg) return;
    bool excluded = check_pattern_in(c, IA "excluded_patterns", pg->title) != NULL;
    bool channel =
        !excluded && (ia_channel_name(c, pg->title) || strmap_get(st->channels, pg->url));
    bool form = false;
    for (size_t i = 0; i < pg->nforms; i++) form = form || pg->forms[i].has_textarea;
    if (form && !excluded) {
        if (channel || strmap_get(st->targets, pg->url)) ia_effective(st, pg->url);
        strmap_put(st->forms, pg->url, (void *)1, NULL);
    }
    for (size_t i = 0; i < pg->nlinks; i++) {
        const page_link *l = &pg->links[i];
        if (strcmp(l->tag, "a") != 0 || l->kind != URL_HTTP || !l->url || !l->visible) continue;
        bool named = ia_channel_name(c, l->text);
        bool submit = channel && check_pattern_in(c, IA "submit_patterns", l->text) &&
                      !check_pattern_in(c, IA "excluded_patterns", l->text);
        if (!named && !channel) continue;
        if (!url_in_scope(st->scope, l->url)) {
            if (named || submit) ia_add_external(c, st, l->url, l->text, pg->url);
            continue;
        }
        if (strmap_get(st->forms, l->url)) ia_effective(st, l->url);
        if (named) strmap_put(st->channels, l->url, (void *)1, NULL);
        if (channel) strmap_put(st->targets, l->url, (void *)1, NULL);
    }
    if (!excluded) {
        ia_list_rows(c, st, pg, channel);
        ia_detail(c, st, pg);
    }
}

/* ---- channels on a platform, after the crawl ---- */

static void ia_fetched_one(check_ctx *c, void *state, void *ud, const fetch_result *res);

static void ia_ext_result(ia_external *x, const char *text, long status) {
    char buf[160];
    if (status) snprintf(buf, sizeof buf, "HTTP %ld%s", status, text);
    else snprintf(buf, sizeof buf, "%s", text);
    free(x->result);
    x->result = ia_strdup(buf);
}

static void ia_fetched_one(check_ctx *c, void *state, void *ud, const fetch_result *res) {
    ia_state *st = state;
    ia_external *x = &st->ext[(size_t)(uintptr_t)ud];
    if (res->error != FETCH_OK || res->status >= 400) {
        ia_ext_result(x, res->error != FETCH_OK ? res->error_text : "", res->status);
        return;
    }
    page *pg = check_parse(res);
    bool form = false;
    for (size_t i = 0; pg && i < pg->nforms; i++) form = form || pg->forms[i].has_textarea;
    if (form || x->submit) {
        ia_ext_result(x, form ? ", submission form" : ", submission page", res->status);
        ia_effective(st, res->final_url);
    } else {
        ia_ext_result(x, ", no submission form", res->status);
        /* One step further: the platform's own submission link. */
        for (size_t i = 0; pg && i < pg->nlinks && st->next < IA_MAX_EXTERNAL; i++) {
            const page_link *l = &pg->links[i];
            if (strcmp(l->tag, "a") != 0 || l->kind != URL_HTTP || !l->url ||
                !check_pattern_in(c, IA "submit_patterns", l->text) ||
                check_pattern_in(c, IA "excluded_patterns", l->text))
                continue;
            size_t before = st->next;
            ia_add_external(c, st, l->url, l->text, res->final_url);
            if (st->next > before &&
                !check_fetch(c, l->url, NULL, ia_fetched_one, (void *)(uintptr_t)before))
                ia_ext_result(&st->ext[before], "not fetched", 0);
        }
    }
    page_free(pg);
}

static void ia_site_end(check_ctx *c, void *state, const crawl_site_result *r) {
    ia_state *st = state;
    if (!ia_ready(st)) return;
    st->judge = r->complete && r->pages > 0;
    if (st->effective || !st->judge) return;
    for (size_t i = 0; i < st->next; i++)
        if (!check_fetch(c, st->ext[i].url, NULL, ia_fetched_one, (void *)(uintptr_t)i))
            ia_ext_result(&st->ext[i], "not fetched", 0);
}

/* ---- judging ---- */

/* y-m-d plus n calendar months, clamped to the month's last day (spec §0). */
static void ia_add_months(int y, int m, int d, int n, int *oy, int *om, int *od) {
    int idx = y * 12 + (m - 1) + n;
    *oy = idx / 12;
    *om = idx % 12 + 1;
    int last = date_month_days(*oy, *om);
    *od = d > last ? last : d;
}

static int64_t ia_days(int y, int m, int d) { return date_days_from_civil(y, m, d); }

static void ia_ymd(char *buf, size_t n, int y, int m, int d) {
    if (y) snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
    else snprintf(buf, n, "%s", "");
}

static json_t *ia_msg_json(const ia_msg *m) {
    char a[40], r[40];
    ia_ymd(a, sizeof a, m->ay, m->am, m->ad);
    ia_ymd(r, sizeof r, m->ry, m->rm, m->rd);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "title", m->title ? m->title : "", "url", m->url,
                          "asked", a, "replied", r);
    static const char *const names[] = {"unknown", "open", "answered"};
    json_object_set_new(o, "state", json_string(names[m->state]));
    json_object_set_new(o, "state_text", json_string(m->state_text ? m->state_text : ""));
    json_object_set_new(o, "list_url", json_string(m->list_url ? m->list_url : ""));
    json_object_set_new(o, "from", json_string(m->detail ? "detail" : "list"));
    return o;
}

static void ia_none(check_ctx *c, ia_state *st) {
    json_t *ext = json_array();
    for (size_t i = 0; i < st->next; i++)
        json_array_append_new(ext, json_pack("{s:s, s:s, s:s, s:s}", "url", st->ext[i].url, "text",
                                             st->ext[i].text, "from", st->ext[i].from, "result",
                                             st->ext[i].result ? st->ext[i].result : ""));
    json_t *ev = json_pack("{s:o, s:i, s:i}", "platform_channels", ext, "channel_links",
                           (int)strmap_len(st->channels), "submission_forms",
                           (int)strmap_len(st->forms));
    const char *home = check_site(c)->url;
    check_finding f = {.kind = "interaction.none",
                       .subject = "channel",
                       .url = home,
                       .source_url = home,
                       .evidence = ev,
                       .summary = L("no consultation channel with a way to submit",
                                    "未提供可提交留言的互动渠道")};
    check_record(c, &f);
}

static void ia_fetched(check_ctx *c, void *state) {
    ia_state *st = state;
    int ty, tm, td;
    if (!ia_ready(st) || !check_as_of(c, &ty, &tm, &td)) return;
    const rules *r = check_rules(c);
    if (!st->effective && st->judge) ia_none(c, st);

    int window = (int)rules_number(r, IA "window_months");
    int limit = (int)rules_number(r, IA "reply_limit_months");
    int slow_window = (int)rules_number(r, "indicators/interaction.slow/window_months");
    int wy, wm, wd, sy, sm, sd;
    ia_add_months(ty, tm, td, -window, &wy, &wm, &wd);
    ia_add_months(ty, tm, td, -slow_window, &sy, &sm, &sd);
    int64_t t = ia_days(ty, tm, td), wstart = ia_days(wy, wm, wd), sstart = ia_days(sy, sm, sd);
    char tstr[40], dstr[40], sstr[40];
    ia_ymd(tstr, sizeof tstr, ty, tm, td);
    ia_ymd(sstr, sizeof sstr, sy, sm, sd);

    bool replied_in_window = false, unknown_reply = false;
    int64_t last_reply = 0;
    char last[40] = "";
    json_t *awaiting = json_array();
    size_t nawait = 0;
    for (size_t i = 0; i < st->nmsgs; i++) {
        const ia_msg *m = st->order[i];
        if (!m->ay) continue;
        int64_t asked = ia_days(m->ay, m->am, m->ad);
        if (asked > t) continue; /* asked after T */
        int64_t replied = m->ry ? ia_days(m->ry, m->rm, m->rd) : 0;
        bool answered_by_t = m->state == IA_ANSWERED && (!m->ry || replied <= t);
        if (m->ry && replied <= t) {
            if (replied > sstart) replied_in_window = true;
            if (replied > last_reply) {
                last_reply = replied;
                ia_ymd(last, sizeof last, m->ry, m->rm, m->rd);
            }
        }
        if (m->state == IA_ANSWERED && !m->ry) unknown_reply = true;
        bool open_at_t = (m->state == IA_OPEN && !(m->ry && replied <= t)) ||
                         (m->ry && replied > t);
        if (open_at_t && nawait++ < IA_MAX_LISTED) json_array_append_new(awaiting, ia_msg_json(m));

        if (asked <= wstart) continue; /* outside the window_months ending at T */
        int dy, dm, dd;
        ia_add_months(m->ay, m->am, m->ad, limit, &dy, &dm, &dd);
        int64_t deadline = ia_days(dy, dm, dd);
        bool late = answered_by_t ? (m->ry && replied > deadline) : (open_at_t && t > deadline);
        if (!late) continue;
        ia_ymd(dstr, sizeof dstr, dy, dm, dd);
        json_t *ev = ia_msg_json(m);
        json_object_set_new(ev, "deadline", json_string(dstr));
        json_object_set_new(ev, "as_of", json_string(tstr));
        json_object_set_new(ev, "reply_limit_months", json_integer(limit));
        char summary[512];
        if (answered_by_t)
            snprintf(summary, sizeof summary,
                     L("message \"%.200s\" asked %04d-%02d-%02d answered %04d-%02d-%02d, after %s",
                       "留言“%.200s”（%04d-%02d-%02d）于 %04d-%02d-%02d 答复，超过 %s"),
                     m->title ? m->title : "", m->ay, m->am, m->ad, m->ry, m->rm, m->rd, dstr);
        else
            snprintf(summary, sizeof summary,
                     L("message \"%.200s\" asked %04d-%02d-%02d still open at %s (limit %s)",
                       "留言“%.200s”（%04d-%02d-%02d）截至 %s 未答复（时限 %s）"),
                     m->title ? m->title : "", m->ay, m->am, m->ad, tstr, dstr);
        check_finding f = {.kind = "interaction.unanswered",
                           .subject = m->url,
                           .url = m->url,
                           .source_url = m->detail ? m->url : m->list_url,
                           .evidence = ev,
                           .summary = summary};
        check_record(c, &f);
    }
    if (nawait && !replied_in_window && !unknown_reply) {
        json_t *ev = json_pack("{s:o, s:i, s:s, s:s, s:s, s:i}", "awaiting", awaiting,
                               "awaiting_count", (int)nawait, "window_start", sstr, "as_of", tstr,
                               "last_reply", last, "window_months", slow_window);
        awaiting = NULL;
        char summary[256];
        snprintf(summary, sizeof summary,
                 L("no reply published after %s up to %s while %zu message(s) awaited one",
                   "%s 至 %s 无答复，有 %zu 条留言待答复"),
                 sstr, tstr, nawait);
        const ia_msg *first = NULL;
        for (size_t i = 0; i < st->nmsgs && !first; i++)
            if (st->order[i]->state == IA_OPEN) first = st->order[i];
        check_finding f = {.kind = "interaction.slow",
                           .subject = "replies",
                           .url = first ? first->url : check_site(c)->url,
                           .source_url = first && first->list_url ? first->list_url : "",
                           .evidence = ev,
                           .summary = summary};
        check_record(c, &f);
    }
    json_decref(awaiting);
}

static const char *const ia_kinds[] = {"interaction.", NULL};

const check_module check_interaction = {.name = "interaction",
                                        .kind_prefixes = ia_kinds,
                                        .site_begin = ia_begin,
                                        .on_page = ia_page,
                                        .site_end = ia_site_end,
                                        .site_free = ia_free,
                                        .fetched = ia_fetched};
