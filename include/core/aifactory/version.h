/* The version of the library and the git commit it was built from, for `aifactory --version`,
 * for programs that link the library and for bug reports. The version comes from the
 * project's CMake version; the commit is computed when the library is built (cmake/
 * aif_version.cmake) and is "unknown" for a build outside a git checkout, such as one from a
 * release tarball. Both strings are static: never freed, safe from any thread. */
#ifndef AIFACTORY_VERSION_H
#define AIFACTORY_VERSION_H

/* The library's version, "MAJOR.MINOR.PATCH", e.g. "0.1.0". */
const char *aif_version(void);

/* The abbreviated git commit of the build, e.g. "c6876e4", or "unknown". */
const char *aif_version_commit(void);

#endif
