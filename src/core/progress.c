#include "core/progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool progress_on = true;
static bool progress_active;
static char progress_label[128];
static long progress_total;
static struct timespec progress_last;

void progress_enable(bool on) { progress_on = on; }

static bool progress_visible(void) { return progress_on && isatty(STDERR_FILENO); }

void progress_start(const char *label, long total) {
    progress_active = progress_visible();
    snprintf(progress_label, sizeof progress_label, "%s", label);
    progress_total = total;
    progress_last.tv_sec = 0;
    progress_last.tv_nsec = 0;
}

void progress_update(long done) {
    if (!progress_active) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - progress_last.tv_sec) * 1000 +
              (now.tv_nsec - progress_last.tv_nsec) / 1000000;
    if (ms < 100 && done != progress_total) return;
    progress_last = now;
    if (progress_total > 0)
        fprintf(stderr, "\r%s %ld/%ld (%ld%%)\033[K", progress_label, done, progress_total,
                done * 100 / progress_total);
    else
        fprintf(stderr, "\r%s %ld\033[K", progress_label, done);
    fflush(stderr);
}

void progress_done(void) {
    if (!progress_active) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    progress_active = false;
}
