#ifndef FLOWPROOF_CGMP_SHIM_H
#define FLOWPROOF_CGMP_SHIM_H
#include <gmp.h>
#endif
