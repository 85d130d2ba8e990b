/* The fleet engine's research queue (fleet.h): Poisson arrivals of jobs with sampled GPUs
 * and durations, ordered by a policy from the sched.h registry that an hourly engine can
 * drive (fifo: strict arrival order, a blocked head blocks all; sjf: shortest remaining
 * duration first, looking past jobs that do not fit), run on the GPUs inference leaves
 * free, and preempted newest first when an inference peak needs them back. Each hour's
 * research GPU-hours also count as training compute (peak x 35% MFU) once the hour ends. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aifactory/dist.h"
#include "aifactory/sched.h"
#include "fleet_internal.h"

/* sjf looks at most this many waiting jobs past the first that does not fit each hour,
 * as the replay engine's greedy policies bound their scan (Slurm's bf_max_job_test). */
#define SJF_SCAN 64

/* Research jobs run at the fallback MFU of frontier runs (Llama 3.1 405B's average). */
#define RESEARCH_MFU 0.35

aif_status fleet_research_setup(aif_fleet *f) {
    const char *name = f->in->options.research_policy ? f->in->options.research_policy : "fifo";
    size_t index;
    if (aif_sched_policy_find(name, &index) != AIF_OK) {
        snprintf(f->error, 200, "unknown research policy '%.60s' (see aifactory replay --help)",
                 name);
        return AIF_ENOTFOUND;
    }
    if (strcmp(name, "fifo") == 0) {
        f->research_policy = RESEARCH_FIFO;
    } else if (strcmp(name, "sjf") == 0) {
        f->research_policy = RESEARCH_SJF;
    } else {
        snprintf(f->error, 200,
                 "research policy '%.60s' is not supported by the hourly engine (fifo, sjf)", name);
        return AIF_EINVAL;
    }
    return AIF_OK;
}

static size_t *idx(fleet_vec *v, size_t i) {
    return &((size_t *)v->data)[i];
}

/* ---- the sjf heap over f->queue: (key, job index) ascending ---- */

static bool before(const aif_fleet *f, size_t a, size_t b) {
    const research_job *jobs = f->jobs.data;
    return jobs[a].remaining_h < jobs[b].remaining_h ||
           (jobs[a].remaining_h == jobs[b].remaining_h && a < b);
}

static aif_status heap_push(aif_fleet *f, size_t j) {
    size_t *slot = fleet_vec_push(f, &f->queue);
    if (slot == NULL) {
        return AIF_ENOMEM;
    }
    size_t i = f->queue.count - 1;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        size_t pj = *idx(&f->queue, p);
        if (!before(f, j, pj)) {
            break;
        }
        *idx(&f->queue, i) = pj;
        i = p;
    }
    *idx(&f->queue, i) = j;
    return AIF_OK;
}

static size_t heap_pop(aif_fleet *f) {
    size_t top = *idx(&f->queue, 0);
    size_t last = *idx(&f->queue, --f->queue.count);
    size_t n = f->queue.count, i = 0;
    while (n > 0) {
        size_t c = 2 * i + 1;
        if (c >= n) {
            break;
        }
        if (c + 1 < n && before(f, *idx(&f->queue, c + 1), *idx(&f->queue, c))) {
            c++;
        }
        if (!before(f, *idx(&f->queue, c), last)) {
            break;
        }
        *idx(&f->queue, i) = *idx(&f->queue, c);
        i = c;
    }
    if (n > 0) {
        *idx(&f->queue, i) = last;
    }
    return top;
}

/* ---- queue operations common to both policies ---- */

static aif_status enqueue(aif_fleet *f, size_t j) {
    if (f->research_policy == RESEARCH_SJF) {
        return heap_push(f, j);
    }
    size_t *q = fleet_vec_push(f, &f->queue);
    if (q == NULL) {
        return AIF_ENOMEM;
    }
    *q = j;
    return AIF_OK;
}

/* A preempted job resumes before everything that arrived after it: under fifo it goes
 * back to the head; under sjf its remaining time decides. */
static aif_status requeue(aif_fleet *f, size_t j) {
    if (f->research_policy == RESEARCH_SJF) {
        return enqueue(f, j);
    }
    if (f->queue_head > 0) {
        *idx(&f->queue, --f->queue_head) = j;
        return AIF_OK;
    }
    size_t *q = fleet_vec_push(f, &f->queue);
    if (q == NULL) {
        return AIF_ENOMEM;
    }
    memmove(idx(&f->queue, 1), idx(&f->queue, 0), (f->queue.count - 1) * sizeof(size_t));
    *idx(&f->queue, 0) = j;
    return AIF_OK;
}

static aif_status start(aif_fleet *f, size_t j) {
    size_t *r = fleet_vec_push(f, &f->running);
    if (r == NULL) {
        return AIF_ENOMEM;
    }
    *r = j;
    f->running_gpus += ((research_job *)f->jobs.data)[j].gpus;
    return AIF_OK;
}

static aif_status arrivals(aif_fleet *f) {
    const aif_scenario_research *rs = &f->in->training.research;
    if (!rs->present || !(rs->arrivals_per_day > 0)) {
        return AIF_OK;
    }
    double n = aif_dist_poisson(&f->rng_research, rs->arrivals_per_day / 24.0);
    for (double k = 0; k < n; k++) {
        double g = aif_dist_sample(&rs->gpus, &f->rng_research);
        double d = aif_dist_sample(&rs->duration_s, &f->rng_research);
        double maxg = rs->max_gpus >= 1 ? rs->max_gpus : 1e6;
        g = isfinite(g) ? fmin(fmax(round(g), 1.0), maxg) : 1.0;
        d = isfinite(d) && d > 0 ? d : 3600.0;
        research_job *j = fleet_vec_push(f, &f->jobs);
        if (j == NULL) {
            return AIF_ENOMEM;
        }
        j->gpus = (int64_t)g;
        j->remaining_h = d / 3600.0;
        aif_status st = enqueue(f, f->jobs.count - 1);
        if (st != AIF_OK) {
            return st;
        }
    }
    return AIF_OK;
}

static aif_status start_fifo(aif_fleet *f, int64_t cap) {
    const research_job *jobs = f->jobs.data;
    while (f->queue_head < f->queue.count) {
        size_t j = *idx(&f->queue, f->queue_head);
        if (jobs[j].gpus > cap - f->running_gpus) {
            break; /* strict FIFO: nothing overtakes the head */
        }
        aif_status st = start(f, j);
        if (st != AIF_OK) {
            return st;
        }
        f->queue_head++;
    }
    if (f->queue_head > 4096 && f->queue_head * 2 > f->queue.count) {
        size_t left = f->queue.count - f->queue_head;
        memmove(idx(&f->queue, 0), idx(&f->queue, f->queue_head), left * sizeof(size_t));
        f->queue.count = left;
        f->queue_head = 0;
    }
    return AIF_OK;
}

static aif_status start_sjf(aif_fleet *f, int64_t cap) {
    const research_job *jobs = f->jobs.data;
    size_t skipped[SJF_SCAN + 1];
    size_t ns = 0;
    aif_status st = AIF_OK;
    while (st == AIF_OK && f->queue.count > 0 && ns <= SJF_SCAN && f->running_gpus < cap) {
        size_t j = heap_pop(f);
        if (jobs[j].gpus > cap - f->running_gpus) {
            skipped[ns++] = j;
        } else {
            st = start(f, j);
            if (st != AIF_OK) {
                skipped[ns++] = j; /* back to the queue below, so nothing is lost */
            }
        }
    }
    /* The popped slots are still allocated, so these pushes cannot fail. */
    for (size_t k = 0; k < ns; k++) {
        (void)heap_push(f, skipped[k]);
    }
    return st;
}

aif_status fleet_research_hour(aif_fleet *f, int64_t cap, const int64_t *free_by_type) {
    aif_status st = arrivals(f);
    research_job *jobs = f->jobs.data;
    /* Inference took its GPUs first; preempt the newest jobs until the rest fits. */
    while (st == AIF_OK && f->running_gpus > cap && f->running.count > 0) {
        size_t j = *idx(&f->running, f->running.count - 1);
        f->running.count--;
        f->running_gpus -= jobs[j].gpus;
        f->sum.research_preemptions++;
        st = requeue(f, j);
    }
    if (st == AIF_OK) {
        st = f->research_policy == RESEARCH_SJF ? start_sjf(f, cap) : start_fifo(f, cap);
    }
    /* The research pool is fungible across types, so its FLOP/s is the mean peak of the
     * free GPUs it runs on, weighted by how many each type has free. */
    double peak = 0, n = 0;
    for (size_t t = 0; t < f->ntypes; t++) {
        const fleet_type *ty = &f->types[t];
        if (free_by_type[t] > 0 && ty->hw != NULL) {
            peak += (double)free_by_type[t] * ty->hw->peak_flops[ty->hw->train_precision] *
                    ty->hw_scale;
            n += (double)free_by_type[t];
        }
    }
    f->research_flop_pending =
        n > 0 ? (double)f->running_gpus * peak / n * RESEARCH_MFU * 3600.0 : 0.0;
    return st;
}

void fleet_research_progress(aif_fleet *f) {
    research_job *jobs = f->jobs.data;
    size_t keep = 0;
    for (size_t i = 0; i < f->running.count; i++) {
        size_t j = *idx(&f->running, i);
        jobs[j].remaining_h -= 1.0;
        if (jobs[j].remaining_h <= 1e-9) {
            f->running_gpus -= jobs[j].gpus;
            f->sum.research_jobs_done++;
        } else {
            *idx(&f->running, keep++) = j;
        }
    }
    f->running.count = keep;
}
