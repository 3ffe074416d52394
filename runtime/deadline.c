/* deadline.c: --time-limit inside an execution: a task that runs without a visible operation is stopped. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

#define DEADLINE_SIG (SIGRTMAX - 1) /* crash.c routes it to weft__deadline_tick (must match) */

/* The timer runs a watcher in a thread of its own (SIGEV_THREAD): a tick never interrupts the check's thread
 * (a real sleep() or read() of the program goes on undisturbed) unless the watcher finds the execution hung;
 * then it sends DEADLINE_SIG to the check's thread, whose handler ends the execution. */
static timer_t timer;        /* one per process, made by the first check with a time limit */
static bool have_timer;
static bool armed;
static pid_t checker_tid;    /* the thread running the check */
static long long grace_ms;   /* the tick period after the limit: a task without a step for this long is hung */
static long long hung_ms;    /* the last execution ended as hung after this grace period, else 0 */
static bool ticked;          /* the watcher has seen the execution below */
static uint32_t tick_gen;    /* the execution and step count the watcher saw last */
static long long tick_steps;
static uint32_t hung_gen;    /* what it found hung (the handler checks it still is) */
static long long hung_steps;

/* A tick, in the timer's thread: the same execution at the same step as at the last tick is hung. */
static void watch(union sigval sv)
{
    (void)sv;
    weft__rt *R = &weft__R;
    if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
        return;
    bool active = __atomic_load_n(&R->active, __ATOMIC_RELAXED);
    uint32_t gen = __atomic_load_n(&R->gen, __ATOMIC_RELAXED);
    long long steps = __atomic_load_n(&R->nsteps, __ATOMIC_RELAXED);
    if (active && ticked && gen == tick_gen && steps == tick_steps) {
        hung_gen = gen;
        hung_steps = steps;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        syscall(SYS_tgkill, getpid(), checker_tid, DEADLINE_SIG);
        return;
    }
    ticked = active;
    tick_gen = gen;
    tick_steps = steps;
}

/* Arm the time limit of the check starting now: the first tick after `seconds` (0: none), then one every grace
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
        ev.sigev_notify = SIGEV_THREAD;
        ev.sigev_notify_function = watch;
        if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0)
            return; /* no timer: the limit is checked between executions only */
        have_timer = true;
    }
    checker_tid = gettid();
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
    __atomic_store_n(&armed, true, __ATOMIC_RELEASE);
    if (timer_settime(timer, 0, &its, NULL) != 0)
        __atomic_store_n(&armed, false, __ATOMIC_RELEASE);
}

/* Stop the ticks (the check is over). */
void weft__deadline_disarm(void)
{
    if (!armed)
        return;
    __atomic_store_n(&armed, false, __ATOMIC_RELEASE);
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    timer_settime(timer, 0, &its, NULL);
}

/* DEADLINE_SIG on the check's thread (its signal handler): the watcher found the running execution hung. If it
 * still is, end it as CRASH (hung), naming the running task's last visible operation; else return. */
void weft__deadline_tick(void)
{
    weft__rt *R = &weft__R;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (!armed || !R->active || !R->cur || R->crashing || R->gen != hung_gen || R->nsteps != hung_steps)
        return;
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
