# The browser test of the HTML report (tests/browser/): a small program writes the outputs
# of a synthetic scenario and replay, and headless chromium driven by playwright-core (from
# the build's `npm ci`, see aif_web_assets.cmake) checks the pages. Label `browser`; it
# skips (exit 77) only when node, chromium or playwright-core is absent, and fails instead
# under CI=true, where .ci/run installs them. Under ASan on a loaded two-core machine it
# took 133 s alone (a four-year hourly run is among its fixtures), hence 300 s.
add_executable(aif_make_reports ${PROJECT_SOURCE_DIR}/tests/browser/make_reports.c)
target_include_directories(aif_make_reports PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_compile_options(aif_make_reports PRIVATE ${AIF_WARNINGS})
target_link_libraries(aif_make_reports PRIVATE aifactory)
add_test(NAME browser.report
         COMMAND ${PROJECT_SOURCE_DIR}/tests/browser/run_browser_test.sh
                 $<TARGET_FILE:aif_make_reports> ${CMAKE_BINARY_DIR}/web/node_modules
                 ${CMAKE_BINARY_DIR}/browser-test)
set_tests_properties(browser.report PROPERTIES LABELS browser TIMEOUT 300 SKIP_RETURN_CODE 77)
# A sweep's report.html (tests/browser/run_sweep_browser_test.sh): small sweeps of the short
# test scenario, their pages checked in chromium.
add_test(NAME browser.sweep_report
         COMMAND ${PROJECT_SOURCE_DIR}/tests/browser/run_sweep_browser_test.sh
                 $<TARGET_FILE:aifactory_cli> ${CMAKE_BINARY_DIR}/web/node_modules
                 ${CMAKE_BINARY_DIR}/browser-sweep-test)
set_tests_properties(browser.sweep_report PROPERTIES LABELS browser TIMEOUT 300 SKIP_RETURN_CODE 77)
