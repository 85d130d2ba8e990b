/* A program outside the project, built against an installed aifactory the way a user would:
 * `cc consumer.c $(pkg-config --cflags --libs aifactory)`. It parses a quantity and plans
 * 10 GW of GB200 NVL72 with the embedded catalog, and prints what tests/install/install_test.sh
 * compares with the command line's own answer. */
#include <math.h>
#include <stdio.h>

#include "aifactory/catalog.h"
#include "aifactory/catalog_read.h"
#include "aifactory/plan.h"
#include "aifactory/units.h"
#include "aifactory/version.h"

int main(void) {
    aif_error err;
    double watts = 0;
    if (aif_quantity_parse("10 GW", AIF_QTY_POWER, &watts, &err) != AIF_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 1;
    }
    aif_catalog *cat = NULL;
    if (aif_catalog_create(NULL, &cat) != AIF_OK || aif_catalog_load_default(cat) != AIF_OK) {
        fprintf(stderr, "consumer: cannot load the default catalog\n");
        aif_catalog_destroy(cat);
        return 1;
    }
    aif_plan_input in;
    aif_plan_input_init(&in);
    in.amount = watts;
    aif_plan_input_add(&in, "gb200-nvl72", NAN);
    static aif_plan_result plan;
    aif_status rc = aif_plan_compute(cat, &in, &plan);
    aif_catalog_destroy(cat);
    if (rc != AIF_OK) {
        fprintf(stderr, "consumer: %s\n", plan.error.message);
        return 1;
    }
    printf("aifactory %s\n", aif_version());
    printf("power_w %.0f\n", watts);
    printf("racks %.0f\n", plan.racks);
    printf("packages %.0f\n", plan.packages);
    return 0;
}
