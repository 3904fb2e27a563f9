/* Build mode "split": the core's implementation alone in its own file. */
#define AVLOC_IMPLEMENTATION
#include "avloc.h"
