#!/usr/bin/env python3
"""Scores one tool's run of the crawl benchmark, or prints the table.

    score.py TOOL RESULT_DIR SITE_DIR     one JSON line on stdout
    score.py --table RESULTS_DIR ...      the markdown table of results.jsonl

A tool's broken links are read from its own output:
  govinspect   findings --format csv: rows of kind link.broken (url column)
  wget         the list after "Found N broken links." in the -nv log
  wget2        --stats-site CSV: Status >= 400 (wget2 logs no list)
  linkchecker  -o csv: rows with valid == False (url column)
  linkinator   --format csv: rows with state BROKEN (url column)
and compared, after normalising (lower-case scheme and host, no default
port, "/" for an empty path, no fragment), with the site's
expected_broken.tsv. False positives are reported URLs not in that list.
"""
import csv
import json
import os
import re
import sys
from urllib.parse import urljoin, urlsplit, urlunsplit

csv.field_size_limit(1 << 30)


def norm(u):
    u = u.strip()
    try:
        p = urlsplit(u)
    except ValueError:
        return u
    if p.scheme not in ("http", "https"):
        return u
    host = (p.hostname or "").lower()
    port = p.port
    netloc = host if port in (None, 80 if p.scheme == "http" else 443) else "%s:%d" % (host, port)
    return urlunsplit((p.scheme.lower(), netloc, p.path or "/", p.query, ""))


def read_time(path):
    """wall s, cpu s, peak MB from /usr/bin/time -v."""
    t = {}
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            line = line.strip()
            if line.startswith("User time"):
                t["user"] = float(line.split(":")[-1])
            elif line.startswith("System time"):
                t["sys"] = float(line.split(":")[-1])
            elif line.startswith("Maximum resident set size"):
                t["rss_mb"] = int(line.split(":")[-1]) / 1024.0
            elif line.startswith("Elapsed (wall clock)"):
                v = line.split("):")[-1].strip().split(":")
                s = 0.0
                for x in v:
                    s = s * 60 + float(x)
                t["wall"] = s
    except OSError:
        pass
    return t


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


# ---- per-tool parsers: (set of broken URLs, URLs checked or None, pages or None, note)

def parse_govinspect(d):
    tool = os.path.basename(os.path.normpath(d))
    found, kinds = set(), {}
    rows = list(csv.reader(open(os.path.join(d, "findings.csv"), encoding="utf-8", newline="")))
    for r in rows[1:]:
        if len(r) < 7:
            continue
        kinds[r[4]] = kinds.get(r[4], 0) + 1
        if r[4] == "link.broken":
            found.add(r[6])
    out = read(os.path.join(d, tool + ".out"))
    m = re.search(r"(\d+) pages, (\d+) links, (\d+) broken", out)
    pages, links = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    note = ""
    other = {k: v for k, v in kinds.items() if k != "link.broken"}
    if other:
        note = "also " + ", ".join("%s %d" % kv for kv in sorted(other.items()))
    if "incomplete" in out:
        note = (note + "; " if note else "") + out.strip().splitlines()[0]
    return found, links, pages, note


def parse_wget(d):
    log = read(os.path.join(d, "wget.log"))
    found = set()
    m = re.search(r"^Found (\d+) broken links?\.\s*$", log, re.M)
    if m:
        for line in log[m.end():].splitlines():
            line = line.strip()
            if not line:
                if found:
                    break
                continue
            if line.startswith("FINISHED"):
                break
            if re.match(r"https?://", line):
                found.add(line)
    urls = set(re.findall(r"URL: ?(https?://\S+)", log))
    pages = len(set(re.findall(r"URL:(https?://\S+) \[\d+/\d+\] ->", log)))
    note = "" if m or "No broken links" in log else "no broken-link summary in the log"
    return found, len(urls), pages, note


def parse_wget2(d):
    found, urls, pages = set(), set(), set()
    p = os.path.join(d, "wget2-site.csv")
    if not os.path.exists(p):
        return found, None, None, "no --stats-site file"
    for r in csv.DictReader(open(p, encoding="utf-8", errors="replace", newline="")):
        u = r.get("URL", "")
        urls.add(u)
        try:
            st = int(r.get("Status", "0"))
        except ValueError:
            st = 0
        if st >= 400 or st <= 0:
            found.add(u)
    log = read(os.path.join(d, "wget2.log"))
    skipped = len(re.findall(r"^Not scanning .*\(known ETag\)", log, re.M))
    note = "did not parse %d pages whose ETag it had already seen" % skipped if skipped else ""
    return found, len(urls), None, note


def parse_linkchecker(d):
    found = set()
    text = read(os.path.join(d, "linkchecker.out"))
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    checked = None
    m = re.search(r"(\d+) links? (?:in \d+ URLs? )?checked", text + read(os.path.join(d, "linkchecker.err")))
    if m:
        checked = int(m.group(1))
    for r in csv.DictReader(lines, delimiter=";"):
        if r.get("valid") == "False":
            u = r.get("url") or urljoin(r.get("parentname") or "", r.get("urlname") or "")
            found.add(u)
    return found, checked, None, ""


def parse_linkinator(d):
    found, urls = set(), set()
    text = read(os.path.join(d, "linkinator.out"))
    for r in csv.DictReader(text.splitlines()):
        u = r.get("url", "")
        urls.add(u)
        if r.get("state") == "BROKEN":
            found.add(u)
    return found, len(urls), None, ""


PARSERS = {"govinspect": parse_govinspect, "govinspect_deep": parse_govinspect, "wget": parse_wget, "wget2": parse_wget2,
           "linkchecker": parse_linkchecker, "linkinator": parse_linkinator}


def score(tool, d, site):
    info = json.load(open(os.path.join(site, "site.json")))
    exp = {}
    for line in open(os.path.join(site, "expected_broken.tsv"), encoding="utf-8").read().splitlines()[1:]:
        u, kind, _ = line.split("\t")
        exp[norm(u)] = kind
    res = {"tool": tool, "pages": info["pages"], "known": len(exp),
           "known_int": sum(1 for k in exp.values() if k.startswith("internal")),
           "known_ext": sum(1 for k in exp.values() if k.startswith("external"))}
    na = os.path.join(d, tool + ".na")
    if os.path.exists(na):
        res["na"] = read(na).strip()
        return res
    t = read_time(os.path.join(d, tool + ".time"))
    rc = read(os.path.join(d, tool + ".rc")).strip()
    res.update(t)
    res["rc"] = int(rc) if rc.lstrip("-").isdigit() else None
    if res["rc"] == 124:
        res["na"] = "timed out (limit %ss)" % os.environ.get("TIMEOUT", "600")
    elif "wall" not in t:
        err = read(os.path.join(d, tool + ".err")).strip().splitlines()
        res["na"] = "did not run: " + (err[-1] if err else "rc %s" % rc)
        return res
    try:
        found, checked, pages, note = PARSERS[tool](d)
    except Exception as e:  # a tool that wrote something unexpected
        res["na"] = "output not understood: %s" % e
        return res
    found = {norm(u) for u in found}
    hit = found & set(exp)
    res.update({"found": len(hit),
                "found_int": sum(1 for u in hit if exp[u].startswith("internal")),
                "found_ext": sum(1 for u in hit if exp[u].startswith("external")),
                "false_pos": sorted(found - set(exp)),
                "missed": sorted(set(exp) - found),
                "checked": checked, "crawled_pages": pages, "note": note})
    if res["rc"] not in (0, None) and tool.startswith("govinspect") and "na" not in res:
        res["note"] = (note + "; " if note else "") + "exit %d" % res["rc"]
    res["line"] = line_of(res)
    return res


def fmt(v, f="%.1f"):
    return "n/a" if v is None else f % v


def line_of(r):
    if "na" in r and "found" not in r:
        return "n/a: " + r["na"]
    s = "wall %ss, %s pages/s, CPU %ss, peak %s MB, broken %d/%d (internal %d/%d, external %d/%d), false positives %d" % (
        fmt(r.get("wall"), "%.2f"), fmt(r["pages"] / r["wall"] if r.get("wall") else None, "%.0f"),
        fmt(r.get("user", 0) + r.get("sys", 0), "%.2f"), fmt(r.get("rss_mb")), r["found"], r["known"],
        r["found_int"], r["known_int"], r["found_ext"], r["known_ext"], len(r["false_pos"]))
    if r.get("na"):
        s += " [%s]" % r["na"]
    return s


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    return xs[len(xs) // 2] if xs else None


def span(xs, f="%d"):
    lo, hi = min(xs), max(xs)
    return f % lo if lo == hi else (f + "-" + f) % (lo, hi)


def table(dirs):
    """One row per (pages, tool): medians of the runs' times and RSS; the
    counts as a range when runs differ."""
    out = ["| pages | tool | runs | wall s | pages/s | CPU s | peak MB | broken found / known | internal | external | false pos. | notes |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    details = []
    for d in dirs:
        p = os.path.join(d, "results.jsonl")
        if not os.path.exists(p):
            continue
        groups = {}
        for line in open(p, encoding="utf-8"):
            try:
                r = json.loads(line)
            except ValueError:
                continue
            groups.setdefault(r["tool"], []).append(r)
        for tool, rs in groups.items():
            ok = [r for r in rs if "found" in r]
            r0 = rs[0]
            if not ok:
                out.append("| %d | %s | %d | n/a | | | | | | | | %s |" % (r0["pages"], tool, len(rs), r0.get("na", "")))
                continue
            wall = median([r.get("wall") for r in ok])
            cpu = median([r.get("user", 0) + r.get("sys", 0) for r in ok])
            rss = median([r.get("rss_mb") for r in ok])
            notes = sorted({x for r in rs for x in (r.get("na"), r.get("note")) if x})
            out.append("| %d | %s | %d | %s | %s | %s | %s | %s / %d | %s / %d | %s / %d | %s | %s |" % (
                r0["pages"], tool, len(rs), fmt(wall, "%.2f"), fmt(r0["pages"] / wall if wall else None, "%.0f"),
                fmt(cpu, "%.2f"), fmt(rss, "%.0f"),
                span([r["found"] for r in ok]), r0["known"], span([r["found_int"] for r in ok]), r0["known_int"],
                span([r["found_ext"] for r in ok]), r0["known_ext"], span([len(r["false_pos"]) for r in ok]),
                "; ".join(notes)))
            fps = sorted({u for r in ok for u in r["false_pos"]})
            if fps:
                details.append("%d pages, %s, false positives: %s" % (r0["pages"], tool, " ".join(fps[:10])
                               + (" ... (%d)" % len(fps) if len(fps) > 10 else "")))
            missed = sorted({u for r in ok for u in r["missed"]})
            if missed and tool.startswith("govinspect"):
                details.append("%d pages, %s, missed: %s" % (r0["pages"], tool, " ".join(missed[:10])
                               + (" ... (%d)" % len(missed) if len(missed) > 10 else "")))
    print("\n".join(out))
    if details:
        print()
        for x in details:
            print("- " + x)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--table":
        table(sys.argv[2:])
        return
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    print(json.dumps(score(*sys.argv[1:]), ensure_ascii=False))


if __name__ == "__main__":
    main()
