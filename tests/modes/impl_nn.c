/* Build mode "split": the nn module's implementation alone in its own file
   (the core's is in impl_core.c). Empty when the safetensors container is
   left out (avloc_nn.h needs it). */
#ifndef AVLOC_NO_SAFETENSORS
#define AVLOC_NN_IMPLEMENTATION
#include "avloc_nn.h"
#else
typedef int modes_impl_nn_left_out; /* ISO C wants a declaration in every file */
#endif
