/* Build mode "split": uses every module; the implementations live in
   impl_core.c, impl_dsp.c and impl_gllim.c. */
#include "avloc_dsp.h"
#include "avloc_gllim.h"
#include "use_all.h"

int main(void)
{
    int bad = modes_use_all();
    printf("split: %s\n", bad ? "FAILED" : "ok");
    return bad;
}
