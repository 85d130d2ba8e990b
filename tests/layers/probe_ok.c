/* The control for the layer probes: a file that includes only headers of its own layer
 * and those below must compile with that layer's include directories, so a refusal of
 * the other probes shows the layering, not a broken probe. */
#include AIF_PROBE_HEADER

int aif_probe_marker(void);
int aif_probe_marker(void) {
    return 0;
}
