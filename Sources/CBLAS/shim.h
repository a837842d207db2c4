// OpenBLAS's CBLAS interface plus its thread-count controls (declared in OpenBLAS's cblas.h).
#include <cblas.h>
