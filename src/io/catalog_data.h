/* The default catalog (data/catalog.yaml) as bytes compiled into the library; the
 * definition is generated at build time by cmake/embed_file.cmake. */
#ifndef AIFACTORY_IO_CATALOG_DATA_H
#define AIFACTORY_IO_CATALOG_DATA_H

#include <stddef.h>

extern const char aif__catalog_yaml[];     /* NUL-terminated YAML text */
extern const size_t aif__catalog_yaml_len; /* bytes, without the NUL */

#endif
