/* store_sqlite — the SQLite back end: one file that several processes share.
 *
 * Concurrency. The file is in WAL mode, so readers never block the writer,
 * and each handle waits up to 10 s for a lock (busy_timeout), so a probe
 * timer writing while an inspection runs waits instead of failing. Every
 * write starts with BEGIN IMMEDIATE: a deferred transaction that has read and
 * then wants to write gets SQLITE_BUSY at once, without the busy handler
 * (waiting could deadlock two such upgraders). A writing operation opens its
 * own transaction unless store_begin() has opened one, so it is atomic alone
 * and costs no extra commit inside a batch. Each writing operation issues at
 * most one writing statement, so inside a caller's transaction a failed
 * operation leaves nothing half done either.
 *
 * Statements are prepared once per handle, from the catalogue `sql_text`,
 * and reset (bindings cleared) after every use. No statement stays active
 * while a caller's callback runs: iteration reads a page of rows, resets the
 * statement, calls back, and continues after the last key seen (keyset
 * paging). So a callback may use the store, writes included, and no read
 * transaction is held open while a caller crawls for minutes (which would
 * also stall WAL checkpoints). The price: outside store_begin() an iteration
 * is not one snapshot, rows written meanwhile may show up.
 *
 * Schema. PRAGMA user_version holds the version; `migrations` holds one SQL
 * script per version, applied in order, each in its own transaction that
 * re-reads the version under the write lock, so two processes opening a new
 * file do not both migrate. A file from a newer build is refused, not guessed
 * at. All SQL binds its data; the only SQL built at run time is the
 * "PRAGMA user_version = N" of a migration, N being our own counter.
 *
 * Time. Probe times are kept as given (with their offset) and as UTC epoch
 * milliseconds, because ISO strings with different offsets do not order as
 * text. A probe's identity is its site and its instant, so the same probe
 * written once with +08:00 and once with Z is stored once.
 *
 * A handle is used by one thread at a time.
 */
#include "store/store_impl.h"

#include "core/date.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/grow.h"
#include "core/lang.h"
#include "core/log.h"
#include "core/sbuf.h"

enum { BUSY_TIMEOUT_MS = 10000, PAGE_ROWS = 256 };

/* ---- schema ----------------------------------------------------------- */

/* Registry: the stable key is the code; `seq` is the position of the first
 * import and never changes, so reports keep the office's order. */
static const char migration_1[] =
    "CREATE TABLE sites ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE CHECK (code <> ''),"
    " name TEXT NOT NULL,"
    " url TEXT NOT NULL,"
    " hosts TEXT NOT NULL DEFAULT '',"
    " unit TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL CHECK (kind IN ('portal','department')),"
    " services INTEGER NOT NULL CHECK (services IN (0,1)),"
    " org TEXT NOT NULL DEFAULT '',"
    " icp TEXT NOT NULL DEFAULT '',"
    " psb TEXT NOT NULL DEFAULT '',"
    " seq INTEGER NOT NULL UNIQUE,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE TABLE media ("
    " id INTEGER PRIMARY KEY,"
    " media_id TEXT NOT NULL UNIQUE CHECK (media_id <> ''),"
    " platform TEXT NOT NULL CHECK (platform IN"
    "  ('wechat','weibo','douyin','toutiao','kuaishou','baidu','app','other')),"
    " name TEXT NOT NULL,"
    " unit TEXT NOT NULL DEFAULT '',"
    " org TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL DEFAULT '',"
    " seq INTEGER NOT NULL UNIQUE,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);";

/* Rounds and what is observed in them. Times are ISO text as given; probes
 * and downtime also carry epoch milliseconds for range queries. Findings
 * name their target by code or media id (two parent tables, so no foreign
 * key); `prev_status` holds the status a 'gone' finding had. */
static const char migration_2[] =
    "CREATE TABLE rounds ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
    " as_of TEXT NOT NULL,"
    " label TEXT NOT NULL DEFAULT '',"
    " rules_text TEXT NOT NULL DEFAULT '',"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE probes ("
    " id INTEGER PRIMARY KEY,"
    " site_code TEXT NOT NULL REFERENCES sites(code) ON DELETE CASCADE,"
    " time TEXT NOT NULL,"
    " time_ms INTEGER NOT NULL,"
    " ok INTEGER NOT NULL CHECK (ok IN (0,1)),"
    " http_status INTEGER,"
    " elapsed_ms INTEGER,"
    " error TEXT NOT NULL DEFAULT '',"
    " UNIQUE (site_code, time_ms));"
    "CREATE TABLE downtime ("
    " id INTEGER PRIMARY KEY,"
    " site_code TEXT NOT NULL REFERENCES sites(code) ON DELETE CASCADE,"
    " from_time TEXT NOT NULL,"
    " from_ms INTEGER NOT NULL,"
    " to_time TEXT NOT NULL,"
    " to_ms INTEGER NOT NULL CHECK (to_ms >= from_ms),"
    " reason TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX downtime_site ON downtime(site_code, from_ms);"
    "CREATE TABLE pages ("
    " id INTEGER PRIMARY KEY,"
    " round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    " site_code TEXT NOT NULL REFERENCES sites(code),"
    " url TEXT NOT NULL,"
    " final_url TEXT NOT NULL DEFAULT '',"
    " http_status INTEGER,"
    " content_type TEXT NOT NULL DEFAULT '',"
    " charset TEXT NOT NULL DEFAULT '',"
    " fetched_at TEXT NOT NULL DEFAULT '',"
    " body BLOB,"        /* zlib-compressed, capped; NULL when not kept */
    " body_size INTEGER," /* uncompressed length of the kept body */
    " UNIQUE (round_id, url));"
    "CREATE INDEX pages_site ON pages(round_id, site_code);"
    "CREATE TABLE links ("
    " id INTEGER PRIMARY KEY,"
    " round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    " site_code TEXT NOT NULL REFERENCES sites(code),"
    " url TEXT NOT NULL,"
    " status INTEGER," /* HTTP status; NULL when there was no response */
    " error TEXT NOT NULL DEFAULT '',"
    " checked_at TEXT NOT NULL DEFAULT '',"
    " UNIQUE (round_id, site_code, url));"
    "CREATE TABLE link_refs ("
    " id INTEGER PRIMARY KEY,"
    " link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,"
    " page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,"
    " tag TEXT NOT NULL DEFAULT '',"
    " attr TEXT NOT NULL DEFAULT '',"
    " anchor_text TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX link_refs_link ON link_refs(link_id);"
    "CREATE INDEX link_refs_page ON link_refs(page_id);"
    "CREATE TABLE findings ("
    " id INTEGER PRIMARY KEY,"
    " round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    " target TEXT NOT NULL CHECK (target <> ''),"
    " target_kind TEXT NOT NULL CHECK (target_kind IN ('site','media')),"
    " kind TEXT NOT NULL CHECK (kind <> ''),"
    " subject TEXT NOT NULL DEFAULT '',"
    " indicator TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL CHECK (status IN ('pending','confirmed','dismissed','gone')),"
    " prev_status TEXT CHECK (prev_status IN ('pending','confirmed','dismissed')),"
    " url TEXT NOT NULL DEFAULT '',"
    " source_url TEXT NOT NULL DEFAULT '',"
    " observed_at TEXT NOT NULL DEFAULT '',"
    " evidence TEXT NOT NULL DEFAULT '{}'"
    "  CHECK (CASE WHEN json_valid(evidence) THEN json_type(evidence) = 'object' ELSE 0 END),"
    " summary TEXT NOT NULL DEFAULT '',"
    " reviewed_by TEXT NOT NULL DEFAULT '',"
    " review_note TEXT NOT NULL DEFAULT '',"
    " reviewed_at TEXT NOT NULL DEFAULT '',"
    " UNIQUE (round_id, target, kind, subject));"
    "CREATE INDEX findings_round ON findings(round_id);"
    "CREATE TABLE bonus ("
    " id INTEGER PRIMARY KEY,"
    " round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    " site_code TEXT NOT NULL REFERENCES sites(code),"
    " points REAL NOT NULL CHECK (points >= 0),"
    " note TEXT NOT NULL DEFAULT '',"
    " UNIQUE (round_id, site_code));";

/* Which targets a round has checked, and how far: a target with no row was
 * not checked in the round; 'incomplete' means some indicators could not be
 * judged (reason says why). Re-checking a target replaces its row. */
static const char migration_3[] =
    "CREATE TABLE round_targets ("
    " id INTEGER PRIMARY KEY,"
    " round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    " target TEXT NOT NULL CHECK (target <> ''),"
    " target_kind TEXT NOT NULL CHECK (target_kind IN ('site','media')),"
    " state TEXT NOT NULL CHECK (state IN ('complete','incomplete','failed')),"
    " reason TEXT NOT NULL DEFAULT '',"
    " checked_at TEXT NOT NULL DEFAULT '',"
    " UNIQUE (round_id, target_kind, target));"
    /* One target's findings in id order, without reading the whole round. */
    "CREATE INDEX findings_target ON findings(round_id, target, id);";

/* migrations[i] takes the schema from version i to i + 1. Append only: a
 * released script never changes. (A script that rebuilds a table must run
 * with foreign_keys off, which is a no-op inside a transaction: handle that
 * when the first such migration comes.) */
/* The sites whose inspection in a round is done, for resuming an
 * interrupted run (store_crawl_done_*): one row per site, written in the
 * transaction that commits the site's last findings, deleted when a run of
 * the round completes. Site granularity: see docs/ARCHITECTURE.md. */
static const char migration_4[] =
    "CREATE TABLE crawl_state ("
    " round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    " site_code TEXT NOT NULL CHECK (site_code <> ''),"
    " state TEXT NOT NULL CHECK (state IN ('done')),"
    " finished_at TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (round_id, site_code));";

static const char *const migrations[] = {migration_1, migration_2, migration_3, migration_4};
_Static_assert(sizeof migrations / sizeof *migrations == STORE_SCHEMA_LATEST,
               "one migration per schema version");

/* ---- statements ------------------------------------------------------- */

#define NOW_UTC "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define SITE_COLS "code,name,url,hosts,unit,kind,services,org,icp,psb,seq"
#define MEDIA_COLS "media_id,platform,name,unit,org,source,seq"
#define ROUND_COLS "id,name,as_of,label,rules_text,created_at"
#define PROBE_COLS "site_code,time,ok,http_status,elapsed_ms,error,time_ms"
#define DOWNTIME_COLS "id,site_code,from_time,to_time,kind,reason"
#define FINDING_COLS                                                                     \
    "id,round_id,target,target_kind,kind,subject,indicator,status,url,source_url,"      \
    "observed_at,evidence,summary,reviewed_by,review_note,reviewed_at"
/* org = P, or org starts with "P/": substr and equality, because LIKE would
 * read % and _ in an organisation's name as wildcards. */
#define ORG_MATCH "(?2 = '' OR org = ?2 OR substr(org, 1, length(?2) + 1) = ?2 || '/')"

typedef enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_USER_VERSION,
    ST_SITE_GET,
    ST_SITE_INSERT,
    ST_SITE_UPDATE,
    ST_SITES_PAGE,
    ST_MEDIA_GET,
    ST_MEDIA_INSERT,
    ST_MEDIA_UPDATE,
    ST_MEDIA_PAGE,
    ST_COUNT_SITES,
    ST_COUNT_MEDIA,
    ST_ROUND_INSERT,
    ST_ROUND_GET,
    ST_PROBE_INSERT,
    ST_PROBES_PAGE,
    ST_DOWNTIME_INSERT,
    ST_DOWNTIME_FIND,
    ST_DOWNTIME_PAGE,
    ST_FINDING_FIND,
    ST_FINDING_INSERT,
    ST_FINDING_UPDATE,
    ST_FINDINGS_GONE,
    ST_FINDINGS_GONE_TARGET,
    ST_FINDINGS_PAGE,
    ST_FINDINGS_PAGE_TARGET,
    ST_FINDING_REVIEW,
    ST_PAGE_PUT,
    ST_PAGE_GET,
    ST_TARGET_SET,
    ST_TARGETS_ALL,
    ST_BONUS_SET,
    ST_BONUS_GET,
    ST_CRAWL_DONE_SET,
    ST_CRAWL_DONE_GET,
    ST_CRAWL_CLEAR,
    ST_CRAWL_CLEAR_SITE,
    ST__COUNT
} stmt_id;

static const char *const sql_text[ST__COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_USER_VERSION] = "PRAGMA user_version",
    [ST_SITE_GET] = "SELECT " SITE_COLS " FROM sites WHERE code = ?1",
    [ST_SITE_INSERT] =
        "INSERT INTO sites (code,name,url,hosts,unit,kind,services,org,icp,psb,seq,"
        "created_at,updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
        "(SELECT coalesce(max(seq), 0) + 1 FROM sites)," NOW_UTC "," NOW_UTC ")",
    [ST_SITE_UPDATE] = "UPDATE sites SET name=?2, url=?3, hosts=?4, unit=?5, kind=?6,"
                       " services=?7, org=?8, icp=?9, psb=?10, updated_at=" NOW_UTC
                       " WHERE code = ?1",
    [ST_SITES_PAGE] = "SELECT " SITE_COLS " FROM sites WHERE seq > ?1 AND " ORG_MATCH
                      " ORDER BY seq LIMIT ?3",
    [ST_MEDIA_GET] = "SELECT " MEDIA_COLS " FROM media WHERE media_id = ?1",
    [ST_MEDIA_INSERT] = "INSERT INTO media (media_id,platform,name,unit,org,source,seq,"
                        "created_at,updated_at) VALUES (?1,?2,?3,?4,?5,?6,"
                        "(SELECT coalesce(max(seq), 0) + 1 FROM media)," NOW_UTC "," NOW_UTC
                        ")",
    [ST_MEDIA_UPDATE] = "UPDATE media SET platform=?2, name=?3, unit=?4, org=?5, source=?6,"
                        " updated_at=" NOW_UTC " WHERE media_id = ?1",
    [ST_MEDIA_PAGE] = "SELECT " MEDIA_COLS " FROM media WHERE seq > ?1 AND " ORG_MATCH
                      " ORDER BY seq LIMIT ?3",
    [ST_COUNT_SITES] = "SELECT count(*) FROM sites",
    [ST_COUNT_MEDIA] = "SELECT count(*) FROM media",
    [ST_ROUND_INSERT] = "INSERT INTO rounds (name,as_of,label,rules_text,created_at)"
                        " VALUES (?1,?2,?3,?4,coalesce(nullif(?5,'')," NOW_UTC "))"
                        " ON CONFLICT (name) DO NOTHING",
    [ST_ROUND_GET] = "SELECT " ROUND_COLS " FROM rounds WHERE name = ?1",
    [ST_PROBE_INSERT] = "INSERT INTO probes (" PROBE_COLS ") VALUES (?1,?2,?3,?4,?5,?6,?7)"
                        " ON CONFLICT (site_code, time_ms) DO NOTHING",
    [ST_PROBES_PAGE] = "SELECT " PROBE_COLS " FROM probes WHERE site_code = ?1"
                       " AND time_ms >= ?2 AND time_ms < ?3 ORDER BY time_ms LIMIT ?4",
    /* The downtime table has no unique key (migration 2): the identity
     * (site, instants, kind) is kept by inserting only when it is new. */
    [ST_PAGE_PUT] =
        "INSERT INTO pages (round_id, site_code, url, final_url, http_status, content_type,"
        " charset, fetched_at, body, body_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT (round_id, url) DO UPDATE SET site_code = excluded.site_code,"
        " final_url = excluded.final_url, http_status = excluded.http_status,"
        " content_type = excluded.content_type, charset = excluded.charset,"
        " fetched_at = excluded.fetched_at, body = excluded.body, body_size = excluded.body_size",
    [ST_TARGET_SET] =
        "INSERT INTO round_targets (round_id,target,target_kind,state,reason,checked_at)"
        " VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT (round_id, target_kind, target) DO UPDATE SET"
        " state = excluded.state, reason = excluded.reason, checked_at = excluded.checked_at",
    [ST_TARGETS_ALL] = "SELECT target,target_kind,state,reason,checked_at FROM round_targets"
                       " WHERE round_id = ?1 ORDER BY id",
    [ST_BONUS_SET] = "INSERT INTO bonus (round_id,site_code,points,note) VALUES (?1,?2,?3,?4)"
                     " ON CONFLICT (round_id, site_code) DO UPDATE SET points = excluded.points,"
                     " note = excluded.note",
    [ST_BONUS_GET] = "SELECT points, note FROM bonus WHERE round_id = ?1 AND site_code = ?2",
    [ST_CRAWL_DONE_SET] = "INSERT INTO crawl_state (round_id,site_code,state,finished_at)"
                          " VALUES (?1,?2,'done',?3) ON CONFLICT (round_id, site_code)"
                          " DO UPDATE SET state = 'done', finished_at = excluded.finished_at",
    [ST_CRAWL_DONE_GET] = "SELECT 1 FROM crawl_state WHERE round_id = ?1 AND site_code = ?2"
                          " AND state = 'done'",
    [ST_CRAWL_CLEAR] = "DELETE FROM crawl_state WHERE round_id = ?1",
    [ST_CRAWL_CLEAR_SITE] = "DELETE FROM crawl_state WHERE round_id = ?1 AND site_code = ?2",
    [ST_PAGE_GET] = "SELECT site_code, url, final_url, http_status, content_type, charset,"
                    " fetched_at, body, body_size FROM pages WHERE round_id = ?1 AND url = ?2",
    [ST_DOWNTIME_INSERT] =
        "INSERT INTO downtime (site_code,from_time,from_ms,to_time,to_ms,kind,reason)"
        " SELECT ?1,?2,?3,?4,?5,?6,?7 WHERE NOT EXISTS (SELECT 1 FROM downtime"
        " WHERE site_code = ?1 AND from_ms = ?3 AND to_ms = ?5 AND kind = ?6)",
    [ST_DOWNTIME_FIND] = "SELECT id FROM downtime WHERE site_code = ?1 AND from_ms = ?2"
                         " AND to_ms = ?3 AND kind = ?4 ORDER BY id LIMIT 1",
    [ST_DOWNTIME_PAGE] = "SELECT " DOWNTIME_COLS " FROM downtime WHERE id > ?1"
                         " AND (?2 IS NULL OR site_code = ?2) AND to_ms > ?3 AND from_ms < ?4"
                         " ORDER BY id LIMIT ?5",
    [ST_FINDING_FIND] = "SELECT id, status, prev_status, reviewed_by FROM findings"
                        " WHERE round_id = ?1 AND target = ?2 AND kind = ?3 AND subject = ?4",
    [ST_FINDING_INSERT] =
        "INSERT INTO findings (round_id,target,target_kind,kind,subject,indicator,status,"
        "url,source_url,observed_at,evidence,summary,reviewed_by,review_note,reviewed_at)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    [ST_FINDING_UPDATE] = "UPDATE findings SET target_kind=?2, indicator=?3, status=?4,"
                          " prev_status=NULL, url=?5, source_url=?6, observed_at=?7,"
                          " evidence=?8, summary=?9 WHERE id = ?1",
    /* Each with a variant for one target: "?2 IS NULL OR target = ?2" would
     * keep SQLite from the (round_id, target, ...) index, and a round of
     * 10,000 accounts would scan every finding once per account. */
    [ST_FINDINGS_GONE] =
        "UPDATE findings SET prev_status = status, status = 'gone'"
        " WHERE round_id = ?1 AND ?2 IS NULL AND status <> 'gone'"
        " AND (?3 IS NULL OR substr(kind, 1, length(?3)) = ?3)"
        " AND id NOT IN (SELECT value FROM json_each(?4))",
    [ST_FINDINGS_GONE_TARGET] =
        "UPDATE findings SET prev_status = status, status = 'gone'"
        " WHERE round_id = ?1 AND target = ?2 AND status <> 'gone'"
        " AND (?3 IS NULL OR substr(kind, 1, length(?3)) = ?3)"
        " AND id NOT IN (SELECT value FROM json_each(?4))",
    [ST_FINDINGS_PAGE] = "SELECT " FINDING_COLS " FROM findings WHERE round_id = ?1"
                         " AND ?2 IS NULL AND id > ?3 ORDER BY id LIMIT ?4",
    [ST_FINDINGS_PAGE_TARGET] = "SELECT " FINDING_COLS " FROM findings WHERE round_id = ?1"
                                " AND target = ?2 AND id > ?3 ORDER BY id LIMIT ?4",
    /* The right-hand sides read the old row: a 'gone' finding stays gone and
     * keeps the decision for when it comes back. */
    [ST_FINDING_REVIEW] =
        "UPDATE findings SET status = CASE WHEN status = 'gone' THEN 'gone' ELSE ?2 END,"
        " prev_status = CASE WHEN status = 'gone' THEN ?2 ELSE prev_status END,"
        " reviewed_by = ?3, review_note = ?4, reviewed_at = ?5 WHERE id = ?1",
};

typedef struct sq_store {
    store base; /* first: a store * is a sq_store * */
    sqlite3 *db;
    char *path;
    int version;
    bool in_tx; /* store_begin() is open */
    sqlite3_stmt *st[ST__COUNT];
} sq_store;

static sq_store *sq(store *s) { return (sq_store *)s; }

static const char *nz(const char *s) { return s ? s : ""; }

static bool sq_fail(sq_store *q, err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports the handle's last SQLite error with what we were doing. Call it
 * before resetting the statement that failed. */
static bool sq_fail(sq_store *q, err *e, const char *fmt, ...) {
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int rc = sqlite3_errcode(q->db);
    if (rc == SQLITE_NOMEM) return err_set(e, ERR_NOMEM, "%s: %s: out of memory", q->path, what);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return err_set(e, ERR_STORE, "%s: %s: %s", q->path, what,
                       L("another process kept the database busy for more than 10 s",
                         "数据库被其他进程占用超过10秒"));
    return err_set(e, ERR_STORE, "%s: %s: %s", q->path, what, sqlite3_errmsg(q->db));
}

static sqlite3_stmt *stmt(sq_store *q, stmt_id id, err *e) {
    if (!q->st[id] && sqlite3_prepare_v3(q->db, sql_text[id], -1, SQLITE_PREPARE_PERSISTENT,
                                         &q->st[id], NULL) != SQLITE_OK) {
        sq_fail(q, e, L("preparing a statement (schema version %d)", "准备语句（数据库结构版本 %d）"),
                q->version);
        q->st[id] = NULL;
    }
    return q->st[id];
}

/* Ends a use of a cached statement: releases its locks and the caller's
 * strings it was bound to. */
static void stmt_done(sqlite3_stmt *st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Runs a statement without parameters or rows (BEGIN, COMMIT ...). */
static bool exec_st(sq_store *q, stmt_id id, err *e) {
    sqlite3_stmt *st = stmt(q, id, e);
    if (!st) return false;
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    if (!ok && id == ST_BEGIN) sq_fail(q, e, "%s", L("waiting to write", "等待写入"));
    else if (!ok) sq_fail(q, e, "%s", sql_text[id]);
    stmt_done(st);
    return ok;
}

static int bind_str(sqlite3_stmt *st, int i, const char *s) {
    return sqlite3_bind_text(st, i, nz(s), -1, SQLITE_STATIC);
}

/* NULL stays NULL: for optional filters ("?2 IS NULL OR ..."). */
static int bind_opt(sqlite3_stmt *st, int i, const char *s) {
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static char *col_str(sqlite3_stmt *st, int i, bool *ok) {
    const unsigned char *t = sqlite3_column_text(st, i);
    char *r = strdup(t ? (const char *)t : "");
    if (!r) *ok = false;
    return r;
}

static int64_t col_int_or(sqlite3_stmt *st, int i, int64_t null_value) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? null_value : sqlite3_column_int64(st, i);
}

static bool one_of(const char *s, const char *const *set) {
    if (!s) return false;
    for (; *set; set++)
        if (strcmp(s, *set) == 0) return true;
    return false;
}

static const char *const site_kinds[] = {"portal", "department", NULL};
static const char *const platforms[] = {"wechat", "weibo", "douyin", "toutiao", "kuaishou",
                                        "baidu",  "app",   "other",  NULL};
static const char *const target_kinds[] = {"site", "media", NULL};
static const char *const new_statuses[] = {"pending", "confirmed", "dismissed", NULL};
static const char *const review_statuses[] = {"confirmed", "dismissed", NULL};
static const char *const downtime_kinds[] = {"report", "takedown", NULL};

/* ---- transactions ----------------------------------------------------- */

/* SQLite rolls the whole transaction back on some errors (disk full, I/O);
 * writing on in autocommit mode would escape the rollback. */
static bool tx_lost(sq_store *q, err *e) {
    return err_set(e, ERR_STORE, "%s: %s", q->path,
                   L("the transaction was rolled back after an earlier error",
                     "事务已因先前的错误回滚"));
}

/* Opens the operation's own write transaction unless the caller has one. */
static bool tx_open(sq_store *q, bool *own, err *e) {
    *own = false;
    if (q->in_tx) return sqlite3_get_autocommit(q->db) ? tx_lost(q, e) : true;
    if (!exec_st(q, ST_BEGIN, e)) return false;
    *own = true;
    return true;
}

static bool tx_close(sq_store *q, bool own, bool ok, err *e) {
    if (!own) return ok;
    if (ok && exec_st(q, ST_COMMIT, e)) return true;
    if (!sqlite3_get_autocommit(q->db)) exec_st(q, ST_ROLLBACK, NULL);
    return false;
}

static bool sq_begin(store *s, err *e) {
    sq_store *q = sq(s);
    if (q->in_tx)
        return err_set(e, ERR_USAGE, "%s",
                       L("a transaction is already open (transactions do not nest)",
                         "事务已开启（不支持嵌套事务）"));
    if (!exec_st(q, ST_BEGIN, e)) return false;
    q->in_tx = true;
    return true;
}

static bool sq_commit(store *s, err *e) {
    sq_store *q = sq(s);
    if (!q->in_tx)
        return err_set(e, ERR_USAGE, "%s", L("no transaction is open", "没有已开启的事务"));
    q->in_tx = false;
    if (sqlite3_get_autocommit(q->db)) return tx_lost(q, e);
    return tx_close(q, true, true, e);
}

static void sq_rollback(store *s) {
    sq_store *q = sq(s);
    if (!q->in_tx) return;
    q->in_tx = false;
    if (!sqlite3_get_autocommit(q->db)) exec_st(q, ST_ROLLBACK, NULL);
}

/* ---- opening and migrations ------------------------------------------- */

static bool read_version(sq_store *q, int *v, err *e) {
    sqlite3_stmt *st = stmt(q, ST_USER_VERSION, e);
    bool ok = st && sqlite3_step(st) == SQLITE_ROW;
    if (ok) *v = sqlite3_column_int(st, 0);
    if (!ok && (sqlite3_errcode(q->db) & 0xff) == SQLITE_NOTADB)
        err_set(e, ERR_INPUT, L("%s: not a govinspect database (not an SQLite file, or damaged)",
                                "%s：不是 govinspect 数据库（不是 SQLite 文件或已损坏）"),
                q->path);
    else if (!ok && st)
        sq_fail(q, e, "%s", L("reading the schema version", "读取数据库结构版本"));
    if (st) stmt_done(st);
    return ok;
}

static bool refuse_newer(sq_store *q, int v, err *e) {
    return err_set(e, ERR_STORE,
                   L("%s: the database has schema version %d, but this govinspect knows only "
                     "up to version %d; use a newer govinspect",
                     "%s：数据库结构版本为 %d，本程序只支持到版本 %d；请使用更新版本的 govinspect"),
                   q->path, v, STORE_SCHEMA_LATEST);
}

static bool set_pragmas(sq_store *q, err *e) {
    char *msg = NULL;
    if (sqlite3_exec(q->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", NULL, NULL,
                     &msg) != SQLITE_OK) {
        err_set(e, ERR_STORE, "%s: %s", q->path, msg ? msg : sqlite3_errmsg(q->db));
        sqlite3_free(msg);
        return false;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
        return sq_fail(q, e, "%s", L("setting WAL mode", "设置 WAL 模式"));
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (!ok) {
        sq_fail(q, e, "%s", L("setting WAL mode", "设置 WAL 模式"));
    } else {
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        if (mode && strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
            log_warn(L("%s: WAL mode is not available here (journal mode %s): other processes "
                       "may wait for this one",
                       "%s：此处无法使用 WAL 模式（日志模式 %s）：其他进程可能需要等待"),
                     q->path, mode);
    }
    sqlite3_finalize(st);
    return ok;
}

/* Applies migrations up to `target`, one transaction each. */
static bool migrate(sq_store *q, int target, err *e) {
    for (;;) {
        if (!exec_st(q, ST_BEGIN, e)) return false;
        int v = 0;
        bool ok = read_version(q, &v, e);
        if (ok && v > STORE_SCHEMA_LATEST) ok = refuse_newer(q, v, e);
        if (ok && v >= target) return exec_st(q, ST_COMMIT, e);
        if (ok) {
            char *msg = NULL;
            if (sqlite3_exec(q->db, migrations[v], NULL, NULL, &msg) != SQLITE_OK) {
                ok = err_set(e, ERR_STORE,
                             L("%s: upgrading the schema to version %d: %s",
                               "%s：升级数据库结构到版本 %d 时出错：%s"),
                             q->path, v + 1, msg ? msg : sqlite3_errmsg(q->db));
                sqlite3_free(msg);
            }
        }
        if (ok) {
            char pragma[48];
            snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
            if (sqlite3_exec(q->db, pragma, NULL, NULL, NULL) != SQLITE_OK)
                ok = sq_fail(q, e, "%s", pragma);
        }
        if (!tx_close(q, true, ok, e)) return false;
        log_debug("%s: schema version %d", q->path, v + 1);
    }
}

static void sq_close(store *s) {
    sq_store *q = sq(s);
    for (int i = 0; i < ST__COUNT; i++) sqlite3_finalize(q->st[i]);
    /* An open transaction is rolled back by closing. */
    sqlite3_close(q->db);
    free(q->path);
    free(q);
}

static const store_ops sq_ops;

/* SQLite takes a file shorter than its header for an empty database and
 * writes over it; a short CSV given by mistake must not be lost that way.
 * An existing file is a database only if it is empty or starts with the
 * SQLite magic. */
static bool check_file(const char *path, err *e) {
    struct stat sb;
    if (stat(path, &sb) != 0) return true; /* new, or ":memory:" */
    bool is_db = S_ISREG(sb.st_mode);
    if (is_db && sb.st_size > 0) {
        static const char magic[16] = "SQLite format 3";
        char head[16] = {0};
        FILE *f = fopen(path, "rb");
        if (!f)
            return err_set(e, ERR_IO, L("%s: cannot open the database: %s", "%s：无法打开数据库：%s"),
                           path, strerror(errno));
        is_db = fread(head, 1, sizeof head, f) == sizeof head &&
                memcmp(head, magic, sizeof head) == 0;
        fclose(f);
    }
    if (!is_db)
        return err_set(e, ERR_INPUT,
                       L("%s: not a govinspect database (not an SQLite file, or damaged)",
                         "%s：不是 govinspect 数据库（不是 SQLite 文件或已损坏）"),
                       path);
    return true;
}

store *store_sqlite_open_at(const char *path, int version, err *e) {
    if (!path || !*path) {
        err_set(e, ERR_USAGE, "%s", L("no database file given", "未指定数据库文件"));
        return NULL;
    }
    if (version < 0 || version > STORE_SCHEMA_LATEST) {
        err_set(e, ERR_USAGE, "schema version %d is not between 0 and %d", version,
                STORE_SCHEMA_LATEST);
        return NULL;
    }
    if (!check_file(path, e)) return NULL;
    sq_store *q = calloc(1, sizeof *q);
    if (!q || !(q->path = strdup(path))) {
        free(q);
        err_set(e, ERR_NOMEM, "%s", L("out of memory", "内存不足"));
        return NULL;
    }
    q->base.ops = &sq_ops;
    int rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, ERR_IO, L("%s: cannot open the database: %s", "%s：无法打开数据库：%s"), path,
                q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
    /* Read first: a file that is not SQLite shows here, before any write. */
    int v = 0;
    if (!read_version(q, &v, e)) goto fail;
    if (v > STORE_SCHEMA_LATEST) {
        refuse_newer(q, v, e);
        goto fail;
    }
    if (!set_pragmas(q, e) || !migrate(q, version, e) || !read_version(q, &q->version, e))
        goto fail;
    return &q->base;
fail:
    sq_close(&q->base);
    return NULL;
}

store *store_sqlite_open(const char *path, err *e) {
    return store_sqlite_open_at(path, STORE_SCHEMA_LATEST, e);
}

static int sq_schema_version(store *s) { return sq(s)->version; }

/* ---- registry --------------------------------------------------------- */

static bool read_site(sqlite3_stmt *st, void *out) {
    site_rec *r = out;
    bool ok = true;
    r->code = col_str(st, 0, &ok);
    r->name = col_str(st, 1, &ok);
    r->url = col_str(st, 2, &ok);
    r->hosts = col_str(st, 3, &ok);
    r->unit = col_str(st, 4, &ok);
    r->kind = col_str(st, 5, &ok);
    r->services = sqlite3_column_int(st, 6) != 0;
    r->org = col_str(st, 7, &ok);
    r->icp = col_str(st, 8, &ok);
    r->psb = col_str(st, 9, &ok);
    r->seq = sqlite3_column_int64(st, 10);
    return ok;
}

static bool read_media(sqlite3_stmt *st, void *out) {
    media_rec *r = out;
    bool ok = true;
    r->media_id = col_str(st, 0, &ok);
    r->platform = col_str(st, 1, &ok);
    r->name = col_str(st, 2, &ok);
    r->unit = col_str(st, 3, &ok);
    r->org = col_str(st, 4, &ok);
    r->source = col_str(st, 5, &ok);
    r->seq = sqlite3_column_int64(st, 6);
    return ok;
}

static bool nomem(err *e) { return err_set(e, ERR_NOMEM, "%s", L("out of memory", "内存不足")); }

/* Reads one row by key. *found tells whether it exists; false is an error. */
static bool fetch_one(sq_store *q, stmt_id id, const char *key, void *out,
                      bool (*read)(sqlite3_stmt *, void *), bool *found, err *e) {
    *found = false;
    sqlite3_stmt *st = stmt(q, id, e);
    if (!st) return false;
    bool ok = bind_str(st, 1, key) == SQLITE_OK;
    int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        *found = true;
        if (!read(st, out)) ok = nomem(e);
    } else if (rc != SQLITE_DONE) {
        ok = sq_fail(q, e, L("reading %s", "读取 %s"), nz(key));
    }
    stmt_done(st);
    return ok;
}

/* A public get: true with *out filled when the row exists, false with e
 * clear when it does not, false with e set on failure. */
static bool get_one(sq_store *q, stmt_id id, const char *key, void *out, size_t size,
                    bool (*read)(sqlite3_stmt *, void *), void (*free_rec)(void *), err *e) {
    memset(out, 0, size);
    bool found;
    if (!fetch_one(q, id, key, out, read, &found, e)) {
        free_rec(out);
        return false;
    }
    if (!found) err_clear(e);
    return found;
}

static void site_free_v(void *r) { site_rec_free(r); }
static void media_free_v(void *r) { media_rec_free(r); }

static bool site_same(const void *va, const void *vb) {
    const site_rec *a = va, *b = vb;
    return strcmp(nz(a->name), nz(b->name)) == 0 && strcmp(nz(a->url), nz(b->url)) == 0 &&
           strcmp(nz(a->hosts), nz(b->hosts)) == 0 && strcmp(nz(a->unit), nz(b->unit)) == 0 &&
           strcmp(nz(a->kind), nz(b->kind)) == 0 && a->services == b->services &&
           strcmp(nz(a->org), nz(b->org)) == 0 && strcmp(nz(a->icp), nz(b->icp)) == 0 &&
           strcmp(nz(a->psb), nz(b->psb)) == 0;
}

static bool media_same(const void *va, const void *vb) {
    const media_rec *a = va, *b = vb;
    return strcmp(nz(a->platform), nz(b->platform)) == 0 &&
           strcmp(nz(a->name), nz(b->name)) == 0 && strcmp(nz(a->unit), nz(b->unit)) == 0 &&
           strcmp(nz(a->org), nz(b->org)) == 0 && strcmp(nz(a->source), nz(b->source)) == 0;
}

/* Runs a writing statement whose parameters are bound; expects no rows. */
static bool step_write(sq_store *q, sqlite3_stmt *st, bool bound, err *e, const char *what,
                       const char *key) {
    bool ok = bound && sqlite3_step(st) == SQLITE_DONE;
    if (!ok && !bound) nomem(e);
    else if (!ok) sq_fail(q, e, what, nz(key));
    stmt_done(st);
    return ok;
}

static bool site_write(sq_store *q, stmt_id id, const void *rec, err *e) {
    const site_rec *r = rec;
    sqlite3_stmt *st = stmt(q, id, e);
    if (!st) return false;
    bool b = bind_str(st, 1, r->code) == SQLITE_OK && bind_str(st, 2, r->name) == SQLITE_OK &&
             bind_str(st, 3, r->url) == SQLITE_OK && bind_str(st, 4, r->hosts) == SQLITE_OK &&
             bind_str(st, 5, r->unit) == SQLITE_OK && bind_str(st, 6, r->kind) == SQLITE_OK &&
             sqlite3_bind_int(st, 7, r->services ? 1 : 0) == SQLITE_OK &&
             bind_str(st, 8, r->org) == SQLITE_OK && bind_str(st, 9, r->icp) == SQLITE_OK &&
             bind_str(st, 10, r->psb) == SQLITE_OK;
    return step_write(q, st, b, e, L("saving site %s", "保存网站 %s"), r->code);
}

static bool media_write(sq_store *q, stmt_id id, const void *rec, err *e) {
    const media_rec *r = rec;
    sqlite3_stmt *st = stmt(q, id, e);
    if (!st) return false;
    bool b = bind_str(st, 1, r->media_id) == SQLITE_OK &&
             bind_str(st, 2, r->platform) == SQLITE_OK && bind_str(st, 3, r->name) == SQLITE_OK &&
             bind_str(st, 4, r->unit) == SQLITE_OK && bind_str(st, 5, r->org) == SQLITE_OK &&
             bind_str(st, 6, r->source) == SQLITE_OK;
    return step_write(q, st, b, e, L("saving account %s", "保存新媒体账号 %s"), r->media_id);
}

/* What an upsert needs to know of a registry record type. */
typedef struct {
    stmt_id get, insert, update;
    bool (*read)(sqlite3_stmt *st, void *out);
    bool (*same)(const void *a, const void *b); /* all but the key and seq */
    bool (*write)(sq_store *q, stmt_id id, const void *r, err *e);
    void (*free_rec)(void *r);
} upsert_kind;

static const upsert_kind site_upserts = {
    .get = ST_SITE_GET, .insert = ST_SITE_INSERT, .update = ST_SITE_UPDATE, .read = read_site,
    .same = site_same, .write = site_write, .free_rec = site_free_v};
static const upsert_kind media_upserts = {
    .get = ST_MEDIA_GET, .insert = ST_MEDIA_INSERT, .update = ST_MEDIA_UPDATE, .read = read_media,
    .same = media_same, .write = media_write, .free_rec = media_free_v};

/* Inserts r, or updates the row with its key if it differs, in one
 * transaction. `old`, a zeroed record of r's type, takes the row read. */
static bool upsert_one(sq_store *q, const upsert_kind *k, const char *key, const void *r,
                       void *old, store_upsert *result, err *e) {
    bool own, found = false;
    if (!tx_open(q, &own, e)) return false;
    bool ok = fetch_one(q, k->get, key, old, k->read, &found, e);
    store_upsert res = found ? STORE_UPDATED : STORE_INSERTED;
    if (ok && found && k->same(old, r)) res = STORE_UNCHANGED;
    else if (ok) ok = k->write(q, found ? k->update : k->insert, r, e);
    k->free_rec(old);
    ok = tx_close(q, own, ok, e);
    if (ok && result) *result = res;
    return ok;
}

static bool sq_site_upsert(store *s, const site_rec *r, store_upsert *result, err *e) {
    sq_store *q = sq(s);
    if (!r || !r->code || !*r->code)
        return err_set(e, ERR_USAGE, "%s", L("a site needs its code", "网站缺少标识码"));
    if (!one_of(r->kind, site_kinds))
        return err_set(e, ERR_USAGE,
                       L("site %s: kind must be portal or department, not \"%s\"",
                         "网站 %s：类型须为 portal 或 department，而不是“%s”"),
                       r->code, nz(r->kind));
    site_rec old = {0};
    return upsert_one(q, &site_upserts, r->code, r, &old, result, e);
}

static bool sq_media_upsert(store *s, const media_rec *r, store_upsert *result, err *e) {
    sq_store *q = sq(s);
    if (!r || !r->media_id || !*r->media_id)
        return err_set(e, ERR_USAGE, "%s", L("an account needs its id", "新媒体账号缺少编号"));
    if (!one_of(r->platform, platforms))
        return err_set(e, ERR_USAGE,
                       L("account %s: unknown platform \"%s\"", "新媒体账号 %s：未知平台“%s”"),
                       r->media_id, nz(r->platform));
    media_rec old = {0};
    return upsert_one(q, &media_upserts, r->media_id, r, &old, result, e);
}

static bool sq_site_get(store *s, const char *code, site_rec *out, err *e) {
    return get_one(sq(s), ST_SITE_GET, code, out, sizeof *out, read_site, site_free_v, e);
}

static bool sq_media_get(store *s, const char *media_id, media_rec *out, err *e) {
    return get_one(sq(s), ST_MEDIA_GET, media_id, out, sizeof *out, read_media, media_free_v, e);
}

/* "榆林市/" and "榆林市" mean the same organisation. Returns a malloc'd copy. */
static char *org_norm(const char *prefix) {
    char *p = strdup(nz(prefix));
    if (!p) return NULL;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == '/') p[--n] = '\0';
    return p;
}

/* What a listing calls back: the public callback of its record type. */
typedef union {
    store_site_cb site;
    store_media_cb media;
    store_probe_cb probe;
    store_downtime_cb downtime;
    store_finding_cb finding;
} any_cb;

/* A keyset-paged listing of one record type (see the top of the file). */
typedef struct {
    stmt_id id;
    size_t size; /* of one record */
    /* Binds every parameter, the LIMIT of PAGE_ROWS too, for the page that
     * starts at key `from`. */
    bool (*bind)(sqlite3_stmt *st, const void *args, int64_t from);
    /* Reads the row into *rec and sets *next to the key of the page after it. */
    bool (*read)(sqlite3_stmt *st, void *rec, int64_t *next);
    void (*free_rec)(void *rec);
    bool (*call)(any_cb cb, const void *rec, void *ud);
} page_kind;

/* Calls cb on each row from key `from` on, until it returns false. A page is
 * read and the statement reset before any callback runs, so callbacks may
 * use the store. On failure, sq_fail gets `what` as its format, with one %s
 * that is what_arg. */
static bool page_each(sq_store *q, const page_kind *k, const void *args, int64_t from,
                      any_cb cb, void *ud, const char *what, const char *what_arg, err *e) {
    char *page = calloc(PAGE_ROWS, k->size);
    if (!page) return nomem(e);
    bool ok = true, more = true, stop = false;
    while (ok && more) {
        sqlite3_stmt *st = stmt(q, k->id, e);
        if (!st) {
            ok = false;
            break;
        }
        int n = 0, rc = SQLITE_DONE;
        ok = k->bind(st, args, from);
        while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
            if (!k->read(st, page + (size_t)n++ * k->size, &from)) ok = nomem(e);
        if (ok && rc != SQLITE_DONE) ok = sq_fail(q, e, what, what_arg);
        stmt_done(st);
        more = ok && n == PAGE_ROWS;
        for (int i = 0; i < n; i++) {
            void *rec = page + (size_t)i * k->size;
            if (ok && !stop && !k->call(cb, rec, ud)) stop = true;
            k->free_rec(rec);
        }
        if (stop) more = false;
    }
    free(page);
    return ok;
}

/* Registry pages: ?1 the seq they start after, ?2 the organisation. */
static bool bind_registry(sqlite3_stmt *st, const void *org, int64_t after) {
    return sqlite3_bind_int64(st, 1, after) == SQLITE_OK && bind_str(st, 2, org) == SQLITE_OK &&
           sqlite3_bind_int(st, 3, PAGE_ROWS) == SQLITE_OK;
}

static bool page_site(sqlite3_stmt *st, void *rec, int64_t *next) {
    site_rec *r = rec;
    bool ok = read_site(st, r);
    *next = r->seq;
    return ok;
}

static bool page_media(sqlite3_stmt *st, void *rec, int64_t *next) {
    media_rec *r = rec;
    bool ok = read_media(st, r);
    *next = r->seq;
    return ok;
}

static bool call_site(any_cb cb, const void *rec, void *ud) { return cb.site(rec, ud); }
static bool call_media(any_cb cb, const void *rec, void *ud) { return cb.media(rec, ud); }

static const page_kind site_pages = {
    .id = ST_SITES_PAGE, .size = sizeof(site_rec), .bind = bind_registry, .read = page_site,
    .free_rec = site_free_v, .call = call_site};
static const page_kind media_pages = {
    .id = ST_MEDIA_PAGE, .size = sizeof(media_rec), .bind = bind_registry, .read = page_media,
    .free_rec = media_free_v, .call = call_media};

/* The records of an organisation and those below it, in seq order. */
static bool registry_each(store *s, const page_kind *k, const char *org_prefix, any_cb cb,
                          void *ud, const char *what, err *e) {
    char *org = org_norm(org_prefix);
    if (!org) return nomem(e);
    bool ok = page_each(sq(s), k, org, INT64_MIN, cb, ud, "%s", what, e);
    free(org);
    return ok;
}

static bool sq_sites_each(store *s, const char *org_prefix, store_site_cb cb, void *ud, err *e) {
    return registry_each(s, &site_pages, org_prefix, (any_cb){.site = cb}, ud,
                         L("listing sites", "列出网站"), e);
}

static bool sq_media_each(store *s, const char *org_prefix, store_media_cb cb, void *ud,
                          err *e) {
    return registry_each(s, &media_pages, org_prefix, (any_cb){.media = cb}, ud,
                         L("listing accounts", "列出新媒体账号"), e);
}

static bool sq_count(store *s, const char *table, int64_t *out, err *e) {
    sq_store *q = sq(s);
    stmt_id id;
    if (table && strcmp(table, "sites") == 0) id = ST_COUNT_SITES;
    else if (table && strcmp(table, "media") == 0) id = ST_COUNT_MEDIA;
    else return err_set(e, ERR_USAGE, "store_count: no table \"%s\"", nz(table));
    sqlite3_stmt *st = stmt(q, id, e);
    if (!st) return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok) *out = sqlite3_column_int64(st, 0);
    else sq_fail(q, e, L("counting %s", "统计 %s"), table);
    stmt_done(st);
    return ok;
}

/* ---- rounds ----------------------------------------------------------- */

static bool read_round(sqlite3_stmt *st, void *out) {
    round_rec *r = out;
    bool ok = true;
    r->id = sqlite3_column_int64(st, 0);
    r->name = col_str(st, 1, &ok);
    r->as_of = col_str(st, 2, &ok);
    r->label = col_str(st, 3, &ok);
    r->rules_text = col_str(st, 4, &ok);
    r->created_at = col_str(st, 5, &ok);
    return ok;
}

static void round_free_v(void *r) { round_rec_free(r); }

static bool sq_round_get(store *s, const char *name, round_rec *out, err *e) {
    return get_one(sq(s), ST_ROUND_GET, name, out, sizeof *out, read_round, round_free_v, e);
}

static bool sq_round_ensure(store *s, const round_rec *r, round_rec *out, bool *created,
                            err *e) {
    sq_store *q = sq(s);
    if (!r || !r->name || !*r->name || !r->as_of || !*r->as_of)
        return err_set(e, ERR_USAGE, "%s",
                       L("a round needs a name and an as-of date", "检查轮次须有名称和监测日期"));
    round_rec tmp = {0};
    if (!out) out = &tmp;
    memset(out, 0, sizeof *out);
    bool own, found = false;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_ROUND_INSERT, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = bind_str(st, 1, r->name) == SQLITE_OK && bind_str(st, 2, r->as_of) == SQLITE_OK &&
                 bind_str(st, 3, r->label) == SQLITE_OK &&
                 bind_str(st, 4, r->rules_text) == SQLITE_OK &&
                 bind_str(st, 5, r->created_at) == SQLITE_OK;
        ok = step_write(q, st, b, e, L("creating round %s", "创建检查轮次 %s"), r->name);
    }
    bool made = ok && sqlite3_changes(q->db) == 1;
    if (ok) ok = fetch_one(q, ST_ROUND_GET, r->name, out, read_round, &found, e);
    if (ok && !found) ok = err_set(e, ERR_STORE, "%s: round %s vanished", q->path, r->name);
    ok = tx_close(q, own, ok, e);
    if (ok && created) *created = made;
    if (!ok || out == &tmp) round_rec_free(out);
    return ok;
}

/* ---- probes ----------------------------------------------------------- */

static bool bad_time(err *e, const char *t) {
    return err_set(e, ERR_INPUT,
                   L("time \"%s\" is not ISO 8601 with a UTC offset "
                     "(e.g. 2020-08-10T09:30:00+08:00)",
                     "时间“%s”不是带时区偏移的 ISO 8601 格式（例如 2020-08-10T09:30:00+08:00）"),
                   nz(t));
}

static bool sq_probe_add(store *s, const probe_rec *p, bool *inserted, err *e) {
    sq_store *q = sq(s);
    if (!p || !p->site_code || !*p->site_code)
        return err_set(e, ERR_USAGE, "%s", L("a probe needs its site code", "探测记录缺少网站标识码"));
    int64_t ms;
    if (!date_parse_instant(p->time, &ms)) return bad_time(e, p->time);
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_PROBE_INSERT, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = bind_str(st, 1, p->site_code) == SQLITE_OK &&
                 bind_str(st, 2, p->time) == SQLITE_OK &&
                 sqlite3_bind_int(st, 3, p->ok ? 1 : 0) == SQLITE_OK &&
                 (p->http_status < 0 ? sqlite3_bind_null(st, 4)
                                     : sqlite3_bind_int(st, 4, p->http_status)) == SQLITE_OK &&
                 (p->elapsed_ms < 0 ? sqlite3_bind_null(st, 5)
                                    : sqlite3_bind_int64(st, 5, p->elapsed_ms)) == SQLITE_OK &&
                 bind_str(st, 6, p->error) == SQLITE_OK &&
                 sqlite3_bind_int64(st, 7, ms) == SQLITE_OK;
        ok = b && sqlite3_step(st) == SQLITE_DONE;
        if (!b) nomem(e);
        else if (!ok && sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
            err_set(e, ERR_INPUT, L("probe of %s at %s: no such site in the registry",
                                    "%s 在 %s 的探测记录：登记表中没有该网站"),
                    p->site_code, p->time);
        else if (!ok) sq_fail(q, e, L("saving a probe of %s", "保存 %s 的探测记录"), p->site_code);
        stmt_done(st);
    }
    if (ok && inserted) *inserted = sqlite3_changes(q->db) == 1;
    return tx_close(q, own, ok, e);
}

static bool read_probe(sqlite3_stmt *st, probe_rec *p) {
    bool ok = true;
    p->site_code = col_str(st, 0, &ok);
    p->time = col_str(st, 1, &ok);
    p->ok = sqlite3_column_int(st, 2) != 0;
    p->http_status = (int)col_int_or(st, 3, -1);
    p->elapsed_ms = col_int_or(st, 4, -1);
    p->error = col_str(st, 5, &ok);
    return ok;
}

static void probe_free(void *rec) {
    probe_rec *p = rec;
    free(p->site_code);
    free(p->time);
    free(p->error);
    memset(p, 0, sizeof *p);
}

/* Probe pages: ?1 the site, ?2 the first instant, ?3 the end (excluded). */
typedef struct {
    const char *site_code;
    int64_t to_ms;
} probe_range;

static bool bind_probes(sqlite3_stmt *st, const void *args, int64_t from_ms) {
    const probe_range *r = args;
    return bind_str(st, 1, r->site_code) == SQLITE_OK &&
           sqlite3_bind_int64(st, 2, from_ms) == SQLITE_OK &&
           sqlite3_bind_int64(st, 3, r->to_ms) == SQLITE_OK &&
           sqlite3_bind_int(st, 4, PAGE_ROWS) == SQLITE_OK;
}

/* (site, instant) is unique, so the next page starts just after the last
 * instant read. */
static bool page_probe(sqlite3_stmt *st, void *rec, int64_t *next) {
    *next = sqlite3_column_int64(st, 6) + 1;
    return read_probe(st, rec);
}

static bool call_probe(any_cb cb, const void *rec, void *ud) { return cb.probe(rec, ud); }

static const page_kind probe_pages = {
    .id = ST_PROBES_PAGE, .size = sizeof(probe_rec), .bind = bind_probes, .read = page_probe,
    .free_rec = probe_free, .call = call_probe};

static bool sq_probes_each(store *s, const char *site_code, const char *from, const char *to,
                           store_probe_cb cb, void *ud, err *e) {
    probe_range r = {.site_code = site_code, .to_ms = INT64_MAX};
    int64_t lo = INT64_MIN;
    if (from && !date_parse_instant(from, &lo)) return bad_time(e, from);
    if (to && !date_parse_instant(to, &r.to_ms)) return bad_time(e, to);
    return page_each(sq(s), &probe_pages, &r, lo, (any_cb){.probe = cb}, ud,
                     L("reading probes of %s", "读取 %s 的探测记录"), nz(site_code), e);
}

/* ---- registered downtime ---------------------------------------------- */

static bool sq_downtime_add(store *s, const downtime_rec *d, int64_t *id, bool *inserted,
                            err *e) {
    sq_store *q = sq(s);
    if (!d || !d->site_code || !*d->site_code)
        return err_set(e, ERR_USAGE, "%s",
                       L("a downtime period needs its site code", "停机报备缺少网站标识码"));
    int64_t from_ms, to_ms;
    if (!date_parse_instant(d->from, &from_ms)) return bad_time(e, d->from);
    if (!date_parse_instant(d->to, &to_ms)) return bad_time(e, d->to);
    if (to_ms <= from_ms)
        return err_set(e, ERR_INPUT,
                       L("downtime of %s: the end %s is not after the start %s",
                         "%s 的停机报备：结束时间 %s 不晚于开始时间 %s"),
                       d->site_code, nz(d->to), nz(d->from));
    if (!one_of(d->kind, downtime_kinds))
        return err_set(e, ERR_INPUT,
                       L("downtime of %s: kind must be report or takedown, not \"%s\"",
                         "%s 的停机报备：类型须为 report（故障报备）或 takedown（临时下线），而不是“%s”"),
                       d->site_code, nz(d->kind));
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_DOWNTIME_INSERT, e);
    bool ok = st != NULL, made = false;
    if (ok) {
        bool b = bind_str(st, 1, d->site_code) == SQLITE_OK &&
                 bind_str(st, 2, d->from) == SQLITE_OK &&
                 sqlite3_bind_int64(st, 3, from_ms) == SQLITE_OK &&
                 bind_str(st, 4, d->to) == SQLITE_OK &&
                 sqlite3_bind_int64(st, 5, to_ms) == SQLITE_OK &&
                 bind_str(st, 6, d->kind) == SQLITE_OK && bind_str(st, 7, d->reason) == SQLITE_OK;
        ok = b && sqlite3_step(st) == SQLITE_DONE;
        if (!b) nomem(e);
        else if (!ok && sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
            err_set(e, ERR_INPUT, L("downtime of %s: no such site in the registry",
                                    "%s 的停机报备：登记表中没有该网站"),
                    d->site_code);
        else if (!ok)
            sq_fail(q, e, L("saving downtime of %s", "保存 %s 的停机报备"), d->site_code);
        stmt_done(st);
        made = ok && sqlite3_changes(q->db) == 1;
    }
    int64_t rowid = made ? sqlite3_last_insert_rowid(q->db) : 0;
    if (ok && !made) {
        st = stmt(q, ST_DOWNTIME_FIND, e);
        ok = st && bind_str(st, 1, d->site_code) == SQLITE_OK &&
             sqlite3_bind_int64(st, 2, from_ms) == SQLITE_OK &&
             sqlite3_bind_int64(st, 3, to_ms) == SQLITE_OK && bind_str(st, 4, d->kind) == SQLITE_OK;
        if (ok && sqlite3_step(st) == SQLITE_ROW) rowid = sqlite3_column_int64(st, 0);
        else if (st) ok = sq_fail(q, e, L("reading downtime of %s", "读取 %s 的停机报备"), d->site_code);
        if (st) stmt_done(st);
    }
    ok = tx_close(q, own, ok, e);
    if (ok && id) *id = rowid;
    if (ok && inserted) *inserted = made;
    return ok;
}

static bool read_downtime(sqlite3_stmt *st, downtime_rec *d) {
    bool ok = true;
    d->id = sqlite3_column_int64(st, 0);
    d->site_code = col_str(st, 1, &ok);
    d->from = col_str(st, 2, &ok);
    d->to = col_str(st, 3, &ok);
    d->kind = col_str(st, 4, &ok);
    d->reason = col_str(st, 5, &ok);
    return ok;
}

static void downtime_free_v(void *rec) { downtime_rec_free(rec); }

/* Downtime pages: ?1 the id they start after, ?2 the site (NULL: all),
 * ?3 and ?4 the instants the period must overlap. */
typedef struct {
    const char *site_code;
    int64_t from_ms, to_ms;
} downtime_range;

static bool bind_downtime(sqlite3_stmt *st, const void *args, int64_t after) {
    const downtime_range *r = args;
    return sqlite3_bind_int64(st, 1, after) == SQLITE_OK &&
           bind_opt(st, 2, r->site_code) == SQLITE_OK &&
           sqlite3_bind_int64(st, 3, r->from_ms) == SQLITE_OK &&
           sqlite3_bind_int64(st, 4, r->to_ms) == SQLITE_OK &&
           sqlite3_bind_int(st, 5, PAGE_ROWS) == SQLITE_OK;
}

static bool page_downtime(sqlite3_stmt *st, void *rec, int64_t *next) {
    *next = sqlite3_column_int64(st, 0);
    return read_downtime(st, rec);
}

static bool call_downtime(any_cb cb, const void *rec, void *ud) { return cb.downtime(rec, ud); }

static const page_kind downtime_pages = {
    .id = ST_DOWNTIME_PAGE, .size = sizeof(downtime_rec), .bind = bind_downtime,
    .read = page_downtime, .free_rec = downtime_free_v, .call = call_downtime};

static bool sq_downtime_each(store *s, const char *site_code, const char *from, const char *to,
                             store_downtime_cb cb, void *ud, err *e) {
    downtime_range r = {.site_code = site_code, .from_ms = INT64_MIN, .to_ms = INT64_MAX};
    if (from && !date_parse_instant(from, &r.from_ms)) return bad_time(e, from);
    if (to && !date_parse_instant(to, &r.to_ms)) return bad_time(e, to);
    return page_each(sq(s), &downtime_pages, &r, 0, (any_cb){.downtime = cb}, ud,
                     L("reading downtime of %s", "读取 %s 的停机报备"),
                     site_code ? site_code : L("all sites", "全部网站"), e);
}

/* ---- findings and review ---------------------------------------------- */

static bool read_finding(sqlite3_stmt *st, finding_rec *f) {
    bool ok = true;
    f->id = sqlite3_column_int64(st, 0);
    f->round_id = sqlite3_column_int64(st, 1);
    f->target = col_str(st, 2, &ok);
    f->target_kind = col_str(st, 3, &ok);
    f->kind = col_str(st, 4, &ok);
    f->subject = col_str(st, 5, &ok);
    f->indicator = col_str(st, 6, &ok);
    f->status = col_str(st, 7, &ok);
    f->url = col_str(st, 8, &ok);
    f->source_url = col_str(st, 9, &ok);
    f->observed_at = col_str(st, 10, &ok);
    f->evidence = col_str(st, 11, &ok);
    f->summary = col_str(st, 12, &ok);
    f->reviewed_by = col_str(st, 13, &ok);
    f->review_note = col_str(st, 14, &ok);
    f->reviewed_at = col_str(st, 15, &ok);
    return ok;
}

static const char *evidence_or_empty(const char *ev) { return ev && *ev ? ev : "{}"; }

static bool finding_fail(sq_store *q, err *e, const finding_rec *f) {
    if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_CHECK)
        return err_set(e, ERR_USAGE,
                       L("finding %s %s of %s: the evidence is not a JSON object",
                         "问题 %s %s（%s）：证据不是 JSON 对象"),
                       f->kind, nz(f->subject), f->target);
    if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
        return err_set(e, ERR_USAGE, L("finding of %s: no round %lld", "%s 的问题：没有轮次 %lld"),
                       f->target, (long long)f->round_id);
    return sq_fail(q, e, L("saving finding %s %s of %s", "保存问题 %s %s（%s）"), f->kind,
                   nz(f->subject), f->target);
}

static bool sq_finding_record(store *s, const finding_rec *f, int64_t *id, err *e) {
    sq_store *q = sq(s);
    if (!f || !f->target || !*f->target || !f->kind || !*f->kind)
        return err_set(e, ERR_USAGE, "%s",
                       L("a finding needs its target and kind", "问题记录缺少对象或类别"));
    if (!one_of(f->target_kind, target_kinds))
        return err_set(e, ERR_USAGE, L("finding of %s: target kind must be site or media",
                                       "%s 的问题：对象类型须为 site 或 media"),
                       f->target);
    if (!one_of(f->status, new_statuses))
        return err_set(e, ERR_USAGE,
                       L("finding of %s: status \"%s\" is not pending, confirmed or dismissed",
                         "%s 的问题：状态“%s”不是 pending、confirmed 或 dismissed"),
                       f->target, nz(f->status));
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_FINDING_FIND, e);
    bool ok = st != NULL, found = false;
    int64_t fid = 0;
    char status[16] = "", prev[16] = "";
    bool reviewed = false;
    if (ok) {
        ok = sqlite3_bind_int64(st, 1, f->round_id) == SQLITE_OK &&
             bind_str(st, 2, f->target) == SQLITE_OK && bind_str(st, 3, f->kind) == SQLITE_OK &&
             bind_str(st, 4, f->subject) == SQLITE_OK;
        int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
        if (rc == SQLITE_ROW) {
            found = true;
            fid = sqlite3_column_int64(st, 0);
            snprintf(status, sizeof status, "%s", nz((const char *)sqlite3_column_text(st, 1)));
            snprintf(prev, sizeof prev, "%s", nz((const char *)sqlite3_column_text(st, 2)));
            const unsigned char *by = sqlite3_column_text(st, 3);
            reviewed = by && *by;
        } else if (rc != SQLITE_DONE) {
            ok = ok ? finding_fail(q, e, f) : nomem(e);
        }
        stmt_done(st);
    }
    if (ok && found) {
        /* A reviewer's decision stands; an unreviewed status is only the
         * rule set's default and follows the new one. */
        const char *ns = f->status;
        if (reviewed) ns = strcmp(status, "gone") != 0 ? status : *prev ? prev : f->status;
        ok = (st = stmt(q, ST_FINDING_UPDATE, e)) != NULL;
        if (ok) {
            ok = sqlite3_bind_int64(st, 1, fid) == SQLITE_OK &&
                 bind_str(st, 2, f->target_kind) == SQLITE_OK &&
                 bind_str(st, 3, f->indicator) == SQLITE_OK && bind_str(st, 4, ns) == SQLITE_OK &&
                 bind_str(st, 5, f->url) == SQLITE_OK &&
                 bind_str(st, 6, f->source_url) == SQLITE_OK &&
                 bind_str(st, 7, f->observed_at) == SQLITE_OK &&
                 bind_str(st, 8, evidence_or_empty(f->evidence)) == SQLITE_OK &&
                 bind_str(st, 9, f->summary) == SQLITE_OK;
            if (!ok) nomem(e);
            else if (!(ok = sqlite3_step(st) == SQLITE_DONE)) finding_fail(q, e, f);
            stmt_done(st);
        }
    } else if (ok) {
        /* A finding a person establishes arrives reviewed: keep who and why. */
        ok = (st = stmt(q, ST_FINDING_INSERT, e)) != NULL;
        if (ok) {
            ok = sqlite3_bind_int64(st, 1, f->round_id) == SQLITE_OK &&
                 bind_str(st, 2, f->target) == SQLITE_OK &&
                 bind_str(st, 3, f->target_kind) == SQLITE_OK &&
                 bind_str(st, 4, f->kind) == SQLITE_OK &&
                 bind_str(st, 5, f->subject) == SQLITE_OK &&
                 bind_str(st, 6, f->indicator) == SQLITE_OK &&
                 bind_str(st, 7, f->status) == SQLITE_OK && bind_str(st, 8, f->url) == SQLITE_OK &&
                 bind_str(st, 9, f->source_url) == SQLITE_OK &&
                 bind_str(st, 10, f->observed_at) == SQLITE_OK &&
                 bind_str(st, 11, evidence_or_empty(f->evidence)) == SQLITE_OK &&
                 bind_str(st, 12, f->summary) == SQLITE_OK &&
                 bind_str(st, 13, f->reviewed_by) == SQLITE_OK &&
                 bind_str(st, 14, f->review_note) == SQLITE_OK &&
                 bind_str(st, 15, f->reviewed_at) == SQLITE_OK;
            if (!ok) nomem(e);
            else if (!(ok = sqlite3_step(st) == SQLITE_DONE)) finding_fail(q, e, f);
            else fid = sqlite3_last_insert_rowid(q->db);
            stmt_done(st);
        }
    }
    ok = tx_close(q, own, ok, e);
    if (ok && id) *id = fid;
    return ok;
}

static bool sq_findings_mark_gone(store *s, int64_t round_id, const char *target,
                                  const char *kind_prefix, const int64_t *keep, size_t nkeep,
                                  err *e) {
    sq_store *q = sq(s);
    /* The ids to keep travel as one bound JSON array, read by json_each. */
    sbuf ids = SBUF_INIT;
    sbuf_putc(&ids, '[');
    for (size_t i = 0; i < nkeep; i++)
        sbuf_printf(&ids, "%s%lld", i ? "," : "", (long long)keep[i]);
    sbuf_putc(&ids, ']');
    if (ids.oom) {
        sbuf_free(&ids);
        return nomem(e);
    }
    bool own;
    if (!tx_open(q, &own, e)) {
        sbuf_free(&ids);
        return false;
    }
    sqlite3_stmt *st = stmt(q, target ? ST_FINDINGS_GONE_TARGET : ST_FINDINGS_GONE, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK &&
                 bind_opt(st, 2, target) == SQLITE_OK &&
                 bind_opt(st, 3, kind_prefix) == SQLITE_OK &&
                 bind_str(st, 4, sbuf_str(&ids)) == SQLITE_OK;
        ok = step_write(q, st, b, e, L("marking findings of %s gone", "标记 %s 已消失的问题"),
                        target ? target : "*");
    }
    sbuf_free(&ids);
    return tx_close(q, own, ok, e);
}

/* Finding pages: ?1 the round, ?2 the target or NULL, ?3 the id they start
 * after. */
typedef struct {
    int64_t round_id;
    const char *target;
} finding_filter;

static bool bind_findings(sqlite3_stmt *st, const void *args, int64_t after) {
    const finding_filter *f = args;
    return sqlite3_bind_int64(st, 1, f->round_id) == SQLITE_OK &&
           bind_opt(st, 2, f->target) == SQLITE_OK &&
           sqlite3_bind_int64(st, 3, after) == SQLITE_OK &&
           sqlite3_bind_int(st, 4, PAGE_ROWS) == SQLITE_OK;
}

static bool page_finding(sqlite3_stmt *st, void *rec, int64_t *next) {
    finding_rec *f = rec;
    bool ok = read_finding(st, f);
    *next = f->id;
    return ok;
}

static void finding_free_v(void *rec) { finding_rec_free(rec); }
static bool call_finding(any_cb cb, const void *rec, void *ud) { return cb.finding(rec, ud); }

static const page_kind finding_pages = {
    .id = ST_FINDINGS_PAGE, .size = sizeof(finding_rec), .bind = bind_findings,
    .read = page_finding, .free_rec = finding_free_v, .call = call_finding};
static const page_kind finding_pages_target = {
    .id = ST_FINDINGS_PAGE_TARGET, .size = sizeof(finding_rec), .bind = bind_findings,
    .read = page_finding, .free_rec = finding_free_v, .call = call_finding};

static bool sq_findings_each(store *s, int64_t round_id, const char *target, store_finding_cb cb,
                             void *ud, err *e) {
    finding_filter f = {.round_id = round_id, .target = target};
    return page_each(sq(s), target ? &finding_pages_target : &finding_pages, &f, INT64_MIN, (any_cb){.finding = cb}, ud, "%s",
                     L("reading findings", "读取问题记录"), e);
}

static bool sq_finding_review(store *s, int64_t finding_id, const char *status, const char *by,
                              const char *note, const char *at, err *e) {
    sq_store *q = sq(s);
    if (!one_of(status, review_statuses))
        return err_set(e, ERR_USAGE,
                       L("a review decides confirmed or dismissed, not \"%s\"",
                         "审核结论须为 confirmed 或 dismissed，而不是“%s”"),
                       nz(status));
    if (!by || !*by)
        return err_set(e, ERR_USAGE, "%s", L("a review needs the reviewer's name", "审核须注明审核人"));
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_FINDING_REVIEW, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = sqlite3_bind_int64(st, 1, finding_id) == SQLITE_OK &&
                 bind_str(st, 2, status) == SQLITE_OK && bind_str(st, 3, by) == SQLITE_OK &&
                 bind_str(st, 4, note) == SQLITE_OK && bind_str(st, 5, at) == SQLITE_OK;
        ok = b && sqlite3_step(st) == SQLITE_DONE;
        if (!b) nomem(e);
        else if (!ok)
            sq_fail(q, e, L("reviewing finding %lld", "审核问题 %lld"), (long long)finding_id);
        stmt_done(st);
    }
    if (ok && sqlite3_changes(q->db) == 0)
        ok = err_set(e, ERR_USAGE, L("no finding %lld", "没有编号为 %lld 的问题"),
                     (long long)finding_id);
    return tx_close(q, own, ok, e);
}

/* ---- targets checked, bonus points ------------------------------------ */

static const char *const target_states[] = {"complete", "incomplete", "failed", NULL};

static bool sq_target_checked(store *s, const round_target_rec *t, err *e) {
    sq_store *q = sq(s);
    if (!one_of(t->target_kind, target_kinds) || !one_of(t->state, target_states) || !t->target ||
        !*t->target)
        return err_set(e, ERR_USAGE, "round target: bad kind \"%s\" or state \"%s\"",
                       nz(t->target_kind), nz(t->state));
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_TARGET_SET, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = sqlite3_bind_int64(st, 1, t->round_id) == SQLITE_OK &&
                 bind_str(st, 2, t->target) == SQLITE_OK &&
                 bind_str(st, 3, t->target_kind) == SQLITE_OK &&
                 bind_str(st, 4, t->state) == SQLITE_OK && bind_str(st, 5, t->reason) == SQLITE_OK &&
                 bind_str(st, 6, t->checked_at) == SQLITE_OK;
        ok = step_write(q, st, b, e, L("recording the check of %s", "记录 %s 的检查"), nz(t->target));
    }
    return tx_close(q, own, ok, e);
}

/* A round has at most a few thousand targets: read them all, then call back,
 * so that the callback may write. */
static bool sq_round_targets_each(store *s, int64_t round_id, store_round_target_cb cb, void *ud,
                                  err *e) {
    sq_store *q = sq(s);
    sqlite3_stmt *st = stmt(q, ST_TARGETS_ALL, e);
    if (!st) return false;
    round_target_rec *all = NULL;
    size_t n = 0, cap = 0;
    bool ok = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK;
    int rc = SQLITE_ROW;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!grow_for_one(&all, &cap, n, sizeof *all, 64)) {
            ok = nomem(e);
            break;
        }
        round_target_rec *t = &all[n++];
        memset(t, 0, sizeof *t);
        t->round_id = round_id;
        t->target = col_str(st, 0, &ok);
        t->target_kind = col_str(st, 1, &ok);
        t->state = col_str(st, 2, &ok);
        t->reason = col_str(st, 3, &ok);
        t->checked_at = col_str(st, 4, &ok);
        if (!ok) nomem(e);
    }
    if (ok && rc != SQLITE_DONE) ok = sq_fail(q, e, "%s", L("reading round targets", "读取检查对象"));
    stmt_done(st);
    for (size_t i = 0; ok && i < n; i++)
        if (!cb(&all[i], ud)) break;
    for (size_t i = 0; i < n; i++) round_target_rec_free(&all[i]);
    free(all);
    return ok;
}

static bool sq_bonus_set(store *s, int64_t round_id, const char *site_code, double points,
                         const char *note, err *e) {
    sq_store *q = sq(s);
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_BONUS_SET, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK &&
                 bind_str(st, 2, site_code) == SQLITE_OK &&
                 sqlite3_bind_double(st, 3, points) == SQLITE_OK && bind_str(st, 4, note) == SQLITE_OK;
        ok = step_write(q, st, b, e, L("setting the bonus of %s", "设置 %s 的加分"), nz(site_code));
    }
    return tx_close(q, own, ok, e);
}

static bool sq_bonus_get(store *s, int64_t round_id, const char *site_code, double *points,
                         bool *found, err *e) {
    sq_store *q = sq(s);
    sqlite3_stmt *st = stmt(q, ST_BONUS_GET, e);
    if (!st) return false;
    *found = false;
    *points = 0;
    bool ok = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK && bind_str(st, 2, site_code) == SQLITE_OK;
    int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        *found = true;
        *points = sqlite3_column_double(st, 0);
    } else if (rc != SQLITE_DONE) {
        ok = sq_fail(q, e, "%s", L("reading bonus points", "读取加分"));
    }
    stmt_done(st);
    return ok;
}

/* ---- crawl state (resuming an interrupted run) ------------------------ */

static bool sq_crawl_done_set(store *s, int64_t round_id, const char *site_code, const char *at,
                              err *e) {
    sq_store *q = sq(s);
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_CRAWL_DONE_SET, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK &&
                 bind_str(st, 2, site_code) == SQLITE_OK && bind_str(st, 3, at) == SQLITE_OK;
        ok = step_write(q, st, b, e, L("recording the crawl of %s", "记录 %s 的抓取"), nz(site_code));
    }
    return tx_close(q, own, ok, e);
}

static bool sq_crawl_done_get(store *s, int64_t round_id, const char *site_code, bool *done,
                              err *e) {
    sq_store *q = sq(s);
    *done = false;
    sqlite3_stmt *st = stmt(q, ST_CRAWL_DONE_GET, e);
    if (!st) return false;
    bool ok = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK && bind_str(st, 2, site_code) == SQLITE_OK;
    int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) *done = true;
    else if (rc != SQLITE_DONE)
        ok = sq_fail(q, e, L("reading the crawl state of %s", "读取 %s 的抓取状态"), nz(site_code));
    stmt_done(st);
    return ok;
}

static bool sq_crawl_clear(store *s, int64_t round_id, const char *site_code, err *e) {
    sq_store *q = sq(s);
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, site_code ? ST_CRAWL_CLEAR_SITE : ST_CRAWL_CLEAR, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK &&
                 (!site_code || bind_str(st, 2, site_code) == SQLITE_OK);
        ok = step_write(q, st, b, e, "%s", L("clearing the crawl state", "清除抓取状态"));
    }
    return tx_close(q, own, ok, e);
}

static bool sq_page_put(store *s, const page_copy_rec *p, err *e) {
    sq_store *q = sq(s);
    bool own;
    if (!tx_open(q, &own, e)) return false;
    sqlite3_stmt *st = stmt(q, ST_PAGE_PUT, e);
    bool ok = st != NULL;
    if (ok) {
        bool b = sqlite3_bind_int64(st, 1, p->round_id) == SQLITE_OK &&
                 bind_str(st, 2, p->site_code) == SQLITE_OK && bind_str(st, 3, p->url) == SQLITE_OK &&
                 bind_str(st, 4, p->final_url) == SQLITE_OK &&
                 sqlite3_bind_int(st, 5, p->http_status) == SQLITE_OK &&
                 bind_str(st, 6, p->content_type) == SQLITE_OK &&
                 bind_str(st, 7, p->charset) == SQLITE_OK && bind_str(st, 8, p->fetched_at) == SQLITE_OK &&
                 (p->body ? sqlite3_bind_blob64(st, 9, p->body, p->body_len, SQLITE_TRANSIENT)
                          : sqlite3_bind_null(st, 9)) == SQLITE_OK &&
                 sqlite3_bind_int64(st, 10, (sqlite3_int64)p->raw_len) == SQLITE_OK;
        ok = b && sqlite3_step(st) == SQLITE_DONE;
        if (!b) nomem(e);
        else if (!ok) sq_fail(q, e, L("saving the copy of %s", "保存页面副本 %s"), nz(p->url));
        stmt_done(st);
    }
    return tx_close(q, own, ok, e);
}

static bool sq_page_get(store *s, int64_t round_id, const char *url, page_copy_rec *out, err *e) {
    sq_store *q = sq(s);
    memset(out, 0, sizeof *out);
    if (e) err_clear(e);
    sqlite3_stmt *st = stmt(q, ST_PAGE_GET, e);
    if (!st) return false;
    bool found = false, ok = sqlite3_bind_int64(st, 1, round_id) == SQLITE_OK &&
                             bind_str(st, 2, url) == SQLITE_OK;
    int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
    if (ok && rc == SQLITE_ROW) {
        out->round_id = round_id;
        out->site_code = col_str(st, 0, &ok);
        out->url = col_str(st, 1, &ok);
        out->final_url = col_str(st, 2, &ok);
        out->http_status = sqlite3_column_int(st, 3);
        out->content_type = col_str(st, 4, &ok);
        out->charset = col_str(st, 5, &ok);
        out->fetched_at = col_str(st, 6, &ok);
        int n = sqlite3_column_bytes(st, 7);
        const void *blob = sqlite3_column_blob(st, 7);
        if (blob && n > 0) {
            out->body = malloc((size_t)n);
            if (out->body) memcpy(out->body, blob, (size_t)n);
            else ok = false;
            out->body_len = (size_t)n;
        }
        out->raw_len = (size_t)sqlite3_column_int64(st, 8);
        found = ok;
        if (!ok) nomem(e);
    } else if (ok && rc != SQLITE_DONE) {
        ok = sq_fail(q, e, L("reading the copy of %s", "读取页面副本 %s"), nz(url));
    }
    stmt_done(st);
    if (!found) page_copy_rec_free(out);
    return found;
}

static const store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .schema_version = sq_schema_version,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .site_upsert = sq_site_upsert,
    .media_upsert = sq_media_upsert,
    .sites_each = sq_sites_each,
    .media_each = sq_media_each,
    .site_get = sq_site_get,
    .media_get = sq_media_get,
    .count = sq_count,
    .round_ensure = sq_round_ensure,
    .round_get = sq_round_get,
    .probe_add = sq_probe_add,
    .probes_each = sq_probes_each,
    .downtime_add = sq_downtime_add,
    .downtime_each = sq_downtime_each,
    .page_put = sq_page_put,
    .page_get = sq_page_get,
    .finding_record = sq_finding_record,
    .findings_mark_gone = sq_findings_mark_gone,
    .findings_each = sq_findings_each,
    .finding_review = sq_finding_review,
    .target_checked = sq_target_checked,
    .round_targets_each = sq_round_targets_each,
    .bonus_set = sq_bonus_set,
    .bonus_get = sq_bonus_get,
    .crawl_done_set = sq_crawl_done_set,
    .crawl_done_get = sq_crawl_done_get,
    .crawl_clear = sq_crawl_clear,
};
