#!/usr/bin/env python3
"""Link depth of a generated site, and which known broken links a crawler
limited to a depth can see.

    depth.py SITE_DIR [MAX_DEPTH]      (default 20, govinspect's default)

Walks SITE_DIR/site breadth first from the homepage along href/src links
(as the crawlers do; form actions aside), and prints how many pages lie at
each depth and the known broken links (expected_broken.tsv) whose every
referring page is deeper than MAX_DEPTH: a crawler that fetches pages up to
MAX_DEPTH links from the homepage never reads those referring pages.
"""
import collections
import os
import re
import sys
from urllib.parse import urljoin, urlsplit

BASE = "http://www.bench.gov.cn"
HREF = re.compile(r'(?:href|src)="([^"]+)"')


def main():
    site = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    root = os.path.join(site, "site")

    def file_of(u):
        p = urlsplit(u).path
        return p + "index.html" if p.endswith("/") else p

    depth = {file_of(BASE + "/"): 0}
    refs = collections.defaultdict(list)  # absolute URL -> depths of referring pages
    q = collections.deque([BASE + "/"])
    while q:
        u = q.popleft()
        f = file_of(u)
        d = depth[f]
        path = root + f
        if not f.endswith(".html") or not os.path.exists(path):
            continue
        for h in HREF.findall(open(path, encoding="utf-8").read()):
            v = urljoin(u, h.replace("&amp;", "&"))
            refs[v].append(d)
            if v.startswith(BASE + "/") and file_of(v) not in depth:
                depth[file_of(v)] = d + 1
                q.append(v)
    pages = {f: d for f, d in depth.items() if f.endswith(".html") and os.path.exists(root + f)}
    hist = collections.Counter(pages.values())
    print("pages reached: %d; deepest: %d links from the homepage" % (len(pages), max(pages.values())))
    print("pages by depth: " + ", ".join("%d:%d" % (k, hist[k]) for k in sorted(hist)))
    print("pages deeper than %d: %d" % (limit, sum(v for k, v in hist.items() if k > limit)))
    hidden = []
    for line in open(os.path.join(site, "expected_broken.tsv"), encoding="utf-8").read().splitlines()[1:]:
        u, kind, _ = line.split("\t")
        ds = refs.get(u, [])
        if ds and min(ds) >= limit + 1:
            hidden.append((u, kind, min(ds)))
    print("known broken links only on pages deeper than %d: %d" % (limit, len(hidden)))
    for u, kind, d in hidden:
        print("  %s\t%s\tshallowest referrer at depth %d" % (u, kind, d))


if __name__ == "__main__":
    main()
