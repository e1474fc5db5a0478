/* store — the public entry points: pick a back end from the URI, then
 * dispatch every call through its `ops` (store_impl.h).
 *
 * The URI grammar is deliberately small: a bare path or "sqlite:PATH" is a
 * SQLite file; "postgresql://" / "postgres://" name the shared-database back
 * end, which this version does not have yet; any other "scheme:" prefix is
 * refused rather than taken for a file name, so a typo ("sqlte:x.db") does not
 * silently create a new database. A file whose name holds a colon is written
 * "./NAME". Messages never echo a PostgreSQL URI: it may carry a password.
 */
#include "store/store_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/lang.h"

/* Length of an RFC 3986 scheme followed by ':' at the start of uri, or 0. */
static size_t uri_scheme_len(const char *uri) {
    const char *p = uri;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return 0;
    for (p++; *p; p++) {
        if (*p == ':') return (size_t)(p - uri);
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '+' || *p == '-' || *p == '.'))
            return 0;
    }
    return 0;
}

static bool scheme_is(const char *uri, size_t n, const char *name) {
    return n == strlen(name) && strncasecmp(uri, name, n) == 0;
}

store *store_open(const char *uri, err *e) {
    err_clear(e);
    if (!uri || !*uri) {
        err_set(e, ERR_USAGE, "%s", L("no database given", "未指定数据库"));
        return NULL;
    }
    size_t n = uri_scheme_len(uri);
    if (n == 0) return store_sqlite_open(uri, e);
    if (scheme_is(uri, n, "sqlite")) {
        const char *path = uri + n + 1;
        if (!*path) {
            err_set(e, ERR_USAGE, "%s",
                    L("\"sqlite:\" needs a file path (sqlite:PATH)",
                      "“sqlite:” 后须给出文件路径（sqlite:PATH）"));
            return NULL;
        }
        return store_sqlite_open(path, e);
    }
    if (scheme_is(uri, n, "postgresql") || scheme_is(uri, n, "postgres")) {
        err_set(e, ERR_USAGE, "%s",
                L("the PostgreSQL back end is not available in this version of govinspect; "
                  "use a SQLite file (--db PATH or sqlite:PATH)",
                  "本版本 govinspect 尚不支持 PostgreSQL 数据库；请使用 SQLite 文件"
                  "（--db PATH 或 sqlite:PATH）"));
        return NULL;
    }
    err_set(e, ERR_USAGE,
            L("unsupported database URI scheme \"%.*s:\": use PATH, sqlite:PATH or "
              "postgresql://... (write ./NAME for a file whose name contains ':')",
              "不支持的数据库地址类型“%.*s:”：请使用 PATH、sqlite:PATH 或 postgresql://..."
              "（文件名含“:”时请写作 ./NAME）"),
            (int)n, uri);
    return NULL;
}

void store_close(store *s) {
    if (s) s->ops->close(s);
}

int store_schema_version(store *s) { return s ? s->ops->schema_version(s) : 0; }

int store_schema_latest(void) { return STORE_SCHEMA_LATEST; }

const char *store_backend(const store *s) { return s ? s->ops->name : ""; }

bool store_begin(store *s, err *e) {
    err_clear(e);
    return s->ops->begin(s, e);
}

bool store_commit(store *s, err *e) {
    err_clear(e);
    return s->ops->commit(s, e);
}

void store_rollback(store *s) {
    if (s) s->ops->rollback(s);
}

/* ---- registry --------------------------------------------------------- */

bool store_site_upsert(store *s, const site_rec *r, store_upsert *result, err *e) {
    err_clear(e);
    return s->ops->site_upsert(s, r, result, e);
}

bool store_media_upsert(store *s, const media_rec *r, store_upsert *result, err *e) {
    err_clear(e);
    return s->ops->media_upsert(s, r, result, e);
}

bool store_sites_each(store *s, const char *org_prefix, store_site_cb cb, void *ud, err *e) {
    err_clear(e);
    return s->ops->sites_each(s, org_prefix, cb, ud, e);
}

bool store_media_each(store *s, const char *org_prefix, store_media_cb cb, void *ud, err *e) {
    err_clear(e);
    return s->ops->media_each(s, org_prefix, cb, ud, e);
}

bool store_site_get(store *s, const char *code, site_rec *out, err *e) {
    err_clear(e);
    return s->ops->site_get(s, code, out, e);
}

bool store_media_get(store *s, const char *media_id, media_rec *out, err *e) {
    err_clear(e);
    return s->ops->media_get(s, media_id, out, e);
}

bool store_count(store *s, const char *table, int64_t *out, err *e) {
    err_clear(e);
    return s->ops->count(s, table, out, e);
}

void site_rec_free(site_rec *r) {
    if (!r) return;
    free(r->code);
    free(r->name);
    free(r->url);
    free(r->hosts);
    free(r->unit);
    free(r->kind);
    free(r->org);
    free(r->icp);
    free(r->psb);
    memset(r, 0, sizeof *r);
}

void media_rec_free(media_rec *r) {
    if (!r) return;
    free(r->media_id);
    free(r->platform);
    free(r->name);
    free(r->unit);
    free(r->org);
    free(r->source);
    memset(r, 0, sizeof *r);
}

/* ---- rounds ----------------------------------------------------------- */

bool store_round_ensure(store *s, const round_rec *r, round_rec *out, bool *created, err *e) {
    err_clear(e);
    return s->ops->round_ensure(s, r, out, created, e);
}

bool store_round_get(store *s, const char *name, round_rec *out, err *e) {
    err_clear(e);
    return s->ops->round_get(s, name, out, e);
}

void round_rec_free(round_rec *r) {
    if (!r) return;
    free(r->name);
    free(r->as_of);
    free(r->label);
    free(r->rules_text);
    free(r->created_at);
    memset(r, 0, sizeof *r);
}

/* ---- probes ----------------------------------------------------------- */

bool store_probe_add(store *s, const probe_rec *p, bool *inserted, err *e) {
    err_clear(e);
    return s->ops->probe_add(s, p, inserted, e);
}

bool store_probes_each(store *s, const char *site_code, const char *from, const char *to,
                       store_probe_cb cb, void *ud, err *e) {
    err_clear(e);
    return s->ops->probes_each(s, site_code, from, to, cb, ud, e);
}

/* ---- registered downtime ---------------------------------------------- */

bool store_downtime_add(store *s, const downtime_rec *d, int64_t *id, bool *inserted, err *e) {
    err_clear(e);
    return s->ops->downtime_add(s, d, id, inserted, e);
}

bool store_downtime_each(store *s, const char *site_code, const char *from, const char *to,
                         store_downtime_cb cb, void *ud, err *e) {
    err_clear(e);
    return s->ops->downtime_each(s, site_code, from, to, cb, ud, e);
}

void downtime_rec_free(downtime_rec *d) {
    if (!d) return;
    free(d->site_code);
    free(d->from);
    free(d->to);
    free(d->kind);
    free(d->reason);
    memset(d, 0, sizeof *d);
}

/* ---- findings and review ---------------------------------------------- */

bool store_finding_record(store *s, const finding_rec *f, int64_t *id, err *e) {
    err_clear(e);
    return s->ops->finding_record(s, f, id, e);
}

bool store_findings_mark_gone(store *s, int64_t round_id, const char *target,
                              const char *kind_prefix, const int64_t *keep, size_t nkeep,
                              err *e) {
    err_clear(e);
    return s->ops->findings_mark_gone(s, round_id, target, kind_prefix, keep, nkeep, e);
}

bool store_findings_each(store *s, int64_t round_id, const char *target, store_finding_cb cb,
                         void *ud, err *e) {
    err_clear(e);
    return s->ops->findings_each(s, round_id, target, cb, ud, e);
}

bool store_finding_review(store *s, int64_t finding_id, const char *status, const char *by,
                          const char *note, const char *at, err *e) {
    err_clear(e);
    return s->ops->finding_review(s, finding_id, status, by, note, at, e);
}

void finding_rec_free(finding_rec *f) {
    if (!f) return;
    free(f->target);
    free(f->target_kind);
    free(f->kind);
    free(f->subject);
    free(f->indicator);
    free(f->status);
    free(f->url);
    free(f->source_url);
    free(f->observed_at);
    free(f->evidence);
    free(f->summary);
    free(f->reviewed_by);
    free(f->review_note);
    free(f->reviewed_at);
    memset(f, 0, sizeof *f);
}

bool store_page_put(store *s, const page_copy_rec *p, err *e) { return s->ops->page_put(s, p, e); }

bool store_page_get(store *s, int64_t round_id, const char *url, page_copy_rec *out, err *e) {
    return s->ops->page_get(s, round_id, url, out, e);
}

void page_copy_rec_free(page_copy_rec *p) {
    if (!p) return;
    free(p->site_code);
    free(p->url);
    free(p->final_url);
    free(p->content_type);
    free(p->charset);
    free(p->fetched_at);
    free(p->body);
    memset(p, 0, sizeof *p);
}

/* ---- targets checked, bonus points ------------------------------------ */

bool store_target_checked(store *s, const round_target_rec *t, err *e) {
    err_clear(e);
    return s->ops->target_checked(s, t, e);
}

bool store_round_targets_each(store *s, int64_t round_id, store_round_target_cb cb, void *ud,
                              err *e) {
    err_clear(e);
    return s->ops->round_targets_each(s, round_id, cb, ud, e);
}

void round_target_rec_free(round_target_rec *t) {
    if (!t) return;
    free(t->target);
    free(t->target_kind);
    free(t->state);
    free(t->reason);
    free(t->checked_at);
    memset(t, 0, sizeof *t);
}

bool store_bonus_set(store *s, int64_t round_id, const char *site_code, double points,
                     const char *note, err *e) {
    err_clear(e);
    return s->ops->bonus_set(s, round_id, site_code, points, note, e);
}

bool store_bonus_get(store *s, int64_t round_id, const char *site_code, double *points,
                     bool *found, err *e) {
    err_clear(e);
    return s->ops->bonus_get(s, round_id, site_code, points, found, e);
}

bool store_crawl_done_set(store *s, int64_t round_id, const char *site_code, const char *at,
                          err *e) {
    err_clear(e);
    return s->ops->crawl_done_set(s, round_id, site_code, at, e);
}

bool store_crawl_done_get(store *s, int64_t round_id, const char *site_code, bool *done, err *e) {
    err_clear(e);
    return s->ops->crawl_done_get(s, round_id, site_code, done, e);
}

bool store_crawl_clear(store *s, int64_t round_id, const char *site_code, err *e) {
    err_clear(e);
    return s->ops->crawl_clear(s, round_id, site_code, e);
}
