/* Build mode "split": the network module's implementation alone in its own
   file. It needs the safetensors reader: an AVLOC_NO_SAFETENSORS build has
   no network module. */
#ifndef AVLOC_NO_SAFETENSORS
#define AVLOC_NN_IMPLEMENTATION
#include "avloc_nn.h"
#else
typedef int avloc_modes_no_nn; /* (ISO C wants a declaration in every file) */
#endif
