/* A layer reaching up: this file includes AIF_PROBE_HEADER, a public header of a higher
 * layer, and is compiled with the include directories of a lower layer's target. The
 * layers test (tests/layers/run_probe.sh) expects the compiler to refuse it. */
#include AIF_PROBE_HEADER

int aif_probe_marker(void);
int aif_probe_marker(void) {
    return 0;
}
