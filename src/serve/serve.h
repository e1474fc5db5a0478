/* serve — a small static-file HTTP server on 127.0.0.1 for the bundled
 * demo world (and the acceptance world): one folder per site host.
 *
 * A request for http://HOST/PATH is answered from ROOT/HOST/PATH, HOST being
 * the Host header without its port, lower-cased; a path ending in '/' serves
 * its index.html, a folder without the slash is redirected to it. The
 * client reaches the server through curl's connect-to (the fetch module's
 * `connect_to`), so every site keeps its own name and no DNS lookup is made.
 *
 * Hostile requests are refused before the file system is touched: a Host
 * that is not a plain host name, a path that is not absolute or has a "."
 * or ".." segment (after percent-decoding, which libmicrohttpd does before
 * we see the path), a backslash or control byte. What remains is resolved
 * with realpath() and must still lie under ROOT, so a symbolic link that
 * leads out of the folder is 404 too. Files larger than SERVE_MAX_FILE are
 * refused (403). Only GET and HEAD (405 otherwise).
 *
 * Content-Type comes from the extension; HTML, text, XML and JSON carry a
 * charset: utf-8 when the bytes are valid UTF-8, else the charset the file
 * declares in its first KiB (a GBK page with <meta charset=gbk> is served
 * as charset=gbk, as the old CMSs do), else gb18030.
 *
 * libmicrohttpd answers on a small pool of threads; requests share nothing
 * but the read-only root path, so no locking.
 *
 * Ownership: serve_start() returns a server that serve_stop() stops and
 * frees; the root path is copied.
 */
#ifndef GI_SERVE_SERVE_H
#define GI_SERVE_SERVE_H

#include "core/err.h"

#define SERVE_MAX_FILE ((long long)64 << 20) /* 64 MiB */

typedef struct serve_server serve_server;

/* Serves root_dir on 127.0.0.1 at a port the kernel picks (written to
 * *port). Fails with ERR_IO when root_dir is not a folder or the server
 * cannot start. */
serve_server *serve_start(const char *root_dir, int *port, err *e);
/* Stops answering (waits for requests in flight) and frees; NULL is fine. */
void serve_stop(serve_server *s);
/* Requests answered so far (any status), for callers' summaries. */
unsigned long serve_requests(const serve_server *s);

#endif
