/* Cortex-M4 code size of the network runtime (tools/check_nn_m4.sh): a
   program that sizes, initialises and runs a network whose file sits in
   flash (here an empty array the linker keeps: the code linked is what
   counts), with static memory. The build must link without double-precision
   arithmetic or libm beyond the float functions of the activations. */
#define AVLOC_IMPLEMENTATION
#include "avloc_nn.h"

const unsigned char mcu_model[64] = {0}; /* a real program puts its .safetensors here */
static unsigned char obj_mem[4096];
static float arena[1024], scratch[1024], x[64], y[64];
volatile float mcu_sink;

int main(void)
{
    avloc_nn net;
    size_t obj;
    const float *in[1];
    float *out[1];
    in[0] = x;
    out[0] = y;
    if (avloc_nn_query(mcu_model, sizeof mcu_model, &obj) != AVLOC_OK || obj > sizeof obj_mem) return 1;
    if (avloc_nn_init(&net, mcu_model, sizeof mcu_model, obj_mem, sizeof obj_mem) != AVLOC_OK) return 1;
    if (avloc_nn_run_f32(&net, in, out, arena, sizeof arena, scratch, sizeof scratch) != AVLOC_OK) return 1;
    mcu_sink = y[0];
    return 0;
}
