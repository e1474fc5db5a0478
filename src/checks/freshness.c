/* freshness — 首页不更新 (site.home_stale); see freshness.h. */
#include "checks/freshness.h"

#include "core/date.h"
#include "core/lang.h"
#include "core/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const freshness_kinds[] = {"home.", NULL};

/* The newest dated item seen in one place (the homepage, or the pages it
 * links to), and how many dated items that place had. */
typedef struct fresh_best {
    bool have;
    int count;
    int64_t day; /* days since 1970-01-01 of y-m-d */
    int y, m, d;
    char *title, *url, *page, *date_text;
    const char *source; /* "list", "url", "pubdate" */
} fresh_best;

typedef struct fresh_state {
    bool t_ok;
    int ty, tm, td; /* T's date */
    bool home_seen;
    char *home_url;
    fresh_best home, linked;
} fresh_state;

static char *fresh_strdup(const char *s) {
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static void fresh_best_clear(fresh_best *b) {
    free(b->title);
    free(b->url);
    free(b->page);
    free(b->date_text);
    b->title = b->url = b->page = b->date_text = NULL;
}

/* One dated item, already resolved to a full date on or before T. */
static void fresh_offer(fresh_best *b, int y, int m, int d, const char *title, const char *url,
                        const char *page_url, const char *date_text, const char *source) {
    b->count++;
    int64_t day = date_days_from_civil(y, m, d);
    if (b->have && day <= b->day) return;
    fresh_best_clear(b);
    b->title = fresh_strdup(title);
    b->url = fresh_strdup(url);
    b->page = fresh_strdup(page_url);
    b->date_text = fresh_strdup(date_text);
    if (!b->title || !b->url || !b->page || !b->date_text) {
        /* Out of memory: keep the date, lose the words. */
        fresh_best_clear(b);
    }
    b->have = true;
    b->day = day;
    b->y = y, b->m = m, b->d = d;
    b->source = source;
}

static void *fresh_site_begin(check_ctx *c, const site_rec *site) {
    (void)site;
    fresh_state *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->t_ok = check_as_of(c, &st->ty, &st->tm, &st->td);
    return st;
}

static bool fresh_after_t(const fresh_state *st, int y, int m, int d) {
    return date_days_from_civil(y, m, d) > date_days_from_civil(st->ty, st->tm, st->td);
}

/* The page's dated list items. */
static void fresh_items(const fresh_state *st, fresh_best *b, const page *pg, int ay, int am,
                        int ad) {
    for (size_t i = 0; i < pg->nitems; i++) {
        const page_item *it = &pg->items[i];
        int y = it->year;
        if (y == 0 && !date_infer_year(it->month, it->day, ay, am, ad, &y)) continue;
        if (!date_valid(y, it->month, it->day) || fresh_after_t(st, y, it->month, it->day)) continue;
        fresh_offer(b, y, it->month, it->day, it->title, it->url, pg->url, it->date_text, "list");
    }
}

/* The dates in the homepage's article links (visible <a>), each URL once and
 * not again when a list item already dated it. */
static void fresh_url_dates(const fresh_state *st, fresh_best *b, const page *pg, int ay, int am,
                            int ad) {
    strmap *seen = strmap_new();
    if (!seen) return;
    for (size_t i = 0; i < pg->nitems; i++)
        if (pg->items[i].url) strmap_put(seen, pg->items[i].url, (void *)1, NULL);
    for (size_t i = 0; i < pg->nlinks; i++) {
        const page_link *l = &pg->links[i];
        if (strcmp(l->tag, "a") != 0 || !l->visible || l->kind != URL_HTTP || !l->url) continue;
        int y, m, d;
        bool day_known;
        if (!date_from_url(l->url, &y, &m, &d, &day_known)) continue;
        if (strmap_get(seen, l->url)) continue;
        strmap_put(seen, l->url, (void *)1, NULL);
        char text[16];
        if (day_known) {
            if (fresh_after_t(st, y, m, d)) continue;
            snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        } else {
            snprintf(text, sizeof text, "%04d-%02d", y, m);
            if (!date_month_only(y, m, ay, am, ad, &y, &m, &d)) continue;
        }
        fresh_offer(b, y, m, d, l->text, l->url, pg->url, text, "url");
    }
    strmap_free(seen, NULL);
}

/* A PubDate meta, "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]". */
static bool fresh_pubdate(const page *pg, int *y, int *m, int *d, const char **text) {
    const page_meta *pm = page_meta_get(pg, "PubDate");
    if (!pm || strlen(pm->content) < 10) return false;
    char buf[11];
    memcpy(buf, pm->content, 10);
    buf[10] = '\0';
    if (pm->content[10] != '\0' && pm->content[10] != ' ' && pm->content[10] != 'T') return false;
    *text = pm->content;
    return date_parse_ymd(buf, y, m, d);
}

static void fresh_on_page(check_ctx *c, void *state, const crawl_page *p) {
    fresh_state *st = state;
    if (!st || !st->t_ok || !p->model || p->depth > 1) return;
    const page *pg = p->model;
    /* The anchor of year-less and month-only dates: the earlier of the fetch
     * date and T's date. */
    int ay = st->ty, am = st->tm, ad = st->td;
    if (p->fetched_at_ms > 0) {
        int fy, fm, fd;
        date_of_instant(p->fetched_at_ms, check_zone_minutes(c), &fy, &fm, &fd);
        if (date_days_from_civil(fy, fm, fd) < date_days_from_civil(ay, am, ad))
            ay = fy, am = fm, ad = fd;
    }
    if (p->depth == 0) {
        if (st->home_seen) return;
        st->home_seen = true;
        st->home_url = fresh_strdup(pg->url);
        fresh_items(st, &st->home, pg, ay, am, ad);
        fresh_url_dates(st, &st->home, pg, ay, am, ad);
        return;
    }
    fresh_items(st, &st->linked, pg, ay, am, ad);
    int y, m, d;
    const char *text;
    if (fresh_pubdate(pg, &y, &m, &d, &text) && !fresh_after_t(st, y, m, d))
        fresh_offer(&st->linked, y, m, d, pg->title, pg->url, pg->url, text, "pubdate");
}

static void fresh_site_end(check_ctx *c, void *state, const crawl_site_result *r) {
    fresh_state *st = state;
    if (!st || !st->t_ok || !st->home_seen) return;
    const fresh_best *b = NULL;
    const char *from = NULL;
    if (st->home.have) {
        b = &st->home, from = "homepage";
    } else if (st->linked.have && r->complete) {
        /* A navigation page: judged by the pages it links to, all of them. */
        b = &st->linked, from = "linked page";
    }
    if (!b) return; /* nothing dated: freshness cannot be judged */
    const rules *rs = check_rules(c);
    int ndays = (int)rules_number(rs, "indicators/site.home_stale/window_days");
    if (ndays < 1) return;
    if (date_in_window(b->y, b->m, b->d, st->ty, st->tm, st->td, ndays)) return;

    int wy, wm, wd;
    date_window_start(st->ty, st->tm, st->td, ndays, &wy, &wm, &wd);
    int zone = check_zone_minutes(c), az = zone < 0 ? -zone : zone;
    char date[16], as_of[16], first[16], t[40];
    snprintf(date, sizeof date, "%04d-%02d-%02d", b->y, b->m, b->d);
    snprintf(as_of, sizeof as_of, "%04d-%02d-%02d", st->ty, st->tm, st->td);
    snprintf(first, sizeof first, "%04d-%02d-%02d", wy, wm, wd);
    snprintf(t, sizeof t, "%sT24:00:00%c%02d:%02d", as_of, zone < 0 ? '-' : '+', az / 60, az % 60);
    const char *title = b->title ? b->title : "";
    json_t *newest = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", title, "url",
                               b->url ? b->url : "", "date", date, "date_text",
                               b->date_text ? b->date_text : "", "source", b->source, "from", from,
                               "page", b->page ? b->page : "");
    json_t *ev = json_pack("{s:o, s:s, s:s, s:i, s:s, s:s, s:i, s:i, s:i}", "newest", newest,
                           "judged_by", from, "t", t, "window_days", ndays, "window_start", first,
                           "as_of", as_of, "dated_items", b->count, "home_dated_items",
                           st->home.count, "linked_dated_items", st->linked.count);
    char summary[1200];
    bool linked = b == &st->linked;
    snprintf(summary, sizeof summary,
             L("homepage not updated by %s in its last %d days (since %s): %snewest item \"%s\" of %s",
               "首页截至%s的%d天内（%s起）未更新：%s最新信息“%s”发布于%s"),
             as_of, ndays, first,
             linked ? L("no dates on it; its linked pages' ", "首页无日期，其链接页面的") : "", title,
             date);
    check_finding f = {.kind = "home.stale",
                       .subject = "home",
                       .url = st->home_url ? st->home_url : "",
                       .source_url = b->page ? b->page : "",
                       .evidence = ev,
                       .summary = summary,
                       .home = true};
    check_record(c, &f);
}

static void fresh_site_free(void *state) {
    fresh_state *st = state;
    if (!st) return;
    fresh_best_clear(&st->home);
    fresh_best_clear(&st->linked);
    free(st->home_url);
    free(st);
}

const check_module check_freshness = {
    .name = "freshness",
    .kind_prefixes = freshness_kinds,
    .site_begin = fresh_site_begin,
    .on_page = fresh_on_page,
    .on_link = NULL,
    .site_end = fresh_site_end,
    .site_free = fresh_site_free,
};
