#!/usr/bin/env python3
"""Generates N new-media accounts as local files for the media benchmark.

    gen.py OUT_DIR [N]   (default N = 10000)

Writes OUT_DIR/media.csv and OUT_DIR/feeds/: a mix of JSON Feed 1.1 with
_gov (half, with comments, some of them advertising), RSS 2.0 (a quarter,
every tenth in GBK), Atom, Weibo timelines and folders of saved WeChat pages,
about 20 posts each over the four months before the as-of date 2020-08-10;
one account in eight is stale, one in a hundred is broken. Deterministic.
"""
import json, os, random, sys
from datetime import datetime, timedelta, timezone

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
rnd = random.Random(7)
tz = timezone(timedelta(hours=8))
T = datetime(2020, 8, 10, 23, 59, tzinfo=tz)
feeds = os.path.join(out, "feeds")
os.makedirs(feeds, exist_ok=True)
WORDS = "防汛 通知 公告 会议 部署 工作 动态 民生 政务 服务 疫情 防控 乡村 振兴 招聘 教育 医疗 交通".split()
COMMENTS = ["点赞！", "请问什么时候开始报名？", "办事大厅电话0912-3282123打不通", "辛苦了",
            "兼职刷单，日结300，加V：xm88996", "无抵押贷款，秒批，电话13912345678", "希望早日解决"]

def title(i):
    return "".join(rnd.choice(WORDS) for _ in range(4)) + f"（第{i}期）"

def post_times(stale):
    start = T - timedelta(days=120)
    end = T - timedelta(days=30) if stale else T
    k = rnd.randint(12, 28)
    span = (end - start).total_seconds()
    return sorted((start + timedelta(seconds=rnd.random() * span) for _ in range(k)), reverse=True)

def jsonfeed(path, name, times):
    items = []
    for i, t in enumerate(times):
        it = {"id": str(i), "url": f"https://mp.invalid/{name}/{i}", "title": title(i),
              "content_text": "正文" * rnd.randint(20, 200), "date_published": t.isoformat()}
        if rnd.random() < 0.3:
            it["_gov"] = {"comments": [{"author": "网友", "text": rnd.choice(COMMENTS),
                                        "date": (t + timedelta(hours=2)).isoformat()}
                                       for _ in range(rnd.randint(1, 6))]}
        items.append(it)
    inter = {"comments": rnd.random() > 0.05, "messages": rnd.random() > 0.05, "menu_entry": rnd.random() > 0.1}
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": name,
           "_gov": {"checked_at": "2020-08-10T10:00:00+08:00", "interaction": inter}, "items": items}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)

def rss(path, name, times, gbk):
    rows = [f'<?xml version="1.0" encoding="{"GBK" if gbk else "UTF-8"}"?>',
            '<rss version="2.0"><channel>', f"<title>{name}</title>"]
    for i, t in enumerate(times):
        rows.append(f"<item><title><![CDATA[{title(i)}]]></title><link>https://weibo.invalid/{name}/{i}</link>"
                    f"<description><![CDATA[<p>{'正文' * rnd.randint(20, 200)}</p>]]></description>"
                    f"<pubDate>{t.strftime('%a, %d %b %Y %H:%M:%S +0800')}</pubDate></item>")
    rows.append("</channel></rss>")
    with open(path, "w", encoding="gbk" if gbk else "utf-8") as f:
        f.write("\n".join(rows))

def atom(path, name, times):
    rows = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
            f"<title>{name}</title>"]
    for i, t in enumerate(times):
        rows.append(f'<entry><title>{title(i)}</title><link href="https://atom.invalid/{name}/{i}"/>'
                    f"<id>{name}-{i}</id><published>{t.isoformat()}</published>"
                    f"<content type=\"html\">&lt;p&gt;{'正文' * 50}&lt;/p&gt;</content></entry>")
    rows.append("</feed>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(rows))

def weibo(path, name, times):
    cards = [{"card_type": 9, "mblog": {"id": str(4645748019299849 + i), "bid": f"K{i}",
              "created_at": t.strftime("%a %b %d %H:%M:%S +0800 %Y"),
              "text": f"#{name}# {title(i)}<br />" + "正文" * rnd.randint(20, 100),
              "user": {"screen_name": name}}} for i, t in enumerate(times)]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"ok": 1, "data": {"cards": cards}}, f, ensure_ascii=False)

def wechat(folder, name, times):
    os.makedirs(folder, exist_ok=True)
    for i, t in enumerate(times[:8]):
        with open(os.path.join(folder, f"{i:03d}.html"), "w", encoding="utf-8") as f:
            f.write(f'<!DOCTYPE html><html><head><title>{title(i)}</title></head><body>'
                    f'<div id="js_content"><p>{"正文" * 100}</p></div><script>\n'
                    f'var nickname = "{name}";\nvar ct = "{int(t.timestamp())}";\n'
                    f'var msg_title = "{title(i)}";\n</script></body></html>')

with open(os.path.join(out, "media.csv"), "w", encoding="utf-8") as csv:
    csv.write("media_id,platform,name,unit,org,source\n")
    for k in range(n):
        mid = f"m{k:05d}"
        stale = k % 8 == 0
        times = post_times(stale)
        r = k % 20
        if k % 100 == 99:
            src, plat = f"feeds/{mid}.xml", "微博"
            with open(os.path.join(out, src), "w") as f:
                f.write("<rss><channel><title>broken")  # truncated
        elif r < 10:
            src, plat = f"feeds/{mid}.json", "微信"
            jsonfeed(os.path.join(out, src), mid, times)
        elif r < 15:
            src, plat = f"feeds/{mid}.xml", "微博"
            rss(os.path.join(out, src), mid, times, gbk=(k % 10 == 3))
        elif r < 17:
            src, plat = f"feeds/{mid}.atom", "其他"
            atom(os.path.join(out, src), mid, times)
        elif r < 19:
            src, plat = f"feeds/{mid}.wb.json", "微博"
            weibo(os.path.join(out, src), mid, times)
        else:
            src, plat = f"feeds/{mid}", "微信"
            wechat(os.path.join(out, src), mid, times)
        csv.write(f"{mid},{plat},账号{k},单位{k},测试市/区{k % 20},{src}\n")
print(f"generated {n} accounts in {out}")
