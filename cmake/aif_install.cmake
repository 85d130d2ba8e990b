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
set(AIF_LIB_DEPS PkgConfig::FYAML PkgConfig::JANSSON PkgConfig::ZSTD PkgConfig::SQLITE m)

add_library(aifactory_shared SHARED ${AIF_LAYER_OBJECTS})
set_target_properties(
  aifactory_shared
  PROPERTIES OUTPUT_NAME aifactory VERSION ${PROJECT_VERSION}
             SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
target_link_libraries(aifactory_shared PRIVATE ${AIF_LIB_DEPS})
# Every symbol the layers use must be in the library or its dependencies: found at link
# time, not by a user's program at load time.
target_link_options(aifactory_shared PRIVATE LINKER:--no-undefined)

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
foreach(layer core model sched fleet io)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/${layer}/aifactory
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/aifactory.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(DIRECTORY ${PROJECT_BINARY_DIR}/man/man1 DESTINATION ${CMAKE_INSTALL_MANDIR})
install(FILES ${PROJECT_BINARY_DIR}/completion/aifactory
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
