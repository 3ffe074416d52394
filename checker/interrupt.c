/* interrupt.c: Ctrl-C or a kill during a check: say how far the search got before the signal ends the process. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "strategy.h"

static const char *signame(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGUSR1, "SIGUSR1"},
                 {SIGUSR2, "SIGUSR2"}, {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].sig == sig)
            return names[i].name;
    return "a signal";
}

/* Append the text of fmt to buf[*k..n) (truncating). */
#define ADD(...)                                                                \
    do {                                                                        \
        if (*k < n) {                                                           \
            int w_ = snprintf(buf + *k, n - *k, __VA_ARGS__);                   \
            *k = w_ < 0 ? n : *k + (size_t)w_ > n ? n : *k + (size_t)w_;         \
        }                                                                       \
    } while (0)

/* The choices of the execution under way: "task 1, task 0, case 2, value 1, ..." (the prefix of the search). */
static void prefix(const weft__explorer *x, char *buf, size_t n, size_t *k)
{
    if (x->nrec == 0) {
        ADD("none yet");
        return;
    }
    for (int i = 0; i < x->nrec; i++) {
        if (i == 32) {
            ADD(", ... (%d in all)", x->nrec);
            return;
        }
        const weft__choice *c = &x->rec[i];
        const char *sep = i ? ", " : "";
        if (c->kind == WEFT__BR_TASK && c->value == 0)
            ADD("%sclock", sep);
        else if (c->kind == WEFT__BR_TASK)
            ADD("%stask %d", sep, c->value - 1);
        else if (c->kind == WEFT__BR_CASE)
            ADD("%scase %d", sep, c->value);
        else
            ADD("%svalue %d", sep, c->value);
    }
}

/* In the signal handler: the check of test `name` is interrupted by signal sig, sent from outside. Print (to
 * stderr, without stdio: the signal may have come inside it) the statistics so far and the choices of the
 * execution under way; the caller then lets the signal end the process as it would have. */
void weft__interrupted(int sig, const char *name)
{
    const weft__rt *R = &weft__R;
    const weft__explorer *x = R->x;
    char buf[2048];
    size_t n = sizeof buf - 2, z = 0, *k = &z;
    ADD("weft: interrupted by %s during test %s: ", signame(sig), name ? name : "?");
    if (!x) {
        ADD("the check had not started\n");
    } else {
        ADD("%lld execution%s run, %lld pruned", x->executions, x->executions == 1 ? "" : "s", x->pruned);
        if (x->bound >= 0)
            ADD(", preemption bound %d", x->bound);
        ADD(", longest execution %lld step%s; not complete\n", x->longest, x->longest == 1 ? "" : "s");
        if (R->active)
            ADD("  the execution under way was at step %lld; its choices so far: ", R->nsteps);
        else
            ADD("  between executions; the last one's choices: ");
        prefix(x, buf, n, k);
        ADD("\n");
    }
    ssize_t w = write(2, buf, z);
    (void)w;
}
