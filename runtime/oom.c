/* oom.c: weft's own resources running out (memory, stack mappings) is weft's error, never the program's bug. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

/* End with the resource error in msg: inside a task, the check ends with it as an error (weft_check's
 * r.error; weft_main prints it and exits 2); elsewhere it is printed and the process exits with status 2. */
static WEFT__NORETURN void give_up(const char *msg)
{
    weft__rt *R = &weft__R;
    if (R->active && R->cur && weft__on_checker_thread && !R->crashing) {
        R->crashing = true;
        snprintf(R->end.msg, sizeof R->end.msg, "%s", msg);
        R->end.usage = true;
        R->end.task = R->cur->id;
        weft__finish(WEFT_OK);
    }
    char line[400];
    snprintf(line, sizeof line, "weft: %s\n", msg);
    fflush(stdout);
    ssize_t w = write(2, line, strlen(line));
    (void)w;
    weft__exit_process(2);
}

/* weft could not allocate memory for `what`. */
void weft__out_of_memory(const char *what)
{
    char msg[300];
    snprintf(msg, sizeof msg, "out of resources: weft could not allocate memory for %s (a memory limit?)", what);
    give_up(msg);
}

/* weft could not get a resource: the message says which, and what to change. */
void weft__resource_error(const char *fmt, ...)
{
    char msg[300] = "out of resources: ";
    size_t k = strlen(msg);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + k, sizeof msg - k, fmt, ap);
    va_end(ap);
    give_up(msg);
}
