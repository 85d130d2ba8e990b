/* Messages and names for aif_status, generated from the single table in status.h. */
#include "aifactory/status.h"

const char *aif_strerror(aif_status status) {
    switch (status) {
#define AIF_STATUS_MESSAGE(name, value, message)                                                   \
    case name:                                                                                     \
        return message;
        AIF_STATUS_TABLE(AIF_STATUS_MESSAGE)
#undef AIF_STATUS_MESSAGE
    }
    return "unknown status";
}

const char *aif_status_name(aif_status status) {
    switch (status) {
#define AIF_STATUS_NAME(name, value, message)                                                      \
    case name:                                                                                     \
        return #name;
        AIF_STATUS_TABLE(AIF_STATUS_NAME)
#undef AIF_STATUS_NAME
    }
    return "AIF_UNKNOWN";
}
