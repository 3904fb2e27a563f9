/* Build mode "split": the dsp module's implementation alone in its own file
   (the core's is in impl_core.c). */
#define AVLOC_DSP_IMPLEMENTATION
#include "avloc_dsp.h"
