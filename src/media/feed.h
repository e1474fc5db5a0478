/* feed — a new-media account's posts, read from whatever form they come in.
 *
 * Platforms block crawlers, so accounts are read from documents: RSS 2.0
 * (and 0.9x / 1.0), Atom 1.0, JSON Feed 1.1 with the `_gov` extension, a
 * Weibo timeline as m.weibo.cn's container API serves it, saved WeChat
 * article pages, or saved weibo.com status pages with their comment lists
 * (one page, or a folder of pages of either kind). The form is recognised by
 * content, never by file name, and everything lands in one model: the
 * account's name, its posts (with comments where the source has them; a
 * comment's `reply` is the account's own answer), the interaction facts
 * (`_gov.interaction`, unknown otherwise: a saved page shows comments, not
 * whether the account's channels are open, so a reviewer judges) and the
 * capture time (`_gov.checked_at`, else the HTTP fetch time, else the
 * file's mtime).
 *
 * Saved pages are HTML: a weibo.com page (known by its classes
 * detail_wbtext_* and head-info_time_*) is read in one SAX pass of
 * libxml2's HTML parser, by class tokens (feed.c says which); a page cut
 * short gives what it holds, or is refused when its post is missing.
 *
 * Input is hostile: bytes are decoded to UTF-8 first (textenc: BOM, valid
 * UTF-8, the declared charset — the XML prolog's or HTTP's —, detection;
 * GBK as GB18030), XML is parsed by libxml2 without network access and
 * documents declaring entities are refused (no expansion attacks), JSON by
 * jansson; documents, posts, comments and fields are capped. A source that
 * cannot be read fails with a message naming it and the reason (line and
 * column for XML and JSON), which the driver turns into a media.feed_error
 * finding for that account alone.
 *
 * Dates: RFC 3339 / ISO 8601, RFC 822 (named zones as RFC 822 defines
 * them, but "CST" is China Standard Time, +08:00, as Chinese generators
 * mean it), Weibo's "Tue Jun 08 09:35:04 +0800 2021", Unix seconds or
 * milliseconds, "2020年8月10日 10:00", weibo.com's "24-5-13 17:07" (yy-m-d,
 * 20yy); a date without a zone is a date in the
 * rule set's zone (spec §0). The forms platforms show people — "刚刚",
 * "5分钟前", "3小时前", "3天前", "今天/昨天/前天 10:00", a month-day without a
 * year ("08-10 10:00", "8月10日") — count from the capture time
 * (`_gov.checked_at`, else the fetch time or the file's mtime the reader
 * passes in); a year-less date after the capture date is last year's; a
 * span over FEED_REL_MAX_DAYS is no date. A post whose date cannot be read
 * (unknown form, or a relative one without a capture time) keeps
 * dated = false: it is evidence of nothing, never a guess.
 *
 * Ownership: a feed_account owns everything in it; feed_account_free()
 * releases it. Strings are UTF-8, never NULL once parsed ("" when absent).
 */
#ifndef GI_MEDIA_FEED_H
#define GI_MEDIA_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Caps on hostile input. */
#define FEED_MAX_BYTES (16u << 20)         /* one document or page */
#define FEED_MAX_POSTS 20000                /* per account */
#define FEED_MAX_COMMENTS 5000              /* per post */
#define FEED_MAX_FIELD (256u << 10)         /* one text field, bytes */
#define FEED_MAX_FOLDER_FILES 5000          /* saved pages in a folder */
#define FEED_REL_MAX_DAYS 366               /* "N天前" and kin: at most a year back */

/* "No capture time known": relative dates stay undated. */
#define FEED_NO_TIME INT64_MIN

typedef enum { FEED_UNKNOWN = -1, FEED_FALSE = 0, FEED_TRUE = 1 } feed_tri;

typedef struct feed_comment {
    char *author;
    char *text;
    char *reply;      /* the account's reply, "" when none (several: joined by " / ") */
    int64_t date_ms;
    bool dated;
} feed_comment;

typedef struct feed_post {
    char *id;
    char *url;
    char *title;
    char *text;       /* plain text (HTML stripped) */
    int64_t published_ms;
    bool dated;       /* false: no readable date */
    feed_comment *comments;
    size_t ncomments, comments_cap;
} feed_post;

typedef struct feed_account {
    const char *format;   /* "rss", "atom", "jsonfeed", "weibo", "wechat", "weibo_page" (static) */
    char *name;
    feed_post *posts;     /* in source order */
    size_t nposts, posts_cap;
    bool has_interaction; /* a `_gov.interaction` object was present */
    feed_tri comments, messages, menu_entry, auto_reply_only;
    bool captured;        /* captured_ms is known */
    int64_t captured_ms;
    const char *capture_source; /* "_gov.checked_at", "fetch", "file" (static) */
    char *charset;        /* what the bytes were decoded from */
} feed_account;

/* Parses one document (any of the forms above but a folder). `name` (a URL
 * or path) is used in messages; `charset` is HTTP's or NULL; `zone` is the
 * rule set's zone in minutes east of UTC, for dates without one. The
 * capture time is set only from `_gov.checked_at`; the caller fills in the
 * fetch time or mtime when it stays unknown. Relative dates count from
 * `_gov.checked_at` only (else they stay undated): a reader that knows when
 * it fetched the bytes calls feed_parse_at(). On failure *out is empty. */
bool feed_parse(const char *data, size_t len, const char *name, const char *charset, int zone,
                feed_account *out, err *e);
/* feed_parse() with the instant the bytes were fetched (Unix ms, or
 * FEED_NO_TIME), which relative dates count from unless the document
 * carries `_gov.checked_at`. It does not set the capture time. */
bool feed_parse_at(const char *data, size_t len, const char *name, const char *charset, int zone,
                   int64_t fetched_ms, feed_account *out, err *e);
/* Reads a file (any form) or a folder of saved WeChat or weibo.com pages
 * (*.htm, *.html, in name order; the format is the first page's). The capture time falls back to the file's mtime (for a
 * folder, its newest page's); relative dates count from it (in a folder,
 * from each page's own mtime). */
bool feed_read_path(const char *path, int zone, feed_account *out, err *e);
void feed_account_free(feed_account *a);

/* One date in any of the forms above to Unix ms; false when unreadable.
 * feed_parse_date() reads no relative form; feed_parse_date_at() counts
 * them back from ref_ms (FEED_NO_TIME: none). */
bool feed_parse_date(const char *s, int zone, int64_t *ms);
bool feed_parse_date_at(const char *s, int zone, int64_t ref_ms, int64_t *ms);
/* Plain text of an HTML fragment: tags dropped (script and style with
 * their content), entities decoded, white space collapsed, at most max
 * bytes (cut at a character boundary). Caller frees; NULL on OOM. */
char *feed_html_text(const char *html, size_t len, size_t max);

#endif
