/* test_checker.c: the checker: exact DFS counts, verdicts, fairness, replay tokens, nondeterminism, strategies, limits, weft_main. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

/* ---- programs ------------------------------------------------------------ */

/* k independent steps per task: task i touches its own addresses. */
static int steps_of[3];
static int ntasks;
static int cells[3][8];
static void stepper(int i)
{
    for (int s = 0; s < steps_of[i]; s++)
        weft_touch(&cells[i][s]);
}

static void tasks_body(void *arg)
{
    (void)arg;
    for (int i = 0; i < ntasks; i++)
        WEFT_GO(stepper, i);
}

static void choose_twice(void *arg)
{
    (void)arg;
    weft_choose(3);
    weft_choose(3);
}

/* AB-BA: the body locks a then b, a task b then a. */
static weft_mutex *ma, *mb;
static void transfer_ba(void *arg)
{
    (void)arg;
    weft_mutex_lock(mb);
    weft_mutex_lock(ma);
    weft_mutex_unlock(ma);
    weft_mutex_unlock(mb);
}

static void abba(void *arg)
{
    (void)arg;
    ma = weft_mutex_make();
    mb = weft_mutex_make();
    weft_name(ma, "a");
    weft_name(mb, "b");
    weft_go(transfer_ba, NULL);
    weft_mutex_lock(ma);
    weft_mutex_lock(mb);
    weft_mutex_unlock(mb);
    weft_mutex_unlock(ma);
}

static void transfer_ab(void *arg)
{
    (void)arg;
    weft_mutex_lock(ma);
    weft_mutex_lock(mb);
    weft_mutex_unlock(mb);
    weft_mutex_unlock(ma);
}

static void ordered(void *arg)
{
    (void)arg;
    ma = weft_mutex_make();
    mb = weft_mutex_make();
    weft_go(transfer_ab, NULL);
    transfer_ab(NULL);
}

/* A send nobody receives after the body returns. */
static void send_one(weft_chan *c)
{
    int x = 42;
    weft_chan_send(c, &x);
}

static void leaky(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_name(c, "result");
    WEFT_GO(send_one, c);
}

/* A worker pool that shuts down cleanly. */
static void pool_worker(weft_chan *jobs, weft_chan *results)
{
    int j;
    while (weft_chan_recv(jobs, &j)) {
        j *= 2;
        weft_chan_send(results, &j);
    }
}

static void pool(void *arg)
{
    (void)arg;
    weft_chan *jobs = weft_chan_make(sizeof(int), 0), *results = weft_chan_make(sizeof(int), 2);
    WEFT_GO(pool_worker, jobs, results);
    WEFT_GO(pool_worker, jobs, results);
    for (int i = 1; i <= 2; i++)
        weft_chan_send(jobs, &i);
    weft_chan_close(jobs);
    int sum = 0, v;
    for (int i = 0; i < 2; i++) {
        weft_chan_recv(results, &v);
        sum += v;
    }
    weft_assert(sum == 6);
}

/* Polling: a flag set under a mutex by another task, read in a yield loop. */
static weft_mutex *pm;
static int pflag;
static void flag_setter(void *arg)
{
    (void)arg;
    weft_mutex_lock(pm);
    pflag = 1;
    weft_mutex_unlock(pm);
}

static void yield_poll(void *arg)
{
    (void)arg;
    pflag = 0;
    pm = weft_mutex_make();
    weft_go(flag_setter, NULL);
    for (;;) {
        weft_mutex_lock(pm);
        int f = pflag;
        weft_mutex_unlock(pm);
        if (f)
            break;
        weft_yield();
    }
}

/* Polling: select with default on a done channel another task closes. */
static void closer(weft_chan *done)
{
    weft_chan_close(done);
}

static void select_poll(void *arg)
{
    (void)arg;
    weft_chan *done = weft_chan_make(0, 0);
    WEFT_GO(closer, done);
    weft_case cs[] = {WEFT_RECV(done, NULL, NULL)};
    int i;
    while ((i = weft_select_default(cs, 1)) == WEFT_DEFAULT) {
    }
    weft_assert(i == 0); /* the case on the closed channel, nothing else */
}

/* Polling: trylock on a mutex another task holds for a while. */
static void holder(void *arg)
{
    (void)arg;
    weft_touch(&pflag);
    weft_mutex_unlock(pm);
}

static void trylock_poll(void *arg)
{
    (void)arg;
    pm = weft_mutex_make();
    weft_mutex_lock(pm);
    weft_go(holder, NULL);
    while (!weft_mutex_trylock(pm)) {
    }
    weft_mutex_unlock(pm);
}

/* A true spin: nobody will ever set the flag. */
static int never;
static void spin_forever(void *arg)
{
    (void)arg;
    never = 0;
    while (!never)
        weft_yield();
}

/* Two tasks each waiting politely for the other to set a flag neither sets. */
static void spin_task(void *arg)
{
    (void)arg;
    weft_case cs[] = {WEFT_RECV(NULL, NULL, NULL)};
    while (!never)
        weft_select_default(cs, 1);
}

static void spin_two(void *arg)
{
    (void)arg;
    never = 0;
    weft_go(spin_task, NULL);
    while (!never)
        weft_yield();
}

/* A task that spins forever after the body has returned. */
static void spin_after_return(void *arg)
{
    (void)arg;
    never = 0;
    weft_go(spin_task, NULL);
}

/* Nondeterministic: the number of tasks depends on a counter that survives executions. */
static int nd_runs;
static void nondet_tasks(void *arg)
{
    (void)arg;
    int n = nd_runs++ % 2 ? 3 : 2;
    for (int i = 0; i < n; i++)
        WEFT_GO(stepper, 0);
}

/* Nondeterministic on replay: an extra step when nd_mode is set. */
static int nd_mode;
static void abba_or_not(void *arg)
{
    if (nd_mode)
        weft_touch(&nd_mode);
    abba(arg);
}

/* ---- tests: exact counts -------------------------------------------------- */

static long long binom(int n, int k)
{
    long long r = 1;
    for (int i = 1; i <= k; i++)
        r = r * (n - k + i) / i;
    return r;
}

static long long fact(int n)
{
    return n <= 1 ? 1 : n * fact(n - 1);
}

static weft_result run_tasks(int n, const int *k, const weft_options *o)
{
    ntasks = n;
    for (int i = 0; i < n; i++)
        steps_of[i] = k[i];
    return weft_check("tasks", tasks_body, NULL, o);
}

static void dfs_two_tasks_binomial(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    for (int k = 1; k <= 5; k++) {
        int ks[2] = {k, k};
        weft_result r = run_tasks(2, ks, &o);
        tu_expect_verdict(&r, WEFT_OK);
        assert_true(r.complete);
        assert_int_equal(r.executions, binom(2 * k, k));
        weft_result_free(&r);
    }
}

static void dfs_three_tasks_multinomial(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    for (int a = 1; a <= 2; a++)
        for (int b = 1; b <= 2; b++)
            for (int c = 1; c <= 2; c++) {
                int ks[3] = {a, b, c};
                weft_result r = run_tasks(3, ks, &o);
                tu_expect_verdict(&r, WEFT_OK);
                assert_true(r.complete);
                assert_int_equal(r.executions, fact(a + b + c) / (fact(a) * fact(b) * fact(c)));
                weft_result_free(&r);
            }
}

static void dfs_choose_twice_nine(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("choose_twice", choose_twice, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_true(r.complete);
    assert_int_equal(r.executions, 9);
    weft_result_free(&r);
}

/* Preemption bound 0: two tasks of k steps run without preemption: only the choice of who starts. */
static void dfs_bound_zero(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_preemptions = 0;
    int ks[2] = {3, 3};
    weft_result r = run_tasks(2, ks, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_int_equal(r.executions, 2);
    assert_false(r.complete); /* the bound cut alternatives */
    weft_result_free(&r);
}

/* The default (iterative bounding) ends complete and explores at least every interleaving. */
static void iterative_bounding_complete(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_preemptions = -1;
    int ks[2] = {2, 2};
    weft_result r = run_tasks(2, ks, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_true(r.complete);
    assert_true(r.executions >= 6);
    weft_result_free(&r);
}

static void max_executions_stops(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_executions = 10;
    int ks[2] = {5, 5};
    weft_result r = run_tasks(2, ks, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_int_equal(r.executions, 10);
    assert_false(r.complete);
    weft_result_free(&r);
}

/* ---- tests: verdicts ------------------------------------------------------ */

static void abba_is_deadlock(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("abba", abba, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    assert_non_null(r.replay);
    assert_contains(r.report, "DEADLOCK in abba");
    assert_contains(r.report, "task 0 (the test body)");
    assert_contains(r.report, "task 1 `transfer_ba`");
    assert_contains(r.report, "mutex#1 `a`");
    assert_contains(r.report, "mutex#2 `b`");
    assert_contains(r.report, "tests/test_checker.c:");
    assert_contains(r.report, "replay: weft2-");
    weft_result_free(&r);
}

/* Iterative bounding reports the deadlock with the fewest preemptions: one. */
static void abba_fewest_preemptions(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_preemptions = -1;
    weft_result r = weft_check("abba", abba, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    assert_int_equal(r.preemptions, 1);
    assert_int_equal(r.bound, 1);
    weft_result_free(&r);
}

static void send_after_return_is_leak(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("leaky", leaky, NULL, &o);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "LEAK in leaky");
    assert_contains(r.report, "task 1 `send_one`");
    assert_contains(r.report, "chan#1 `result`");
    assert_contains(r.report, "blocked forever");
    weft_result_free(&r);
}

static void correct_programs_ok_complete(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    void (*bodies[])(void *) = {ordered, pool};
    const char *names[] = {"ordered", "pool"};
    for (int i = 0; i < 2; i++) {
        weft_result r = weft_check(names[i], bodies[i], NULL, &o);
        tu_expect_verdict(&r, WEFT_OK);
        assert_true(r.complete);
        assert_true(r.executions > 1);
        assert_null(r.report);
        assert_null(r.replay);
        weft_result_free(&r);
    }
}

/* A polling loop ends under fair scheduling: OK and complete, never LIVELOCK, with or without a bound. */
static void expect_polling_ok(const char *name, void (*body)(void *))
{
    for (int bounded = 0; bounded < 2; bounded++) {
        weft_options o = tu_exhaustive();
        o.max_steps = 1000;
        if (bounded)
            o.max_preemptions = -1;
        weft_result r = weft_check(name, body, NULL, &o);
        tu_expect_verdict(&r, WEFT_OK);
        assert_true(r.complete);
        weft_result_free(&r);
    }
}

static void polling_yield_loop_is_not_livelock(void **state)
{
    (void)state;
    expect_polling_ok("yield_poll", yield_poll);
}

static void polling_select_default_loop_is_not_livelock(void **state)
{
    (void)state;
    expect_polling_ok("select_poll", select_poll);
}

static void polling_trylock_loop_is_not_livelock(void **state)
{
    (void)state;
    expect_polling_ok("trylock_poll", trylock_poll);
}

/* Select fairness: a keeper loops on a select over a 1 ns ticker and a stop channel the body closes; it counts the
 * ticks it takes once stop is closed (the body waits for it to finish). Go picks a ready case at random, so any
 * finite count is possible; weft passes over a ready case at most WEFT__PASS_MAX (2) times in a row. */
static int ticks_after_stop, most_ticks_after_stop;
static bool stop_closed;
static void ticking_keeper(weft_chan *stop, weft_chan *done)
{
    weft_ticker *tick = weft_ticker_make(1 * WEFT_NS);
    for (;;) {
        weft_case cs[] = {WEFT_RECV(weft_ticker_chan(tick), NULL, NULL), WEFT_RECV(stop, NULL, NULL)};
        if (weft_select(cs, 2) == 1)
            break;
        ticks_after_stop += stop_closed;
    }
    weft_ticker_stop(tick);
    if (ticks_after_stop > most_ticks_after_stop)
        most_ticks_after_stop = ticks_after_stop;
    weft_chan_close(done);
}

static void ticker_stop_loop(void *arg)
{
    (void)arg;
    ticks_after_stop = 0;
    stop_closed = false;
    weft_chan *stop = weft_chan_make(0, 0), *done = weft_chan_make(0, 0);
    WEFT_GO(ticking_keeper, stop, done);
    weft_chan_close(stop);
    stop_closed = true;
    weft_chan_recv(done, NULL);
}

static void select_passes_over_a_ready_case_at_most_twice(void **state)
{
    (void)state;
    for (int strategy = 0; strategy < 2; strategy++) {
        weft_options o = tu_exhaustive();
        if (strategy)
            o.strategy = WEFT_STRATEGY_DPOR;
        most_ticks_after_stop = 0;
        weft_result r = weft_check("ticker_stop_loop", ticker_stop_loop, NULL, &o);
        tu_expect_verdict(&r, WEFT_OK);
        assert_true(r.complete); /* without the bound, every extra tick is one more behaviour, without end */
        assert_int_equal(most_ticks_after_stop, 2);
        weft_result_free(&r);
    }
}

static void spin_is_livelock(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_steps = 1000;
    weft_result r = weft_check("spin", spin_forever, NULL, &o);
    tu_expect_verdict(&r, WEFT_LIVELOCK);
    assert_int_equal(r.steps, 1000);
    assert_contains(r.report, "LIVELOCK in spin");
    assert_contains(r.report, "1000 steps");
    weft_result_free(&r);

    r = weft_check("spin_two", spin_two, NULL, &o);
    tu_expect_verdict(&r, WEFT_LIVELOCK);
    weft_result_free(&r);
}

/* Busy-waits without a poll (issue 13): a task spinning on a mutex-protected flag, on a channel's length or under
 * a read lock lets the others run after a while (a free switch), so the task that sets the flag always runs. */
static int bw_flag;
static weft_mutex *bw_mu;
static weft_rwmutex *bw_rw;
static weft_chan *bw_ch;

static void bw_set_locked(void *arg)
{
    (void)arg;
    weft_mutex_lock(bw_mu);
    bw_flag = 1;
    weft_mutex_unlock(bw_mu);
}

static void busy_wait_mutex(void *arg)
{
    (void)arg;
    bw_flag = 0;
    bw_mu = weft_mutex_make();
    weft_go(bw_set_locked, NULL);
    for (int seen = 0; !seen;) {
        weft_mutex_lock(bw_mu);
        seen = bw_flag;
        weft_mutex_unlock(bw_mu);
    }
}

static void bw_send(void *arg)
{
    (void)arg;
    int v = 1;
    weft_chan_send(bw_ch, &v);
}

static void busy_wait_len(void *arg)
{
    (void)arg;
    bw_ch = weft_chan_make(sizeof(int), 1);
    weft_go(bw_send, NULL);
    while (weft_chan_len(bw_ch) == 0) {
    }
}

static void bw_set_written(void *arg)
{
    (void)arg;
    weft_rwmutex_lock(bw_rw);
    bw_flag = 1;
    weft_rwmutex_unlock(bw_rw);
}

static void busy_wait_rlock(void *arg)
{
    (void)arg;
    bw_flag = 0;
    bw_rw = weft_rwmutex_make();
    weft_go(bw_set_written, NULL);
    for (int seen = 0; !seen;) {
        weft_rwmutex_rlock(bw_rw);
        seen = bw_flag;
        weft_rwmutex_runlock(bw_rw);
    }
}

static void busy_waits_are_not_livelocks(void **state)
{
    (void)state;
    void (*bodies[])(void *) = {busy_wait_mutex, busy_wait_len, busy_wait_rlock};
    const char *names[] = {"busy_wait_mutex", "busy_wait_len", "busy_wait_rlock"};
    for (int i = 0; i < 3; i++)
        for (int s = 0; s < 2; s++) {
            weft_options o = tu_exhaustive();
            o.strategy = s ? WEFT_STRATEGY_DPOR : WEFT_STRATEGY_DFS;
            o.max_preemptions = s ? -1 : 2;
            weft_result r = weft_check(names[i], bodies[i], NULL, &o);
            tu_expect_verdict(&r, WEFT_OK);
            if (s)
                assert_true(r.complete);
            weft_result_free(&r);
        }
}

/* A long execution that progresses at every step is not a livelock, however long (issue 13). */
static void long_touches(void *arg)
{
    (void)arg;
    static int cells[16];
    for (int i = 0; i < 150000; i++)
        weft_touch(&cells[i % 16]);
}

static void long_fill_drain(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 150000);
    for (int i = 0; i < 150000; i++)
        weft_chan_send(c, &i);
    for (int i = 0, v; i < 150000; i++) {
        weft_chan_recv(c, &v);
        weft_assert(v == i);
    }
}

static void long_progress_is_not_livelock(void **state)
{
    (void)state;
    void (*bodies[])(void *) = {long_touches, long_fill_drain};
    for (int i = 0; i < 2; i++) {
        weft_options o = tu_exhaustive();
        weft_result r = weft_check("long", bodies[i], NULL, &o);
        tu_expect_verdict(&r, WEFT_OK);
        assert_true(r.complete);
        weft_result_free(&r);
    }
}

/* 100 senders on one unbuffered channel: each waiting sender is a partner the receive may pair with. */
static weft_chan *mp_ch;
static void mp_send(int v)
{
    weft_chan_send(mp_ch, &v);
}

static void many_partners_body(void *arg)
{
    (void)arg;
    mp_ch = weft_chan_make(sizeof(int), 0);
    for (int i = 0; i < 100; i++)
        WEFT_GO(mp_send, i);
    int sum = 0;
    for (int i = 0, v; i < 100; i++) {
        weft_chan_recv(mp_ch, &v);
        sum += v;
    }
    weft_assert(sum == 4950);
}

static void many_partners(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_executions = 50;
    weft_result r = weft_check("many_partners", many_partners_body, NULL, &o);
    assert_null(r.error);
    tu_expect_verdict(&r, WEFT_OK);
    assert_int_equal(r.executions + r.pruned, 50);
    weft_result_free(&r);
}

/* Reports: a channel weft made names its owner; weft_choose values show with the step they follow. */
static void labels_body(void *arg)
{
    (void)arg;
    static int cell;
    weft_ctx *ctx = weft_ctx_with_cancel(weft_ctx_background());
    weft_name(ctx, "req");
    weft_touch(&cell);
    if (weft_choose(3) == 2)
        weft_chan_recv(weft_ctx_done(ctx), NULL); /* nobody cancels: DEADLOCK */
    weft_ctx_cancel(ctx);
}

static void reports_name_owners_and_choices(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("labels", labels_body, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    assert_contains(r.report, "chan#1 (Done of context#2 `req`)");
    assert_contains(r.report, "then chose 2");
    weft_result_free(&r);
}

static void spin_after_return_is_leak(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_steps = 1000;
    weft_result r = weft_check("spin_after_return", spin_after_return, NULL, &o);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "kept running");
    weft_result_free(&r);
}

/* ---- tests: replay ----------------------------------------------------- */

/* Every strategy's tokens replay the same execution (dpor asks even at forced steps: tokens must not record
 * those). */
static void replay_is_byte_identical(void **state)
{
    (void)state;
    weft_report_format fmts[] = {WEFT_REPORT_TEXT, WEFT_REPORT_JSON};
    void (*bodies[])(void *) = {abba, leaky, spin_forever};
    const char *names[] = {"abba", "leaky", "spin"};
    weft_strategy strats[] = {WEFT_STRATEGY_DFS, WEFT_STRATEGY_DPOR, WEFT_STRATEGY_RANDOM, WEFT_STRATEGY_PCT};
    for (int f = 0; f < 2 * 4; f++) {
        for (int i = 0; i < 3; i++) {
            weft_options o = tu_exhaustive();
            o.max_steps = 1000;
            o.strategy = strats[f / 2];
            o.report = fmts[f % 2];
            weft_result r = weft_check(names[i], bodies[i], NULL, &o);
            assert_int_not_equal(r.verdict, WEFT_OK);
            assert_non_null(r.replay);
            o.replay = r.replay;
            o.max_steps = 50; /* the token carries the step bound it was made with */
            weft_result p = weft_check(names[i], bodies[i], NULL, &o);
            tu_expect_verdict(&p, r.verdict);
            assert_int_equal(p.executions, 1);
            assert_int_equal(p.steps, r.steps);
            assert_int_equal(p.preemptions, r.preemptions);
            assert_string_equal(p.replay, r.replay);
            tu_same_report(p.report, r.report);
            if (fmts[f % 2] == WEFT_REPORT_JSON) {
                assert_true(p.report[0] == '{');
                assert_contains(p.report, "\"verdict\": ");
            }
            weft_result_free(&p);
            weft_result_free(&r);
        }
    }
}

/* A token replays the same report whatever the format asked at replay time. */
static void replay_text_token_as_json(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result t = weft_check("abba", abba, NULL, &o);
    o.report = WEFT_REPORT_JSON;
    weft_result j = weft_check("abba", abba, NULL, &o);
    assert_string_equal(t.replay, j.replay);
    o.replay = t.replay;
    weft_result p = weft_check("abba", abba, NULL, &o);
    assert_non_null(p.report);
    tu_same_report(p.report, j.report);
    weft_result_free(&p);
    weft_result_free(&j);
    weft_result_free(&t);
}

static char *abba_token(void)
{
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("abba", abba, NULL, &o);
    assert_non_null(r.replay);
    char *tok = strdup(r.replay);
    weft_result_free(&r);
    return tok;
}

/* Replay `tok` of test abba (under `name`) and expect a refusal whose message contains `phrase`. */
static void expect_refused(const char *name, const char *tok, const char *phrase)
{
    weft_options o = tu_exhaustive();
    o.replay = tok;
    weft_result r = weft_check(name, abba, NULL, &o);
    if (!r.error)
        print_error("  token '%s' was accepted (verdict %s)\n", tok, weft_verdict_name(r.verdict));
    assert_non_null(r.error);
    assert_int_equal(r.verdict, WEFT_ERROR);
    assert_null(r.report);
    assert_contains(r.error, phrase);
    weft_result_free(&r);
}

static const char B32[] = "0123456789abcdefghjkmnpqrstvwxyz";

static void token_corrupted_refused(void **state)
{
    (void)state;
    char *tok = abba_token();
    size_t n = strlen(tok);
    char *bad = strdup(tok);
    size_t mid = 6 + (n - 6) / 2;
    bad[mid] = bad[mid] == 'a' ? 'b' : 'a';
    expect_refused("abba", bad, "bad replay token");
    expect_refused("abba", bad, "corrupted");
    strcpy(bad, tok);
    bad[mid] = 'u'; /* not in the alphabet */
    expect_refused("abba", bad, "bad character");
    free(bad);
    free(tok);
}

/* Any one character changed to another of the alphabet is refused (no change goes unnoticed). */
static void token_every_single_char_change_refused(void **state)
{
    (void)state;
    char *tok = abba_token();
    size_t n = strlen(tok);
    char *bad = strdup(tok);
    int accepted = 0;
    for (size_t i = 6; i < n; i++) {
        for (int k = 0; k < 32; k++) {
            if (B32[k] == tok[i])
                continue;
            strcpy(bad, tok);
            bad[i] = B32[k];
            weft_options o = tu_exhaustive();
            o.replay = bad;
            weft_result r = weft_check("abba", abba, NULL, &o);
            if (!r.error) {
                if (accepted++ < 5)
                    print_error("  accepted: position %zu '%c' -> '%c': %s (original %s)\n", i, tok[i], B32[k], bad,
                                tok);
            }
            weft_result_free(&r);
        }
    }
    free(bad);
    free(tok);
    assert_int_equal(accepted, 0);
}

static void token_truncated_refused(void **state)
{
    (void)state;
    char *tok = abba_token();
    size_t n = strlen(tok);
    for (size_t cut = n - 1; cut > 6; cut -= cut > 16 ? 5 : 1) {
        char *t = strndup(tok, cut);
        expect_refused("abba", t, "bad replay token");
        free(t);
    }
    expect_refused("abba", "weft2-0123456789", "truncated");
    expect_refused("abba", "weft2-", "truncated");
    free(tok);
}

static void token_garbage_refused(void **state)
{
    (void)state;
    expect_refused("abba", "hello world", "not a weft replay token");
    expect_refused("abba", "", "not a weft replay token");
    expect_refused("abba", "weft2-!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", "bad character");
    expect_refused("abba", "weft2-00000000000000000000000000000000", "bad replay token");
}

static void token_wrong_version_refused(void **state)
{
    (void)state;
    char *tok = abba_token();
    tok[4] = '3';
    expect_refused("abba", tok, "version");
    tok[4] = '0';
    expect_refused("abba", tok, "version");
    tok[4] = '1'; /* the tokens of weft before the verdict and the flags travelled in them */
    expect_refused("abba", tok, "made by an older weft (token version 1; this weft reads version 2): re-run the check");
    free(tok);
}

static void token_of_another_test_refused(void **state)
{
    (void)state;
    char *tok = abba_token();
    expect_refused("abbb", tok, "another test");
    expect_refused("ABBA", tok, "another test");
    free(tok);
}

/* ---- tests: nondeterminism ------------------------------------------------- */

static void nondeterministic_exploration_reported(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    nd_runs = 0;
    weft_result r = weft_check("nondet", nondet_tasks, NULL, &o);
    assert_non_null(r.error);
    assert_contains(r.error, "nondeterministic");
    assert_int_equal(r.verdict, WEFT_ERROR);
    weft_result_free(&r);
}

static void nondeterministic_replay_reported(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    nd_mode = 0;
    weft_result r = weft_check("abba_or_not", abba_or_not, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    o.replay = r.replay;
    nd_mode = 1;
    weft_result p = weft_check("abba_or_not", abba_or_not, NULL, &o);
    assert_non_null(p.error);
    assert_contains(p.error, "nondeterministic");
    assert_null(p.report);
    nd_mode = 0;
    weft_result q = weft_check("abba_or_not", abba_or_not, NULL, &o);
    tu_expect_verdict(&q, WEFT_DEADLOCK);
    tu_same_report(q.report, r.report);
    weft_result_free(&q);
    weft_result_free(&p);
    weft_result_free(&r);
}

/* ---- tests: strategies ------------------------------------------------------ */

static void random_finds_abba_same_seed_same_token(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.strategy = WEFT_STRATEGY_RANDOM;
    o.seed = 42;
    o.iterations = 1000;
    weft_result a = weft_check("abba", abba, NULL, &o);
    tu_expect_verdict(&a, WEFT_DEADLOCK);
    assert_false(a.complete);
    weft_result b = weft_check("abba", abba, NULL, &o);
    tu_expect_verdict(&b, WEFT_DEADLOCK);
    assert_string_equal(a.replay, b.replay);
    assert_string_equal(a.report, b.report);
    assert_int_equal(a.executions, b.executions);
    /* the random token replays like any other */
    weft_options p = tu_exhaustive();
    p.replay = a.replay;
    weft_result c = weft_check("abba", abba, NULL, &p);
    tu_expect_verdict(&c, WEFT_DEADLOCK);
    tu_same_report(c.report, a.report);
    weft_result_free(&c);
    weft_result_free(&b);
    weft_result_free(&a);
}

static void random_clean_runs_iterations(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.strategy = WEFT_STRATEGY_RANDOM;
    o.seed = 7;
    o.iterations = 300;
    weft_result r = weft_check("ordered", ordered, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_int_equal(r.executions, 300);
    assert_false(r.complete);
    weft_result_free(&r);
}

/* Three tasks append their ids to a log (two visible steps each); the outcome is the order. */
static char order_log[8];
static weft_mutex *order_mu;
static void append_id(int id)
{
    weft_mutex_lock(order_mu);
    size_t n = strlen(order_log);
    order_log[n] = (char)('0' + id);
    weft_mutex_unlock(order_mu);
}

static void append_then_done(int id, weft_wg *wg)
{
    append_id(id);
    weft_wg_done(wg);
}

static void three_appenders(void *arg)
{
    (void)arg;
    memset(order_log, 0, sizeof order_log);
    order_mu = weft_mutex_make();
    weft_wg *wg = weft_wg_make();
    weft_wg_add(wg, 3);
    for (int i = 1; i <= 3; i++)
        WEFT_GO(append_then_done, i, wg);
    weft_wg_wait(wg);
    tu_begin();
    tu_emit("%s", order_log);
    tu_record();
}

/* pct: finds the lock-order deadlock, runs exactly --iterations executions on a clean program (never complete),
 * is deterministic from its seed, and spreads its executions over different interleavings. */
static void pct_explores_by_priorities(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.strategy = WEFT_STRATEGY_PCT;
    o.pct_depth = 2;
    weft_result a = weft_check("abba", abba, NULL, &o);
    tu_expect_verdict(&a, WEFT_DEADLOCK);
    weft_result b = weft_check("abba", abba, NULL, &o);
    assert_string_equal(a.replay, b.replay);
    assert_int_equal(a.executions, b.executions);
    weft_result_free(&a);
    weft_result_free(&b);

    o.iterations = 300;
    tu_reset();
    weft_result r = weft_check("appenders", three_appenders, NULL, &o);
    assert_null(r.error);
    assert_int_equal(r.verdict, WEFT_OK);
    assert_int_equal(r.executions, 300);
    assert_false(r.complete);
    assert_int_equal(tu_nset, 6); /* every order of the three appends */
    weft_result_free(&r);
}

/* ---- tests: weft_main and environment variables, in child processes ------------- */

WEFT_TEST(wt_clean)
{
    ordered(arg);
}

WEFT_TEST(wt_abba)
{
    abba(arg);
}

static int options_init_only(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    weft_options o;
    weft_options_init(&o);
    return 0;
}

/* pct through the environment and flags: accepted, and a bad depth is refused with the flag's name. */
static void pct_by_env_and_flag(void **state)
{
    (void)state;
    char err[4096];
    char *none[] = {"test_checker", NULL};
    assert_int_equal(tu_in_child(options_init_only, 1, none, "WEFT_STRATEGY=pct", err, sizeof err), 0);
    assert_int_equal(tu_in_child(options_init_only, 1, none, "WEFT_PCT_DEPTH=0", err, sizeof err), 2);
    assert_contains(err, "WEFT_PCT_DEPTH");
    char *flag[] = {"test_checker", "--test", "wt_clean", "--strategy", "pct", "--pct-depth", "4", NULL};
    assert_int_equal(tu_in_child(weft_main, 7, flag, NULL, err, sizeof err), 0);
    char *bad[] = {"test_checker", "--test", "wt_clean", "--strategy", "pct", "--pct-depth", "-1", NULL};
    assert_int_equal(tu_in_child(weft_main, 7, bad, NULL, err, sizeof err), 2);
    assert_contains(err, "--pct-depth");
}

static void weft_main_exit_status(void **state)
{
    (void)state;
    char err[4096];
    char *clean[] = {"test_checker", "--test", "wt_clean", NULL};
    assert_int_equal(tu_in_child(weft_main, 3, clean, NULL, err, sizeof err), 0);
    char *bug[] = {"test_checker", "--test", "wt_abba", "--quiet", NULL};
    assert_int_equal(tu_in_child(weft_main, 4, bug, NULL, err, sizeof err), 1);
    char *badflag[] = {"test_checker", "--no-such-flag", NULL};
    assert_int_equal(tu_in_child(weft_main, 2, badflag, NULL, err, sizeof err), 2);
    char *badtoken[] = {"test_checker", "--replay", "weft1-garbage", NULL};
    assert_int_equal(tu_in_child(weft_main, 3, badtoken, NULL, err, sizeof err), 2);
    assert_contains(err, "bad replay token");
    char *nomatch[] = {"test_checker", "--test", "no_such_test", NULL};
    assert_int_equal(tu_in_child(weft_main, 3, nomatch, NULL, err, sizeof err), 2);

    /* a token of wt_abba given with --test wt_clean is foreign; alone it finds wt_abba */
    weft_options o = tu_exhaustive();
    o.max_preemptions = -1;
    weft_result r = weft_check("wt_abba", abba, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    char *foreign[] = {"test_checker", "--test", "wt_clean", "--replay", r.replay, NULL};
    assert_int_equal(tu_in_child(weft_main, 5, foreign, NULL, err, sizeof err), 2);
    assert_contains(err, "another test");
    char *own[] = {"test_checker", "--replay", r.replay, "--quiet", NULL};
    assert_int_equal(tu_in_child(weft_main, 4, own, NULL, err, sizeof err), 1);
    weft_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dfs_two_tasks_binomial),
        cmocka_unit_test(dfs_three_tasks_multinomial),
        cmocka_unit_test(dfs_choose_twice_nine),
        cmocka_unit_test(dfs_bound_zero),
        cmocka_unit_test(iterative_bounding_complete),
        cmocka_unit_test(max_executions_stops),
        cmocka_unit_test(abba_is_deadlock),
        cmocka_unit_test(abba_fewest_preemptions),
        cmocka_unit_test(send_after_return_is_leak),
        cmocka_unit_test(correct_programs_ok_complete),
        cmocka_unit_test(polling_yield_loop_is_not_livelock),
        cmocka_unit_test(polling_select_default_loop_is_not_livelock),
        cmocka_unit_test(polling_trylock_loop_is_not_livelock),
        cmocka_unit_test(spin_is_livelock),
        cmocka_unit_test(select_passes_over_a_ready_case_at_most_twice),
        cmocka_unit_test(busy_waits_are_not_livelocks),
        cmocka_unit_test(long_progress_is_not_livelock),
        cmocka_unit_test(many_partners),
        cmocka_unit_test(reports_name_owners_and_choices),
        cmocka_unit_test(spin_after_return_is_leak),
        cmocka_unit_test(replay_is_byte_identical),
        cmocka_unit_test(replay_text_token_as_json),
        cmocka_unit_test(token_corrupted_refused),
        cmocka_unit_test(token_every_single_char_change_refused),
        cmocka_unit_test(token_truncated_refused),
        cmocka_unit_test(token_garbage_refused),
        cmocka_unit_test(token_wrong_version_refused),
        cmocka_unit_test(token_of_another_test_refused),
        cmocka_unit_test(nondeterministic_exploration_reported),
        cmocka_unit_test(nondeterministic_replay_reported),
        cmocka_unit_test(random_finds_abba_same_seed_same_token),
        cmocka_unit_test(random_clean_runs_iterations),
        cmocka_unit_test(pct_explores_by_priorities),
        cmocka_unit_test(pct_by_env_and_flag),
        cmocka_unit_test(weft_main_exit_status),
    };
    return cmocka_run_group_tests_name("checker", tests, NULL, NULL);
}
