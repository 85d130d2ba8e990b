/* Model loading shared by the `models` and `perf` verbs: the built-in models plus every
 * --models FILE in order, load errors printed as "file:line:col: error: message"; and the
 * one message for an unknown model id, with the nearest ids. */
#ifndef AIF_CLI_CLI_MODELS_H
#define AIF_CLI_CLI_MODELS_H

#include "aifactory/models_file.h"
#include "args.h"

/* Returns CLI_EXIT_OK with *out set, CLI_EXIT_USAGE after printing every error of the
 * first bad file, or CLI_EXIT_FAILURE on out-of-memory. */
int cli_models_open(const char *verb, const char *const *files, int file_count,
                    aif_model_set **out);

/* "unknown model 'ID' (did you mean 'A' or 'B'?); see 'aifactory models list'" as a usage
 * error of `spec`; returns CLI_EXIT_USAGE. */
int cli_models_unknown(const cli_verb_spec *spec, const aif_model_set *set, const char *id);

#endif
