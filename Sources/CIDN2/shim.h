#ifndef HERALD_CIDN2_SYSTEM_SHIM_H
#define HERALD_CIDN2_SYSTEM_SHIM_H
#include <idn2.h>
#endif
