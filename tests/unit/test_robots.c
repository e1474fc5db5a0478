/* Tests for crawl/robots: the RFC 9309 examples, Google's documented
 * precedence and path-matching examples, group selection for our product
 * token, Crawl-delay, encodings of the file, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "crawl/robots.h"

#define AGENT "govinspect"

typedef struct pcase {
    const char *path;
    bool allowed;
} pcase;

/* Parses text for agent and checks every path. */
static void check(const char *text, const char *agent, const pcase *c, size_t n) {
    robots *r = robots_parse(text, strlen(text), agent);
    assert_non_null(r);
    for (size_t i = 0; i < n; i++)
        if (robots_allowed(r, c[i].path) != c[i].allowed)
            fail_msg("agent %s, path %s: want %s\n--- robots.txt ---\n%s", agent, c[i].path,
                     c[i].allowed ? "allowed" : "disallowed", text);
    robots_free(r);
}

#define CHECK(text, agent, table) check(text, agent, table, sizeof table / sizeof table[0])

/* One rule pair, one path: Google's precedence table. */
static void check_pair(const char *allow, const char *disallow, const char *path, bool want) {
    char text[256];
    snprintf(text, sizeof text, "user-agent: *\nallow: %s\ndisallow: %s\n", allow, disallow);
    pcase c[] = {{path, want}};
    check(text, AGENT, c, 1);
    /* the order of the lines does not matter */
    snprintf(text, sizeof text, "user-agent: *\ndisallow: %s\nallow: %s\n", disallow, allow);
    check(text, AGENT, c, 1);
}

/* ---- RFC 9309 ----------------------------------------------------------- */

static const char rfc_example[] =
    "User-Agent: *\n"
    "Disallow: *.gif$\n"
    "Disallow: /example/\n"
    "Allow: /publications/\n"
    "\n"
    "User-Agent: foobot\n"
    "Disallow:/\n"
    "Allow:/example/page.html\n"
    "Allow:/example/allowed.gif\n"
    "\n"
    "User-Agent: barbot\n"
    "User-Agent: bazbot\n"
    "Disallow: /example/page.html\n"
    "\n"
    "User-Agent: quxbot\n"
    "\n"
    "EOF\n";

static void test_rfc9309_example(void **state) {
    (void)state;
    static const pcase star[] = {
        {"/", true},
        {"/a.gif", false},
        {"/x/y.gif", false},
        {"/a.gif?x", true}, /* "$" anchors */
        {"/a.gifs", true},
        {"/example/", false},
        {"/example/page.html", false},
        {"/publications/", true},
        {"/publications/a.gif", true}, /* /publications/ is longer than *.gif$ */
        {"/publications/x.html", true},
    };
    CHECK(rfc_example, AGENT, star);
    static const pcase foobot[] = {
        {"/", false},
        {"/example/page.html", true},
        {"/example/allowed.gif", true},
        {"/example/other.html", false},
        {"/publications/", false},
    };
    CHECK(rfc_example, "foobot", foobot);
    CHECK(rfc_example, "FooBot", foobot);
    CHECK(rfc_example, "foobot/2.1", foobot);
    static const pcase barbot[] = {
        {"/", true},
        {"/example/page.html", false},
        {"/example/other.html", true},
        {"/a.gif", true},
    };
    CHECK(rfc_example, "barbot", barbot);
    CHECK(rfc_example, "bazbot", barbot);
    static const pcase quxbot[] = {
        {"/", true}, {"/example/page.html", true}, {"/a.gif", true}};
    CHECK(rfc_example, "quxbot", quxbot);
}

/* RFC 9309 2.2.2: paths and patterns compared percent-encoded. */
static void test_rfc9309_encoding(void **state) {
    (void)state;
    static const pcase q[] = {
        {"/foo/bar?baz=quz", false}, {"/foo/bar?baz=", true}, {"/foo/bar", true}};
    CHECK("user-agent: *\ndisallow: /foo/bar?baz=quz\n", AGENT, q);
    static const pcase tsu[] = {
        {"/foo/bar/%E3%83%84", false},
        {"/foo/bar/%e3%83%84", false},
        {"/foo/bar/ツ", false},
        {"/foo/bar/", true},
    };
    CHECK("user-agent: *\ndisallow: /foo/bar/ツ\n", AGENT, tsu);
    CHECK("user-agent: *\ndisallow: /foo/bar/%E3%83%84\n", AGENT, tsu);
    static const pcase baz[] = {{"/foo/bar/baz", false}, {"/foo/bar/%62%61%7A", false}};
    CHECK("user-agent: *\ndisallow: /foo/bar/%62%61%7A\n", AGENT, baz);
    /* Chinese paths in either form */
    static const pcase zh[] = {
        {"/政务公开/a.html", false},
        {"/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/a.html", false},
        {"/政务/", true},
    };
    CHECK("user-agent: *\ndisallow: /政务公开/\n", AGENT, zh);
    CHECK("user-agent: *\ndisallow: /%e6%94%bf%e5%8a%a1%e5%85%ac%e5%bc%80/\n", AGENT, zh);
    /* a reserved character escaped is not the character */
    static const pcase slash[] = {{"/a%2Fb", false}, {"/a/b", true}};
    CHECK("user-agent: *\ndisallow: /a%2fb\n", AGENT, slash);
}

/* RFC 9309 2.2.3: special characters. */
static void test_rfc9309_special_characters(void **state) {
    (void)state;
    static const pcase exact[] = {
        {"/this/path/exactly", false},
        {"/this/path/exactly/", true},
        {"/this/path/exactly?x", true},
        {"/this/path/exactl", true},
    };
    CHECK("User-agent: *\ndisallow: /this/path/exactly$ # comment\n", AGENT, exact);
    static const pcase c[] = {
        {"/this/path/exactly", false},
        {"/this/path/exactly/", false}, /* the pattern is a prefix */
        {"/this/any/exactly", false},
        {"/this/a/b/exactly", false},
        {"/this/exactly", true},
        {"/that/a/exactly", true},
        {"/path/file-with-a-*.html", false},
        {"/path/file-with-a-%2A.html", false},
        {"/path/file-with-a-x.html", true},
        {"/path/foo-$", false},
        {"/path/foo-", true},
        {"/path/foo-bar", true},
        {"/", true},
    };
    CHECK("User-agent: *\n"
          "disallow: /this/path/exactly$ # comment\n"
          "disallow: /this/*/exactly\n"
          "# comment on its own line\n"
          "disallow: /path/file-with-a-%2A.html\n"
          "disallow: /path/foo-%24\n",
          AGENT, c);
    /* "$" inside a pattern is a literal character */
    static const pcase mid[] = {{"/a$b", false}, {"/ab", true}, {"/a", true}};
    CHECK("user-agent: *\ndisallow: /a$b\n", AGENT, mid);
}

/* ---- Google's documentation --------------------------------------------- */

static void test_google_precedence(void **state) {
    (void)state;
    check_pair("/p", "/", "/page", true);
    check_pair("/folder", "/folder", "/folder/page", true);
    check_pair("/page", "/*.htm", "/page.htm", false);
    check_pair("/page", "/*.ph", "/page.php5", true);
    check_pair("/$", "/", "/", true);
    check_pair("/$", "/", "/page.htm", false);
    /* a longer Allow inside a Disallowed folder */
    check_pair("/private/public/", "/private/", "/private/public/a.html", true);
    check_pair("/private/public/", "/private/", "/private/secret.html", false);
}

static void test_google_path_examples(void **state) {
    (void)state;
    static const pcase fish[] = {
        {"/fish", false},         {"/fish.html", false},
        {"/fish/salmon.html", false}, {"/fishheads", false},
        {"/fishheads/yummy.html", false}, {"/fish.php?id=anything", false},
        {"/Fish.asp", true},      {"/catfish", true},
        {"/?id=fish", true},      {"/desert/fish", true},
    };
    CHECK("user-agent: *\ndisallow: /fish\n", AGENT, fish);
    CHECK("user-agent: *\ndisallow: /fish*\n", AGENT, fish);
    static const pcase fishdir[] = {
        {"/fish/", false},      {"/fish/?id=anything", false},
        {"/fish/salmon.htm", false}, {"/fish", true},
        {"/fish.html", true},   {"/animals/fish/", true},
        {"/Fish/Salmon.asp", true},
    };
    CHECK("user-agent: *\ndisallow: /fish/\n", AGENT, fishdir);
    static const pcase php[] = {
        {"/index.php", false},
        {"/filename.php", false},
        {"/folder/filename.php", false},
        {"/folder/filename.php?parameters", false},
        {"/folder/any.php.file.html", false},
        {"/filename.php/", false},
        {"/", true},
        {"/windows.PHP", true},
    };
    CHECK("user-agent: *\ndisallow: /*.php\n", AGENT, php);
    static const pcase phpend[] = {
        {"/filename.php", false},
        {"/folder/filename.php", false},
        {"/filename.php?parameters", true},
        {"/filename.php/", true},
        {"/filename.php5", true},
        {"/windows.PHP", true},
    };
    CHECK("user-agent: *\ndisallow: /*.php$\n", AGENT, phpend);
    static const pcase fishphp[] = {
        {"/fish.php", false},
        {"/fishheads/catfish.php?parameters", false},
        {"/Fish.PHP", true},
        {"/fish.html", true},
    };
    CHECK("user-agent: *\ndisallow: /fish*.php\n", AGENT, fishphp);
}

static void test_wildcards(void **state) {
    (void)state;
    static const pcase c[] = {
        {"/a/b.pdf", false},
        {"/a/b.pdf?x=1", false},
        {"/search?q=1", false},
        {"/index.html", true},
        {"/a/x.doc", true},
        {"/a/x.docx", false},
        {"/admin", true},
        {"/admin/", false},
        {"/x/admin/y", false},
    };
    CHECK("user-agent: *\n"
          "disallow: /*.pdf\n"
          "disallow: /*?\n"
          "disallow: /*.doc*x$\n"
          "disallow: /**admin/\n"
          "disallow: *x/admin/y$\n",
          AGENT, c);
    /* a lone star, slash-star and slash all disallow everything */
    static const pcase all[] = {{"/", false}, {"/a", false}, {"/robots.txt", true}};
    CHECK("user-agent: *\ndisallow: *\n", AGENT, all);
    CHECK("user-agent: *\ndisallow: /*\n", AGENT, all);
    CHECK("user-agent: *\ndisallow: /\n", AGENT, all);
}

/* ---- groups ------------------------------------------------------------- */

static void test_agent_selection(void **state) {
    (void)state;
    static const char text[] =
        "User-agent: *\n"
        "Disallow: /a/\n"
        "\n"
        "User-agent: GovInspect/1.0\n"
        "Disallow: /b/\n"
        "\n"
        "User-agent: Baiduspider\n"
        "Disallow: /\n"
        "\n"
        "user-agent: govinspect\n"
        "disallow: /c/\n"
        "\n"
        "User-agent: govinspect-bot\n"
        "Disallow: /d/\n";
    static const pcase ours[] = {
        {"/a/", true}, {"/b/", false}, {"/c/", false}, {"/d/", true}, {"/", true}};
    CHECK(text, "govinspect", ours);
    CHECK(text, "GOVINSPECT", ours);
    CHECK(text, "govinspect/0.1 (+https://example.org)", ours);
    static const pcase other[] = {
        {"/a/", false}, {"/b/", true}, {"/c/", true}, {"/d/", true}, {"/", true}};
    CHECK(text, "otherbot", other);
    static const pcase baidu[] = {{"/a/", false}, {"/", false}};
    CHECK(text, "Baiduspider", baidu);
    /* our group wins even when empty */
    static const pcase empty_group[] = {{"/", true}, {"/x", true}};
    CHECK("user-agent: *\ndisallow: /\n\nuser-agent: govinspect\n", AGENT, empty_group);
    CHECK("user-agent: govinspect\ndisallow:\nuser-agent: *\ndisallow: /\n", AGENT, empty_group);
    /* but blank lines do not end a list of user-agent lines (RFC 9309's
     * grammar): here both agents share the rule */
    static const pcase shared[] = {{"/", false}};
    CHECK("user-agent: govinspect\n\nuser-agent: *\ndisallow: /\n", AGENT, shared);
    /* no "*" group and not named: everything allowed */
    CHECK("user-agent: baiduspider\ndisallow: /\n", AGENT, empty_group);
}

static void test_group_structure(void **state) {
    (void)state;
    /* one group naming both */
    static const pcase both[] = {{"/x", false}, {"/y", true}};
    CHECK("user-agent: baiduspider\nuser-agent: govinspect\nuser-agent: *\ndisallow: /x\n", AGENT,
          both);
    CHECK("user-agent: baiduspider\nuser-agent: govinspect\nuser-agent: *\ndisallow: /x\n",
          "other", both);
    /* a user-agent line after a rule starts a new group */
    static const pcase split[] = {{"/a", false}, {"/b", true}};
    CHECK("user-agent: govinspect\ndisallow: /a\nuser-agent: other\ndisallow: /b\n", AGENT, split);
    /* rules before any user-agent line belong to no group */
    static const pcase before[] = {{"/a", true}, {"/b", false}};
    CHECK("disallow: /a\nuser-agent: *\ndisallow: /b\n", AGENT, before);
    /* sitemap and unknown lines neither end the agent list nor the group */
    static const pcase sitemap[] = {{"/x", false}, {"/y", false}};
    CHECK("user-agent: baiduspider\nsitemap: http://www.x.gov.cn/sitemap.xml\n"
          "user-agent: govinspect\ndisallow: /x\nhost: www.x.gov.cn\ndisallow: /y\n",
          AGENT, sitemap);
    /* empty lines do not end a group (RFC 9309) */
    static const pcase blank[] = {{"/x", false}, {"/y", false}};
    CHECK("user-agent: *\n\ndisallow: /x\n\n\ndisallow: /y\n", AGENT, blank);
    /* empty Disallow: allows everything */
    static const pcase none[] = {{"/", true}, {"/x", true}};
    CHECK("user-agent: *\ndisallow:\n", AGENT, none);
    CHECK("user-agent: *\ndisallow: \nallow:\n", AGENT, none);
    CHECK("user-agent: *\ndisallow: $\n", AGENT, none);
}

static void test_syntax_leniency(void **state) {
    (void)state;
    static const pcase c[] = {{"/a/x", false}, {"/b/x", false}, {"/c/x", false},
                              {"/d/x", false}, {"/e/x", true},  {"/f/x", false},
                              {"/g", true}};
    CHECK("\xEF\xBB\xBFUSER-AGENT : *   # us all\r\n"
          "DISALLOW:/a/\r\n"
          "\tDisallow :  /b/   \r"
          "dissallow: /c/\n"
          "Disallow /d/\n"
          "Disallow# /e/\n"
          "disallow: f/\n"
          "this is not a robots.txt line\n"
          "<html><body>404</body></html>\n",
          AGENT, c);
    static const pcase ua[] = {{"/x", false}};
    CHECK("useragent: govinspect\ndisallow: /x\n", AGENT, ua);
    CHECK("User agent: govinspect\ndisallow: /x\n", AGENT, ua);
    /* /robots.txt itself is always allowed */
    static const pcase self[] = {{"/robots.txt", true}, {"/robots.txt?x", false}};
    CHECK("user-agent: *\ndisallow: /\n", AGENT, self);
    /* paths without a leading slash, with a fragment, empty */
    static const pcase paths[] = {
        {"x/y", false}, {"", true}, {"/x#frag", false}, {"/y#/x", true}};
    CHECK("user-agent: *\ndisallow: /x\nallow: /$\n", AGENT, paths);
}

/* ---- Crawl-delay -------------------------------------------------------- */

static long delay_of(const char *text, const char *agent) {
    robots *r = robots_parse(text, strlen(text), agent);
    assert_non_null(r);
    long d = robots_crawl_delay_ms(r);
    robots_free(r);
    return d;
}

static void test_crawl_delay(void **state) {
    (void)state;
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 10\n", AGENT), 10000);
    assert_int_equal(delay_of("user-agent: *\nCrawl-Delay: 0.5\n", AGENT), 500);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: .25\n", AGENT), 250);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 2.0005\n", AGENT), 2000);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 0\n", AGENT), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawldelay: 3 # slow\n", AGENT), 3000);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: abc\n", AGENT), -1);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: -1\n", AGENT), -1);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 1.5s\n", AGENT), -1);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: .\n", AGENT), -1);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay:\n", AGENT), -1);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 99999999999999999999999\n", AGENT),
                     86400000L);
    /* the largest of those that apply */
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 5\ncrawl-delay: 2\n", AGENT), 5000);
    /* only our group's */
    assert_int_equal(
        delay_of("user-agent: *\ncrawl-delay: 30\n\nuser-agent: govinspect\ncrawl-delay: 1\n",
                 AGENT),
        1000);
    assert_int_equal(
        delay_of("user-agent: *\ncrawl-delay: 30\n\nuser-agent: govinspect\ndisallow: /x\n",
                 AGENT),
        -1);
    assert_int_equal(delay_of("user-agent: baiduspider\ncrawl-delay: 30\n", AGENT), -1);
    assert_int_equal(delay_of("crawl-delay: 30\nuser-agent: *\n", AGENT), -1);
    assert_int_equal(delay_of("", AGENT), -1);
}

/* ---- hostile input ------------------------------------------------------ */

static void test_empty_and_allow_all(void **state) {
    (void)state;
    static const pcase c[] = {{"/", true}, {"/anything?x=1", true}};
    CHECK("", AGENT, c);
    CHECK("\xEF\xBB\xBF", AGENT, c);
    CHECK("\n\n\r\n# nothing\n", AGENT, c);
    robots *r = robots_parse(NULL, 0, AGENT);
    assert_non_null(r);
    assert_true(robots_allowed(r, "/"));
    assert_int_equal(robots_crawl_delay_ms(r), -1);
    robots_free(r);
    r = robots_parse("user-agent: *\ndisallow: /\n", 26, NULL);
    assert_non_null(r);
    assert_false(robots_allowed(r, "/x"));
    robots_free(r);
    r = robots_allow_all();
    assert_non_null(r);
    assert_true(robots_allowed(r, "/"));
    assert_true(robots_allowed(r, "/a/b?c"));
    assert_true(robots_allowed(r, NULL));
    assert_int_equal(robots_crawl_delay_ms(r), -1);
    robots_free(r);
    assert_true(robots_allowed(NULL, "/"));
    assert_int_equal(robots_crawl_delay_ms(NULL), -1);
    robots_free(NULL);
}

static void test_nul_bytes_and_length_bound(void **state) {
    (void)state;
    /* the length is the length: a NUL does not end the file */
    static const char text[] = "user-agent: *\ndisallow: /a\0b\ndisallow: /c\n";
    robots *r = robots_parse(text, sizeof text - 1, AGENT);
    assert_non_null(r);
    assert_false(robots_allowed(r, "/c"));
    assert_true(robots_allowed(r, "/ab"));
    robots_free(r);
    /* and bytes past it are not read */
    r = robots_parse("user-agent: *\ndisallow: /c\n", 14, AGENT);
    assert_true(robots_allowed(r, "/c"));
    robots_free(r);
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void test_garbage_600k(void **state) {
    (void)state;
    size_t n = 600 * 1024;
    char *buf = malloc(n);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++) buf[i] = (char)rnd();
    robots *r = robots_parse(buf, n, AGENT);
    assert_non_null(r);
    robots_allowed(r, "/");
    robots_free(r);
    /* garbage made of robots.txt words */
    static const char *words[] = {"user-agent", ":", "*", "govinspect", "disallow", "allow",
                                  "/", "$", "#", "\n", "\r", " ", "crawl-delay", "9.9", "%",
                                  "\xEF\xBB\xBF", "\xe6\x94\xbf"};
    size_t k = 0;
    while (k < n - 32) {
        const char *w = words[rnd() % (sizeof words / sizeof words[0])];
        size_t l = strlen(w);
        memcpy(buf + k, w, l);
        k += l;
    }
    r = robots_parse(buf, k, AGENT);
    assert_non_null(r);
    for (int i = 0; i < 200; i++) {
        char path[64];
        size_t pl = 0;
        while (pl < 40) {
            const char *w = words[rnd() % (sizeof words / sizeof words[0])];
            size_t l = strlen(w);
            if (pl + l >= sizeof path) break;
            memcpy(path + pl, w, l);
            pl += l;
        }
        path[pl] = '\0';
        robots_allowed(r, path);
    }
    long d = robots_crawl_delay_ms(r);
    assert_true(d == -1 || (d >= 0 && d <= 86400000L));
    robots_free(r);
    free(buf);
}

static void test_500k_cap(void **state) {
    (void)state;
    /* rules within the first 500 KiB count, rules after do not, and a line
     * cut by the cap is dropped whole */
    size_t n = 600 * 1024;
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    size_t k = (size_t)sprintf(buf, "user-agent: *\ndisallow: /early\n");
    while (k < 500 * 1024 - 60) k += (size_t)sprintf(buf + k, "# padding padding padding\n");
    buf[k++] = '#';
    while (k < 500 * 1024 - 7) buf[k++] = ' ';
    buf[k++] = '\n';
    assert_int_equal(k, 500 * 1024 - 6);
    k += (size_t)sprintf(buf + k, "disallow: /\n"); /* straddles the cap */
    while (k < n - 40) k += (size_t)sprintf(buf + k, "#\n");
    k += (size_t)sprintf(buf + k, "disallow: /late\n");
    robots *r = robots_parse(buf, k, AGENT);
    assert_non_null(r);
    assert_false(robots_allowed(r, "/early"));
    assert_true(robots_allowed(r, "/late"));
    assert_true(robots_allowed(r, "/other"));
    robots_free(r);
    free(buf);
}

static void test_long_lines(void **state) {
    (void)state;
    size_t n = 20000;
    char *buf = malloc(n + 100);
    assert_non_null(buf);
    size_t k = (size_t)sprintf(buf, "user-agent: *\ndisallow: /");
    memset(buf + k, 'a', 9000);
    k += 9000;
    k += (size_t)sprintf(buf + k, "\ndisallow: /b\n");
    robots *r = robots_parse(buf, k, AGENT);
    assert_true(robots_allowed(r, "/a"));
    assert_true(robots_allowed(r, "/aaaa"));
    assert_false(robots_allowed(r, "/b"));
    robots_free(r);
    free(buf);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* path (n bytes and a NUL) as "/aaa...a" must be allowed and "/aaa...ab"
 * disallowed, both within limit_ms. */
static void check_fast(const robots *r, char *path, size_t n, const char *what, double limit_ms) {
    path[0] = '/';
    memset(path + 1, 'a', n - 1);
    path[n] = '\0';
    double t0 = now_ms();
    assert_true(robots_allowed(r, path));
    path[n - 1] = 'b';
    assert_false(robots_allowed(r, path));
    double ms = now_ms() - t0;
    print_message("%s: %.1f ms\n", what, ms);
    assert_true(ms < limit_ms);
}

static void test_pathological_pattern(void **state) {
    (void)state;
    /* "*a*a*a...*b" against "/aaaa...": exponential for a naive matcher */
    char text[4096];
    size_t k = (size_t)sprintf(text, "user-agent: *\ndisallow: /");
    for (int i = 0; i < 500; i++) k += (size_t)sprintf(text + k, "*a");
    k += (size_t)sprintf(text + k, "*b\n");
    robots *r = robots_parse(text, k, AGENT);
    char path[4001];
    check_fast(r, path, 4000, "pathological pattern", 2000);
    robots_free(r);
}

/* Found in the fuzzing sweep (tests/fuzz): 120 rules of 4 KiB, a slash, a
 * star, 4,000 a's and a b, against an 8 KiB path of a's cost backtracking
 * O(|rule|·|path|) each: 31 s for one URL under ASan. Linear now. */
static void test_many_long_rules(void **state) {
    (void)state;
    size_t cap = 500 * 1024, k = 0;
    char *text = malloc(cap + 1);
    assert_non_null(text);
    k += (size_t)sprintf(text, "user-agent: *\n");
    while (k + 4100 < cap) {
        k += (size_t)sprintf(text + k, "disallow: /*");
        memset(text + k, 'a', 4000);
        k += 4000;
        k += (size_t)sprintf(text + k, "b\n");
    }
    robots *r = robots_parse(text, k, AGENT);
    char *path = malloc(8002);
    assert_non_null(path);
    check_fast(r, path, 8001, "120 rules of 4 KiB, 8 KiB path", 5000); /* was 31,000 */
    robots_free(r);
    free(path);
    free(text);
    /* leftmost runs: the matcher must still find later places */
    static const pcase c[] = {
        {"/ab/ab/c", false}, {"/abab", false}, {"/ab", true},  {"/xabyab", false},
        {"/aab", true},      {"/cab", false},  {"/ca", true},  {"/cabab", false},
    };
    CHECK("user-agent: *\ndisallow: /*ab*ab\ndisallow: /*ab/c$\ndisallow: /c*ab$\n", AGENT, c);
}

static void test_speed(void **state) {
    (void)state;
    static const char text[] = "User-agent: *\n"
                               "Disallow: /admin/\n"
                               "Disallow: /cms/\n"
                               "Disallow: /*.php$\n"
                               "Disallow: /*?keyword=\n"
                               "Allow: /cms/public/\n"
                               "Disallow: /search/\n"
                               "Crawl-delay: 1\n";
    robots *r = robots_parse(text, sizeof text - 1, AGENT);
    long iters = 200000;
    long allowed = 0;
    double t0 = now_ms();
    for (long i = 0; i < iters; i++)
        allowed += robots_allowed(r, i % 2 ? "/art/2024/3/15/art_123_456789.html"
                                           : "/module/search/index.jsp?keyword=%E6%94%BF");
    double per = (now_ms() - t0) * 1e6 / (double)iters;
    print_message("robots_allowed: %.0f ns/call (%ld allowed)\n", per, allowed);
    robots_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc9309_example),
        cmocka_unit_test(test_rfc9309_encoding),
        cmocka_unit_test(test_rfc9309_special_characters),
        cmocka_unit_test(test_google_precedence),
        cmocka_unit_test(test_google_path_examples),
        cmocka_unit_test(test_wildcards),
        cmocka_unit_test(test_agent_selection),
        cmocka_unit_test(test_group_structure),
        cmocka_unit_test(test_syntax_leniency),
        cmocka_unit_test(test_crawl_delay),
        cmocka_unit_test(test_empty_and_allow_all),
        cmocka_unit_test(test_nul_bytes_and_length_bound),
        cmocka_unit_test(test_garbage_600k),
        cmocka_unit_test(test_500k_cap),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_pathological_pattern),
        cmocka_unit_test(test_many_long_rules),
        cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
