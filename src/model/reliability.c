/* Failures by component (reliability.h): the Llama 3 interruption table turned into rates
 * per GPU-year, with each class's blast radius and repair time set by the system's form. */
#include "aifactory/reliability.h"

#include <math.h>
#include <stddef.h>

/* The Llama 3 405B snapshot (docs/sources.md S6 row 14): 16,384 H100 over 54
 * days, 419 unexpected interruptions. Counts by class from the paper's table:
 * GPU 268 = faulty GPU 148 + HBM3 72 + SRAM 19 + system processor 17 + silent data
 * corruption 6 + thermal interface and sensor 6; host 21 = NIC 7 + SSD 3 + power supply 3 +
 * chassis 2 + IO expansion board 2 + CPU 2 + system memory 2; network 35 (switch and cable);
 * host maintenance 32; software 63 = software bugs 54 + dependencies 2 + NCCL watchdog
 * timeouts 7. Hardware (GPU + host + network) = 324 of 419 = 77%, the paper's "~78%". */
#define LLAMA3_GPUS        16384.0
#define LLAMA3_DAYS        54.0
#define LLAMA3_INTERRUPTS  419.0
#define LLAMA3_GPU         268.0
#define LLAMA3_HOST        21.0
#define LLAMA3_NETWORK     35.0
#define LLAMA3_MAINTENANCE 32.0
#define LLAMA3_SOFTWARE    63.0
#define DAYS_PER_YEAR      365.25
#define HOUR_S             3600.0

/* ASSUMPTIONs (no public figure found; docs/run.md says why each is what it is):
 * - a GPU or host fault is repaired by swapping the server or tray from on-site spares and
 *   burning it in: 2 days out of service;
 * - a switch port, cable or optic is reseated or swapped in 4 hours; the GPUs behind it
 *   (one 8-GPU server's links) wait for it;
 * - unplanned host maintenance (a reboot, a firmware or driver fix) takes 4 hours;
 * - a rack-scale system has one rack-level fault (NVLink switch tray, power shelf, coolant
 *   distribution) per rack-year, which takes the whole rack for 3 days (the figure the
 *   engine used for every GPU fault before). */
#define REPAIR_TRAY_S        (48.0 * HOUR_S)
#define REPAIR_NETWORK_S     (4.0 * HOUR_S)
#define REPAIR_MAINTENANCE_S (4.0 * HOUR_S)
#define REPAIR_RACK_S        (72.0 * HOUR_S)
#define RACK_FAULTS_PER_YEAR 1.0
#define NETWORK_BLAST_GPUS   8.0
/* A rack-scale system's compute tray: 2 superchips of 2 GPUs (GB200/GB300 NVL72), 4 Rubin
 * packages (Vera Rubin NVL144), 4 MI450 (Helios): 18 trays of 4 in a 72-GPU rack. */
#define RACK_TRAY_GPUS 4.0
/* Above this scale-up domain a system is rack-scale (an NVLink/UALink rack), not a server. */
#define SERVER_DOMAIN_MAX 8.0

static double llama3_gpu_years(void) {
    return LLAMA3_GPUS * LLAMA3_DAYS / DAYS_PER_YEAR;
}

double aif_reliability_reference_rate(void) {
    return LLAMA3_INTERRUPTS / llama3_gpu_years();
}

aif_status aif_reliability_for_system(const aif_system *sys, aif_reliability *out) {
    if (sys == NULL || out == NULL || !sys->packages.present || !(sys->packages.value > 0)) {
        return AIF_EINVAL;
    }
    double per_system = sys->packages.value;
    double domain = sys->scaleup_domain.present ? sys->scaleup_domain.value : per_system;
    bool rack_scale = domain > SERVER_DOMAIN_MAX;
    /* What one fault of the server or tray takes out: the whole 8-GPU server, or one tray. */
    double tray = rack_scale ? fmin(RACK_TRAY_GPUS, per_system) : per_system;
    double gy = llama3_gpu_years();
    *out = (aif_reliability){0};
    out->fault[AIF_FAULT_GPU] = (aif_fault_rate){LLAMA3_GPU / gy, tray, REPAIR_TRAY_S, true};
    out->fault[AIF_FAULT_HOST] = (aif_fault_rate){LLAMA3_HOST / gy, tray, REPAIR_TRAY_S, true};
    out->fault[AIF_FAULT_NETWORK] = (aif_fault_rate){
        LLAMA3_NETWORK / gy, fmin(NETWORK_BLAST_GPUS, per_system), REPAIR_NETWORK_S, true};
    out->fault[AIF_FAULT_MAINTENANCE] =
        (aif_fault_rate){LLAMA3_MAINTENANCE / gy, tray, REPAIR_MAINTENANCE_S, false};
    out->fault[AIF_FAULT_SOFTWARE] = (aif_fault_rate){LLAMA3_SOFTWARE / gy, 0.0, 0.0, false};
    if (rack_scale) {
        out->fault[AIF_FAULT_RACK] =
            (aif_fault_rate){RACK_FAULTS_PER_YEAR / per_system, per_system, REPAIR_RACK_S, true};
    }
    return AIF_OK;
}

double aif_reliability_rate(const aif_reliability *r) {
    double sum = 0;
    for (int c = 0; c < AIF_FAULT_CLASS_COUNT; c++) {
        sum += r->fault[c].per_gpu_year;
    }
    return sum;
}

double aif_reliability_hardware_share(const aif_reliability *r) {
    double hw = 0, all = aif_reliability_rate(r);
    for (int c = 0; c < AIF_FAULT_CLASS_COUNT; c++) {
        hw += r->fault[c].hardware ? r->fault[c].per_gpu_year : 0.0;
    }
    return all > 0 ? hw / all : 0.0;
}

double aif_reliability_lost_gpu_hours_per_gpu_year(const aif_reliability *r) {
    double h = 0;
    for (int c = 0; c < AIF_FAULT_CLASS_COUNT; c++) {
        h += r->fault[c].per_gpu_year * r->fault[c].blast_gpus * r->fault[c].repair_s / HOUR_S;
    }
    return h;
}

double aif_reliability_max_repair_s(void) {
    return fmax(fmax(REPAIR_TRAY_S, REPAIR_NETWORK_S), fmax(REPAIR_MAINTENANCE_S, REPAIR_RACK_S));
}

aif_status aif_reliability_expected(const aif_catalog *cat, const char *system_id, double gpus,
                                    double days, double *interruptions, double *hardware_share) {
    if (cat == NULL || system_id == NULL || !isfinite(gpus) || !isfinite(days) || gpus < 0 ||
        days < 0) {
        return AIF_EINVAL;
    }
    const aif_system *sys = aif_catalog_system_find(cat, system_id);
    if (sys == NULL) {
        return AIF_ENOTFOUND;
    }
    aif_reliability r;
    aif_status st = aif_reliability_for_system(sys, &r);
    if (st != AIF_OK) {
        return st;
    }
    if (interruptions != NULL) {
        *interruptions = aif_reliability_rate(&r) * gpus * days / DAYS_PER_YEAR;
    }
    if (hardware_share != NULL) {
        *hardware_share = aif_reliability_hardware_share(&r);
    }
    return AIF_OK;
}
