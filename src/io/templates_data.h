/* Declared by the files generated from the YAML files in data/templates (CMakeLists.txt). */
#ifndef AIF_IO_TEMPLATES_DATA_H
#define AIF_IO_TEMPLATES_DATA_H

#include <stddef.h>

extern const char aif__template_single_site_yaml[];
extern const size_t aif__template_single_site_yaml_len;
extern const char aif__template_cloud_only_yaml[];
extern const size_t aif__template_cloud_only_yaml_len;

#endif
