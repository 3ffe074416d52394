/* scale.c: the runtime's cost per step against the number of tasks, blocked or not (one execution, JSON lines). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "weft.h"

/*
 * Usage: scale [--strategy dfs|dpor] [--reps R] MODEL N [K]
 *   own_chan N      N tasks each send on their own unbuffered channel; the body receives from them in order
 *   one_chan N      N tasks all send on one unbuffered channel; the body receives N times (each receive has
 *                   every sender still waiting as a partner)
 *   wg_done N       N tasks each call Done on one WaitGroup the body waits on (all N enabled at once)
 *   leak N          N tasks each blocked forever on their own channel when the body returns (LEAK: the time is
 *                   mostly the report, which explains every blocked task)
 *   blocked N K     N tasks each blocked forever on their own channel while two tasks ping-pong K round trips
 *                   (ends LEAK: the blocked tasks never exit)
 * One execution (max_executions 1) R times; prints the median time, the steps and the time per step. For
 * `blocked`, also the time per step of the ping-pong alone (2K steps, timed inside the body): it leaves out
 * spawning the tasks and the LEAK report on every blocked task.
 */

static int n_tasks, k_rounds;
static double pp_ns; /* blocked: wall time of the ping-pong itself, measured inside the body */

static void sender(weft_chan *c)
{
    int v = 1;
    weft_chan_send(c, &v);
}

static void own_chan(void *arg)
{
    (void)arg;
    weft_chan **cs = weft_alloc(sizeof *cs * (size_t)n_tasks);
    for (int i = 0; i < n_tasks; i++) {
        cs[i] = weft_chan_make(sizeof(int), 0);
        WEFT_GO(sender, cs[i]);
    }
    for (int i = 0; i < n_tasks; i++) {
        int v;
        weft_chan_recv(cs[i], &v);
    }
}

static void one_chan(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    for (int i = 0; i < n_tasks; i++)
        WEFT_GO(sender, c);
    for (int i = 0; i < n_tasks; i++) {
        int v;
        weft_chan_recv(c, &v);
    }
}

static weft_wg *wg;

static void doner(void)
{
    weft_wg_done(wg);
}

static void wg_done(void *arg)
{
    (void)arg;
    wg = weft_wg_make();
    weft_wg_add(wg, n_tasks);
    for (int i = 0; i < n_tasks; i++)
        WEFT_GO(doner);
    weft_wg_wait(wg);
}

static void stuck(weft_chan *c)
{
    weft_chan_recv(c, NULL);
}

static void leak(void *arg)
{
    (void)arg;
    for (int i = 0; i < n_tasks; i++)
        WEFT_GO(stuck, weft_chan_make(0, 0));
}

static void pong(weft_chan *ping, weft_chan *back)
{
    int v;
    while (weft_chan_recv(ping, &v))
        weft_chan_send(back, &v);
}

static void blocked(void *arg)
{
    (void)arg;
    for (int i = 0; i < n_tasks; i++)
        WEFT_GO(stuck, weft_chan_make(0, 0));
    weft_chan *ping = weft_chan_make(sizeof(int), 0), *back = weft_chan_make(sizeof(int), 0);
    WEFT_GO(pong, ping, back);
    double t0 = bench_now_ns();
    for (int i = 0; i < k_rounds; i++) {
        int v = i;
        weft_chan_send(ping, &v);
        weft_chan_recv(back, &v);
    }
    pp_ns = bench_now_ns() - t0;
    weft_chan_close(ping);
}

/* The median of `reps` single-execution checks of body, in ns; the steps and verdict of the last; the median
 * ping-pong time (blocked) in *pp. */
static double run(const char *model, void (*body)(void *), const weft_options *o, int reps, long long *steps,
                  const char **verdict, double *pp)
{
    double t[99], p[99];
    for (int r = 0; r < reps; r++) {
        pp_ns = 0;
        double t0 = bench_now_ns();
        weft_result res = weft_check(model, body, NULL, o);
        t[r] = bench_now_ns() - t0;
        *steps = res.longest;
        *verdict = weft_verdict_name(res.verdict);
        weft_result_free(&res);
        p[r] = pp_ns;
    }
    *pp = bench_median(p, reps);
    return bench_median(t, reps);
}

int main(int argc, char **argv)
{
    const char *strategy = "dfs";
    int reps = 3, a = 1;
    for (; a < argc && !strncmp(argv[a], "--", 2); a += 2) {
        if (a + 1 >= argc)
            break;
        if (!strcmp(argv[a], "--strategy"))
            strategy = argv[a + 1];
        else if (!strcmp(argv[a], "--reps"))
            reps = atoi(argv[a + 1]);
    }
    if (argc - a < 2) {
        fprintf(stderr, "usage: scale [--strategy dfs|dpor] [--reps R] own_chan|one_chan|wg_done|leak|blocked N [K]\n");
        return 2;
    }
    const char *model = argv[a];
    n_tasks = atoi(argv[a + 1]);
    k_rounds = argc - a > 2 ? atoi(argv[a + 2]) : 10000;
    static const struct {
        const char *name;
        void (*body)(void *);
    } models[] = {{"own_chan", own_chan}, {"one_chan", one_chan}, {"wg_done", wg_done}, {"leak", leak},
                  {"blocked", blocked}};
    void (*body)(void *) = NULL;
    for (size_t i = 0; i < sizeof models / sizeof *models; i++)
        if (!strcmp(model, models[i].name))
            body = models[i].body;
    if (!body || reps < 1 || reps > 99) {
        fprintf(stderr, "scale: unknown model '%s' or bad --reps\n", model);
        return 2;
    }
    weft_options o;
    weft_options_init(&o);
    o.strategy = !strcmp(strategy, "dpor") ? WEFT_STRATEGY_DPOR : WEFT_STRATEGY_DFS;
    o.max_executions = 1;
    o.max_steps = 10000000;
    long long steps = 0;
    const char *verdict = "";
    double pp = 0;
    double med = run(model, body, &o, reps, &steps, &verdict, &pp);
    printf("{\"model\":\"%s\",\"strategy\":\"%s\",\"n\":%d,\"k\":%d,\"verdict\":\"%s\",\"steps\":%lld,"
           "\"seconds\":%.4f,\"ns_per_step\":%.1f,\"pingpong_ns_per_step\":%.1f}\n",
           model, strategy, n_tasks, body == blocked ? k_rounds : 0, verdict, steps, med * 1e-9,
           steps ? med / (double)steps : 0.0, body == blocked ? pp / (2.0 * k_rounds) : 0.0);
    return 0;
}
