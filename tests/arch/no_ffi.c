/* no_ffi.c: the smoke build has no cross-compiled libffi: WEFT_GO is not used there. */
#include <stdlib.h>

#include "rt.h"

void weft__ffi_run(weft__task *t) WEFT__HIDDEN;
void weft__ffi_run(weft__task *t)
{
    (void)t;
    abort();
}
