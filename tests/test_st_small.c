/* tests/test_st_small.c - every safetensors test (test_safetensors.c) on
   the reader built with AVLOC_ST_SMALL (duplicate names found by rescans,
   no hash index: the microcontroller configuration of tools/check_nn_m4.sh).
   The tensor cap is lowered to 256 so that the many-tensors test of that
   quadratic reader stays short; the limits are exercised the same way. */
#define AVLOC_ST_SMALL
#define AVLOC_ST_MAX_TENSORS 256
#define TEST_ST_SUITE "safetensors_small"
#include "test_safetensors.c"
