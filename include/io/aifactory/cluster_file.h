/* Cluster files (docs/replay.md): the node groups of a heterogeneous cluster, read into
 * sched's aif_cluster_spec (cluster.h). */
#ifndef AIFACTORY_CLUSTER_FILE_H
#define AIFACTORY_CLUSTER_FILE_H

#include <stddef.h>

#include "aifactory/cluster.h"
#include "aifactory/error.h"

/* Read a cluster file: YAML or JSON, a mapping whose `groups` is a sequence of 1..16
 * mappings with `nodes` (>= 1), `gpus_per_node` (1..255), optional `gpu_type` (a name) and
 * optional `nodes_per_domain`. docs/replay.md has an example. On error, err (may be NULL)
 * receives the file, line, column and "expected ..., found ..." (aif_error_format prints
 * "FILE:LINE:COL: error: ..."). Errors: AIF_EINVAL
 * (NULL), AIF_EIO (cannot open or read), AIF_EPARSE, AIF_ENOMEM. libfyaml allocates with
 * its own allocator. Cost O(file size). */
aif_status aif_cluster_spec_read(const char *path, aif_cluster_spec *out, aif_error *err);

/* As aif_cluster_spec_read, from `len` bytes of text; `name` is used in messages. */
aif_status aif_cluster_spec_parse(const char *name, const char *text, size_t len,
                                  aif_cluster_spec *out, aif_error *err);

#endif
