# What `cmake --install` puts under a prefix, and the one library a C program links.
# Included from the top-level CMakeLists.txt after the layers and the executable.
#
#   bin/aifactory                                   the command line (links the layers statically)
#   lib/libaifactory.so.X.Y, lib/libaifactory.a     the library, all layers in one
#   include/aifactory/*.h                           the public headers of every layer, flattened
#   lib/pkgconfig/aifactory.pc                      for `pkg-config --cflags --libs aifactory`
#   share/man/man1/aifactory.1, aifactory-VERB.1    generated from the binary's help text
#   share/bash-completion/completions/aifactory     generated from the same help text
#
# The catalog, the default scenario and the report's JS/CSS are compiled into the library
# (CMakeLists.txt, cmake/aif_results.cmake), so no data file is installed.
include(GNUInstallDirs)

# ---- One library from the five layer archives ----
# A program links one library, -laifactory, not five in the right order: the shared and the
# static library are both built from the layers' object files (the layers are compiled as
# position-independent code for this, CMakeLists.txt). While the major version is 0 every
# minor release may break the ABI, so the soname carries both: libaifactory.so.0.1.
set(AIF_LAYER_TARGETS aif_core aif_model aif_sched aif_fleet aif_io)
set(AIF_LAYER_OBJECTS)
foreach(layer ${AIF_LAYER_TARGETS})
  list(APPEND AIF_LAYER_OBJECTS $<TARGET_OBJECTS:${layer}>)
endforeach()
# The command line too, for aif_cli_invoke (include/cli/aifactory/invoke.h): the CLI's own
# sources compiled once more without main() (AIF_CLI_IN_LIBRARY), plus src/cli/lib/.
file(GLOB AIF_CLI_LIB_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/cli/lib/*.c)
add_library(aif_cli OBJECT ${AIF_CLI_SOURCES} ${AIF_CLI_LIB_SOURCES})
target_compile_definitions(aif_cli PRIVATE AIF_CLI_IN_LIBRARY)
target_include_directories(aif_cli PUBLIC ${PROJECT_SOURCE_DIR}/include/cli
                                   PRIVATE ${PROJECT_SOURCE_DIR}/src/cli)
target_compile_options(aif_cli PRIVATE ${AIF_WARNINGS} -fno-semantic-interposition)
target_link_libraries(aif_cli PUBLIC aifactory)
set_target_properties(aif_cli PROPERTIES POSITION_INDEPENDENT_CODE ON)
list(APPEND AIF_LAYER_OBJECTS $<TARGET_OBJECTS:aif_cli>)

set(AIF_LIB_DEPS PkgConfig::FYAML PkgConfig::JANSSON PkgConfig::ZSTD PkgConfig::SQLITE m)
# libpq goes in the .pc as -lpq, not as `Requires.private: libpq`: Debian's libpq.pc lists,
# for a static link, libpgcommon and libpgport, which only the server's development package
# ships; -lpq links the shared libpq, which every libpq-dev has.
set(AIF_PC_LIBPQ "")
if(AIF_WITH_POSTGRESQL)
  list(APPEND AIF_LIB_DEPS PkgConfig::LIBPQ)
  set(AIF_PC_LIBPQ " -lpq")
endif()

add_library(aifactory_shared SHARED ${AIF_LAYER_OBJECTS})
set_target_properties(
  aifactory_shared
  PROPERTIES OUTPUT_NAME aifactory VERSION ${PROJECT_VERSION}
             SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
target_link_libraries(aifactory_shared PRIVATE ${AIF_LIB_DEPS})
# Every symbol the layers use must be in the library or its dependencies: found at link
# time, not by a user's program at load time.
# Only the API is exported, aif_* (aif__* included: what layers share, not stable): the CLI's
# cli_* and cmd_* names must not collide with a program's own.
# A sanitized library is the exception: with clang the sanitizer runtime is linked into the
# program, not into shared libraries, so its symbols are undefined here by design.
target_link_options(aifactory_shared PRIVATE
                    LINKER:--version-script=${PROJECT_SOURCE_DIR}/cmake/aifactory.map)
if(NOT AIF_SAN_FLAGS)
  target_link_options(aifactory_shared PRIVATE LINKER:--no-undefined)
endif()
set_property(TARGET aifactory_shared APPEND PROPERTY LINK_DEPENDS
                                                     ${PROJECT_SOURCE_DIR}/cmake/aifactory.map)

add_library(aifactory_static STATIC ${AIF_LAYER_OBJECTS})
set_target_properties(aifactory_static PROPERTIES OUTPUT_NAME aifactory)

# ---- Man pages and bash completion, generated from the binary's help text ----
# Re-run whenever the binary is relinked (a new verb or option, a new commit): the script
# asks the binary itself, so the pages cannot drift from the verb and option tables.
set(AIF_CLI_DOCS_STAMP ${PROJECT_BINARY_DIR}/man/man1/aifactory.1)
add_custom_command(
  OUTPUT ${AIF_CLI_DOCS_STAMP} ${PROJECT_BINARY_DIR}/completion/aifactory
  COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/aif_cli_docs.sh $<TARGET_FILE:aifactory_cli>
          ${PROJECT_BINARY_DIR} ${PROJECT_VERSION}
  DEPENDS aifactory_cli ${PROJECT_SOURCE_DIR}/cmake/aif_cli_docs.sh
  COMMENT "Generating the man pages and bash completion from aifactory --help"
  VERBATIM)
add_custom_target(aif_cli_docs ALL DEPENDS ${AIF_CLI_DOCS_STAMP})

# ---- pkg-config ----
# Relocatable: the prefix is found from the .pc file's own folder, so `cmake --install
# --prefix P` works without reconfiguring. The dependencies are private: a program linking
# the shared library needs none of them; `pkg-config --static` adds them for libaifactory.a.
# A sanitized build (AIF_SANITIZE) is a library that needs the sanitizer runtimes loaded
# first, so a program linking it must be linked with the same flags: the .pc says so.
file(RELATIVE_PATH AIF_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" AIF_PC_TO_PREFIX "${AIF_PC_TO_PREFIX}")
set(AIF_PC_SANITIZE "")
if(AIF_SANITIZE)
  list(JOIN AIF_SAN_FLAGS " " AIF_PC_SANITIZE)
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/aifactory.pc.in ${PROJECT_BINARY_DIR}/aifactory.pc
               @ONLY)

# ---- Install rules ----
install(TARGETS aifactory_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS aifactory_shared aifactory_static
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# Every header is included as "aifactory/<module>.h" (docs/architecture.md), so the layers'
# include/<layer>/aifactory/ folders merge into one include/aifactory/.
foreach(layer core model sched fleet io cli)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/${layer}/aifactory
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/aifactory.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(DIRECTORY ${PROJECT_BINARY_DIR}/man/man1 DESTINATION ${CMAKE_INSTALL_MANDIR})
install(FILES ${PROJECT_BINARY_DIR}/completion/aifactory
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# ---- The Python package ----
# python/aifactory (ctypes, standard library only) goes where Debian's python3 looks for
# packages of /usr: <prefix>/lib/python3/dist-packages (for another prefix, add that folder
# to PYTHONPATH). _installed.py records the way from there to the installed library, so
# the package loads the library of its own prefix wherever the prefix is moved.
set(AIF_PYTHON_INSTALL_DIR lib/python3/dist-packages
    CACHE STRING "Where cmake --install puts the Python package aifactory (under the prefix)")
file(RELATIVE_PATH AIF_PYTHON_TO_LIB /prefix/${AIF_PYTHON_INSTALL_DIR}/aifactory
     /prefix/${CMAKE_INSTALL_LIBDIR}/libaifactory.so.${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
file(WRITE ${PROJECT_BINARY_DIR}/python/_installed.py
     "\"\"\"Written by cmake --install: the library, relative to this folder.\"\"\"\n"
     "LIBRARY = \"${AIF_PYTHON_TO_LIB}\"\n")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/python/aifactory DESTINATION ${AIF_PYTHON_INSTALL_DIR}
        PATTERN __pycache__ EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/python/_installed.py
        DESTINATION ${AIF_PYTHON_INSTALL_DIR}/aifactory)
