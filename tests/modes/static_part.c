/* Build mode "static": compiled twice into one program (-DMODES_PART=part_a
   and part_b), each copy with its own private (static) implementation. */
#define AVLOC_STATIC
#define AVLOC_IMPLEMENTATION
#include "avloc_dsp.h"
#include "avloc_gllim.h"
#ifndef AVLOC_NO_LINALG /* (RPCA is built on the core linear algebra) */
#include "avloc_rpca.h"
#endif
#ifndef AVLOC_NO_SAFETENSORS /* (the network module reads safetensors files) */
#include "avloc_nn.h"
#endif
#include "use_all.h"

int MODES_PART(void);
int MODES_PART(void) { return modes_use_all(); }
