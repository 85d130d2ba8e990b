/* Checkpoint/restart arithmetic of a synchronous training run under Poisson interruptions
 * (training.h), and a standalone Monte Carlo built on the same arithmetic, so the engine
 * and the validation test exercise one implementation. */
#include "aifactory/training.h"

#include <math.h>

#include "aifactory/dist.h"

aif_status aif_train_progress_start(aif_train_progress *p, double work_s, double checkpoint_s,
                                    double restart_s, aif_time now) {
    if (p == NULL || !isfinite(work_s) || !isfinite(checkpoint_s) || !isfinite(restart_s) ||
        work_s <= 0 || checkpoint_s <= 0 || restart_s < 0) {
        return AIF_EINVAL;
    }
    *p = (aif_train_progress){.work_s = work_s,
                              .checkpoint_s = checkpoint_s,
                              .restart_s = restart_s,
                              .running_since = now};
    return AIF_OK;
}

aif_time aif_train_progress_finish_time(const aif_train_progress *p) {
    double left_ns = ceil((p->work_s - p->saved_s) * 1e9);
    /* A run longer than time itself (1e40 FLOP on one GPU) never finishes: saturate. */
    double room =
        p->running_since >= 0 ? (double)(AIF_TIME_MAX - p->running_since) : (double)AIF_TIME_MAX;
    if (!(left_ns < room - 4096.0)) { /* 4096 ns: two ulps of the double near 2^63 */
        return AIF_TIME_MAX;
    }
    return p->running_since + (aif_time)left_ns;
}

double aif_train_progress_done_s(const aif_train_progress *p, aif_time now) {
    if (now <= p->running_since) {
        return p->saved_s;
    }
    double done = p->saved_s + (double)(now - p->running_since) * 1e-9;
    return done < p->work_s ? done : p->work_s;
}

aif_status aif_train_progress_interrupt(aif_train_progress *p, aif_time now) {
    if (p == NULL) {
        return AIF_EINVAL;
    }
    if (now < p->running_since || now >= aif_train_progress_finish_time(p)) {
        return AIF_ESTATE;
    }
    double since = (double)(now - p->running_since) * 1e-9;
    /* Checkpoints are counted from the last restart, as a job's checkpoint timer is. */
    double kept = floor(since / p->checkpoint_s) * p->checkpoint_s;
    p->saved_s += kept;
    p->lost_s += since - kept;
    p->down_s += p->restart_s;
    p->interruptions++;
    p->running_since = now + aif_time_from_seconds(p->restart_s);
    return AIF_OK;
}

double aif_train_mtbi_s(double rate_per_gpu_year, double gpus) {
    double rate = rate_per_gpu_year * gpus;
    if (!(rate > 0)) {
        return INFINITY;
    }
    return (double)(AIF_NS_PER_YEAR / AIF_NS_PER_S) / rate;
}

static int params_ok(const aif_train_params *p) {
    return isfinite(p->work_s) && p->work_s > 0 && isfinite(p->gpus) && p->gpus >= 0 &&
           isfinite(p->rate_per_gpu_year) && p->rate_per_gpu_year >= 0 &&
           isfinite(p->checkpoint_s) && p->checkpoint_s > 0 && isfinite(p->restart_s) &&
           p->restart_s >= 0;
}

aif_status aif_train_simulate(const aif_train_params *p, aif_rng *rng, aif_train_outcome *out) {
    if (p == NULL || rng == NULL || out == NULL || !params_ok(p)) {
        return AIF_EINVAL;
    }
    aif_train_progress s;
    aif_status st = aif_train_progress_start(&s, p->work_s, p->checkpoint_s, p->restart_s, 0);
    if (st != AIF_OK) {
        return st;
    }
    double mtbi = aif_train_mtbi_s(p->rate_per_gpu_year, p->gpus);
    /* A cap far beyond any plausible run keeps a hopeless configuration from looping. */
    const aif_time limit = AIF_TIME_MAX / 2;
    for (;;) {
        aif_time finish = aif_train_progress_finish_time(&s);
        if (finish > limit) {
            return AIF_ERANGE;
        }
        if (!isfinite(mtbi)) {
            break;
        }
        double gap = aif_dist_exponential(rng, 1.0 / mtbi);
        if (gap * 1e9 >= (double)(finish - s.running_since)) {
            break;
        }
        aif_time at = s.running_since + (aif_time)(gap * 1e9);
        st = aif_train_progress_interrupt(&s, at);
        if (st != AIF_OK) {
            return st;
        }
    }
    aif_time finish = aif_train_progress_finish_time(&s);
    double wall = (double)finish * 1e-9;
    *out = (aif_train_outcome){
        .wall_s = wall,
        .interruptions = s.interruptions,
        .lost_s = s.lost_s,
        .down_s = s.down_s,
        .goodput = p->work_s / wall,
        .effective_time = (wall - s.down_s) / wall,
        .mean_interval_s = s.interruptions ? wall / (double)s.interruptions : INFINITY,
    };
    return AIF_OK;
}

void aif_train_expected(const aif_train_params *p, double *goodput, double *effective_time) {
    double rate = p->rate_per_gpu_year * p->gpus / (double)(AIF_NS_PER_YEAR / AIF_NS_PER_S);
    double g = 1.0, e = 1.0;
    if (rate > 0) {
        double c = p->checkpoint_s;
        double failures = expm1(rate * c); /* expected interruptions per segment */
        double seg_time = (1.0 / rate + p->restart_s) * failures;
        g = c / seg_time;
        e = (seg_time - p->restart_s * failures) / seg_time;
    }
    if (goodput != NULL) {
        *goodput = g;
    }
    if (effective_time != NULL) {
        *effective_time = e;
    }
}
