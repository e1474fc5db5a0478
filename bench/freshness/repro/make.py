#!/usr/bin/env python3
"""Minimal sites, one folder each, for the causes of misses and false
positives found by the freshness bench (as of 2020-08-31). make.py OUT"""
import os, sys
out = sys.argv[1]
H = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t}</title>{m}</head><body>{b}</body></html>'
def page(site, path, title, body, metas=""):
    f = os.path.join(out, site, path)
    os.makedirs(os.path.dirname(f), exist_ok=True)
    open(f, "w", encoding="utf-8").write(H.format(t=title, m=metas, b=body))
def art(site, path, title, date):
    page(site, path, title, f"<h1>{title}</h1><p>正文。</p>",
         f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 09:00">')
def nav(site, *cols):
    return '<div class="nav">' + "".join(f'<a href="/{site}/{p}">{n}</a> ' for n, p in cols) + "</div>"
fresh = ['<li><a href="/{s}/gzdt/a1.html">新闻一</a><span>2020-08-30</span></li>',
         '<li><a href="/{s}/gzdt/a2.html">新闻二</a><span>2020-08-29</span></li>',
         '<li><a href="/{s}/gzdt/a3.html">新闻三</a><span>2020-08-28</span></li>']
def news_col(s):   # a fresh top-level news column, so every homepage has a fresh dated column
    page(s, "gzdt/index.html", "工作动态", '<ul>' + "".join(x.format(s=s) for x in fresh) + '</ul>')
    for i, d in ((1, "2020-08-30"), (2, "2020-08-29"), (3, "2020-08-28")):
        art(s, f"gzdt/a{i}.html", f"新闻{i}", d)

# 1. empty list, breadcrumb 首页 -> /s/ while the navigation says /s/index.html: expect column.blank
for s, crumb in (("empty_crumb", '<a href="/empty_crumb/">首页</a> &gt; 通知公告'), ("empty_nocrumb", "首页 &gt; 通知公告")):
    page(s, "index.html", "首页", nav(s, ("首页", "index.html"), ("工作动态", "gzdt/"), ("通知公告", "tzgg/"))
         + '<ul><li><a href="/%s/gzdt/a1.html">新闻一</a><span>2020-08-30</span></li></ul>' % s)
    news_col(s)
    page(s, "tzgg/index.html", "通知公告", f'<div class="crumb">当前位置：{crumb}</div><ul class="list"></ul>')

# 2. dt/dd list (link in dt, date in dd), articles with PubDate: expect column.stale (news, newest 2020-05-10)
s = "dl_split"
page(s, "index.html", "首页", nav(s, ("工作动态", "gzdt/"), ("部门动态", "bmdt/"))
     + '<ul><li><a href="/dl_split/gzdt/a1.html">新闻一</a><span>2020-08-30</span></li></ul>')
news_col(s)
page(s, "bmdt/index.html", "部门动态", "<dl>" + "".join(
    f'<dt><a href="/dl_split/bmdt/b{i}.html">动态{i}</a></dt><dd>2020.05.{10 - i:02d}</dd>' for i in range(4)) + "</dl>")
for i in range(4):
    art(s, f"bmdt/b{i}.html", f"动态{i}", f"2020-05-{10 - i:02d}")

# 3. TRS column whose two newest items the homepage also lists: expect no column.stale (newest 2020-08-30)
s = "trs_mirror"
items = [("2020", "08", "30", 1), ("2020", "08", "25", 2), ("2020", "06", "01", 3), ("2020", "05", "02", 4), ("2020", "04", "03", 5)]
lis = ["<li><a href=\"/trs_mirror/xwdt/%s%s/t%s%s%s_%d.html\">动态%d</a></li>" % (y, m, y, m, d, n, n) for y, m, d, n in items]
page(s, "index.html", "首页", nav(s, ("新闻动态", "xwdt/")) + "<ul>" + "".join(lis[:2]) + "</ul>")
page(s, "xwdt/index.html", "新闻动态", "<ul>" + "".join(lis) + "</ul>")
for y, m, d, n in items:
    art(s, f"xwdt/{y}{m}/t{y}{m}{d}_{n}.html", f"动态{n}", f"{y}-{m}-{d}")

# 4. navigation-only homepage, its one column dated by TRS URLs only (fresh): expect no home.stale
s = "nav_trs"
items = [("2020", "08", "30", 1), ("2020", "08", "20", 2), ("2020", "07", "01", 3)]
lis = ["<li><a href=\"/nav_trs/xwdt/%s%s/t%s%s%s_%d.html\">动态%d</a></li>" % (y, m, y, m, d, n, n) for y, m, d, n in items]
page(s, "index.html", "首页", nav(s, ("新闻动态", "xwdt/"), ("通知公告", "tzgg/")))
page(s, "xwdt/index.html", "新闻动态", "<ul>" + "".join(lis) + "</ul>")
for y, m, d, n in items:
    art(s, f"xwdt/{y}{m}/t{y}{m}{d}_{n}.html", f"动态{n}", f"{y}-{m}-{d}")
page(s, "tzgg/index.html", "通知公告", '<ul><li><a href="/nav_trs/tzgg/c1.html">旧通知</a><span>2020-07-01</span></li></ul>')
art(s, "tzgg/c1.html", "旧通知", "2020-07-01")

# 5./6. 二级 columns (under a hub page, no ColumnName tag): 2 stale items; a placeholder
s = "level2"
page(s, "index.html", "首页", nav(s, ("工作动态", "gzdt/"), ("政府信息公开", "xxgk/"))
     + '<ul><li><a href="/level2/gzdt/a1.html">新闻一</a><span>2020-08-30</span></li></ul>')
news_col(s)
page(s, "xxgk/index.html", "政府信息公开", '<ul><li><a href="/level2/ghjh/">规划计划</a></li><li><a href="/level2/rsxx/">人事信息</a></li></ul>')
page(s, "ghjh/index.html", "规划计划", '<ul><li><a href="/level2/ghjh/p1.html">十三五规划</a><span>2018-03-01</span></li>'
     '<li><a href="/level2/ghjh/p2.html">年度计划</a><span>2018-02-01</span></li></ul>')
art(s, "ghjh/p1.html", "十三五规划", "2018-03-01")
art(s, "ghjh/p2.html", "年度计划", "2018-02-01")
page(s, "rsxx/index.html", "人事信息", '<div class="list"><p>暂无信息</p></div>')

# 7. homepage list without dates linking stale articles (PubDate 2020-05), nav to a fresh column: expect home.stale
s = "home_pubdate"
page(s, "index.html", "首页", nav(s, ("工作动态", "gzdt/")) + '<ul class="focus">' + "".join(
    f'<li><a href="/home_pubdate/yw/y{i}.html">要闻{i}</a></li>' for i in range(3)) + "</ul>")
news_col(s)
for i in range(3):
    art(s, f"yw/y{i}.html", f"要闻{i}", f"2020-05-0{i + 1}")

# 8. a column whose list shows no dates and whose every item the homepage also
#    lists (news block): expect no column.blank (it has items; stale if anything)
s = "mirror_blank"
lis = "".join(f'<li><a href="/mirror_blank/bmdt/b{i}.html">动态{i}</a></li>' for i in range(3))
page(s, "index.html", "首页", nav(s, ("工作动态", "gzdt/"), ("部门动态", "bmdt/"))
     + '<ul><li><a href="/mirror_blank/gzdt/a1.html">新闻一</a><span>2020-08-30</span></li></ul>'
     + f'<div class="block"><h3>部门动态</h3><ul>{lis}</ul></div>')
news_col(s)
page(s, "bmdt/index.html", "部门动态", f"<ul>{lis}</ul>")
for i in range(3):
    art(s, f"bmdt/b{i}.html", f"动态{i}", f"2020-08-2{i}")

# 9. 二级 columns with ColumnName tags and a sidebar tree of their siblings;
#    统计数据 has an empty list: expect column.blank for tjsj/
s = "sidebar"
page(s, "index.html", "首页", nav(s, ("工作动态", "gzdt/"), ("政府信息公开", "xxgk/"))
     + '<ul><li><a href="/sidebar/gzdt/a1.html">新闻一</a><span>2020-08-30</span></li></ul>')
news_col(s)
side = '<div class="side"><a href="/sidebar/tjsj/">统计数据</a><a href="/sidebar/gzbg/">工作报告</a></div>'
page(s, "xxgk/index.html", "政府信息公开", side)
page(s, "tjsj/index.html", "统计数据", side + '<ul class="list"></ul>', '<meta name="ColumnName" content="统计数据">')
page(s, "gzbg/index.html", "工作报告", side + "".join(
    f'<li><a href="/sidebar/gzbg/r{i}.html">报告{i}</a><span>2020-0{i + 1}-01</span></li>' for i in range(3)),
    '<meta name="ColumnName" content="工作报告">')
for i in range(3):
    art(s, f"gzbg/r{i}.html", f"报告{i}", f"2020-0{i + 1}-01")
