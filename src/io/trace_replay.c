/* Reading a trace and replaying it under fifo in one pass (aif_replay_fifo_read in
 * trace.h): the reader keeps compact rows (trace.c) and sched's fifo fast path replays them
 * (aif_replay_fifo_rows), so a 10^6-job run touches a third of the memory of the general
 * path (a 24-byte row per job instead of a 64-byte aif_job and a 24-byte result). */
#include "aifactory/trace.h"
#include "trace_internal.h"

static aif_status fused(const aif_allocator *a, const char *path, const char *name,
                        const char *text, size_t len, const aif_trace_options *opt, unsigned flags,
                        const aif_replay_config *cfg, aif_replay_fifo_result *out, aif_error *err) {
    if (out == NULL || !aif_replay_fifo_applies(cfg) ||
        (flags & ~(unsigned)AIF_REPLAY_FIFO_NO_VC)) {
        return AIF_EINVAL;
    }
    aif__trace_rows rows;
    aif_status st = aif__trace_read_rows(a, path, name, text, len, opt,
                                         (flags & AIF_REPLAY_FIFO_NO_VC) != 0, &rows, err);
    if (st != AIF_OK) {
        return st;
    }
    aif_replay_fifo_result res = {.format = (aif_trace_format)rows.format,
                                  .skipped_rows = rows.skipped,
                                  .filtered_rows = rows.filtered};
    st = aif_replay_fifo_rows(rows.alloc, rows.v, rows.count, cfg, &res.summary);
    aif__trace_rows_free(&rows);
    if (st == AIF_OK) {
        *out = res;
    }
    return st;
}

aif_status aif_replay_fifo_read(const aif_allocator *a, const char *path,
                                const aif_trace_options *opt, unsigned flags,
                                const aif_replay_config *config, aif_replay_fifo_result *out,
                                aif_error *err) {
    if (path == NULL) {
        return AIF_EINVAL;
    }
    return fused(a, path, NULL, NULL, 0, opt, flags, config, out, err);
}

aif_status aif_replay_fifo_parse(const aif_allocator *a, const char *name, const char *text,
                                 size_t len, const aif_trace_options *opt, unsigned flags,
                                 const aif_replay_config *config, aif_replay_fifo_result *out,
                                 aif_error *err) {
    if (text == NULL && len > 0) {
        return AIF_EINVAL;
    }
    return fused(a, NULL, name, text ? text : "", len, opt, flags, config, out, err);
}
