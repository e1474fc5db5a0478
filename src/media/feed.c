#define _GNU_SOURCE /* memmem */
#include "media/feed.h"

#include "core/date.h"
#include "core/fileio.h"
#include "core/grow.h"
#include "core/lang.h"
#include "core/sbuf.h"
#include "core/textenc.h"
#include "core/url.h"
#include "page/page.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- small helpers ------------------------------------------------------ */

/* Length of s[0..len) cut to at most max bytes at a UTF-8 boundary. */
static size_t feed_cut(const char *s, size_t len, size_t max) {
    if (len <= max) return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

static char *feed_dup(const char *s, size_t len) {
    if (!s) return strdup("");
    len = feed_cut(s, len, FEED_MAX_FIELD);
    char *p = malloc(len + 1);
    if (!p) return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static char *feed_dups(const char *s) { return feed_dup(s, s ? strlen(s) : 0); }

static feed_post *feed_add_post(feed_account *a) {
    if (a->nposts >= FEED_MAX_POSTS || !grow_for_one(&a->posts, &a->posts_cap, a->nposts, sizeof *a->posts, 8))
        return NULL;
    feed_post *p = &a->posts[a->nposts++];
    memset(p, 0, sizeof *p);
    return p;
}

static feed_comment *feed_add_comment(feed_post *p) {
    if (p->ncomments >= FEED_MAX_COMMENTS ||
        !grow_for_one(&p->comments, &p->comments_cap, p->ncomments, sizeof *p->comments, 4))
        return NULL;
    feed_comment *c = &p->comments[p->ncomments++];
    memset(c, 0, sizeof *c);
    return c;
}

/* A status has no title: its first words stand for one. */
static void feed_title_from_text(feed_post *p) {
    if (p->text && !p->title) p->title = feed_dup(p->text, feed_cut(p->text, strlen(p->text), 90));
}

/* Fills NULL strings of a post with "" so that the model never has NULL;
 * false on OOM. */
static bool feed_post_complete(feed_post *p) {
    char **f[] = {&p->id, &p->url, &p->title, &p->text};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (!*f[i] && !(*f[i] = strdup(""))) return false;
    return true;
}

void feed_account_free(feed_account *a) {
    if (!a) return;
    for (size_t i = 0; i < a->nposts; i++) {
        feed_post *p = &a->posts[i];
        for (size_t j = 0; j < p->ncomments; j++) {
            free(p->comments[j].author);
            free(p->comments[j].text);
            free(p->comments[j].reply);
        }
        free(p->comments);
        free(p->id);
        free(p->url);
        free(p->title);
        free(p->text);
    }
    free(a->posts);
    free(a->name);
    free(a->charset);
    memset(a, 0, sizeof *a);
}

/* ---- HTML to text --------------------------------------------------------- */

static void feed_put_utf8(sbuf *b, unsigned long cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    sbuf_append(b, u, n);
}

/* Decodes the entity at s (s[0] == '&'); returns bytes consumed, 0 when it
 * is not one we know (the '&' is then kept as is). */
static size_t feed_entity(const char *s, const char *end, sbuf *b) {
    static const struct { const char *name; const char *text; } named[] = {
        {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"apos;", "'"},
        {"nbsp;", " "}, {"ldquo;", "“"}, {"rdquo;", "”"}, {"mdash;", "—"}, {"hellip;", "…"}};
    size_t avail = (size_t)(end - s) - 1;
    if (avail >= 2 && s[1] == '#') {
        const char *p = s + 2;
        int base = 10;
        if (p < end && (*p == 'x' || *p == 'X')) { base = 16; p++; }
        unsigned long cp = 0;
        const char *digits = p;
        while (p < end && p - digits < 8 && (base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p))) {
            cp = cp * (unsigned long)base + (unsigned long)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
            p++;
        }
        if (p == digits || p >= end || *p != ';') return 0;
        feed_put_utf8(b, cp);
        return (size_t)(p + 1 - s);
    }
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        size_t n = strlen(named[i].name);
        if (avail >= n && memcmp(s + 1, named[i].name, n) == 0) {
            sbuf_puts(b, named[i].text);
            return n + 1;
        }
    }
    return 0;
}

static bool feed_tag_is(const char *p, const char *end, const char *name) {
    size_t n = strlen(name);
    return (size_t)(end - p) > n && strncasecmp(p, name, n) == 0 &&
           !isalnum((unsigned char)p[n]);
}

char *feed_html_text(const char *html, size_t len, size_t max) {
    sbuf b = SBUF_INIT;
    const char *p = html, *end = html + len;
    bool space = true;  /* drop leading white space */
    bool no_gt = false; /* no '>' after the last failed search: stop looking (linear time) */
    sbuf_reserve(&b, len < max ? len + 1 : max + 1);
    while (p < end && b.len < max && !b.oom) {
        /* A tag starts with a letter, '/', '!' or '?' and ends with '>':
         * "1 < 2" or "a<b" in plain text is text. */
        const char *gt = NULL;
        if (*p == '<' && !no_gt && p + 1 < end &&
            (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?'))
            no_gt = !(gt = memchr(p + 1, '>', (size_t)(end - p - 1)));
        if (gt) {
            const char *q = p + 1;
            bool skip_body = feed_tag_is(q, end, "script") || feed_tag_is(q, end, "style");
            bool block = feed_tag_is(q, end, "br") || feed_tag_is(q, end, "p") ||
                         feed_tag_is(q, end, "/p") || feed_tag_is(q, end, "div") ||
                         feed_tag_is(q, end, "/div") || feed_tag_is(q, end, "li");
            p = gt + 1;
            if (skip_body) {
                const char *close = p;
                while (close < end && !(close[0] == '<' && close + 1 < end && close[1] == '/')) close++;
                const char *cgt = close < end ? memchr(close, '>', (size_t)(end - close)) : NULL;
                p = cgt ? cgt + 1 : end;
            }
            if (block && !space) { sbuf_putc(&b, ' '); space = true; }
            continue;
        }
        if (*p == '&') {
            size_t n = feed_entity(p, end, &b);
            if (n) {
                space = b.len && b.data[b.len - 1] == ' ';
                p += n;
                continue;
            }
        }
        if (isspace((unsigned char)*p)) {
            if (!space) { sbuf_putc(&b, ' '); space = true; }
            p++;
            continue;
        }
        sbuf_putc(&b, *p++);
        space = false;
    }
    if (b.oom) { sbuf_free(&b); return NULL; }
    /* The byte cap may have split the last character (an entity appends up
     * to 4 bytes past it): drop its part. */
    size_t n = b.len < max ? b.len : max, st = n;
    while (st > 0 && ((unsigned char)b.data[st - 1] & 0xC0) == 0x80) st--;
    if (st > 0) {
        unsigned char lead = (unsigned char)b.data[st - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - (st - 1) < need) n = st - 1;
    }
    while (n && b.data[n - 1] == ' ') n--;
    char *out = feed_dup(b.data ? b.data : "", n);
    sbuf_free(&b);
    return out;
}

/* ---- dates ---------------------------------------------------------------- */

static int feed_month(const char *s) {
    static const char *const m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, m[i], 3) == 0) return i + 1;
    return 0;
}

/* Named zones of RFC 822 §5.1, and ±hhmm. "CST" is the exception: Chinese
 * feed generators write it for China Standard Time (+08:00), and a feed read
 * here is Chinese, so RFC 822's US Central (−06:00) would place its posts 14
 * hours late and could flip a 14-day judgment. */
static bool feed_zone(const char *s, int *minutes) {
    static const struct { const char *name; int min; } named[] = {
        {"GMT", 0}, {"UT", 0}, {"UTC", 0}, {"Z", 0}, {"EST", -300}, {"EDT", -240},
        {"CST", 480}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strcasecmp(s, named[i].name) == 0) { *minutes = named[i].min; return true; }
    return date_parse_offset(s, minutes);
}

static bool feed_compose(int y, int mo, int d, int h, int mi, int sec, int offset, int64_t *ms) {
    if (!date_valid(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return false;
    *ms = (date_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - (int64_t)offset * 60) * 1000;
    return true;
}

/* The machine forms above, on a trimmed string buf of n bytes. */
static bool feed_abs_date(const char *buf, size_t n, int zone, int64_t *ms) {
    size_t digits = strspn(buf, "0123456789");
    if (digits == n) { /* Unix time: seconds, or milliseconds */
        if (n < 9 || n > 13 || n == 11) return false;
        int64_t v = strtoll(buf, NULL, 10);
        *ms = n >= 12 ? v : v * 1000;
        return true;
    }
    if (date_parse_instant(buf, ms)) return true;

    int y, mo, d, h = 0, mi = 0, sec = 0, used = 0, off;
    char sep;
    /* ISO or slashed date without a zone: a date in the rule set's zone. */
    if (sscanf(buf, "%4d%c%2d%c%2d%n", &y, &sep, &mo, &sep, &d, &used) == 5 && used >= 8 &&
        (buf[4] == '-' || buf[4] == '/') && buf[7] == buf[4]) {
        const char *t = buf + used;
        if (*t == 'T' || *t == ' ') {
            int u2 = 0;
            if (sscanf(t + 1, "%2d:%2d%n", &h, &mi, &u2) != 2) return false;
            t += 1 + u2;
            if (*t == ':') {
                if (sscanf(t + 1, "%2d%n", &sec, &u2) != 1) return false;
                t += 1 + u2;
            }
            if (*t == '.') { t++; t += strspn(t, "0123456789"); }
        }
        while (*t == ' ') t++;
        off = zone;
        if (*t && !feed_zone(t, &off)) return false;
        return feed_compose(y, mo, d, h, mi, sec, off, ms);
    }
    char wd[8], mon[8], zbuf[16];
    /* Weibo: "Tue Jun 08 09:35:04 +0800 2021" */
    if (sscanf(buf, "%3s %3s %2d %2d:%2d:%2d %15s %4d%n", wd, mon, &d, &h, &mi, &sec, zbuf, &y, &used) == 8 &&
        (size_t)used == n && feed_month(mon) && feed_zone(zbuf, &off))
        return feed_compose(y, feed_month(mon), d, h, mi, sec, off, ms);
    /* RFC 822 / 1123: "[Thu, ]18 May 2023 11:56[:00] GMT" */
    const char *t = buf;
    if (isalpha((unsigned char)*t)) {
        const char *comma = strchr(t, ',');
        if (!comma) return false;
        t = comma + 1;
        while (*t == ' ') t++;
    }
    int u = 0;
    if (sscanf(t, "%2d %3s %4d %2d:%2d%n", &d, mon, &y, &h, &mi, &u) != 5 || !feed_month(mon)) return false;
    t += u;
    sec = 0;
    if (*t == ':') {
        int u2 = 0;
        if (sscanf(t + 1, "%2d%n", &sec, &u2) != 1) return false;
        t += 1 + u2;
    }
    while (*t == ' ') t++;
    if (y < 100) y += y < 50 ? 2000 : 1900;
    off = zone; /* RFC 822 requires a zone; a missing one is the local zone */
    if (*t && !feed_zone(t, &off)) return false;
    return feed_compose(y, feed_month(mon), d, h, mi, sec, off, ms);
}

/* Reads 1 … maxd ASCII digits at *p (no sign, no space) into *v; false when
 * there are none or more than maxd (the caps on numbers). */
static bool feed_digits(const char **p, int maxd, int *v) {
    int n = 0, x = 0;
    while (n < maxd && isdigit((unsigned char)(*p)[n])) x = x * 10 + ((*p)[n++] - '0');
    if (n == 0 || isdigit((unsigned char)(*p)[n])) return false;
    *p += n;
    *v = x;
    return true;
}

/* s past `word` when s starts with it, else NULL. */
static const char *feed_after(const char *s, const char *word) {
    size_t n = strlen(word);
    return s && strncmp(s, word, n) == 0 ? s + n : NULL;
}

/* Exactly two digits at *p, as minutes and seconds are written. */
static bool feed_two(const char **p, int *v) {
    const char *start = *p;
    return feed_digits(p, 2, v) && *p - start == 2;
}

/* An optional clock time "[ ]h[h]:mm[:ss]" that ends the string; 00:00:00
 * when there is none. */
static bool feed_clock(const char *t, int *h, int *mi, int *sec) {
    *h = *mi = *sec = 0;
    while (*t == ' ') t++;
    if (!*t) return true;
    if (!feed_digits(&t, 2, h) || *t++ != ':' || !feed_two(&t, mi)) return false;
    if (*t == ':' && (t++, !feed_two(&t, sec))) return false;
    return *t == '\0';
}

/* The forms Chinese platforms show people (Weibo, and WeChat, Toutiao and
 * Douyin pages): "2020年8月10日[ 10:00]" read alone; the rest counted from
 * ref, the instant the page was captured: "刚刚", "N秒前" … "N周前",
 * "今天/昨天/前天[ hh:mm]", and a month-day without a year ("08-10 10:00",
 * "8月10日") in the latest year that puts it on or before ref's date — a
 * date after the capture is last year's. Calendar arithmetic is in `zone`. */
static bool feed_cn_date(const char *s, int zone, int64_t ref, int64_t *ms) {
    int y, mo, d, h, mi, sec, v;
    const char *t = s;
    if (feed_digits(&t, 4, &y) && (t = feed_after(t, "年")) && feed_digits(&t, 2, &mo) &&
        (t = feed_after(t, "月")) && feed_digits(&t, 2, &d) && (t = feed_after(t, "日")) &&
        feed_clock(t, &h, &mi, &sec))
        return y >= 1000 && feed_compose(y, mo, d, h, mi, sec, zone, ms);
    /* weibo.com's form for a date outside the current year: "24-5-13 17:07"
     * (two-digit year, this century), absolute. */
    t = s;
    if (feed_digits(&t, 2, &y) && t - s == 2 && *t == '-' && (t++, feed_digits(&t, 2, &mo)) &&
        *t == '-' && (t++, feed_digits(&t, 2, &d)) && feed_clock(t, &h, &mi, &sec))
        return feed_compose(2000 + y, mo, d, h, mi, sec, zone, ms);
    if (ref == FEED_NO_TIME) return false;
    if (strcmp(s, "刚刚") == 0) {
        *ms = ref;
        return true;
    }
    t = s;
    if (feed_digits(&t, 4, &v)) {
        static const struct { const char *unit; int64_t sec; } units[] = {
            {"秒", 1}, {"分钟", 60}, {"分", 60}, {"小时", 3600}, {"个小时", 3600},
            {"天", 86400}, {"周", 7 * 86400}, {"星期", 7 * 86400}};
        for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
            const char *rest = feed_after(t, units[i].unit);
            if (!rest || strcmp(rest, "前") != 0) continue;
            int64_t back = v * units[i].sec;
            if (back > (int64_t)FEED_REL_MAX_DAYS * 86400) return false; /* no platform writes that */
            *ms = ref - back * 1000;
            return true;
        }
    }
    int ry, rm, rd;
    date_of_instant(ref, zone, &ry, &rm, &rd);
    static const struct { const char *word; int back; } days[] = {{"今天", 0}, {"昨天", 1}, {"前天", 2}};
    for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
        const char *rest = feed_after(s, days[i].word);
        if (!rest) continue;
        if (!feed_clock(rest, &h, &mi, &sec)) return false;
        date_add_days(ry, rm, rd, -days[i].back, &y, &mo, &d);
        return feed_compose(y, mo, d, h, mi, sec, zone, ms);
    }
    t = s;
    if (!feed_digits(&t, 2, &mo)) return false;
    const char *rest = feed_after(t, "月");
    if (rest) {
        if (!feed_digits(&rest, 2, &d) || !(rest = feed_after(rest, "日"))) return false;
    } else if (*t == '-') {
        rest = t + 1;
        if (!feed_digits(&rest, 2, &d)) return false;
    } else {
        return false;
    }
    return feed_clock(rest, &h, &mi, &sec) && date_infer_year(mo, d, ry, rm, rd, &y) &&
           feed_compose(y, mo, d, h, mi, sec, zone, ms);
}

bool feed_parse_date_at(const char *s, int zone, int64_t ref_ms, int64_t *ms) {
    if (!s) return false;
    while (isspace((unsigned char)*s)) s++;
    char buf[80];
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (n == 0 || n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return feed_abs_date(buf, n, zone, ms) || feed_cn_date(buf, zone, ref_ms, ms);
}

bool feed_parse_date(const char *s, int zone, int64_t *ms) {
    return feed_parse_date_at(s, zone, FEED_NO_TIME, ms);
}

/* What the dates of one document are read against: the rule set's zone,
 * and the capture time that relative dates count back from (FEED_NO_TIME
 * when unknown). */
typedef struct feed_when {
    int zone;
    int64_t ref_ms;
} feed_when;

static bool feed_date(const feed_when *w, const char *s, int64_t *ms) {
    return feed_parse_date_at(s, w->zone, w->ref_ms, ms);
}

/* ---- JSON: JSON Feed 1.1 with _gov, and Weibo timelines --------------------- */

static const char *feed_jstr(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An id may be a string or a number. */
static char *feed_jid(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    if (json_is_string(v)) return feed_dups(json_string_value(v));
    if (json_is_integer(v)) {
        char b[32];
        snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
        return strdup(b);
    }
    return strdup("");
}

static feed_tri feed_jtri(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_true(v) ? FEED_TRUE : json_is_false(v) ? FEED_FALSE : FEED_UNKNOWN;
}

static char *feed_text_of(const char *html) {
    return html ? feed_html_text(html, strlen(html), FEED_MAX_FIELD) : strdup("");
}

/* `_gov` at the top of a document (JSON Feed, or added to any JSON). */
static void feed_read_gov(json_t *gov, feed_when *w, feed_account *a) {
    if (!json_is_object(gov)) return;
    int64_t ms;
    if (feed_parse_date(feed_jstr(gov, "checked_at"), w->zone, &ms)) {
        a->captured = true;
        a->captured_ms = w->ref_ms = ms; /* relative dates were written then */
        a->capture_source = "_gov.checked_at";
    }
    json_t *in = json_object_get(gov, "interaction");
    if (json_is_object(in)) {
        a->has_interaction = true;
        a->comments = feed_jtri(in, "comments");
        a->messages = feed_jtri(in, "messages");
        a->menu_entry = feed_jtri(in, "menu_entry");
        a->auto_reply_only = feed_jtri(in, "auto_reply_only");
    }
}

static bool feed_json_comments(json_t *list, feed_when *w, feed_post *p) {
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (!json_is_object(c)) continue;
        feed_comment *fc = feed_add_comment(p);
        if (!fc) return p->ncomments >= FEED_MAX_COMMENTS; /* cap: stop quietly */
        json_t *reply = json_object_get(c, "reply");
        const char *rtext = json_is_string(reply) ? json_string_value(reply)
                            : json_is_object(reply) ? feed_jstr(reply, "text") : NULL;
        fc->author = feed_dups(feed_jstr(c, "author"));
        fc->text = feed_text_of(feed_jstr(c, "text"));
        fc->reply = feed_text_of(rtext);
        fc->dated = feed_date(w, feed_jstr(c, "date"), &fc->date_ms);
        if (!fc->author || !fc->text || !fc->reply) return false;
    }
    return true;
}

static bool feed_jsonfeed(json_t *root, feed_when *w, feed_account *a) {
    a->format = "jsonfeed";
    a->name = feed_dups(feed_jstr(root, "title"));
    feed_read_gov(json_object_get(root, "_gov"), w, a);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(root, "items"), i, it) {
        if (!json_is_object(it)) continue;
        feed_post *p = feed_add_post(a);
        if (!p) break; /* the cap */
        p->id = feed_jid(it, "id");
        p->url = feed_dups(feed_jstr(it, "url"));
        p->title = feed_text_of(feed_jstr(it, "title"));
        const char *txt = feed_jstr(it, "content_text");
        p->text = txt ? feed_dups(txt) : feed_text_of(feed_jstr(it, "content_html"));
        p->dated = feed_date(w, feed_jstr(it, "date_published"), &p->published_ms);
        json_t *gov = json_object_get(it, "_gov");
        if (json_is_object(gov) && !feed_json_comments(json_object_get(gov, "comments"), w, p))
            return false;
        if (!feed_post_complete(p)) return false;
    }
    return a->name != NULL;
}

static bool feed_weibo_mblog(json_t *mb, feed_when *w, feed_account *a) {
    if (!json_is_object(mb)) return true;
    if (!a->name || !*a->name) {
        const char *sn = feed_jstr(json_object_get(mb, "user"), "screen_name");
        if (sn) {
            free(a->name);
            if (!(a->name = feed_dups(sn))) return false;
        }
    }
    feed_post *p = feed_add_post(a);
    if (!p) return true;
    p->id = feed_jid(mb, "id");
    const char *bid = feed_jstr(mb, "bid");
    char url[160];
    snprintf(url, sizeof url, "https://m.weibo.cn/status/%s", bid && *bid && strlen(bid) < 64 ? bid : (p->id ? p->id : ""));
    p->url = strdup(url);
    p->text = feed_text_of(feed_jstr(mb, "text"));
    feed_title_from_text(p);
    p->dated = feed_date(w, feed_jstr(mb, "created_at"), &p->published_ms);
    return feed_post_complete(p);
}

static bool feed_weibo(json_t *root, feed_when *w, feed_account *a) {
    a->format = "weibo";
    feed_read_gov(json_object_get(root, "_gov"), w, a); /* first: checked_at dates "3小时前" */
    json_t *data = json_object_get(root, "data");
    if (!json_is_object(data)) data = root;
    size_t i, j;
    json_t *card, *sub;
    json_array_foreach(json_object_get(data, "cards"), i, card) {
        if (!feed_weibo_mblog(json_object_get(card, "mblog"), w, a)) return false;
        json_array_foreach(json_object_get(card, "card_group"), j, sub)
            if (!feed_weibo_mblog(json_object_get(sub, "mblog"), w, a)) return false;
    }
    json_array_foreach(json_object_get(data, "statuses"), i, card)
        if (!feed_weibo_mblog(card, w, a)) return false;
    if (!a->name && !(a->name = strdup(""))) return false;
    return true;
}

static bool feed_json(const char *text, size_t len, const char *name, feed_when *w, feed_account *a,
                      err *e) {
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return err_set(e, ERR_INPUT, L("%s:%d:%d: invalid JSON: %s", "%s:%d:%d：JSON 无效：%s"), name,
                       je.line, je.column, je.text);
    bool ok;
    const char *version = feed_jstr(root, "version");
    json_t *data = json_object_get(root, "data");
    if (version && strstr(version, "jsonfeed.org")) {
        ok = feed_jsonfeed(root, w, a);
        if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    } else if (json_is_array(json_object_get(json_is_object(data) ? data : root, "cards")) ||
               json_is_array(json_object_get(json_is_object(data) ? data : root, "statuses"))) {
        ok = feed_weibo(root, w, a);
        if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    } else {
        ok = err_set(e, ERR_INPUT,
                     L("%s: JSON that is neither a JSON Feed nor a Weibo timeline",
                       "%s：JSON 既不是 JSON Feed 也不是微博时间线"),
                     name);
    }
    json_decref(root);
    return ok;
}

/* ---- XML: RSS, Atom ----------------------------------------------------------- */

static bool feed_xname(const xmlNode *n, const char *local) {
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

static const xmlNode *feed_xchild(const xmlNode *n, const char *local, const char *ns_prefix) {
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!feed_xname(c, local)) continue;
        const char *prefix = c->ns && c->ns->prefix ? (const char *)c->ns->prefix : NULL;
        if (ns_prefix ? (prefix && strcmp(prefix, ns_prefix) == 0) : true) return c;
    }
    return NULL;
}

/* The element's text, HTML stripped when `html`; "" when absent. */
static char *feed_xtext(const xmlNode *n, bool html) {
    if (!n) return strdup("");
    xmlChar *c = xmlNodeGetContent(n);
    if (!c) return strdup("");
    const char *t = (const char *)c;
    size_t len = strlen(t);
    char *out;
    if (html) {
        out = feed_html_text(t, len, FEED_MAX_FIELD);
    } else { /* an id or URL: only trimmed */
        while (len && isspace((unsigned char)*t)) { t++; len--; }
        while (len && isspace((unsigned char)t[len - 1])) len--;
        out = feed_dup(t, len);
    }
    xmlFree(c);
    return out;
}

static bool feed_xdate(const xmlNode *n, feed_when *w, int64_t *ms) {
    if (!n) return false;
    xmlChar *c = xmlNodeGetContent(n);
    bool ok = c && feed_date(w, (const char *)c, ms);
    xmlFree(c);
    return ok;
}

static bool feed_rss_item(const xmlNode *it, feed_when *w, feed_account *a) {
    feed_post *p = feed_add_post(a);
    if (!p) return true;
    const xmlNode *link = feed_xchild(it, "link", NULL);
    const xmlNode *guid = feed_xchild(it, "guid", NULL);
    const xmlNode *desc = feed_xchild(it, "description", NULL);
    if (!desc) desc = feed_xchild(it, "encoded", "content");
    p->url = feed_xtext(link, false);
    p->id = guid ? feed_xtext(guid, false) : feed_xtext(link, false);
    p->title = feed_xtext(feed_xchild(it, "title", NULL), true);
    p->text = feed_xtext(desc, true);
    p->dated = feed_xdate(feed_xchild(it, "pubDate", NULL), w, &p->published_ms) ||
               feed_xdate(feed_xchild(it, "date", "dc"), w, &p->published_ms);
    return feed_post_complete(p);
}

static char *feed_atom_link(const xmlNode *entry) {
    for (const xmlNode *c = entry->children; c; c = c->next) {
        if (!feed_xname(c, "link")) continue;
        xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
        bool alt = !rel || strcmp((const char *)rel, "alternate") == 0;
        xmlFree(rel);
        if (!alt) continue;
        xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
        char *out = feed_dups(href ? (const char *)href : "");
        xmlFree(href);
        return out;
    }
    return strdup("");
}

static bool feed_atom_entry(const xmlNode *en, feed_when *w, feed_account *a) {
    feed_post *p = feed_add_post(a);
    if (!p) return true;
    const xmlNode *content = feed_xchild(en, "content", NULL);
    if (!content) content = feed_xchild(en, "summary", NULL);
    p->id = feed_xtext(feed_xchild(en, "id", NULL), false);
    p->url = feed_atom_link(en);
    p->title = feed_xtext(feed_xchild(en, "title", NULL), true);
    p->text = feed_xtext(content, true);
    p->dated = feed_xdate(feed_xchild(en, "published", NULL), w, &p->published_ms) ||
               feed_xdate(feed_xchild(en, "updated", NULL), w, &p->published_ms);
    return feed_post_complete(p);
}

/* Stops the parser at its first fatal error: the document is refused
 * anyway, and libxml2 2.9 goes on after it, scanning the rest of the text
 * again for each unterminated comment (70 KB of "<!--" took 0.8 s, 16 MiB
 * would take hours). The message kept is that first error's. */
#if LIBXML_VERSION >= 21200
static void feed_xml_stop(void *ud, const xmlError *xe) {
#else
static void feed_xml_stop(void *ud, xmlErrorPtr xe) {
#endif
    (void)ud;
    if (xe && xe->level == XML_ERR_FATAL && xe->ctxt) xmlStopParser((xmlParserCtxtPtr)xe->ctxt);
}

static bool feed_xml_read(const char *text, size_t len, const char *name, feed_when *w,
                          feed_account *a, err *e);

/* A start tag of thousands of attributes would hold libxml2 for minutes
 * (page.h): such markup is read from a copy with the excess blanked. *copy
 * is that copy (caller frees), or NULL when the text needs none; false on
 * OOM. */
static bool feed_attr_capped(const char *text, size_t len, char **copy) {
    *copy = NULL;
    if (!page_attributes_over_cap(text, len)) return true;
    if (!(*copy = malloc(len + 1))) return false;
    memcpy(*copy, text, len);
    (*copy)[len] = '\0';
    page_limit_attributes(*copy, len);
    return true;
}

static bool feed_xml(const char *text, size_t len, const char *name, feed_when *w, feed_account *a,
                     err *e) {
    char *copy;
    if (!feed_attr_capped(text, len, &copy)) return err_set(e, ERR_NOMEM, "out of memory");
    bool ok = feed_xml_read(copy ? copy : text, len, name, w, a, e);
    free(copy);
    return ok;
}

static bool feed_xml_read(const char *text, size_t len, const char *name, feed_when *w,
                          feed_account *a, err *e) {
    /* Entity declarations are the door to expansion attacks; feeds have no
     * use for them. */
    if (strstr(text, "<!ENTITY"))
        return err_set(e, ERR_INPUT, L("%s: XML with entity declarations is refused",
                                       "%s：拒绝含实体声明的 XML"), name);
    if (len > (size_t)INT32_MAX) return err_set(e, ERR_INPUT, "%s: too large", name);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) return err_set(e, ERR_NOMEM, "out of memory");
    ctxt->sax->serror = feed_xml_stop;
    /* The text is UTF-8 already (textenc): the prolog's encoding is ignored. */
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8",
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *xe = xmlCtxtGetLastError(ctxt);
        char msg[200] = "";
        if (xe && xe->message) {
            snprintf(msg, sizeof msg, "%s", xe->message);
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = '\0';
        }
        bool r = err_set(e, ERR_INPUT, L("%s:%d: not well-formed XML: %s", "%s:%d：XML 格式错误：%s"), name,
                         xe ? xe->line : 0, msg);
        xmlFreeParserCtxt(ctxt);
        return r;
    }
    bool ok = true;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (root && (feed_xname(root, "rss") || feed_xname(root, "RDF"))) {
        a->format = "rss";
        const xmlNode *ch = feed_xchild(root, "channel", NULL);
        a->name = feed_xtext(ch ? feed_xchild(ch, "title", NULL) : NULL, true);
        /* RSS 2.0 has items in the channel; RSS 1.0 (RDF) next to it. */
        const xmlNode *holders[2] = {ch, root};
        for (int h = 0; h < 2 && ok; h++)
            for (const xmlNode *c = holders[h] ? holders[h]->children : NULL; c && ok; c = c->next)
                if (feed_xname(c, "item")) ok = feed_rss_item(c, w, a);
        if (!ok || !a->name) ok = err_set(e, ERR_NOMEM, "out of memory");
    } else if (root && feed_xname(root, "feed")) {
        a->format = "atom";
        a->name = feed_xtext(feed_xchild(root, "title", NULL), true);
        for (const xmlNode *c = root->children; c && ok; c = c->next)
            if (feed_xname(c, "entry")) ok = feed_atom_entry(c, w, a);
        if (!ok || !a->name) ok = err_set(e, ERR_NOMEM, "out of memory");
    } else {
        ok = err_set(e, ERR_INPUT, L("%s: XML whose root <%s> is neither RSS nor Atom",
                                     "%s：XML 根元素 <%s> 既不是 RSS 也不是 Atom"),
                     name, root ? (const char *)root->name : "");
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return ok;
}

/* ---- saved WeChat article pages ------------------------------------------------- */

/* The value of `var NAME = "..."` (or '...') in a saved page, entities
 * decoded; NULL when absent. Caller frees. */
static char *feed_wx_var(const char *html, const char *var) {
    char pat[64];
    snprintf(pat, sizeof pat, "var %s = ", var);
    const char *p = strstr(html, pat);
    if (!p) return NULL;
    p += strlen(pat);
    char q = *p;
    if (q != '"' && q != '\'') return NULL;
    const char *end = strchr(p + 1, q);
    if (!end || end - p > 4096) return NULL;
    return feed_html_text(p + 1, (size_t)(end - p - 1), 4096);
}

/* The date a saved page shows, as the browser left it after the page's
 * script ran: <em id="publish_time" …>昨天</em>, relative to the saving. */
static bool feed_wx_shown_date(const char *html, const feed_when *w, int64_t *ms) {
    const char *p = strstr(html, "id=\"publish_time\"");
    if (!p || !(p = strchr(p, '>'))) return false;
    const char *end = strchr(p + 1, '<');
    if (!end || end - p > 200) return false;
    char *t = feed_html_text(p + 1, (size_t)(end - p - 1), 200);
    bool ok = t && feed_date(w, t, ms);
    free(t);
    return ok;
}

static bool feed_is_wechat(const char *text) {
    return strstr(text, "var ct = ") && (strstr(text, "var nickname = ") || strstr(text, "var msg_title = "));
}

/* One saved article page -> one post; the account name from the first. */
static bool feed_wechat_page(const char *html, const char *file, feed_when *w, feed_account *a) {
    if (!a->format) a->format = "wechat";
    char *nick = feed_wx_var(html, "nickname");
    if (nick && *nick && (!a->name || !*a->name)) {
        free(a->name);
        a->name = nick;
        nick = NULL;
    }
    free(nick);
    feed_post *p = feed_add_post(a);
    if (!p) return true;
    char *ct = feed_wx_var(html, "ct");
    p->dated = ct && strspn(ct, "0123456789") == strlen(ct) && feed_date(w, ct, &p->published_ms);
    free(ct);
    if (!p->dated) p->dated = feed_wx_shown_date(html, w, &p->published_ms);
    p->title = feed_wx_var(html, "msg_title");
    if (!p->title) {
        const char *t = strstr(html, "<title>");
        const char *te = t ? strstr(t, "</title>") : NULL;
        p->title = t && te ? feed_html_text(t + 7, (size_t)(te - t - 7), 1024) : NULL;
    }
    p->url = feed_wx_var(html, "msg_link");
    p->id = feed_dups(file);
    const char *body = strstr(html, "id=\"js_content\"");
    if (body && (body = strchr(body, '>'))) {
        const char *stop = strstr(body, "<script");
        size_t n = stop ? (size_t)(stop - body - 1) : strlen(body + 1);
        p->text = feed_html_text(body + 1, n, FEED_MAX_FIELD);
    }
    return feed_post_complete(p);
}

/* ---- saved weibo.com status pages ----------------------------------------------- */

/* A browser's copy of one weibo.com status (https://weibo.com/UID/BID) with
 * its comment list, as weibo's Vue front end renders it. It is read in one
 * SAX pass of libxml2's HTML parser: not through page.h, whose website
 * model keeps text blocks and links but not the classes that say which is
 * the post and which a comment, and not as a tree, which for a page of
 * 100,000 comments would be millions of nodes. Elements are known by class
 * tokens; a name with a CSS-module hash ("detail_wbtext_4CRf9") by its stem,
 * which outlives weibo's builds:
 *   head_name_*        the account's name; `usercard` is its uid
 *   head-info_time_*   the post's link (href) and date (title, else text)
 *   detail_wbtext_*    the post's text (the first one)
 *   wbpro-list         one comment and its replies:
 *     text             "<a usercard=UID>author</a>[badges]:<span>text</span>";
 *                      the text is what follows the colon of text of its own
 *     info             its first element's own text is the date
 *                      ("24-5-13 17:08 <span> 来自福建</span>")
 *     list2            the replies, each a text and an info as above
 * A reply by the account (its uid, or its name when a uid is missing) is
 * the comment's `reply`; a reply by anyone else is a comment of its own, so
 * that the advertising check sees it. */

#define WB_NONE (-1) /* no such element open */

typedef struct wb_entry { /* the comment or reply being read */
    sbuf author, text, date;
    char uid[32];
    bool open, reply, author_done, date_done, sep_seen;
    int author_d, info_child_d;
} wb_entry;

typedef struct wb_state {
    xmlParserCtxtPtr ctxt;
    const feed_when *w;
    feed_post *p;
    int depth;                     /* open elements */
    int name_d, time_d, text_d;    /* depth of the open header elements */
    bool name_seen, time_seen, text_seen;
    sbuf name, time, text;
    char *href, *time_title;
    char uid[32];                  /* the account's uid, "" unknown */
    int list_d, list2_d, ctext_d, info_d;
    size_t parent;                 /* index of the comment replies belong to */
    wb_entry e;
    bool oom;
} wb_state;

static const char *wb_attr(const xmlChar **atts, const char *name) {
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcasecmp((const char *)atts[i], name) == 0) return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* Whether the class list holds `tok` (or, with stem, a token starting so). */
static bool wb_class(const char *cls, const char *tok, bool stem) {
    size_t n = strlen(tok);
    for (const char *c = cls; c && *c;) {
        while (isspace((unsigned char)*c)) c++;
        size_t len = strcspn(c, " \t\r\n\f");
        if (len >= n && memcmp(c, tok, n) == 0 && (stem || len == n)) return true;
        c += len;
    }
    return false;
}

/* A user's uid from `usercard`, else from an href "/u/UID". */
static void wb_uid(const xmlChar **atts, char out[32]) {
    const char *v = wb_attr(atts, "usercard");
    const char *href = wb_attr(atts, "href");
    if ((!v || !*v) && href && (v = strstr(href, "/u/"))) v += 3;
    size_t n = v ? strspn(v, "0123456789") : 0;
    if (n >= 32) n = 0;
    if (n) memcpy(out, v, n);
    out[n] = '\0';
}

/* Appends text with white space (and U+00A0) collapsed to one space and no
 * leading space, up to FEED_MAX_FIELD bytes. */
static void wb_put(sbuf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n && b->len < FEED_MAX_FIELD; i++) {
        bool nbsp = (unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0;
        if (isspace((unsigned char)s[i]) || nbsp) {
            i += nbsp;
            if (b->len && b->data[b->len - 1] != ' ') sbuf_putc(b, ' ');
        } else {
            sbuf_putc(b, s[i]);
        }
    }
}

/* The buffer as a trimmed string, emptied; NULL when memory ran out.
 * Caller frees. */
static char *wb_take(sbuf *b) {
    if (b->oom) return NULL;
    const char *s = sbuf_str(b);
    size_t n = b->len, skip = 0;
    while (skip < n && s[skip] == ' ') skip++;
    while (n > skip && s[n - 1] == ' ') n--;
    char *out = feed_dup(s + skip, n - skip);
    sbuf_reset(b);
    return out;
}

/* Where the text at the current depth goes, NULL: nowhere. */
static sbuf *wb_target(wb_state *st) {
    if (st->name_d != WB_NONE) return &st->name;
    if (st->time_d != WB_NONE) return &st->time;
    if (st->text_d != WB_NONE) return &st->text;
    if (st->ctext_d != WB_NONE) return st->e.author_d != WB_NONE ? &st->e.author : &st->e.text;
    if (st->info_d != WB_NONE && st->e.open && !st->e.date_done &&
        (st->depth == st->info_d || st->depth == st->e.info_child_d))
        return &st->e.date;
    return NULL;
}

static bool wb_is_account(const wb_state *st, const char *author, const char *uid) {
    if (st->uid[0] && uid[0]) return strcmp(st->uid, uid) == 0;
    return *author && strcmp(author, sbuf_str(&st->name)) == 0;
}

/* The comment or reply read so far goes into the post. */
static void wb_entry_end(wb_state *st) {
    wb_entry *e = &st->e;
    if (!e->open) return;
    e->open = false;
    char *cut = strstr(sbuf_str(&e->date), "来自"); /* "5-13 17:08 来自福建" */
    if (cut) e->date.len = (size_t)(cut - e->date.data);
    char *author = wb_take(&e->author), *text = wb_take(&e->text), *date = wb_take(&e->date);
    if (!author || !text || !date) {
        st->oom = true;
    } else if (e->reply && st->parent != SIZE_MAX && wb_is_account(st, author, e->uid)) {
        feed_comment *c = &st->p->comments[st->parent];
        if (*text) {
            sbuf r = SBUF_INIT; /* several replies of the account: all of them */
            sbuf_printf(&r, "%s%s%s", c->reply, *c->reply ? " / " : "", text);
            if (r.oom) st->oom = true;
            else { free(c->reply); c->reply = feed_dup(r.data, r.len); st->oom = !c->reply; }
            sbuf_free(&r);
        }
    } else {
        feed_comment *c = feed_add_comment(st->p);
        if (!c) { /* the cap: the rest of the page is not read */
            if (st->p->ncomments < FEED_MAX_COMMENTS) st->oom = true;
            if (st->ctxt) xmlStopParser(st->ctxt);
        } else {
            c->author = author;
            c->text = text;
            author = text = NULL;
            c->reply = strdup("");
            c->dated = feed_date(st->w, date, &c->date_ms);
            if (!c->reply) st->oom = true;
            if (!e->reply) st->parent = st->p->ncomments - 1;
        }
    }
    free(author);
    free(text);
    free(date);
}

static void wb_start(void *ud, const xmlChar *name, const xmlChar **atts) {
    wb_state *st = ud;
    int d = ++st->depth;
    const char *el = (const char *)name;
    sbuf *to = wb_target(st);
    if (to && strcasecmp(el, "br") == 0) wb_put(to, " ", 1);
    const char *alt = wb_attr(atts, "alt"); /* emoticons: <img alt="[允悲]"> */
    if (to && alt && strcasecmp(el, "img") == 0) wb_put(to, alt, strlen(alt));
    const char *cls = wb_attr(atts, "class");
    if (!cls) cls = "";
    if (!st->name_seen && st->name_d == WB_NONE && wb_class(cls, "head_name_", true)) {
        st->name_d = d;
        wb_uid(atts, st->uid);
    } else if (!st->time_seen && st->time_d == WB_NONE && wb_class(cls, "head-info_time_", true)) {
        st->time_d = d;
        const char *href = wb_attr(atts, "href"), *title = wb_attr(atts, "title");
        free(st->href);
        free(st->time_title);
        st->href = href ? feed_dups(href) : NULL;
        st->time_title = title ? feed_dups(title) : NULL;
    } else if (!st->text_seen && st->text_d == WB_NONE && wb_class(cls, "detail_wbtext_", true)) {
        st->text_d = d;
    }
    if (st->list_d == WB_NONE) {
        if (wb_class(cls, "wbpro-list", false)) {
            st->list_d = d;
            st->parent = SIZE_MAX;
        }
        return;
    }
    wb_entry *e = &st->e;
    if (st->list2_d == WB_NONE && wb_class(cls, "list2", false)) {
        wb_entry_end(st);
        st->list2_d = d;
    } else if (st->ctext_d == WB_NONE && st->info_d == WB_NONE && wb_class(cls, "text", false)) {
        wb_entry_end(st);
        e->open = true;
        e->reply = st->list2_d != WB_NONE;
        e->author_done = e->date_done = e->sep_seen = false;
        e->author_d = e->info_child_d = WB_NONE;
        e->uid[0] = '\0';
        st->ctext_d = d;
    } else if (st->ctext_d != WB_NONE && !e->author_done && e->author_d == WB_NONE && strcasecmp(el, "a") == 0) {
        e->author_d = d;
        wb_uid(atts, e->uid);
    } else if (st->info_d == WB_NONE && st->ctext_d == WB_NONE && e->open && wb_class(cls, "info", false)) {
        st->info_d = d;
    } else if (st->info_d != WB_NONE && d == st->info_d + 1 && e->info_child_d == WB_NONE) {
        e->info_child_d = d;
    }
}

static void wb_end(void *ud, const xmlChar *name) {
    (void)name;
    wb_state *st = ud;
    int d = st->depth;
    if (d > 0) st->depth--;
    if (d == st->name_d) { st->name_d = WB_NONE; st->name_seen = true; }
    if (d == st->time_d) { st->time_d = WB_NONE; st->time_seen = true; }
    if (d == st->text_d) { st->text_d = WB_NONE; st->text_seen = true; }
    if (d == st->e.author_d) { st->e.author_d = WB_NONE; st->e.author_done = true; }
    if (d == st->ctext_d) st->ctext_d = WB_NONE;
    if (d == st->e.info_child_d) { st->e.info_child_d = WB_NONE; st->e.date_done = true; }
    if (d == st->info_d) { st->info_d = WB_NONE; st->e.date_done = true; }
    if (d == st->list2_d) { wb_entry_end(st); st->list2_d = WB_NONE; }
    if (d == st->list_d) { wb_entry_end(st); st->list_d = WB_NONE; st->parent = SIZE_MAX; }
}

static void wb_chars(void *ud, const xmlChar *ch, int len) {
    wb_state *st = ud;
    sbuf *to = wb_target(st);
    if (!to || len <= 0) return;
    const char *s = (const char *)ch;
    size_t n = (size_t)len;
    wb_entry *e = &st->e;
    if (to == &e->text && !e->sep_seen && e->author_done && st->depth == st->ctext_d) {
        /* the colon after the author (and badges such as "作者"): the text starts after it */
        const char *colon = memchr(s, ':', n);
        const char *wide = memmem(s, n, "：", strlen("："));
        if (wide && (!colon || wide < colon)) colon = wide + strlen("：") - 1;
        if (colon) {
            e->sep_seen = true;
            sbuf_reset(to);
            n -= (size_t)(colon + 1 - s);
            s = colon + 1;
        }
    }
    wb_put(to, s, n);
}

static void wb_ignore(void *ud, const xmlChar *ch, int len) { /* script and style */
    (void)ud;
    (void)ch;
    (void)len;
}

static void wb_silent(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

static bool feed_is_weibo_page(const char *text) {
    return strstr(text, "detail_wbtext_") && strstr(text, "head-info_time_");
}

/* One saved status page -> one post with its comments; the account name
 * from the first page that shows one. */
static bool feed_weibo_page(const char *html, size_t len, const char *file, feed_when *w,
                            feed_account *a, err *e) {
    if (!a->format) a->format = "weibo_page";
    feed_post *p = feed_add_post(a);
    if (!p) return true; /* the cap on posts */
    if (len > (size_t)INT32_MAX) return err_set(e, ERR_INPUT, "%s: too large", file);
    char *copy;
    if (!feed_attr_capped(html, len, &copy)) return err_set(e, ERR_NOMEM, "out of memory");
    wb_state st = {.w = w, .p = p, .name_d = WB_NONE, .time_d = WB_NONE, .text_d = WB_NONE,
                   .list_d = WB_NONE, .list2_d = WB_NONE, .ctext_d = WB_NONE, .info_d = WB_NONE,
                   .parent = SIZE_MAX};
    st.ctxt = htmlCreateMemoryParserCtxt(copy ? copy : html, (int)len);
    bool ok = st.ctxt != NULL;
    if (ok) {
        xmlSAXHandler *sax = st.ctxt->sax;
        memset(sax, 0, sizeof *sax);
        sax->startElement = wb_start;
        sax->endElement = wb_end;
        sax->characters = wb_chars;
        sax->cdataBlock = wb_ignore;
        sax->warning = wb_silent;
        sax->error = wb_silent;
        st.ctxt->userData = &st;
        htmlCtxtUseOptions(st.ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
        xmlSwitchEncoding(st.ctxt, XML_CHAR_ENCODING_UTF8);
        htmlParseDocument(st.ctxt);
        htmlFreeParserCtxt(st.ctxt);
        st.ctxt = NULL;
        wb_entry_end(&st); /* a page cut short ends inside a comment */
    }
    free(copy);
    if (ok && !st.oom && !st.time_seen && !st.text_seen && st.time.len == 0 && st.text.len == 0) {
        ok = err_set(e, ERR_INPUT, L("%s: a saved weibo.com page without its post (cut short?)",
                                     "%s：保存的微博页面中没有博文（页面不完整？）"), file);
    } else if (ok) {
        char *name = wb_take(&st.name), *shown = wb_take(&st.time);
        p->text = wb_take(&st.text);
        if (!name || !shown || !p->text) st.oom = true;
        if (name && *name && (!a->name || !*a->name)) {
            free(a->name);
            a->name = name;
            name = NULL;
        }
        free(name);
        p->dated = (st.time_title && feed_date(w, st.time_title, &p->published_ms)) ||
                   (shown && feed_date(w, shown, &p->published_ms));
        free(shown);
        /* the link is "https://weibo.com/UID/BID" (or relative to it); BID names the post */
        if (st.href && url_resolve("https://weibo.com/", st.href, &p->url) != URL_HTTP) {
            free(p->url);
            p->url = feed_dups(st.href);
        }
        size_t path_end = p->url ? strcspn(p->url, "?#") : 0, seg = path_end;
        while (seg > 0 && p->url[seg - 1] != '/') seg--;
        p->id = seg > 0 && seg < path_end ? feed_dup(p->url + seg, path_end - seg) : feed_dups(file);
        feed_title_from_text(p);
        ok = !st.oom && feed_post_complete(p);
        if (!ok) err_set(e, ERR_NOMEM, "out of memory");
    } else {
        err_set(e, ERR_NOMEM, "out of memory");
    }
    sbuf *bufs[] = {&st.name, &st.time, &st.text, &st.e.author, &st.e.text, &st.e.date};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) sbuf_free(bufs[i]);
    free(st.href);
    free(st.time_title);
    return ok;
}

/* A saved page of either platform (a folder may hold both). */
static bool feed_saved_page(const char *html, size_t len, const char *file, feed_when *w, feed_account *a,
                            err *e) {
    if (!feed_is_wechat(html) && feed_is_weibo_page(html)) return feed_weibo_page(html, len, file, w, a, e);
    return feed_wechat_page(html, file, w, a) || err_set(e, ERR_NOMEM, "out of memory");
}

/* ---- detection ------------------------------------------------------------------ */

/* Whether markup starts with an HTML page's element (after the prolog,
 * comments and a doctype): what a server sends when a feed is gone. */
static bool feed_is_html(const char *s) {
    for (int guard = 0; *s == '<' && guard < 64; guard++) {
        const char *end = NULL;
        if (strncmp(s, "<?", 2) == 0) end = strstr(s, "?>");
        else if (strncmp(s, "<!--", 4) == 0) end = strstr(s, "-->");
        else if (strncasecmp(s, "<!doctype", 9) == 0) {
            const char *t = s + 9;
            while (isspace((unsigned char)*t)) t++;
            if (strncasecmp(t, "html", 4) == 0) return true;
            end = strchr(s, '>');
        } else {
            static const char *const names[] = {"html", "head", "body", "meta", "title", "div", "script", "style"};
            for (size_t i = 0; i < sizeof names / sizeof *names; i++)
                if (feed_tag_is(s + 1, s + strlen(s), names[i])) return true;
            return false;
        }
        if (!end) return false;
        s = strchr(end, '>') + 1;
        while (isspace((unsigned char)*s)) s++;
    }
    return false;
}

/* The encoding named in an XML prolog, into out ("" when none). */
static void feed_xml_encoding(const char *data, size_t len, char *out, size_t outsz) {
    out[0] = '\0';
    if (len < 6 || memcmp(data, "<?xml", 5) != 0) return;
    const char *end = memchr(data, '>', len < 256 ? len : 256);
    if (!end) return;
    for (const char *p = data; p + 9 < end; p++) {
        if (memcmp(p, "encoding=", 9) != 0) continue;
        char q = p[9];
        const char *v = p + 10, *ve = v;
        while (ve < end && *ve != q) ve++;
        size_t n = (size_t)(ve - v);
        if ((q == '"' || q == '\'') && n < outsz) {
            memcpy(out, v, n);
            out[n] = '\0';
        }
        return;
    }
}

bool feed_parse(const char *data, size_t len, const char *name, const char *charset, int zone,
                feed_account *out, err *e) {
    return feed_parse_at(data, len, name, charset, zone, FEED_NO_TIME, out, e);
}

bool feed_parse_at(const char *data, size_t len, const char *name, const char *charset, int zone,
                   int64_t fetched_ms, feed_account *out, err *e) {
    feed_when w = {zone, fetched_ms};
    memset(out, 0, sizeof *out);
    out->comments = out->messages = out->menu_entry = out->auto_reply_only = FEED_UNKNOWN;
    if (len > FEED_MAX_BYTES)
        return err_set(e, ERR_INPUT, L("%s: larger than %u bytes", "%s：超过 %u 字节"), name, FEED_MAX_BYTES);
    /* Skip a UTF-8 BOM and white space only to look; textenc sees it all. */
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < len && isspace((unsigned char)data[i])) i++;
    if (i == len) return err_set(e, ERR_INPUT, L("%s: empty", "%s：内容为空"), name);
    char declared[40];
    feed_xml_encoding(data + i, len - i, declared, sizeof declared);
    textenc_result t = {0};
    if (!textenc_decode(data, len, *declared ? declared : (charset && *charset ? charset : NULL), NULL, &t, e))
        return false;
    const char *s = t.text;
    while (isspace((unsigned char)*s)) s++;
    size_t slen = t.len - (size_t)(s - t.text);
    bool ok;
    if (*s == '{' || *s == '[') {
        ok = feed_json(s, slen, name, &w, out, e);
    } else if (feed_is_wechat(s) || (*s == '<' && feed_is_html(s) && feed_is_weibo_page(s))) {
        ok = feed_saved_page(s, slen, name, &w, out, e);
    } else if (*s == '<' && feed_is_html(s)) {
        ok = err_set(e, ERR_INPUT, L("%s: an HTML page, not a feed", "%s：这是 HTML 网页，不是订阅源"), name);
    } else if (*s == '<') {
        ok = feed_xml(s, slen, name, &w, out, e);
    } else {
        ok = err_set(e, ERR_INPUT, L("%s: neither XML nor JSON nor a saved WeChat page",
                                     "%s：既不是 XML、JSON，也不是保存的微信文章页"),
                     name);
    }
    if (ok && !out->name) ok = (out->name = strdup("")) != NULL || err_set(e, ERR_NOMEM, "out of memory");
    if (ok) out->charset = strdup(t.charset);
    textenc_result_free(&t);
    if (!ok) {
        feed_account_free(out);
        out->comments = out->messages = out->menu_entry = out->auto_reply_only = FEED_UNKNOWN;
    }
    return ok;
}

/* ---- files and folders ---------------------------------------------------------- */

static int64_t feed_mtime_ms(const struct stat *st) {
    return (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

static int feed_cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool feed_has_ext(const char *n, const char *ext) {
    size_t ln = strlen(n), le = strlen(ext);
    return ln > le && strcasecmp(n + ln - le, ext) == 0;
}

static bool feed_read_folder(const char *path, int zone, feed_account *out, err *e) {
    memset(out, 0, sizeof *out);
    out->comments = out->messages = out->menu_entry = out->auto_reply_only = FEED_UNKNOWN;
    DIR *d = opendir(path);
    if (!d) return err_set(e, ERR_IO, L("%s: cannot open the folder", "%s：无法打开文件夹"), path);
    char **names = NULL;
    size_t n = 0;
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !(feed_has_ext(de->d_name, ".html") || feed_has_ext(de->d_name, ".htm")))
            continue;
        if (n >= FEED_MAX_FOLDER_FILES) break;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn || !(nn[n] = strdup(de->d_name))) {
            if (nn) names = nn;
            ok = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        names = nn;
        n++;
    }
    closedir(d);
    if (ok && n == 0)
        ok = err_set(e, ERR_INPUT, L("%s: a folder without saved article pages (*.html)",
                                     "%s：文件夹中没有保存的文章页（*.html）"), path);
    if (ok) qsort(names, n, sizeof *names, feed_cmp_names);
    sbuf file = SBUF_INIT;
    for (size_t i = 0; ok && i < n; i++) {
        sbuf_reset(&file);
        sbuf_printf(&file, "%s/%s", path, names[i]);
        char *data = NULL;
        size_t len = 0;
        struct stat st;
        feed_when w = {zone, FEED_NO_TIME}; /* a page's "昨天" counts from its own saving */
        if (stat(sbuf_str(&file), &st) == 0) {
            w.ref_ms = feed_mtime_ms(&st);
            if (!out->captured || w.ref_ms > out->captured_ms) {
                out->captured = true; /* the newest page's capture */
                out->captured_ms = w.ref_ms;
            }
        }
        if (!file_read_all(sbuf_str(&file), FEED_MAX_BYTES, &data, &len, e)) { ok = false; break; }
        textenc_result t = {0};
        ok = textenc_decode(data, len, NULL, NULL, &t, e);
        free(data);
        if (ok) ok = feed_saved_page(t.text, t.len, names[i], &w, out, e);
        if (ok && !out->charset) out->charset = strdup(t.charset);
        textenc_result_free(&t);
    }
    sbuf_free(&file);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    if (out->captured) out->capture_source = "file";
    if (!out->format) out->format = "wechat";
    if (ok && !out->name && !(out->name = strdup(""))) ok = err_set(e, ERR_NOMEM, "out of memory");
    if (!ok) feed_account_free(out);
    return ok;
}

bool feed_read_path(const char *path, int zone, feed_account *out, err *e) {
    struct stat st;
    if (stat(path, &st) != 0) {
        memset(out, 0, sizeof *out);
        return err_set(e, ERR_IO, L("%s: no such file or folder", "%s：文件或文件夹不存在"), path);
    }
    if (S_ISDIR(st.st_mode)) return feed_read_folder(path, zone, out, e);
    char *data = NULL;
    size_t len = 0;
    if (!file_read_all(path, FEED_MAX_BYTES, &data, &len, e)) {
        memset(out, 0, sizeof *out);
        return false;
    }
    bool ok = feed_parse_at(data, len, path, NULL, zone, feed_mtime_ms(&st), out, e);
    free(data);
    if (ok && !out->captured) {
        out->captured = true;
        out->captured_ms = feed_mtime_ms(&st);
        out->capture_source = "file";
    }
    return ok;
}
