/* One module's implementation (the Makefile defines AVLOC_<MODULE>_IMPLEMENTATION),
   compiled once per build and linked into the test programs that use only the
   public API (SHARED_IMPL). Every header is included: parts that join two
   modules (nn's audio maps on dsp's mel) exist only when both are seen. */
#include "../../avloc_dsp.h"
#include "../../avloc_gllim.h"
#include "../../avloc_mp.h"
#include "../../avloc_nn.h"
#include "../../avloc_rpca.h"
