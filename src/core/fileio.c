#include "core/fileio.h"

#include "core/lang.h"
#include "core/sbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool file_read_all(const char *path, size_t max_bytes, char **data, size_t *len, err *e) {
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return err_set(e, ERR_IO, L("%s: cannot open: %s", "%s：无法打开：%s"), path,
                       strerror(errno));
    sbuf b = SBUF_INIT;
    char chunk[65536];
    size_t n;
    bool ok = true;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_bytes) {
            ok = err_set(e, ERR_INPUT, L("%s: file larger than %zu MiB, refused",
                                         "%s：文件超过 %zu MiB，拒绝读取"),
                         path, max_bytes >> 20);
            break;
        }
        if (!sbuf_append(&b, chunk, n)) {
            ok = err_set(e, ERR_NOMEM, L("%s: out of memory", "%s：内存不足"), path);
            break;
        }
    }
    if (ok && ferror(f))
        ok = err_set(e, ERR_IO, L("%s: read error: %s", "%s：读取错误：%s"), path,
                     strerror(errno));
    if (!is_stdin) fclose(f);
    if (!ok) {
        sbuf_free(&b);
        return false;
    }
    *len = b.len;
    *data = sbuf_detach(&b);
    return true;
}

char *path_join_absolute(const char *base_dir, const char *path) {
    sbuf raw = SBUF_INIT;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (base_dir && base_dir[0] == '/') {
            sbuf_puts(&raw, base_dir);
        } else {
            if (!getcwd(cwd, sizeof cwd)) return NULL;
            sbuf_puts(&raw, cwd);
            if (base_dir && *base_dir) {
                sbuf_putc(&raw, '/');
                sbuf_puts(&raw, base_dir);
            }
        }
        sbuf_putc(&raw, '/');
    }
    sbuf_puts(&raw, path);
    if (raw.oom) {
        sbuf_free(&raw);
        return NULL;
    }
    /* Fold "." and ".." segment by segment into out. */
    sbuf out = SBUF_INIT;
    const char *p = sbuf_str(&raw);
    while (*p) {
        while (*p == '/') p++;
        const char *seg = p;
        while (*p && *p != '/') p++;
        size_t n = (size_t)(p - seg);
        if (n == 0 || (n == 1 && seg[0] == '.')) continue;
        if (n == 2 && seg[0] == '.' && seg[1] == '.') {
            char *slash = out.len ? strrchr(out.data, '/') : NULL;
            if (slash) {
                out.len = (size_t)(slash - out.data);
                out.data[out.len] = '\0';
            }
            continue;
        }
        sbuf_putc(&out, '/');
        sbuf_append(&out, seg, n);
    }
    if (out.len == 0) sbuf_putc(&out, '/');
    sbuf_free(&raw);
    if (out.oom) {
        sbuf_free(&out);
        return NULL;
    }
    return sbuf_detach(&out);
}

char *path_dir_absolute(const char *file) {
    char *abs = path_join_absolute(NULL, file);
    if (!abs) return NULL;
    char *slash = strrchr(abs, '/');
    if (slash == abs) slash[1] = '\0';
    else if (slash) *slash = '\0';
    return abs;
}
