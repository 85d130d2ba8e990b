/* Trace reading: header-based format detection, the column maps of the known formats,
 * per-row validation, the compact job array with its string intern table, the stable sort
 * by submit time, and summary statistics (see trace.h). */
#include "aifactory/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "textcheck.h"
#include "trace_internal.h"

/* What a column means to the reader. */
enum col_role {
    COL_ID,
    COL_SUBMIT,
    COL_DURATION,
    COL_GPUS,
    COL_GPU_MILLI,
    COL_USER,
    COL_VC,
    COL_PRIORITY,
    COL_GPU_TYPE,
    COL_STATUS,
    COL_START, /* used for the duration only when there is no duration column */
    COL_END,
    COL_COUNT
};

typedef struct format_spec {
    const char *name;
    const char *cols[COL_COUNT]; /* header names, NULL when the format has no such column */
    const char *detect[6];       /* all must be in the header for AUTO to pick this format */
    const char *absent;          /* and this one must not be (NULL: no condition) */
    bool gpuless_filtered;       /* rows with 0 GPUs are CPU jobs: drop them, not an error */
} format_spec;

/* Indexed by aif_trace_format; AUTO tries them in this order. */
static const format_spec formats[AIF_TRACE_FORMAT_COUNT] = {
    [AIF_TRACE_AUTO] = {.name = "auto"},
    [AIF_TRACE_GENERIC] =
        {
            .name = "generic",
            .cols = {[COL_ID] = "job_id",
                     [COL_SUBMIT] = "submit_s",
                     [COL_DURATION] = "duration_s",
                     [COL_GPUS] = "gpus",
                     [COL_USER] = "user",
                     [COL_VC] = "vc",
                     [COL_PRIORITY] = "priority",
                     [COL_GPU_TYPE] = "gpu_type",
                     [COL_STATUS] = "status"},
            .detect = {"job_id", "submit_s", "gpus", "duration_s"},
        },
    [AIF_TRACE_PHILLY] =
        {
            .name = "philly",
            .cols = {[COL_SUBMIT] = "timestamp",
                     [COL_DURATION] = "duration",
                     [COL_GPUS] = "num_gpus",
                     [COL_VC] = "cluster"},
            .detect = {"timestamp", "duration", "num_gpus", "cluster"},
        },
    [AIF_TRACE_HELIOS] =
        {
            .name = "helios",
            .cols = {[COL_ID] = "job_id",
                     [COL_SUBMIT] = "submit_time",
                     [COL_DURATION] = "duration",
                     [COL_GPUS] = "gpu_num",
                     [COL_USER] = "user",
                     [COL_VC] = "vc",
                     [COL_STATUS] = "state",
                     [COL_START] = "start_time",
                     [COL_END] = "end_time"},
            .detect = {"job_id", "gpu_num", "submit_time", "vc"},
            .gpuless_filtered = true,
        },
    [AIF_TRACE_ACME] =
        {
            .name = "acme",
            .cols = {[COL_ID] = "job_id",
                     [COL_SUBMIT] = "submit_time",
                     [COL_DURATION] = "duration",
                     [COL_GPUS] = "gpu_num",
                     [COL_USER] = "user",
                     [COL_STATUS] = "state",
                     [COL_START] = "start_time",
                     [COL_END] = "end_time"},
            .detect = {"job_id", "gpu_num", "submit_time"},
            .absent = "vc",
            .gpuless_filtered = true,
        },
    [AIF_TRACE_ALIBABA_OPENB] =
        {
            .name = "alibaba-openb",
            .cols = {[COL_ID] = "name",
                     [COL_SUBMIT] = "creation_time",
                     [COL_GPUS] = "num_gpu",
                     [COL_GPU_MILLI] = "gpu_milli",
                     [COL_GPU_TYPE] = "gpu_spec",
                     [COL_STATUS] = "pod_phase",
                     [COL_START] = "scheduled_time",
                     [COL_END] = "deletion_time"},
            .detect = {"name", "num_gpu", "gpu_milli", "creation_time", "deletion_time"},
            .gpuless_filtered = true,
        },
    [AIF_TRACE_TIRESIAS] =
        {
            .name = "tiresias",
            .cols = {[COL_ID] = "job_id",
                     [COL_SUBMIT] = "submit_time",
                     [COL_DURATION] = "duration",
                     [COL_GPUS] = "num_gpu",
                     [COL_GPU_TYPE] = "model_name"},
            .detect = {"job_id", "num_gpu", "submit_time", "duration"},
        },
};

static const aif_trace_format detect_order[] = {
    AIF_TRACE_GENERIC,  AIF_TRACE_PHILLY, AIF_TRACE_ALIBABA_OPENB,
    AIF_TRACE_TIRESIAS, AIF_TRACE_HELIOS, AIF_TRACE_ACME,
};

#define MAX_GPUS_PER_JOB (1 << 24)
#define MAX_COLUMNS      256

struct aif_trace {
    const aif_allocator *alloc;
    aif_job *jobs;
    size_t count;
    size_t cap;
    bool unsorted;       /* some job was submitted before the one read before it */
    int64_t last_submit; /* of the last job stored */
    aif_trace_format format;
    size_t skipped;
    size_t filtered;
    size_t mark;      /* reserve_job has work to do once count reaches this */
    aif__pages pages; /* first touches of the job array */
    /* Intern table: strings back to back in `chars`, string id -> offset in `offs`, and an
     * open-addressing hash of ids (0 = empty slot). */
    char *chars;
    size_t chars_len;
    size_t chars_cap;
    size_t *offs;
    uint32_t nstr; /* ids 1..nstr are used; offs[0] is the empty string */
    uint32_t offs_cap;
    uint32_t *hash;
    size_t hash_cap; /* a power of two */
};

const char *aif_trace_format_name(aif_trace_format format) {
    if ((unsigned)format >= AIF_TRACE_FORMAT_COUNT) {
        return "?";
    }
    return formats[format].name;
}

aif_status aif_trace_format_parse(const char *name, aif_trace_format *out) {
    if (name == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    for (int f = 0; f < AIF_TRACE_FORMAT_COUNT; f++) {
        if (strcmp(name, formats[f].name) == 0) {
            *out = (aif_trace_format)f;
            return AIF_OK;
        }
    }
    return AIF_ENOTFOUND;
}

/* ---- Intern table ---- */

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h ^ (h >> 29);
}

static aif_status intern_init(aif_trace *t) {
    t->chars_cap = 4096;
    t->chars = aif_alloc(t->alloc, t->chars_cap);
    t->offs_cap = 256;
    t->offs = aif_alloc(t->alloc, t->offs_cap * sizeof *t->offs);
    t->hash_cap = 512;
    t->hash = aif_calloc(t->alloc, t->hash_cap, sizeof *t->hash);
    if (t->chars == NULL || t->offs == NULL || t->hash == NULL) {
        return AIF_ENOMEM;
    }
    t->chars[0] = '\0';
    t->chars_len = 1;
    t->offs[0] = 0;
    return AIF_OK;
}

static aif_status hash_grow(aif_trace *t) {
    size_t ncap = t->hash_cap * 2;
    uint32_t *nh = aif_calloc(t->alloc, ncap, sizeof *nh);
    if (nh == NULL) {
        return AIF_ENOMEM;
    }
    for (uint32_t id = 1; id <= t->nstr; id++) {
        const char *s = t->chars + t->offs[id];
        size_t i = hash_bytes(s, strlen(s)) & (ncap - 1);
        while (nh[i]) {
            i = (i + 1) & (ncap - 1);
        }
        nh[i] = id;
    }
    aif_free(t->alloc, t->hash, t->hash_cap * sizeof *t->hash);
    t->hash = nh;
    t->hash_cap = ncap;
    return AIF_OK;
}

/* The id of `s` (added when new); "" is id 0. */
static aif_status intern(aif_trace *t, const char *s, uint32_t *id) {
    size_t n = strlen(s);
    if (n == 0) {
        *id = 0;
        return AIF_OK;
    }
    uint64_t h = hash_bytes(s, n);
    size_t i = h & (t->hash_cap - 1);
    while (t->hash[i]) {
        const char *c = t->chars + t->offs[t->hash[i]];
        if (strcmp(c, s) == 0) {
            *id = t->hash[i];
            return AIF_OK;
        }
        i = (i + 1) & (t->hash_cap - 1);
    }
    if (t->nstr == UINT32_MAX - 1) {
        return AIF_ERANGE;
    }
    if (t->chars_len + n + 1 > t->chars_cap) {
        size_t ncap = t->chars_cap * 2;
        while (ncap < t->chars_len + n + 1) {
            ncap *= 2;
        }
        char *nc = aif_realloc(t->alloc, t->chars, t->chars_cap, ncap);
        if (nc == NULL) {
            return AIF_ENOMEM;
        }
        t->chars = nc;
        t->chars_cap = ncap;
    }
    if (t->nstr + 1 >= t->offs_cap) {
        uint32_t ncap = t->offs_cap * 2;
        size_t *no = aif_realloc(t->alloc, t->offs, t->offs_cap * sizeof *no, ncap * sizeof *no);
        if (no == NULL) {
            return AIF_ENOMEM;
        }
        t->offs = no;
        t->offs_cap = ncap;
    }
    memcpy(t->chars + t->chars_len, s, n + 1);
    uint32_t nid = ++t->nstr;
    t->offs[nid] = t->chars_len;
    t->chars_len += n + 1;
    t->hash[i] = nid;
    *id = nid;
    if ((size_t)t->nstr * 2 > t->hash_cap) {
        return hash_grow(t);
    }
    return AIF_OK;
}

/* ---- Reading ---- */

typedef struct reader {
    aif_trace *t;
    const char *file;
    const format_spec *spec;
    int col[COL_COUNT]; /* field index per role, -1 if absent */
    char **fields;
    int nfields;       /* in the header */
    unsigned long row; /* data rows seen, for ids of non-numeric job names */
    aif_error *err;
    bool have_error; /* err holds the first skipped row already */
    /* Every column is one of job_id, submit, gpus and duration (the generic format's
     * required four): rows of plain numbers then take plain_job, in one pass. */
    bool plain;
    unsigned char plain_kind[4];
    /* Non-NULL: keep each job as a compact row here (aif__trace_read_rows) instead of in
     * the trace's job array, which then stays empty. */
    aif__trace_rows *rows;
    bool refuse_vc; /* with rows: stop with AIF_ENOTIMPL when the header maps a VC column */
    bool rows_unsorted;
    int64_t rows_last;
    size_t rows_mark;      /* reserve_row has work to do once the count reaches this */
    aif__pages rows_pages; /* first touches of the row array */
    const char *rec;       /* the record being parsed, for the column of a bad field */
} reader;

/* The next capacity of an array of `elem`-byte records filled one per job: the first
 * growth past 1024 jobs sizes the array for the whole input, from its byte size and the
 * bytes per job so far (plus 1/16 and a margin, since rows vary): growing by doubling would
 * touch the pages twice over and move them. Untouched capacity costs address space only,
 * and the slack is given back at the end. */
static size_t next_cap(size_t count, size_t cap, size_t elem, const trace_source *src) {
    size_t ncap = cap ? cap * 2 : 1024;
    uint64_t taken, total;
    aif__trace_source_progress(src, &taken, &total);
    if (count > 0 && taken > 0 && total > taken) {
        double est = (double)total * (double)count / (double)taken;
        est += est / 16 + 1024;
        if (est > (double)ncap && est < (double)(SIZE_MAX / elem)) {
            ncap = (size_t)est;
        }
    }
    return ncap;
}

/* Grow the full job array (see next_cap). */
static aif_status grow_jobs(aif_trace *t, const trace_source *src) {
    size_t ncap = next_cap(t->count, t->cap, sizeof(aif_job), src);
    aif_job *nj = aif_realloc(t->alloc, t->jobs, t->cap * sizeof *nj, ncap * sizeof *nj);
    if (nj == NULL) {
        return AIF_ENOMEM;
    }
    t->jobs = nj;
    t->cap = ncap;
    return AIF_OK;
}

/* Room for one more job, with the pages ahead of it arranged. */
static aif_status reserve_job(aif_trace *t, const trace_source *src) {
    if (t->count < t->mark) {
        return AIF_OK;
    }
    if (t->count == t->cap) {
        aif_status st = grow_jobs(t, src);
        if (st != AIF_OK) {
            return st;
        }
    }
    /* Rows fill the array in order: arrange the pages ahead (trace_pages.c). */
    size_t mark =
        aif__pages_next(&t->pages, t->jobs, t->cap * sizeof *t->jobs, t->count * sizeof *t->jobs);
    t->mark = (mark + sizeof *t->jobs - 1) / sizeof *t->jobs;
    return AIF_OK;
}

/* Room for one more compact row, with the pages ahead of it arranged (as reserve_job). */
static aif_status reserve_row(reader *r, const trace_source *src) {
    aif__trace_rows *rows = r->rows;
    if (rows->count < r->rows_mark) {
        return AIF_OK;
    }
    if (rows->count == rows->cap) {
        size_t ncap = next_cap(rows->count, rows->cap, sizeof *rows->v, src);
        aif_job_row *nv =
            aif_realloc(rows->alloc, rows->v, rows->cap * sizeof *nv, ncap * sizeof *nv);
        if (nv == NULL) {
            return AIF_ENOMEM;
        }
        rows->v = nv;
        rows->cap = ncap;
    }
    size_t mark = aif__pages_next(&r->rows_pages, rows->v, rows->cap * sizeof *rows->v,
                                  rows->count * sizeof *rows->v);
    r->rows_mark = (mark + sizeof *rows->v - 1) / sizeof *rows->v;
    return AIF_OK;
}

/* Keep job j (parsed into scratch) as the next compact row. */
static void keep_row(reader *r, const aif_job *j) {
    aif__trace_rows *rows = r->rows;
    r->rows_unsorted |= rows->count > 0 && j->submit_ns < r->rows_last;
    r->rows_last = j->submit_ns;
    rows->v[rows->count++] =
        (aif_job_row){.submit_ns = j->submit_ns, .duration_ns = j->duration_ns, .gpus = j->gpus};
}

/* Keep the job parsed into slot `count`; notes whether the rows are still in order. */
static void keep_job(aif_trace *t) {
    int64_t s = t->jobs[t->count].submit_ns;
    t->unsorted |= t->count > 0 && s < t->last_submit;
    t->last_submit = s;
    t->count++;
}

/* Where field `c` of the record being parsed starts: its column (1-based, the opening
 * quote of a quoted field), its line moved past the newlines of the quoted fields before it.
 * Those fields were unquoted in place, so the column of a field on a later line of the
 * record is not known: 0. */
static void field_pos(const reader *r, int c, unsigned long *line, unsigned long *col) {
    *col = 0;
    if (c < 0 || c >= r->nfields || r->rec == NULL) {
        return;
    }
    unsigned long newlines = 0;
    for (int i = 0; i < c; i++) {
        for (const char *p = r->fields[i]; *p; p++) {
            newlines += *p == '\n';
        }
    }
    *line += newlines;
    *col = newlines ? 0 : (unsigned long)(r->fields[c] - r->rec) + 1;
}

/* A bad row: AIF_EPARSE with the message in r->err (only the first, when skipping), at the
 * line and column of the field. */
static aif_status bad(reader *r, unsigned long line, int role, const char *expected,
                      const char *found) {
    if (!r->have_error) {
        const char *field = role >= 0 && r->spec->cols[role] ? r->spec->cols[role] : "";
        unsigned long col = 0;
        field_pos(r, role >= 0 ? r->col[role] : -1, &line, &col);
        aif_error_set_at(r->err, AIF_EPARSE, r->file, line, col,
                         "field '%s': expected %s, found '%.60s%s'", field, expected, found,
                         strlen(found) > 60 ? "..." : "");
        r->have_error = true;
    }
    return AIF_EPARSE;
}

static const char *field_of(const reader *r, int role) {
    int c = r->col[role];
    return c >= 0 ? r->fields[c] : NULL;
}

static aif_status string_field(reader *r, int role, uint32_t *id) {
    const char *v = field_of(r, role);
    *id = 0;
    return v ? intern(r->t, v, id) : AIF_OK;
}

/* Whether an id that parsed as an integer was written "8.0": such ids stay names. A short
 * loop, inlined, is cheaper than a strchr call per row. */
static bool has_point(const char *v) {
    while (*v && *v != '.') {
        v++;
    }
    return *v == '.';
}

/* The bounds every trace time and duration must keep (AIF_JOB_TIME_LIMIT_S and
 * AIF_JOB_DURATION_LIMIT_S, job.h), as the messages state them. */
#define TIME_RANGE     "a time within +-100 years of 1970 (|t| <= 3155760000 s)"
#define DURATION_RANGE "a duration of at most 50 years (1577880000 s)"
_Static_assert(AIF_JOB_TIME_LIMIT_S == 3155760000, "TIME_RANGE states it");
_Static_assert(AIF_JOB_DURATION_LIMIT_S == 1577880000, "DURATION_RANGE states it");
_Static_assert(AIF_JOB_DURATION_LIMIT_S >= 1000000000, "plain_job's times stay within the limits");

/* A time column within the job time limit: AIF_ERANGE past it (so that submit + duration
 * and the spans the replay forms fit in int64 ns), else as aif__parse_time. */
static aif_status parse_time_in_range(const char *s, int64_t *ns) {
    aif_status st = aif__parse_time(s, ns);
    if (st == AIF_OK && (*ns < -AIF_JOB_TIME_LIMIT_NS || *ns > AIF_JOB_TIME_LIMIT_NS)) {
        st = AIF_ERANGE;
    }
    return st;
}

static aif_status parse_row(reader *r, unsigned long line, aif_job *j, bool *filtered) {
    const char *v;
    aif_status st;
    int64_t x;
    *filtered = false;
    *j = (aif_job){.gpu_milli = 1000, .line = (uint32_t)line};
    r->row++;

    v = field_of(r, COL_GPUS);
    st = aif__parse_int(v, 0, MAX_GPUS_PER_JOB, &x);
    if (st != AIF_OK) {
        return bad(r, line, COL_GPUS, "a GPU count in 1..16777216", v);
    }
    if (x == 0) {
        if (r->spec->gpuless_filtered) {
            *filtered = true;
            return AIF_OK;
        }
        return bad(r, line, COL_GPUS, "a GPU count in 1..16777216", v);
    }
    j->gpus = (int32_t)x;

    v = field_of(r, COL_SUBMIT);
    if ((st = parse_time_in_range(v, &j->submit_ns)) != AIF_OK) {
        return bad(r, line, COL_SUBMIT,
                   st == AIF_ERANGE ? TIME_RANGE : "a time (seconds or YYYY-MM-DD HH:MM:SS)", v);
    }

    v = field_of(r, COL_DURATION);
    int role = COL_DURATION;
    if (v && *v) {
        st = aif__parse_seconds(v, &j->duration_ns);
        if (st != AIF_OK) {
            return bad(r, line, COL_DURATION,
                       st == AIF_ERANGE ? DURATION_RANGE : "a duration in seconds", v);
        }
    } else {
        const char *e = field_of(r, COL_END);
        const char *s = field_of(r, COL_START);
        int64_t end_ns, start_ns = j->submit_ns;
        if (e == NULL || (st = parse_time_in_range(e, &end_ns)) != AIF_OK) {
            role = e ? COL_END : COL_DURATION;
            return bad(r, line, role,
                       e && st == AIF_ERANGE ? TIME_RANGE : "a duration or an end time",
                       e ? e : "");
        }
        if (s && *s && (st = parse_time_in_range(s, &start_ns)) != AIF_OK) {
            return bad(r, line, COL_START, st == AIF_ERANGE ? TIME_RANGE : "a start time", s);
        }
        /* Both within the limit of 1970, so the difference fits in int64. */
        j->duration_ns = end_ns - start_ns;
        v = e;
        role = COL_END;
        if (j->duration_ns <= 0) {
            return bad(r, line, COL_END, "an end time after the start", e);
        }
    }
    if (j->duration_ns <= 0) {
        return bad(r, line, COL_DURATION, "a duration > 0 s", v);
    }
    if (j->duration_ns > AIF_JOB_DURATION_LIMIT_NS) {
        return bad(r, line, role, DURATION_RANGE, v);
    }

    v = field_of(r, COL_GPU_MILLI);
    if (v && *v) {
        if (aif__parse_int(v, 1, 1000, &x) != AIF_OK) {
            return bad(r, line, COL_GPU_MILLI, "a GPU share in 1..1000", v);
        }
        j->gpu_milli = (int32_t)x;
    }
    v = field_of(r, COL_PRIORITY);
    if (v && *v) {
        if (aif__parse_int(v, INT32_MIN, INT32_MAX, &x) != AIF_OK) {
            return bad(r, line, COL_PRIORITY, "an integer priority", v);
        }
        j->priority = (int32_t)x;
    }
    v = field_of(r, COL_ID);
    j->id = (int64_t)r->row;
    if (v && *v) {
        if (aif__parse_int(v, INT64_MIN, INT64_MAX, &x) == AIF_OK && !has_point(v)) {
            j->id = x;
        } else if ((st = intern(r->t, v, &j->name)) != AIF_OK) {
            return st;
        }
    }
    if ((st = string_field(r, COL_USER, &j->user)) != AIF_OK ||
        (st = string_field(r, COL_VC, &j->vc)) != AIF_OK ||
        (st = string_field(r, COL_GPU_TYPE, &j->gpu_type)) != AIF_OK ||
        (st = string_field(r, COL_STATUS, &j->status)) != AIF_OK) {
        return st;
    }
    return AIF_OK;
}

/* A row of the plain shape (see reader.plain) straight into *j, with the same values and
 * the same checks as parse_row; false (j untouched) sends the row to parse_row, which
 * also words the error of a row that fails a check here. */
static bool plain_job(reader *r, const char *rec, size_t len, unsigned long line, aif_job *j) {
    int64_t v[4];
    if (!aif__csv_plain_row(rec, len, r->plain_kind, r->nfields, v)) {
        return false;
    }
    /* Submit and duration need no range check here: the plain shape holds at most 9
     * whole digits of seconds, inside both limits (job.h). */
    int64_t gpus = v[r->col[COL_GPUS]], duration = v[r->col[COL_DURATION]];
    if (gpus < 1 || gpus > MAX_GPUS_PER_JOB || duration <= 0) {
        return false;
    }
    r->row++;
    *j = (aif_job){.submit_ns = v[r->col[COL_SUBMIT]],
                   .duration_ns = duration,
                   .id = r->col[COL_ID] >= 0 ? v[r->col[COL_ID]] : (int64_t)r->row,
                   .gpus = (int32_t)gpus,
                   .gpu_milli = 1000,
                   .line = (uint32_t)line};
    return true;
}

/* Whether every column is one of the plain four, and what each holds. */
static void plan_plain(reader *r) {
    static const int roles[4] = {COL_ID, COL_SUBMIT, COL_GPUS, COL_DURATION};
    static const unsigned char kinds[4] = {PLAIN_INT, PLAIN_SECONDS, PLAIN_INT, PLAIN_SECONDS};
    int mapped = 0;
    r->plain = false;
    for (int c = 0; c < COL_COUNT; c++) {
        bool in = c == COL_ID || c == COL_SUBMIT || c == COL_GPUS || c == COL_DURATION;
        if (!in && r->col[c] >= 0) {
            return;
        }
    }
    if (r->col[COL_DURATION] < 0 || r->nfields > 4) {
        return;
    }
    for (int i = 0; i < 4; i++) {
        int c = r->col[roles[i]];
        if (c >= 0) {
            r->plain_kind[c] = kinds[i];
            mapped++;
        }
    }
    /* Distinct header names map to distinct columns, so this says every column is used. */
    r->plain = mapped == r->nfields;
}

static int header_index(char *const *names, int n, const char *want) {
    for (int i = 0; i < n; i++) {
        if (strcasecmp(names[i], want) == 0) {
            return i;
        }
    }
    return -1;
}

static bool matches(const format_spec *f, char *const *names, int n) {
    for (int i = 0; i < 6 && f->detect[i]; i++) {
        if (header_index(names, n, f->detect[i]) < 0) {
            return false;
        }
    }
    return f->absent == NULL || header_index(names, n, f->absent) < 0;
}

/* Split the header, choose the format and map its columns. */
static aif_status read_header(reader *r, char *rec, size_t len, unsigned long line,
                              aif_trace_format want) {
    const aif_allocator *a = r->t->alloc;
    if (len >= 3 && memcmp(rec, "\xEF\xBB\xBF", 3) == 0) {
        rec += 3; /* UTF-8 byte order mark */
        len -= 3;
    }
    char *names[MAX_COLUMNS];
    int n = aif__csv_split(rec, len, names, MAX_COLUMNS);
    if (n < 0 || n > MAX_COLUMNS) {
        aif_error_set_at(r->err, AIF_EPARSE, r->file, line, 0, "%s",
                         n == -2 ? "a NUL byte in the header (binary data?)"
                         : n < 0 ? "malformed quote in the header"
                                 : "more than 256 columns");
        return AIF_EPARSE;
    }
    /* One spare slot so a data row with extra fields is detected without overflow. The
     * names themselves live in the source window, valid only while the header is read. */
    r->fields = aif_alloc(a, (size_t)(n + 1) * sizeof *r->fields);
    if (r->fields == NULL) {
        return AIF_ENOMEM;
    }
    r->nfields = n;
    memcpy(r->fields, names, (size_t)n * sizeof *names);
    aif_trace_format f = want;
    if (f == AIF_TRACE_AUTO) {
        for (size_t i = 0; i < sizeof detect_order / sizeof detect_order[0]; i++) {
            if (matches(&formats[detect_order[i]], r->fields, n)) {
                f = detect_order[i];
                break;
            }
        }
        if (f == AIF_TRACE_AUTO) {
            aif_error_set_at(r->err, AIF_EPARSE, r->file, line, 0,
                             "unknown trace format: the header matches none of generic, "
                             "philly, helios, acme, alibaba-openb, tiresias");
            return AIF_EPARSE;
        }
    }
    r->spec = &formats[f];
    r->t->format = f;
    for (int c = 0; c < COL_COUNT; c++) {
        const char *name = r->spec->cols[c];
        r->col[c] = name ? header_index(r->fields, n, name) : -1;
    }
    static const int required[] = {COL_SUBMIT, COL_GPUS};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (r->col[required[i]] < 0) {
            const char *name = r->spec->cols[required[i]];
            aif_error_set_at(r->err, AIF_EPARSE, r->file, line, 0, "format %s needs a column '%s'",
                             r->spec->name, name);
            return AIF_EPARSE;
        }
    }
    if (r->col[COL_DURATION] < 0 && r->col[COL_END] < 0) {
        aif_error_set_at(r->err, AIF_EPARSE, r->file, line, 0,
                         "format %s needs a duration or end time column", r->spec->name);
        return AIF_EPARSE;
    }
    if (f == AIF_TRACE_GENERIC && r->col[COL_ID] < 0) {
        aif_error_set_at(r->err, AIF_EPARSE, r->file, line, 0,
                         "format generic needs a column 'job_id'");
        return AIF_EPARSE;
    }
    plan_plain(r);
    return AIF_OK;
}

static aif_status read_rows(reader *r, trace_source *src, const aif_trace_options *opt) {
    char *rec;
    size_t len;
    unsigned long line;
    bool have_header = false;
    aif_status st;
    while ((st = aif__trace_source_next(src, &rec, &len, &line)) == AIF_OK) {
        if (len == 0) {
            continue; /* blank lines carry nothing */
        }
        /* Ids and names are copied to outputs (JSON, HTML) that must stay UTF-8. A NUL is
         * left to the field splitter, which names it in its own words. */
        aif__text_fault fault;
        bool bad_bytes = !aif__text_check(rec, len, &fault) && fault.byte != 0;
        if (bad_bytes && !r->have_error) {
            char msg[64];
            aif_error_set_at(r->err, AIF_EPARSE, r->file, line, fault.col, "%s",
                             aif__text_fault_message(&fault, msg, sizeof msg));
            r->have_error = true;
        }
        if (bad_bytes && (!have_header || !opt->skip_bad)) {
            return AIF_EPARSE;
        }
        if (bad_bytes) {
            r->t->skipped++; /* --skip-bad: counted and its message kept, as a bad field */
            continue;
        }
        if (!have_header) {
            st = read_header(r, rec, len, line, opt->format);
            if (st != AIF_OK) {
                return st;
            }
            have_header = true;
            if (r->rows && r->refuse_vc && r->col[COL_VC] >= 0) {
                return AIF_ENOTIMPL;
            }
            continue;
        }
        /* Parsed in place: a row that is skipped or filtered leaves only scratch there. */
        aif_job scratch, *j = &scratch;
        if (r->rows) {
            st = reserve_row(r, src);
        } else if ((st = reserve_job(r->t, src)) == AIF_OK) {
            j = &r->t->jobs[r->t->count];
        }
        if (st != AIF_OK) {
            return st;
        }
        if (r->plain && plain_job(r, rec, len, line, j)) {
            if (r->rows) {
                keep_row(r, j);
            } else {
                keep_job(r->t);
            }
            continue;
        }
        int n = aif__csv_split(rec, len, r->fields, r->nfields + 1);
        bool filtered = false;
        if (n == -2) {
            if (!r->have_error) {
                aif_error_set_at(r->err, AIF_EPARSE, r->file, line, 0,
                                 "a NUL byte in the row (binary data?)");
                r->have_error = true;
            }
            st = AIF_EPARSE;
        } else if (n != r->nfields) {
            if (!r->have_error) {
                aif_error_set_at(r->err, AIF_EPARSE, r->file, line, 0,
                                 "expected %d fields, found %d%s", r->nfields, n,
                                 n < 0 ? " (malformed quote)" : "");
                r->have_error = true;
            }
            st = AIF_EPARSE;
        } else {
            r->rec = rec;
            st = parse_row(r, line, j, &filtered);
        }
        if (st == AIF_EPARSE && opt->skip_bad) {
            r->t->skipped++;
            continue;
        }
        if (st != AIF_OK) {
            return st;
        }
        if (filtered) {
            r->t->filtered++;
            continue;
        }
        if (r->rows) {
            keep_row(r, j);
        } else {
            keep_job(r->t);
        }
    }
    if (st == AIF_EEMPTY) {
        if (!have_header) {
            aif_error_set_at(r->err, AIF_EPARSE, r->file, 0, 0, "empty trace (no header row)");
            return AIF_EPARSE;
        }
        return AIF_OK;
    }
    if (st == AIF_EPARSE) {
        aif_error_set_at(r->err, AIF_EPARSE, r->file, 0, 0,
                         "a quoted field is not closed at the end of the file");
    } else if (st == AIF_EIO) {
        aif_error_set_at(r->err, AIF_EIO, r->file, 0, 0,
                         "read error (or a corrupt or truncated zstd stream)");
    }
    return st;
}

/* ---- Sorting: stable bottom-up merge sort by submit time ---- */

/* A stable sort by submit time for an array of TYPE (any struct with submit_ns): insertion
 * sort of runs of 32, then bottom-up merges through one temporary array (taking from the
 * left run on ties keeps file order). Generated for the trace's aif_job array and for the
 * fused path's compact rows, which differ only in element type. Errors: AIF_ENOMEM. */
#define DEFINE_SUBMIT_SORT(NAME, TYPE)                                                             \
    static aif_status NAME(const aif_allocator *alloc, TYPE *v, size_t n) {                        \
        TYPE *tmp = aif_alloc(alloc, n * sizeof *tmp);                                             \
        if (tmp == NULL) {                                                                         \
            return AIF_ENOMEM;                                                                     \
        }                                                                                          \
        enum { RUN = 32 };                                                                         \
        for (size_t s = 0; s < n; s += RUN) {                                                      \
            TYPE *r = v + s;                                                                       \
            size_t m = n - s < RUN ? n - s : RUN;                                                  \
            for (size_t i = 1; i < m; i++) {                                                       \
                TYPE x = r[i];                                                                     \
                size_t k = i;                                                                      \
                while (k > 0 && x.submit_ns < r[k - 1].submit_ns) {                                \
                    r[k] = r[k - 1];                                                               \
                    k--;                                                                           \
                }                                                                                  \
                r[k] = x;                                                                          \
            }                                                                                      \
        }                                                                                          \
        TYPE *src = v, *dst = tmp;                                                                 \
        for (size_t w = RUN; w < n; w *= 2) {                                                      \
            for (size_t lo = 0; lo < n; lo += 2 * w) {                                             \
                size_t mid = lo + w < n ? lo + w : n;                                              \
                size_t hi = lo + 2 * w < n ? lo + 2 * w : n;                                       \
                size_t a = lo, b = mid, k = lo;                                                    \
                while (a < mid && b < hi) {                                                        \
                    dst[k++] = src[b].submit_ns < src[a].submit_ns ? src[b++] : src[a++];          \
                }                                                                                  \
                while (a < mid) {                                                                  \
                    dst[k++] = src[a++];                                                           \
                }                                                                                  \
                while (b < hi) {                                                                   \
                    dst[k++] = src[b++];                                                           \
                }                                                                                  \
            }                                                                                      \
            TYPE *sw = src;                                                                        \
            src = dst;                                                                             \
            dst = sw;                                                                              \
        }                                                                                          \
        if (src != v) {                                                                            \
            memcpy(v, src, n * sizeof *src);                                                       \
        }                                                                                          \
        aif_free(alloc, tmp, n * sizeof *tmp);                                                     \
        return AIF_OK;                                                                             \
    }

DEFINE_SUBMIT_SORT(sort_job_array, aif_job)
DEFINE_SUBMIT_SORT(sort_row_array, aif_job_row)

static aif_status sort_jobs(aif_trace *t) {
    if (!t->unsorted) {
        return AIF_OK; /* already in order (checked as rows were kept): the common case */
    }
    return sort_job_array(t->alloc, t->jobs, t->count);
}

static aif_status sort_rows(aif__trace_rows *rows) {
    return sort_row_array(rows->alloc, rows->v, rows->count);
}

/* ---- Public entry points ---- */

/* Read `src` into a new trace (*out), or, with `rows`, into compact rows (the trace is
 * then only the reader's scratch: its intern table, and is freed here). */
static aif_status read_source(const aif_allocator *a, const char *name, trace_source *src,
                              const aif_trace_options *opt, aif_trace **out, aif_error *err,
                              aif__trace_rows *rows, bool refuse_vc) {
    static const aif_trace_options defaults = {AIF_TRACE_AUTO, false};
    if (opt == NULL) {
        opt = &defaults;
    }
    if ((unsigned)opt->format >= AIF_TRACE_FORMAT_COUNT) {
        aif__trace_source_close(src);
        return AIF_EINVAL;
    }
    if (err) {
        memset(err, 0, sizeof *err);
    }
    aif_trace *t = aif_calloc(a, 1, sizeof *t);
    if (t == NULL) {
        aif__trace_source_close(src);
        return AIF_ENOMEM;
    }
    t->alloc = a ? a : aif_allocator_system();
    reader r = {.t = t, .file = name, .err = err, .rows = rows, .refuse_vc = refuse_vc};
    if (rows) {
        *rows = (aif__trace_rows){.alloc = t->alloc};
    }
    aif_status st = intern_init(t);
    if (st == AIF_OK) {
        st = read_rows(&r, src, opt);
    }
    if (st == AIF_OK && rows) {
        st = r.rows_unsorted ? sort_rows(rows) : AIF_OK;
    } else if (st == AIF_OK) {
        st = sort_jobs(t);
    }
    if (r.fields) {
        aif_free(t->alloc, r.fields, (size_t)(r.nfields + 1) * sizeof *r.fields);
    }
    aif__trace_source_close(src);
    if (st != AIF_OK) {
        if (st == AIF_ENOMEM) {
            aif_error_set_at(err, AIF_ENOMEM, name, 0, 0, "out of memory");
        }
        aif_trace_destroy(t);
        if (rows) {
            aif__trace_rows_free(rows);
        }
        return st;
    }
    if (rows) {
        rows->format = (int)t->format;
        rows->skipped = t->skipped;
        rows->filtered = t->filtered;
        aif_trace_destroy(t);
        return AIF_OK;
    }
    if (t->cap > t->count && t->count > 0) {
        /* Give back the growth slack; keeping the larger block is fine if this fails. */
        aif_job *nj = aif_realloc(t->alloc, t->jobs, t->cap * sizeof *nj, t->count * sizeof *nj);
        if (nj) {
            t->jobs = nj;
            t->cap = t->count;
        }
    }
    *out = t;
    return AIF_OK;
}

aif_status aif_trace_read(const aif_allocator *a, const char *path, const aif_trace_options *opt,
                          aif_trace **out, aif_error *err) {
    if (path == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    trace_source *src = NULL;
    aif_status st = aif__trace_source_open_file(a, path, &src);
    if (st != AIF_OK) {
        if (err) {
            memset(err, 0, sizeof *err);
        }
        aif_error_set_at(err, st, path, 0, 0, "%s",
                         st == AIF_EIO ? "cannot open or read the file" : aif_strerror(st));
        return st;
    }
    return read_source(a, path, src, opt, out, err, NULL, false);
}

aif_status aif_trace_parse(const aif_allocator *a, const char *name, const char *text, size_t len,
                           const aif_trace_options *opt, aif_trace **out, aif_error *err) {
    if (out == NULL || (text == NULL && len > 0)) {
        return AIF_EINVAL;
    }
    trace_source *src = NULL;
    aif_status st = aif__trace_source_open_memory(a, text, len, &src);
    if (st != AIF_OK) {
        return st;
    }
    return read_source(a, name ? name : "<memory>", src, opt, out, err, NULL, false);
}

aif_status aif__trace_read_rows(const aif_allocator *a, const char *path, const char *name,
                                const char *text, size_t len, const aif_trace_options *opt,
                                bool refuse_vc, aif__trace_rows *out, aif_error *err) {
    if (out == NULL || (path == NULL && text == NULL && len > 0)) {
        return AIF_EINVAL;
    }
    *out = (aif__trace_rows){.alloc = a ? a : aif_allocator_system()};
    trace_source *src = NULL;
    aif_status st = path ? aif__trace_source_open_file(a, path, &src)
                         : aif__trace_source_open_memory(a, text, len, &src);
    if (st != AIF_OK) {
        if (path) {
            if (err) {
                memset(err, 0, sizeof *err);
            }
            aif_error_set_at(err, st, path, 0, 0, "%s",
                             st == AIF_EIO ? "cannot open or read the file" : aif_strerror(st));
        }
        return st;
    }
    aif_trace *unused = NULL;
    return read_source(a, path ? path : (name ? name : "<memory>"), src, opt, &unused, err, out,
                       refuse_vc);
}

void aif__trace_rows_free(aif__trace_rows *rows) {
    if (rows == NULL) {
        return;
    }
    aif_free(rows->alloc, rows->v, rows->cap * sizeof *rows->v);
    rows->v = NULL;
    rows->count = 0;
    rows->cap = 0;
}

void aif_trace_destroy(aif_trace *t) {
    if (t == NULL) {
        return;
    }
    const aif_allocator *a = t->alloc;
    aif_free(a, t->jobs, t->cap * sizeof *t->jobs);
    aif_free(a, t->chars, t->chars_cap);
    aif_free(a, t->offs, t->offs_cap * sizeof *t->offs);
    aif_free(a, t->hash, t->hash_cap * sizeof *t->hash);
    aif_free(a, t, sizeof *t);
}

const aif_job *aif_trace_jobs(const aif_trace *t) {
    return t->jobs;
}

size_t aif_trace_count(const aif_trace *t) {
    return t->count;
}

aif_trace_format aif_trace_format_of(const aif_trace *t) {
    return t->format;
}

size_t aif_trace_skipped_rows(const aif_trace *t) {
    return t->skipped;
}

size_t aif_trace_filtered_rows(const aif_trace *t) {
    return t->filtered;
}

const char *aif_trace_string(const aif_trace *t, uint32_t id) {
    if (id > t->nstr) {
        return NULL;
    }
    return t->chars + t->offs[id];
}

static const char *trace_name(const void *ctx, uint32_t id) {
    return aif_trace_string(ctx, id);
}

aif_job_names aif_trace_names(const aif_trace *trace) {
    return (aif_job_names){.ctx = trace, .name = trace ? trace_name : NULL};
}

uint32_t aif_trace_string_count(const aif_trace *t) {
    return t->nstr;
}

/* ---- Statistics ---- */

/* The k-th smallest of v[0..n) (0-based), reordering v: quickselect, median-of-three. */
static int64_t select_kth(int64_t *v, size_t n, size_t k) {
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t a = v[lo], b = v[mid], c = v[hi];
        int64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) {
                i++;
            }
            while (v[j] > pivot) {
                j--;
            }
            if (i <= j) {
                int64_t x = v[i];
                v[i] = v[j];
                v[j] = x;
                i++;
                if (j == 0) {
                    break;
                }
                j--;
            }
        }
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            return v[k];
        }
    }
    return v[k];
}

aif_status aif_trace_stats_compute(const aif_trace *t, aif_trace_stats *out) {
    if (t == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    memset(out, 0, sizeof *out);
    size_t n = t->count;
    out->jobs = n;
    if (n == 0) {
        return AIF_OK;
    }
    int64_t *d = aif_alloc(t->alloc, n * sizeof *d);
    if (d == NULL) {
        return AIF_ENOMEM;
    }
    /* GPU-time is summed as whole seconds plus nanoseconds so that integer-second traces
     * give exact totals however long they are. */
    int64_t gpu_whole_s = 0, gpu_rem_ns = 0;
    double dur_s = 0;
    out->first_submit_ns = t->jobs[0].submit_ns;
    out->last_submit_ns = t->jobs[n - 1].submit_ns;
    for (size_t i = 0; i < n; i++) {
        const aif_job *j = &t->jobs[i];
        d[i] = j->duration_ns;
        out->single_gpu_jobs += j->gpus == 1;
        out->max_gpus = j->gpus > out->max_gpus ? j->gpus : out->max_gpus;
        dur_s += (double)j->duration_ns * 1e-9;
        gpu_whole_s += (int64_t)j->gpus * (j->duration_ns / 1000000000);
        gpu_rem_ns += (int64_t)j->gpus * (j->duration_ns % 1000000000);
        if (gpu_rem_ns >= 1000000000) {
            gpu_whole_s += gpu_rem_ns / 1000000000;
            gpu_rem_ns %= 1000000000;
        }
    }
    int64_t hi = select_kth(d, n, n / 2);
    double med = (double)hi;
    if (n % 2 == 0) {
        /* The lower middle is the largest value left of the upper one after selection. */
        int64_t lo = d[0];
        for (size_t i = 1; i < n / 2; i++) {
            lo = d[i] > lo ? d[i] : lo;
        }
        med = ((double)lo + (double)hi) / 2;
    }
    out->median_duration_s = med * 1e-9;
    out->mean_duration_s = dur_s / (double)n;
    out->gpu_hours = ((double)gpu_whole_s + (double)gpu_rem_ns * 1e-9) / 3600;
    aif_free(t->alloc, d, n * sizeof *d);
    return AIF_OK;
}
