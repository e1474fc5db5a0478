/* interaction — 互动回应差 (site.interaction) and 留言答复不及时
 * (interaction.slow).
 *
 * Channels. A consultation channel is a page or link named by the rule
 * set's channel_patterns (留言, 咨询, 信箱 …) and not by its
 * excluded_patterns (信访, 纪检, 举报). It is effective when it offers a way
 * to submit: the channel page has a form with a textarea, or links to a page
 * that has one. A channel outside the site's scope (a shared platform) is
 * fetched after the crawl (check_fetch): it is effective when it answers
 * with such a form, when its link was a submission link (submit_patterns:
 * 我要写信 …) that answers, or when it links by a submission link to a page
 * that answers. No effective channel on a completely crawled site is
 * `interaction.none`.
 *
 * Messages. Public message lists (table rows and ul/li items, any page of a
 * paginated list) give a message per dated item: its title, link, the dates
 * of its row in order (asked, then replied) and a state word (open_states
 * are tried before answered_states). Rows count when they carry a state
 * word or stand on a channel page. A detail page — a page with an
 * asked_labels date (留言时间：…) — gives the asked and reply dates and the
 * state by label, and wins over its list row. With T the end of the as-of
 * date and month arithmetic clamped (spec §0):
 *   - a message asked within the window_months ending at T and answered
 *     after asked + reply_limit_months, or still open at T past that day, is
 *     `interaction.unanswered` (one per message, subject its URL);
 *   - no reply dated within interaction.slow's window_months ending at T
 *     while some message is open at T is `interaction.slow` (subject
 *     "replies"). A message answered without a known reply date could have
 *     been answered in the window: then nothing is said.
 * Messages with no asked date, or with no state and no reply date, are not
 * judged (precision first).
 *
 * State per site: sets of URLs and the messages, freed by site_free.
 */
#ifndef GI_CHECKS_INTERACTION_H
#define GI_CHECKS_INTERACTION_H

#include "checks/check.h"

extern const check_module check_interaction;

#endif
