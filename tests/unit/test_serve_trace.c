/* Unit tests for the serving simulator's request trace (serve_trace.h): header or none,
 * blank lines, streaming order, every kind of bad row with its line and column, files and
 * allocation failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aifactory/serve_trace.h"

/* Read every request of `text`; returns the status that ended the read (AIF_EEMPTY: all). */
static aif_status read_all(const char *text, aif_serve_request *rq, int max, int *n,
                           aif_error *err) {
    aif_serve_trace *t;
    aif_serve_source src;
    assert_int_equal(aif_serve_trace_open_memory(NULL, "t.csv", text, strlen(text), &t, &src, err),
                     AIF_OK);
    aif_status st;
    *n = 0;
    while ((st = src.next(src.ctx, &rq[*n < max ? *n : max - 1], err)) == AIF_OK) {
        (*n)++;
        assert_int_equal(aif_serve_trace_line(t) > 0, 1);
    }
    if (st != AIF_EEMPTY) {
        /* err->file points into the trace: copy the position before closing. */
        static char name[16];
        snprintf(name, sizeof name, "%s", err->file ? err->file : "");
        err->file = name;
    }
    aif_serve_trace_close(t);
    return st;
}

static void good_traces(void **state) {
    (void)state;
    aif_serve_request rq[8];
    aif_error err = {0};
    int n;
    assert_int_equal(read_all("arrival_s,input_tokens,output_tokens\n0,100,10\n\n0.5,2000,1\r\n"
                              "0.5,3,4",
                              rq, 8, &n, &err),
                     AIF_EEMPTY);
    assert_int_equal(n, 3);
    assert_true(rq[0].arrival_s == 0 && rq[0].input_tokens == 100 && rq[0].output_tokens == 10);
    assert_true(rq[1].arrival_s == 0.5 && rq[1].input_tokens == 2000 && rq[1].output_tokens == 1);
    assert_true(rq[2].input_tokens == 3 && rq[2].output_tokens == 4);
    assert_int_equal(read_all("1.25,7,8\n", rq, 8, &n, &err), AIF_EEMPTY);
    assert_int_equal(n, 1);
    assert_true(rq[0].arrival_s == 1.25);
    assert_int_equal(read_all("", rq, 8, &n, &err), AIF_EEMPTY);
    assert_int_equal(n, 0);
    /* The Azure LLM inference 2023 layout: dates, arrivals from the first row. */
    assert_int_equal(read_all("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                              "2023-11-16 18:15:46.6805900,374,44\n"
                              "2023-11-16 18:15:50.9951690,396,109\n"
                              "2023-11-16 18:16:46.6805900,879,1",
                              rq, 8, &n, &err),
                     AIF_EEMPTY);
    assert_int_equal(n, 3);
    assert_true(rq[0].arrival_s == 0 && rq[0].input_tokens == 374 && rq[0].output_tokens == 44);
    assert_true(fabs(rq[1].arrival_s - 4.314579) < 1e-9);
    assert_true(rq[2].arrival_s == 60 && rq[2].input_tokens == 879);
    assert_true(rq[2].hash_count == 0 && rq[2].prefix_tokens == 0);
    /* The generic layout's prefix column: ID:TOKENS, empty for none. */
    assert_int_equal(read_all("arrival_s,input_tokens,output_tokens,prefix\n0,100,10,sys-1:64\n"
                              "1,200,5,\n2,300,5,sys-1:300\n3,50,1\n",
                              rq, 8, &n, &err),
                     AIF_EEMPTY);
    assert_int_equal(n, 4);
    assert_true(rq[0].prefix_tokens == 64 && rq[0].prefix_id != 0);
    assert_true(rq[1].prefix_tokens == 0 && rq[3].prefix_tokens == 0);
    assert_true(rq[2].prefix_tokens == 300 && rq[2].prefix_id == rq[0].prefix_id);
    /* Mooncake JSON Lines: ms from the start, hash ids of 512-token blocks. */
    assert_int_equal(read_all("{\"timestamp\": 0, \"input_length\": 6758, \"output_length\": "
                              "500, \"hash_ids\": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}\n"
                              "\n {\"output_length\":3,\"input_length\":1,\"timestamp\":1500.5}\r\n"
                              "{\"timestamp\": 3000, \"input_length\": 513, \"output_length\": 1, "
                              "\"hash_ids\": []}",
                              rq, 8, &n, &err),
                     AIF_EEMPTY);
    assert_int_equal(n, 3);
    assert_true(rq[0].arrival_s == 0 && rq[0].input_tokens == 6758 && rq[0].output_tokens == 500);
    assert_true(rq[0].hash_count == 14 && rq[0].hash_block_tokens == 512);
    assert_true(rq[1].arrival_s == 1.5005 && rq[1].input_tokens == 1 && rq[1].output_tokens == 3);
    assert_true(rq[1].hash_count == 0 && rq[1].hash_ids == NULL);
    assert_true(rq[2].arrival_s == 3 && rq[2].hash_count == 0);
}

static void bad_rows(void **state) {
    (void)state;
    struct {
        const char *text;
        unsigned long line, col;
        const char *msg;
    } cases[] = {
        {"0,100,10\n1,-5,10\n", 2, 3, "input_tokens: expected a whole number"},
        {"0,100,10\n1,5,abc\n", 2, 5, "output_tokens: expected a whole number"},
        {"0,100,0\n", 1, 7, "output_tokens: expected a whole number of tokens from 1"},
        {"-1,100,10\n", 1, 1, "arrival_s: expected seconds from 0"},
        {"x1,100,10\n", 1, 1, "expected the header"},
        {"2,100,10\n1,100,10\n", 2, 1, "expected rows in arrival order"},
        {"0,100\n", 1, 1, "expected 3 or 4 columns"},
        {"0,100,10,4\n", 1, 10, "prefix: expected ID:TOKENS"},
        {"0,100,10,a:1,5\n", 1, 14, "expected 3 or 4 columns"},
        {"0,100,10,sys:101\n", 1, 14,
         "prefix: expected the shared tokens as a whole number "
         "from 1 to the prompt's 100, found '101'"},
        {"0,100,10,s y:10\n", 1, 10, "prefix: expected ID:TOKENS"},
        {"0,100,10,:10\n", 1, 10, "prefix: expected ID:TOKENS"},
        {"arrival_s,input_tokens,output_tokens,pre\n", 1, 38, "the fourth column 'prefix'"},
        {"TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,5,5,a:1\n", 2, 25,
         "expected 3 columns (TIMESTAMP"},
        /* Mooncake JSON Lines */
        {"{\"timestamp\": 0, \"input_length\": 10}\n", 1, 36, "expected the key 'output_length'"},
        {"{\"timestamp\": 0, \"input_length\": -1, \"output_length\": 1}\n", 1, 34,
         "input_length: expected a whole number of tokens from 1 to 1000000000, found '-1'"},
        {"{\"timestamp\": 5, \"input_length\": 1, \"output_length\": 1}\n"
         "{\"timestamp\": 4, \"input_length\": 1, \"output_length\": 1}\n",
         2, 2, "timestamp: expected rows in arrival order"},
        {"{\"timestamp\": 1e3, \"input_length\": 1, \"output_length\": 1}\n", 1, 15,
         "timestamp: expected milliseconds"},
        {"{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": [1, x]}\n", 1,
         73, "hash_ids: expected a whole number"},
        {"{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 1, \"hash_ids\": [1,2,3]}\n",
         1, 59, "hash_ids: expected one id per 512-token block of the prompt, found 3 ids for 600"},
        {"{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": [-1]}\n", 1,
         70, "hash_ids: expected a whole number from 0 to 2^63 - 1, found '-1'"},
        {"{\"timestamp\": 0, \"input_length\": 1, \"output_len\": 1}\n", 1, 38,
         "expected one of the keys timestamp, input_length, output_length, hash_ids, found "
         "'output_len'"},
        {"{\"timestamp\": 0, \"timestamp\": 1}\n", 1, 18, "found 'timestamp' again"},
        {"{\"timestamp\": 0 \"input_length\": 1}\n", 1, 17,
         "expected ',' or '}' after the "
         "value of 'timestamp'"},
        {"{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1} x\n", 1, 57,
         "expected the end of the line after the object, found 'x'"},
        {"{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n0,1,1\n", 2, 1,
         "expected a request object"},
        {"{\"timestamp\" 0}\n", 1, 14, "expected ':' after the key 'timestamp'"},
        {"arrival_s,input_tokens,output\n", 1, 24, "found column 'output'"},
        {"0,1\xff,2\n", 1, 4, "expected UTF-8"},
        {"0,100,2000000000\n", 1, 7, "from 1 to 1000000000"},
        {"TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,5,x\n", 2, 23,
         "GeneratedTokens: expected a whole number"},
        {"TIMESTAMP,ContextTokens,GeneratedTokens\n2023-13-16 18:15:46,5,5\n", 2, 1,
         "TIMESTAMP: expected a date"},
        {"TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,5,5\n"
         "2023-11-16 18:15:45,5,5\n",
         3, 1, "TIMESTAMP: expected rows in arrival order"},
        {"TIMESTAMP,ContextTokens\n", 1, 1, "column '' missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aif_serve_request rq[4];
        aif_error err = {0};
        int n;
        assert_int_equal(read_all(cases[i].text, rq, 4, &n, &err), AIF_EPARSE);
        assert_string_equal(err.file, "t.csv");
        assert_int_equal(err.line, cases[i].line);
        assert_int_equal(err.col, cases[i].col);
        if (strstr(err.message, cases[i].msg) == NULL) {
            fail_msg("case %zu: '%s' lacks '%s'", i, err.message, cases[i].msg);
        }
    }
}

static void files(void **state) {
    (void)state;
    char path[] = "/tmp/aif-serve-trace-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "arrival_s,input_tokens,output_tokens\n0,10,2\n1,20,3\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    aif_serve_trace *t;
    aif_serve_source src;
    aif_error err = {0};
    assert_int_equal(aif_serve_trace_open(NULL, path, &t, &src, &err), AIF_OK);
    aif_serve_request rq;
    assert_int_equal(src.next(src.ctx, &rq, &err), AIF_OK);
    assert_int_equal(src.next(src.ctx, &rq, &err), AIF_OK);
    assert_int_equal(aif_serve_trace_line(t), 3);
    assert_int_equal(src.next(src.ctx, &rq, &err), AIF_EEMPTY);
    aif_serve_trace_close(t);
    unlink(path);
    assert_int_equal(aif_serve_trace_open(NULL, path, &t, &src, &err), AIF_EIO);
    assert_int_equal(aif_serve_trace_open(NULL, NULL, &t, &src, &err), AIF_EINVAL);
    aif_serve_trace_close(NULL);
}

static void allocation_failures(void **state) {
    (void)state;
    const char *text = "0,10,2\n1,20,3\n";
    for (long k = 1; k <= 3; k++) {
        aif_test_allocator ta;
        aif_test_allocator_init(&ta, k);
        aif_serve_trace *t = NULL;
        aif_serve_source src;
        aif_error err = {0};
        aif_status st =
            aif_serve_trace_open_memory(&ta.base, "m", text, strlen(text), &t, &src, &err);
        if (st == AIF_OK) {
            aif_serve_request rq;
            while ((st = src.next(src.ctx, &rq, &err)) == AIF_OK) {
            }
            aif_serve_trace_close(t);
        } else {
            assert_int_equal(st, AIF_ENOMEM);
        }
        assert_int_equal(ta.live_blocks, 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_traces),
        cmocka_unit_test(bad_rows),
        cmocka_unit_test(files),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
