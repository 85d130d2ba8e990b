/* The results store as a record sink (aif_results_sink in results.h): each record a
 * simulation hands over (record.h) becomes the matching aif_results_add_* call, filed under
 * the sink's run id. */
#include "aifactory/results.h"

static aif_status sink_param(const aif_record_sink *s, const char *name, const char *value,
                             const char *unit) {
    return aif_results_add_param(s->ctx, s->run_id, name, value, unit);
}

static aif_status sink_metric(const aif_record_sink *s, const char *name, double value,
                              const char *unit) {
    return aif_results_add_metric(s->ctx, s->run_id, name, value, unit);
}

static aif_status sink_series(const aif_record_sink *s, const char *chart, const char *name,
                              const char *unit, int64_t *id) {
    return aif_results_add_series(s->ctx, s->run_id, chart, name, unit, id);
}

static aif_status sink_point(const aif_record_sink *s, int64_t series_id, double time_s,
                             double value) {
    return aif_results_add_point(s->ctx, series_id, time_s, value);
}

static aif_status sink_event(const aif_record_sink *s, double time_s, const char *kind,
                             const char *subject, const char *detail_json) {
    return aif_results_add_event(s->ctx, s->run_id, time_s, kind, subject, detail_json);
}

static aif_status sink_ledger(const aif_record_sink *s, const aif_record_ledger_entry *entry) {
    return aif_results_add_ledger(s->ctx, s->run_id, entry);
}

static aif_status sink_job(const aif_record_sink *s, const aif_record_job *job) {
    return aif_results_add_job(s->ctx, s->run_id, job);
}

static aif_status sink_contract(const aif_record_sink *s, const aif_record_contract *contract) {
    return aif_results_add_contract(s->ctx, s->run_id, contract);
}

static aif_status sink_year(const aif_record_sink *s, const aif_record_year *year) {
    return aif_results_add_year(s->ctx, s->run_id, year);
}

static aif_status sink_frontier_run(const aif_record_sink *s, const aif_record_frontier_run *run) {
    return aif_results_add_frontier_run(s->ctx, s->run_id, run);
}

static const aif_record_sink_ops results_ops = {
    .param = sink_param,
    .metric = sink_metric,
    .series = sink_series,
    .point = sink_point,
    .event = sink_event,
    .ledger = sink_ledger,
    .job = sink_job,
    .contract = sink_contract,
    .year = sink_year,
    .frontier_run = sink_frontier_run,
};

aif_record_sink aif_results_sink(aif_results *r, int64_t run_id) {
    return (aif_record_sink){.ops = &results_ops, .ctx = r, .run_id = run_id};
}
