/* Build mode "amalgamated": the whole library as one header made by
   tools/amalgamate.py (compile with -I to the folder holding avloc_all.h). */
#define AVLOC_IMPLEMENTATION
#include "avloc_all.h"
#include "use_all.h"

int main(void)
{
    int bad = modes_use_all();
    printf("amalgamated: %s\n", bad ? "FAILED" : "ok");
    return bad;
}
