# The layering as tests (label `layers`): for each lower layer, a probe that includes a
# public header of a higher layer must fail to compile, a probe that calls a higher layer's
# function must fail to link, and a control probe including the layer's own header must
# build. The probes are built on demand by the tests (never by `all`); they share one
# build tree, so they run one at a time.
set(AIF_PROBE_DIR ${PROJECT_SOURCE_DIR}/tests/layers)

# aif_layer_probe(NAME LAYER HEADER EXPECT): compile probe_include.c (or probe_ok.c for
# EXPECT ok) with LAYER's include directories and HEADER as its include.
function(aif_layer_probe name layer header expect)
  if(expect STREQUAL "ok")
    set(src ${AIF_PROBE_DIR}/probe_ok.c)
  else()
    set(src ${AIF_PROBE_DIR}/probe_include.c)
  endif()
  add_library(aif_probe_${name} OBJECT EXCLUDE_FROM_ALL ${src})
  target_compile_definitions(aif_probe_${name} PRIVATE AIF_PROBE_HEADER="${header}")
  target_include_directories(
    aif_probe_${name} PRIVATE $<TARGET_PROPERTY:aif_${layer},INCLUDE_DIRECTORIES>)
  target_compile_options(aif_probe_${name} PRIVATE ${AIF_WARNINGS})
  add_test(NAME layers.${name}
           COMMAND ${AIF_PROBE_DIR}/run_probe.sh ${CMAKE_BINARY_DIR} aif_probe_${name} ${expect})
  set_tests_properties(layers.${name} PROPERTIES LABELS layers RUN_SERIAL TRUE TIMEOUT 120)
endfunction()

aif_layer_probe(core_includes_model core aifactory/catalog.h refused)
aif_layer_probe(model_includes_sched model aifactory/replay.h refused)
aif_layer_probe(model_includes_fleet model aifactory/fleet.h refused)
aif_layer_probe(model_includes_io model aifactory/results.h refused)
aif_layer_probe(sched_includes_model sched aifactory/perf.h refused)
aif_layer_probe(sched_includes_io sched aifactory/trace.h refused)
aif_layer_probe(fleet_includes_io fleet aifactory/scenario.h refused)
aif_layer_probe(model_private_of_io model trace_internal.h refused)
aif_layer_probe(core_own core aifactory/sim.h ok)
aif_layer_probe(model_own model aifactory/plan.h ok)
aif_layer_probe(sched_own sched aifactory/replay.h ok)
aif_layer_probe(fleet_own fleet aifactory/fleet.h ok)

# A call the wrong way: model's code calling io's aif_results_close links against model
# alone and must be refused by the linker.
add_executable(aif_probe_model_calls_io EXCLUDE_FROM_ALL ${AIF_PROBE_DIR}/probe_call.c)
target_link_libraries(aif_probe_model_calls_io PRIVATE aif_model)
add_test(NAME layers.model_calls_io
         COMMAND ${AIF_PROBE_DIR}/run_probe.sh ${CMAKE_BINARY_DIR} aif_probe_model_calls_io refused)
set_tests_properties(layers.model_calls_io PROPERTIES LABELS layers RUN_SERIAL TRUE TIMEOUT 120)
