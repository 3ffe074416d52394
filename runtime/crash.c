/* crash.c: a fatal signal inside a task (segfault, stack overflow, abort, a raised SIGTERM, ...) ends the
 * execution as CRASH; the same signals sent from outside interrupt the check with what it did so far. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "backtrace.h"

/* Faults (always caught), then signals that end a process by default, caught only while the process leaves
 * them at SIG_DFL (a program that ignores SIGPIPE or handles SIGUSR1 keeps its own), then the time limit's. */
#define NFAULT 5
#define NSIG_CAUGHT 13
#define DEADLINE_SIG (SIGRTMAX - 1) /* deadline.c's timer signal (must match) */
static const int caught[NSIG_CAUGHT] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGINT, SIGTERM,
                                        SIGALRM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2};
static const char *const sig_names[NSIG_CAUGHT] = {"SIGSEGV", "SIGBUS", "SIGFPE",  "SIGILL",  "SIGABRT",
                                                   "SIGINT",  "SIGTERM", "SIGALRM", "SIGHUP",  "SIGPIPE",
                                                   "SIGQUIT", "SIGUSR1", "SIGUSR2"};
static const char *check_name; /* the check under way, for an interruption message */

#define ALT_SIZE (64 * 1024)

/* What the process had for each signal before weft, and the alternate stack (allocated once, kept). */
struct weft__crash {
    struct sigaction old_sa[NSIG_CAUGHT];
    _Alignas(16) char stack[ALT_SIZE];
};

/* The words for signal `sig` with code `code` at fault address `addr` in the running task. They must not
 * depend on the address itself (reports are deterministic), only on what kind of address it is. */
static void describe(int sig, int code, const void *addr, const void *sp, char *buf, size_t n)
{
    const weft__rt *R = &weft__R;
    const weft__stack *s = R->cur ? R->cur->stack : NULL;
    /* near the stack: in its guard, or the stack pointer itself below the stack (a frame larger than the guard) */
    bool overflow = s && (((const char *)addr >= (const char *)s->base && (const char *)addr < (const char *)s->lo) ||
                          ((const char *)sp < (const char *)s->lo &&
                           (uintptr_t)s->lo - (uintptr_t)sp < (uintptr_t)16 << 20));
    switch (sig) {
    case SIGSEGV:
        if (overflow)
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
        if (overflow) {
            snprintf(buf, n, "SIGBUS: stack overflow (the task ran past its %zu KiB stack; raise --stack-size)",
                     s->size / 1024);
            break;
        }
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

/* The stack pointer at the signal (NULL when unknown). */
static const void *signal_sp(void *uctx)
{
    const ucontext_t *uc = uctx;
#if defined(__x86_64__)
    return (const void *)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    return (const void *)uc->uc_mcontext.sp;
#else
    (void)uc;
    return NULL;
#endif
}

static int sig_index(int sig)
{
    for (int i = 0; i < NSIG_CAUGHT; i++)
        if (caught[i] == sig)
            return i;
    return -1;
}

/* Whether signal `info` was raised by this process itself (raise, kill, a write to a closed pipe, its own
 * alarm), not sent from outside (a terminal's Ctrl-C, another process's kill). */
static bool self_raised(int sig, const siginfo_t *info)
{
    if (info->si_code == SI_TKILL || info->si_code == SI_USER || info->si_code == SI_QUEUE)
        return info->si_pid == getpid();
    return sig == SIGALRM && info->si_code == SI_KERNEL; /* alarm() or an interval timer of the process */
}

/* The words for signal `sig` raised in a task (the process would have ended without a report). */
static void describe_raised(int sig, char *buf, size_t n)
{
    const char *name = sig_names[sig_index(sig)];
    if (sig == SIGPIPE)
        snprintf(buf, n, "SIGPIPE: a write to a pipe or socket nobody reads (it ends the process; ignore SIGPIPE to "
                         "get EPIPE instead)");
    else if (sig == SIGALRM)
        snprintf(buf, n, "SIGALRM: an alarm() or timer of the program went off (it ends the process)");
    else
        snprintf(buf, n, "%s: raised in the task (raise, kill or pthread_kill: it ends the process)", name);
}

/* What the process had for signal `sig` before weft took it, called as the kernel would have. */
static void chain(int sig, siginfo_t *info, void *uctx)
{
    const struct sigaction *old = NULL;
    int k = sig_index(sig);
    if (k >= 0)
        old = &weft__R.crash->old_sa[k];
    if (k >= NFAULT) { /* not a fault: the old disposition was SIG_DFL (else we did not take it): end the process */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
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
    if (weft__on_checker_thread && weft__backtrace_fault(sig))
        return; /* not reached: a report reading a corrupted stack stops there */
    if (sig == DEADLINE_SIG) {
        if (weft__on_checker_thread)
            weft__deadline_tick(); /* returns, unless the running task is hung: then the execution ends */
        return;
    }
    int k = sig_index(sig);
    if (k >= NFAULT) {
        bool mine = R->active && R->cur && !R->crashing && weft__on_checker_thread && self_raised(sig, info);
        if (!mine) {
            if (R->opt && !self_raised(sig, info))
                weft__interrupted(sig, check_name); /* Ctrl-C or kill during a check: say how far it got */
            chain(sig, info, uctx);
            return;
        }
        R->crashing = true;
        weft__task *t = R->cur;
        describe_raised(sig, R->end.msg, sizeof R->end.msg);
        weft__backtrace_signal(t->id, uctx);
        R->end.task = t->id;
        R->end.file = t->op ? t->file : t->spawn_file;
        R->end.line = t->op ? t->line : t->spawn_line;
        weft__finish(WEFT_CRASH);
    }
    if (!R->active || !R->cur || R->crashing || !weft__on_checker_thread) {
        if (R->active && !R->crashing)
            say("weft: fatal signal in the checker itself, outside any task: a bug in weft, or memory the "
                "program corrupted\n");
        R->crashing = false;
        chain(sig, info, uctx);
        return;
    }
    R->crashing = true;
    weft__task *t = R->cur;
    describe(sig, info->si_code, info->si_addr, signal_sp(uctx), R->end.msg, sizeof R->end.msg);
    weft__backtrace_signal(t->id, uctx);
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
    if (R->active && R->cur && !R->crashing && weft__on_checker_thread) {
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

/* Catch fatal and raised signals in tasks: handlers on an alternate stack (a stack overflow leaves no room on the
 * task's own). Installed by the first check and kept (outside tasks they pass signals on to what the process
 * had); later checks look whether someone replaced them, and whether the signals that end a process by default
 * still do: a few syscalls per check, none per execution. Also claims the calling thread (owner.c) and arms the
 * time limit (deadline.c). */
void weft__crash_arm(const char *name)
{
    weft__rt *R = &weft__R;
    check_name = name;
    weft__owner_claim();
    if (!R->crash && !(R->crash = calloc(1, sizeof *R->crash)))
        weft__out_of_memory("the signal stack");
    struct weft__crash *c = R->crash;
    stack_t cur_ss;
    if (sigaltstack(NULL, &cur_ss) != 0 || cur_ss.ss_sp != c->stack || (cur_ss.ss_flags & SS_DISABLE)) {
        stack_t ss = {.ss_sp = c->stack, .ss_size = ALT_SIZE, .ss_flags = 0};
        sigaltstack(&ss, NULL);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER; /* NODEFER: we leave the handler without returning */
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSIG_CAUGHT; i++) {
        struct sigaction cur;
        if (sigaction(caught[i], NULL, &cur) != 0)
            continue;
        if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal) {
            continue;
        }
        if (i >= NFAULT && cur.sa_handler != SIG_DFL)
            continue; /* the program handles or ignores it: its choice */
        if (sigaction(caught[i], &sa, NULL) == 0)
            c->old_sa[i] = cur;
    }
    struct sigaction cur;
    if (sigaction(DEADLINE_SIG, NULL, &cur) == 0 && !((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal)) {
        sa.sa_flags |= SA_RESTART; /* a tick outside a hung task returns: let the interrupted syscall go on */
        sigaction(DEADLINE_SIG, &sa, NULL);
    }
    weft__deadline_arm(R->opt ? R->opt->time_limit : 0);
}

/* The check is over: stop the time limit's timer (the handlers stay, passing signals on outside checks). */
void weft__crash_disarm(void)
{
    weft__deadline_disarm();
    check_name = NULL;
}
