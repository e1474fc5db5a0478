/* store_impl — what a back end provides to store.c.
 *
 * store.c holds the public entry points and dispatches through `ops`; a
 * back end embeds `struct store` as the first member of its own state.
 * Schema versions are numbered alike in every back end, so that
 * store_schema_latest() is a property of the build, not of the back end.
 */
#ifndef GI_STORE_STORE_IMPL_H
#define GI_STORE_STORE_IMPL_H

#include "store/store.h"

/* The newest schema version this build knows (see the migrations of each
 * back end). */
#define STORE_SCHEMA_LATEST 4

typedef struct store_ops {
    const char *name;
    void (*close)(store *s);
    int (*schema_version)(store *s);
    bool (*begin)(store *s, err *e);
    bool (*commit)(store *s, err *e);
    void (*rollback)(store *s);
    bool (*site_upsert)(store *s, const site_rec *r, store_upsert *result, err *e);
    bool (*media_upsert)(store *s, const media_rec *r, store_upsert *result, err *e);
    bool (*sites_each)(store *s, const char *org_prefix, store_site_cb cb, void *ud, err *e);
    bool (*media_each)(store *s, const char *org_prefix, store_media_cb cb, void *ud, err *e);
    bool (*site_get)(store *s, const char *code, site_rec *out, err *e);
    bool (*media_get)(store *s, const char *media_id, media_rec *out, err *e);
    bool (*count)(store *s, const char *table, int64_t *out, err *e);
    bool (*round_ensure)(store *s, const round_rec *r, round_rec *out, bool *created, err *e);
    bool (*round_get)(store *s, const char *name, round_rec *out, err *e);
    bool (*probe_add)(store *s, const probe_rec *p, bool *inserted, err *e);
    bool (*probes_each)(store *s, const char *site_code, const char *from, const char *to,
                        store_probe_cb cb, void *ud, err *e);
    bool (*downtime_add)(store *s, const downtime_rec *d, int64_t *id, bool *inserted, err *e);
    bool (*downtime_each)(store *s, const char *site_code, const char *from, const char *to,
                          store_downtime_cb cb, void *ud, err *e);
    bool (*finding_record)(store *s, const finding_rec *f, int64_t *id, err *e);
    bool (*findings_mark_gone)(store *s, int64_t round_id, const char *target,
                               const char *kind_prefix, const int64_t *keep, size_t nkeep,
                               err *e);
    bool (*findings_each)(store *s, int64_t round_id, const char *target, store_finding_cb cb,
                          void *ud, err *e);
    bool (*page_put)(store *s, const page_copy_rec *p, err *e);
    bool (*page_get)(store *s, int64_t round_id, const char *url, page_copy_rec *out, err *e);
    bool (*finding_review)(store *s, int64_t finding_id, const char *status, const char *by,
                           const char *note, const char *at, err *e);
    bool (*target_checked)(store *s, const round_target_rec *t, err *e);
    bool (*round_targets_each)(store *s, int64_t round_id, store_round_target_cb cb, void *ud,
                               err *e);
    bool (*bonus_set)(store *s, int64_t round_id, const char *site_code, double points,
                      const char *note, err *e);
    bool (*bonus_get)(store *s, int64_t round_id, const char *site_code, double *points,
                      bool *found, err *e);
    bool (*crawl_done_set)(store *s, int64_t round_id, const char *site_code, const char *at,
                           err *e);
    bool (*crawl_done_get)(store *s, int64_t round_id, const char *site_code, bool *done, err *e);
    bool (*crawl_clear)(store *s, int64_t round_id, const char *site_code, err *e);
} store_ops;

struct store {
    const store_ops *ops;
};

/* Back ends. Each returns NULL with e set on failure. */
store *store_sqlite_open(const char *path, err *e);
/* For tests of migrations: opens and migrates only up to `version`. */
store *store_sqlite_open_at(const char *path, int version, err *e);

#endif
