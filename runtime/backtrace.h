/* backtrace.h: the call stacks of tasks for reports: unwound with libunwind, named (function, file:line) with libdw. */
#ifndef WEFT_BACKTRACE_H
#define WEFT_BACKTRACE_H

#include "rt.h"

/* The most frames a report shows of one task's stack (innermost first). */
#define WEFT__STACK_DEPTH 16

/* One frame of the program's own code: weft's frames, and those of system libraries, are never shown.
 * The strings stay valid until the next weft__backtrace call. */
typedef struct weft__frame {
    const char *func;   /* the function (an inlined one is a frame of its own) */
    const char *file;   /* the source file, named as the compiler was given it */
    int line;
} weft__frame;

/* A task's stack as a report shows it. */
typedef struct weft__stack_trace {
    int n;                              /* frames in frame[] */
    bool more;                          /* frames beyond WEFT__STACK_DEPTH were left out */
    bool fault_exact;                   /* a crash by a signal: frame[0] is the faulting instruction's line (false:
                                         * the fault was inside code without line information that frame[0] called) */
    weft__frame frame[WEFT__STACK_DEPTH];
} weft__stack_trace;

/* The stack of task t of the execution that just ended (t parked at a visible operation, failed, or crashed),
 * into *out; false (and out->n == 0) when it has none to show: not started, exited, an architecture or build
 * without unwinding. Reads the task's stack as it was left; call it only between the end of an execution and the
 * start of the next, once per report: it makes syscalls and allocates (the first call reads the program's debug
 * information, kept for the next reports). Deterministic: names and lines only, never an address. */
bool weft__backtrace(const weft__task *t, weft__stack_trace *out) WEFT__HIDDEN;

/* The first function on every task's stack (task.c): a walk up a task's stack stops there. */
extern void (*const weft__task_entry)(void) WEFT__HIDDEN;

/* In the signal handler (async-signal-safe): task `task` of the running execution crashed with this signal context
 * (a ucontext_t); its stack is unwound from there. */
void weft__backtrace_signal(int task, const void *uctx) WEFT__HIDDEN;

/* In the signal handler: a SIGSEGV or SIGBUS raised while weft__backtrace reads a stack (a corrupted one) ends that
 * stack there; true when it does (and then the call does not return). */
bool weft__backtrace_fault(int sig) WEFT__HIDDEN;

#endif
