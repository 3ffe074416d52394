/* deadline.c: --time-limit inside an execution: a task that runs without a visible operation is stopped. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <time.h>

#include "rt.h"

#define DEADLINE_SIG (SIGRTMAX - 1) /* crash.c routes it to weft__deadline_tick (must match) */

static timer_t timer;        /* one per process, made by the first check with a time limit */
static bool have_timer;
static bool armed;
static long long grace_ms;   /* the tick period after the limit: a task without a step for this long is hung */
static long long hung_ms;    /* the last execution ended as hung after this grace period, else 0 */
static bool ticked;          /* a tick has come in the execution below */
static uint32_t tick_gen;    /* the execution and step count at the last tick */
static long long tick_steps;

/* Arm the time limit of the check starting now: a first tick after `seconds` (0: none), then one every grace
 * period (the limit, within 0.1 to 1 s). Between executions the checker stops at the limit by itself; a tick
 * that finds the same execution at the same step as the last one ends it as hung. Two syscalls per check. */
void weft__deadline_arm(double seconds)
{
    hung_ms = 0;
    ticked = false;
    if (!(seconds > 0))
        return;
    if (!have_timer) {
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_THREAD_ID;
        ev.sigev_signo = DEADLINE_SIG;
        ev._sigev_un._tid = gettid(); /* the checker's thread, not any thread of the process */
        if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0)
            return; /* no timer: the limit is checked between executions only */
        have_timer = true;
    }
    double g = seconds < 0.1 ? 0.1 : seconds > 1 ? 1 : seconds;
    grace_ms = (long long)(g * 1000 + 0.5);
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = (time_t)seconds;
    its.it_value.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9);
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1;
    its.it_interval.tv_sec = (time_t)(grace_ms / 1000);
    its.it_interval.tv_nsec = (long)(grace_ms % 1000) * 1000000L;
    armed = timer_settime(timer, 0, &its, NULL) == 0;
}

/* Stop the ticks (the check is over). */
void weft__deadline_disarm(void)
{
    if (!armed)
        return;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    timer_settime(timer, 0, &its, NULL);
    armed = false;
}

/* A tick (in the signal handler, on the checker's thread). Inside an execution whose running task has taken no
 * step since the last tick: end it as CRASH (hung), naming its last visible operation. Else remember where it
 * is and return. */
void weft__deadline_tick(void)
{
    weft__rt *R = &weft__R;
    if (!armed || !R->active || !R->cur || R->crashing)
        return;
    if (!ticked || tick_gen != R->gen || tick_steps != R->nsteps) {
        ticked = true;
        tick_gen = R->gen;
        tick_steps = R->nsteps;
        return;
    }
    R->crashing = true;
    hung_ms = grace_ms;
    weft__task *t = R->cur;
    snprintf(R->end.msg, sizeof R->end.msg,
             "hung: past the time limit, it ran %lld ms more without a visible operation (a loop without weft "
             "calls, or a blocking call such as read() or sleep())",
             grace_ms);
    R->end.task = t->id;
    R->end.file = t->op ? t->file : t->spawn_file;
    R->end.line = t->op ? t->line : t->spawn_line;
    weft__finish(WEFT_CRASH);
}

/* The grace period after which the last execution was stopped as hung (ms), or 0 when it was not. */
long long weft__deadline_hang_ms(void)
{
    return hung_ms;
}
