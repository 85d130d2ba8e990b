/* Unit tests for the cluster and its placements: exact node choices for each rule,
 * fragmentation, whole-node shapes, splitting, release, a randomized consistency check of
 * the free-capacity index against a brute-force recount, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aifactory/cluster.h"
#include "aifactory/cluster_file.h"
#include "aifactory/rng.h"

static aif_cluster *mk(aif_placement p, int64_t gpus, int32_t k) {
    aif_cluster *c = NULL;
    assert_int_equal(aif_cluster_create(NULL, gpus, k, p, 1, &c), AIF_OK);
    return c;
}

static void names(void **state) {
    (void)state;
    aif_placement p;
    for (int i = 0; i < AIF_PLACE_COUNT; i++) {
        assert_int_equal(aif_placement_parse(aif_placement_name((aif_placement)i), &p), AIF_OK);
        assert_int_equal(p, i);
    }
    assert_int_equal(aif_placement_parse("spread", &p), AIF_ENOTFOUND);
    assert_string_equal(aif_placement_name(AIF_PLACE_COUNT), "?");
}

static void pool_counts_only(void **state) {
    (void)state;
    aif_cluster *c = mk(AIF_PLACE_POOL, 10, 3); /* 10 is not a multiple of 3: fine for a pool */
    uint32_t a, n;
    assert_int_equal(aif_cluster_place(c, 7, &a, &n), AIF_OK);
    assert_int_equal(a, 0);
    assert_int_equal(n, 0);
    assert_int_equal(aif_cluster_place(c, 4, &a, &n), AIF_EEMPTY);
    assert_int_equal(aif_cluster_free_gpus(c), 3);
    aif_cluster_release(c, 7, 0);
    assert_int_equal(aif_cluster_free_gpus(c), 10);
    assert_int_equal(aif_cluster_place(c, 0, &a, &n), AIF_EINVAL);
    aif_cluster_destroy(c);
}

static void consolidated_shapes_and_fragmentation(void **state) {
    (void)state;
    aif_cluster *c = mk(AIF_PLACE_CONSOLIDATED, 32, 8); /* 4 nodes */
    uint32_t a1, a2, a3, a4, n;
    assert_int_equal(aif_cluster_place(c, 5, &a1, &n), AIF_OK);
    assert_int_equal(n, 1);
    assert_int_equal(aif_cluster_place(c, 3, &a2, &n), AIF_OK); /* tightest: the 3 left */
    assert_int_equal(n, 1);
    assert_int_equal(aif_cluster_place(c, 12, &a3, &n), AIF_OK); /* 1 whole node + 4 */
    assert_int_equal(n, 2);
    assert_int_equal(aif_cluster_free_gpus(c), 12);
    /* 12 GPUs free as 8 + 4: a 9-GPU job needs 1 whole + 1 on a partial node: fits. */
    assert_int_equal(aif_cluster_place(c, 9, &a4, &n), AIF_OK);
    assert_int_equal(n, 2);
    aif_cluster_release(c, 9, a4);
    /* A 10-GPU job would need 8 + 2 with 4 on the partial node: fits too; 13 does not. */
    assert_int_equal(aif_cluster_place(c, 13, &a4, &n), AIF_EEMPTY);
    aif_cluster_release(c, 5, a1); /* node 0 has 5 free now, node 3 has 4 free, 2 is whole */
    /* 16 GPUs: 2 whole nodes needed, only 1 whole: waits although 17 are free. */
    assert_int_equal(aif_cluster_free_gpus(c), 17);
    assert_int_equal(aif_cluster_place(c, 16, &a4, &n), AIF_EEMPTY);
    /* 6 GPUs on one node: none has 6 partially free, so the whole node is used. */
    assert_int_equal(aif_cluster_place(c, 6, &a4, &n), AIF_OK);
    assert_int_equal(n, 1);
    assert_int_equal(aif_cluster_place(c, 6, &a1, &n), AIF_EEMPTY); /* 5, 4, 2 free */
    aif_cluster_release(c, 6, a4);
    aif_cluster_release(c, 3, a2);
    aif_cluster_release(c, 12, a3);
    assert_int_equal(aif_cluster_free_gpus(c), 32);
    assert_int_equal(aif_cluster_place(c, 32, &a1, &n), AIF_OK);
    assert_int_equal(n, 4);
    aif_cluster_destroy(c);
}

static void best_fit_and_first_fit_split(void **state) {
    (void)state;
    for (int p = AIF_PLACE_FIRST_FIT; p <= AIF_PLACE_BEST_FIT; p++) {
        aif_cluster *c = mk((aif_placement)p, 16, 8);
        uint32_t a1, a2, a3, n;
        assert_int_equal(aif_cluster_place(c, 5, &a1, &n), AIF_OK);
        assert_int_equal(aif_cluster_place(c, 5, &a2, &n), AIF_OK);
        assert_int_equal(n, 1); /* 3 + 3 free: no node fits 5 by itself */
        /* 6 GPUs do not fit one node, but both rules may split: 3 + 3. */
        assert_int_equal(aif_cluster_place(c, 6, &a3, &n), AIF_OK);
        assert_int_equal(n, 2);
        assert_int_equal(aif_cluster_free_gpus(c), 0);
        aif_cluster_release(c, 6, a3);
        aif_cluster_release(c, 5, a1);
        aif_cluster_release(c, 5, a2);
        aif_cluster_destroy(c);
    }
    /* First-fit picks the lowest-index node; best-fit the tightest. */
    aif_cluster *ff = mk(AIF_PLACE_FIRST_FIT, 24, 8);
    aif_cluster *bf = mk(AIF_PLACE_BEST_FIT, 24, 8);
    uint32_t x[3], y[3], n;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(aif_cluster_place(ff, 8, &x[i], &n), AIF_OK);
        assert_int_equal(aif_cluster_place(bf, 8, &y[i], &n), AIF_OK);
    }
    aif_cluster_release(ff, 8, x[0]); /* node 0 fully free */
    aif_cluster_release(bf, 8, y[0]);
    uint32_t t1, t2;
    assert_int_equal(aif_cluster_place(ff, 2, &t1, &n), AIF_OK);
    assert_int_equal(aif_cluster_place(bf, 2, &t2, &n), AIF_OK);
    aif_cluster_release(ff, 8, x[2]); /* node 2 fully free; node 0 has 6 */
    aif_cluster_release(bf, 8, y[2]);
    /* A 5-GPU job: first-fit takes node 0 (6 free, lowest index), best-fit node 0 too
     * (tightest with 6). A 7-GPU job then: both must use node 2. */
    uint32_t u, v;
    assert_int_equal(aif_cluster_place(ff, 5, &u, &n), AIF_OK);
    assert_int_equal(aif_cluster_place(bf, 5, &v, &n), AIF_OK);
    assert_int_equal(aif_cluster_free_gpus(ff), 9);
    assert_int_equal(aif_cluster_place(ff, 7, &u, &n), AIF_OK);
    assert_int_equal(aif_cluster_place(bf, 7, &v, &n), AIF_OK);
    assert_int_equal(n, 1);
    aif_cluster_destroy(ff);
    aif_cluster_destroy(bf);
}

/* Random place/release sequences: free counts stay consistent and every GPU comes back. */
static void random_sequences_stay_consistent(void **state) {
    (void)state;
    for (int p = 0; p < AIF_PLACE_COUNT; p++) {
        aif_cluster *c = mk((aif_placement)p, 64 * 8, 8);
        aif_rng r;
        aif_rng_seed(&r, 5, (uint64_t)p);
        uint32_t alloc[256];
        int32_t gpus[256];
        int live = 0;
        int64_t held = 0;
        for (int step = 0; step < 20000; step++) {
            if (live < 256 && aif_rng_below(&r, 2)) {
                int32_t g = (int32_t)(1 + aif_rng_below(&r, 20));
                uint32_t n;
                aif_status st = aif_cluster_place(c, g, &alloc[live], &n);
                if (st == AIF_OK) {
                    gpus[live++] = g;
                    held += g;
                    if (p != AIF_PLACE_POOL && p != AIF_PLACE_BEST_FIT &&
                        p != AIF_PLACE_FIRST_FIT) {
                        assert_int_equal(n, (uint32_t)((g + 7) / 8)); /* fewest nodes */
                    }
                } else {
                    assert_int_equal(st, AIF_EEMPTY);
                }
            } else if (live > 0) {
                int i = (int)aif_rng_below(&r, (uint64_t)live);
                aif_cluster_release(c, gpus[i], alloc[i]);
                held -= gpus[i];
                alloc[i] = alloc[--live];
                gpus[i] = gpus[live];
            }
            assert_int_equal(aif_cluster_free_gpus(c), 512 - held);
        }
        while (live > 0) {
            live--;
            aif_cluster_release(c, gpus[live], alloc[live]);
        }
        /* Everything back: the whole cluster fits one job again. */
        uint32_t a, n;
        assert_int_equal(aif_cluster_place(c, 512, &a, &n), AIF_OK);
        aif_cluster_destroy(c);
    }
}

static void bad_shapes_and_allocation_failures(void **state) {
    (void)state;
    aif_cluster *c = NULL;
    assert_int_equal(aif_cluster_create(NULL, 0, 8, AIF_PLACE_POOL, 0, &c), AIF_EINVAL);
    assert_int_equal(aif_cluster_create(NULL, 12, 8, AIF_PLACE_BEST_FIT, 0, &c), AIF_EINVAL);
    assert_int_equal(aif_cluster_create(NULL, 512, 256, AIF_PLACE_RANDOM, 0, &c), AIF_EINVAL);
    assert_null(c);
    for (long k = 1; k <= 8; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_status st = aif_cluster_create(&t.base, 64, 8, AIF_PLACE_CONSOLIDATED, 0, &c);
        if (st == AIF_OK) {
            aif_cluster_destroy(c);
            c = NULL;
        } else {
            assert_int_equal(st, AIF_ENOMEM);
        }
        assert_int_equal(t.live_blocks, 0);
    }
    /* Piece-table growth failing: the placement is refused and nothing changes. */
    aif_test_allocator t;
    aif_test_allocator_init(&t, 0);
    assert_int_equal(aif_cluster_create(&t.base, 8 * 4096, 8, AIF_PLACE_BEST_FIT, 0, &c), AIF_OK);
    t.fail_at = t.allocations + 1;
    uint32_t a, n;
    assert_int_equal(aif_cluster_place(c, 8 * 4096, &a, &n), AIF_ENOMEM);
    assert_int_equal(aif_cluster_free_gpus(c), 8 * 4096);
    t.fail_at = 0;
    assert_int_equal(aif_cluster_place(c, 8 * 4096, &a, &n), AIF_OK);
    assert_int_equal(n, 4096);
    aif_cluster_release(c, 8 * 4096, a);
    aif_cluster_destroy(c);
    assert_int_equal(t.live_blocks, 0);
}

static void groups_by_gpu_type(void **state) {
    (void)state;
    aif_cluster_group g[] = {{.gpu_type = "H100", .nodes = 2, .gpus_per_node = 8},
                             {.gpu_type = "A100", .nodes = 1, .gpus_per_node = 4},
                             {.nodes = 1, .gpus_per_node = 8}};
    for (int p = 0; p < AIF_PLACE_COUNT; p++) {
        aif_cluster *c = NULL;
        assert_int_equal(aif_cluster_create_groups(NULL, g, 3, (aif_placement)p, 3, &c), AIF_OK);
        assert_int_equal(aif_cluster_gpus(c), 28);
        assert_int_equal(aif_cluster_group_count(c), 3);
        uint32_t h100 = aif_cluster_groups_of_type(c, "H100");
        assert_int_equal(h100, 1);
        assert_int_equal(aif_cluster_groups_of_type(c, "A100"), 2);
        assert_int_equal(aif_cluster_groups_of_type(c, "TPU"), 7); /* unknown: anywhere */
        assert_int_equal(aif_cluster_groups_of_type(c, NULL), 7);
        assert_int_equal(aif_cluster_largest_group(c, 2), 4);
        assert_int_equal(aif_cluster_largest_group(c, 7), 16);
        uint32_t a1, a2, a3, n;
        /* A 16-GPU H100 job takes group 0 whole; another must wait though 12 are free. */
        assert_int_equal(aif_cluster_place_in(c, 16, h100, &a1, &n), AIF_OK);
        assert_int_equal(aif_cluster_place_in(c, 8, h100, &a2, &n), AIF_EEMPTY);
        /* Jobs never span groups: 12 GPUs are free in total but no group has 12. */
        assert_int_equal(aif_cluster_place(c, 12, &a2, &n), AIF_EEMPTY);
        assert_int_equal(aif_cluster_place(c, 8, &a2, &n), AIF_OK); /* group 2 */
        assert_int_equal(aif_cluster_place(c, 4, &a3, &n), AIF_OK); /* group 1 */
        assert_int_equal(aif_cluster_free_gpus(c), 0);
        aif_cluster_release(c, 16, a1);
        assert_int_equal(aif_cluster_place_in(c, 8, h100, &a1, &n), AIF_OK);
        aif_cluster_release(c, 8, a1);
        aif_cluster_release(c, 8, a2);
        aif_cluster_release(c, 4, a3);
        assert_int_equal(aif_cluster_free_gpus(c), 28);
        aif_cluster_destroy(c);
    }
    aif_cluster *c = NULL;
    assert_int_equal(aif_cluster_create_groups(NULL, g, 0, AIF_PLACE_POOL, 0, &c), AIF_EINVAL);
    aif_cluster_group bad = {.nodes = 0, .gpus_per_node = 8};
    assert_int_equal(aif_cluster_create_groups(NULL, &bad, 1, AIF_PLACE_POOL, 0, &c), AIF_EINVAL);
    for (long k = 1; k <= 25; k++) {
        aif_test_allocator t;
        aif_test_allocator_init(&t, k);
        aif_status st = aif_cluster_create_groups(&t.base, g, 3, AIF_PLACE_FIRST_FIT, 0, &c);
        if (st == AIF_OK) {
            aif_cluster_destroy(c);
        } else {
            assert_int_equal(st, AIF_ENOMEM);
        }
        assert_int_equal(t.live_blocks, 0);
    }
}

static void cluster_files(void **state) {
    (void)state;
    aif_cluster_spec s;
    aif_error err;
    char shown[512];
    const char *ok = "# two types\n"
                     "groups:\n"
                     "  - gpu_type: H100\n"
                     "    nodes: 1920\n"
                     "    gpus_per_node: 8\n"
                     "    nodes_per_domain: 9\n"
                     "  - {nodes: 4, gpus_per_node: 4}\n";
    assert_int_equal(aif_cluster_spec_parse("c.yaml", ok, strlen(ok), &s, &err), AIF_OK);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.groups[0].gpu_type, "H100");
    assert_int_equal(s.groups[0].nodes, 1920);
    assert_int_equal(s.groups[0].gpus_per_node, 8);
    assert_int_equal(s.groups[0].nodes_per_domain, 9);
    assert_null(s.groups[1].gpu_type);
    assert_int_equal(s.groups[1].nodes, 4);
    aif_cluster_spec copy = s; /* a value: names travel with it, pointers are fixed on read */
    assert_string_equal(copy.names[0], "H100");

    const struct {
        const char *text;
        const char *message;
    } bad[] = {
        {"groups:\n  - nodes: x\n    gpus_per_node: 8\n",
         "c.yaml:2:12: error: groups[0].nodes: expected an integer in 1..2147483648, found 'x'"},
        {"groups:\n  - nodes: 2\n", "c.yaml:2:5: error: groups[0]: missing 'gpus_per_node'"},
        {"groups:\n  - nodes: 2\n    gpus_per_node: 300\n",
         "c.yaml:3:20: error: groups[0].gpus_per_node: expected an integer in 1..255, found "
         "'300'"},
        {"groups: []\n",
         "c.yaml:1:1: error: 'groups': expected a sequence of 1..16 groups, found a sequence"},
        {"nodes: 3\n",
         "c.yaml:1:1: error: 'groups': expected a sequence of 1..16 groups, found nothing"},
        {"- 1\n", "c.yaml:1:1: error: expected a mapping with 'groups', found a sequence"},
        {"groups:\n  - 7\n", "c.yaml:2:5: error: groups[0]: expected a mapping, found a scalar"},
        {"groups:\n  - {nodes: [1], gpus_per_node: 8}\n",
         "c.yaml:2:14: error: groups[0].nodes: expected an integer in 1..2147483648, found a "
         "sequence"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(
            aif_cluster_spec_parse("c.yaml", bad[i].text, strlen(bad[i].text), &s, &err),
            AIF_EPARSE);
        aif_error_format(&err, shown, sizeof shown);
        assert_string_equal(shown, bad[i].message);
    }
    assert_int_equal(aif_cluster_spec_parse("c.yaml", "groups: [\n", 10, &s, &err), AIF_EPARSE);
    aif_error_format(&err, shown, sizeof shown);
    assert_non_null(strstr(shown, "c.yaml:"));
    assert_int_equal(aif_cluster_spec_read("/nonexistent/c.yaml", &s, &err), AIF_EIO);
    aif_error_format(&err, shown, sizeof shown);
    assert_string_equal(shown,
                        "/nonexistent/c.yaml: error: cannot open the cluster file: No such file "
                        "or directory");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(pool_counts_only),
        cmocka_unit_test(consolidated_shapes_and_fragmentation),
        cmocka_unit_test(best_fit_and_first_fit_split),
        cmocka_unit_test(random_sequences_stay_consistent),
        cmocka_unit_test(bad_shapes_and_allocation_failures),
        cmocka_unit_test(groups_by_gpu_type),
        cmocka_unit_test(cluster_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
