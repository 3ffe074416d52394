/* assert.c: weft_assertf: an assertion whose report carries a formatted message (the values involved). */
#include <stdarg.h>

#include "rt.h"

/* Public: end the execution with WEFT_ASSERT when ok is false; the message is "assertion failed: EXPR: MESSAGE". */
void weft_assertf_at(int ok, const char *expr, const char *file, int line, const char *func, const char *fmt, ...)
{
    (void)func;
    weft__require("weft_assertf", file, line);
    if (ok)
        return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    weft__fail(WEFT_ASSERT, file, line, "assertion failed: %s: %s", expr, msg);
}
