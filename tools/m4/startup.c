/* Cortex-M4 start-up for the test suite under qemu-system-arm -M mps2-an386
   (tools/m4/run_tests.sh): the vector table, the FPU switched on, then
   newlib's semihosting _start (rdimon.specs), which sets up the C library,
   calls main and passes its exit status to qemu. */
#include <stdint.h>

extern void _start(void);
extern char __stack[];
void avloc_m4_reset(void);
void avloc_m4_fault(void);

void avloc_m4_fault(void)
{
    for (;;) {} /* qemu's -d option shows where; the run times out */
}

/* initial SP, reset, NMI, HardFault, MemManage, BusFault, UsageFault,
   4 reserved, SVCall, DebugMon, reserved, PendSV, SysTick */
__attribute__((section(".vectors"), used)) const uintptr_t avloc_m4_vectors[16] = {
    (uintptr_t)__stack, (uintptr_t)avloc_m4_reset, (uintptr_t)avloc_m4_fault, (uintptr_t)avloc_m4_fault,
    (uintptr_t)avloc_m4_fault, (uintptr_t)avloc_m4_fault, (uintptr_t)avloc_m4_fault, 0, 0, 0, 0,
    (uintptr_t)avloc_m4_fault, (uintptr_t)avloc_m4_fault, 0, (uintptr_t)avloc_m4_fault, (uintptr_t)avloc_m4_fault};

void avloc_m4_reset(void)
{
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10 and CP11 (the FPU) full access */
    __asm volatile("dsb\n\tisb");
    _start();
}
