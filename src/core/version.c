/* The library's version (see aifactory/version.h). The commit is not here: it lives in one
 * generated file (version_commit.c, written by cmake/aif_version.cmake at build time), so a
 * new commit recompiles that file alone and relinks, instead of rebuilding every source that
 * would otherwise see it as a macro. */
#include "aifactory/version.h"

const char *aif_version(void) {
    return AIF_VERSION_STRING;
}
