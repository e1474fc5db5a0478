#!/usr/bin/env python3
"""Generates a test world of government sites for the freshness checks.

    gen_world.py OUT N AS_OF SEED

OUT/world/siteNN/ is one site (served by one gi_serve on OUT/world, site URL
http://127.0.0.1:PORT/siteNN/, scope = that path prefix); every link is an
absolute path (/siteNN/...), so the world does not depend on the port.
OUT/truth.json is the ground truth, per site code:
  home      "/siteNN/"
  columns   {path: {name, category, level, key, state, newest, period_start,
                    layout, ...}}   every column the generator made
  stale     [column paths]   newest item (on or before T) before the period
  blank     [column paths]   empty list or placeholder only
  home_stale true/false/null (null: nothing dated, cannot be judged)
  veto      {key_stale, dated_stale, blank, any}  the site.column_stale rules
OUT/sites.csv (site_code,name,url) is written by run.sh, which knows the port.

Layouts (per site, with per-column variation):
  ul_span   <ul><li><a>title</a><span>2020-08-10</span></li>
  table     <table><tr><td><a>title</a></td><td>2020/8/10</td></tr>
  trs       TRS: ./202008/t20200810_123.html, no date text in the list
  trs_span  TRS URLs and a [08-10]-style date in the list
  dl        <dl><dd><a>title</a><span>2020年8月10日</span></dd>
  dl_split  <dl><dt><a>title</a></dt><dd>2020.08.10</dd>   (link and date apart)
Pagination: index.html + index_1.html, index_2.html (TRS) or list.html +
list_2.html. Some homepages carry navigation only; some sites are GBK with
<meta charset=gbk>; some carry ColumnName/ColumnType tags; second-level
(二级) columns sit under a 政府信息公开 hub page, with a sidebar of their
siblings on some sites.
"""
import datetime as dt
import json
import os
import random
import sys

PERIOD = {  # category -> ("days", n) | ("months", n) | None, per the rule set
    "news": ("days", 14), "notice": ("months", 6), "policy": ("months", 6),
    "plan": ("months", 12), "personnel": ("months", 12), "report": ("months", 12),
    "other": ("months", 12), "static": None,
}
# (name, category, dir) — category as the rule set's ordered patterns give it
NEWS = [("工作动态", "gzdt"), ("要闻", "yw"), ("部门动态", "bmdt"), ("乡镇动态", "xzdt"),
        ("政务要闻", "zwyw"), ("图片新闻", "tpxw")]
NOTICE = [("通知公告", "tzgg"), ("公示公告", "gsgg"), ("财政预决算公告", "czyjsgg")]
POLICY = [("政策文件", "zcwj"), ("规范性文件", "gfxwj")]
PLAN = [("规划计划", "ghjh", "plan"), ("人事信息", "rsxx", "personnel"),
        ("财政预决算", "czyjs", "plan"), ("统计数据", "tjsj", "report"), ("工作报告", "gzbg", "report")]
STATIC = [("机构职能", "jgzn"), ("领导信息", "ldxx"), ("联系我们", "lxwm")]
OTHER = [("招标采购", "zbcg"), ("建议提案办理", "jyta"), ("政府采购", "zfcg"), ("重大项目", "zdxm")]
PLACEHOLDERS = ["暂无信息", "暂无数据", "正在建设中"]
LAYOUTS = ["ul_span", "table", "trs", "trs_span", "dl", "dl_split"]
TITLE_WORDS = ["关于", "开展", "召开", "推进", "部署", "全县", "会议", "工作", "专项", "检查", "落实",
               "安全生产", "乡村振兴", "疫情防控", "营商环境", "民生实事", "调研", "督导", "培训", "公示"]


def add_months(d, n):
    idx = d.year * 12 + (d.month - 1) + n
    y, m = divmod(idx, 12)
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31,
            30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(d.day, last))


def period_start(T, cat):
    p = PERIOD[cat]
    if p is None:
        return None
    if p[0] == "days":
        return T - dt.timedelta(days=p[1] - 1)
    return add_months(T, -p[1]) + dt.timedelta(days=1)


def fmt_date(d, style, T):
    if style == "iso":
        return d.strftime("%Y-%m-%d")
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return d.strftime("%Y.%m.%d")
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "br":
        return d.strftime("[%m-%d]")
    if style == "md":
        return d.strftime("%m-%d")
    raise ValueError(style)


class Site:
    def __init__(self, idx, T, rnd):
        self.idx, self.T, self.r = idx, T, rnd
        self.code = f"61990{idx:05d}"
        self.slug = f"site{idx:02d}"
        self.root = f"/{self.slug}/"
        self.name = rnd.choice(["安康", "汉中", "宝鸡", "咸阳", "渭南", "延安", "榆林", "商洛", "铜川"]) + \
            rnd.choice(["市", "县", "区"]) + rnd.choice(["", "第二", "北"]) + f"{idx}号人民政府"
        self.layout = LAYOUTS[idx % len(LAYOUTS)]
        self.gbk = rnd.random() < 0.2
        self.tags = rnd.random() < 0.5          # ColumnName/ColumnType metas
        self.nav_only = rnd.random() < 0.15      # homepage without dated items
        self.sidebar = rnd.random() < 0.5       # 二级 column pages list their siblings
        # the breadcrumb's 首页 link: the folder (/siteNN/) or, like the navigation, index.html
        self.crumb_home = self.root if rnd.random() < 0.5 else self.root + "index.html"
        self.profile = rnd.choice(["light", "light", "key_at", "key_below", "dated_at",
                                   "dated_below", "blank_at", "blank_below"])
        self.files = {}
        self.next_id = 1000 + idx * 10000
        self.cols = []

    # ---- columns ----------------------------------------------------------------
    def plan_columns(self):
        r = self.r
        cols = []

        def add(name, d, cat, level):
            cols.append({"name": name, "dir": d, "category": cat, "level": level})
        for n, d in r.sample(NEWS, r.randint(3, 5)):
            add(n, d, "news", r.choice([1, 1, 2]))
        for n, d in r.sample(NOTICE, r.randint(1, 2)):
            add(n, d, "notice", 1 if not cols or r.random() < 0.7 else 2)
        for n, d in r.sample(POLICY, r.randint(1, 2)):
            add(n, d, "policy", 1 if r.random() < 0.7 else 2)
        for n, d, c in r.sample(PLAN, r.randint(2, 4)):
            add(n, d, c, r.choice([1, 2, 2]))
        for n, d in r.sample(OTHER, r.randint(1, 3)):
            add(n, d, "other", r.choice([1, 2]))
        for n, d in r.sample(STATIC, r.randint(1, 3)):
            add(n, d, "static", 1)
        for c in cols:
            c["key"] = c["category"] == "news" or (c["category"] in ("notice", "policy") and c["level"] == 1)
            c["state"] = "fresh"
        dated = [c for c in cols if c["category"] != "static"]
        keys = [c for c in dated if c["key"]]
        nonkey = [c for c in dated if not c["key"]]
        p = self.profile
        if p in ("key_at", "key_below"):
            k = 5 if p == "key_at" else 4
            while len(keys) < k:  # promote columns to key: add news columns
                extra = [x for x in NEWS if x[1] not in {c["dir"] for c in cols}]
                n, d = extra[0]
                c = {"name": n, "dir": d, "category": "news", "level": 1, "key": True, "state": "fresh"}
                cols.append(c), dated.append(c), keys.append(c)
            for c in r.sample(keys, k):
                c["state"] = "stale"
        elif p in ("dated_at", "dated_below"):
            k = 10 if p == "dated_at" else 9
            # at most 4 key columns stale, so rule (1) stays below its threshold
            pool = nonkey[:]
            while len(pool) + min(4, len(keys)) < k:
                n, d, cat = r.choice(PLAN)
                d2 = f"{d}{len(cols)}"
                c = {"name": n, "dir": d2, "category": cat, "level": 2, "key": False, "state": "fresh"}
                cols.append(c), dated.append(c), pool.append(c)
            chosen = r.sample(pool, min(k, len(pool)))
            chosen += r.sample(keys, k - len(chosen))
            for c in chosen:
                c["state"] = "stale"
        elif p in ("blank_at", "blank_below"):
            k = 5 if p == "blank_at" else 4
            pool = [c for c in dated if not c["key"]] + [c for c in cols if c["category"] == "static"]
            while len(pool) < k:
                n, d = r.choice(OTHER)
                c = {"name": n, "dir": f"{d}{len(cols)}", "category": "other", "level": 2, "key": False,
                     "state": "fresh"}
                cols.append(c), pool.append(c)
            for c in r.sample(pool, k):
                c["state"] = "blank"
            for c in r.sample(dated, min(2, len(dated))):
                if c["state"] == "fresh":
                    c["state"] = "stale"
        else:
            for c in cols:
                x = r.random()
                if c["category"] == "static":
                    c["state"] = "blank" if x < 0.1 else "fresh"
                else:
                    c["state"] = "stale" if x < 0.25 else "blank" if x < 0.35 else "fresh"
        # keep rule (1) below 5 in profiles that do not aim at it
        if p not in ("key_at",):
            ks = [c for c in cols if c["key"] and c["state"] == "stale"]
            for c in ks[4:]:
                c["state"] = "fresh"
        for c in cols:
            self.dress(c)
        self.cols = cols

    def dress(self, c):
        """Layout, dates and items of one column."""
        r, T = self.r, self.T
        c["layout"] = self.layout if r.random() < 0.8 else r.choice(LAYOUTS)
        c["paged"] = r.choice([None, None, "index", "list"])
        c["path"] = self.root + c["dir"] + ("/list.html" if c["paged"] == "list" else "/")
        c["blank_kind"] = None
        c["items"] = []
        cat = c["category"]
        if cat == "static":
            if c["state"] == "blank":
                c["blank_kind"] = "placeholder"
            return
        if c["state"] == "blank":
            c["blank_kind"] = r.choice(["placeholder", "empty"])
            return
        start = period_start(T, cat)
        edge = r.random() < 0.3
        if c["state"] == "fresh":
            newest = start if edge else start + dt.timedelta(days=r.randint(0, (T - start).days))
        else:
            newest = start - dt.timedelta(days=1 if edge else r.randint(2, 400))
        c["edge"] = edge
        n = r.choice([1, 2, 3, 5, 8, 12, 15, 25]) if cat != "news" else r.choice([5, 8, 12, 25])
        dates = [newest]
        d = newest
        for _ in range(n - 1):
            d -= dt.timedelta(days=r.randint(0 if cat == "news" else 1, 20 if cat == "news" else 60))
            dates.append(d)
        # a few lists carry an item dated after T (ignored, spec §0)
        if r.random() < 0.1:
            dates.insert(0, T + dt.timedelta(days=r.randint(1, 30)))
            c["future_item"] = True
        for d in dates:
            self.next_id += 1
            c["items"].append({"date": d, "id": self.next_id, "title": self.title(c)})
        c["newest"] = newest.isoformat()
        c["period_start"] = start.isoformat()

    def title(self, c):
        w = self.r.sample(TITLE_WORDS, 4)
        return "".join(w) + ("的通知" if c["category"] == "notice" else "")

    # ---- pages -------------------------------------------------------------------
    def art_url(self, c, it):
        d = it["date"]
        base = self.root + c["dir"] + "/"
        if c["layout"] in ("trs", "trs_span"):
            return f"{base}{d:%Y%m}/t{d:%Y%m%d}_{it['id']}.html"
        return f"{base}content_{it['id']}.html"

    def date_style(self, c):
        lay = c["layout"]
        if lay == "trs":
            return None
        if lay == "trs_span":
            # year-less only when every item is within 300 days (unambiguous)
            if c["items"] and min(x["date"] for x in c["items"]) > self.T - dt.timedelta(days=300):
                return "br"
            return "iso"
        return {"ul_span": "iso", "table": "slash", "dl": "cn", "dl_split": "dot"}[lay]

    def nav_html(self):
        links = [f'<a href="{self.root}index.html">首页</a>']
        for c in self.cols:
            if c["level"] == 1:
                href = c["path"] if self.r.random() < 0.5 or c["paged"] == "list" else c["path"] + "index.html" \
                    if c["path"].endswith("/") else c["path"]
                links.append(f'<a href="{href}">{c["name"]}</a>')
        links.append(f'<a href="{self.root}xxgk/">政府信息公开</a>')
        return '<div class="nav">' + " ".join(links) + "</div>"

    def page(self, title, body, metas=""):
        cs = "gbk" if self.gbk else "utf-8"
        return (f'<!DOCTYPE html><html><head><meta charset="{cs}"><title>{title}_{self.name}</title>{metas}'
                f'</head><body><div class="top">{self.name}</div>{self.nav}{body}'
                f'<div class="foot">主办：{self.name}办公室 版权所有 Copyright &copy; {self.T.year} 网站标识码{self.code}</div>'
                f'</body></html>')

    def list_html(self, c, items):
        style = self.date_style(c)
        lay = c["layout"]
        rows = []
        for it in items:
            href, t = self.art_url(c, it), it["title"]
            ds = fmt_date(it["date"], style, self.T) if style else ""
            if lay in ("ul_span", "trs", "trs_span"):
                rows.append(f'<li><a href="{href}">{t}</a>' + (f"<span>{ds}</span>" if ds else "") + "</li>")
            elif lay == "table":
                rows.append(f'<tr><td><a href="{href}">{t}</a></td><td>{ds}</td></tr>')
            elif lay == "dl":
                rows.append(f'<dd><a href="{href}">{t}</a><span>{ds}</span></dd>')
            elif lay == "dl_split":
                rows.append(f'<dt><a href="{href}">{t}</a></dt><dd>{ds}</dd>')
        inner = "".join(rows)
        if lay == "table":
            return f'<table class="list">{inner}</table>'
        if lay in ("dl", "dl_split"):
            return f'<dl class="list">{inner}</dl>'
        return f'<ul class="list">{inner}</ul>'

    def col_metas(self, c):
        if not self.tags:
            return ""
        return f'<meta name="ColumnName" content="{c["name"]}"><meta name="ColumnType" content="{c["name"]}">'

    def sidebar_html(self, c):
        if c["level"] != 2 or not self.sidebar:
            return ""
        sib = [x for x in self.cols if x["level"] == 2]
        return '<div class="side">' + "".join(f'<a href="{x["path"]}">{x["name"]}</a>' for x in sib) + "</div>"

    def write_column(self, c):
        crumb = f'<div class="crumb">当前位置：<a href="{self.crumb_home}">首页</a> &gt; <a href="{c["path"]}">{c["name"]}</a></div>'
        side = self.sidebar_html(c)
        d = self.root + c["dir"] + "/"
        first = d + ("list.html" if c["paged"] == "list" else "index.html")
        if c["category"] == "static" and c["blank_kind"] is None:
            body = crumb + side + '<div class="content"><p>' + (
                f"{c['name']}：负责贯彻执行国家和省、市关于经济社会发展的方针政策和法律法规，"
                "研究拟订全县经济社会发展战略，统筹协调各项工作。") * 2 + "</p></div>"
            self.files[first] = self.page(c["name"], body, self.col_metas(c))
            return
        if c["blank_kind"] == "placeholder":
            body = crumb + side + f'<div class="list"><p>{self.r.choice(PLACEHOLDERS)}</p></div>'
            self.files[first] = self.page(c["name"], body, self.col_metas(c))
            return
        if c["blank_kind"] == "empty":
            body = crumb + side + '<ul class="list"></ul>'
            self.files[first] = self.page(c["name"], body, self.col_metas(c))
            return
        items = c["items"]
        per = 10 if c["paged"] else max(1, len(items))
        chunks = [items[i:i + per] for i in range(0, len(items), per)] or [[]]
        names = []
        for i in range(len(chunks)):
            if i == 0:
                names.append(first)
            elif c["paged"] == "list":
                names.append(d + f"list_{i + 1}.html")
            else:
                names.append(d + f"index_{i}.html")
        for i, ch in enumerate(chunks):
            pager = ""
            if len(chunks) > 1:
                pl = []
                if i > 0:
                    pl.append(f'<a href="{names[i - 1]}">上一页</a>')
                if i + 1 < len(chunks):
                    pl.append(f'<a href="{names[i + 1]}">下一页</a>')
                pl.append(f'<a href="{names[-1]}">尾页</a>')
                pager = '<div class="page">' + " ".join(pl) + f" 共{len(chunks)}页</div>"
            self.files[names[i]] = self.page(c["name"], crumb + side + self.list_html(c, ch) + pager,
                                             self.col_metas(c))
        for it in items:
            m = (f'<meta name="ArticleTitle" content="{it["title"]}">'
                 f'<meta name="PubDate" content="{it["date"]:%Y-%m-%d} 09:30">')
            if self.tags:
                m += f'<meta name="ColumnName" content="{c["name"]}">'
            body = (crumb + f'<h1>{it["title"]}</h1><div class="info">发布时间：{it["date"]:%Y-%m-%d}</div>'
                    f'<div class="content"><p>{it["title"]}。为进一步做好相关工作，现将有关事项通知如下。</p></div>')
            self.files[self.art_url(c, it)] = self.page(it["title"], body, m)

    def write_hub(self):
        links = "".join(f'<li><a href="{c["path"]}">{c["name"]}</a></li>' for c in self.cols if c["level"] == 2)
        body = f'<div class="crumb">当前位置：<a href="{self.root}">首页</a> &gt; 政府信息公开</div><ul class="tree">{links}</ul>'
        self.files[self.root + "xxgk/index.html"] = self.page("政府信息公开", body)

    def write_home(self):
        T = self.T
        header = f'<div class="today">今天是{T.year}年{T.month}月{T.day}日</div>'
        blocks = []
        home_items = []
        if not self.nav_only:
            dated = [c for c in self.cols if c["items"] and c["level"] == 1]
            news = [c for c in dated if c["category"] == "news"]
            picks = (news[:1] + self.r.sample(dated, min(len(dated), self.r.randint(0, 2)))) or dated[:1]
            seen = set()
            for c in picks:
                if c["path"] in seen:
                    continue
                seen.add(c["path"])
                its = c["items"][:6]
                home_items += its
                blocks.append(f'<div class="block"><h3>{c["name"]}</h3>{self.list_html(c, its)}'
                              f'<a href="{c["path"]}">更多&gt;&gt;</a></div>')
        self.home_items = home_items
        body = header + "".join(blocks) + '<div class="links">友情链接：暂缺</div>'
        self.files[self.root + "index.html"] = self.page("首页", body)

    def build(self):
        self.plan_columns()
        self.nav = self.nav_html()
        for c in self.cols:
            self.write_column(c)
        self.write_hub()
        self.write_home()

    # ---- truth -------------------------------------------------------------------
    def truth(self):
        T = self.T
        cols, stale, blank = {}, [], []
        for c in self.cols:
            past = [it["date"] for it in c["items"] if it["date"] <= T]
            start = period_start(T, c["category"])
            is_stale = bool(past) and start is not None and max(past) < start
            is_blank = c["blank_kind"] is not None
            cols[c["path"]] = {k: c.get(k) for k in ("name", "category", "level", "key", "state", "layout",
                                                     "paged", "blank_kind", "newest", "period_start", "edge",
                                                     "future_item")}
            cols[c["path"]]["n_items"] = len(c["items"])
            if is_stale:
                stale.append(c["path"])
            if is_blank:
                blank.append(c["path"])
            assert is_stale == (c["state"] == "stale"), c
        # homepage: its dated items; a navigation-only homepage: the items of the
        # pages it links to (top-level column first pages)
        if self.nav_only:
            dates = []
            for c in self.cols:
                if c["level"] == 1 and c["items"]:
                    per = 10 if c["paged"] else len(c["items"])
                    dates += [it["date"] for it in c["items"][:per]]
        else:
            dates = [it["date"] for it in self.home_items]
        dates = [d for d in dates if d <= T]
        home_stale = None if not dates else max(dates) < T - dt.timedelta(days=13)
        n_key = sum(1 for c in self.cols if c["key"] and c["path"] in stale)
        veto = {"key_stale": n_key >= 5, "dated_stale": len(stale) >= 10, "blank": len(blank) >= 5}
        veto["any"] = any(veto.values())
        return {"name": self.name, "home": self.root, "layout": self.layout, "gbk": self.gbk,
                "tags": self.tags, "nav_only": self.nav_only, "sidebar": self.sidebar,
                "crumb_home": self.crumb_home,
                "profile": self.profile, "columns": cols, "stale": stale, "blank": blank,
                "home_stale": home_stale, "counts": {"key_stale": n_key, "dated_stale": len(stale),
                                                     "blank": len(blank)}, "veto": veto}


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: gen_world.py OUT N AS_OF SEED")
    out, n, as_of, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    T = dt.date.fromisoformat(as_of)
    rnd = random.Random(seed)
    truth = {"as_of": as_of, "seed": seed, "sites": {}}
    npages = 0
    for i in range(1, n + 1):
        s = Site(i, T, random.Random(rnd.random()))
        s.build()
        for path, html in s.files.items():
            f = os.path.join(out, "world", path.lstrip("/"))
            os.makedirs(os.path.dirname(f), exist_ok=True)
            with open(f, "wb") as fh:
                fh.write(html.encode("gbk" if s.gbk else "utf-8"))
            npages += 1
        truth["sites"][s.code] = s.truth()
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1, default=str)
    print(f"{n} sites, {npages} pages in {out}/world")


if __name__ == "__main__":
    main()
