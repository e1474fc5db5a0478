#!/usr/bin/env python3
"""Generates a synthetic Chinese government website for the crawl benchmark.

    gen_site.py OUT_DIR PAGES [--seed N]

Writes, under OUT_DIR:
  site/                 the site www.bench.gov.cn (served by nginx)
  ext/HOST/             the few "live" external hosts (www.gov.cn, ...)
  hosts                 an /etc/hosts for the benchmark's network namespace
  expected_broken.tsv   every broken link URL: url, kind, pages that link it
  expected_live_ext.txt the external URLs that must NOT be reported broken
  site.json             counts (pages, articles, files, links)

The site looks like a TRS-WCM portal of a city government: a homepage with
navigation to ten columns and the latest items of each, paginated column
lists (index.html, index_1.html, ..., 20 dated items a page, with a page bar
of 首页/上一页/numbers/下一页/尾页), articles at /COL/YYYYMM/tYYYYMMDD_ID.html
with 5-20 KB of Chinese text, images W0....jpg and attachments P0....pdf/.doc
beside them, breadcrumbs with relative links (../../), 上一篇/下一篇, and a
header and footer on every page (logo, nav, 网站地图, 联系我们, 中国政府网,
党政机关标识, ICP and 公安备案 links). It also holds links that are not
broken and must not be reported: mailto:, tel:, javascript:, #top, a
directory link without its slash (nginx answers 301), query strings.

Known broken links (distinct URLs):
  internal: one per 50 pages (at least 10): missing articles, attachments,
            images and list pages (404);
  external: 35 URLs on hosts whose address refuses connections (32 named
            hosts mapped to 127.0.0.2 in `hosts`, 3 literal 127.0.0.1 URLs
            on a closed port), one of them in the footer of every page,
            plus 5 missing pages on a live external host (404).
Everything is deterministic for a given seed.
"""
import argparse
import calendar
import datetime
import json
import os
import random
import sys

SITE = "www.bench.gov.cn"
SITE_URL = "http://" + SITE
DEAD_ADDR = "127.0.0.2"        # nothing listens there
CLOSED_PORT = 9                # nothing listens on 127.0.0.1:9 either

COLUMNS = [  # (dir, name, weight)
    ("gzdt", "工作动态", 5), ("tzgg", "通知公告", 3), ("zcwj", "政策文件", 2),
    ("zcjd", "政策解读", 1), ("rsxx", "人事信息", 1), ("czzj", "财政资金", 1),
    ("jyta", "建议提案办理", 1), ("tjsj", "统计数据", 1), ("ghjh", "规划计划", 1),
    ("hygq", "回应关切", 1),
]

LIVE_EXT = {  # host -> paths that exist (served 200)
    "www.gov.cn": ["/", "/zhengce/index.htm", "/hudong/index.htm"],
    "www.conac.cn": ["/"],
    "bszs.conac.cn": ["/sitename"],
    "beian.miit.gov.cn": ["/"],
    "www.beian.gov.cn": ["/portal/registerSystemInfo"],
    "www.shaanxi.gov.cn": ["/"],
    "www.sndrc.gov.cn": ["/"],
    "czt.shaanxi.gov.cn": ["/"],
    "tjj.shaanxi.gov.cn": ["/"],
}

# Pieces of 政务 prose; sentences are random combinations.
SUBJ = ["市政府", "市发展改革委", "市财政局", "市教育局", "市卫生健康委", "市生态环境局", "市交通运输局",
        "市住房城乡建设局", "市农业农村局", "市商务局", "市应急管理局", "市市场监管局", "各县区政府",
        "市人力资源社会保障局", "市自然资源局", "市水利局", "市文化和旅游局", "市统计局", "市审计局",
        "市政务服务中心", "市数据局", "市民政局", "市司法局", "市科技局", "市工业和信息化局"]
VERB = ["召开", "部署", "推进", "印发", "组织开展", "深入落实", "专题研究", "全面启动", "扎实推进",
        "督导检查", "总结表彰", "统筹协调", "持续深化", "加快推进", "安排部署"]
OBJ = ["优化营商环境工作", "“放管服”改革", "疫情防控和经济社会发展工作", "安全生产大检查",
       "乡村振兴战略", "黄河流域生态保护和高质量发展", "城乡环境综合整治", "重点项目建设",
       "民生实事", "政务公开工作", "“互联网+政务服务”", "减税降费政策落实", "防汛抗旱工作",
       "脱贫攻坚成果巩固", "老旧小区改造", "义务教育均衡发展", "基层医疗卫生服务能力提升",
       "12345政务服务便民热线整合", "秋冬季大气污染综合治理", "稳就业保民生", "一网通办",
       "财政预算执行", "审计整改", "招商引资", "数字政府建设", "农村人居环境整治"]
TAIL = ["会议强调，要提高政治站位，压实工作责任，确保各项任务落地见效。",
        "会议指出，各部门要加强协调配合，形成工作合力。",
        "要坚持问题导向，聚焦群众反映强烈的突出问题，逐项建立台账，限期整改到位。",
        "要严格落实主体责任，细化工作措施，明确时间节点，确保按期完成目标任务。",
        "各县区、各部门要结合实际，制定具体实施方案，并于每月5日前报送工作进展情况。",
        "要加大宣传力度，通过政府网站、政务新媒体等渠道及时发布政策信息，回应社会关切。",
        "要建立健全长效机制，推动工作制度化、规范化、常态化。",
        "截至目前，全市累计完成投资128.6亿元，同比增长12.3%，占年度计划的67.5%。",
        "下一步，将持续巩固提升工作成效，以更加务实的举措推动高质量发展。",
        "对工作推进不力、敷衍塞责的单位和个人，将依规依纪严肃追责问责。",
        "群众可通过12345政务服务便民热线反映相关问题，办理结果将及时向社会公开。",
        "本通知自印发之日起施行，有效期五年。此前有关规定与本通知不一致的，以本通知为准。"]
TITLE_PRE = ["关于", "关于进一步", "关于做好", "关于印发", "关于加强", "关于开展", ""]
TITLE_POST = ["的通知", "的实施意见", "工作方案", "的情况通报", "的公示", "会议召开", "取得阶段性成效",
              "的公告", "工作推进会召开", "的解读"]


def sentence(r):
    return (r.choice(SUBJ) + r.choice(VERB) + r.choice(OBJ) + "。" + r.choice(TAIL))


def title(r):
    return r.choice(TITLE_PRE) + r.choice(SUBJ).removeprefix("市") + r.choice(OBJ).replace("“", "").replace("”", "") + r.choice(TITLE_POST)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class Site:
    def __init__(self, out, pages, seed):
        self.out = out
        self.r = random.Random(seed)
        self.pages_target = pages
        self.files = 0
        self.links_written = 0
        self.broken = {}   # url -> [kind, set(pages)]

    # -- output ----------------------------------------------------------
    def write(self, rel, data, binary=False, when=(2020, 8, 10)):
        """Writes a file of the site with its publication date as mtime, one
        second apart per file: nginx's ETag (mtime-size) is then unique per
        file as on a real site, whose files were written over years (wget2
        does not parse a page whose ETag it has already seen)."""
        p = os.path.join(self.out, "site", rel.lstrip("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if binary else data.encode("utf-8"))
        t = calendar.timegm(datetime.date(*when).timetuple()) - 8 * 3600 + self.files % 86400
        os.utime(p, (t, t))
        self.files += 1

    def add_broken(self, url, kind, page_url):
        e = self.broken.setdefault(url, [kind, set()])
        e[1].add(page_url)

    # -- plan -------------------------------------------------------------
    def plan(self):
        r = self.r
        fixed = 4  # homepage, 网站地图, 联系我们, 站内搜索
        # articles + ceil(articles_in_col / 20) list pages per column == pages - fixed
        total_w = sum(w for _, _, w in COLUMNS)
        best = None
        for a in range(max(10, (self.pages_target - fixed) * 20 // 21 - 30), self.pages_target):
            per = self.split(a, total_w)
            lists = sum(max(1, -(-n // 20)) for n in per)
            if a + lists + fixed == self.pages_target:
                best = (a, per)
                break
            if a + lists + fixed > self.pages_target:
                break
        if best is None:  # round to the nearest possible
            a = (self.pages_target - fixed) * 20 // 21
            best = (a, self.split(a, total_w))
        self.narticles, per = best
        # dates: newest first, from the as-of date back
        self.cols = []
        aid = 100000
        for (d, name, _), n in zip(COLUMNS, per):
            items = []
            for i in range(n):
                day_back = i * 2000 // max(n, 1) + r.randrange(0, 2)
                y, m, dd = date_back(2020, 8, 10, day_back)
                aid += 1
                items.append({"id": aid, "y": y, "m": m, "d": dd, "title": title(r),
                              "url": "/%s/%04d%02d/t%04d%02d%02d_%d.html" % (d, y, m, y, m, dd, aid)})
            self.cols.append({"dir": d, "name": name, "items": items,
                              "npages": max(1, -(-n // 20))})
        self.list_pages = sum(c["npages"] for c in self.cols)
        self.npages = self.narticles + self.list_pages + fixed

    @staticmethod
    def split(a, total_w):
        per = [a * w // total_w for _, _, w in COLUMNS]
        per[0] += a - sum(per)
        return per

    # -- broken links to plant ----------------------------------------------
    def plan_broken(self):
        r = self.r
        n_int = max(10, self.npages // 50)
        self.int_broken = []  # (url as written relative to page, absolute url, kind)
        kinds = ["article"] * 4 + ["pdf", "doc", "pdf"] + ["image"] * 2 + ["listpage"]
        for i in range(n_int):
            kind = kinds[i % len(kinds)]
            col = self.cols[i % len(self.cols)]
            y, m, dd = date_back(2020, 8, 10, r.randrange(0, 1500))
            nid = 900000 + i
            if kind == "article":
                path = "/%s/%04d%02d/t%04d%02d%02d_%d.html" % (col["dir"], y, m, y, m, dd, nid)
            elif kind in ("pdf", "doc"):
                path = "/%s/%04d%02d/P02020%02d%02d%06d.%s" % (col["dir"], y, m, m, dd, nid, kind)
            elif kind == "image":
                path = "/%s/%04d%02d/W02020%02d%02d%06d.jpg" % (col["dir"], y, m, m, dd, nid)
            else:
                path = "/%s/index_%d.html" % (col["dir"], col["npages"] + 5 + i)
            self.int_broken.append((path, kind))
        # external: 32 dead named hosts, 3 literal addresses on a closed port
        self.ext_dead = []
        for i in range(32):
            host = "www.old-dept%02d.gov.cn" % (i + 1) if i % 2 == 0 else "ext%02d.sxzwfw.gov.cn" % (i + 1)
            path = r.choice(["/", "/index.html", "/xxgk/index.htm", "/art/2019/3/15/art_%d.html" % (1000 + i),
                             "/col/col%d/index.html" % (200 + i)])
            self.ext_dead.append("http://%s%s" % (host, path))
        for i in range(3):
            self.ext_dead.append("http://127.0.0.1:%d/oa/doc%d.html" % (CLOSED_PORT, i + 1))
        self.ext_404 = ["http://www.gov.cn/zhengce/content/2016-0%d/1%d/content_50%d.htm" % (i + 1, i, 10000 + i)
                        for i in range(5)]
        self.dead_hosts = sorted({u.split("/")[2] for u in self.ext_dead if not u.startswith("http://127.")})
        # The footer carries one dead external link on every page, the homepage another.
        self.footer_dead = self.ext_dead[0]
        self.home_dead = self.ext_dead[1]
        self.home_int_broken = self.int_broken[0]
        # The rest are spread over articles: 1-3 pages each.
        self.article_extra = {}  # article id -> list of (href, text, kind, abs_url)
        all_items = [it for c in self.cols for it in c["items"]]
        for path, kind in self.int_broken[1:]:
            for it in r.sample(all_items, r.randint(1, 2)):
                self.article_extra.setdefault(it["id"], []).append((path, kind))
        for u in self.ext_dead[2:] + self.ext_404:
            for it in r.sample(all_items, r.randint(1, 3)):
                self.article_extra.setdefault(it["id"], []).append((u, "external"))

    # -- templates ------------------------------------------------------------
    def head(self, ttl, rel_root):
        return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"SiteName\" content=\"榆林市人民政府（基准测试站）\">\n"
                "<meta name=\"SiteDomain\" content=\"%s\">\n<meta name=\"SiteIDCode\" content=\"6108000001\">\n"
                "<title>%s</title>\n<link rel=\"stylesheet\" href=\"/css/style.css\">\n"
                "<script src=\"/js/common.js\"></script>\n</head>\n<body>\n"
                % (SITE, esc(ttl)))

    def header(self, page_url):
        nav = "".join('<li><a href="/%s/">%s</a></li>' % (c["dir"], c["name"]) for c in self.cols)
        return ("<div class=\"top\"><a name=\"top\"></a><span>今天是2020年8月10日</span> "
                "<a href=\"javascript:void(0)\" onclick=\"addFav()\">加入收藏</a> "
                "<a href=\"/wzdt/\">网站地图</a> <a href=\"/\">首页</a></div>\n"
                "<div class=\"header\"><a href=\"/\"><img src=\"/images/logo.png\" alt=\"榆林市人民政府\"></a>"
                "<form action=\"/search/\" method=\"get\"><input name=\"q\"><button>搜索</button></form></div>\n"
                "<ul class=\"nav\"><li><a href=\"/index.html\">首页</a></li>%s</ul>\n" % nav)

    def footer(self, page_url):
        self.add_broken(self.footer_dead, "external-dead", page_url)
        return ("<div class=\"footer\">\n<p><a href=\"/wzdt/\">网站地图</a> | <a href=\"/lxwm/\">联系我们</a> | "
                "<a href=\"mailto:webmaster@bench.gov.cn\">网站纠错</a> | <a href=\"tel:12345\">12345热线</a> | "
                "<a href=\"%s\">旧版政务服务网</a> | <a href=\"#top\">返回顶部</a></p>\n"
                "<p>主办：榆林市人民政府办公室　承办：榆林市数据局　网站标识码：6108000001</p>\n"
                "<p><a href=\"http://beian.miit.gov.cn/\" target=\"_blank\">陕ICP备05004567号</a>　"
                "<a href=\"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=61080202000123\" target=\"_blank\">"
                "<img src=\"/images/gh.png\" alt=\"\">陕公网安备 61080202000123号</a></p>\n"
                "<p><a href=\"http://bszs.conac.cn/sitename?method=show&amp;id=5F2A1B3C4D5E6F70\" target=\"_blank\">"
                "<img src=\"/images/conac.png\" alt=\"党政机关\"></a> <a href=\"http://www.gov.cn/\">中国政府网</a></p>\n"
                "</div>\n</body>\n</html>\n" % self.footer_dead)

    # -- pages -------------------------------------------------------------
    def gen_static(self):
        png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
        jpg = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
        for name in ("logo.png", "gh.png", "conac.png", "banner1.png", "banner2.png"):
            self.write("/images/" + name, png, binary=True)
        self.write("/css/style.css", "body{font:14px/1.8 \"Microsoft YaHei\",sans-serif}.nav li{display:inline}\n")
        self.write("/js/common.js", "function addFav(){alert('请按Ctrl+D收藏');}\n")
        self.write("/robots.txt", "User-agent: *\nDisallow:\n")
        self.write("/search/index.html", self.head("站内搜索_榆林市人民政府", "../") + self.header(SITE_URL + "/search/")
                   + "<p>请输入关键词进行搜索。</p>\n" + self.footer(SITE_URL + "/search/"))
        self.png, self.jpg = png, jpg

    def gen_home(self):
        u = SITE_URL + "/"
        parts = [self.head("榆林市人民政府", ""), self.header(u),
                 "<div class=\"banner\"><img src=\"/images/banner1.png\" alt=\"\"><img src=\"images/banner2.png\" alt=\"\"></div>\n"]
        for c in self.cols:
            parts.append("<div class=\"box\"><h2><a href=\"/%s/index.html\">%s</a> <a class=\"more\" href=\"%s/%s/\">更多&gt;&gt;</a></h2><ul>\n"
                         % (c["dir"], c["name"], SITE_URL, c["dir"]))
            for it in c["items"][:8]:
                parts.append("<li><a href=\"%s\" title=\"%s\">%s</a><span>%02d-%02d</span></li>\n"
                             % (it["url"], esc(it["title"]), esc(it["title"][:24]), it["m"], it["d"]))
            parts.append("</ul></div>\n")
        ipath, ikind = self.home_int_broken
        self.add_broken(SITE_URL + ipath, "internal-" + ikind, u)
        self.add_broken(self.home_dead, "external-dead", u)
        parts.append("<div class=\"special\"><a href=\"%s\">专题：政务公开</a> <a href=\"/zcwj\">政策文件库</a> "
                     "<a href=\"%s\">原市政府信息公开平台</a></div>\n" % (ipath, self.home_dead))
        parts.append("<div class=\"links\"><h3>友情链接</h3>"
                     "<a href=\"http://www.gov.cn/\">中国政府网</a> <a href=\"http://www.shaanxi.gov.cn/\">陕西省人民政府</a> "
                     "<a href=\"http://www.sndrc.gov.cn/\">陕西省发展和改革委员会</a> <a href=\"http://czt.shaanxi.gov.cn/\">陕西省财政厅</a> "
                     "<a href=\"http://tjj.shaanxi.gov.cn/\">陕西省统计局</a> <a href=\"http://www.conac.cn/\">中国机构编制网</a> "
                     "<a href=\"http://www.gov.cn/zhengce/index.htm\">国务院政策</a> <a href=\"http://www.gov.cn/hudong/index.htm\">国务院互动</a>"
                     "</div>\n")
        parts.append(self.footer(u))
        self.write("/index.html", "".join(parts))

    def gen_fixed(self):
        for d, ttl in (("wzdt", "网站地图"), ("lxwm", "联系我们")):
            u = "%s/%s/index.html" % (SITE_URL, d)
            body = ["<div class=\"crumb\"><a href=\"../\">首页</a> &gt; %s</div>\n<ul>" % ttl]
            if d == "wzdt":
                for c in self.cols:
                    body.append("<li><a href=\"../%s/index.html\">%s</a></li>" % (c["dir"], c["name"]))
            else:
                body.append("<li>地址：榆林市高新区世纪大道</li><li>邮编：719000</li><li>电话：0912-12345</li>"
                            "<li><a href=\"mailto:zfb@bench.gov.cn\">zfb@bench.gov.cn</a></li>")
            body.append("</ul>\n")
            self.write("/%s/index.html" % d, self.head(ttl, "../") + self.header(u) + "".join(body) + self.footer(u))

    def page_bar(self, col, p):
        n = col["npages"]

        def name(i):
            return "index.html" if i == 0 else "index_%d.html" % i
        out = ["<div class=\"page\">共%d页 " % n, "<a href=\"%s\">首页</a> " % name(0)]
        if p > 0:
            out.append("<a href=\"%s\">上一页</a> " % name(p - 1))
        for i in range(max(0, p - 5), min(n, p + 6)):
            out.append("<span>%d</span> " % (i + 1) if i == p else "<a href=\"%s\">%d</a> " % (name(i), i + 1))
        if p < n - 1:
            out.append("<a href=\"%s\">下一页</a> " % name(p + 1))
        out.append("<a href=\"%s\">尾页</a></div>\n" % name(n - 1))
        return "".join(out)

    def gen_lists(self):
        for c in self.cols:
            for p in range(c["npages"]):
                rel = "/%s/%s" % (c["dir"], "index.html" if p == 0 else "index_%d.html" % p)
                u = SITE_URL + rel
                parts = [self.head(c["name"] + "_榆林市人民政府", "../"), self.header(u),
                         "<div class=\"crumb\">当前位置：<a href=\"../../\">首页</a> &gt; <a href=\"./\">%s</a></div>\n<ul class=\"list\">\n" % c["name"]]
                for it in c["items"][p * 20:(p + 1) * 20]:
                    parts.append("<li><a href=\".%s\" target=\"_blank\" title=\"%s\">%s</a><span>%04d-%02d-%02d</span></li>\n"
                                 % (it["url"][len(c["dir"]) + 1:], esc(it["title"]), esc(it["title"]), it["y"], it["m"], it["d"]))
                if p == c["npages"] - 1 and (p + len(c["dir"])) % 3 == 0:
                    parts.append("<li>（本栏目更早的信息请查阅<a href=\"javascript:history.back()\">历史栏目</a>）</li>\n")
                parts.append("</ul>\n")
                parts.append(self.page_bar(c, p))
                parts.append(self.footer(u))
                self.write(rel, "".join(parts))

    def gen_articles(self):
        r = self.r
        for c in self.cols:
            items = c["items"]
            for k, it in enumerate(items):
                u = SITE_URL + it["url"]
                day = (it["y"], it["m"], it["d"])
                base = it["url"].rsplit("/", 1)[0]  # /col/yyyymm
                stem = "%04d%02d%02d%06d" % (it["y"], it["m"], it["d"], it["id"] % 1000000)
                parts = [self.head(it["title"] + "_" + c["name"] + "_榆林市人民政府", "../../"), self.header(u),
                         "<div class=\"crumb\">当前位置：<a href=\"../../\">首页</a> &gt; <a href=\"../\">%s</a> &gt; 正文</div>\n"
                         % c["name"],
                         "<h1>%s</h1>\n<div class=\"info\">发布日期：%04d-%02d-%02d　来源：%s　"
                         "<a href=\"javascript:window.print()\">【打印本页】</a> <a href=\"javascript:window.close()\">【关闭窗口】</a></div>\n"
                         % (esc(it["title"]), it["y"], it["m"], it["d"], r.choice(SUBJ)),
                         "<div class=\"TRS_Editor\">\n"]
                target = r.randint(5000, 20000)
                size = 0
                nimg = r.choice([0, 0, 1, 1, 2])
                para = 0
                while size < target:
                    p = "".join(sentence(r) for _ in range(r.randint(3, 7)))
                    parts.append("<p style=\"text-indent:2em\">%s</p>\n" % p)
                    size += len(p.encode("utf-8")) + 30
                    para += 1
                    if para <= nimg:
                        name = "W0%s_%d.jpg" % (stem, para)
                        self.write(base + "/" + name, self.jpg, binary=True, when=day)
                        parts.append("<p align=\"center\"><img src=\"./%s\" alt=\"\" oldsrc=\"%s\"></p>\n" % (name, name))
                parts.append("</div>\n")
                if r.random() < 0.3:
                    parts.append("<div class=\"fj\">附件：")
                    for j in range(r.randint(1, 2)):
                        ext = r.choice(["pdf", "pdf", "doc", "docx", "xls"])
                        name = "P0%s_%d.%s" % (stem, j + 1, ext)
                        self.write(base + "/" + name, b"%PDF-1.4\n%bench\n" if ext == "pdf" else b"bench attachment\n",
                                   binary=True, when=day)
                        parts.append("<a href=\"./%s\">%d.%s</a> " % (name, j + 1, esc(title(r))))
                    parts.append("</div>\n")
                extra = self.article_extra.get(it["id"], [])
                if extra:
                    parts.append("<div class=\"xglj\">相关链接：")
                    for href, kind in extra:
                        if kind == "external":
                            absu = href
                            self.add_broken(absu, "external-dead" if absu in self.ext_dead else "external-404", u)
                        else:
                            absu = SITE_URL + href
                            self.add_broken(absu, "internal-" + kind, u)
                            if r.random() < 0.5:  # write some relative to the page
                                href = rel_from(base, href)
                        tag = ("<img src=\"%s\" alt=\"\">" % href) if kind == "image" else \
                              ("<a href=\"%s\">%s</a> " % (href, esc(title(r))))
                        parts.append(tag)
                    parts.append("</div>\n")
                nav = ["<div class=\"prevnext\">"]
                if k > 0:
                    nav.append("<p>上一篇：<a href=\"%s\">%s</a></p>" % (rel_from(base, items[k - 1]["url"]), esc(items[k - 1]["title"])))
                if k + 1 < len(items):
                    nav.append("<p>下一篇：<a href=\"%s\">%s</a></p>" % (rel_from(base, items[k + 1]["url"]), esc(items[k + 1]["title"])))
                nav.append("</div>\n")
                parts.append("".join(nav))
                parts.append(self.footer(u))
                self.write(it["url"], "".join(parts), when=day)

    def gen_ext(self):
        for host, paths in LIVE_EXT.items():
            for p in paths:
                f = os.path.join(self.out, "ext", host, p.lstrip("/"))
                if p.endswith("/"):
                    f = os.path.join(f, "index.html")
                os.makedirs(os.path.dirname(f), exist_ok=True)
                with open(f, "w", encoding="utf-8") as fh:
                    fh.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head>"
                             "<body><p>%s（基准测试用的外部站点）</p></body></html>\n" % (host, host))

    def finish(self):
        with open(os.path.join(self.out, "hosts"), "w") as f:
            f.write("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
            f.write("127.0.0.1\t%s\n" % SITE)
            for h in LIVE_EXT:
                f.write("127.0.0.1\t%s\n" % h)
            for h in self.dead_hosts:
                f.write("%s\t%s\n" % (DEAD_ADDR, h))
        with open(os.path.join(self.out, "expected_broken.tsv"), "w") as f:
            f.write("url\tkind\tpages\n")
            for u in sorted(self.broken):
                kind, pages = self.broken[u]
                f.write("%s\t%s\t%d\n" % (u, kind, len(pages)))
        with open(os.path.join(self.out, "expected_live_ext.txt"), "w") as f:
            for h, paths in LIVE_EXT.items():
                for p in paths:
                    f.write("http://%s%s\n" % (h, p))
        kinds = {}
        for k, _ in self.broken.values():
            kinds[k] = kinds.get(k, 0) + 1
        info = {"site": SITE_URL + "/", "pages": self.npages, "articles": self.narticles,
                "list_pages": self.list_pages, "files": self.files, "broken": len(self.broken),
                "broken_by_kind": kinds}
        with open(os.path.join(self.out, "site.json"), "w") as f:
            json.dump(info, f, ensure_ascii=False, indent=1)
        return info


def rel_from(base_dir, path):
    """A path relative to the folder base_dir (both absolute paths)."""
    b = [x for x in base_dir.split("/") if x]
    p = [x for x in path.split("/") if x]
    i = 0
    while i < len(b) and i < len(p) - 1 and b[i] == p[i]:
        i += 1
    rel = "../" * (len(b) - i) + "/".join(p[i:])
    return rel if rel.startswith("../") else "./" + rel


def date_back(y, m, d, days):
    t = datetime.date(y, m, d) - datetime.timedelta(days=days)
    return t.year, t.month, t.day


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("pages", type=int)
    ap.add_argument("--seed", type=int, default=20200810)
    a = ap.parse_args()
    if a.pages < 50:
        sys.exit("gen_site.py: at least 50 pages")
    s = Site(a.out, a.pages, a.seed)
    s.plan()
    s.plan_broken()
    s.gen_static()
    s.gen_home()
    s.gen_fixed()
    s.gen_lists()
    s.gen_articles()
    s.gen_ext()
    info = s.finish()
    print(json.dumps(info, ensure_ascii=False))


if __name__ == "__main__":
    main()
