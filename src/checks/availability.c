/* availability — see availability.h. */
#include "checks/availability.h"

#include "core/date.h"
#include "core/grow.h"
#include "core/lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AVAIL_DAY_MS INT64_C(86400000)

const char *const availability_kinds[] = {"site.unreachable", "probe.insufficient",
                                          "downtime.excess", NULL};


/* Days since 1970-01-01 of the date of `ms` at `zone` minutes east of UTC. */
static int64_t avail_day_of(int64_t ms, int zone) {
    int64_t local = ms + (int64_t)zone * 60000;
    return local >= 0 ? local / AVAIL_DAY_MS : -((-local + AVAIL_DAY_MS - 1) / AVAIL_DAY_MS);
}

static void avail_date_text(int64_t day, char out[11]) {
    char iso[40];
    date_format_iso(day * AVAIL_DAY_MS, 0, iso, sizeof iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

/* ---- one probe --------------------------------------------------------- */

bool availability_probe_failed(const rules *r, const probe_rec *p, char *reason, size_t reasonsz) {
    rules_threshold status = rules_threshold_at(r, "indicators/site.unreachable/failed_status");
    rules_threshold slow = rules_threshold_at(r, "indicators/site.unreachable/slow_seconds");
    char buf[256] = "";
    size_t len = 0;
    /* Every reason that applies, joined with "; ". */
#define AVAIL_SAY(...)                                                                   \
    do {                                                                                 \
        if (len && len < sizeof buf) len += (size_t)snprintf(buf + len, sizeof buf - len, "; "); \
        if (len < sizeof buf) len += (size_t)snprintf(buf + len, sizeof buf - len, __VA_ARGS__); \
    } while (0)
    if (p->error && *p->error) AVAIL_SAY("%s", p->error);
    else if (!p->ok) AVAIL_SAY("%s", L("the probe failed (ok = false)", "探测失败（ok = false）"));
    if (p->http_status >= 0 && rules_threshold_test(status, p->http_status))
        AVAIL_SAY("HTTP %d", p->http_status);
    if (p->elapsed_ms >= 0 && rules_threshold_test(slow, (double)p->elapsed_ms / 1000.0))
        AVAIL_SAY(L("took %.1f s (a probe taking %s %g s fails)", "耗时 %.1f 秒（耗时 %s %g 秒即失败）"),
                  (double)p->elapsed_ms / 1000.0, rules_op_name(slow.op), slow.value);
#undef AVAIL_SAY
    if (reason && reasonsz) snprintf(reason, reasonsz, "%s", buf);
    return len > 0;
}

/* ---- the judgement ----------------------------------------------------- */

typedef struct avail_fail_ref {
    int64_t ms;
    size_t i;
} avail_fail_ref;

static int avail_cmp_ref(const void *a, const void *b) {
    const avail_fail_ref *x = a, *y = b;
    if (x->ms != y->ms) return x->ms < y->ms ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

typedef struct avail_period {
    int64_t from, to;
    size_t i;
} avail_period;

static int avail_cmp_period(const void *a, const void *b) {
    const avail_period *x = a, *y = b;
    if (x->from != y->from) return x->from < y->from ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static char *avail_dup(const char *s) { return strdup(s ? s : ""); }

void availability_result_free(availability_result *res) {
    if (!res) return;
    free(res->days);
    for (size_t i = 0; i < res->nfailures; i++) {
        free(res->failures[i].time);
        free(res->failures[i].error);
    }
    free(res->failures);
    for (size_t i = 0; i < res->ntakedowns; i++) {
        free(res->takedowns[i].from);
        free(res->takedowns[i].to);
        free(res->takedowns[i].reason);
    }
    free(res->takedowns);
    memset(res, 0, sizeof *res);
}

/* Fills the take-down part of the result. */
static bool avail_takedowns(const rules *r, int y, int m, int d, int zone, int64_t t_end,
                            const downtime_rec *dt, size_t nd, availability_result *out) {
    int months = (int)rules_number(r, "indicators/downtime.excess/window_months");
    /* The N months ending at T: dates after (T's date − N months, clamped to
     * the month's last day) up to T. */
    int total = y * 12 + (m - 1) - months;
    int ay = total / 12, am = total % 12 + 1;
    int ad = d > date_month_days(ay, am) ? date_month_days(ay, am) : d;
    int64_t after_day = date_days_from_civil(ay, am, ad);
    avail_date_text(after_day, out->takedown_after);
    int64_t w_start = (after_day + 1) * AVAIL_DAY_MS - (int64_t)zone * 60000;

    avail_period *ps = calloc(nd ? nd : 1, sizeof *ps);
    if (!ps) return false;
    size_t np = 0;
    for (size_t i = 0; i < nd; i++) {
        int64_t f, t;
        if (!dt[i].kind || strcmp(dt[i].kind, "takedown") != 0) continue;
        if (!date_parse_instant(dt[i].from, &f) || !date_parse_instant(dt[i].to, &t))
            continue;
        if (f < t_end && t > w_start) ps[np++] = (avail_period){f, t, i};
    }
    qsort(ps, np, sizeof *ps, avail_cmp_period);
    out->takedowns = calloc(np ? np : 1, sizeof *out->takedowns);
    if (!out->takedowns) {
        free(ps);
        return false;
    }
    rules_threshold count = rules_threshold_at(r, "indicators/downtime.excess/takedowns");
    rules_threshold days = rules_threshold_at(r, "indicators/downtime.excess/takedown_days");
    bool ok = true;
    for (size_t k = 0; k < np; k++) {
        const downtime_rec *src = &dt[ps[k].i];
        availability_takedown *tk = &out->takedowns[out->ntakedowns++];
        tk->from = avail_dup(src->from);
        tk->to = avail_dup(src->to);
        tk->reason = avail_dup(src->reason);
        if (!tk->from || !tk->to || !tk->reason) ok = false;
        tk->days = (double)(ps[k].to - ps[k].from) / (double)AVAIL_DAY_MS;
        tk->too_long = rules_threshold_test(days, tk->days);
        if (tk->too_long) out->nlong++;
    }
    out->takedowns_excess = rules_threshold_test(count, (double)np);
    free(ps);
    return ok;
}

bool availability_judge(const rules *r, int y, int m, int d, const probe_rec *probes, size_t n,
                        const downtime_rec *downtime, size_t nd, availability_result *out) {
    memset(out, 0, sizeof *out);
    int zone = 0;
    const char *tz = rules_string(r, "ruleset/time_zone");
    if (!tz || !date_parse_offset(tz, &zone)) return false;
    int window = (int)rules_number(r, "indicators/site.unreachable/window_days");
    if (window < 1) window = 1;
    int64_t last_day = date_days_from_civil(y, m, d);
    int64_t first_day = last_day - (window - 1);
    int64_t t_end = (last_day + 1) * AVAIL_DAY_MS - (int64_t)zone * 60000;
    avail_date_text(first_day, out->window_from);
    avail_date_text(last_day, out->window_to);

    /* Every downtime period excludes probes, whatever its kind. */
    avail_period *dts = calloc(nd ? nd : 1, sizeof *dts);
    avail_fail_ref *refs = calloc(n ? n : 1, sizeof *refs);
    out->days = calloc((size_t)window, sizeof *out->days);
    bool ok = dts && refs && out->days;
    size_t ndts = 0, nrefs = 0;
    for (size_t i = 0; ok && i < nd; i++) {
        int64_t f, t;
        if (date_parse_instant(downtime[i].from, &f) &&
            date_parse_instant(downtime[i].to, &t) && t > f)
            dts[ndts++] = (avail_period){f, t, i};
    }
    if (ok) {
        out->ndays = (size_t)window;
        for (int i = 0; i < window; i++) avail_date_text(first_day + i, out->days[i].date);
    }
    for (size_t i = 0; ok && i < n; i++) {
        int64_t ms;
        if (!date_parse_instant(probes[i].time, &ms)) continue;
        int64_t day = avail_day_of(ms, zone);
        if (day < first_day || day > last_day) continue;
        availability_day *dd = &out->days[day - first_day];
        dd->probes++;
        out->probes++;
        bool inside = false;
        for (size_t k = 0; k < ndts && !inside; k++) inside = ms >= dts[k].from && ms < dts[k].to;
        if (inside) {
            dd->excluded++;
            out->excluded++;
            continue;
        }
        dd->counted++;
        out->counted++;
        if (availability_probe_failed(r, &probes[i], NULL, 0)) {
            dd->failed++;
            out->failed++;
            refs[nrefs++] = (avail_fail_ref){ms, i};
        }
    }
    if (ok) {
        rules_threshold few = rules_threshold_at(r, "indicators/probe.insufficient/day_probes");
        for (size_t i = 0; i < out->ndays; i++) {
            out->days[i].insufficient = rules_threshold_test(few, out->days[i].probes);
            if (out->days[i].insufficient) out->ninsufficient++;
        }
        out->judged = out->counted > 0;
        if (out->judged) {
            out->ratio = (double)out->failed / (double)out->counted;
            out->veto = rules_threshold_test(
                rules_threshold_at(r, "indicators/site.unreachable/failure_ratio"), out->ratio);
        }
        qsort(refs, nrefs, sizeof *refs, avail_cmp_ref);
        size_t keep = nrefs < AVAILABILITY_MAX_LISTED ? nrefs : AVAILABILITY_MAX_LISTED;
        out->failures = calloc(keep ? keep : 1, sizeof *out->failures);
        ok = out->failures != NULL;
        for (size_t k = 0; ok && k < keep; k++) {
            const probe_rec *p = &probes[refs[k].i];
            availability_failure *f = &out->failures[out->nfailures++];
            f->time = avail_dup(p->time);
            f->error = avail_dup(p->error);
            f->ok = p->ok;
            f->http_status = p->http_status;
            f->elapsed_ms = p->elapsed_ms;
            availability_probe_failed(r, p, f->reason, sizeof f->reason);
            if (!f->time || !f->error) ok = false;
        }
    }
    if (ok) ok = avail_takedowns(r, y, m, d, zone, t_end, downtime, nd, out);
    free(dts);
    free(refs);
    if (!ok) availability_result_free(out);
    return ok;
}

/* ---- recording --------------------------------------------------------- */

typedef struct avail_inputs {
    probe_rec *probes;
    size_t n, cap;
    downtime_rec *dts;
    size_t nd, capd;
    bool oom;
} avail_inputs;

static bool avail_take_probe(const probe_rec *p, void *ud) {
    avail_inputs *in = ud;
    if (!grow_for_one(&in->probes, &in->cap, in->n, sizeof *in->probes, 64)) return !(in->oom = true);
    probe_rec *q = &in->probes[in->n++];
    *q = (probe_rec){.site_code = avail_dup(p->site_code), .time = avail_dup(p->time), .ok = p->ok,
                     .http_status = p->http_status, .elapsed_ms = p->elapsed_ms,
                     .error = avail_dup(p->error)};
    if (!q->site_code || !q->time || !q->error) in->oom = true;
    return !in->oom;
}

static bool avail_take_downtime(const downtime_rec *d, void *ud) {
    avail_inputs *in = ud;
    if (!grow_for_one(&in->dts, &in->capd, in->nd, sizeof *in->dts, 8)) return !(in->oom = true);
    downtime_rec *q = &in->dts[in->nd++];
    *q = (downtime_rec){.id = d->id, .site_code = avail_dup(d->site_code), .from = avail_dup(d->from),
                        .to = avail_dup(d->to), .kind = avail_dup(d->kind),
                        .reason = avail_dup(d->reason)};
    if (!q->site_code || !q->from || !q->to || !q->kind || !q->reason) in->oom = true;
    return !in->oom;
}

static void avail_inputs_free(avail_inputs *in) {
    for (size_t i = 0; i < in->n; i++) {
        free(in->probes[i].site_code);
        free(in->probes[i].time);
        free(in->probes[i].error);
    }
    free(in->probes);
    for (size_t i = 0; i < in->nd; i++) downtime_rec_free(&in->dts[i]);
    free(in->dts);
}

static json_t *avail_day_json(const availability_day *d) {
    return json_pack("{s:s, s:i, s:i, s:i, s:i}", "date", d->date, "probes", d->probes, "excluded",
                     d->excluded, "counted", d->counted, "failed", d->failed);
}

static json_t *avail_days_json(const availability_result *res) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < res->ndays; i++) json_array_append_new(a, avail_day_json(&res->days[i]));
    return a;
}

static char *avail_rule_text(const rules *r, const char *path, char *buf, size_t bufsz) {
    rules_threshold t = rules_threshold_at(r, path);
    snprintf(buf, bufsz, "%s %g", rules_op_name(t.op), t.value);
    return buf;
}

static void avail_record_unreachable(check_ctx *c, const site_rec *site,
                                     const availability_result *res) {
    const rules *r = check_rules(c);
    char rule[64];
    avail_rule_text(r, "indicators/site.unreachable/failure_ratio", rule, sizeof rule);
    json_t *failed = json_array();
    for (size_t i = 0; failed && i < res->nfailures; i++) {
        const availability_failure *f = &res->failures[i];
        json_t *o = json_pack("{s:s, s:b, s:s, s:s}", "time", f->time, "ok", f->ok, "error", f->error,
                              "reason", f->reason);
        if (!o) continue;
        json_object_set_new(o, "http_status", f->http_status >= 0 ? json_integer(f->http_status) : json_null());
        json_object_set_new(o, "elapsed_ms",
                            f->elapsed_ms >= 0 ? json_integer((json_int_t)f->elapsed_ms) : json_null());
        json_array_append_new(failed, o);
    }
    json_t *ev = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:s, s:o, s:o, s:i}", "window_from",
                           res->window_from, "window_to", res->window_to, "probes", res->probes,
                           "excluded", res->excluded, "counted", res->counted, "failed", res->failed,
                           "ratio", res->ratio, "rule", rule, "days", avail_days_json(res),
                           "failed_probes", failed ? failed : json_array(), "failed_listed",
                           (int)res->nfailures);
    char summary[512];
    if (lang_is_zh())
        snprintf(summary, sizeof summary, "%s 至 %s 计入的 %d 次探测中失败 %d 次（%.2f%%；失败/计入 %s 即否决）",
                 res->window_from, res->window_to, res->counted, res->failed, res->ratio * 100.0, rule);
    else
        snprintf(summary, sizeof summary,
                 "%d of %d counted probes failed from %s to %s (%.2f%%; veto at failed/counted %s)",
                 res->failed, res->counted, res->window_from, res->window_to, res->ratio * 100.0, rule);
    check_finding f = {.kind = "site.unreachable",
                       .subject = "availability",
                       .url = site->url,
                       .source_url = "",
                       .evidence = ev,
                       .summary = summary,
                       .home = true};
    check_record(c, &f);
}

static void avail_record_insufficient(check_ctx *c, const site_rec *site,
                                      const availability_result *res) {
    const rules *r = check_rules(c);
    char rule[64];
    avail_rule_text(r, "indicators/probe.insufficient/day_probes", rule, sizeof rule);
    /* A site never probed in the window gets one finding for the window,
     * not one per day: the cause is one (no monitoring), and so is the fix. */
    for (size_t i = 0; res->probes > 0 && i < res->ndays; i++) {
        const availability_day *d = &res->days[i];
        if (!d->insufficient) continue;
        json_t *ev = avail_day_json(d);
        json_object_set_new(ev, "rule", json_string(rule));
        json_object_set_new(ev, "availability_judged", json_boolean(res->judged));
        char summary[256];
        if (lang_is_zh())
            snprintf(summary, sizeof summary, "%s：仅有 %d 次探测（每天探测次数 %s 即为不足）%s", d->date,
                     d->probes, rule, res->judged ? "" : "；可访问性无法判定");
        else
            snprintf(summary, sizeof summary, "%s: %d probes stored (a day with probes %s is insufficient)%s",
                     d->date, d->probes, rule, res->judged ? "" : "; availability not judged");
        check_finding f = {.kind = "probe.insufficient", .subject = d->date, .url = site->url,
                           .evidence = ev, .summary = summary, .home = true};
        check_record(c, &f);
    }
    if (!res->judged && (res->probes == 0 || res->ninsufficient == 0)) {
        /* No probe at all, or every one inside registered downtime. */
        char subject[32], summary[256];
        snprintf(subject, sizeof subject, "%s/%s", res->window_from, res->window_to);
        if (res->probes == 0)
            snprintf(summary, sizeof summary,
                     L("no probe stored from %s to %s: availability not judged (run govinspect "
                       "probe, or import a probe log)",
                       "%s 至 %s 没有探测记录：可访问性无法判定（请运行 govinspect probe 或导入探测日志）"),
                     res->window_from, res->window_to);
        else
            snprintf(summary, sizeof summary,
                     L("no probe counted from %s to %s (%d probes, all inside registered downtime): "
                       "availability not judged",
                       "%s 至 %s 无计入的探测（%d 次探测均在报备停机期间）：可访问性无法判定"),
                     res->window_from, res->window_to, res->probes);
        json_t *ev = json_pack("{s:s, s:s, s:i, s:i, s:i, s:b, s:o}", "window_from", res->window_from,
                               "window_to", res->window_to, "probes", res->probes, "excluded",
                               res->excluded, "counted", res->counted, "availability_judged", 0,
                               "days", avail_days_json(res));
        check_finding f = {.kind = "probe.insufficient", .subject = subject, .url = site->url,
                           .evidence = ev, .summary = summary, .home = true};
        check_record(c, &f);
    }
}

static json_t *avail_takedown_json(const availability_takedown *t) {
    return json_pack("{s:s, s:s, s:f, s:s}", "from", t->from, "to", t->to, "days", t->days, "reason",
                     t->reason);
}

static void avail_record_downtime(check_ctx *c, const site_rec *site, const availability_result *res) {
    const rules *r = check_rules(c);
    char rule[64];
    int months = (int)rules_number(r, "indicators/downtime.excess/window_months");
    if (res->takedowns_excess) {
        avail_rule_text(r, "indicators/downtime.excess/takedowns", rule, sizeof rule);
        json_t *list = json_array();
        for (size_t i = 0; list && i < res->ntakedowns; i++)
            json_array_append_new(list, avail_takedown_json(&res->takedowns[i]));
        json_t *ev = json_pack("{s:s, s:s, s:i, s:i, s:s, s:o}", "after", res->takedown_after, "to",
                               res->window_to, "window_months", months, "count", (int)res->ntakedowns,
                               "rule", rule, "takedowns", list ? list : json_array());
        char summary[256];
        if (lang_is_zh())
            snprintf(summary, sizeof summary, "截至 %s 的 %d 个月内临时下线 %d 次（次数 %s 即超限）",
                     res->window_to, months, (int)res->ntakedowns, rule);
        else
            snprintf(summary, sizeof summary, "%d take-downs in the %d months ending %s (too many: count %s)",
                     (int)res->ntakedowns, months, res->window_to, rule);
        check_finding f = {.kind = "downtime.excess", .subject = "takedowns", .url = site->url,
                           .evidence = ev, .summary = summary};
        check_record(c, &f);
    }
    avail_rule_text(r, "indicators/downtime.excess/takedown_days", rule, sizeof rule);
    for (size_t i = 0; i < res->ntakedowns; i++) {
        const availability_takedown *t = &res->takedowns[i];
        if (!t->too_long) continue;
        char subject[160], summary[512];
        snprintf(subject, sizeof subject, "%s/%s", t->from, t->to);
        snprintf(summary, sizeof summary,
                 L("a take-down of %.1f days, %s to %s (too long: days %s)",
                   "临时下线 %.1f 天，%s 至 %s（天数 %s 即超限）"),
                 t->days, t->from, t->to, rule);
        json_t *ev = avail_takedown_json(t);
        json_object_set_new(ev, "rule", json_string(rule));
        check_finding f = {.kind = "downtime.excess", .subject = subject, .url = site->url,
                           .evidence = ev, .summary = summary};
        check_record(c, &f);
    }
}

bool availability_judge_stored(store *s, const rules *r, const char *site_code, int y, int m, int d,
                               int zone, availability_result *out, err *e) {
    int window = (int)rules_number(r, "indicators/site.unreachable/window_days");
    if (window < 1) window = 1;
    int64_t last_day = date_days_from_civil(y, m, d);
    char from[40], to[40];
    date_format_iso((last_day - (window - 1)) * AVAIL_DAY_MS - (int64_t)zone * 60000, zone, from, sizeof from);
    date_format_iso((last_day + 1) * AVAIL_DAY_MS - (int64_t)zone * 60000, zone, to, sizeof to);
    avail_inputs in = {0};
    bool ok = store_probes_each(s, site_code, from, to, avail_take_probe, &in, e) &&
              store_downtime_each(s, site_code, NULL, NULL, avail_take_downtime, &in, e);
    if (ok && in.oom) ok = err_set(e, ERR_NOMEM, "out of memory");
    if (ok && !availability_judge(r, y, m, d, in.probes, in.n, in.dts, in.nd, out))
        ok = err_set(e, ERR_NOMEM, "%s",
                     L("judging availability: out of memory or an unreadable time_zone",
                       "判定可访问性：内存不足或规则集 time_zone 无效"));
    avail_inputs_free(&in);
    return ok;
}

bool availability_inspect(check_ctx *c, store *s, const site_rec *site, const char *as_of, err *e) {
    const rules *r = check_rules(c);
    int y, m, d;
    if (!date_parse_ymd(as_of, &y, &m, &d))
        return err_set(e, ERR_INPUT, L("round as-of date '%s' is not YYYY-MM-DD", "轮次监测日期“%s”不是 YYYY-MM-DD"),
                       as_of);
    availability_result res;
    if (!availability_judge_stored(s, r, site->code, y, m, d, check_zone_minutes(c), &res, e)) return false;
    if (res.veto) avail_record_unreachable(c, site, &res);
    avail_record_insufficient(c, site, &res);
    avail_record_downtime(c, site, &res);
    availability_result_free(&res);
    return true;
}
