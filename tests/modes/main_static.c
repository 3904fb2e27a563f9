/* Build mode "static": two files with private copies of the library
   (static_part.c compiled as part_a and part_b) in one program. */
#include <stdio.h>

int part_a(void);
int part_b(void);

int main(void)
{
    int bad = part_a() | part_b();
    printf("static: %s\n", bad ? "FAILED" : "ok");
    return bad;
}
