#!/usr/bin/env python3
"""Scores freshness findings against the generator's truth.

    score.py truth.json findings.json PORT [--json OUT]

Compares column.stale / column.blank findings (by subject URL) with the
truth's stale / blank columns, home.stale per site with home_stale (sites
whose homepage cannot be judged are left out), and per site whether any
finding counts under site.column_stale (the veto) with the truth's veto.
Prints precision and recall and every false positive and miss with the
generator's description of the column, so causes can be grouped.
"""
import collections
import json
import sys


def pr(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return p, r


def main():
    truth = json.load(open(sys.argv[1], encoding="utf-8"))
    fj = json.load(open(sys.argv[2], encoding="utf-8"))
    port = sys.argv[3]
    base = f"http://127.0.0.1:{port}"
    findings = fj["findings"] if isinstance(fj, dict) else fj
    findings = [f for f in findings if f.get("status") != "gone"]
    by_site = collections.defaultdict(list)
    for f in findings:
        by_site[f["target"]].append(f)

    rows = {}
    details = collections.defaultdict(list)
    counts = {k: [0, 0, 0] for k in ("column.stale", "column.blank", "home.stale", "veto")}
    veto_rules = {k: [0, 0, 0] for k in ("key_stale", "dated_stale", "blank")}
    mismatch = []

    for code, s in truth["sites"].items():
        fs = by_site.get(code, [])
        cols = {base + p: (p, c) for p, c in s["columns"].items()}
        site_desc = (f"layout={s['layout']} gbk={s['gbk']} tags={s['tags']} nav_only={s['nav_only']} "
                     f"sidebar={s['sidebar']} crumb_home={s.get('crumb_home')} profile={s['profile']}")
        for kind, want in (("column.stale", s["stale"]), ("column.blank", s["blank"])):
            want = {base + p for p in want}
            got = {f["subject"]: f for f in fs if f["kind"] == kind}
            c = counts[kind]
            for u in got.keys() & want:
                c[0] += 1
                ev = got[u]["evidence"]
                p, tc = cols[u]
                exp = (tc["category"], tc["level"], tc["key"])
                obs = (ev.get("category"), ev.get("level"), ev.get("key"))
                if exp != obs:
                    mismatch.append((code, p, exp, obs))
            for u in got.keys() - want:
                c[1] += 1
                tc = cols.get(u, (None, None))[1]
                details[(kind, "false positive")].append((code, u[len(base):], tc, got[u]["evidence"], site_desc))
            for u in want - got.keys():
                c[2] += 1
                p, tc = cols[u]
                details[(kind, "miss")].append((code, p, tc, None, site_desc))
        # homepage
        h = [f for f in fs if f["kind"] == "home.stale"]
        if s["home_stale"] is None:
            if h:
                details[("home.stale", "false positive (unjudgeable)")].append((code, "home", None, h[0]["evidence"], site_desc))
        else:
            c = counts["home.stale"]
            if s["home_stale"] and h:
                c[0] += 1
            elif h:
                c[1] += 1
                details[("home.stale", "false positive")].append((code, "home", None, h[0]["evidence"], site_desc))
            elif s["home_stale"]:
                c[2] += 1
                details[("home.stale", "miss")].append((code, "home", None, None, site_desc))
        # veto
        vf = [f for f in fs if f["indicator"] == "site.column_stale"]
        got_rules = {f["evidence"].get("veto", {}).get("rule") for f in vf} - {None}
        c = counts["veto"]
        want_v = s["veto"]["any"]
        if want_v and vf:
            c[0] += 1
        elif vf:
            c[1] += 1
        elif want_v:
            c[2] += 1
        ecounts = next((f["evidence"].get("counts") for f in fs if f["kind"].startswith("column.")), None)
        if bool(vf) != want_v or got_rules != {k for k in ("key_stale", "dated_stale", "blank") if s["veto"][k]}:
            details[("veto", "wrong decision" if bool(vf) != want_v else "right decision, other rules")].append(
                (code, "site", {"want": s["veto"], "truth_counts": s["counts"]},
                 {"fired": sorted(got_rules), "counts": ecounts}, site_desc))
        for r in veto_rules:
            vc = veto_rules[r]
            w, g = s["veto"][r], r in got_rules
            vc[0] += w and g
            vc[1] += g and not w
            vc[2] += w and not g

    print(f"as of {truth['as_of']}, {len(truth['sites'])} sites, "
          f"{sum(len(s['columns']) for s in truth['sites'].values())} columns\n")
    print("| finding | truth positives | TP | FP | FN | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    for k, name in (("column.stale", "stale columns (column.stale)"), ("column.blank", "blank columns (column.blank)"),
                    ("home.stale", "stale homepage (home.stale, per site)"),
                    ("veto", "site.column_stale veto (per site)")):
        tp, fp, fn = counts[k]
        p, r = pr(tp, fp, fn)
        print(f"| {name} | {tp + fn} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} |")
    for r, (tp, fp, fn) in veto_rules.items():
        p, rc = pr(tp, fp, fn)
        print(f"| veto rule ({r}) | {tp + fn} | {tp} | {fp} | {fn} | {p:.3f} | {rc:.3f} |")
    print(f"\nclassification (category, level, key) differing from truth on true positives: {len(mismatch)}")
    for m in mismatch[:20]:
        print("  ", m)
    for (kind, what), lst in sorted(details.items()):
        print(f"\n## {kind}: {what} ({len(lst)})")
        for code, p, tc, ev, sd in lst:
            print(f"- {code} {p}  [{sd}]")
            if tc:
                print(f"    truth: {json.dumps(tc, ensure_ascii=False)}")
            if ev:
                e = {k: ev.get(k) for k in ("category", "level", "newest", "blank_reason", "counts", "judged_by",
                                            "fired", "dated_items", "list_items") if k in ev}
                print(f"    found: {json.dumps(e, ensure_ascii=False)}")
    if "--json" in sys.argv:
        out = sys.argv[sys.argv.index("--json") + 1]
        json.dump({"counts": counts, "veto_rules": veto_rules}, open(out, "w"))


if __name__ == "__main__":
    main()
