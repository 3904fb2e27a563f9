/* Build mode "split": the RPCA module's implementation alone in its own
   file (the core's is in impl_core.c, dsp's in impl_dsp.c). */
#define AVLOC_RPCA_IMPLEMENTATION
#include "avloc_rpca.h"
