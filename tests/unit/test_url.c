/* Tests for core/url: RFC 3986 5.4 resolution examples, what real
 * government pages write in their hrefs, hosts (IDN, IPv6, ports), the
 * normal form's fixed point, site scope, government hosts, random input
 * under the sanitizers, and speed (printed, not asserted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/lang.h"
#include "core/url.h"

typedef struct rcase {
    const char *base, *ref;
    url_kind kind;
    const char *want; /* NULL for URL_INVALID */
} rcase;

static const char *kind_name(url_kind k) {
    return k == URL_HTTP ? "HTTP" : k == URL_OTHER ? "OTHER" : "INVALID";
}

static size_t run_cases(const rcase *c, size_t n) {
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        char *out = (char *)"sentinel";
        url_kind k = url_resolve(c[i].base, c[i].ref, &out);
        bool ok = k == c[i].kind &&
                  (c[i].want ? out && strcmp(out, c[i].want) == 0 : out == NULL);
        if (!ok) {
            print_error("case %zu: base <%s> ref <%s>: want %s <%s>, got %s <%s>\n", i,
                        c[i].base ? c[i].base : "(null)", c[i].ref, kind_name(c[i].kind),
                        c[i].want ? c[i].want : "(null)", kind_name(k), out ? out : "(null)");
            bad++;
        }
        /* every normal form is a fixed point */
        if (k == URL_HTTP && out) {
            char *again = url_normalize(out);
            if (!again || strcmp(again, out) != 0) {
                print_error("case %zu: <%s> normalises again to <%s>\n", i, out,
                            again ? again : "(null)");
                bad++;
            }
            free(again);
        }
        /* a base prepared once (a page's links) gives the same answer */
        url_base ub;
        url_base_init(&ub, c[i].base);
        char buf[URL_RESOLVE_BUF];
        size_t len = 99;
        url_kind k2 = url_resolve_at(&ub, c[i].ref, buf, &len);
        if (k2 != k || (k != URL_INVALID ? strcmp(buf, out) != 0 || len != strlen(out)
                                         : buf[0] != '\0' || len != 0)) {
            print_error("case %zu: url_resolve_at gives %s <%s>\n", i, kind_name(k2), buf);
            bad++;
        }
        if (k != URL_INVALID) free(out);
    }
    return bad;
}

#define RUN(table) assert_int_equal(run_cases(table, sizeof table / sizeof table[0]), 0)

/* ---- RFC 3986 5.4 ------------------------------------------------------- */

#define RFC_BASE "http://a/b/c/d;p?q"

static void test_rfc3986_normal(void **state) {
    (void)state;
    static const rcase c[] = {
        {RFC_BASE, "g:h", URL_OTHER, "g:h"},
        {RFC_BASE, "g", URL_HTTP, "http://a/b/c/g"},
        {RFC_BASE, "./g", URL_HTTP, "http://a/b/c/g"},
        {RFC_BASE, "g/", URL_HTTP, "http://a/b/c/g/"},
        {RFC_BASE, "/g", URL_HTTP, "http://a/g"},
        {RFC_BASE, "//g", URL_HTTP, "http://g/"}, /* "http://g" with its empty path as "/" */
        {RFC_BASE, "?y", URL_HTTP, "http://a/b/c/d;p?y"},
        {RFC_BASE, "g?y", URL_HTTP, "http://a/b/c/g?y"},
        {RFC_BASE, "#s", URL_HTTP, "http://a/b/c/d;p?q"}, /* fragment dropped */
        {RFC_BASE, "g#s", URL_HTTP, "http://a/b/c/g"},
        {RFC_BASE, "g?y#s", URL_HTTP, "http://a/b/c/g?y"},
        {RFC_BASE, ";x", URL_HTTP, "http://a/b/c/;x"},
        {RFC_BASE, "g;x", URL_HTTP, "http://a/b/c/g;x"},
        {RFC_BASE, "g;x?y#s", URL_HTTP, "http://a/b/c/g;x?y"},
        {RFC_BASE, "", URL_HTTP, "http://a/b/c/d;p?q"},
        {RFC_BASE, ".", URL_HTTP, "http://a/b/c/"},
        {RFC_BASE, "./", URL_HTTP, "http://a/b/c/"},
        {RFC_BASE, "..", URL_HTTP, "http://a/b/"},
        {RFC_BASE, "../", URL_HTTP, "http://a/b/"},
        {RFC_BASE, "../g", URL_HTTP, "http://a/b/g"},
        {RFC_BASE, "../..", URL_HTTP, "http://a/"},
        {RFC_BASE, "../../", URL_HTTP, "http://a/"},
        {RFC_BASE, "../../g", URL_HTTP, "http://a/g"},
    };
    RUN(c);
}

static void test_rfc3986_abnormal(void **state) {
    (void)state;
    static const rcase c[] = {
        {RFC_BASE, "../../../g", URL_HTTP, "http://a/g"},
        {RFC_BASE, "../../../../g", URL_HTTP, "http://a/g"},
        {RFC_BASE, "/./g", URL_HTTP, "http://a/g"},
        {RFC_BASE, "/../g", URL_HTTP, "http://a/g"},
        {RFC_BASE, "g.", URL_HTTP, "http://a/b/c/g."},
        {RFC_BASE, ".g", URL_HTTP, "http://a/b/c/.g"},
        {RFC_BASE, "g..", URL_HTTP, "http://a/b/c/g.."},
        {RFC_BASE, "..g", URL_HTTP, "http://a/b/c/..g"},
        {RFC_BASE, "./../g", URL_HTTP, "http://a/b/g"},
        {RFC_BASE, "./g/.", URL_HTTP, "http://a/b/c/g/"},
        {RFC_BASE, "g/./h", URL_HTTP, "http://a/b/c/g/h"},
        {RFC_BASE, "g/../h", URL_HTTP, "http://a/b/c/h"},
        {RFC_BASE, "g;x=1/./y", URL_HTTP, "http://a/b/c/g;x=1/y"},
        {RFC_BASE, "g;x=1/../y", URL_HTTP, "http://a/b/c/y"},
        {RFC_BASE, "g?y/./x", URL_HTTP, "http://a/b/c/g?y/./x"},
        {RFC_BASE, "g?y/../x", URL_HTTP, "http://a/b/c/g?y/../x"},
        {RFC_BASE, "g#s/./x", URL_HTTP, "http://a/b/c/g"},
        {RFC_BASE, "g#s/../x", URL_HTTP, "http://a/b/c/g"},
        /* RFC: "http:g" is "http:g" for strict parsers, "http://a/b/c/g" for
         * backward compatibility, which is what browsers do. */
        {RFC_BASE, "http:g", URL_HTTP, "http://a/b/c/g"},
    };
    RUN(c);
}

/* ---- real pages --------------------------------------------------------- */

#define GOV_BASE "http://www.x.gov.cn/col/col123/index.html"

static void test_whitespace_and_controls(void **state) {
    (void)state;
    static const rcase c[] = {
        {GOV_BASE, "  ../a.html  ", URL_HTTP, "http://www.x.gov.cn/col/a.html"},
        {GOV_BASE, "\n\t/zwgk/\nindex.html\r\n", URL_HTTP, "http://www.x.gov.cn/zwgk/index.html"},
        {GOV_BASE, "/zw\tgk/ind\rex.html", URL_HTTP, "http://www.x.gov.cn/zwgk/index.html"},
        {GOV_BASE, "\x01\x1f /a.html\x0b\x1f ", URL_HTTP, "http://www.x.gov.cn/a.html"},
        {GOV_BASE, "   ", URL_HTTP, GOV_BASE},
        {GOV_BASE, "h\nt\ttp://www.y.gov.cn/", URL_HTTP, "http://www.y.gov.cn/"},
        /* inner space and other controls are escaped, not removed */
        {GOV_BASE, "/a b.html", URL_HTTP, "http://www.x.gov.cn/a%20b.html"},
        {GOV_BASE, "/a\x0b" "b", URL_HTTP, "http://www.x.gov.cn/a%0Bb"},
        /* a non-breaking space (&nbsp;) is not white space to a browser */
        {GOV_BASE, "\xc2\xa0/a.html", URL_HTTP, "http://www.x.gov.cn/col/col123/%C2%A0/a.html"},
    };
    RUN(c);
}

static void test_backslashes(void **state) {
    (void)state;
    static const rcase c[] = {
        {GOV_BASE, "..\\..\\a\\b.html", URL_HTTP, "http://www.x.gov.cn/a/b.html"},
        {GOV_BASE, "\\zwgk\\a.html", URL_HTTP, "http://www.x.gov.cn/zwgk/a.html"},
        {GOV_BASE, "\\\\www.y.gov.cn\\a", URL_HTTP, "http://www.y.gov.cn/a"},
        {GOV_BASE, "/\\www.y.gov.cn/a", URL_HTTP, "http://www.y.gov.cn/a"},
        {GOV_BASE, "http:\\\\www.y.gov.cn\\a\\b", URL_HTTP, "http://www.y.gov.cn/a/b"},
        /* in the query a backslash is data */
        {GOV_BASE, "/s?p=a\\b", URL_HTTP, "http://www.x.gov.cn/s?p=a%5Cb"},
    };
    RUN(c);
}

static void test_reference_forms(void **state) {
    (void)state;
    static const rcase c[] = {
        {GOV_BASE, "//www.y.gov.cn/p", URL_HTTP, "http://www.y.gov.cn/p"},
        {"https://www.x.gov.cn/", "//www.y.gov.cn/p", URL_HTTP, "https://www.y.gov.cn/p"},
        {GOV_BASE, "?page=2", URL_HTTP, "http://www.x.gov.cn/col/col123/index.html?page=2"},
        {GOV_BASE "?a=1", "?b=2", URL_HTTP, "http://www.x.gov.cn/col/col123/index.html?b=2"},
        {GOV_BASE "?a=1", "#top", URL_HTTP, GOV_BASE "?a=1"},
        {GOV_BASE, "#", URL_HTTP, GOV_BASE},
        {GOV_BASE, "#top", URL_HTTP, GOV_BASE},
        {GOV_BASE, "", URL_HTTP, GOV_BASE},
        {GOV_BASE, "#a?b", URL_HTTP, GOV_BASE},
        {GOV_BASE, "?x#y", URL_HTTP, GOV_BASE "?x"},
        {GOV_BASE, "a.html?", URL_HTTP, "http://www.x.gov.cn/col/col123/a.html"},
        {GOV_BASE, "art/2024/1.html", URL_HTTP, "http://www.x.gov.cn/col/col123/art/2024/1.html"},
        /* forgetting the scheme: a browser goes to a path on the same site */
        {GOV_BASE, "www.y.gov.cn/a", URL_HTTP, "http://www.x.gov.cn/col/col123/www.y.gov.cn/a"},
        {"http://www.x.gov.cn", "a.html", URL_HTTP, "http://www.x.gov.cn/a.html"},
        {"http://www.x.gov.cn", "", URL_HTTP, "http://www.x.gov.cn/"},
        {GOV_BASE, "/a/./b/../c/%2e%2E/d/.%2e/e", URL_HTTP, "http://www.x.gov.cn/a/e"},
        {GOV_BASE, "/a//b/../c", URL_HTTP, "http://www.x.gov.cn/a//c"},
        /* WHATWG: extra slashes before the host are skipped */
        {GOV_BASE, "http:///www.y.gov.cn/a", URL_HTTP, "http://www.y.gov.cn/a"},
        {GOV_BASE, "///www.y.gov.cn/a", URL_HTTP, "http://www.y.gov.cn/a"},
    };
    RUN(c);
}

static void test_scheme_quirks(void **state) {
    (void)state;
    static const rcase c[] = {
        /* same scheme as the base: relative (WHATWG) */
        {GOV_BASE, "http:/zwgk/a.html", URL_HTTP, "http://www.x.gov.cn/zwgk/a.html"},
        {GOV_BASE, "http:a.html", URL_HTTP, "http://www.x.gov.cn/col/col123/a.html"},
        {GOV_BASE, "HTTP:a.html", URL_HTTP, "http://www.x.gov.cn/col/col123/a.html"},
        {GOV_BASE, "http:", URL_HTTP, GOV_BASE},
        {GOV_BASE, "http:?x=1", URL_HTTP, GOV_BASE "?x=1"},
        /* another scheme: what follows is the host */
        {GOV_BASE, "https:/www.y.gov.cn/a", URL_HTTP, "https://www.y.gov.cn/a"},
        {GOV_BASE, "https:www.y.gov.cn/a", URL_HTTP, "https://www.y.gov.cn/a"},
        {"https://www.x.gov.cn/a/", "http:b", URL_HTTP, "http://b/"},
        {GOV_BASE, "HTTPS://WWW.Y.GOV.CN/Path", URL_HTTP, "https://www.y.gov.cn/Path"},
        /* no base */
        {NULL, "http:www.y.gov.cn/a", URL_HTTP, "http://www.y.gov.cn/a"},
        {NULL, "https://www.y.gov.cn", URL_HTTP, "https://www.y.gov.cn/"},
        {NULL, "/a", URL_INVALID, NULL},
        {"mailto:a@b.cn", "a", URL_INVALID, NULL},
        {"not a url", "a", URL_INVALID, NULL},
        {"not a url", "http://www.y.gov.cn/", URL_HTTP, "http://www.y.gov.cn/"},
    };
    RUN(c);
}

static void test_other_schemes(void **state) {
    (void)state;
    static const rcase c[] = {
        {GOV_BASE, "javascript:void(0)", URL_OTHER, "javascript:void(0)"},
        {GOV_BASE, "  JavaScript:void(0);  ", URL_OTHER, "JavaScript:void(0);"},
        {GOV_BASE, "java\nscript:alert(1)", URL_OTHER, "javascript:alert(1)"},
        {GOV_BASE, "javascript:;", URL_OTHER, "javascript:;"},
        {GOV_BASE, "mailto:zwgk@x.gov.cn", URL_OTHER, "mailto:zwgk@x.gov.cn"},
        {GOV_BASE, "tel:0912-1234567", URL_OTHER, "tel:0912-1234567"},
        {GOV_BASE, "data:image/png;base64,iVBOR", URL_OTHER, "data:image/png;base64,iVBOR"},
        {GOV_BASE, "ftp://ftp.x.gov.cn/a.zip", URL_OTHER, "ftp://ftp.x.gov.cn/a.zip"},
        {GOV_BASE, "weixin://dl/chat", URL_OTHER, "weixin://dl/chat"},
        {GOV_BASE, "C:\\Users\\a.doc", URL_OTHER, "C:\\Users\\a.doc"},
        /* not schemes: a digit first, or a slash before the colon */
        {GOV_BASE, "1a:b", URL_HTTP, "http://www.x.gov.cn/col/col123/1a:b"},
        {GOV_BASE, "./g:h", URL_HTTP, "http://www.x.gov.cn/col/col123/g:h"},
    };
    RUN(c);
}

static void test_percent_encoding(void **state) {
    (void)state;
    static const rcase c[] = {
        {GOV_BASE, "/政务公开/通知 1.html", URL_HTTP,
         "http://www.x.gov.cn/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/%E9%80%9A%E7%9F%A5%201.html"},
        {GOV_BASE, "/%e6%94%bf%E5%8A%A1", URL_HTTP, "http://www.x.gov.cn/%E6%94%BF%E5%8A%A1"},
        {GOV_BASE, "/search?q=政府 信息&t=1", URL_HTTP,
         "http://www.x.gov.cn/search?q=%E6%94%BF%E5%BA%9C%20%E4%BF%A1%E6%81%AF&t=1"},
        /* unreserved decoded, reserved kept as written, hex upper-cased */
        {GOV_BASE, "/a%2fb%7e%41%2D%5F", URL_HTTP, "http://www.x.gov.cn/a%2Fb~A-_"},
        {GOV_BASE, "/a/b;c=d,e+f!$&'()*:@", URL_HTTP, "http://www.x.gov.cn/a/b;c=d,e+f!$&'()*:@"},
        {GOV_BASE, "/q?a=1&b=%2b&c=+&d=中&e=%3d", URL_HTTP,
         "http://www.x.gov.cn/q?a=1&b=%2B&c=+&d=%E4%B8%AD&e=%3D"},
        {GOV_BASE, "/q?u=http://y.cn/?x=1/../", URL_HTTP,
         "http://www.x.gov.cn/q?u=http://y.cn/?x=1/../"},
        /* invalid escapes */
        {GOV_BASE, "/100%", URL_HTTP, "http://www.x.gov.cn/100%25"},
        {GOV_BASE, "/%zz", URL_HTTP, "http://www.x.gov.cn/%25zz"},
        {GOV_BASE, "/%4", URL_HTTP, "http://www.x.gov.cn/%254"},
        {GOV_BASE, "/%4g%%41", URL_HTTP, "http://www.x.gov.cn/%254g%25A"},
        {GOV_BASE, "?q=50%", URL_HTTP, GOV_BASE "?q=50%25"},
        /* characters a URL may not contain */
        {GOV_BASE, "/a\"b<c>d", URL_HTTP, "http://www.x.gov.cn/a%22b%3Cc%3Ed"},
        {GOV_BASE, "/a|b^c`d{e}", URL_HTTP, "http://www.x.gov.cn/a%7Cb%5Ec%60d%7Be%7D"},
        {GOV_BASE, "/a[1]", URL_HTTP, "http://www.x.gov.cn/a%5B1%5D"},
        {GOV_BASE, "/a\x7f", URL_HTTP, "http://www.x.gov.cn/a%7F"},
        /* bytes that are not UTF-8 (a GBK page not decoded) escaped as bytes */
        {GOV_BASE, "/\xd5\xfe", URL_HTTP, "http://www.x.gov.cn/%D5%FE"},
    };
    RUN(c);
}

static void test_hosts_and_ports(void **state) {
    (void)state;
    static const rcase c[] = {
        {NULL, "http://WWW.X.GOV.CN/A", URL_HTTP, "http://www.x.gov.cn/A"},
        {NULL, "http://www.x.gov.cn./a", URL_HTTP, "http://www.x.gov.cn/a"},
        {NULL, "http://www.x.gov.cn.:80", URL_HTTP, "http://www.x.gov.cn/"},
        {NULL, "http://www.x.gov.cn:80/a", URL_HTTP, "http://www.x.gov.cn/a"},
        {NULL, "https://www.x.gov.cn:443/", URL_HTTP, "https://www.x.gov.cn/"},
        {NULL, "http://www.x.gov.cn:443/", URL_HTTP, "http://www.x.gov.cn:443/"},
        {NULL, "https://www.x.gov.cn:80/", URL_HTTP, "https://www.x.gov.cn:80/"},
        {NULL, "http://www.x.gov.cn:08080/", URL_HTTP, "http://www.x.gov.cn:8080/"},
        {NULL, "http://www.x.gov.cn:/", URL_HTTP, "http://www.x.gov.cn/"},
        {NULL, "http://www.x.gov.cn:0/", URL_HTTP, "http://www.x.gov.cn:0/"},
        {NULL, "http://www.x.gov.cn:65535/", URL_HTTP, "http://www.x.gov.cn:65535/"},
        {NULL, "http://www.x.gov.cn:65536/", URL_INVALID, NULL},
        {NULL, "http://www.x.gov.cn:99999999999999999999/", URL_INVALID, NULL},
        {NULL, "http://www.x.gov.cn:8a/", URL_INVALID, NULL},
        {NULL, "http://www.x.gov.cn:-1/", URL_INVALID, NULL},
        {NULL, "http://www.x.gov.cn?x=1", URL_HTTP, "http://www.x.gov.cn/?x=1"},
        {NULL, "http://www.x.gov.cn#x", URL_HTTP, "http://www.x.gov.cn/"},
        {NULL, "http://my_host.x.gov.cn/", URL_HTTP, "http://my_host.x.gov.cn/"},
        /* userinfo: dropped */
        {NULL, "http://user:pass@www.x.gov.cn/a", URL_HTTP, "http://www.x.gov.cn/a"},
        {NULL, "http://a@b@www.x.gov.cn:8080/", URL_HTTP, "http://www.x.gov.cn:8080/"},
        {NULL, "http://@www.x.gov.cn/", URL_HTTP, "http://www.x.gov.cn/"},
        {NULL, "http://www.x.gov.cn@evil.com/", URL_HTTP, "http://evil.com/"},
        /* percent-encoded hosts are decoded */
        {NULL, "http://%77%77%77.x.gov.cn/", URL_HTTP, "http://www.x.gov.cn/"},
        /* IPv6 */
        {NULL, "http://[2001:DB8::1]:8080/a", URL_HTTP, "http://[2001:db8::1]:8080/a"},
        {NULL, "http://[0:0:0:0:0:0:0:1]/", URL_HTTP, "http://[::1]/"},
        {NULL, "https://[2001:db8:0:0:1:0:0:1]:443", URL_HTTP, "https://[2001:db8::1:0:0:1]/"},
        {NULL, "http://[::1/", URL_INVALID, NULL},
        {NULL, "http://[zz::1]/", URL_INVALID, NULL},
        {NULL, "http://[::1]x/", URL_INVALID, NULL},
        {NULL, "http://[fe80::1%25eth0]/", URL_INVALID, NULL},
        {NULL, "http://127.0.0.1:8080/a", URL_HTTP, "http://127.0.0.1:8080/a"},
        /* bad hosts */
        {NULL, "http://", URL_INVALID, NULL},
        {NULL, "http:///", URL_INVALID, NULL},
        {NULL, "http://:80/", URL_INVALID, NULL},
        {NULL, "http://user@/", URL_INVALID, NULL},
        {NULL, "http://a..b/", URL_INVALID, NULL},
        {NULL, "http://.a.cn/", URL_INVALID, NULL},
        {NULL, "http://x.gov.cn../", URL_INVALID, NULL},
        {NULL, "http://./", URL_INVALID, NULL},
        {NULL, "http://a b.cn/", URL_INVALID, NULL},
        {NULL, "http://a<b.cn/", URL_INVALID, NULL},
        {NULL, "http://a%20b.cn/", URL_INVALID, NULL},
        {NULL, "http://%zz.cn/", URL_INVALID, NULL},
        {NULL, "http://%FF.cn/", URL_INVALID, NULL},
        {NULL, "http://\xff.cn/", URL_INVALID, NULL},
        {NULL, "http://\xe6\x94.cn/", URL_INVALID, NULL},
        {NULL, "http://\xc0\xaf.cn/", URL_INVALID, NULL},
        {NULL, "http://a%2Fb.cn/", URL_INVALID, NULL},
    };
    RUN(c);
}

static void test_idn(void **state) {
    (void)state;
    static const rcase c[] = {
        {NULL, "http://政府.政务/", URL_HTTP, "http://xn--mxtq1m.xn--zfr164b/"},
        {NULL, "http://政府。政务/a", URL_HTTP, "http://xn--mxtq1m.xn--zfr164b/a"},
        {NULL, "http://政府．政务．/a", URL_HTTP, "http://xn--mxtq1m.xn--zfr164b/a"},
        {NULL, "http://%E6%94%BF%E5%BA%9C.%E6%94%BF%E5%8A%A1/", URL_HTTP,
         "http://xn--mxtq1m.xn--zfr164b/"},
        {NULL, "http://XN--MXTQ1M.XN--ZFR164B/", URL_HTTP, "http://xn--mxtq1m.xn--zfr164b/"},
        {NULL, "http://www.北京.gov.cn/", URL_HTTP, "http://www.xn--1lq90i.gov.cn/"},
        {NULL, "http://中国.cn:8080/", URL_HTTP, "http://xn--fiqs8s.cn:8080/"},
        {NULL, "http://ＷＷＷ.ｘ.ＧＯＶ.ｃｎ/", URL_HTTP, "http://www.x.gov.cn/"},
        {NULL, "http://München.de/", URL_HTTP, "http://xn--mnchen-3ya.de/"},
        {NULL, "http://MÜNCHEN.de/", URL_HTTP, "http://xn--mnchen-3ya.de/"},
        {NULL, "http://bücher.de/", URL_HTTP, "http://xn--bcher-kva.de/"},
        {NULL, "http://a-b中c.cn/", URL_HTTP, "http://xn--a-bc-2f5f.cn/"},
        {NULL, "http://例子.测试/", URL_HTTP, "http://xn--fsqu00a.xn--0zwm56d/"},
        {GOV_BASE, "//政府.政务/zw", URL_HTTP, "http://xn--mxtq1m.xn--zfr164b/zw"},
    };
    RUN(c);
}

static void test_lengths(void **state) {
    (void)state;
    char *ref = malloc(20000);
    assert_non_null(ref);
    char *out;
    /* 8000 bytes of path: fine */
    ref[0] = '/';
    memset(ref + 1, 'a', 7999);
    ref[8000] = '\0';
    assert_int_equal(url_resolve(GOV_BASE, ref, &out), URL_HTTP);
    assert_int_equal(strlen(out), strlen("http://www.x.gov.cn") + 8000);
    free(out);
    /* over 8 KiB: invalid */
    memset(ref + 1, 'a', 9000);
    ref[9001] = '\0';
    assert_int_equal(url_resolve(GOV_BASE, ref, &out), URL_INVALID);
    assert_null(out);
    assert_null(url_normalize(ref));
    /* short enough as written, too long once escaped: 2000 Chinese
     * characters are 6000 bytes, 18000 escaped */
    ref[0] = '/';
    for (int i = 0; i < 2000; i++) memcpy(ref + 1 + 3 * i, "政", 3);
    ref[6001] = '\0';
    assert_int_equal(url_resolve(GOV_BASE, ref, &out), URL_INVALID);
    /* white space does not count */
    memset(ref, ' ', 19000);
    memcpy(ref + 9000, "/a", 2);
    ref[19000] = '\0';
    assert_int_equal(url_resolve(GOV_BASE, ref, &out), URL_HTTP);
    assert_string_equal(out, "http://www.x.gov.cn/a");
    free(out);
    /* tabs inside do not count either, but everything else does */
    memset(ref, '\t', 19000);
    ref[0] = '/';
    ref[18000] = 'b';
    assert_int_equal(url_resolve(GOV_BASE, ref, &out), URL_HTTP);
    assert_string_equal(out, "http://www.x.gov.cn/b");
    free(out);
    /* a long base is refused as a base */
    memset(ref, 'a', 19000);
    memcpy(ref, "http://a.cn/", 12);
    assert_int_equal(url_resolve(ref, "b", &out), URL_INVALID);
    free(ref);
}

/* Long labels: an ASCII label has no limit of its own, a non-ASCII one at
 * most 256 code points; the punycode of a long label is a long ASCII label
 * and must normalise to itself (found by fuzzing). */
static void test_long_labels(void **state) {
    (void)state;
    char url[2048], *out;
    size_t k = (size_t)sprintf(url, "http://");
    memset(url + k, 'a', 200);
    k += 200;
    k += (size_t)sprintf(url + k, "政.cn/");
    assert_int_equal(url_resolve(NULL, url, &out), URL_HTTP);
    assert_int_equal(strncmp(out, "http://xn--aaaa", 15), 0);
    char *again = url_normalize(out);
    assert_non_null(again);
    assert_string_equal(again, out);
    free(again);
    free(out);
    k = (size_t)sprintf(url, "http://");
    memset(url + k, 'a', 300);
    k += 300;
    sprintf(url + k, ".cn/");
    assert_int_equal(url_resolve(NULL, url, &out), URL_HTTP);
    free(out);
    sprintf(url + k, "政.cn/");
    assert_int_equal(url_resolve(NULL, url, &out), URL_INVALID);
}

static void test_normalize(void **state) {
    (void)state;
    static const struct {
        const char *in, *want;
    } c[] = {
        {"HTTP://Www.X.Gov.Cn:80/a/../b/./c#frag", "http://www.x.gov.cn/b/c"},
        {"  http://www.x.gov.cn/a b  ", "http://www.x.gov.cn/a%20b"},
        {"http://www.x.gov.cn", "http://www.x.gov.cn/"},
        {"https://政府.政务/政务公开/",
         "https://xn--mxtq1m.xn--zfr164b/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/"},
        {"mailto:a@x.gov.cn", NULL},
        {"javascript:void(0)", NULL},
        {"www.x.gov.cn/", NULL},
        {"/a/b", NULL},
        {"", NULL},
        {"http://", NULL},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *got = url_normalize(c[i].in);
        if (c[i].want) {
            if (!got || strcmp(got, c[i].want) != 0)
                fail_msg("url_normalize(\"%s\") = \"%s\", want \"%s\"", c[i].in,
                         got ? got : "(null)", c[i].want);
        } else if (got) {
            fail_msg("url_normalize(\"%s\") = \"%s\", want NULL", c[i].in, got);
        }
        free(got);
    }
    assert_null(url_normalize(NULL));
    /* a link written with raw Chinese and one escaped are the same page */
    char *a = url_normalize("http://www.x.gov.cn/政务公开/index.html?栏目=通知");
    char *b = url_normalize("http://www.x.gov.cn/%e6%94%bf%e5%8a%a1%e5%85%ac%e5%bc%80/"
                            "index.html?%E6%A0%8F%E7%9B%AE=%E9%80%9A%E7%9F%A5");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_split(void **state) {
    (void)state;
    url_parts p;
    assert_true(url_split("https://www.x.gov.cn:8443/a/b.html?x=1&y=2", &p));
    assert_int_equal(p.scheme_len, 5);
    assert_memory_equal(p.scheme, "https", 5);
    assert_int_equal(p.host_len, strlen("www.x.gov.cn"));
    assert_memory_equal(p.host, "www.x.gov.cn", p.host_len);
    assert_int_equal(p.port, 8443);
    assert_int_equal(p.path_len, strlen("/a/b.html"));
    assert_memory_equal(p.path, "/a/b.html", p.path_len);
    assert_int_equal(p.query_len, strlen("x=1&y=2"));
    assert_memory_equal(p.query, "x=1&y=2", p.query_len);

    assert_true(url_split("http://www.x.gov.cn/", &p));
    assert_int_equal(p.port, 80);
    assert_int_equal(p.path_len, 1);
    assert_int_equal(p.query_len, 0);
    assert_true(url_split("https://a.cn/", &p));
    assert_int_equal(p.port, 443);

    assert_true(url_split("http://[2001:db8::1]:8080/x", &p));
    assert_int_equal(p.host_len, strlen("[2001:db8::1]"));
    assert_memory_equal(p.host, "[2001:db8::1]", p.host_len);
    assert_int_equal(p.port, 8080);

    assert_false(url_split("mailto:a@b.cn", &p));
    assert_false(url_split("ftp://a.cn/", &p));
    assert_false(url_split("http:///a", &p));
    assert_false(url_split("http://a.cn:x/", &p));
    assert_false(url_split("http://a.cn:99999/", &p));
    assert_false(url_split("http://[::1/", &p));
    assert_false(url_split(NULL, &p));
}

/* ---- scope -------------------------------------------------------------- */

typedef struct scase {
    const char *url;
    bool in;
} scase;

static void check_scope(const char *home, const char *hosts, const scase *c, size_t n) {
    err e = {0};
    url_scope *s = url_scope_new(home, hosts, &e);
    if (!s) fail_msg("url_scope_new(%s, %s): %s", home, hosts ? hosts : "(null)", e.msg);
    for (size_t i = 0; i < n; i++) {
        char *norm = url_normalize(c[i].url);
        assert_non_null(norm);
        if (url_in_scope(s, norm) != c[i].in)
            fail_msg("home %s hosts \"%s\": %s should be %s scope", home, hosts ? hosts : "",
                     c[i].url, c[i].in ? "in" : "out of");
        free(norm);
    }
    url_scope_free(s);
}

#define SCOPE(home, hosts, table) check_scope(home, hosts, table, sizeof table / sizeof table[0])

static void test_scope_path(void **state) {
    (void)state;
    static const scase sub[] = {
        {"http://www.x.gov.cn/sub/", true},
        {"http://www.x.gov.cn/sub", true},
        {"https://www.x.gov.cn/sub/a/b.html?x=1", true},
        {"http://WWW.X.GOV.CN./sub/a", true},
        {"http://www.x.gov.cn:8080/sub/a", true},
        {"http://www.x.gov.cn/sub/../other/", false},
        {"http://www.x.gov.cn/subother/", false},
        {"http://www.x.gov.cn/sub.html", false},
        {"http://www.x.gov.cn/", false},
        {"http://www.x.gov.cn/Sub/", false},
        {"http://x.gov.cn/sub/", false},
        {"http://www.y.gov.cn/sub/", false},
    };
    SCOPE("http://www.x.gov.cn/sub/", "", sub);
    SCOPE("http://www.x.gov.cn/sub", NULL, sub);
    SCOPE("https://www.x.gov.cn/sub/index.html", "", sub);
    SCOPE("  HTTP://WWW.X.GOV.CN/sub/./index.html?siteid=3#top ", "", sub);

    static const scase root[] = {
        {"http://www.x.gov.cn/", true},
        {"http://www.x.gov.cn/anything/at/all.html?x", true},
        {"https://www.x.gov.cn/a", true},
        {"http://x.gov.cn/", false},
        {"http://a.www.x.gov.cn/", false},
        {"http://www.x.gov.cn.evil.com/", false},
    };
    SCOPE("http://www.x.gov.cn", "", root);
    SCOPE("http://www.x.gov.cn/index.jsp?siteid=3", "", root);
    SCOPE("http://www.x.gov.cn/default.htm", "", root);
}

static void test_scope_hosts(void **state) {
    (void)state;
    static const scase c[] = {
        {"http://www.x.gov.cn/a", false}, /* home path is /sub */
        {"http://www.x.gov.cn/sub/a", true},
        {"http://x.gov.cn/anything", true},
        {"https://www.y.gov.cn/a/b", true},
        {"http://www.z.gov.cn/zw/", true},
        {"http://www.z.gov.cn/zw/a.html", true},
        {"http://www.z.gov.cn/zw", true},
        {"http://www.z.gov.cn/zwx/", false},
        {"http://www.z.gov.cn/", false},
        {"http://zwfw.x.gov.cn/bs/a", true},
        {"http://zwfw.x.gov.cn/other", false},
        {"http://政府.政务/a", true},
        {"http://xn--mxtq1m.xn--zfr164b/b", true},
        {"http://old.x.gov.cn:8080/p", true},
        {"http://www.w.gov.cn/", false},
    };
    SCOPE("http://www.x.gov.cn/sub/",
          "x.gov.cn  WWW.Y.GOV.CN. http://www.z.gov.cn/zw/ ,zwfw.x.gov.cn/bs/index.html;政府.政务\n"
          "old.x.gov.cn:8080",
          c);
}

static void test_scope_errors(void **state) {
    (void)state;
    err e = {0};
    assert_null(url_scope_new("not a url", "", &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, "not a url"));
    err_clear(&e);
    assert_null(url_scope_new(NULL, "", &e));
    assert_int_equal(e.cls, ERR_INPUT);
    err_clear(&e);
    assert_null(url_scope_new("http://www.x.gov.cn/", "a.cn bad..host.cn", &e));
    assert_int_equal(e.cls, ERR_INPUT);
    assert_non_null(strstr(e.msg, "bad..host.cn"));
    assert_null(url_scope_new("mailto:a@x.gov.cn", NULL, NULL));

    url_scope *s = url_scope_new("http://www.x.gov.cn/", NULL, NULL);
    assert_non_null(s);
    assert_false(url_in_scope(s, "garbage"));
    assert_false(url_in_scope(s, "mailto:a@www.x.gov.cn"));
    assert_false(url_in_scope(NULL, "http://www.x.gov.cn/"));
    url_scope_free(s);
    url_scope_free(NULL);
}

/* ---- government hosts --------------------------------------------------- */

static void test_government(void **state) {
    (void)state;
    static const struct {
        const char *host;
        bool gov;
    } c[] = {
        {"www.gov.cn", true},
        {"www.x.gov.cn", true},
        {"WWW.X.GOV.CN", true},
        {"www.x.gov.cn.", true},
        {"WWW.X.GOV.CN.", true},
        {"a.b.c.gov.cn", true},
        {"政府.政务", true},
        {"www.政府.政务", true},
        {"xn--mxtq1m.xn--zfr164b", true},
        {"XN--MXTQ1M.XN--ZFR164B", true},
        {"政府。政务", true},
        {"www.x.ｇｏｖ.ｃｎ", true},
        {"www.x.gov.cn.evil.com", false},
        {"gov.cn.evil.com", false},
        {"notgov.cn", false},
        {"xgov.cn", false},
        {"gov.cn", false}, /* "ends in .gov.cn": a label before it */
        {"政务", false},
        {"www.gov.com", false},
        {"www.gov.cn.com", false},
        {"www.x.gov.cnn", false},
        {"www.x.gov", false},
        {"x.政府", false},
        {"x.xn--zfr164b.com", false},
        {"www.x.gov.cn..", false},
        {"", false},
        {"[::1]", false},
        {"127.0.0.1", false},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (url_host_is_government(c[i].host, strlen(c[i].host)) != c[i].gov)
            fail_msg("url_host_is_government(\"%s\") should be %s", c[i].host,
                     c[i].gov ? "true" : "false");
    /* only host_len bytes are read */
    assert_true(url_host_is_government("www.x.gov.cn/path", strlen("www.x.gov.cn")));
    assert_false(url_host_is_government(NULL, 0));
    /* on the parts of a normal form */
    char *n = url_normalize("http://政府.政务:8080/a");
    url_parts p;
    assert_true(url_split(n, &p));
    assert_true(url_host_is_government(p.host, p.host_len));
    free(n);
}

/* ---- random input ------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static void random_ref(char *buf, size_t cap) {
    static const char *pieces[] = {
        "/", "\\", ".", "..", "%", "%2e", "%2F", "%41", "%zz", ":", "?", "#", "@", "[", "]",
        "::1", "http:", "https:", "HTTP://", "//", "a", "b.html", "gov.cn", "政", "。", "．",
        " ", "\t", "\n", "\x01", "\xff", "\xe6\x94", "xn--", "80", ":443", "&", "=", "+",
        "javascript:", "www.x.gov.cn", "\xef\xbc\xa1", "-", "_", "~", "'", "\"", "<", "|",
    };
    size_t n = 0, parts = rnd() % 24;
    for (size_t i = 0; i < parts; i++) {
        const char *p;
        char one[2] = {0, 0};
        if (rnd() % 5 == 0) {
            one[0] = (char)(1 + rnd() % 255);
            p = one;
        } else {
            p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
        }
        size_t l = strlen(p);
        if (n + l >= cap) break;
        memcpy(buf + n, p, l);
        n += l;
    }
    buf[n] = '\0';
}

static void test_random_fixed_point(void **state) {
    (void)state;
    static const char *bases[] = {
        GOV_BASE, RFC_BASE, "https://xn--mxtq1m.xn--zfr164b:8443/a/b/?q=1", "http://[::1]/x",
        "http://a.cn", NULL, "garbage",
    };
    long iters = 50000;
    const char *env = getenv("GI_FUZZ_ITERS");
    if (env && atol(env) > 0) iters = atol(env);
    char ref[512];
    long kinds[3] = {0, 0, 0};
    for (long it = 0; it < iters; it++) {
        random_ref(ref, sizeof ref);
        const char *base = bases[rnd() % (sizeof bases / sizeof bases[0])];
        char *out = NULL;
        url_kind k = url_resolve(base, ref, &out);
        kinds[k]++;
        if (k == URL_INVALID) {
            assert_null(out);
            continue;
        }
        assert_non_null(out);
        if (k == URL_HTTP) {
            char *again = url_normalize(out);
            if (!again || strcmp(again, out) != 0)
                fail_msg("not a fixed point: ref <%s> -> <%s> -> <%s>", ref, out,
                         again ? again : "(null)");
            free(again);
            url_parts p;
            if (!url_split(out, &p)) fail_msg("cannot split <%s>", out);
            /* resolving against itself with an empty reference changes nothing */
            char *self = NULL;
            assert_int_equal(url_resolve(out, "", &self), URL_HTTP);
            assert_string_equal(self, out);
            free(self);
        }
        free(out);
    }
    print_message("random references: %ld http, %ld other, %ld invalid\n", kinds[URL_HTTP],
                  kinds[URL_OTHER], kinds[URL_INVALID]);
}

/* ---- speed -------------------------------------------------------------- */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void test_speed(void **state) {
    (void)state;
    /* The links of a typical county portal page. */
    static const char *refs[] = {
        "/col/col123/index.html",
        "../../art/2024/3/15/art_123_456789.html",
        "index.html",
        "http://www.x.gov.cn/zwgk/",
        "https://www.gov.cn/",
        "javascript:void(0)",
        "#top",
        "  /module/search/index.jsp?field=title&q=  ",
        "./zfxxgk/fdzdgknr/",
        "http://www.shaanxi.gov.cn/",
        "/picture/0/2403151025123.jpg",
        "?page=2",
    };
    const size_t nrefs = sizeof refs / sizeof refs[0];
    long iters = 300000;
    double t0 = now_ns();
    size_t total = 0;
    for (long i = 0; i < iters; i++) {
        char *out;
        if (url_resolve(GOV_BASE, refs[(size_t)i % nrefs], &out) != URL_INVALID) {
            total += strlen(out);
            free(out);
        }
    }
    double per = (now_ns() - t0) / (double)iters;
    static const char *zh = "/政务公开/通知公告/关于2024年度政府信息公开工作的报告.html";
    double t1 = now_ns();
    for (long i = 0; i < iters / 3; i++) {
        char *out;
        if (url_resolve(GOV_BASE, zh, &out) != URL_INVALID) {
            total += strlen(out);
            free(out);
        }
    }
    double per_zh = (now_ns() - t1) / (double)(iters / 3);
    print_message("url_resolve: %.0f ns/call on a typical mix, %.0f ns/call for a Chinese "
                  "path (%zu bytes out)\n",
                  per, per_zh, total);
}

static int force_english(void **state) {
    (void)state;
    lang_force("en");
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3986_normal),
        cmocka_unit_test(test_rfc3986_abnormal),
        cmocka_unit_test(test_whitespace_and_controls),
        cmocka_unit_test(test_backslashes),
        cmocka_unit_test(test_reference_forms),
        cmocka_unit_test(test_scheme_quirks),
        cmocka_unit_test(test_other_schemes),
        cmocka_unit_test(test_percent_encoding),
        cmocka_unit_test(test_hosts_and_ports),
        cmocka_unit_test(test_idn),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_long_labels),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_scope_path),
        cmocka_unit_test(test_scope_hosts),
        cmocka_unit_test(test_scope_errors),
        cmocka_unit_test(test_government),
        cmocka_unit_test(test_random_fixed_point),
        cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, force_english, NULL);
}
