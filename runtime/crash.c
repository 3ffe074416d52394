/* crash.c: a fatal signal inside a task (segfault, stack overflow, abort, ...) ends the execution as CRASH. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

#define NSIG_CAUGHT 5
static const int caught[NSIG_CAUGHT] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

#define ALT_SIZE (64 * 1024)

/* What the process had for each signal before weft, and the alternate stack (allocated once, kept). */
struct weft__crash {
    struct sigaction old_sa[NSIG_CAUGHT];
    char stack[ALT_SIZE];
};

/* The words for signal `sig` with code `code` at fault address `addr` in the running task. They must not
 * depend on the address itself (reports are deterministic), only on what kind of address it is. */
static void describe(int sig, int code, const void *addr, char *buf, size_t n)
{
    const weft__rt *R = &weft__R;
    const weft__stack *s = R->cur ? R->cur->stack : NULL;
    switch (sig) {
    case SIGSEGV:
        if (s && (const char *)addr >= (const char *)s->base && (const char *)addr < (const char *)s->lo)
            snprintf(buf, n, "SIGSEGV: stack overflow (the task ran past its %zu KiB stack; raise --stack-size)",
                     s->size / 1024);
        else if ((uintptr_t)addr < 4096)
            snprintf(buf, n, "SIGSEGV: null pointer dereference");
        else if (code == SEGV_ACCERR)
            snprintf(buf, n, "SIGSEGV: invalid memory access (the page does not allow it)");
        else
            snprintf(buf, n, "SIGSEGV: invalid memory access (no memory at that address)");
        break;
    case SIGBUS:
        snprintf(buf, n, "SIGBUS: bus error (misaligned access or a mapping past the end of its file)");
        break;
    case SIGFPE:
        snprintf(buf, n, "SIGFPE: %s",
                 code == FPE_INTDIV   ? "integer division by zero"
                 : code == FPE_INTOVF ? "integer overflow"
                                      : "arithmetic exception");
        break;
    case SIGILL:
        snprintf(buf, n, "SIGILL: illegal instruction");
        break;
    default:
        snprintf(buf, n, "SIGABRT: abort() was called (a failed assert() or a check inside the C library)");
    }
}

static void say(const char *s)
{
    ssize_t r = write(2, s, strlen(s));
    (void)r;
}

/* What the process had for signal `sig` before weft took it, called as the kernel would have. */
static void chain(int sig, siginfo_t *info, void *uctx)
{
    const struct sigaction *old = NULL;
    for (int i = 0; i < NSIG_CAUGHT; i++)
        if (caught[i] == sig)
            old = &weft__R.crash->old_sa[i];
    if (old && (old->sa_flags & SA_SIGINFO)) {
        old->sa_sigaction(sig, info, uctx);
        return;
    }
    if (old && old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    if (old && old->sa_handler == SIG_IGN && info->si_code <= 0)
        return; /* sent, and ignored (a fault cannot be ignored) */
    signal(sig, SIG_DFL); /* a fault re-runs the instruction and dies; a sent signal is sent again */
    if (info->si_code <= 0)
        raise(sig);
}

/* The handler, on the alternate stack, installed from the first check on. In a task: end the execution as
 * CRASH and switch to the checker (never returns). Anywhere else: what the process had before weft. */
static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    weft__rt *R = &weft__R;
    /* handlers left without returning leave their frames' redzones poisoned (AddressSanitizer) */
    weft__stack alt = {.lo = R->crash->stack, .size = ALT_SIZE};
    weft__fiber_fresh(&alt);
    if (!R->active || !R->cur || R->crashing) {
        if (R->active && !R->crashing)
            say("weft: fatal signal in the checker itself, outside any task: a bug in weft, or memory the "
                "program corrupted\n");
        R->crashing = false;
        chain(sig, info, uctx);
        return;
    }
    R->crashing = true;
    weft__task *t = R->cur;
    describe(sig, info->si_code, info->si_addr, R->end.msg, sizeof R->end.msg);
    R->end.task = t->id;
    if (t->op) {
        R->end.file = t->file;
        R->end.line = t->line;
    } else {
        R->end.file = t->spawn_file;
        R->end.line = t->spawn_line;
    }
    weft__finish(WEFT_CRASH);
}

#ifdef __GLIBC__
/* glibc's hook behind a failing assert(), taken over so that the report names the assertion and its line.
 * Outside a task it does what glibc does: the message, then abort(). */
void __assert_fail(const char *expr, const char *file, unsigned int line, const char *func)
{
    weft__rt *R = &weft__R;
    if (R->active && R->cur && !R->crashing) {
        R->crashing = true;
        snprintf(R->end.msg, sizeof R->end.msg, "SIGABRT: assert(%s) failed in %s()", expr, func);
        R->end.task = R->cur->id;
        R->end.crash_site = true;
        R->end.file = file;
        R->end.line = (int)line;
        weft__finish(WEFT_CRASH);
    }
    fprintf(stderr, "%s: %s:%u: %s: Assertion `%s' failed.\n", program_invocation_short_name, file, line, func,
            expr);
    abort();
}
#endif

/* Catch fatal signals in tasks: handlers on an alternate stack (a stack overflow leaves no room on the task's
 * own). Installed by the first check and kept (outside tasks they pass signals on to what the process had);
 * later checks only look whether someone replaced them: two syscalls per check, none per execution. */
void weft__crash_arm(void)
{
    weft__rt *R = &weft__R;
    if (!R->crash && !(R->crash = calloc(1, sizeof *R->crash))) {
        say("weft: out of memory (signal stack)\n");
        abort();
    }
    struct weft__crash *c = R->crash;
    stack_t cur_ss;
    if (sigaltstack(NULL, &cur_ss) != 0 || cur_ss.ss_sp != c->stack || (cur_ss.ss_flags & SS_DISABLE)) {
        stack_t ss = {.ss_sp = c->stack, .ss_size = ALT_SIZE, .ss_flags = 0};
        sigaltstack(&ss, NULL);
    }
    struct sigaction cur;
    if (sigaction(SIGSEGV, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER; /* NODEFER: we leave the handler without returning */
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSIG_CAUGHT; i++) {
        struct sigaction prev;
        sigaction(caught[i], &sa, &prev);
        if (!((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction == on_signal))
            c->old_sa[i] = prev;
    }
}
