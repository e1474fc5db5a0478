#!/usr/bin/env python3
"""Scores the interaction, service and search findings against the truth.

    score.py truth.json findings.json PORT

A finding is (site, kind, subject) with the subject's "http://127.0.0.1:PORT"
removed; it matches the truth's "kind subject". Prints precision and recall
per kind, the site.service veto per site (a guide finding counted under
site.service), how many sites match their expectation exactly, and every
false positive and miss with the site's variants.
"""
import collections
import json
import sys

KINDS = ["interaction.none", "interaction.unanswered", "interaction.slow", "service.none",
         "service.guide_incomplete", "service.attachment_broken", "search.broken", "search.script"]


def main():
    truth = json.load(open(sys.argv[1], encoding="utf-8"))
    fj = json.load(open(sys.argv[2], encoding="utf-8"))
    base = f"http://127.0.0.1:{sys.argv[3]}"
    findings = fj["findings"] if isinstance(fj, dict) else fj
    got = collections.defaultdict(set)
    veto = collections.defaultdict(bool)
    for f in findings:
        if f.get("status") == "gone" or f["kind"] not in KINDS:
            continue
        subj = f["subject"][len(base):] if f["subject"].startswith(base) else f["subject"]
        got[f["target"]].add(f"{f['kind']} {subj}")
        if f["kind"] == "service.guide_incomplete" and f["indicator"] == "site.service":
            veto[f["target"]] = True
    counts = {k: [0, 0, 0] for k in KINDS + ["site.service veto"]}
    exact, errors = 0, []
    for code, s in truth["sites"].items():
        want, have = set(s["expect"]), got.get(code, set())
        for x in have & want:
            counts[x.split()[0]][0] += 1
        for x in have - want:
            counts[x.split()[0]][1] += 1
            errors.append(f"FP {code} {x}   [{s['interaction']}/{s['service']}/{s['search']}]")
        for x in want - have:
            counts[x.split()[0]][2] += 1
            errors.append(f"FN {code} {x}   [{s['interaction']}/{s['service']}/{s['search']}]")
        v = counts["site.service veto"]
        if s["veto_service"] and veto[code]: v[0] += 1
        elif veto[code]: v[1] += 1
        elif s["veto_service"]: v[2] += 1
        exact += want == have and s["veto_service"] == veto[code]
    print(f"{'kind':28} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}")
    for k, (tp, fp, fn) in counts.items():
        p = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
        r = f"{tp / (tp + fn):.3f}" if tp + fn else "-"
        print(f"{k:28} {tp:4} {fp:4} {fn:4} {p:>10} {r:>8}")
    print(f"sites matching their expectation exactly: {exact} of {len(truth['sites'])}")
    for e in errors:
        print(e)


if __name__ == "__main__":
    main()
