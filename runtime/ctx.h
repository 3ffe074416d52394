/* ctx.h: stack switching only: save the running context, resume another (no policy). */
#ifndef WEFT_CTX_H
#define WEFT_CTX_H

#include <stddef.h>

#if defined(WEFT_CTX_UCONTEXT)
#include <ucontext.h>
/* A saved context (ucontext fallback). */
typedef struct weft__ctx {
    ucontext_t uc;
} weft__ctx;
#else
/* A saved context: the stack pointer; registers live on the saved stack. */
typedef struct weft__ctx {
    void *sp;
} weft__ctx;
#endif

/* Prepare `c` so that switching to it calls entry() on the stack [stack, stack + size).
 * entry must never return. */
void weft__ctx_make(weft__ctx *c, void *stack, size_t size, void (*entry)(void)) __attribute__((visibility("hidden")));

/* Save the running context in `from` and resume `to`. Returns when something switches back to `from`. */
void weft__ctx_switch(weft__ctx *from, weft__ctx *to) __attribute__((visibility("hidden")));

#endif
