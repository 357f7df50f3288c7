#ifndef FLOWPROOF_CLAPACKE_SHIM_H
#define FLOWPROOF_CLAPACKE_SHIM_H
#include <lapacke.h>
#include <cblas.h>
#endif
