/* examples/mcu/board.h - the few board services the firmware example
   needs: a periodic tick (the simulated DMA), a free-running counter, text
   output and exit. board_mps2.c implements them for qemu-system-arm
   -M mps2-an386 (Cortex-M4, semihosting); on an STM32F4 they would be the
   I2S DMA interrupts, DWT->CYCCNT and a UART. */
#ifndef FW_BOARD_H
#define FW_BOARD_H
#include <stdint.h>

/* called from the tick interrupt, every period set by board_start_tick */
void fw_tick(void);

/* starts the tick: one interrupt every `ticks` of the 25 MHz reference clock */
void board_start_tick(uint32_t ticks);
void board_stop_tick(void);
/* a free-running 25 MHz counter (counts up); under qemu -icount shift=0
   one tick is BOARD_INSN_PER_TICK instructions */
uint32_t board_ticks(void);
#define BOARD_INSN_PER_TICK 40u
/* sleeps until the next interrupt */
void board_wait(void);
/* interrupts off / on around the main loop's look at the DMA flags */
void board_irq_off(void);
void board_irq_on(void);
void board_puts(const char *s);
/* ends the program (qemu exits with 0 for status 0, 1 otherwise) */
void board_exit(int status);
#endif
