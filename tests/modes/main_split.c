/* Build mode "split": uses every module; the implementations live in
   impl_core.c, impl_dsp.c, impl_gllim.c, impl_nn.c and impl_rpca.c. */
#include "avloc_dsp.h"
#include "avloc_gllim.h"
#ifndef AVLOC_NO_LINALG /* (RPCA is built on the core linear algebra) */
#include "avloc_rpca.h"
#endif
#ifndef AVLOC_NO_SAFETENSORS /* (the network module reads safetensors files) */
#include "avloc_nn.h"
#endif
#include "use_all.h"

int main(void)
{
    int bad = modes_use_all();
    printf("split: %s\n", bad ? "FAILED" : "ok");
    return bad;
}
