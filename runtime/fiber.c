/* fiber.c: every switch between task stacks and the checker's stack, annotated for AddressSanitizer. */
#include "rt.h"

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif

#ifdef WEFT_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

/* The bounds of the stack we came from, as ASan reports them on arrival. */
static void arrived(void *fake)
{
    weft__rt *R = &weft__R;
    const void *lo;
    size_t size;
    __sanitizer_finish_switch_fiber(fake, &lo, &size);
    if (R->from_driver) {
        R->driver_lo = lo;
        R->driver_size = size;
        R->from_driver = false;
    }
}
#endif

/* Switch from the running context `from` to `to`, which runs on stack `to_stack` (NULL: the checker's own).
 * `dying`: the running task has exited and its stack is never resumed. */
void weft__switch(weft__ctx *from, weft__ctx *to, const weft__stack *to_stack, bool dying)
{
#ifdef WEFT_ASAN
    weft__rt *R = &weft__R;
    void *fake = NULL;
    if (!to_stack)
        __sanitizer_start_switch_fiber(dying ? NULL : &fake, R->driver_lo, R->driver_size);
    else
        __sanitizer_start_switch_fiber(dying ? NULL : &fake, to_stack->lo, to_stack->size);
    R->from_driver = from == &R->driver;
    weft__ctx_switch(from, to);
    arrived(fake);
#else
    (void)to_stack;
    (void)dying;
    weft__ctx_switch(from, to);
#endif
}

/* First thing a new task does on its own stack: complete the switch that started it. */
void weft__fiber_start(void)
{
#ifdef WEFT_ASAN
    arrived(NULL);
#endif
}

/* A stack about to be reused: frames abandoned by an earlier execution leave poisoned redzones behind. */
void weft__fiber_fresh(const weft__stack *s)
{
#ifdef WEFT_ASAN
    ASAN_UNPOISON_MEMORY_REGION(s->lo, s->size);
#else
    (void)s;
#endif
}
