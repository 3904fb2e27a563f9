/* Build mode "split": the GLLiM module's implementation alone in its own
   file (the core's is in impl_core.c, dsp's in impl_dsp.c). */
#define AVLOC_GLLIM_IMPLEMENTATION
#include "avloc_gllim.h"
