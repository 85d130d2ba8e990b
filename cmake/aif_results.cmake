# The results store and the HTML report (issue 7): SQLite and jansson for the library, and
# the report's JS/CSS compiled in as generated C sources (cmake/aif_web.cmake). Included
# from the top-level CMakeLists.txt right after the aifactory library is defined; the
# pkg-config prefixes are private to this file so other modules' look-ups never clash.
pkg_check_modules(AIF_RESULTS_SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(AIF_RESULTS_JANSSON REQUIRED IMPORTED_TARGET jansson)
target_link_libraries(aifactory PUBLIC PkgConfig::AIF_RESULTS_SQLITE
                                       PkgConfig::AIF_RESULTS_JANSSON)
