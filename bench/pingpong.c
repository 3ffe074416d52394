/* pingpong.c: raw context-switch cost vs weft's cost per visible operation and executions per second (JSON lines). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ctx.h"
#include "rt.h"
#include "weft.h"

/*
 * Usage: pingpong [WORKLOAD] [REPS]
 *   WORKLOAD  all (default), switch, chan, mutex, execs, execs_random
 *   REPS      repetitions per measurement (default 9; the median is printed)
 * Every workload is wrapped in one noinline function (bench_*) so that
 * `valgrind --tool=callgrind --toggle-collect=bench_chan_check ./pingpong chan 1`
 * counts exactly its instructions.
 */

#define NOINLINE __attribute__((noinline))

/* Round trips per execution in the ping-pong workloads (4 visible operations each on a channel). */
#define ROUND_TRIPS 10000
/* Context switches per raw-switch repetition. */
#define RAW_SWITCHES 20000000L
/* Executions per repetition of the small model. */
#define SMALL_EXECS 600000L

/* ---- (a) raw context switch ------------------------------------------- */

static weft__ctx raw_main, raw_co;
static long raw_left;
static _Alignas(64) unsigned char raw_stack[64 * 1024];

/* The coroutine: switch straight back, forever. */
static void raw_entry(void)
{
    for (;;)
        weft__ctx_switch(&raw_co, &raw_main);
}

/* Switch main -> coroutine -> main `pairs` times (2 * pairs switches). */
static NOINLINE void bench_raw_switch(long pairs)
{
    raw_left = pairs;
    while (raw_left-- > 0)
        weft__ctx_switch(&raw_main, &raw_co);
}

static double measure_raw_switch(int reps)
{
    weft__ctx_make(&raw_co, raw_stack, sizeof raw_stack, raw_entry);
    bench_raw_switch(1000); /* warm up */
    double v[64];
    for (int r = 0; r < reps; r++) {
        double t0 = bench_now_ns();
        bench_raw_switch(RAW_SWITCHES / 2);
        v[r] = (bench_now_ns() - t0) / (double)RAW_SWITCHES;
    }
    return bench_median(v, reps);
}

/* ---- (b) weft's cost per visible operation ----------------------------- */

/* Counts of visible-operation calls made by the model in the last execution. */
static long ops_done;

typedef struct pp {
    weft_chan *ping, *pong;
    weft_mutex *mu;
    int n;
} pp;

static void chan_worker(void *arg)
{
    pp *p = arg;
    int v;
    for (int i = 0; i < p->n; i++) {
        weft_chan_recv(p->ping, &v);
        v++;
        weft_chan_send(p->pong, &v);
    }
}

/* Task 0 sends on ping and waits on pong; the worker answers: every operation forces a switch. */
static void chan_body(void *arg)
{
    (void)arg;
    pp *p = weft_alloc(sizeof *p);
    p->ping = weft_chan_make(sizeof(int), 0);
    p->pong = weft_chan_make(sizeof(int), 0);
    p->n = ROUND_TRIPS;
    weft_go(chan_worker, p);
    int v = 0;
    for (int i = 0; i < p->n; i++) {
        weft_chan_send(p->ping, &v);
        weft_chan_recv(p->pong, &v);
    }
    weft_assert(v == ROUND_TRIPS);
    ops_done = 4L * ROUND_TRIPS;
}

static void mutex_worker(void *arg)
{
    pp *p = arg;
    for (int i = 0; i < p->n; i++) {
        weft_mutex_lock(p->mu);
        weft_mutex_unlock(p->mu);
    }
}

/* Two tasks alternately lock and unlock one mutex; the schedule (random) decides when they switch. */
static void mutex_body(void *arg)
{
    (void)arg;
    pp *p = weft_alloc(sizeof *p);
    p->mu = weft_mutex_make();
    p->n = ROUND_TRIPS;
    weft_go(mutex_worker, p);
    for (int i = 0; i < p->n; i++) {
        weft_mutex_lock(p->mu);
        weft_mutex_unlock(p->mu);
    }
    ops_done = 4L * ROUND_TRIPS;
}

static void check_ok(const weft_result *r, const char *what)
{
    if (r->error || r->verdict != WEFT_OK) {
        fprintf(stderr, "pingpong: %s: %s\n%s\n", what, r->error ? r->error : weft_verdict_name(r->verdict),
                r->report ? r->report : "");
        exit(1);
    }
}

/* One execution of body (random strategy, one iteration); *steps receives its scheduling steps. */
static NOINLINE void bench_one_execution(void (*body)(void *), long long *steps)
{
    weft_options o;
    weft_options_init(&o);
    o.strategy = WEFT_STRATEGY_RANDOM;
    o.iterations = 1;
    o.seed = 1;
    o.max_steps = 10LL * ROUND_TRIPS;
    o.quiet = true;
    weft_result r = weft_check("pingpong", body, NULL, &o);
    check_ok(&r, "ping-pong");
    *steps = weft__R.nsteps; /* the schedule of the (only) execution is still there */
    weft_result_free(&r);
}

static NOINLINE void bench_chan_check(long long *steps)
{
    bench_one_execution(chan_body, steps);
}

static NOINLINE void bench_mutex_check(long long *steps)
{
    bench_one_execution(mutex_body, steps);
}

/* ns per visible operation and per step for one workload, median over reps. */
static void measure_ops(void (*bench)(long long *), int reps, double *op_ns, double *step_ns, long long *steps)
{
    bench(steps); /* warm up: stacks mapped, arena chunk allocated, step array grown */
    double v[64], w[64];
    for (int r = 0; r < reps; r++) {
        double t0 = bench_now_ns();
        bench(steps);
        double dt = bench_now_ns() - t0;
        v[r] = dt / (double)ops_done;
        w[r] = dt / (double)*steps;
    }
    *op_ns = bench_median(v, reps);
    *step_ns = bench_median(w, reps);
}

/* ---- (d) executions per second of a two-task, four-operation model ---- */

static int shared_x;

static void touch_worker(void *arg)
{
    (void)arg;
    weft_touch(&shared_x);
    weft_touch(&shared_x);
}

/* Task 0 and one spawned task each touch one address twice: C(4,2) = 6 interleavings. */
static void touch_body(void *arg)
{
    (void)arg;
    weft_go(touch_worker, NULL);
    weft_touch(&shared_x);
    weft_touch(&shared_x);
}

/* Exhaustive DFS of touch_body, `checks` times; returns the executions run. */
static NOINLINE long long bench_execs_dfs(long checks)
{
    weft_options o;
    weft_options_init(&o);
    o.strategy = WEFT_STRATEGY_DFS;
    o.max_preemptions = 1000; /* a fixed bound that never cuts: one exhaustive pass */
    o.quiet = true;
    long long total = 0;
    for (long i = 0; i < checks; i++) {
        weft_result r = weft_check("two_task_four_ops", touch_body, NULL, &o);
        check_ok(&r, "two_task_four_ops");
        if (!r.complete || r.executions != 6) {
            fprintf(stderr, "pingpong: expected 6 executions, complete; got %lld%s\n", r.executions,
                    r.complete ? "" : ", incomplete");
            exit(1);
        }
        total += r.executions;
        weft_result_free(&r);
    }
    return total;
}

/* One random-strategy check of touch_body with `iters` iterations; returns the executions run. */
static NOINLINE long long bench_execs_random(long iters)
{
    weft_options o;
    weft_options_init(&o);
    o.strategy = WEFT_STRATEGY_RANDOM;
    o.iterations = iters;
    o.seed = 1;
    o.quiet = true;
    weft_result r = weft_check("two_task_four_ops", touch_body, NULL, &o);
    check_ok(&r, "two_task_four_ops (random)");
    long long n = r.executions;
    weft_result_free(&r);
    return n;
}

static double measure_execs(bool random, int reps, long long *per_rep)
{
    if (random)
        bench_execs_random(1000);
    else
        bench_execs_dfs(100);
    double v[64];
    for (int r = 0; r < reps; r++) {
        double t0 = bench_now_ns();
        long long n = random ? bench_execs_random(SMALL_EXECS) : bench_execs_dfs(SMALL_EXECS / 6);
        v[r] = (double)n / ((bench_now_ns() - t0) * 1e-9);
        *per_rep = n;
    }
    return bench_median(v, reps);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    int reps = argc > 2 ? atoi(argv[2]) : 9;
    if (reps < 1 || reps > 64 || argc > 3) {
        fprintf(stderr, "usage: pingpong [all|switch|chan|mutex|execs|execs_random] [REPS 1..64]\n");
        return 2;
    }
    bool all = !strcmp(what, "all");
    bool known = all;
    double raw = 0;
    if (all || !strcmp(what, "switch")) {
        known = true;
        raw = measure_raw_switch(reps);
        if (!strcmp(what, "switch"))
            printf("{\"bench\":\"raw_switch\",\"switches\":%ld,\"reps\":%d,\"raw_switch_ns\":%.2f}\n", RAW_SWITCHES,
                   reps, raw);
    }
    if (all || !strcmp(what, "chan")) {
        known = true;
        double op, st;
        long long steps;
        measure_ops(bench_chan_check, reps, &op, &st, &steps);
        printf("{\"bench\":\"pingpong\",\"workload\":\"unbuffered channel\",\"round_trips\":%d,\"ops\":%ld,"
               "\"steps\":%lld,\"reps\":%d,\"op_ns\":%.2f,\"step_ns\":%.2f",
               ROUND_TRIPS, ops_done, steps, reps, op, st);
        if (raw > 0) /* the ratio needs (a): measured only with `all` */
            printf(",\"raw_switch_ns\":%.2f,\"ratio\":%.2f,\"step_ratio\":%.2f", raw, op / raw, st / raw);
        printf("}\n");
    }
    if (all || !strcmp(what, "mutex")) {
        known = true;
        double op, st;
        long long steps;
        measure_ops(bench_mutex_check, reps, &op, &st, &steps);
        printf("{\"bench\":\"pingpong_mutex\",\"workload\":\"lock/unlock, random schedule\",\"round_trips\":%d,"
               "\"ops\":%ld,\"steps\":%lld,\"reps\":%d,\"op_ns\":%.2f,\"step_ns\":%.2f}\n",
               ROUND_TRIPS, ops_done, steps, reps, op, st);
    }
    if (all || !strcmp(what, "execs")) {
        known = true;
        long long n = 0;
        double eps = measure_execs(false, reps, &n);
        printf("{\"bench\":\"two_task_four_ops\",\"strategy\":\"dfs\",\"executions_per_check\":6,"
               "\"executions\":%lld,\"reps\":%d,\"executions_per_sec\":%.0f,\"ns_per_execution\":%.1f}\n",
               n, reps, eps, 1e9 / eps);
    }
    if (all || !strcmp(what, "execs_random")) {
        known = true;
        long long n = 0;
        double eps = measure_execs(true, reps, &n);
        printf("{\"bench\":\"two_task_four_ops\",\"strategy\":\"random\",\"executions\":%lld,\"reps\":%d,"
               "\"executions_per_sec\":%.0f,\"ns_per_execution\":%.1f}\n",
               n, reps, eps, 1e9 / eps);
    }
    if (!known) {
        fprintf(stderr, "pingpong: unknown workload '%s'\n", what);
        return 2;
    }
    return 0;
}
