/* The core implementation, compiled once per build and linked into the test
   programs that use only the public API (Makefile, SHARED_IMPL). */
#define AVLOC_IMPLEMENTATION
#include "../../avloc.h"
