/* Adapter from the hardware catalog (catalog.h) to the performance model's hardware
 * description (aif_perf_hw), and the id resolver used by `aifactory perf --system`.
 *
 * The catalog keeps figures per package and per system with sources; the model needs one
 * GPU's peaks, memory and fabric bandwidths. Two conventions differ and are converted here:
 * the catalog's `scaleup_gbps` is the bidirectional total per package (900 GB/s for H100),
 * the model's scale-up bandwidth is one direction (450 GB/s); and the catalog holds no
 * scale-out (NIC) figure, so a default per package is used (see nic_table below). With these
 * rules the calibrated systems (hgx-h100, hgx-h200, hgx-b200, gb200-nvl72, hgx-b300) give
 * exactly the built-in descriptions, which tests/unit/test_perf_catalog.c checks. */
#include <string.h>

#include "aifactory/perf.h"

/* One 400 Gb/s NIC per GPU: HGX and NVL72 builds of Hopper and Blackwell, MI300-class
 * platforms. */
#define DEFAULT_SCALEOUT_BYTES_PER_S 50e9

/* Packages whose NIC differs from the default, with the same figures as the built-in table
 * (src/model/perf_hw.c): Blackwell Ultra ships with ConnectX-8 (800 Gb/s). Packages not
 * listed get the default, a conservative choice for later generations whose NICs are not
 * in the catalog's sources. */
static const struct {
    const char *package;
    double bytes_per_s;
} nic_table[] = {
    {"b300", 100e9},
    {"gb300", 100e9},
};

/* L2 cache per package, which the catalog does not hold, with the built-in table's figures
 * (NVIDIA H100 architecture whitepaper: 50 MB on H100 SXM; H200 is the same die). Packages
 * not listed get 0: element-wise passes are then all costed at HBM bandwidth. */
static const struct {
    const char *package;
    double bytes;
} l2_table[] = {
    {"h100-sxm", 50e6},
    {"h200-sxm", 50e6},
};

/* Generation labels for cross-generation grouping; unknown packages use their vendor. */
static const struct {
    const char *package;
    const char *generation;
} generation_table[] = {
    {"h100-sxm", "hopper"}, {"h200-sxm", "hopper"}, {"b200", "blackwell"}, {"gb200", "blackwell"},
    {"b300", "blackwell"},  {"gb300", "blackwell"}, {"rubin", "rubin"},    {"rubin-cpx", "rubin"},
    {"mi300x", "cdna3"},    {"mi325x", "cdna3"},    {"mi355x", "cdna4"},   {"mi450", "cdna5"},
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static double sourced_or(const aif_sourced *v, double fallback) {
    return v->present ? v->value : fallback;
}

static const char *generation_of(const aif_package *p) {
    for (size_t i = 0; i < COUNT_OF(generation_table); i++) {
        if (strcmp(generation_table[i].package, p->id) == 0) {
            return generation_table[i].generation;
        }
    }
    return p->vendor ? p->vendor : "unknown";
}

static double nic_of(const aif_package *p) {
    for (size_t i = 0; i < COUNT_OF(nic_table); i++) {
        if (strcmp(nic_table[i].package, p->id) == 0) {
            return nic_table[i].bytes_per_s;
        }
    }
    return DEFAULT_SCALEOUT_BYTES_PER_S;
}

static double l2_of(const aif_package *p) {
    for (size_t i = 0; i < COUNT_OF(l2_table); i++) {
        if (strcmp(l2_table[i].package, p->id) == 0) {
            return l2_table[i].bytes;
        }
    }
    return 0;
}

aif_status aif_perf_hw_from_catalog(const aif_catalog *cat, const char *system_id, aif_perf_hw *out,
                                    aif_error *err) {
    aif_error_clear(err);
    if (cat == NULL || system_id == NULL || out == NULL) {
        return aif_error_set(err, AIF_EINVAL, "invalid argument");
    }
    const aif_system *s = aif_catalog_system_find(cat, system_id);
    if (s == NULL) {
        const char *near[3] = {NULL, NULL, NULL};
        size_t n = aif_catalog_suggest(cat, AIF_CATALOG_SYSTEM, system_id, near, 3);
        char hint[320];
        return aif_error_set(err, AIF_ENOTFOUND, "unknown system '%.80s'%s", system_id,
                             aif_suggest_text(hint, sizeof hint, near, n));
    }
    const aif_package *p = s->package;
    if (p == NULL || !p->hbm_gb.present || !p->hbm_tbps.present) {
        return aif_error_set(
            err, AIF_EINVAL,
            "system '%s': package '%s' has no HBM size or bandwidth in the catalog", system_id,
            s->package_id);
    }
    aif_perf_hw hw = {0};
    bool any_flops = false;
    for (int prec = 0; prec < AIF_PREC_COUNT; prec++) {
        hw.peak_flops[prec] = sourced_or(&p->dense_tflops[prec], 0) * 1e12;
        any_flops = any_flops || hw.peak_flops[prec] > 0;
    }
    if (!any_flops) {
        return aif_error_set(err, AIF_EINVAL,
                             "system '%s': package '%s' has no dense TFLOPS in the catalog",
                             system_id, p->id);
    }
    hw.id = s->id;
    hw.generation = generation_of(p);
    hw.source = s->name ? s->name : s->id;
    hw.hbm_bytes = p->hbm_gb.value * 1e9;
    hw.hbm_bytes_per_s = p->hbm_tbps.value * 1e12;
    hw.scaleup_domain_gpus = (int)sourced_or(&s->scaleup_domain, s->packages.value);
    hw.scaleout_bytes_per_s = nic_of(p);
    /* Bidirectional total per package to one direction, as the collective formulas use. */
    double up = sourced_or(&p->scaleup_gbps, 0) * 1e9 / 2;
    if (up <= 0) {
        /* No scale-up fabric figure (or none at all, as on PCIe cards): collectives inside
         * the domain can then only be assumed as fast as the NIC, a pessimistic bound that
         * the caller is told about rather than an invented link speed. */
        up = hw.scaleout_bytes_per_s;
        /* A note, not an error: the call succeeds and the status stays AIF_OK. */
        aif_error_set(
            err, AIF_OK,
            "package '%s' has no scale-up bandwidth in the catalog; assuming the scale-out "
            "%.0f GB/s per GPU (add scaleup_gbps with --catalog to refine)",
            p->id, up / 1e9);
    }
    hw.scaleup_bytes_per_s = up;
    hw.tdp_w = sourced_or(&p->tdp_w, 0);
    hw.l2_bytes = l2_of(p);
    hw.train_precision = hw.peak_flops[AIF_PREC_FP8] > 0 ? AIF_PREC_FP8 : AIF_PREC_BF16;
    hw.infer_precision = hw.peak_flops[AIF_PREC_FP4] > 0   ? AIF_PREC_FP4
                         : hw.peak_flops[AIF_PREC_FP8] > 0 ? AIF_PREC_FP8
                                                           : AIF_PREC_BF16;
    if (hw.peak_flops[hw.train_precision] <= 0) {
        hw.train_precision = hw.infer_precision;
    }
    *out = hw;
    return AIF_OK;
}

aif_status aif_perf_hw_resolve(const aif_catalog *cat, const char *id, aif_perf_hw *out,
                               aif_error *err) {
    aif_error_clear(err);
    if (id == NULL || out == NULL) {
        return aif_error_set(err, AIF_EINVAL, "invalid argument");
    }
    const aif_perf_hw *builtin = aif_perf_hw_find(id);
    if (builtin != NULL) {
        *out = *builtin;
        if (cat != NULL && aif_catalog_system_find(cat, id) != NULL) {
            aif_error_set(
                err, AIF_OK,
                "'%s' is a built-in (calibrated) id; the catalog system of the same id is "
                "not used",
                id);
        }
        return AIF_OK;
    }
    if (cat == NULL) {
        return aif_error_set(err, AIF_ENOTFOUND, "unknown system '%s'", id);
    }
    return aif_perf_hw_from_catalog(cat, id, out, err);
}
