/* clock.c: the virtual clock: 0 at the start of every execution, moved only by the checker. */
#include "rt.h"

/* The virtual time now, in nanoseconds. */
int64_t weft__clock_now(void)
{
    return weft__R.now;
}
