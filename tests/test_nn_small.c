/* tests/test_nn_small.c - every network test (test_nn.c) built as the
   smallest microcontroller configuration of tools/check_nn_m4.sh is, apart
   from its op opt-outs (the golden networks use every op): the plain GEMM
   (AVLOC_GEMM_SMALL), no per-site messages and none of the runtime's
   speed-only paths (AVLOC_NN_TERSE: names compared without their hash, ReLU
   through the activation switch, im2col element by element), the
   safetensors reader without its name index (AVLOC_ST_SMALL), scalar
   kernels. Same results, error codes, nodes and memory sizes. */
#define AVLOC_GEMM_SMALL
#define AVLOC_NN_TERSE
#define AVLOC_ST_SMALL
#define AVLOC_NO_SIMD
#define TEST_NN_SUITE "nn_small"
#include "test_nn.c"
