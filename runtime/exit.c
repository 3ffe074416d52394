/* exit.c: exit(), _exit() and _Exit() called inside a task end the execution as CRASH instead of the process. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt.h"

/* The process really ends: libc's exit (handlers, stdio flushed), found past this definition. */
static WEFT__NORETURN void real_exit(int status)
{
    static void (*libc_exit)(int);
    if (!libc_exit)
        libc_exit = (void (*)(int))dlsym(RTLD_NEXT, "exit");
    if (libc_exit)
        libc_exit(status);
    fflush(NULL);
    weft__exit_process(status);
}

/* The process ends at once, as _exit does (no handlers, no flush). */
void weft__exit_process(int status)
{
    for (;;)
        syscall(SYS_exit_group, status);
}

/* Inside a task: end the execution as CRASH, naming the call and the task's last visible operation (the
 * report says where), and go back to the checker; the other tests still run. Elsewhere: return. */
static void in_task(const char *call, int status)
{
    weft__rt *R = &weft__R;
    if (!R->active || !R->cur || !weft__on_checker_thread || R->crashing)
        return;
    R->crashing = true;
    weft__task *t = R->cur;
    snprintf(R->end.msg, sizeof R->end.msg, "%s(%d) was called: a task may not end the process (return from it, or "
             "report the failure with weft_assert or weft_panic)", call, status);
    R->end.task = t->id;
    R->end.file = t->op ? t->file : t->spawn_file;
    R->end.line = t->op ? t->line : t->spawn_line;
    weft__finish(WEFT_CRASH);
}

/* libc's exit, unless called inside a task. */
void exit(int status)
{
    in_task("exit", status);
    real_exit(status);
}

/* libc's _exit, unless called inside a task. */
void _exit(int status)
{
    in_task("_exit", status);
    weft__exit_process(status);
}

/* libc's _Exit, unless called inside a task. */
void _Exit(int status)
{
    in_task("_Exit", status);
    weft__exit_process(status);
}
