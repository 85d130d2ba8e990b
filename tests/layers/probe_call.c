/* A layer calling up without including anything: a lower layer's code declares a function
 * of a higher layer itself and calls it. Linked against the lower layer's target alone,
 * the program must fail to link (tests/layers/run_probe.sh checks it does). */
#include <stddef.h>

struct aif_results;
void aif_results_close(struct aif_results *r); /* io's, declared by hand */

int main(void) {
    aif_results_close(NULL);
    return 0;
}
