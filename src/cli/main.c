/* aifactory command-line entry point (placeholder until the verb table lands). */
#include <stdio.h>

int main(void) {
    puts("aifactory " AIF_VERSION_STRING);
    return 0;
}
