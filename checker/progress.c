/* progress.c: progress of a long check: the tick between executions, and weft_main's line on stderr. */
#define _GNU_SOURCE
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The tick's state for the check under way (told apart by its start time t0). The clock is read once every
 * `stride` executions; the stride doubles while reads come less than 0.1 s apart and halves when they come more
 * than 0.4 s apart, so fast executions cost one clock read per hundreds or thousands of them. */
static struct {
    double t0;          /* start of the check these fields belong to */
    long long next;     /* read the clock when executions reach this */
    long long stride;
    double last_read;   /* when the clock was read last */
    double last_report; /* when o->progress was called last */
} tick;

#define REPORT_EVERY 0.25 /* seconds between two calls of o->progress */

/* Between executions of the check `name` begun at t0 (CLOCK_MONOTONIC seconds): call o->progress when it is
 * time (at most every REPORT_EVERY seconds). `executions` counts pruned ones too. */
void weft__progress_tick(const weft_options *o, const char *name, long long executions, long long pruned, int bound,
                         double t0)
{
    if (tick.t0 != t0) {
        tick.t0 = t0;
        tick.next = 0;
        tick.stride = 1;
        tick.last_read = tick.last_report = t0;
    }
    if (executions < tick.next)
        return;
    double now = now_seconds();
    double dt = now - tick.last_read;
    tick.last_read = now;
    if (dt < 0.1 && tick.stride < (1 << 20))
        tick.stride *= 2;
    else if (dt > 0.4 && tick.stride > 1)
        tick.stride /= 2;
    tick.next = executions + tick.stride;
    if (now - tick.last_report < REPORT_EVERY)
        return;
    tick.last_report = now;
    weft_progress p = {name, executions, pruned, bound, now - t0};
    o->progress(&p, o->progress_ctx);
}

/* weft_main's printer: its state for the process. */
static struct {
    bool tty;           /* stderr is a terminal: one line rewritten in place */
    bool shown;         /* a line is on the terminal now */
    double last;        /* seconds (of the check) when a line was printed last (not a terminal) */
    const char *test;   /* the check those seconds belong to */
} view;

static void print_progress(const weft_progress *p, void *ctx)
{
    (void)ctx;
    if (p->seconds < 0.5)
        return; /* a short check shows nothing */
    if (view.test != p->test) {
        view.test = p->test;
        view.last = 0;
    }
    if (!view.tty && p->seconds - view.last < 1.0)
        return; /* a log: one line a second */
    view.last = p->seconds;
    char bound[48] = "";
    if (p->bound >= 0)
        snprintf(bound, sizeof bound, ", preemption bound %d", p->bound);
    fprintf(stderr, "%sweft: %s: %lld executions, %lld pruned (%.0f/s)%s, %.1f s%s", view.tty ? "\r\033[K" : "",
            p->test, p->executions - p->pruned, p->pruned, p->executions / p->seconds, bound, p->seconds,
            view.tty ? "" : "\n");
    fflush(stderr);
    view.shown = view.tty;
}

/* Set o->progress to weft_main's printer when stderr is a terminal (unless o->quiet) or under o->verbose. */
void weft__progress_setup(weft_options *o)
{
    view.tty = isatty(2);
    if (o->verbose || (view.tty && !o->quiet)) {
        o->progress = print_progress;
        o->progress_ctx = NULL;
    }
}

/* After a check: take the progress line off the terminal, if one is shown. */
void weft__progress_clear(void)
{
    if (view.shown)
        fputs("\r\033[K", stderr);
    view.shown = false;
}
