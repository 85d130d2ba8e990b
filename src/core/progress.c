/* Progress line / log lines for long runs (see progress.h). */
#include "aifactory/progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

aif_status aif_progress_mode_parse(const char *text, aif_progress_mode *out) {
    static const char *const names[] = {"auto", "always", "never"};
    for (int i = 0; i < 3; i++) {
        if (text && strcmp(text, names[i]) == 0) {
            *out = (aif_progress_mode)i;
            return AIF_OK;
        }
    }
    return AIF_EINVAL;
}

double aif_clock_monotonic(void *ctx) {
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(const aif_progress *p) {
    return p->cfg.clock(p->cfg.clock_ctx);
}

void aif_progress_init(aif_progress *p, const aif_progress_config *cfg) {
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    if (p->cfg.clock == NULL) {
        p->cfg.clock = aif_clock_monotonic;
    }
    if (p->cfg.redraw_interval_s <= 0) {
        p->cfg.redraw_interval_s = 0.1;
    }
    if (p->cfg.log_interval_s <= 0) {
        p->cfg.log_interval_s = 10.0;
    }
    bool tty = p->cfg.is_tty < 0 ? (p->cfg.out && isatty(fileno(p->cfg.out))) : p->cfg.is_tty;
    p->live = tty;
    p->enabled = p->cfg.out != NULL && p->cfg.mode != AIF_PROGRESS_NEVER &&
                 (tty || p->cfg.mode == AIF_PROGRESS_ALWAYS);
    p->started_s = now_s(p);
    p->last_draw_s = p->started_s;
}

/* Events per second with an SI prefix, e.g. "12.3 M". */
static void format_rate(double rate, char *buf, size_t n) {
    static const char *const prefixes[] = {"", "k", "M", "G"};
    int i = 0;
    while (rate >= 1000.0 && i < 3) {
        rate /= 1000.0;
        i++;
    }
    snprintf(buf, n, "%.1f %s", rate, prefixes[i]);
}

static void draw(aif_progress *p, aif_time now, uint64_t events, double t) {
    char date[32];
    char rate[32];
    char eta[32] = "";
    char pct[16] = "";
    double elapsed = t - p->started_s;
    aif_sim_format_datetime(now, p->cfg.start, date, sizeof date);
    format_rate(elapsed > 0 ? (double)events / elapsed : 0.0, rate, sizeof rate);
    if (p->cfg.end > 0) {
        double frac = (double)now / (double)p->cfg.end;
        frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
        snprintf(pct, sizeof pct, "  %5.1f%%", 100.0 * frac);
        if (frac > 0) {
            char d[24];
            aif_duration_format(aif_time_from_seconds(elapsed * (1.0 - frac) / frac), d, sizeof d);
            snprintf(eta, sizeof eta, "  ETA %s", d);
        }
    }
    const char *label = p->cfg.label ? p->cfg.label : "";
    const char *sep = p->cfg.label ? "  " : "";
    if (p->live) {
        /* \r plus "erase to end of line" redraws in place without flicker. */
        fprintf(p->cfg.out, "\r\033[K%s%s%s%s  %sevents/s%s", label, sep, date, pct, rate, eta);
        p->line_visible = true;
    } else {
        fprintf(p->cfg.out, "%s%s%s%s  %sevents/s%s\n", label, sep, date, pct, rate, eta);
    }
    fflush(p->cfg.out);
    p->last_draw_s = t;
    p->draws++;
}

void aif_progress_update(aif_progress *p, aif_time now, uint64_t events) {
    if (!p->enabled) {
        return;
    }
    double t = now_s(p);
    double interval = p->live ? p->cfg.redraw_interval_s : p->cfg.log_interval_s;
    if (t - p->last_draw_s >= interval) {
        draw(p, now, events, t);
    }
}

void aif_progress_finish(aif_progress *p, aif_time now, uint64_t events) {
    if (!p->enabled) {
        return;
    }
    if (p->live) {
        if (p->line_visible) {
            fputs("\r\033[K", p->cfg.out);
            fflush(p->cfg.out);
            p->line_visible = false;
        }
        return;
    }
    draw(p, now, events, now_s(p));
}

uint64_t aif_progress_draws(const aif_progress *p) {
    return p->draws;
}
