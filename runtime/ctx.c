/* ctx.c: building the first frame of a new stack for the assembly switch, or the ucontext fallback. */
#include "ctx.h"

#include <stdint.h>
#include <string.h>

#if defined(WEFT_CTX_UCONTEXT)

/* Prepare c to run entry() on the given stack (ucontext: makecontext). */
void weft__ctx_make(weft__ctx *c, void *stack, size_t size, void (*entry)(void))
{
    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = stack;
    c->uc.uc_stack.ss_size = size;
    c->uc.uc_link = NULL;
    makecontext(&c->uc, entry, 0);
}

/* Save into from and resume to (ucontext: swapcontext, which makes a syscall). */
void weft__ctx_switch(weft__ctx *from, weft__ctx *to)
{
    swapcontext(&from->uc, &to->uc);
}

#elif defined(__x86_64__)

void weft__ctx_trampoline(void) __attribute__((visibility("hidden")));

/* Prepare c so that the first switch to it "returns" into the trampoline, which calls entry.
 * Frame, from the saved sp upwards: mxcsr|fpucw, r15, r14, r13, r12 (= entry), rbx, rbp, return address;
 * after the ret rsp is 16-aligned, as the trampoline's call requires. */
void weft__ctx_make(weft__ctx *c, void *stack, size_t size, void (*entry)(void))
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    *--sp = (uint64_t)(uintptr_t)weft__ctx_trampoline;
    *--sp = 0;                                   /* rbp */
    *--sp = 0;                                   /* rbx */
    *--sp = (uint64_t)(uintptr_t)entry;          /* r12 */
    *--sp = 0;                                   /* r13 */
    *--sp = 0;                                   /* r14 */
    *--sp = 0;                                   /* r15 */
    uint32_t csr[2] = {0x1F80u, 0x037Fu};        /* default MXCSR, x87 control word */
    --sp;
    memcpy(sp, csr, sizeof csr);
    c->sp = sp;
}

#elif defined(__aarch64__)

void weft__ctx_trampoline(void) __attribute__((visibility("hidden")));

/* Prepare c so that the first switch to it returns into the trampoline (x30), which calls entry (x19). */
void weft__ctx_make(weft__ctx *c, void *stack, size_t size, void (*entry)(void))
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 176);
    memset(sp, 0, 176);
    sp[0] = (uint64_t)(uintptr_t)entry;                  /* x19 */
    sp[11] = (uint64_t)(uintptr_t)weft__ctx_trampoline;   /* x30 */
    sp[20] = 0;                                          /* fpcr: round to nearest, no traps */
    c->sp = sp;
}

#else
#error "weft: no hand-written context switch for this architecture; configure with -DWEFT_CONTEXT=ucontext"
#endif
