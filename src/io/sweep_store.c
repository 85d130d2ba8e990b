/* The sweep store's public calls (sweep_store.h): each dispatches to the backend that opened
 * the store (sweep_store_internal.h), plus what the backends and their callers share: the
 * JSON columns of a run and a URL with its password removed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aifactory/time.h"
#include "sweep_store_internal.h"

void aif_sweep_store_close(aif_sweep_store *st) {
    if (st) {
        st->ops->close(st);
    }
}

aif_status aif_sweep_store_sweep(aif_sweep_store *st, const aif_sweep *sw, const char *file,
                                 bool add, int64_t *id, bool *other, aif_error *err) {
    return st->ops->sweep(st, sw, file, add, id, other, err);
}

aif_status aif_sweep_store_done(aif_sweep_store *st, int64_t id, const aif_sweep *sw,
                                unsigned char *done, aif_error *err) {
    return st->ops->done(st, id, sw, done, err);
}

aif_status aif_sweep_store_put(aif_sweep_store *st, int64_t id, const aif_sweep *sw,
                               const aif_sweep_run *run, const aif_sweep_store_result *res,
                               aif_error *err) {
    return st->ops->put(st, id, sw, run, res, err);
}

aif_status aif_sweep_store_get(aif_sweep_store *st, int64_t id, size_t idx, bool *ok, char *error,
                               size_t size, const char *const *names, double *values, size_t count,
                               aif_error *err) {
    return st->ops->get(st, id, idx, ok, error, size, names, values, count, err);
}

aif_status aif_sweep_store_get_series(aif_sweep_store *st, int64_t id, size_t idx,
                                      aif_sweep_store_series_fn fn, void *ctx, aif_error *err) {
    return st->ops->series(st, id, idx, fn, ctx, err);
}

char *aif__sweep_store_series_json(const aif_sweep_store_series *s, bool dates) {
    size_t cap = 3 + s->n * 26, len = 0;
    char *out = malloc(cap);
    if (out == NULL) {
        return NULL;
    }
    out[len++] = '[';
    for (size_t i = 0; i < s->n; i++) {
        const char *sep = i ? "," : "";
        if (dates) {
            aif_date d = aif_date_from_days(s->days[i]);
            len += (size_t)snprintf(out + len, cap - len, "%s\"%04d-%02d-%02d\"", sep, (int)d.year,
                                    (int)d.month, (int)d.day);
        } else if (isfinite(s->values[i])) {
            len += (size_t)snprintf(out + len, cap - len, "%s%.17g", sep, s->values[i]);
        } else {
            len += (size_t)snprintf(out + len, cap - len, "%snull", sep);
        }
    }
    snprintf(out + len, cap - len, "]");
    return out;
}

/* The items of a one-level array, JSON ("[1, null]", "[\"2026-01-31\"]") or PostgreSQL
 * ("{1,NULL}"): each item's text (quotes removed) handed to `item`. */
static bool parse_items(const char *text, size_t cap, size_t *n,
                        bool (*item)(const char *b, size_t len, size_t i, void *out), void *out) {
    *n = 0;
    const char *p = text;
    while (*p == ' ') {
        p++;
    }
    char close = *p == '[' ? ']' : *p == '{' ? '}' : '\0';
    if (close == '\0') {
        return false;
    }
    p++;
    for (;;) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        if (*p == close) {
            return p[1] == '\0';
        }
        const char *b = p;
        size_t len;
        if (*p == '"') {
            b = ++p;
            while (*p && *p != '"') {
                p++;
            }
            if (*p != '"') {
                return false;
            }
            len = (size_t)(p - b);
            p++;
        } else {
            while (*p && *p != ',' && *p != close && *p != ' ') {
                p++;
            }
            len = (size_t)(p - b);
        }
        if (len == 0 || *n >= cap || !item(b, len, *n, out)) {
            return false;
        }
        (*n)++;
    }
}

static bool date_item(const char *b, size_t len, size_t i, void *out) {
    char buf[16];
    aif_date d;
    if (len >= sizeof buf) {
        return false;
    }
    memcpy(buf, b, len);
    buf[len] = '\0';
    if (aif_date_parse(buf, &d, NULL) != AIF_OK) {
        return false;
    }
    ((int32_t *)out)[i] = (int32_t)aif_date_to_days(d);
    return true;
}

static bool value_item(const char *b, size_t len, size_t i, void *out) {
    char buf[40];
    if (len >= sizeof buf) {
        return false;
    }
    memcpy(buf, b, len);
    buf[len] = '\0';
    if (strcmp(buf, "null") == 0 || strcmp(buf, "NULL") == 0) {
        ((double *)out)[i] = NAN;
        return true;
    }
    char *end = NULL;
    ((double *)out)[i] = strtod(buf, &end);
    return end == buf + len;
}

bool aif__sweep_store_parse_dates(const char *text, int32_t *days, size_t cap, size_t *n) {
    return text && parse_items(text, cap, n, date_item, days);
}

bool aif__sweep_store_parse_values(const char *text, double *values, size_t cap, size_t *n) {
    return text && parse_items(text, cap, n, value_item, values);
}

char *aif__sweep_store_param_keys_json(const aif_sweep *sw) {
    json_t *a = json_array();
    for (size_t i = 0; i < aif_sweep_parameter_count(sw); i++) {
        json_array_append_new(a, json_string(aif_sweep_parameter_at(sw, i)->key));
    }
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

void aif__sweep_store_run_json(const aif_sweep *sw, const aif_sweep_run *run, char **params,
                               char **sets) {
    json_t *p = json_object(), *s = json_array();
    for (size_t i = 0; i < aif_sweep_parameter_count(sw); i++) {
        json_object_set_new(p, aif_sweep_parameter_at(sw, i)->key,
                            json_string(run->param_texts[i]));
    }
    for (size_t i = 0; i < run->set_count; i++) {
        json_array_append_new(s, json_string(run->sets[i]));
    }
    *params = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
    *sets = json_dumps(s, JSON_COMPACT);
    json_decref(p);
    json_decref(s);
}

/* Append bytes [b, e) of a URL to out (at *len, n bytes in all), as far as they fit. */
static void append(char *out, size_t n, size_t *len, const char *b, const char *e) {
    while (b < e && *len + 1 < n) {
        out[(*len)++] = *b++;
    }
    out[*len] = '\0';
}

const char *aif_sweep_store_url_shown(const char *url, char *out, size_t n) {
    size_t len = 0;
    out[0] = '\0';
    const char *end = url + strlen(url);
    const char *scheme = strstr(url, "://");
    const char *auth = scheme ? scheme + 3 : url;
    const char *query = strchr(auth, '?');
    const char *auth_end = auth + strcspn(auth, "/?");
    /* The user part ends at the last '@' of the authority (a password may hold an '@'
     * written as is); its password starts at the first ':' of it. */
    const char *at = NULL;
    for (const char *p = auth; p < auth_end; p++) {
        if (*p == '@') {
            at = p;
        }
    }
    append(out, n, &len, url, auth);
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        const char *user_end = colon ? colon : at;
        append(out, n, &len, auth, user_end);
        if (user_end > auth) {
            append(out, n, &len, at, at + 1);
        }
        append(out, n, &len, at + 1, query ? query : end);
    } else {
        append(out, n, &len, auth, query ? query : end);
    }
    if (query == NULL) {
        return out;
    }
    /* The query's parameters, each but `password=...` kept in order. */
    bool first = true;
    for (const char *p = query + 1; p < end;) {
        const char *amp = strchr(p, '&');
        const char *pe = amp ? amp : end;
        bool secret = (size_t)(pe - p) >= 9 && strncmp(p, "password=", 9) == 0;
        if (!secret && pe > p) {
            append(out, n, &len, first ? "?" : "&", (first ? "?" : "&") + 1);
            append(out, n, &len, p, pe);
            first = false;
        }
        p = amp ? amp + 1 : end;
    }
    return out;
}
