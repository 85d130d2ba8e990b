/* Reading catalog files (docs/catalog.md) into a catalog (catalog.h): the default catalog
 * compiled into the library, YAML text, or a file. Every problem is recorded on the
 * catalog with its file:line:col (aif_catalog_errors), and a merge with any
 * error leaves the catalog's entries unchanged. */
#ifndef AIFACTORY_CATALOG_READ_H
#define AIFACTORY_CATALOG_READ_H

#include <stddef.h>

#include "aifactory/catalog.h"
#include "aifactory/status.h"

/* Merge the default catalog compiled into the library. Errors as aif_catalog_merge_string
 * (the embedded file is tested to load cleanly). */
aif_status aif_catalog_load_default(aif_catalog *cat);

/* Merge YAML `text` of `len` bytes; `name` (copied) labels errors, e.g. the file name.
 * Entries with a new id are added and must be complete; entries with a known id override
 * only the fields they give. Errors: AIF_EINVAL (NULL arguments), AIF_EPARSE (malformed
 * YAML or schema errors: see aif_catalog_errors), AIF_ENOMEM. On any error the
 * catalog's entries are unchanged. Cost O(size of text + entries). */
aif_status aif_catalog_merge_string(aif_catalog *cat, const char *name, const char *text,
                                    size_t len);

/* Read the file at `path` and merge it as above. Errors: also AIF_EIO (unreadable file, with
 * an error entry naming it). */
aif_status aif_catalog_merge_file(aif_catalog *cat, const char *path);

/* The embedded default catalog text (NUL-terminated) and its length. */
const char *aif_catalog_default_yaml(size_t *len);

#endif
