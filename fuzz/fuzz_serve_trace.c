/* Fuzzes the serving simulator's request trace (serve_trace.h; generic with its prefix
 * column, Azure 2023 and Mooncake JSON Lines layouts) and, on what it accepts, the
 * simulator itself (serve.h): a small deployment (llama3.1-8b on two H100s) serves the
 * first 64 requests with prefix caching, routed as byte 0 picks.
 * Input: byte 0 the allocation that fails (0: none), which walks the out-of-memory paths of
 * the reader and the simulator; the rest is the CSV text.
 * Properties: no crash, undefined behaviour or leak; accepted rows have lengths from 1 to
 * 10^9 and non-decreasing arrivals, at most one 512-token hash id per prompt block and a
 * shared prefix within the prompt; a refused row names line >= 1 and a column; the
 * simulation finishes every request it took, never over-commits the KV cache and holds no
 * block at the end, or stops with a range, input or memory error.
 * Memory comes from the counting allocator over fuzz_block_cache.h, which keeps the
 * reader's window and the simulator's large pools from one input to the next (ASan's
 * checks kept). */
#include "aifactory/alloc.h"
#include "aifactory/serve_trace.h"
#include "fuzz_block_cache.h"
#include "fuzz_util.h"

#define SIM_REQUESTS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) {
        return 0;
    }
    aif_test_allocator t;
    aif_test_allocator_init(&t, data[0]);
    t.parent = &fuzz_block_cache; /* counted and failed as before, large blocks kept */
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    aif_serve_trace *tr = NULL;
    aif_serve_source src;
    aif_error err;
    aif_error_clear(&err);
    aif_status st = aif_serve_trace_open_memory(&t.base, "fuzz.csv", text, len, &tr, &src, &err);
    if (st != AIF_OK) {
        FUZZ_CHECK(st == AIF_ENOMEM);
        FUZZ_CHECK(t.live_blocks == 0);
        return 0;
    }
    aif_serve_request rq;
    double last = 0;
    long rows = 0;
    while ((st = src.next(src.ctx, &rq, &err)) == AIF_OK) {
        FUZZ_CHECK(rq.input_tokens >= 1 && rq.input_tokens <= 1000000000L);
        FUZZ_CHECK(rq.output_tokens >= 1 && rq.output_tokens <= 1000000000L);
        FUZZ_CHECK(rq.arrival_s >= last);
        FUZZ_CHECK(rq.hash_count >= 0 && rq.hash_count <= (rq.input_tokens + 511) / 512);
        FUZZ_CHECK(rq.hash_count == 0 || (rq.hash_ids != NULL && rq.hash_block_tokens == 512));
        FUZZ_CHECK(rq.prefix_tokens >= 0 && rq.prefix_tokens <= rq.input_tokens);
        last = rq.arrival_s;
        rows++;
    }
    int clean = st == AIF_EEMPTY;
    if (!clean) {
        FUZZ_CHECK(st == AIF_EPARSE || st == AIF_ENOMEM || st == AIF_EIO);
        if (st == AIF_EPARSE && err.line > 0) {
            FUZZ_CHECK(err.col >= 1);
        }
        fuzz_error(&err);
    }
    aif_serve_trace_close(tr);
    if (clean && rows > 0) {
        aif_serve_config c = {0};
        c.model = aif_model_find("llama3.1-8b");
        c.hw = aif_perf_hw_find("h100");
        c.precision = AIF_PREC_FP8;
        c.tp = 1;
        c.replicas = 2;
        c.route = (aif_serve_route)(data[0] % AIF_SERVE_ROUTE_COUNT);
        c.prefix_caching = 1;
        tr = NULL;
        FUZZ_CHECK(aif_serve_trace_open_memory(&t.base, "fuzz.csv", text, len, &tr, &src, &err) ==
                       AIF_OK ||
                   t.failures > 0);
        if (tr) {
            aif_serve_result r;
            st = aif_serve_run(&t.base, &c, &src, SIM_REQUESTS, &r, &err);
            if (st == AIF_OK) {
                FUZZ_CHECK(r.requests_completed == (rows < SIM_REQUESTS ? rows : SIM_REQUESTS));
                FUZZ_CHECK(r.peak_kv_occupancy <= 1.0);
                FUZZ_CHECK(r.kv_blocks_at_end == 0);
            } else {
                FUZZ_CHECK(st == AIF_ERANGE || st == AIF_EINVAL || st == AIF_ENOMEM);
            }
            aif_serve_trace_close(tr);
        }
    }
    FUZZ_CHECK(t.live_blocks == 0);
    return 0;
}
