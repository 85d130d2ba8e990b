# The results store and the HTML report (issue 7): SQLite and jansson for the library, and
# the report's JS/CSS compiled in as generated C sources (cmake/aif_web.cmake). Included
# from the top-level CMakeLists.txt right after the aifactory library is defined; the
# pkg-config prefixes are private to this file so other modules' look-ups never clash.
pkg_check_modules(AIF_RESULTS_SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(AIF_RESULTS_JANSSON REQUIRED IMPORTED_TARGET jansson)
target_link_libraries(aifactory PUBLIC PkgConfig::AIF_RESULTS_SQLITE
                                       PkgConfig::AIF_RESULTS_JANSSON)

# The report's JS/CSS and the pinned uPlot, compiled in (see cmake/aif_web_assets.cmake).
find_program(AIF_NPM npm)
set(AIF_REPORT_ASSETS_C ${CMAKE_BINARY_DIR}/generated/report_assets.c)
set(AIF_WEB_SOURCES ${PROJECT_SOURCE_DIR}/web/report.js ${PROJECT_SOURCE_DIR}/web/report.css
                    ${PROJECT_SOURCE_DIR}/web/package.json
                    ${PROJECT_SOURCE_DIR}/web/package-lock.json)
add_custom_command(
  OUTPUT ${AIF_REPORT_ASSETS_C}
  COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${PROJECT_SOURCE_DIR}/web -DWORK_DIR=${CMAKE_BINARY_DIR}/web
          -DNPM=${AIF_NPM} -DOUT=${AIF_REPORT_ASSETS_C} -P
          ${CMAKE_CURRENT_LIST_DIR}/aif_web_assets.cmake
  DEPENDS ${AIF_WEB_SOURCES} ${CMAKE_CURRENT_LIST_DIR}/aif_web_assets.cmake
  COMMENT "Generating the HTML report assets (npm ci for the pinned uPlot)"
  VERBATIM)
target_sources(aifactory PRIVATE ${AIF_REPORT_ASSETS_C})
