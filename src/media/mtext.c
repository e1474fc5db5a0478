#include "media/mtext.h"

#include "core/date.h"

#include <stdlib.h>
#include <string.h>

typedef struct mtext_call {
    const char *text;
    size_t len;
    mcheck_hit_fn hit;
    void *hud;
} mtext_call;

static bool mtext_match(const text_match *m, void *ud) {
    mtext_call *c = ud;
    const char *kind = m->category == TEXT_WORDING ? "post.wording"
                       : m->category == TEXT_HARMFUL ? "post.harmful" : NULL;
    if (!kind) return true;
    char *ctx = text_context(c->text, c->len, m->start, m->end, 20);
    c->hit(c->hud, kind, m->text, m->suggestion, ctx ? ctx : "");
    free(ctx);
    return true;
}

static void mtext_scan(void *ud, const char *text, const feed_post *post, mcheck_hit_fn hit, void *hud) {
    const mtext *m = ud;
    if (!text || !*text) return;
    text_scan_opts opts = {.statistical = false};
    if (post && post->dated)
        date_of_instant(post->published_ms, m->zone, &opts.pub_year, &opts.pub_month, &opts.pub_day);
    mtext_call c = {.text = text, .len = strlen(text), .hit = hit, .hud = hud};
    text_scan(m->engine, text, c.len, &opts, mtext_match, &c);
}

void mtext_hook(mtext *m, mcheck_text_engine *hook) {
    hook->scan = mtext_scan;
    hook->ud = m;
}
