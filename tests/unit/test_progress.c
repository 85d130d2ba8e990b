/* Unit tests for progress: mode parsing, TTY redraw rate limit, log lines off a TTY only
 * when asked, and the content of a line. A fake clock makes time exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/progress.h"

typedef struct fake_clock {
    double t;
    double step; /* added at each read */
} fake_clock;

static double fake_now(void *ctx) {
    fake_clock *c = ctx;
    double t = c->t;
    c->t += c->step;
    return t;
}

static size_t read_all(FILE *f, char *buf, size_t n) {
    rewind(f);
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    return got;
}

static aif_progress_config base_config(FILE *out, fake_clock *clock) {
    return (aif_progress_config){
        .out = out,
        .mode = AIF_PROGRESS_AUTO,
        .is_tty = 1,
        .label = "run",
        .start = {2026, 1, 1},
        .end = 10 * AIF_NS_PER_DAY,
        .clock = fake_now,
        .clock_ctx = clock,
    };
}

static void modes_parse(void **state) {
    (void)state;
    aif_progress_mode m;
    assert_int_equal(aif_progress_mode_parse("auto", &m), AIF_OK);
    assert_int_equal(m, AIF_PROGRESS_AUTO);
    assert_int_equal(aif_progress_mode_parse("always", &m), AIF_OK);
    assert_int_equal(m, AIF_PROGRESS_ALWAYS);
    assert_int_equal(aif_progress_mode_parse("never", &m), AIF_OK);
    assert_int_equal(m, AIF_PROGRESS_NEVER);
    assert_int_equal(aif_progress_mode_parse("sometimes", &m), AIF_EINVAL);
    assert_int_equal(aif_progress_mode_parse(NULL, &m), AIF_EINVAL);
}

/* 10 simulated seconds of wall time in 1 ms steps: at most 10 redraws per second. */
static void tty_redraws_at_most_ten_per_second(void **state) {
    (void)state;
    FILE *out = tmpfile();
    assert_non_null(out);
    fake_clock clock = {.t = 100.0, .step = 0.001};
    aif_progress_config cfg = base_config(out, &clock);
    aif_progress p;
    aif_progress_init(&p, &cfg);
    for (int i = 0; i < 10000; i++) {
        aif_progress_update(&p, (aif_time)i * 60 * AIF_NS_PER_S, (uint64_t)i * 1000);
    }
    assert_true(aif_progress_draws(&p) >= 99);
    assert_true(aif_progress_draws(&p) <= 100);
    aif_progress_finish(&p, 0, 0);
    char buf[1 << 16];
    size_t n = read_all(out, buf, sizeof buf);
    assert_true(n > 0);
    assert_null(strchr(buf, '\n'));                  /* redrawn in place, never scrolled */
    assert_memory_equal(buf + n - 4, "\r\033[K", 4); /* the line is cleared at the end */
    fclose(out);
}

static void auto_mode_is_silent_off_a_tty(void **state) {
    (void)state;
    FILE *out = tmpfile();
    fake_clock clock = {.t = 0, .step = 1.0};
    aif_progress_config cfg = base_config(out, &clock);
    cfg.is_tty = 0;
    aif_progress p;
    aif_progress_init(&p, &cfg);
    for (int i = 0; i < 100; i++) {
        aif_progress_update(&p, i, 1);
    }
    aif_progress_finish(&p, 100, 100);
    char buf[256];
    assert_int_equal(read_all(out, buf, sizeof buf), 0);
    cfg.mode = AIF_PROGRESS_NEVER;
    cfg.is_tty = 1;
    aif_progress_init(&p, &cfg);
    aif_progress_update(&p, 5, 1);
    aif_progress_finish(&p, 5, 1);
    assert_int_equal(read_all(out, buf, sizeof buf), 0);
    fclose(out);
}

/* Off a TTY in always mode: a log line every log_interval_s (10 s), with date, % and ETA. */
static void always_mode_logs_lines(void **state) {
    (void)state;
    FILE *out = tmpfile();
    fake_clock clock = {.t = 0, .step = 1.0};
    aif_progress_config cfg = base_config(out, &clock);
    cfg.is_tty = 0;
    cfg.mode = AIF_PROGRESS_ALWAYS;
    aif_progress p;
    aif_progress_init(&p, &cfg); /* reads t = 0 */
    /* Reads t = 1..25: draws at t = 10 and t = 20. */
    for (int i = 1; i <= 25; i++) {
        aif_progress_update(&p, 5 * AIF_NS_PER_DAY + 13 * AIF_NS_PER_HOUR, 2000000);
    }
    assert_int_equal(aif_progress_draws(&p), 2);
    char buf[1024];
    read_all(out, buf, sizeof buf);
    /* At t = 10 s: half of the 10 simulated days, 2 M events in 10 s, 10 s left. */
    const char *first = "run  2026-01-06 13:00:00   55.4%  200.0 k";
    assert_memory_equal(buf, first, strlen(first));
    assert_non_null(strstr(buf, "events/s  ETA "));
    aif_progress_finish(&p, 10 * AIF_NS_PER_DAY, 4000000);
    read_all(out, buf, sizeof buf);
    assert_non_null(strstr(buf, "100.0%"));
    fclose(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(modes_parse),
        cmocka_unit_test(tty_redraws_at_most_ten_per_second),
        cmocka_unit_test(auto_mode_is_silent_off_a_tty),
        cmocka_unit_test(always_mode_logs_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
