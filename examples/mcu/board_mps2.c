/* examples/mcu/board_mps2.c - board.h for qemu-system-arm -M mps2-an386
   (an MPS2 board with a Cortex-M4): vector table, reset (FPU on, .data
   copied from flash, .bss zeroed), the SysTick as the tick, the CMSDK APB
   timer 0 (0x40000000, 25 MHz) as the free-running counter, text and exit
   through ARM semihosting (qemu -semihosting-config enable=on). Memory map
   in mps2_fw.ld: flash at 0x0, RAM at 0x20000000, both limited to an
   STM32F407's 1 MB / 128 KB so that a model or buffer that would not fit
   there does not link. */
#include "board.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);
void fw_reset(void);
void fw_fault(void);
void fw_systick(void);

void fw_fault(void)
{
    board_puts("fw: fault\n");
    board_exit(3);
}

void fw_systick(void) { fw_tick(); }

/* initial SP, reset, NMI, HardFault, MemManage, BusFault, UsageFault,
   4 reserved, SVCall, DebugMon, reserved, PendSV, SysTick */
__attribute__((section(".vectors"), used)) const uintptr_t fw_vectors[16] = {
    (uintptr_t)_estack, (uintptr_t)fw_reset, (uintptr_t)fw_fault, (uintptr_t)fw_fault, (uintptr_t)fw_fault,
    (uintptr_t)fw_fault, (uintptr_t)fw_fault, 0, 0, 0, 0, (uintptr_t)fw_fault, (uintptr_t)fw_fault, 0,
    (uintptr_t)fw_fault, (uintptr_t)fw_systick};

void fw_reset(void)
{
    uint32_t *s = _sidata, *d = _sdata;
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: the FPU (CP10, CP11) */
    __asm volatile("dsb\n\tisb");
    while (d < _edata) *d++ = *s++;
    for (d = _sbss; d < _ebss; d++) *d = 0;
    board_exit(main());
}

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define TIMER0_CTRL (*(volatile uint32_t *)0x40000000u)
#define TIMER0_VALUE (*(volatile uint32_t *)0x40000004u)
#define TIMER0_RELOAD (*(volatile uint32_t *)0x40000008u)

void board_start_tick(uint32_t ticks)
{
    TIMER0_RELOAD = 0xFFFFFFFFu; /* the counter: down from 2^32 - 1, no interrupt */
    TIMER0_VALUE = 0xFFFFFFFFu;
    TIMER0_CTRL = 1u;
    SYST_RVR = ticks - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* enable, interrupt, processor clock (25 MHz on this board) */
}

void board_stop_tick(void) { SYST_CSR = 0; }
uint32_t board_ticks(void) { return 0xFFFFFFFFu - TIMER0_VALUE; }
void board_wait(void) { __asm volatile("wfi"); }
void board_irq_off(void) { __asm volatile("cpsid i" ::: "memory"); }
void board_irq_on(void) { __asm volatile("cpsie i" ::: "memory"); }

/* ARM semihosting: operation in r0, parameter in r1, bkpt 0xAB */
static void board_semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

void board_puts(const char *s) { board_semihost(0x04u, s); } /* SYS_WRITE0 */

void board_exit(int status)
{
    /* SYS_EXIT: ADP_Stopped_ApplicationExit (qemu exits 0) or
       ADP_Stopped_RunTimeErrorUnknown (qemu exits 1) */
    board_semihost(0x18u, (const void *)(uintptr_t)(status == 0 ? 0x20026u : 0x20023u));
    for (;;) {}
}
