/* "Did you mean": the names of a list nearest to a word the user typed, for every message
 * that refuses an unknown id (systems, packages, models, policies, keys, templates), so
 * each suggests the same way and prints the same shape.
 *
 * A name that starts with the word ("gb200" for "gb200-nvl72") ranks first, then one that
 * contains it, then one within a few edits (1 for words of up to 3 characters, else a
 * third of the word's length and at least 2), ties in list order. Pure functions of their
 * arguments; O(count x len^2). */
#ifndef AIFACTORY_SUGGEST_H
#define AIFACTORY_SUGGEST_H

#include <stddef.h>

/* Most suggestions one call ranks (larger `max` is clamped). */
#define AIF_SUGGEST_MAX 16

/* The i-th name of a list the caller owns (NULL names are skipped). */
typedef const char *(*aif_name_at_fn)(const void *list, size_t i);

/* Up to `max` names nearest to `word`, best first, written to `out` (pointers into the
 * list). Returns how many were written; 0 for an empty or NULL word. */
size_t aif_suggest_from(const char *word, aif_name_at_fn name_at, const void *list, size_t count,
                        const char **out, size_t max);

/* The same over an array of `count` names. */
size_t aif_suggest(const char *word, const char *const *names, size_t count, const char **out,
                   size_t max);

/* Writes " (did you mean 'a', 'b' or 'c'?)" for the n names, or "" when n is 0, into
 * buf (always terminated; cut at size). Returns buf, for use as a printf argument. */
const char *aif_suggest_text(char *buf, size_t size, const char *const *near, size_t n);

/* Edit (Levenshtein) distance between two strings, capped at 255 characters each (longer
 * input counts as different by its extra length). */
size_t aif_edit_distance(const char *a, const char *b);

#endif
