/* Build mode "split": the RPCA module's implementation alone in its own
   file (the core's is in impl_core.c, dsp's in impl_dsp.c). */
#ifndef AVLOC_NO_LINALG /* (RPCA is built on the core linear algebra) */
#define AVLOC_RPCA_IMPLEMENTATION
#include "avloc_rpca.h"
#else
typedef int modes_rpca_left_out; /* ISO C: a translation unit is not empty */
#endif
