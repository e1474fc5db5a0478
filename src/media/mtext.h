/* mtext — the text engine (text.h) as the media.security hook of mcheck.
 *
 * Post titles and texts go through text_scan() with the post's publication
 * date (so dated lexicon entries, such as bodies abolished in the 2018
 * reform, count only in posts after their date) and without the
 * statistical typo detector: media.security is about serious wording and
 * harmful content, so wording matches become post.wording and harmful ones
 * post.harmful; typos are left to the content checks.
 *
 * Ownership: the mtext holds pointers only; the engine must outlive it.
 */
#ifndef GI_MEDIA_MTEXT_H
#define GI_MEDIA_MTEXT_H

#include "media/mcheck.h"
#include "text/text.h"

typedef struct mtext {
    const text_engine *engine;
    int zone; /* minutes east of UTC, for the posts' dates */
} mtext;

/* Fills *hook so that it scans with m (which must outlive the hook). */
void mtext_hook(mtext *m, mcheck_text_engine *hook);

#endif
