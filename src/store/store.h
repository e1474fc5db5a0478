/* store — the one door to persistent state.
 *
 * Callers see only this interface; a back end implements `store_ops`
 * (store_impl.h). SQLite (one file, WAL, foreign keys, busy timeout so that a
 * probe timer and an inspection can share the file) is the embedded default;
 * a PostgreSQL back end implements the same operations for shared databases.
 * store_open() picks the back end from the URI: "PATH", "sqlite:PATH", or
 * "postgresql://..." / "postgres://...".
 *
 * Transactions: every operation that writes is atomic on its own. A caller
 * that makes one logical write out of many calls (an import of 10,000 rows)
 * brackets them with store_begin()/store_commit(); store_rollback() undoes
 * all since store_begin(). Nesting is not supported.
 *
 * Ownership: records returned by the store (site_rec, media_rec, round_rec,
 * finding_rec ...) own their strings; free them with the matching *_free().
 * Records passed in are only read; their NULL strings count as "". Iteration
 * (store_*_each) calls back with a record that is valid during the callback
 * only; returning false from the callback stops the iteration early without
 * an error. A callback may call the store, writes included (the SQLite back
 * end reads in pages and holds no statement open across a callback).
 *
 * Time values are ISO 8601 strings with their UTC offset
 * ("2020-08-10T09:30:00+08:00"); the store never reads the wall clock except
 * for created/updated stamps of registry rows and a round's created_at when
 * the caller gives none.
 *
 * A handle is used by one thread at a time; processes share a database by
 * opening their own handles.
 */
#ifndef GI_STORE_STORE_H
#define GI_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct store store;

/* ---- opening ---------------------------------------------------------- */

store *store_open(const char *uri, err *e);
void store_close(store *s);
/* The schema version of the opened database (after migrations). */
int store_schema_version(store *s);
/* The newest schema version this build knows. */
int store_schema_latest(void);
/* The back end's name: "sqlite" or "postgresql". */
const char *store_backend(const store *s);

bool store_begin(store *s, err *e);
bool store_commit(store *s, err *e);
void store_rollback(store *s);

/* ---- registry --------------------------------------------------------- */

typedef enum { STORE_INSERTED, STORE_UPDATED, STORE_UNCHANGED } store_upsert;

typedef struct site_rec {
    char *code;      /* 网站标识码, the key */
    char *name;
    char *url;
    char *hosts;     /* space-separated, may be "" */
    char *unit;
    char *kind;      /* "portal" | "department" */
    bool services;
    char *org;       /* "榆林市/横山区", may be "" */
    char *icp;
    char *psb;
    int64_t seq;     /* registry order: position of first import */
} site_rec;

typedef struct media_rec {
    char *media_id;  /* the key */
    char *platform;  /* canonical English: wechat, weibo, douyin, toutiao,
                        kuaishou, baidu, app, other */
    char *name;
    char *unit;
    char *org;
    char *source;    /* URL, or absolute file or folder path */
    int64_t seq;
} media_rec;

/* Inserts, or updates the row with the same key in place (keeping its
 * registry position). `seq` of the input is ignored. */
bool store_site_upsert(store *s, const site_rec *r, store_upsert *result, err *e);
bool store_media_upsert(store *s, const media_rec *r, store_upsert *result, err *e);

/* Registry order. org_prefix NULL or "" means all; "榆林市" matches
 * "榆林市" and "榆林市/横山区" but not "榆林市外". */
typedef bool (*store_site_cb)(const site_rec *r, void *ud);
typedef bool (*store_media_cb)(const media_rec *r, void *ud);
bool store_sites_each(store *s, const char *org_prefix, store_site_cb cb, void *ud, err *e);
bool store_media_each(store *s, const char *org_prefix, store_media_cb cb, void *ud, err *e);
/* Returns false with e->cls == ERR_NONE when not found. */
bool store_site_get(store *s, const char *code, site_rec *out, err *e);
bool store_media_get(store *s, const char *media_id, media_rec *out, err *e);
bool store_count(store *s, const char *table, int64_t *out, err *e); /* "sites" | "media" */

void site_rec_free(site_rec *r);
void media_rec_free(media_rec *r);

/* ---- rounds ----------------------------------------------------------- */

typedef struct round_rec {
    int64_t id;
    char *name;       /* "2020Q3" */
    char *as_of;      /* "2020-08-10" */
    char *label;      /* "2020年第三季度", may be "" */
    char *rules_text; /* the effective rule set the round is judged by */
    char *created_at;
} round_rec;

/* Creates the round, or returns the existing one unchanged (as-of, label and
 * rules are fixed at creation). *created tells which. `out` and `created`
 * may be NULL; r->created_at "" or NULL means now. */
bool store_round_ensure(store *s, const round_rec *r, round_rec *out, bool *created, err *e);
bool store_round_get(store *s, const char *name, round_rec *out, err *e);
void round_rec_free(round_rec *r);

/* ---- probes ----------------------------------------------------------- */

typedef struct probe_rec {
    char *site_code;
    char *time;        /* ISO 8601 with offset */
    bool ok;
    int http_status;   /* -1 when unknown */
    int64_t elapsed_ms;/* -1 when unknown */
    char *error;       /* "" when none */
} probe_rec;

/* A probe is identified by (site, time): inserting the same twice stores it
 * once (*inserted false the second time), also when the same instant is
 * written with another offset. A time without its UTC offset is refused
 * (ERR_INPUT), as is a probe of a site not in the registry. */
bool store_probe_add(store *s, const probe_rec *p, bool *inserted, err *e);
/* Probes of one site with from <= time < to (ISO strings compared as
 * instants; NULL from or to: unbounded), oldest first. */
typedef bool (*store_probe_cb)(const probe_rec *p, void *ud);
bool store_probes_each(store *s, const char *site_code, const char *from, const char *to,
                       store_probe_cb cb, void *ud, err *e);

/* ---- registered downtime (报备) ---------------------------------------- */

/* A reported outage ("report") or an approved temporary take-down
 * ("takedown") of a site, from `from` (included) to `to` (excluded). Probes
 * inside it do not count against the site; take-downs are also counted
 * against the rule set's limits (downtime.excess). */
typedef struct downtime_rec {
    int64_t id;        /* the store's; ignored when adding */
    char *site_code;
    char *from;        /* ISO 8601 with offset */
    char *to;          /* ISO 8601 with offset, after from */
    char *kind;        /* "report" | "takedown" */
    char *reason;
} downtime_rec;

/* Adds a period. The same site, instants and kind added again is stored
 * once (*inserted false, *id the stored one's), whatever its reason; the
 * same instants written with other offsets are the same. Times without a UTC
 * offset, `to` not after `from`, an unknown kind and a site not in the
 * registry are refused (ERR_INPUT). `id` and `inserted` may be NULL. */
bool store_downtime_add(store *s, const downtime_rec *d, int64_t *id, bool *inserted, err *e);
/* Periods of one site (NULL: every site) that overlap [from, to) (ISO
 * strings compared as instants; NULL: unbounded), in the order added. */
typedef bool (*store_downtime_cb)(const downtime_rec *d, void *ud);
bool store_downtime_each(store *s, const char *site_code, const char *from, const char *to,
                         store_downtime_cb cb, void *ud, err *e);
void downtime_rec_free(downtime_rec *d);

/* ---- evidence copies of pages ----------------------------------------- */

/* A copy of a page that holds evidence, kept so a finding can be shown after
 * the unit has changed the page. body is zlib-compressed (body_len bytes);
 * raw_len is its uncompressed length. */
typedef struct page_copy_rec {
    int64_t round_id;
    char *site_code;
    char *url;
    char *final_url;
    int http_status;
    char *content_type;
    char *charset;
    char *fetched_at;
    void *body;
    size_t body_len;
    size_t raw_len;
} page_copy_rec;

/* Stores or replaces the copy of (round, url). */
bool store_page_put(store *s, const page_copy_rec *p, err *e);
/* Returns false with e->cls == ERR_NONE when there is no copy. */
bool store_page_get(store *s, int64_t round_id, const char *url, page_copy_rec *out, err *e);
void page_copy_rec_free(page_copy_rec *p);

/* ---- findings and review ---------------------------------------------- */

typedef struct finding_rec {
    int64_t id;
    int64_t round_id;
    char *target;      /* site code or media id */
    char *target_kind; /* "site" | "media" */
    char *kind;        /* observation kind, e.g. "column.stale" */
    char *subject;     /* URL, column or matched text: with the above, the identity */
    char *indicator;   /* indicator code the judge assigned */
    char *status;      /* "pending" | "confirmed" | "dismissed" | "gone" */
    char *url;
    char *source_url;
    char *observed_at;
    char *evidence;    /* a JSON object as text */
    char *summary;
    char *reviewed_by; /* "" until reviewed */
    char *review_note;
    char *reviewed_at;
} finding_rec;

/* Records a finding by its identity (round, target, kind, subject). A new
 * one gets `status` as given (the rule set's review default: pending,
 * confirmed or dismissed) and the review fields as given (a finding a person
 * establishes arrives reviewed); one seen before keeps a reviewer's decision
 * but takes the new evidence, indicator, url and summary, and a 'gone' one
 * comes back with its previous decision. A finding nobody has reviewed
 * (reviewed_by "") has no decision to keep and takes the given status.
 * `evidence` must be a JSON object; NULL or "" stores {}. */
bool store_finding_record(store *s, const finding_rec *f, int64_t *id, err *e);
/* Marks 'gone' every finding of the round and target (NULL: every target)
 * whose kind starts with kind_prefix (NULL: all) and whose id is not in
 * keep[0..nkeep). Used after a re-run of a target. */
bool store_findings_mark_gone(store *s, int64_t round_id, const char *target,
                              const char *kind_prefix, const int64_t *keep, size_t nkeep,
                              err *e);
/* Findings of a round, optionally of one target (NULL: all), by id. */
typedef bool (*store_finding_cb)(const finding_rec *f, void *ud);
bool store_findings_each(store *s, int64_t round_id, const char *target,
                         store_finding_cb cb, void *ud, err *e);
/* Sets status to "confirmed" or "dismissed" with who (required), why and
 * when. A 'gone' finding stays gone and gets the decision when it comes
 * back. An unknown id is ERR_USAGE. */
bool store_finding_review(store *s, int64_t finding_id, const char *status, const char *by,
                          const char *note, const char *at, err *e);
void finding_rec_free(finding_rec *f);

/* ---- targets checked in a round --------------------------------------- */

/* That a round checked a target, and how far: "complete"; "incomplete"
 * (some indicators could not be judged: a crawl kept from the column pages,
 * a capture too old — `reason` says which); "failed" (nothing could be read:
 * an unreadable feed). A target without a row was not checked in the round
 * (verdict unknown, "not checked"). Re-checking replaces the row. */
typedef struct round_target_rec {
    int64_t round_id;
    char *target;
    char *target_kind; /* "site" | "media" */
    char *state;       /* "complete" | "incomplete" | "failed" */
    char *reason;      /* "" when complete */
    char *checked_at;  /* ISO 8601 */
} round_target_rec;

bool store_target_checked(store *s, const round_target_rec *t, err *e);
/* In the order first recorded. */
typedef bool (*store_round_target_cb)(const round_target_rec *t, void *ud);
bool store_round_targets_each(store *s, int64_t round_id, store_round_target_cb cb, void *ud,
                              err *e);
void round_target_rec_free(round_target_rec *t);

/* ---- bonus points (加分) ------------------------------------------------ */

/* A reviewer's bonus points for a portal in a round (replacing earlier
 * ones); the judge applies the rule set's eligibility and maximum. */
bool store_bonus_set(store *s, int64_t round_id, const char *site_code, double points,
                     const char *note, err *e);
/* *found false (and *points 0) when none was set. */
bool store_bonus_get(store *s, int64_t round_id, const char *site_code, double *points,
                     bool *found, err *e);

/* ---- crawl state: resuming an interrupted inspection ------------------ */

/* A site whose inspection in the round is done (crawl, checks and their
 * fetches committed), so that re-running a round that was interrupted
 * (Ctrl-C, kill) does not crawl it again. Written by the driver in the
 * transaction of the site's last findings; cleared when a run of the round
 * completes, so that a deliberate re-run of a finished round crawls afresh. */
bool store_crawl_done_set(store *s, int64_t round_id, const char *site_code, const char *at,
                          err *e);
bool store_crawl_done_get(store *s, int64_t round_id, const char *site_code, bool *done, err *e);
/* Forgets the done sites of the round (site_code NULL: all of them). */
bool store_crawl_clear(store *s, int64_t round_id, const char *site_code, err *e);

#endif
