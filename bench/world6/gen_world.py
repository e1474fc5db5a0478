#!/usr/bin/env python3
"""Generates a test world for the interaction, service and search checks.

    gen_world.py OUT N AS_OF SEED
    gen_world.py --sites OUT/truth.json PORT > sites.csv

OUT/world/siteNN/ is one site (served by one gi_serve on OUT/world, site URL
http://127.0.0.1:PORT/siteNN/, scope = that path prefix); OUT/world/platform/
is a shared platform outside every site's scope. Links are absolute paths,
so the world does not depend on the port.

OUT/truth.json, per site code: the site's profile (which layout and variant
it got) and `expect`, the findings the rules call for, each as
"kind subject" with the subject a path ("/siteNN/...") or the fixed subjects
channel, replies, service, search; `veto_service` whether more than half the
guides miss a core element; `services` (false: registered services=no).
The expectations are computed here, independently of the C code, from the
dates and elements the generator wrote (spec §0 month arithmetic).

Variants (chosen per site so that every one occurs):
  interaction: table, list (ul/li, dates and states in the row), detail
               (list shows title and date only; states on detail pages as
               label paragraphs or th/td tables), paginated (two list
               pages), platform_ok (channel on the platform, with a form),
               platform_dead (a dead platform link), petition (信访 only),
               none (no channel at all)
  messages:    answered well within the limit, exactly at it, one day late,
               open within the limit, open past it; asked up to 14 months
               before T (some outside the 12-month window)
  service:     guides in table / dl / paragraph layouts with synonyms,
               complete, incomplete (a missing or an empty element), a
               majority missing a core element (veto), a platform link
               (live or dead), none, and units with services=no;
               attachments that work, 404, an HTML page, zero bytes
  search:      get_ok, post_ok, echo (results page echoes the query only),
               error (the results page is missing: 404), none, script (a
               search field outside any form: search.script)
"""
import datetime as dt
import json
import os
import random
import sys

ELEMENTS = [  # key, name, synonyms (the rule set's), core
    ("item_name", "事项名称", ["事项名称", "服务事项"], True),
    ("basis", "设定依据", ["设定依据", "法律依据", "办理依据", "实施依据"], True),
    ("conditions", "申请条件", ["申请条件", "受理条件", "办理条件"], True),
    ("materials", "办理材料", ["办理材料", "申请材料", "所需材料"], True),
    ("place", "办理地点", ["办理地点", "受理地点", "办公地点"], False),
    ("hours", "办理时间", ["办理时间", "受理时间", "办公时间"], False),
    ("phone", "联系电话", ["联系电话", "咨询电话"], False),
    ("procedure", "办理流程", ["办理流程", "办事流程", "办理程序"], False),
]
WORDS = ["关于", "咨询", "反映", "建议", "小区", "道路", "供暖", "学校", "医保", "社保", "公交",
         "噪音", "停车", "绿化", "拆迁", "补贴", "户籍", "物业", "路灯", "排水"]
NEWS_WORDS = ["召开", "部署", "推进", "全县", "安全生产", "乡村振兴", "营商环境", "专题会议",
              "防汛工作", "民生实事", "督导检查", "培训会"]
INTERACTION = ["table", "list", "detail", "paginated", "platform_ok", "platform_dead", "petition",
               "none"]
SERVICE = ["complete", "incomplete", "veto", "platform_ok", "platform_dead", "none", "services_no"]
SEARCH = ["get_ok", "post_ok", "echo", "error", "none", "script"]
ANSWERED = ["已回复", "已办结", "已答复"]
OPEN = ["未回复", "办理中", "处理中"]
LIMIT, WINDOW, SLOW = 3, 12, 2


def add_months(d, n):
    idx = d.year * 12 + (d.month - 1) + n
    y, m = divmod(idx, 12)
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31,
            30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(d.day, last))


def page(title, body):
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head><body>%s"
            "</body></html>" % (title, body))


class Site:
    def __init__(self, idx, T, r, files):
        self.idx, self.T, self.r, self.files = idx, T, r, files
        self.code = f"61996{idx:05d}"
        self.slug = f"site{idx:02d}"
        self.root = f"/{self.slug}/"
        self.name = f"示范{idx}县人民政府"
        self.ia = INTERACTION[idx % len(INTERACTION)]
        self.sv = SERVICE[(idx // 2) % len(SERVICE)]
        self.sr = SEARCH[(idx * 7 + 1) % len(SEARCH)]
        self.expect = set()
        self.nav = []
        self.veto_service = False
        self.quiet = idx % 3 == 0

    def put(self, path, html):
        self.files[path] = html

    def title(self, words, k):
        return "".join(self.r.sample(words, k)) + f"{self.r.randint(10, 99)}"

    # ---- news and search ----
    def news(self):
        r, T = self.r, self.T
        self.articles = []
        for i in range(6):
            d = T - dt.timedelta(days=r.randint(0, 30))
            t = self.name[:4] + self.title(NEWS_WORDS, 2)
            p = f"{self.root}news/a{i}.html"
            self.put(p, page(t, f"<h1>{t}</h1><p>{d}</p>"))
            self.articles.append((t, p, d))
        self.articles.sort(key=lambda a: a[2], reverse=True)
        items = "".join(f"<li><a href=\"{p}\">{t}</a><span>{d}</span></li>" for t, p, d in self.articles)
        self.news_html = f"<ul class=\"news\">{items}</ul>"
        self.put(f"{self.root}news/index.html", page("工作动态_" + self.name, self.news_html))

    def search_form(self):
        s = self.sr
        if s == "none":
            self.expect.add("search.broken search")
            return ""
        if s == "script":  # a field outside any form, searched by script
            self.expect.add("search.script search")
            return ("<div class=\"search\"><input type=\"text\" name=\"searchKey\">"
                    "<a href=\"javascript:doSearch()\">搜索</a></div>")
        action = f"{self.root}search/result.html"
        if s == "error":
            action = f"{self.root}search/missing.jsp"
        method = "post" if s == "post_ok" else "get"
        if s == "echo":
            self.put(action, page("检索结果", "<p>您检索的内容没有找到相关结果。</p>"))
        elif s in ("get_ok", "post_ok"):
            links = "".join(f"<li><a href=\"{p}\">{t}</a></li>" for t, p, _ in self.articles)
            self.put(action, page("检索结果", f"<ul>{links}</ul>"))
        if s in ("echo", "error"):
            self.expect.add("search.broken search")
        return (f"<form action=\"{action}\" method=\"{method}\" class=\"search\">"
                f"<input type=\"hidden\" name=\"siteid\" value=\"{self.idx}\">"
                f"<input type=\"text\" name=\"searchword\"><input type=\"submit\" value=\"搜索\"></form>")

    # ---- interaction ----
    def messages(self, n):
        r, T = self.r, self.T
        out = []
        for i in range(n):
            asked = T - dt.timedelta(days=r.randint(5, 430))
            limit = add_months(asked, LIMIT)
            kind = r.choice(["quick", "quick", "exact", "late", "open"])
            if kind == "quick":
                replied = asked + dt.timedelta(days=r.randint(1, 40))
            elif kind == "exact":
                replied = limit
            elif kind == "late":
                replied = limit + dt.timedelta(days=1)
            else:
                replied = None
            if replied and replied > T:
                replied = None  # not answered by T
            title = self.title(WORDS, 3)
            out.append({"title": title, "asked": asked, "replied": replied,
                        "state": r.choice(ANSWERED) if replied else r.choice(OPEN)})
        # Every site with messages has one answered exactly at the limit.
        asked = add_months(T, -LIMIT - 1) - dt.timedelta(days=r.randint(0, 20))
        out.append({"title": self.title(WORDS, 3), "asked": asked, "replied": add_months(asked, LIMIT),
                    "state": "已回复"})
        if self.quiet:  # nothing answered in the last SLOW months: interaction.slow
            for m in out:
                if m["replied"] and m["replied"] > add_months(T, -SLOW):
                    m["replied"], m["state"] = None, r.choice(OPEN)
        out.sort(key=lambda m: m["asked"], reverse=True)
        return out

    def judge_messages(self, msgs, paths):
        T = self.T
        wstart, sstart = add_months(T, -WINDOW), add_months(T, -SLOW)
        replied_recent, awaiting = False, False
        for m, p in zip(msgs, paths):
            a, rep = m["asked"], m["replied"]
            if rep and sstart < rep <= T:
                replied_recent = True
            if rep is None:
                awaiting = True
            if a <= wstart:
                continue
            limit = add_months(a, LIMIT)
            if (rep and rep > limit) or (rep is None and T > limit):
                self.expect.add(f"interaction.unanswered {p}")
        if awaiting and not replied_recent:
            self.expect.add("interaction.slow replies")

    def interaction(self):
        r, ia, root = self.r, self.ia, self.root
        form = (page("我要写信_" + self.name, f"<form action=\"{root}hdjl/submit\" method=\"post\">"
                     "<input name=\"title\"><textarea name=\"content\"></textarea>"
                     "<input type=\"submit\" value=\"提交\"></form>"))
        chan = r.choice(["留言咨询", "县长信箱", "政民互动", "互动交流", "在线咨询"])
        if ia == "none":
            self.expect.add("interaction.none channel")
            return
        if ia == "petition":
            self.nav.append((f"{root}xf/index.html", "信访投诉"))
            self.put(f"{root}xf/index.html", page("信访投诉_" + self.name, form))
            self.expect.add("interaction.none channel")
            return
        if ia == "platform_ok":
            p = f"/platform/{self.slug}/letter.html"
            self.nav.append((p, chan))
            self.files[p] = page(chan + "_省级互动平台", "<form action=\"/platform/submit\" "
                                 "method=\"post\"><textarea name=\"c\"></textarea></form>")
            return
        if ia == "platform_dead":
            self.nav.append((f"/platform/{self.slug}/gone.html", chan))
            self.expect.add("interaction.none channel")
            return
        self.nav.append((f"{root}hdjl/index.html", chan))
        self.put(f"{root}hdjl/write.html", form)
        msgs = self.messages(r.randint(5, 10))
        paths = [f"{root}hdjl/m{i}.html" for i in range(len(msgs))]
        self.judge_messages(msgs, paths)
        write = f"<p><a href=\"{root}hdjl/write.html\">我要写信</a></p>"
        fmt = lambda d: str(d) if d else ""
        if ia == "table":
            # Some tables put the reply column first; the header row says so.
            order = r.choice([("asked", "replied"), ("replied", "asked")])
            head = {"asked": "留言时间", "replied": "答复时间"}
            rows = "".join(f"<tr><td><a href=\"{p}\">{m['title']}</a></td><td>{fmt(m[order[0]])}</td>"
                           f"<td>{fmt(m[order[1]])}</td><td>{m['state']}</td></tr>"
                           for m, p in zip(msgs, paths))
            lists = [f"<table><tr><th>标题</th><th>{head[order[0]]}</th><th>{head[order[1]]}</th>"
                     f"<th>状态</th></tr>{rows}</table>"]
        elif ia == "list":
            lists = ["<ul>" + "".join(
                f"<li><a href=\"{p}\">{m['title']}</a><span>{m['asked'].year}年{m['asked'].month}月"
                f"{m['asked'].day}日</span><span>{m['state']}</span><span>{fmt(m['replied'])}</span></li>"
                for m, p in zip(msgs, paths)) + "</ul>"]
        else:
            lis = [f"<li><a href=\"{p}\">{m['title']}</a><span>{m['asked']}</span></li>"
                   for m, p in zip(msgs, paths)]
            if ia == "paginated":
                h = len(lis) // 2
                lists = ["<ul>" + "".join(lis[:h]) + "</ul>", "<ul>" + "".join(lis[h:]) + "</ul>"]
            else:
                lists = ["<ul>" + "".join(lis) + "</ul>"]
            for m, p in zip(msgs, paths):
                rep = fmt(m["replied"])
                if r.random() < 0.5:
                    body = (f"<p>留言标题：{m['title']}</p><p>留言时间：{m['asked']} 09:30</p>"
                            f"<p>办理状态：{m['state']}</p><p>回复时间：{rep}</p><p>回复内容：……</p>")
                else:
                    body = (f"<table><tr><th>信件标题</th><td>{m['title']}</td></tr>"
                            f"<tr><th>来信时间</th><td>{m['asked']}</td></tr>"
                            f"<tr><th>处理状态</th><td>{m['state']}</td></tr>"
                            f"<tr><th>答复时间</th><td>{rep}</td></tr></table>")
                self.put(p, page(m["title"], body))
        for i, l in enumerate(lists):
            name = "index.html" if i == 0 else f"index_{i}.html"
            nxt = f"<a href=\"{root}hdjl/index_{i + 1}.html\">下一页</a>" if i + 1 < len(lists) else ""
            self.put(f"{root}hdjl/{name}", page(chan + "_" + self.name, write + l + nxt))

    # ---- service ----
    def guide(self, i, drop, empty):
        r, root = self.r, self.root
        layout = r.choice(["table", "dl", "p"])
        parts, core_missing, missing = [], False, False
        for key, name, syn, core in ELEMENTS:
            label = r.choice(syn)
            if key in drop:
                missing, core_missing = True, core_missing or core
                continue
            value = "" if key in empty else f"{name}的内容{r.randint(1, 9)}"
            if key in empty:
                missing, core_missing = True, core_missing or core
            parts.append((label, value))
        if layout == "table":
            body = "<table>" + "".join(f"<tr><th>{a}</th><td>{b}</td></tr>" for a, b in parts) + "</table>"
        elif layout == "dl":
            body = "<dl>" + "".join(f"<dt>{a}</dt><dd>{b}</dd>" for a, b in parts) + "</dl>"
        else:
            nums = "一二三四五六七八"
            body = "".join(f"<p>{nums[k]}、{a}：{b}</p>" for k, (a, b) in enumerate(parts))
        path = f"{root}bsfw/g{i}.html"
        att = r.choice(["ok", "ok", "404", "html", "zero", None])
        if att:
            ext = r.choice([".doc", ".docx", ".xls", ".pdf"])
            ap = f"{root}files/g{i}{ext}"
            body += f"<p><a href=\"{ap}\">申请表{ext}</a></p>"
            if att == "ok":
                self.files[ap] = b"\xd0\xcf\x11\xe0 document bytes"
            elif att == "html":
                self.files[ap] = page("404", "<p>页面不存在</p>")
            elif att == "zero":
                self.files[ap] = b""
            if att != "ok":
                self.expect.add(f"service.attachment_broken {ap}")
        self.put(path, page(f"办事指南{i}_" + self.name, body))
        if missing:
            self.expect.add(f"service.guide_incomplete {path}")
        return path, core_missing

    def service(self):
        r, sv, root = self.r, self.sv, self.root
        if sv == "services_no":
            return
        if sv == "none":
            self.expect.add("service.none service")
            return
        if sv in ("platform_ok", "platform_dead"):
            p = f"/platform/{self.slug}/zwfw.html" if sv == "platform_ok" else f"/platform/{self.slug}/no.html"
            self.nav.append((p, "陕西政务服务网"))
            if sv == "platform_ok":
                self.files[p] = page("陕西政务服务网", "<p>事项名称：</p>")
            else:
                self.expect.add("service.none service")
            return
        n = r.randint(3, 6)
        keys = [e[0] for e in ELEMENTS]
        core = [e[0] for e in ELEMENTS if e[3]]
        other = [k for k in keys if k not in core]
        links, ncore = [], 0
        for i in range(n):
            drop, empty = set(), set()
            if sv == "incomplete" and i < (n - 1) // 2:
                pick = r.choice(other + core if i == 0 else other)
                (empty if r.random() < 0.5 else drop).add(pick)
            if sv == "veto" and i < n // 2 + 1:
                (empty if r.random() < 0.5 else drop).add(r.choice(core))
            path, cm = self.guide(i, drop, empty)
            ncore += cm
            links.append(f"<li><a href=\"{path}\">服务事项{i}</a></li>")
        self.veto_service = ncore / n > 0.5
        self.nav.append((f"{root}bsfw/index.html", "办事服务"))
        self.put(f"{root}bsfw/index.html", page("办事服务_" + self.name, "<ul>" + "".join(links) + "</ul>"))

    def build(self):
        self.news()
        self.interaction()
        self.service()
        nav = "".join(f"<li><a href=\"{p}\">{t}</a></li>" for p, t in self.nav)
        body = (self.search_form() + f"<ul class=\"nav\"><li><a href=\"{self.root}news/index.html\">"
                f"工作动态</a></li>{nav}</ul>" + self.news_html)
        self.put(f"{self.root}index.html", page(self.name, body))


def sites_csv(truth_path, port):
    """The registry of a generated world served at 127.0.0.1:port."""
    t = json.load(open(truth_path, encoding="utf-8"))
    print("site_code,name,url,services")
    for code, s in t["sites"].items():
        print(f'{code},{s["name"]},http://127.0.0.1:{port}{s["home"]},{"yes" if s["services"] else "no"}')


def main():
    if sys.argv[1] == "--sites":  # gen_world.py --sites truth.json PORT > sites.csv
        return sites_csv(sys.argv[2], sys.argv[3])
    out, n, as_of, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    T = dt.date.fromisoformat(as_of)
    r = random.Random(seed)
    files, truth = {}, {"as_of": as_of, "sites": {}}
    for i in range(1, n + 1):
        s = Site(i, T, r, files)
        s.build()
        truth["sites"][s.code] = {
            "name": s.name, "home": s.root, "interaction": s.ia, "service": s.sv, "search": s.sr,
            "services": s.sv != "services_no", "veto_service": s.veto_service,
            "expect": sorted(s.expect)}
    for path, data in files.items():
        f = os.path.join(out, "world", path.lstrip("/"))
        os.makedirs(os.path.dirname(f), exist_ok=True)
        with open(f, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
