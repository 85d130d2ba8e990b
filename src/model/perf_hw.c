/* Built-in accelerator table for the performance model, and the small enums around it.
 *
 * Values are dense peaks and per-GPU, per-direction bandwidths from docs sources.md §1
 * (rows cited per entry); A100 figures come from NVIDIA's A100 datasheet and are needed only
 * for the Splitwise cross-generation check. NVLink figures in sources are bidirectional
 * totals (900 GB/s, 1.8 TB/s), so one direction is half. Scale-out is one 400 Gb/s NIC per
 * GPU (50 GB/s) on HGX/NVL72 of the Hopper and Blackwell generations, 200 Gb/s on A100,
 * 800 Gb/s (ConnectX-8) on Blackwell Ultra. TDPs are the same sources' board powers. L2
 * sizes (last field) are from NVIDIA's A100 and H100 architecture whitepapers (40 MB, 50 MB;
 * H200 is the H100 die); Blackwell's are not in our sources and stay 0 (unknown). Catalog systems
 * are turned into the same description by perf_hw_catalog.c. */
#include <string.h>

#include "aifactory/perf.h"

#define TF 1e12
#define GB 1e9
#define MB 1e6

static const aif_perf_hw builtin_hw[] = {
    {"a100",
     "ampere",
     {312 * TF, 0, 0},
     80 * GB,
     2039 * GB,
     8,
     300 * GB,
     25 * GB,
     AIF_PREC_BF16,
     AIF_PREC_BF16,
     "NVIDIA A100 80GB SXM datasheet (312 TF bf16 dense, 2,039 GB/s, NVLink 600 GB/s)",
     400,
     40 * MB},
    {"h100",
     "hopper",
     {989 * TF, 1979 * TF, 0},
     80 * GB,
     3350 * GB,
     8,
     450 * GB,
     50 * GB,
     AIF_PREC_FP8,
     AIF_PREC_FP8,
     "sources.md §1a rows 1-6 (H100 SXM)",
     700,
     50 * MB},
    {"h200",
     "hopper",
     {989 * TF, 1979 * TF, 0},
     141 * GB,
     4800 * GB,
     8,
     450 * GB,
     50 * GB,
     AIF_PREC_FP8,
     AIF_PREC_FP8,
     "sources.md §1a rows 9-11 (H200 SXM)",
     700,
     50 * MB},
    {"b200",
     "blackwell",
     {2250 * TF, 4500 * TF, 9000 * TF},
     180 * GB,
     8000 * GB,
     8,
     900 * GB,
     50 * GB,
     AIF_PREC_FP8,
     AIF_PREC_FP4,
     "sources.md §1a rows 13-17 (B200 HGX, 1,000 W)",
     1000,
     0},
    {"gb200",
     "blackwell",
     {2500 * TF, 5000 * TF, 10000 * TF},
     186 * GB,
     8000 * GB,
     72,
     900 * GB,
     50 * GB,
     AIF_PREC_FP8,
     AIF_PREC_FP4,
     "sources.md §1a rows 20-23 (GB200 NVL72, 1,200 W)",
     1200,
     0},
    {"b300",
     "blackwell",
     {2250 * TF, 4500 * TF, 14000 * TF},
     270 * GB,
     7700 * GB,
     8,
     900 * GB,
     100 * GB,
     AIF_PREC_FP8,
     AIF_PREC_FP4,
     "sources.md §1a rows 18-19 (B300 HGX)",
     1100,
     0},
    {"gb300",
     "blackwell",
     {2500 * TF, 5000 * TF, 15000 * TF},
     279 * GB,
     8000 * GB,
     72,
     900 * GB,
     100 * GB,
     AIF_PREC_FP8,
     AIF_PREC_FP4,
     "sources.md §1a rows 28-31 (GB300 NVL72)",
     1400,
     0},
};

enum { HW_COUNT = sizeof builtin_hw / sizeof builtin_hw[0] };

int aif_perf_hw_count(void) {
    return HW_COUNT;
}

const aif_perf_hw *aif_perf_hw_at(int i) {
    return (i >= 0 && i < HW_COUNT) ? &builtin_hw[i] : NULL;
}

const aif_perf_hw *aif_perf_hw_find(const char *id) {
    if (id == NULL) {
        return NULL;
    }
    for (int i = 0; i < HW_COUNT; i++) {
        if (strcmp(builtin_hw[i].id, id) == 0) {
            return &builtin_hw[i];
        }
    }
    return NULL;
}

static const char *const workload_names[AIF_WORKLOAD_COUNT] = {"offline", "server", "interactive",
                                                               "training"};

const char *aif_workload_name(aif_workload w) {
    return ((unsigned)w < AIF_WORKLOAD_COUNT) ? workload_names[w] : "?";
}

aif_status aif_workload_parse(const char *name, aif_workload *out) {
    if (name == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    for (int i = 0; i < AIF_WORKLOAD_COUNT; i++) {
        if (strcmp(name, workload_names[i]) == 0) {
            *out = (aif_workload)i;
            return AIF_OK;
        }
    }
    return AIF_ENOTFOUND;
}
