/* suite.c: executions, time and executions/traces of benchmark models under dfs and dpor (JSON lines). */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "weft.h"

/*
 * Usage: suite [--reps R] [--time-limit S] [--max-n N] [MODEL...]
 * Each model is run for sizes n = lo..hi under dfs and dpor. An "exhaustive" model (a clean program) is explored
 * completely: by dpor with the defaults (iterative preemption bounding 0, 1, 2, ..., whose rounds do not re-run
 * executions), by dfs in one unbounded pass (max_preemptions 1000, a bound that never cuts on these models:
 * dfs's rounds would start over); a "first_bug" model is explored with the defaults until the first bug. Each run is
 * repeated R times and the median time printed; a run stopped by the time limit is not repeated, and larger
 * sizes of the same model and strategy are skipped.
 */

#define MAXN 14

/* ---- dining philosophers (a cycle of n locks), the deadlock and the ordered fix ---------------- */

typedef struct table {
    weft_mutex *fork[MAXN];
    weft_wg *dinner;
} table;

static void philosopher(table *t, int first, int second)
{
    weft_mutex_lock(t->fork[first]);
    weft_mutex_lock(t->fork[second]);
    weft_mutex_unlock(t->fork[second]);
    weft_mutex_unlock(t->fork[first]);
    weft_wg_done(t->dinner);
}

/* As models/dining_philosophers.c: the host is philosopher 0 and waits for the others on a WaitGroup. */
static void dine(int n, bool ordered)
{
    table *t = weft_alloc(sizeof *t);
    for (int i = 0; i < n; i++)
        t->fork[i] = weft_mutex_make();
    t->dinner = weft_wg_make();
    weft_wg_add(t->dinner, n - 1);
    for (int i = n - 1; i >= 0; i--) {
        int left = i, right = (i + 1) % n;
        int first = ordered && right < left ? right : left;
        int second = first == left ? right : left;
        if (i > 0) {
            WEFT_GO(philosopher, t, first, second);
            continue;
        }
        weft_mutex_lock(t->fork[first]);
        weft_mutex_lock(t->fork[second]);
        weft_mutex_unlock(t->fork[second]);
        weft_mutex_unlock(t->fork[first]);
    }
    weft_wg_wait(t->dinner);
}

static void philosophers_deadlock(int n) { dine(n, false); }
static void philosophers_ordered(int n) { dine(n, true); }

/* ---- n independent tasks, each on a private buffered channel: one trace ------------------------ */

static void private_task(weft_chan *c)
{
    int v = 1;
    weft_chan_send(c, &v);
    weft_chan_recv(c, &v);
}

static void independent(int n)
{
    for (int i = 0; i < n; i++)
        WEFT_GO(private_task, weft_chan_make(sizeof(int), 1));
}

/* ---- n tasks each locking one shared mutex once: n! traces ------------------------------------ */

static void lock_once(weft_mutex *m)
{
    weft_mutex_lock(m);
    weft_mutex_unlock(m);
}

static void one_mutex(int n)
{
    weft_mutex *m = weft_mutex_make();
    for (int i = 0; i < n; i++)
        WEFT_GO(lock_once, m);
}

/* ---- worker pool: P producers submit 2 jobs each to W workers; Stop closes quit and waits ------ */

typedef struct pool {
    weft_chan *jobs; /* unbuffered */
    weft_chan *quit; /* closed by Stop */
    weft_wg *wg;     /* one per worker */
} pool;

static void pool_worker(pool *p)
{
    for (;;) {
        int job;
        weft_case cs[] = {WEFT_RECV(p->quit, NULL, NULL), WEFT_RECV(p->jobs, &job, NULL)};
        if (weft_select(cs, 2) == 0)
            break;
    }
    weft_wg_done(p->wg);
}

/* The bug: a plain send, which blocks forever once every worker has seen quit. */
static void producer_leaky(pool *p)
{
    for (int j = 0; j < 2; j++)
        weft_chan_send(p->jobs, &j);
}

/* The fix: select on the job channel and quit; give up once quit is closed. */
static void producer_fixed(pool *p)
{
    for (int j = 0; j < 2; j++) {
        weft_case cs[] = {WEFT_SEND(p->jobs, &j), WEFT_RECV(p->quit, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            return;
    }
}

/* Size n: P = n / 2 producers, W = n - P workers. */
static void worker_pool(int n, bool leaky)
{
    int producers = n / 2, workers = n - producers;
    pool *p = weft_alloc(sizeof *p);
    p->jobs = weft_chan_make(sizeof(int), 0);
    p->quit = weft_chan_make(0, 0);
    p->wg = weft_wg_make();
    for (int i = 0; i < workers; i++) {
        weft_wg_add(p->wg, 1);
        WEFT_GO(pool_worker, p);
    }
    for (int i = 0; i < producers; i++) {
        if (leaky)
            WEFT_GO(producer_leaky, p);
        else
            WEFT_GO(producer_fixed, p);
    }
    weft_chan_close(p->quit); /* Stop */
    weft_wg_wait(p->wg);
}

static void worker_pool_leaky(int n) { worker_pool(n, true); }
static void worker_pool_fixed(int n) { worker_pool(n, false); }

/* ---- fan-in: n senders, the receiver takes the first result and returns ----------------------- */

static void sender(weft_chan *c, int i)
{
    weft_chan_send(c, &i);
}

/* Leaky: unbuffered, n - 1 senders block forever. Fixed: a buffer for every sender. */
static void fan_in(int n, bool leaky)
{
    weft_chan *c = weft_chan_make(sizeof(int), leaky ? 0 : (size_t)n);
    for (int i = 0; i < n; i++)
        WEFT_GO(sender, c, i);
    int r;
    weft_chan_recv(c, &r);
}

static void fan_in_leak(int n) { fan_in(n, true); }
static void fan_in_fixed(int n) { fan_in(n, false); }

/* ---- pipeline: a generator of 2 values, n stages, each closing its output at the end ---------- */

static void generator(weft_chan *out)
{
    for (int i = 0; i < 2; i++)
        weft_chan_send(out, &i);
    weft_chan_close(out);
}

static void stage(weft_chan *in, weft_chan *out)
{
    int v;
    while (weft_chan_recv(in, &v)) {
        v++;
        weft_chan_send(out, &v);
    }
    weft_chan_close(out);
}

static void pipeline(int n)
{
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    WEFT_GO(generator, c);
    for (int s = 0; s < n; s++) {
        weft_chan *out = weft_chan_make(sizeof(int), 0);
        WEFT_GO(stage, c, out);
        c = out;
    }
    int v, got = 0;
    while (weft_chan_recv(c, &v))
        got++;
    weft_assert(got == 2);
}

/* ---- ordered philosophers joined by per-philosopher done channels (issue 13's program) ----------- */

static void philosopher_done(table *t, int first, int second, weft_chan *done)
{
    weft_mutex_lock(t->fork[first]);
    weft_mutex_lock(t->fork[second]);
    weft_mutex_unlock(t->fork[second]);
    weft_mutex_unlock(t->fork[first]);
    weft_chan_send(done, NULL);
}

static void philosophers_chans(int n)
{
    table *t = weft_alloc(sizeof *t);
    weft_chan *done[MAXN];
    for (int i = 0; i < n; i++)
        t->fork[i] = weft_mutex_make();
    for (int i = 0; i < n; i++) {
        int l = i, r = (i + 1) % n;
        done[i] = weft_chan_make(0, 0);
        WEFT_GO(philosopher_done, t, l < r ? l : r, l < r ? r : l, done[i]);
    }
    for (int i = 0; i < n; i++)
        weft_chan_recv(done[i], NULL);
}

/* ---- time: n tasks each waiting on its own weft_after; n workers taking 2 ticks each from one ticker -- */

static void after_waiter(int i, weft_wg *wg)
{
    weft_chan_recv(weft_after((i + 1) * WEFT_MS), NULL);
    weft_wg_done(wg);
}

static void timers(int n)
{
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, n);
    for (int i = 0; i < n; i++)
        WEFT_GO(after_waiter, i, wg);
    weft_wg_wait(wg);
}

static void tick_worker(weft_ticker *k, weft_wg *wg)
{
    for (int i = 0; i < 2; i++)
        weft_chan_recv(weft_ticker_chan(k), NULL);
    weft_wg_done(wg);
}

static void ticker_workers(int n)
{
    weft_ticker *k = weft_ticker_make(WEFT_MS);
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, n);
    for (int i = 0; i < n; i++)
        WEFT_GO(tick_worker, k, wg);
    weft_wg_wait(wg);
    weft_ticker_stop(k);
}

/* A token bucket: a ticker refills a bucket of 2 places, dropping a token when it is full (select with
 * default); n takers take one token each. */
static void refill(weft_chan *bucket, weft_chan *quit)
{
    weft_ticker *k = weft_ticker_make(10 * WEFT_MS);
    for (;;) {
        int one = 1;
        weft_case cs[] = {WEFT_RECV(weft_ticker_chan(k), NULL, NULL), WEFT_RECV(quit, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            break;
        weft_case put[] = {WEFT_SEND(bucket, &one)};
        weft_select_default(put, 1);
    }
    weft_ticker_stop(k);
}

static void taker(weft_chan *bucket, weft_wg *wg)
{
    weft_chan_recv(bucket, NULL);
    weft_wg_done(wg);
}

static void token_bucket(int n)
{
    weft_chan *bucket = weft_chan_make(sizeof(int), 2), *quit = weft_chan_make(0, 0);
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, n);
    WEFT_GO(refill, bucket, quit);
    for (int i = 0; i < n; i++)
        WEFT_GO(taker, bucket, wg);
    weft_wg_wait(wg);
    weft_chan_close(quit);
}

/* Go's sync.Cond TestRace (src/sync/cond_test.go): three goroutines hand a value around under the cond's
 * mutex, two of them polling it with Gosched between looks. (n is ignored: the test has one size.) */
static int race_x;
static weft_mutex *race_mu;
static weft_cond *race_c;
static void race_g1(weft_chan *done)
{
    weft_mutex_lock(race_mu);
    race_x = 1;
    weft_cond_wait(race_c);
    weft_assert(race_x == 2);
    race_x = 3;
    weft_cond_signal(race_c);
    weft_mutex_unlock(race_mu);
    weft_chan_send(done, NULL);
}

static void race_g2(weft_chan *done)
{
    weft_mutex_lock(race_mu);
    for (;;) {
        if (race_x == 1) {
            race_x = 2;
            weft_cond_signal(race_c);
            break;
        }
        weft_mutex_unlock(race_mu);
        weft_yield();
        weft_mutex_lock(race_mu);
    }
    weft_mutex_unlock(race_mu);
    weft_chan_send(done, NULL);
}

static void race_g3(weft_chan *done)
{
    weft_mutex_lock(race_mu);
    for (;;) {
        if (race_x == 2) {
            weft_cond_wait(race_c);
            weft_assert(race_x == 3);
            break;
        }
        if (race_x == 3)
            break;
        weft_mutex_unlock(race_mu);
        weft_yield();
        weft_mutex_lock(race_mu);
    }
    weft_mutex_unlock(race_mu);
    weft_chan_send(done, NULL);
}

static void cond_race(int n)
{
    (void)n;
    race_x = 0;
    race_mu = weft_mutex_make();
    race_c = weft_cond_make(race_mu);
    weft_chan *done = weft_chan_make(0, 0);
    WEFT_GO(race_g1, done);
    WEFT_GO(race_g2, done);
    WEFT_GO(race_g3, done);
    for (int i = 0; i < 3; i++)
        weft_chan_recv(done, NULL);
}

/* ---- the table of models ---------------------------------------------------------------------- */

typedef struct model {
    const char *name;
    void (*run)(int n);
    int lo, hi;            /* sizes */
    bool first_bug;        /* explore until the first bug (else: exhaustive) */
    weft_verdict expect;   /* the verdict every run must give (time-limited exhaustive runs: OK) */
    const char *size;      /* what n counts */
    long long (*traces)(int n); /* Mazurkiewicz traces when known analytically, else NULL (counted) */
} model;

static long long one(int n) { (void)n; return 1; }
static long long factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }
/* Ordered philosophers: which philosopher gets each contended fork first, 2^n - 2 ways. */
static long long forks(int n) { return (1LL << n) - 2; }
/* fan_in_fixed: the n sends compete for the buffer's tail (the order of the values), and the receive, which
 * waits for the first, takes the head: n! classes. */

static const model models[] = {
    {"philosophers_deadlock", philosophers_deadlock, 2, 10, true, WEFT_DEADLOCK, "philosophers", NULL},
    {"philosophers_ordered", philosophers_ordered, 2, 14, false, WEFT_OK, "philosophers", forks},
    {"philosophers_chans", philosophers_chans, 2, 10, false, WEFT_OK, "philosophers", forks},
    {"independent", independent, 2, 8, false, WEFT_OK, "tasks", one},
    {"one_mutex", one_mutex, 2, 7, false, WEFT_OK, "tasks", factorial},
    {"worker_pool_leaky", worker_pool_leaky, 2, 6, true, WEFT_LEAK, "producers+workers (P=n/2)", NULL},
    {"worker_pool_fixed", worker_pool_fixed, 2, 6, false, WEFT_OK, "producers+workers (P=n/2)", NULL},
    {"fan_in_leak", fan_in_leak, 2, 6, true, WEFT_LEAK, "senders", NULL},
    {"fan_in_fixed", fan_in_fixed, 2, 6, false, WEFT_OK, "senders", factorial},
    {"pipeline", pipeline, 1, 5, false, WEFT_OK, "stages", one},
    {"timers", timers, 1, 6, false, WEFT_OK, "tasks", one},
    {"ticker_workers", ticker_workers, 1, 4, false, WEFT_OK, "workers", NULL},
    {"token_bucket", token_bucket, 1, 4, false, WEFT_OK, "takers", NULL},
    {"cond_race", cond_race, 1, 1, false, WEFT_OK, "(Go's TestRace)", NULL},
};

static const model *cur_model;
static int cur_n;
static void body(void *arg);
static long long dfs_traces[MAXN + 1]; /* traces of the current model counted by a complete dfs, else 0 */

/* The distinct Mazurkiewicz traces a complete exhaustive search of the current model runs (--count-traces:
 * one untimed extra pass); under dfs that is the model's number of traces. */
static long long count_traces(weft_strategy s)
{
    weft_options o;
    weft_options_init(&o);
    o.strategy = s;
    o.max_preemptions = 1000;
    o.quiet = true;
    o.count_traces = true;
    weft_result r = weft_check(cur_model->name, body, NULL, &o);
    long long t = r.complete ? r.traces : 0;
    weft_result_free(&r);
    return t;
}

static void body(void *arg)
{
    (void)arg;
    cur_model->run(cur_n);
}

/* One weft_check of the current model; returns its wall time in seconds. */
static double run_once(weft_strategy s, bool first_bug, double limit, weft_result *out)
{
    weft_options o;
    weft_options_init(&o);
    o.strategy = s;
    if (!first_bug && s == WEFT_STRATEGY_DFS)
        o.max_preemptions = 1000; /* one pass that no bound cuts */
    o.time_limit = limit;
    o.quiet = true;
    double t0 = bench_now_ns();
    *out = weft_check(cur_model->name, body, NULL, &o);
    return (bench_now_ns() - t0) * 1e-9;
}

/* Run model m at size n under strategy s; print one JSON line; return false when the time limit cut it. */
static bool bench_case(const model *m, int n, weft_strategy s, int reps, double limit)
{
    cur_model = m;
    cur_n = n;
    const char *sname = s == WEFT_STRATEGY_DFS ? "dfs" : "dpor";
    double t[64];
    int done = 0;
    weft_result r = {0};
    bool cut = false;
    for (int i = 0; i < reps; i++) {
        if (i)
            weft_result_free(&r);
        t[done++] = run_once(s, m->first_bug, limit, &r);
        if (r.error) {
            fprintf(stderr, "suite: %s n=%d %s: %s\n", m->name, n, sname, r.error);
            exit(1);
        }
        cut = r.verdict == WEFT_OK && !r.complete;
        if (cut)
            break; /* stopped by the time limit: the count is not deterministic, one run says it */
        if (r.verdict != m->expect) {
            fprintf(stderr, "suite: %s n=%d %s: expected %s, got %s\n%s\n", m->name, n, sname,
                    weft_verdict_name(m->expect), weft_verdict_name(r.verdict), r.report ? r.report : "");
            exit(1);
        }
    }
    double sec = bench_median(t, done);
    printf("{\"bench\":\"suite\",\"model\":\"%s\",\"n\":%d,\"size\":\"%s\",\"strategy\":\"%s\",\"mode\":\"%s\","
           "\"reps\":%d,\"verdict\":\"%s\",\"complete\":%s,\"time_limited\":%s,\"executions\":%lld,"
           "\"pruned\":%lld,\"seconds\":%.6f,\"executions_per_sec\":%.0f",
           m->name, n, m->size, sname, m->first_bug ? "first_bug" : "exhaustive", done, weft_verdict_name(r.verdict),
           r.complete ? "true" : "false", cut ? "true" : "false", r.executions, r.pruned, sec,
           sec > 0 ? (double)r.executions / sec : 0.0);
    if (m->first_bug)
        printf(",\"preemptions\":%d", r.preemptions);
    long long tr = 0;
    const char *source = "analytic";
    if (m->traces) {
        tr = m->traces(n);
    } else if (!m->first_bug && r.complete && s == WEFT_STRATEGY_DFS) {
        tr = dfs_traces[n] = count_traces(s);
        source = "dfs";
    } else if (!m->first_bug && r.complete && dfs_traces[n] > 0) {
        tr = dfs_traces[n];
        source = "dfs";
    } else if (!m->first_bug && r.complete) {
        tr = count_traces(s);
        source = "dpor"; /* distinct traces among dpor's executions (dfs did not complete this size) */
    }
    if (tr > 0) {
        printf(",\"traces\":%lld,\"traces_source\":\"%s\"", tr, source);
        if (r.complete)
            printf(",\"ratio\":%.4f,\"ratio_with_pruned\":%.4f", (double)r.executions / (double)tr,
                   (double)(r.executions + r.pruned) / (double)tr);
    } else {
        printf(",\"traces\":null");
    }
    printf(",\"time_limit\":%.1f}\n", limit);
    fflush(stdout);
    weft_result_free(&r);
    return !cut;
}

int main(int argc, char **argv)
{
    int reps = 3, max_n = MAXN;
    double limit = 10;
    const char *only[32];
    int nonly = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--time-limit") && i + 1 < argc)
            limit = atof(argv[++i]);
        else if (!strcmp(argv[i], "--max-n") && i + 1 < argc)
            max_n = atoi(argv[++i]);
        else if (argv[i][0] != '-' && nonly < 32)
            only[nonly++] = argv[i];
        else {
            fprintf(stderr, "usage: suite [--reps R] [--time-limit S] [--max-n N] [MODEL...]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > 64 || limit <= 0 || max_n < 1 || max_n > MAXN) {
        fprintf(stderr, "suite: --reps 1..64, --time-limit > 0, --max-n 1..%d\n", MAXN);
        return 2;
    }
    for (size_t k = 0; k < sizeof models / sizeof *models; k++) {
        const model *m = &models[k];
        bool wanted = nonly == 0;
        for (int j = 0; j < nonly; j++)
            wanted |= !strcmp(only[j], m->name);
        if (!wanted)
            continue;
        static const weft_strategy strategies[] = {WEFT_STRATEGY_DFS, WEFT_STRATEGY_DPOR}; /* dfs first */
        memset(dfs_traces, 0, sizeof dfs_traces);
        for (int si = 0; si < 2; si++)
            for (int n = m->lo; n <= m->hi && n <= max_n; n++)
                if (!bench_case(m, n, strategies[si], reps, limit))
                    break;
    }
    return 0;
}
