#!/usr/bin/env python3
"""Builds test worlds of government websites and new-media feeds.

    worldgen.py demo OUT          the bundled demo (data/demo is its output)
    worldgen.py acceptance OUT    the example 通报's situation, two rounds

A world is a folder:
  sites.csv, media.csv   the registry (media sources relative to media.csv)
  probes.csv             a week of homepage probes ending at the as-of date
  www/HOST/...           every site's files, one folder per host, served by
                         src/serve (or gi_serve) behind curl's connect-to
  feeds/ID.json|xml      the accounts' feeds (JSON Feed 1.1 with _gov, RSS)
The acceptance world has two such rounds, OUT/q2 (as-of 2020-05-10) and
OUT/q3 (as-of 2020-08-10), plus OUT/expect.json: what each round must find.

Every page follows 《政府网站发展指引》: site/column/article tags, a footer
with 主办单位, 联系方式, 网站标识码, ICP and 公安 numbers, the 党政机关 mark
and the 找错 entry (their hosts have folders in www/ too, so checking those
links stays local), a 留言 channel with a form and answered messages, an
办事服务 section whose guides carry all eight elements, a search page. A
site is healthy unless its profile names a defect:
  stale_columns N   the N first dated columns are outside their period
  home_stale        the homepage's newest item is older than 14 days
  broken            dead links on the homepage and a content page
  typo              按装 for 安装 in one article
  hidden_link       a gambling link in a display:none block
  no_interaction    no 留言 channel at all
  gbk               pages in GBK with <meta charset=gbk>
Dates derive from the as-of date only (never the clock), and the only
randomness is a seeded generator: the same command writes the same bytes.
Standard library only.
"""
import csv
import datetime as dt
import json
import os
import random
import sys

# --------------------------------------------------------------------------
# Dates

def add_months(d, n):
    idx = d.year * 12 + (d.month - 1) + n
    y, m = divmod(idx, 12)
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31,
            30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(d.day, last))


def days(n):
    return dt.timedelta(days=n)


# --------------------------------------------------------------------------
# Columns: (dir, name, category, ColumnType). Category periods as in the
# national rule set: news 14 days, notice/policy 6 months, the rest of the
# dated ones 12 months.

DATED_COLUMNS = [
    ("gzdt", "工作动态", "news", "工作动态"),
    ("tzgg", "通知公告", "notice", "通知公告"),
    ("zcwj", "政策文件", "policy", "政策文件"),
    ("tpxw", "图片新闻", "news", "图片新闻"),
    ("bmdt", "部门动态", "news", "部门动态"),
    ("gsgg", "公示公告", "notice", "公示公告"),
    ("rsxx", "人事信息", "personnel", "人事信息"),
    ("czyjs", "财政预决算", "plan", "财政预决算"),
    ("tjsj", "统计数据", "report", "统计数据"),
    ("ghjh", "规划计划", "plan", "规划计划"),
    ("gzbg", "工作报告", "report", "工作报告"),
    ("zcjd", "政策解读", "other", "政策解读"),
    ("jyta", "建议提案办理", "other", "建议提案办理"),
]
STATIC_COLUMNS = [("jgzn", "机构职能"), ("ldxx", "领导信息"), ("lxwm", "联系我们")]
ITEMS_PER_COLUMN = 5

# When fresh: the newest item this many days before T (inclusive range);
# when stale: this many days before T.
FRESH_AGE = {"news": (0, 6), "notice": (10, 90), "policy": (10, 90)}
FRESH_AGE_DEFAULT = (20, 200)
STALE_AGE = {"news": (30, 70), "notice": (200, 300), "policy": (200, 300)}
STALE_AGE_DEFAULT = (400, 500)
SPACING = {"news": (2, 5), "notice": (12, 30), "policy": (12, 30)}
SPACING_DEFAULT = (25, 60)

TOPICS = ["安全生产", "疫情防控", "优化营商环境", "乡村振兴", "城镇老旧小区改造", "防汛减灾",
          "消防安全", "文明城市创建", "政务公开", "民生实事", "农民工工资支付", "生态环境保护",
          "重点项目建设", "就业创业", "义务教育", "食品安全", "森林防火", "节能减排",
          "信用体系建设", "便民服务", "脱贫攻坚", "社区治理", "招商引资", "科技创新"]
NEWS_TITLES = ["{unit}召开{topic}工作推进会", "{unit}开展{topic}专项检查", "{unit}部署{topic}工作",
               "{unit}组织{topic}业务培训", "{topic}工作调研座谈会召开", "{unit}通报{topic}工作进展"]
NOTICE_TITLES = ["关于{topic}工作的通知", "关于做好{topic}有关事项的通知", "关于{topic}项目的公示",
                 "关于开展{topic}检查的通知"]
POLICY_TITLES = ["关于印发{topic}实施方案的通知", "关于进一步加强{topic}工作的意见",
                 "{topic}管理办法", "关于推进{topic}的实施意见"]
OTHER_TITLES = ["{year}年{topic}情况", "{topic}工作报告", "{year}年{topic}计划", "关于{topic}的说明"]
PARAGRAPHS = [
    "为深入贯彻落实上级有关部署，进一步做好{topic}工作，{unit}结合工作实际，认真研究制定了工作措施，明确了责任分工和完成时限。",
    "会议要求，各科室要提高思想认识，压实工作责任，加强协调配合，确保各项任务按期完成，切实把{topic}工作抓紧抓实。",
    "下一步，{unit}将持续加强督促检查，及时总结工作经验，不断提升服务水平，推动{topic}工作取得新成效。",
]


def ymd(d):
    return d.strftime("%Y-%m-%d")


# --------------------------------------------------------------------------
# Page writing

class Site:
    def __init__(self, code, name, host, unit, kind="department", services="yes", org="",
                 icp="", psb="", region="", phone="0912-3800000", profile=None):
        self.code, self.name, self.host, self.unit = code, name, host, unit
        self.kind, self.services, self.org = kind, services, org
        self.icp, self.psb, self.region, self.phone = icp, psb, region, phone
        self.profile = profile or {}

    def row(self):
        return [self.code, self.name, f"http://{self.host}/", "", self.unit, self.kind,
                self.services, self.org, self.icp, self.psb]


SITE_HEADER = ["site_code", "name", "url", "hosts", "unit", "kind", "services", "org", "icp", "psb"]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class Writer:
    """Writes one site's pages under www/HOST."""

    def __init__(self, root, site, T, rnd):
        self.root, self.s, self.T, self.rnd = root, site, T, rnd
        self.enc = "gbk" if site.profile.get("gbk") else "utf-8"
        self.dir = os.path.join(root, site.host)
        self.articles = []   # (url, title, date) of every content page, for the search page

    def write(self, path, html):
        full = os.path.join(self.dir, path.lstrip("/"))
        if full.endswith("/"):
            full += "index.html"
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(html.encode(self.enc, errors="strict"))

    def tags(self, column=None, article=None):
        s = self.s
        m = [("SiteName", s.name), ("SiteDomain", s.host), ("SiteIDCode", s.code)]
        if column:
            m += [("ColumnName", column[0]), ("ColumnDescription", f"{s.name}{column[0]}栏目"),
                  ("ColumnKeywords", column[0]), ("ColumnType", column[1])]
        if article:
            m += [("ArticleTitle", article["title"]), ("PubDate", article["pubdate"]),
                  ("ContentSource", s.unit), ("Keywords", article.get("keywords", "")),
                  ("Author", article.get("author", "")), ("Description", article["title"]),
                  ("Url", article["url"])]
        return "\n".join(f'<meta name="{k}" content="{esc(v)}">' for k, v in m)

    def nav(self):
        cols = [(c[0], c[1]) for c in DATED_COLUMNS[:self.ncols()]]
        links = [("/", "首页")] + [(f"/{d}/", n) for d, n in cols[:6]]
        links += [(f"/{d}/", n) for d, n in STATIC_COLUMNS]
        if not self.s.profile.get("no_interaction"):
            links.append(("/hdjl/", "互动交流"))
        if self.s.services == "yes":
            links.append(("/bsfw/", "办事服务"))
        links += [(f"/{d}/", n) for d, n in cols[6:]]
        return ('<div class="nav"><ul>' +
                "".join(f'<li><a href="{u}">{n}</a></li>' for u, n in links) + "</ul></div>")

    def ncols(self):
        return self.s.profile.get("columns", len(DATED_COLUMNS))

    def footer(self):
        s = self.s
        psb_num = "".join(ch for ch in s.psb if ch.isdigit())
        return f"""<div class="footer">
<p><a href="/lxwm/">联系我们</a> | <a href="/search/">站内搜索</a></p>
<p>主办单位：{esc(s.unit)}　联系电话：{s.phone}　地址：{esc(s.region)}政务服务大楼</p>
<p>网站标识码：{s.code}　<a href="http://beian.miit.gov.cn/" target="_blank">{esc(s.icp)}</a>　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={psb_num}" target="_blank">{esc(s.psb)}</a></p>
<p><a href="http://bszs.conac.cn/sitename?method=show&amp;id={s.code}" target="_blank"><img src="/images/red.png" alt="党政机关" width="50" height="60"></a>
<a href="http://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode={s.code}" target="_blank"><img src="/images/zhaocuo.png" alt="我为政府网站找错" width="110" height="55">我为政府网站找错</a></p>
</div>"""

    def page(self, title, body, column=None, article=None, extra_head=""):
        charset = "gbk" if self.enc == "gbk" else "utf-8"
        search = ('<form class="search" action="/search/" method="get"><input type="text" name="q" '
                  'placeholder="请输入关键词"><input type="submit" value="搜索"></form>')
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<title>{esc(title)}</title>
{self.tags(column, article)}
<link rel="stylesheet" href="/css/style.css">
{extra_head}</head>
<body>
<div class="header"><img src="/images/logo.png" alt="{esc(self.s.name)}"><h1>{esc(self.s.name)}</h1>{search}</div>
{self.nav()}
<div class="main">
{body}
</div>
{self.footer()}
</body>
</html>
"""

    def statics(self):
        self.write("/css/style.css", "body{font-family:sans-serif}.nav li{display:inline;margin:0 8px}\n")
        for img in ("logo.png", "red.png", "zhaocuo.png"):
            full = os.path.join(self.dir, "images", img)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(PNG)
        self.write("/robots.txt", "User-agent: *\nDisallow:\n")


# A 1×1 transparent PNG and a one-page PDF: attachments download as real files.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def column_items(w, col, stale, T, home_stale):
    """The dated items of one column, newest first: (date, title, url)."""
    d, name, cat, ctype = col
    rnd = w.rnd
    if stale or (home_stale and cat == "news"):
        lo, hi = STALE_AGE.get(cat, STALE_AGE_DEFAULT)
    else:
        lo, hi = FRESH_AGE.get(cat, FRESH_AGE_DEFAULT)
        if home_stale:   # the homepage shows these too: all of it older than 14 days
            lo = max(lo, 20)
    newest = T - days(rnd.randint(lo, hi))
    items = []
    day = newest
    for i in range(ITEMS_PER_COLUMN):
        topic = rnd.choice(TOPICS)
        pat = {"news": NEWS_TITLES, "notice": NOTICE_TITLES, "policy": POLICY_TITLES}.get(cat, OTHER_TITLES)
        title = rnd.choice(pat).format(unit=w.s.unit, topic=topic, year=day.year)
        n = rnd.randint(1000, 9999)
        url = f"/{d}/{day.strftime('%Y%m')}/t{day.strftime('%Y%m%d')}_{n}.html"
        items.append((day, title, url, topic))
        lo_s, hi_s = SPACING.get(cat, SPACING_DEFAULT)
        day = day - days(rnd.randint(lo_s, hi_s))
    return items


def write_article(w, col, item, text_override=None):
    d, name, cat, ctype = col
    day, title, url, topic = item
    hh = w.rnd.randint(8, 17)
    mm = w.rnd.choice([0, 10, 15, 20, 30, 45])
    pub = f"{ymd(day)} {hh:02d}:{mm:02d}"
    paras = [p.format(topic=topic, unit=w.s.unit) for p in PARAGRAPHS]
    if text_override:
        paras[1] = text_override
    art = {"title": title, "pubdate": pub, "url": f"http://{w.s.host}{url}", "keywords": topic,
           "author": ""}
    body = (f'<div class="crumb"><a href="/">首页</a> &gt; <a href="/{d}/">{name}</a></div>\n'
            f'<div class="article"><h2>{esc(title)}</h2>\n'
            f'<p class="info">发布时间：{pub}　来源：{esc(w.s.unit)}</p>\n' +
            "\n".join(f"<p>{esc(p)}</p>" for p in paras) + "\n</div>")
    w.write(url, w.page(title, body, column=(name, ctype), article=art))
    w.articles.append((url, title, day))


def write_list(w, col, items):
    d, name, cat, ctype = col
    lis = "\n".join(f'<li><a href="{u}" title="{esc(t)}">{esc(t)}</a><span class="date">{ymd(day)}</span></li>'
                    for day, t, u, _ in items)
    body = (f'<div class="crumb"><a href="/">首页</a> &gt; {name}</div>\n'
            f'<div class="list"><h2>{name}</h2>\n<ul>\n{lis}\n</ul>\n'
            f'<div class="pages">共{len(items)}条　第1页</div></div>')
    w.write(f"/{d}/", w.page(f"{name}_{w.s.name}", body, column=(name, ctype)))


def write_statics(w):
    texts = {
        "机构职能": "{unit}是{region}人民政府工作部门，负责贯彻执行国家和省、市有关方针政策和法律法规，拟订本行业发展规划并组织实施，承担本行业监督管理职责，完成上级交办的其他任务。内设办公室、政策法规科、业务科等科室。",
        "领导信息": "{unit}领导班子成员：局长，主持全面工作；副局长，负责分管科室业务工作。领导班子成员的工作分工按照有关规定公开，并根据人事变动情况及时更新。",
        "联系我们": "单位名称：{unit}。办公地址：{region}政务服务大楼。联系电话：{phone}。邮政编码：719000。办公时间：工作日上午8:30至12:00，下午14:30至18:00。",
    }
    for d, name in STATIC_COLUMNS:
        t = texts[name].format(unit=w.s.unit, region=w.s.region, phone=w.s.phone)
        body = (f'<div class="crumb"><a href="/">首页</a> &gt; {name}</div>\n'
                f'<div class="content"><h2>{name}</h2><p>{esc(t)}</p></div>')
        w.write(f"/{d}/", w.page(f"{name}_{w.s.name}", body, column=(name, name)))


def write_interaction(w, T):
    """留言: a hub, a form, answered messages of the last months."""
    rnd = w.rnd
    msgs = []
    for i in range(6):
        asked = T - days(10 + i * 40 + rnd.randint(0, 9))
        answered = asked + days(rnd.randint(1, 6))
        if answered > T:
            answered = T
        topic = rnd.choice(TOPICS)
        title = f"关于{topic}的咨询"
        url = f"/hdjl/lyxd/{asked.strftime('%Y%m')}/t{asked.strftime('%Y%m%d')}_{rnd.randint(100, 999)}.html"
        msgs.append((asked, answered, title, url, topic))
    for asked, answered, title, url, topic in msgs:
        body = (f'<div class="crumb"><a href="/">首页</a> &gt; <a href="/hdjl/">互动交流</a> &gt; '
                f'<a href="/hdjl/lyxd/">留言选登</a></div>\n<div class="message"><h2>{esc(title)}</h2>\n'
                f'<table class="msg">\n<tr><th>留言标题</th><td>{esc(title)}</td></tr>\n'
                f'<tr><th>留言时间</th><td>{ymd(asked)} 10:{rnd.randint(10, 59)}</td></tr>\n'
                f'<tr><th>留言内容</th><td>您好，请问{esc(topic)}方面的有关政策和办理渠道是什么？谢谢。</td></tr>\n'
                f'<tr><th>答复单位</th><td>{esc(w.s.unit)}</td></tr>\n'
                f'<tr><th>答复时间</th><td>{ymd(answered)} 16:{rnd.randint(10, 59)}</td></tr>\n'
                f'<tr><th>答复内容</th><td>您好！您反映的问题已收悉。关于{esc(topic)}的有关政策已在本网站政策文件栏目公开，'
                f'具体可拨打{w.s.phone}咨询。感谢您的关注和支持！</td></tr>\n</table></div>')
        w.write(url, w.page(title, body, column=("留言选登", "互动交流"),
                             article={"title": title, "pubdate": f"{ymd(asked)} 10:00",
                                      "url": f"http://{w.s.host}{url}", "keywords": topic}))
    rows = "\n".join(f'<tr><td><a href="{u}">{esc(t)}</a></td><td>{ymd(a)}</td><td>{ymd(r)}</td><td>已回复</td></tr>'
                     for a, r, t, u, _ in msgs)
    body = (f'<div class="crumb"><a href="/">首页</a> &gt; <a href="/hdjl/">互动交流</a> &gt; 留言选登</div>\n'
            f'<div class="list"><h2>留言选登</h2>\n<table class="msg-list">\n'
            f'<tr><th>留言标题</th><th>留言时间</th><th>答复时间</th><th>办理状态</th></tr>\n{rows}\n</table></div>')
    w.write("/hdjl/lyxd/", w.page(f"留言选登_{w.s.name}", body, column=("留言选登", "互动交流")))
    form = ('<div class="crumb"><a href="/">首页</a> &gt; <a href="/hdjl/">互动交流</a> &gt; 我要留言</div>\n'
            '<div class="content"><h2>我要留言</h2>\n'
            '<p>留言须知：请遵守国家法律法规，文明用语，如实反映问题。我们将在5个工作日内答复，答复内容在留言选登栏目公开。</p>\n'
            '<form action="/hdjl/wyly/save.html" method="post">\n'
            '<p>姓名：<input type="text" name="name"></p>\n<p>联系电话：<input type="text" name="phone"></p>\n'
            '<p>留言标题：<input type="text" name="title"></p>\n'
            '<p>留言内容：<textarea name="content" rows="8" cols="60"></textarea></p>\n'
            '<p><input type="submit" value="提交留言"></p>\n</form></div>')
    w.write("/hdjl/wyly/", w.page(f"我要留言_{w.s.name}", form, column=("我要留言", "互动交流")))
    saved = ('<div class="crumb"><a href="/">首页</a> &gt; <a href="/hdjl/">互动交流</a> &gt; 我要留言</div>\n'
             '<div class="content"><h2>留言已提交</h2>\n<p>您的留言已提交，我们将在5个工作日内答复，'
             '答复内容将在<a href="/hdjl/lyxd/">留言选登</a>栏目公开。感谢您对我们工作的关注和支持。</p></div>')
    w.write("/hdjl/wyly/save.html", w.page(f"留言已提交_{w.s.name}", saved, column=("我要留言", "互动交流")))
    hub = ('<div class="crumb"><a href="/">首页</a> &gt; 互动交流</div>\n<div class="content"><h2>互动交流</h2>\n'
           f'<p>欢迎通过以下渠道向{esc(w.s.unit)}咨询、提出意见建议，我们将认真办理并及时答复。</p>\n'
           '<ul><li><a href="/hdjl/wyly/">我要留言</a></li><li><a href="/hdjl/lyxd/">留言选登</a></li></ul></div>')
    w.write("/hdjl/", w.page(f"互动交流_{w.s.name}", hub, column=("互动交流", "互动交流")))


GUIDES = ["企业投资项目备案", "建筑工程施工许可", "政府信息公开申请", "社会团体成立登记", "食品经营许可"]


def write_services(w):
    rnd = w.rnd
    lis = []
    for i, g in enumerate(GUIDES, 1):
        url = f"/bsfw/bszn/{i:03d}.html"
        lis.append(f'<li><a href="{url}">{g}办事指南</a></li>')
        rows = [("事项名称", g), ("设定依据", f"《中华人民共和国行政许可法》及{g}有关规定"),
                ("申请条件", "申请人应当具备相应资格，申请材料齐全、符合法定形式"),
                ("办理材料", f'1.申请表（<a href="/bsfw/files/{i:03d}.pdf">下载</a>）；2.申请人身份证明；3.其他相关材料'),
                ("办理地点", f"{w.s.region}政务服务大厅{rnd.randint(1, 30)}号窗口"),
                ("办理时间", "工作日上午8:30至12:00，下午14:30至18:00"),
                ("联系电话", w.s.phone), ("办理流程", "申请、受理、审查、决定、送达")]
        tr = "\n".join(f"<tr><th>{k}</th><td>{v if '<a ' in v else esc(v)}</td></tr>" for k, v in rows)
        body = (f'<div class="crumb"><a href="/">首页</a> &gt; <a href="/bsfw/">办事服务</a></div>\n'
                f'<div class="guide"><h2>{g}办事指南</h2>\n<table class="guide">\n{tr}\n</table></div>')
        w.write(url, w.page(f"{g}办事指南_{w.s.name}", body, column=("办事指南", "办事服务")))
        full = os.path.join(w.dir, "bsfw", "files", f"{i:03d}.pdf")
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(PDF)
    body = ('<div class="crumb"><a href="/">首页</a> &gt; 办事服务</div>\n<div class="content"><h2>办事服务</h2>\n'
            f'<p>{esc(w.s.unit)}依申请办理事项的办事指南如下，也可登录<a href="http://zwfw.shaanxi.gov.cn/">陕西政务服务网</a>在线办理。</p>\n'
            f'<ul>{"".join(lis)}</ul></div>')
    w.write("/bsfw/", w.page(f"办事服务_{w.s.name}", body, column=("办事服务", "办事服务")))


def write_search(w):
    lis = "\n".join(f'<li><a href="{u}">{esc(t)}</a></li>' for u, t, _ in w.articles)
    body = ('<div class="content"><h2>站内搜索</h2>\n<p>搜索结果（按相关度排序）：</p>\n'
            f'<ul class="results">\n{lis}\n</ul></div>')
    w.write("/search/", w.page(f"站内搜索_{w.s.name}", body, column=("站内搜索", "站内搜索")))


def build_site(root, site, T, seed):
    rnd = random.Random(seed)
    w = Writer(root, site, T, rnd)
    p = site.profile
    w.statics()
    nstale = p.get("stale_columns", 0)
    home_stale = p.get("home_stale", False)
    cols = DATED_COLUMNS[:w.ncols()]
    items_of = {}
    # The stale columns are the first dated ones after 工作动态, which stays
    # fresh so the homepage does too (unless home_stale).
    stale_set = set(c[0] for c in cols[1:1 + nstale])
    if nstale >= len(cols):
        stale_set = set(c[0] for c in cols)
    for col in cols:
        items = column_items(w, col, col[0] in stale_set, T, home_stale)
        items_of[col[0]] = items
        for k, it in enumerate(items):
            override = None
            if p.get("typo") and col[0] == "gzdt" and k == 0:
                override = (f"会议要求，各单位要在月底前完成消防设施按装和检修工作，"
                            f"切实把{it[3]}工作抓紧抓实。")
            write_article(w, col, it, override)
        write_list(w, col, items)
    write_statics(w)
    if not p.get("no_interaction"):
        write_interaction(w, T)
    if site.services == "yes":
        write_services(w)
    # The annual report of the year before, due on the homepage.
    rep = (dt.date(T.year, 1, 15), f"{site.name}{T.year - 1}年政府网站工作年度报表",
           f"/tzgg/{T.year}01/t{T.year}0115_1.html", "政务公开")
    write_article(w, DATED_COLUMNS[1], rep)
    write_search(w)

    # Homepage: three dated blocks, the annual report, the services.
    blocks = []
    for d in ("gzdt", "tzgg", "zcwj"):
        if d not in items_of:
            continue
        name = next(c[1] for c in cols if c[0] == d)
        lis = "\n".join(f'<li><a href="{u}">{esc(t)}</a><span class="date">{ymd(day)}</span></li>'
                        for day, t, u, _ in items_of[d])
        blocks.append(f'<div class="block"><h3><a href="/{d}/">{name}</a></h3><a class="more" href="/{d}/">更多</a>\n'
                      f'<ul>\n{lis}\n</ul></div>')
    extra = ""
    if p.get("broken"):
        extra += ('<div class="links"><h3>相关链接</h3><ul>'
                  '<li><a href="/zwgk/zfxxgkzn.html">政府信息公开指南</a></li>'
                  '<li><a href="http://www.old-partner.gov.cn/">原合作单位网站</a></li>'
                  '</ul><img src="/images/banner2019.jpg" alt="专题"></div>\n')
    if p.get("hidden_link"):
        extra += ('<div style="display:none"><a href="http://www.amyl888.com/">澳门博彩娱乐</a>'
                  '<a href="http://www.amyl888.com/bet.html">真人百家乐</a></div>\n')
    body = ("\n".join(blocks) + "\n" +
            f'<div class="block"><h3>年度报表</h3><ul><li><a href="{rep[2]}">{esc(rep[1])}</a></li></ul></div>\n' +
            extra)
    w.write("/", w.page(site.name, body))
    return w


def support_hosts(root):
    """The hosts every footer links to, answered locally."""
    pages = {
        "beian.miit.gov.cn/index.html": "ICP/IP地址/域名信息备案管理系统",
        "www.beian.gov.cn/portal/registerSystemInfo": "全国互联网安全管理服务平台",
        "bszs.conac.cn/sitename": "党政机关网站标识",
        "zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action": "我为政府网站找错",
        "zwfw.shaanxi.gov.cn/index.html": "陕西政务服务网",
    }
    for path, title in pages.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
                    f'<body><h1>{title}</h1></body></html>\n')


# --------------------------------------------------------------------------
# Feeds

def feed_json(acct, T, checked_at, problems, rnd, with_gov=True):
    """problems: subset of {"stale", "closed", "ads"}."""
    if "stale" in problems:
        newest = dt.datetime.combine(T - days(rnd.randint(20, 60)), dt.time(9, 30))
    else:
        newest = dt.datetime.combine(T - days(rnd.randint(0, 5)), dt.time(rnd.randint(8, 18), 30))
    items = []
    t = newest
    for i in range(4):
        topic = rnd.choice(TOPICS)
        pid = f"{2247480000 + rnd.randint(0, 99999)}"
        item = {"id": pid, "url": f"https://mp.weixin.qq.com/s/{acct['id']}-{pid}",
                "title": f"{acct['name']}：{topic}工作动态",
                "content_text": f"近日，{acct['unit']}扎实推进{topic}工作，取得阶段性成效。",
                "date_published": t.strftime("%Y-%m-%dT%H:%M:%S+08:00")}
        comments = []
        if i == 0:
            c_at = t + dt.timedelta(hours=3)
            comments.append({"author": "市民", "text": f"{topic}工作做得好，点赞！",
                             "date": c_at.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "reply": "感谢您的关注和支持！"})
            if "ads" in problems:
                comments.append({"author": "低息贷款", "text": "无抵押低息贷款，当天放款，加微信dk88866详谈，兼职日结300元",
                                 "date": (c_at + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                                 "reply": ""})
        if comments and with_gov:
            item["_gov"] = {"comments": comments}
        items.append(item)
        t = t - dt.timedelta(days=rnd.randint(2, 5), hours=rnd.randint(0, 5))
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": acct["name"]}
    if with_gov:
        closed = "closed" in problems
        doc["_gov"] = {"platform": acct["platform"], "checked_at": checked_at,
                       "interaction": {"comments": not closed, "messages": not closed,
                                       "menu_entry": not closed, "auto_reply_only": False}}
    doc["items"] = items
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def feed_rss(acct, T, rnd):
    items = []
    t = dt.datetime.combine(T - days(1), dt.time(10, 0))
    for i in range(4):
        topic = rnd.choice(TOPICS)
        items.append(f"""  <item>
    <title>{esc(topic)}工作动态</title>
    <link>https://mp.weixin.qq.com/s/{acct['id']}-{i}</link>
    <guid>{acct['id']}-{i}</guid>
    <description>{esc(acct['unit'])}扎实推进{esc(topic)}工作。</description>
    <pubDate>{t.strftime('%a, %d %b %Y %H:%M:%S')} +0800</pubDate>
  </item>""")
        t -= dt.timedelta(days=3)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            f"  <title>{esc(acct['name'])}</title>\n  <link>https://mp.weixin.qq.com/</link>\n"
            f"  <description>{esc(acct['name'])}</description>\n" + "\n".join(items) +
            "\n</channel>\n</rss>\n")


MEDIA_HEADER = ["media_id", "platform", "name", "unit", "org", "source"]


# --------------------------------------------------------------------------
# Probes

def probes(sites, T, failing, rnd):
    """24 probes a day on the 7 days ending at T; `failing` maps a site code
    to the number of failed probes spread over the week."""
    rows = []
    for s in sites:
        nfail = failing.get(s.code, 0)
        slots = [(d, h) for d in range(6, -1, -1) for h in range(24)]
        bad = set(rnd.sample(range(len(slots)), nfail)) if nfail else set()
        for k, (d, h) in enumerate(slots):
            day = T - days(d)
            when = f"{ymd(day)}T{h:02d}:07:00+08:00"
            if k in bad:
                rows.append([s.code, when, "0", "", "", "Failed to connect: Connection refused"])
            else:
                rows.append([s.code, when, "1", "200", str(rnd.randint(60, 900)), ""])
    return rows


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        wr.writerows(rows)


# --------------------------------------------------------------------------
# The demo

def build_demo(out):
    T = dt.date(2020, 8, 10)
    checked = "2020-08-09T10:00:00+08:00"
    rnd = random.Random(20200810)
    sites = [
        Site("6199000001", "示范市人民政府", "www.shifan.gov.cn", "示范市人民政府办公室", "portal", "yes",
             "示范市", "示ICP备12345678号", "示公网安备61990002000001号", "示范市", "0999-1234501"),
        Site("6199000002", "示范市住房和城乡建设局", "zjj.shifan.gov.cn", "示范市住房和城乡建设局",
             "department", "yes", "示范市", "示ICP备12345678号-2", "示公网安备61990002000002号", "示范市",
             "0999-1234502", {"stale_columns": 11}),
        Site("6199000003", "示范市科学技术局", "kjj.shifan.gov.cn", "示范市科学技术局", "department",
             "yes", "示范市", "示ICP备12345678号-3", "示公网安备61990002000003号", "示范市", "0999-1234503",
             {"home_stale": True}),
        Site("6199000004", "示范市统计局", "tjj.shifan.gov.cn", "示范市统计局", "department", "no",
             "示范市", "示ICP备12345678号-4", "示公网安备61990002000004号", "示范市", "0999-1234504",
             {"broken": True, "typo": True}),
        Site("6199020001", "示范市东区人民政府", "www.dongqu.gov.cn", "示范市东区人民政府办公室",
             "portal", "yes", "示范市/东区", "示ICP备87654321号", "示公网安备61990202000001号", "示范市东区",
             "0999-2234501", {"hidden_link": True}),
        Site("6199030001", "示范市西县人民政府", "www.xixian.gov.cn", "示范市西县人民政府办公室",
             "portal", "yes", "示范市/西县", "示ICP备11223344号", "示公网安备61990302000001号", "示范市西县",
             "0999-3234501", {"gbk": True}),
    ]
    www = os.path.join(out, "www")
    for i, s in enumerate(sites):
        build_site(www, s, T, 1000 + i)
    support_hosts(www)
    # The hidden link's target answers too: a live gambling page, not a 404.
    os.makedirs(os.path.join(www, "www.amyl888.com"), exist_ok=True)
    for page in ("index.html", "bet.html"):
        with open(os.path.join(www, "www.amyl888.com", page), "w", encoding="utf-8") as f:
            f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><title>娱乐城</title></head>'
                    '<body><h1>娱乐城</h1></body></html>\n')
    rows = [s.row() for s in sites]
    rows[0][3] = "xxgk.shifan.gov.cn"
    rows[5][3] = "https://www.xixian.gov.cn/"
    write_csv(os.path.join(out, "sites.csv"), SITE_HEADER, rows)

    accts = [
        ({"id": "wx-0001", "platform": "微信", "name": "示范发布", "unit": "示范市人民政府办公室", "org": "示范市"}, set()),
        ({"id": "wx-0002", "platform": "微信", "name": "示范住建", "unit": "示范市住房和城乡建设局", "org": "示范市"}, {"stale"}),
        ({"id": "wb-0001", "platform": "微博", "name": "示范发布", "unit": "示范市人民政府办公室", "org": "示范市"}, {"closed"}),
        ({"id": "dy-0001", "platform": "抖音", "name": "示范东区", "unit": "示范市东区人民政府办公室", "org": "示范市/东区"}, {"ads"}),
        ({"id": "tt-0001", "platform": "今日头条", "name": "示范科技", "unit": "示范市科学技术局", "org": "示范市"}, set()),
        ({"id": "wx-0101", "platform": "微信", "name": "西县发布", "unit": "示范市西县人民政府办公室", "org": "示范市/西县"}, "rss"),
    ]
    feeds = os.path.join(out, "feeds")
    os.makedirs(feeds, exist_ok=True)
    mrows = []
    for a, probs in accts:
        if probs == "rss":
            name = f"{a['id']}.xml"
            text = feed_rss(a, T, rnd)
        else:
            name = f"{a['id']}.json"
            text = feed_json(a, T, checked, probs, rnd)
        with open(os.path.join(feeds, name), "w", encoding="utf-8") as f:
            f.write(text)
        mrows.append([a["id"], a["platform"], a["name"], a["unit"], a["org"], f"feeds/{name}"])
    write_csv(os.path.join(out, "media.csv"), MEDIA_HEADER, mrows)
    # 6199030001 fails 12 of its 168 probes (7.1%), 6199000003 fails 2 (1.2%, fine).
    write_csv(os.path.join(out, "probes.csv"),
              ["site_code", "time", "ok", "http_status", "elapsed_ms", "error"],
              probes(sites, T, {"6199030001": 12, "6199000003": 2}, rnd))


# --------------------------------------------------------------------------
# The acceptance world: the example 通报 (榆林市, 2020年第三季度)

CITY = [  # (code suffix, name, host label)
    ("01", "榆林市人民政府", "www"), ("02", "榆林市发展和改革委员会", "fgw"), ("03", "榆林市教育局", "jyj"),
    ("04", "榆林市科学技术局", "kjj"), ("05", "榆林市工业和信息化局", "gxj"), ("06", "榆林市公安局", "gaj"),
    ("07", "榆林市民政局", "mzj"), ("08", "榆林市司法局", "sfj"), ("09", "榆林市财政局", "czj"),
    ("10", "榆林市人力资源和社会保障局", "rsj"), ("11", "榆林市自然资源和规划局", "zrzyj"),
    ("12", "榆林市生态环境局", "sthjj"), ("13", "榆林市交通运输局", "jtysj"), ("14", "榆林市水利局", "slj"),
    ("15", "榆林市农业农村局", "nyncj"), ("16", "榆林市商务局", "swj"), ("17", "榆林市文化和旅游局", "whlyj"),
    ("18", "榆林市卫生健康委员会", "wjw"), ("19", "榆林市退役军人事务局", "tyjrswj"),
    ("20", "榆林市应急管理局", "yjglj"), ("21", "榆林市审计局", "sjj"), ("22", "榆林市市场监督管理局", "scjgj"),
    ("23", "榆林市统计局", "tjj"), ("24", "榆林市医疗保障局", "ybj"), ("25", "榆林市林业局", "lyj"),
    ("26", "榆林市能源局", "nyj"), ("27", "榆林市行政审批服务局", "xzspj"), ("28", "榆林市民族宗教事务局", "mzzjj"),
    ("29", "榆林市国有资产监督管理委员会", "gzw"), ("30", "榆林市体育局", "tyj"),
    ("31", "榆林市人民防空办公室", "rfb"), ("32", "榆林市扶贫开发办公室", "fpb"),
    ("33", "榆林市机关事务管理局", "jgswj"), ("34", "榆林市地方金融监督管理局", "jrj"),
    ("35", "榆林市城市管理执法局", "cgj"), ("36", "榆林市住房公积金管理中心", "gjj"),
    ("37", "榆林市气象局", "qxj"), ("38", "榆林市投资促进局", "tzcjj"), ("39", "榆林市住建局", "zjj"),
]
COUNTIES = [  # (region code, name, host)
    ("610802", "榆阳区", "www.yuyang.gov.cn"), ("610821", "神木市", "www.sxsm.gov.cn"),
    ("610822", "府谷县", "www.fg.gov.cn"), ("610803", "横山区", "www.hszf.gov.cn"),
    ("610824", "靖边县", "www.jingbian.gov.cn"), ("610825", "定边县", "www.dingbian.gov.cn"),
    ("610826", "绥德县", "www.sxsd.gov.cn"), ("610827", "米脂县", "www.mizhi.gov.cn"),
    ("610828", "佳县", "www.jiaxian.gov.cn"), ("610829", "吴堡县", "www.wubu.gov.cn"),
    ("610830", "清涧县", "www.qjzf.gov.cn"), ("610831", "子洲县", "www.zizhou.gov.cn"),
]
# 附件2, in its order: name, problems.
SEED_MEDIA = [
    ("榆佳高交", {"stale"}), ("榆林市科技局", {"stale"}), ("食药安全情系千家万户", {"stale"}),
    ("张家畔街道微社区", {"stale"}), ("米脂县龙镇人民政府", {"stale"}), ("神木旅游", {"stale"}),
    ("朴实幸福郝家塬", {"stale"}), ("清涧信访", {"stale"}), ("榆林市国有企业党建服务平台", {"stale"}),
    ("横山区石窑沟办事处", {"closed", "stale"}), ("榆林市退役军人事务局", {"closed"}),
    ("靖边燃气", {"closed"}), ("米脂县劳动保障监察大队", {"closed"}), ("米脂县住房和城乡建设局", {"closed"}),
    ("安全米脂", {"closed"}), ("神木市迎宾路街道办事处", {"closed"}), ("神木市政务服务中心", {"closed"}),
    ("神木市中鸡镇人民政府", {"closed"}), ("大保当镇人民政府", {"closed"}), ("佳县文化旅游", {"closed"}),
    ("佳县卫健", {"closed"}), ("佳县人力资源和社会保障局", {"closed"}), ("横山区教育和体育局", {"closed"}),
    ("横山区殿市镇人民政府", {"closed"}), ("横山文旅", {"closed"}), ("清涧县民政局", {"closed"}),
    ("清涧统计", {"closed"}), ("清涧县退役军人事务局", {"closed"}), ("靖边县小河镇", {"ads"}),
    ("横山区魏家楼镇人民政府", {"ads"}), ("榆林市横山区应急管理局", {"ads"}),
    ("榆林市横山区行政审批服务局", {"ads"}),
]
STILL_FAILING = {"朴实幸福郝家塬": {"stale"}, "榆林市国有企业党建服务平台": {"stale"},
                 "大保当镇人民政府": {"closed"}}
UNITS = ["发布", "人社", "卫健", "教育", "公安", "交警", "消防", "税务", "医保", "市场监管", "应急",
         "民政", "司法", "文旅", "统计", "农业农村", "水务", "林业", "住建", "自然资源", "生态环境",
         "交通", "商务", "审计", "团委", "妇联", "融媒", "政务服务", "信访", "退役军人"]
PLATFORMS = ["微信"] * 6 + ["微博"] * 2 + ["抖音", "今日头条"]
PLATFORM_ID = {"微信": "wx", "微博": "wb", "抖音": "dy", "今日头条": "tt"}


def acceptance_registry():
    sites = []
    for suf, name, label in CITY:
        code = "61080000" + suf
        host = f"{label}.yl.gov.cn" if label != "www" else "www.yl.gov.cn"
        kind = "portal" if suf == "01" else "department"
        unit = name if suf != "01" else "榆林市人民政府办公室"
        sites.append(Site(code, name, host, unit, kind, "yes", "榆林市", f"陕ICP备0500{suf}号",
                          f"陕公网安备6108020200{suf}号", "榆林市", f"0912-38{suf}000"))
    for region, cname, host in COUNTIES:
        code = region + "0001"
        sites.append(Site(code, f"{cname}人民政府", host, f"{cname}人民政府办公室", "portal", "yes",
                          f"榆林市/{cname}", f"陕ICP备1{region[3:]}0001号", f"陕公网安备{region}02000001号",
                          f"榆林市{cname}", f"0912-{region[3:]}1234"))
    assert len(sites) == 51 and sites[38].code == "6108000039"
    # 323 accounts: the 32 of 附件2 in their order, the others spread among them.
    rnd = random.Random(323)
    others = []
    regions = ["榆林市"] + [c[1] for c in COUNTIES]
    seen = set(n for n, _ in SEED_MEDIA)
    i = 0
    while len(others) < 291:
        reg = regions[i % len(regions)]
        unit = UNITS[(i // len(regions)) % len(UNITS)]
        plat = PLATFORMS[i % len(PLATFORMS)]
        name = f"{reg}{unit}" + ("" if i < len(regions) * len(UNITS) else f"{i // (len(regions) * len(UNITS)) + 1}号")
        i += 1
        if name in seen:
            continue
        seen.add(name)
        org = "榆林市" if reg == "榆林市" else f"榆林市/{reg}"
        others.append({"name": name, "platform": plat, "org": org, "unit": f"{reg}{unit}部门", "problems": set()})
    seed = [{"name": n, "platform": "微信", "org": "榆林市", "unit": n, "problems": p} for n, p in SEED_MEDIA]
    # Interleave: about 9 healthy accounts before each listed one.
    accts = []
    k = 0
    for j, a in enumerate(seed):
        take = (len(others) * (j + 1)) // (len(seed) + 1) - k
        accts += others[k:k + take]
        k += take
        accts.append(a)
    accts += others[k:]
    counters = {}
    for a in accts:
        p = PLATFORM_ID[a["platform"]]
        counters[p] = counters.get(p, 0) + 1
        a["id"] = f"{p}-{counters[p]:04d}"
    assert len(accts) == 323
    return sites, accts, others


def build_round(out, sites, accts, T, site_profiles, acct_problems, rnd):
    www = os.path.join(out, "www")
    for i, s in enumerate(sites):
        s.profile = site_profiles.get(s.code, {})
        build_site(www, s, T, f"{T}-{s.code}")
    support_hosts(www)
    write_csv(os.path.join(out, "sites.csv"), SITE_HEADER, [s.row() for s in sites])
    feeds = os.path.join(out, "feeds")
    os.makedirs(feeds, exist_ok=True)
    checked = f"{ymd(T - days(1))}T10:00:00+08:00"
    mrows = []
    for a in accts:
        probs = acct_problems.get(a["id"], set())
        with open(os.path.join(feeds, f"{a['id']}.json"), "w", encoding="utf-8") as f:
            f.write(feed_json(a, T, checked, probs, random.Random(f"{T}-{a['id']}")))
        mrows.append([a["id"], a["platform"], a["name"], a["unit"], a["org"], f"feeds/{a['id']}.json"])
    write_csv(os.path.join(out, "media.csv"), MEDIA_HEADER, mrows)
    write_csv(os.path.join(out, "probes.csv"),
              ["site_code", "time", "ok", "http_status", "elapsed_ms", "error"], probes(sites, T, {}, rnd))


def build_acceptance(out):
    sites, accts, others = acceptance_registry()
    rnd = random.Random(2020)
    # Current round (2020年第三季度): 榆林市住建局 with 12 stale columns; the
    # 32 accounts of 附件2.
    q3 = {"6108000039": {"stale_columns": 12}}
    q3_media = {a["id"]: a["problems"] for a in accts if a["problems"]}
    # Previous round (2020年第二季度): five other sites and forty accounts
    # failed — the three still failing now and 37 that are healthy now.
    q2 = {"6108000016": {"home_stale": True, "no_interaction": True},
          "6108000021": {"home_stale": True}, "6108000025": {"home_stale": True},
          "6108000030": {"stale_columns": 12}, "6108290001": {"stale_columns": 11}}
    by_name = {a["name"]: a for a in accts}
    q2_media = {by_name[n]["id"]: p for n, p in STILL_FAILING.items()}
    healthy = [a for a in accts if not a["problems"]]
    picks = random.Random(37).sample(healthy, 37)
    picks.sort(key=lambda a: accts.index(a))
    kinds = [{"stale"}] * 20 + [{"closed"}] * 12 + [{"ads"}] * 3 + [{"stale", "closed"}] * 2
    for a, p in zip(picks, kinds):
        q2_media[a["id"]] = p
    build_round(os.path.join(out, "q2"), sites, accts, dt.date(2020, 5, 10), q2, q2_media, rnd)
    build_round(os.path.join(out, "q3"), sites, accts, dt.date(2020, 8, 10), q3, q3_media, rnd)

    def expect(profiles, media):
        return {"sites_failing": sorted(profiles), "media_failing": [a["id"] for a in accts if a["id"] in media],
                "media_problems": {a["id"]: sorted(media[a["id"]]) for a in accts if a["id"] in media}}
    with open(os.path.join(out, "expect.json"), "w", encoding="utf-8") as f:
        json.dump({"q2": dict(expect(q2, q2_media), as_of="2020-05-10", label="2020年第二季度"),
                   "q3": dict(expect(q3, q3_media), as_of="2020-08-10", label="2020年第三季度"),
                   "sites": len(sites), "media": len(accts)}, f, ensure_ascii=False, indent=1)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("demo", "acceptance"):
        sys.stderr.write(__doc__)
        return 2
    out = argv[2]
    os.makedirs(out, exist_ok=True)
    (build_demo if argv[1] == "demo" else build_acceptance)(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
