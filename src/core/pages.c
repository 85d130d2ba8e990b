/* First touches of the big arrays a trace replay fills in order (the trace's job array, the
 * replay's per-job results), with transparent huge pages while they are cheap.
 *
 * Faulting in memory 4 KiB at a time costs about as much as parsing the rows that fill it
 * (a 10^6-job trace is 64 MB of jobs), and a 2 MiB huge page is typically 5x cheaper per
 * byte. But in a virtual machine a huge page the guest has never used is not yet backed by
 * the host, and its first touch then costs 20-40x a warm one (measured: 0.18 ms versus 4-7 ms
 * per 2 MiB, against 0.85 ms in small pages): a plain MADV_HUGEPAGE hint over the whole
 * array made the read time swing by 3x from run to run. So pages are hinted one at a time,
 * one ahead of the writer, and each first touch is timed; after the first slow one the rest
 * of the array is left to ordinary pages, which bounds the loss to one slow page per array.
 * Only timing changes: the bytes the caller writes are its own. */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE (Linux) */
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "aifactory/pages.h"

#define HUGE_BYTES ((uintptr_t)2 << 20)
#define SLOW_NS    1000000 /* a warm huge page takes ~0.2 ms, an unbacked one ~4 ms */

#if defined(__linux__) && defined(MADV_HUGEPAGE)
/* CPU time of this thread: a touch that waits for the hypervisor counts, being preempted
 * by another process (the machine may be busy) does not. */
static int64_t cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Hint the huge page at p and make its first touch now, timed. */
static void prepare(aif__pages *pg, char *p) {
    if (madvise(p, HUGE_BYTES, MADV_HUGEPAGE) != 0) {
        pg->off = true; /* no THP here: ordinary faults, nothing to arrange */
        return;
    }
    int64_t t0 = cpu_ns();
    *(volatile char *)p = 0; /* the page holds nothing yet: the caller writes it later */
    pg->hinted++;
    /* Slow pages come once the kernel's supply of huge pages the host already backs runs
     * out, and then keep coming (one costs as much as eight pages' worth of small ones):
     * the first one ends the hinting. */
    pg->off = cpu_ns() - t0 > SLOW_NS;
    pg->slow += pg->off;
}
#endif

size_t aif__pages_next(aif__pages *pg, void *base, size_t cap, size_t filled) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (pg->off || filled >= cap) {
        return cap;
    }
    uintptr_t b = (uintptr_t)base;
    uintptr_t next = (b + filled + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
    if (base != pg->base) {
        pg->base = base; /* a new or moved array: nothing of it is prepared yet */
        pg->done = 0;
    }
    if (next + HUGE_BYTES > b + cap) {
        return cap; /* no whole huge page left to arrange */
    }
    if (next > pg->done) {
        prepare(pg, (char *)next);
        pg->done = next;
    }
    /* Call again once the writer is inside that page, to arrange the one after it. */
    return next - b + 1;
#else
    (void)pg;
    (void)base;
    (void)filled;
    return cap;
#endif
}
