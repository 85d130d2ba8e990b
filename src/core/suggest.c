/* Nearest names for "did you mean" (see suggest.h). */
#include "aifactory/suggest.h"

#include <stdio.h>
#include <string.h>

#define EDIT_MAX 255

size_t aif_edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    size_t extra = 0;
    if (la > EDIT_MAX) {
        extra += la - EDIT_MAX;
        la = EDIT_MAX;
    }
    if (lb > EDIT_MAX) {
        extra += lb - EDIT_MAX;
        lb = EDIT_MAX;
    }
    /* Two rows suffice: each cell needs only its left, upper and upper-left neighbours. */
    size_t prev[EDIT_MAX + 1], cur[EDIT_MAX + 1];
    for (size_t j = 0; j <= lb; j++) {
        prev[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t best = sub < del ? sub : del;
            cur[j] = best < ins ? best : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb] + extra;
}

/* Lower is nearer; (size_t)-1: not near at all. A prefix or substring match beats any edit
 * distance, because users abbreviate ids far more often than they mistype them. */
static size_t score_of(const char *word, size_t len, const char *name) {
    size_t d = aif_edit_distance(word, name);
    /* One edit in a word of up to 3 characters ("fif"), else a third of it, at least 2:
     * a looser limit offers unrelated short names ("las" for "fif"). */
    size_t limit = len <= 3 ? 1 : len / 3 > 2 ? len / 3 : 2;
    if (strncmp(name, word, len) == 0) {
        return d;
    }
    if (strstr(name, word) != NULL) {
        return 1000 + d;
    }
    return d <= limit ? 2000 + d : (size_t)-1;
}

size_t aif_suggest_from(const char *word, aif_name_at_fn name_at, const void *list, size_t count,
                        const char **out, size_t max) {
    if (word == NULL || word[0] == '\0' || name_at == NULL || out == NULL || max == 0) {
        return 0;
    }
    if (max > AIF_SUGGEST_MAX) {
        max = AIF_SUGGEST_MAX;
    }
    size_t len = strlen(word);
    size_t scores[AIF_SUGGEST_MAX];
    size_t found = 0;
    for (size_t i = 0; i < count; i++) {
        const char *name = name_at(list, i);
        if (name == NULL || strcmp(name, word) == 0) {
            continue;
        }
        size_t score = score_of(word, len, name);
        if (score == (size_t)-1) {
            continue;
        }
        /* Insertion into a short sorted list; ties keep list order. */
        size_t pos = found;
        while (pos > 0 && scores[pos - 1] > score) {
            pos--;
        }
        if (pos >= max) {
            continue;
        }
        size_t last = found < max ? found : max - 1;
        for (size_t j = last; j > pos; j--) {
            scores[j] = scores[j - 1];
            out[j] = out[j - 1];
        }
        scores[pos] = score;
        out[pos] = name;
        if (found < max) {
            found++;
        }
    }
    return found;
}

static const char *array_name_at(const void *list, size_t i) {
    return ((const char *const *)list)[i];
}

size_t aif_suggest(const char *word, const char *const *names, size_t count, const char **out,
                   size_t max) {
    return aif_suggest_from(word, array_name_at, names, count, out, max);
}

const char *aif_suggest_text(char *buf, size_t size, const char *const *near, size_t n) {
    if (buf == NULL || size == 0) {
        return "";
    }
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n && used < size; i++) {
        const char *sep = i == 0 ? " (did you mean '" : i + 1 == n ? "' or '" : "', '";
        int w = snprintf(buf + used, size - used, "%s%.80s", sep, near[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    if (n > 0 && used < size) {
        snprintf(buf + used, size - used, "'?)");
    }
    return buf;
}
