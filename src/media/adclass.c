#include "media/adclass.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AD_BASE "indicators/media.comment_ads"

typedef struct ad_list {
    char **items; /* folded copies */
    size_t n;
} ad_list;

typedef struct ad_category {
    const char *name; /* the rule set's */
    double weight;
    ad_list words;
} ad_category;

struct adclass {
    double w_phone, w_contact_id, w_contact_marker, w_link, w_short, w_offer, w_citizen;
    int word_max;
    ad_list markers, short_hosts, tlds, citizen;
    ad_category *cats;
    size_t ncats;
};

/* ASCII lower case, full-width forms (U+FF01–FF5E) to ASCII, the
 * ideographic space to a space. Caller frees. */
static char *ad_fold(const char *s) {
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p) {
        if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF) {
            unsigned cp = 0xF000u | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                char c = (char)(cp - 0xFEE0);
                out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
                p += 3;
                continue;
            }
        }
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            out[o++] = ' ';
            p += 3;
            continue;
        }
        out[o++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : (char)*p;
        p++;
    }
    out[o] = '\0';
    return out;
}

static void ad_list_free(ad_list *l) {
    for (size_t i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
}

static bool ad_list_load(const rules *r, const char *path, ad_list *l) {
    size_t n = rules_list_len(r, path);
    l->items = calloc(n ? n : 1, sizeof *l->items);
    if (!l->items) return false;
    for (size_t i = 0; i < n; i++) {
        if (!(l->items[i] = ad_fold(rules_list_item(r, path, i)))) return false;
        l->n++;
    }
    return true;
}

void adclass_free(adclass *c) {
    if (!c) return;
    ad_list_free(&c->markers);
    ad_list_free(&c->short_hosts);
    ad_list_free(&c->tlds);
    ad_list_free(&c->citizen);
    for (size_t i = 0; i < c->ncats; i++) ad_list_free(&c->cats[i].words);
    free(c->cats);
    free(c);
}

static double ad_weight(const rules *r, const char *name) {
    char path[128];
    snprintf(path, sizeof path, AD_BASE "/weights/%s", name);
    return rules_has(r, path) ? rules_number(r, path) : 0;
}

adclass *adclass_new(const rules *r, err *e) {
    adclass *c = calloc(1, sizeof *c);
    if (!c) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    c->w_phone = ad_weight(r, "phone");
    c->w_contact_id = ad_weight(r, "contact_id");
    c->w_contact_marker = ad_weight(r, "contact_marker");
    c->w_link = ad_weight(r, "link");
    c->w_short = ad_weight(r, "short_link");
    c->w_offer = ad_weight(r, "offer_with_contact");
    c->w_citizen = ad_weight(r, "citizen");
    c->word_max = (int)rules_number(r, AD_BASE "/word_max");
    bool ok = ad_list_load(r, AD_BASE "/contact_markers", &c->markers) &&
              ad_list_load(r, AD_BASE "/short_link_hosts", &c->short_hosts) &&
              ad_list_load(r, AD_BASE "/link_tlds", &c->tlds) &&
              ad_list_load(r, AD_BASE "/citizen_words", &c->citizen);
    size_t ncats = rules_keys_len(r, AD_BASE "/words");
    c->cats = ok ? calloc(ncats ? ncats : 1, sizeof *c->cats) : NULL;
    ok = ok && c->cats;
    for (size_t i = 0; ok && i < ncats; i++) {
        ad_category *cat = &c->cats[c->ncats++];
        cat->name = rules_key(r, AD_BASE "/words", i);
        cat->weight = ad_weight(r, cat->name);
        char path[160];
        snprintf(path, sizeof path, AD_BASE "/words/%s", cat->name);
        ok = ad_list_load(r, path, &cat->words);
    }
    if (!ok) {
        adclass_free(c);
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    return c;
}

static bool ad_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool ad_alnum(char ch) { return ad_digit(ch) || (ch >= 'a' && ch <= 'z'); }

/* A phone number among the digit runs: a mobile (1[3-9] + 9 digits, also
 * after +86), a number with its area code (0 + 9 to 11 digits) or a 400/800
 * hotline; digits may be grouped by single spaces or hyphens. */
static bool ad_has_phone(const char *t) {
    for (const char *p = t; *p; p++) {
        if (!ad_digit(*p) || (p > t && ad_alnum(p[-1]))) continue;
        char d[24];
        size_t n = 0;
        const char *q = p;
        while (*q && n < sizeof d - 1) {
            if (ad_digit(*q)) d[n++] = *q++;
            else if ((*q == '-' || *q == ' ') && ad_digit(q[1])) q++;
            else break;
        }
        d[n] = '\0';
        const char *x = d;
        if (n == 13 && x[0] == '8' && x[1] == '6') { x += 2; n -= 2; }
        if ((n == 11 && x[0] == '1' && x[1] >= '3') || (x[0] == '0' && n >= 10 && n <= 12) ||
            (n == 10 && (strncmp(x, "400", 3) == 0 || strncmp(x, "800", 3) == 0)))
            return true;
        p = q - 1 > p ? q - 1 : p;
    }
    return false;
}

/* 0: no marker; 1: a marker; 2: a marker followed (after at most a few
 * separators, such as "：" or "号") by an id of 5 or more letters/digits. */
static int ad_contact(const adclass *c, const char *t, const char **which) {
    int best = 0;
    for (size_t i = 0; i < c->markers.n && best < 2; i++) {
        const char *m = c->markers.items[i];
        size_t ml = strlen(m);
        if (!ml) continue;
        for (const char *p = strstr(t, m); p && best < 2; p = strstr(p + 1, m)) {
            /* "wx" inside an English word is not a marker */
            if (ad_alnum(m[0]) && p > t && ad_alnum(p[-1])) continue;
            if (ad_alnum(m[ml - 1]) && ad_alnum(p[ml])) continue;
            if (!best) { best = 1; *which = m; }
            const char *q = p + ml;
            for (int skip = 0; *q && !ad_alnum(*q) && skip < 15; skip++) q++;
            size_t run = 0;
            while (ad_alnum(q[run]) || q[run] == '_' || q[run] == '-') run++;
            if (run >= 5) { best = 2; *which = m; }
        }
    }
    return best;
}

/* 0: none; 1: a URL or bare domain; 2: a short link. */
static int ad_link(const adclass *c, const char *t, const char **which) {
    for (size_t i = 0; i < c->short_hosts.n; i++) {
        const char *h = c->short_hosts.items[i];
        size_t hl = strlen(h);
        for (const char *p = strstr(t, h); p; p = strstr(p + 1, h))
            if ((p == t || !ad_alnum(p[-1])) && p[hl] == '/') { *which = h; return 2; }
    }
    if (strstr(t, "http://") || strstr(t, "https://") || strstr(t, "www.")) return 1;
    for (const char *p = strchr(t, '.'); p; p = strchr(p + 1, '.')) {
        if (p == t || !ad_alnum(p[-1])) continue;
        for (size_t i = 0; i < c->tlds.n; i++) {
            size_t l = strlen(c->tlds.items[i]);
            if (strncmp(p + 1, c->tlds.items[i], l) == 0 && !ad_alnum(p[1 + l])) return 1;
        }
    }
    return 0;
}

static void ad_signal(sbuf *s, const char *name, const char *word) {
    if (!s) return;
    if (s->len) sbuf_puts(s, ", ");
    sbuf_puts(s, name);
    if (word) sbuf_printf(s, ":%s", word);
}

double adclass_score(const adclass *c, const char *text, sbuf *signals) {
    char *t = ad_fold(text ? text : "");
    if (!t) return 0;
    double keep = 1; /* Π(1 − w) */
    const char *which = NULL;
    bool contact = false;
    if (ad_has_phone(t)) {
        keep *= 1 - c->w_phone;
        contact = true;
        ad_signal(signals, "phone", NULL);
    }
    int ct = ad_contact(c, t, &which);
    if (ct == 2) {
        keep *= 1 - c->w_contact_id;
        contact = true;
        ad_signal(signals, "contact_id", which);
    } else if (ct == 1) {
        keep *= 1 - c->w_contact_marker;
        ad_signal(signals, "contact_marker", which);
    }
    int lk = ad_link(c, t, &which);
    if (lk) {
        keep *= 1 - (lk == 2 ? c->w_short : c->w_link);
        contact = true;
        ad_signal(signals, lk == 2 ? "short_link" : "link", lk == 2 ? which : NULL);
    }
    bool pitch = false;
    for (size_t i = 0; i < c->ncats; i++) {
        int found = 0;
        for (size_t j = 0; j < c->cats[i].words.n && found < c->word_max; j++) {
            if (!*c->cats[i].words.items[j] || !strstr(t, c->cats[i].words.items[j])) continue;
            found++;
            keep *= 1 - c->cats[i].weight;
            ad_signal(signals, c->cats[i].name, c->cats[i].words.items[j]);
        }
        pitch = pitch || found;
    }
    if (contact && pitch) {
        keep *= 1 - c->w_offer;
        ad_signal(signals, "offer_with_contact", NULL);
    }
    double score = 1 - keep;
    /* A citizen asking or reporting quotes numbers and words of the trade. */
    for (size_t i = 0; i < c->citizen.n; i++)
        if (*c->citizen.items[i] && strstr(t, c->citizen.items[i])) {
            score *= 1 - c->w_citizen;
            ad_signal(signals, "citizen", c->citizen.items[i]);
            break;
        }
    free(t);
    return score < 0 ? 0 : score > 1 ? 1 : score;
}
