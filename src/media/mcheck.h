/* mcheck — the new-media checks of spec §4 on one account's feed model.
 *
 * A pure function of the model (feed.h), the rule set, T and the comment
 * classifier: it emits findings through a callback and touches neither the
 * store nor the network, so unit tests feed it directly and the driver
 * (minspect.h) records what it emits.
 *
 *  - media.stale: no dated post within the window_days ending at T (posts
 *    dated after T ignored). Judged only when the capture is recent enough
 *    (capture_age_days); otherwise, or when no post has a readable date,
 *    media.stale_unknown (indicator media.unjudged, informational) says why,
 *    with evidence.unjudged = ["media.stale"]. Evidence of a stale account:
 *    the newest post's title, URL and date, the longest gap between posts in
 *    the gap_months ending at T, post counts, the capture time.
 *  - media.interaction (veto, confirmed): comments and messages both false,
 *    or auto_reply_only true. No finding when comments or messages is true
 *    and auto_reply_only is not true (false or absent). Anything else —
 *    no `_gov.interaction`, as in every RSS or Atom feed, or keys that do not
 *    decide — media.interaction_unknown (pending). menu_entry false →
 *    media.menu_missing (informational) whatever the rest says.
 *  - media.comment_ads: every comment and reply scored by adclass; at the
 *    rule set's ad_score threshold, a finding (pending) with the comment as
 *    evidence. Subject: "<post id>#<comment index>[/reply]".
 *  - media.security: when a text engine is given, every post's title and
 *    text go through it and each hit (post.wording, post.harmful) is a
 *    finding; without one, not run (the driver says so).
 *
 * Ownership: emitted evidence is handed to the callback, which takes the
 * reference; strings in a finding are valid during the callback only.
 */
#ifndef GI_MEDIA_MCHECK_H
#define GI_MEDIA_MCHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "judge/rules.h"
#include "media/adclass.h"
#include "media/feed.h"

typedef struct mcheck_finding {
    const char *kind;    /* a kind of the rule set */
    const char *subject; /* with the kind, the identity within the account */
    const char *url;     /* the post, when there is one */
    json_t *evidence;    /* an object; the callback takes the reference */
    const char *summary;
} mcheck_finding;

/* Returns false to stop (a store failure). */
typedef bool (*mcheck_emit_fn)(void *ud, const mcheck_finding *f);

/* The hook for media.security (mtext.h adapts the text engine to it).
 * scan() looks at `text`, the title or text of `post` (whose date may
 * matter to the lexicon), and calls hit() for each match: kind
 * "post.wording" or "post.harmful", the matched text, a suggestion ("" when
 * none) and some context. */
typedef void (*mcheck_hit_fn)(void *hud, const char *kind, const char *match,
                              const char *suggestion, const char *context);
typedef struct mcheck_text_engine {
    void (*scan)(void *ud, const char *text, const feed_post *post, mcheck_hit_fn hit, void *hud);
    void *ud;
} mcheck_text_engine;

typedef struct mcheck_env {
    const rules *r;
    int zone;                         /* minutes east of UTC */
    int ty, tm, td;                   /* the as-of date; T is its end */
    const adclass *ads;
    const mcheck_text_engine *text;   /* NULL: media.security not run */
} mcheck_env;

typedef struct mcheck_summary {
    int posts, dated, comments;
    bool stale, stale_unknown;
    char newest[11];                  /* "YYYY-MM-DD" of the newest post up to T, or "" */
    char unjudged_reason[1200];       /* when stale_unknown: why, for people */
    int findings;
} mcheck_summary;

/* Runs every check on the account; false when emit() asked to stop. */
bool mcheck_account(const mcheck_env *env, const feed_account *a, mcheck_emit_fn emit, void *ud,
                    mcheck_summary *sum);

/* The evidence of a media.feed_error finding: the source, the reason and
 * evidence.unjudged = every new-media veto indicator. New reference. */
json_t *mcheck_feed_error_evidence(const rules *r, const char *source, const char *reason);

#endif
