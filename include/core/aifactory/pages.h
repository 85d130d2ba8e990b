/* First touches of big arrays that are filled in order (a trace's jobs, a replay's
 * results): huge-page hints and a timed touch of each 2 MiB page ahead of the writer, so a
 * 10^6-job array is not faulted in 4 KiB at a time. Shared by io's trace reader and sched's
 * fifo fast path; the aif__ prefix marks it as internal to the library (not a stable API).
 * Results never depend on it: memory is only advised. */
#ifndef AIFACTORY_PAGES_H
#define AIFACTORY_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Per-array state; zero it before the first call. Counts carry over when the array moves. */
typedef struct aif__pages {
    void *base;      /* the array the pages below belong to */
    uintptr_t done;  /* address of the last huge page arranged, 0 = none */
    unsigned hinted; /* huge pages hinted and touched so far */
    unsigned slow;   /* of which slow to touch (not yet backed by the hypervisor) */
    bool off;        /* ordinary pages from here on */
} aif__pages;

/* For an array base[0..cap) bytes that the caller fills in order and has filled up to
 * `filled`: arrange the first touch of the next whole 2 MiB page ahead of the writer (a
 * huge-page hint, and a timed touch that writes a zero byte into it, which is why the
 * bytes past `filled` must hold nothing yet), and return the fill mark at which to call
 * again (> filled; cap when nothing is left to arrange). A moved array (new base) starts
 * over from `filled`. Never fails: memory is only advised, and results do not depend on
 * it. Cost O(1), a system call per 2 MiB; a no-op returning cap off Linux. */
size_t aif__pages_next(aif__pages *pg, void *base, size_t cap, size_t filled);

#endif
