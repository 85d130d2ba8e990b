/* Failures by component: for a system of the catalog, the rate of each kind of fault that
 * interrupts a synchronous job, how many GPUs it takes out of service (its blast radius) and
 * for how long (its repair time).
 *
 * The rates per GPU-year are the Llama 3 405B run's (Meta, "The Llama 3 Herd of Models",
 * table of unexpected interruptions: 419 in a 54-day snapshot on 16,384 H100), grouped by
 * the component that failed; ~78% of them were confirmed hardware. Blast radius follows the
 * system's form: an 8-GPU server (HGX, MI300X) is drained whole for a GPU or host fault; a
 * rack-scale system (NVL72, Helios) loses one 4-GPU compute tray, and has rack-level faults
 * (NVLink switch trays, power shelves, liquid cooling) that take all of its GPUs. Repair
 * times and the rack-level rate are ASSUMPTIONs (docs/run.md "Failures by component"). */
#ifndef AIFACTORY_RELIABILITY_H
#define AIFACTORY_RELIABILITY_H

#include <stdbool.h>

#include "aifactory/catalog.h"
#include "aifactory/status.h"

typedef enum aif_fault_class {
    AIF_FAULT_GPU,         /* GPU, HBM, SRAM, system processor, thermal, silent corruption */
    AIF_FAULT_HOST,        /* the server or tray around it: NIC, SSD, PSU, CPU, memory, board */
    AIF_FAULT_NETWORK,     /* scale-out switch or cable */
    AIF_FAULT_MAINTENANCE, /* unplanned host maintenance (not counted as hardware) */
    AIF_FAULT_RACK,        /* rack-scale systems only: the whole scale-up domain */
    AIF_FAULT_SOFTWARE,    /* software bugs, dependencies, collective timeouts: restart only */
    AIF_FAULT_CLASS_COUNT
} aif_fault_class;

typedef struct aif_fault_rate {
    double per_gpu_year; /* interruptions of a job per GPU of it per year (365.25 days) */
    double blast_gpus;   /* GPUs out of service per fault (0: nothing to repair) */
    double repair_s;     /* how long they stay out */
    bool hardware;       /* a confirmed hardware cause (the Llama 3 paper's ~78%) */
} aif_fault_rate;

typedef struct aif_reliability {
    aif_fault_rate fault[AIF_FAULT_CLASS_COUNT];
} aif_reliability;

/* The Llama 3 run's total: 419 interruptions / (16,384 GPUs x 54 days), per GPU-year. */
double aif_reliability_reference_rate(void);

/* The profile of `sys` (its packages per system and scale-up domain set the blast radius).
 * Errors: AIF_EINVAL (NULL argument, a system without a package count). O(1). */
aif_status aif_reliability_for_system(const aif_system *sys, aif_reliability *out);

/* Interruptions per GPU-year of a synchronous job, all classes, and the hardware share of
 * them. O(classes). */
double aif_reliability_rate(const aif_reliability *r);
double aif_reliability_hardware_share(const aif_reliability *r);

/* GPU-hours out of service per GPU-year of the fleet (rate x blast x repair, summed). */
double aif_reliability_lost_gpu_hours_per_gpu_year(const aif_reliability *r);

/* The longest repair of any class of any system, in seconds (the engine's repair horizon). */
double aif_reliability_max_repair_s(void);

/* Expected interruptions of one job on `gpus` GPUs of catalog system `system_id` over `days`
 * days, and the hardware share of them (either output may be NULL). For hgx-h100, 16,384 GPUs
 * and 54 days this is the Llama 3 snapshot: 419 and 324/419 (77%). Errors: AIF_EINVAL (NULL
 * catalog or id, gpus or days negative or not finite), AIF_ENOTFOUND (unknown system). */
aif_status aif_reliability_expected(const aif_catalog *cat, const char *system_id, double gpus,
                                    double days, double *interruptions, double *hardware_share);

#endif
