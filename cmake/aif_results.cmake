# The HTML report's JS/CSS compiled into the io layer as a generated C source. Included
# from the top-level CMakeLists.txt right after the aif_io library is defined.
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
target_sources(aif_io PRIVATE ${AIF_REPORT_ASSETS_C})
