/* test_time.c: virtual time and contexts: timers, tickers, after_func, both time modes, leak horizon, replay. */
#include "testutil.h"

/* Check body under mode and return the result; every bug found is replayed and must give the same report. */
static weft_result check(const char *name, void (*body)(void *), weft_time_mode mode)
{
    weft_options o = tu_exhaustive();
    o.time_mode = mode;
    o.max_preemptions = -1;
    weft_result r = weft_check(name, body, NULL, &o);
    if (r.replay) {
        o.replay = r.replay;
        weft_result again = weft_check(name, body, NULL, &o);
        assert_null(again.error);
        assert_int_equal(again.verdict, r.verdict);
        tu_same_report(again.report, r.report);
        weft_result_free(&again);
    }
    return r;
}

static void expect(const char *name, void (*body)(void *), weft_time_mode mode, weft_verdict v)
{
    weft_result r = check(name, body, mode);
    tu_expect_verdict(&r, v);
    if (v == WEFT_OK)
        assert_true(r.complete);
    weft_result_free(&r);
}

/* ---- timers fire in deadline order; the clock only moves forward ------- */

static void timer_order(void *arg)
{
    (void)arg;
    tu_begin();
    weft_chan *late = weft_after(2 * WEFT_SECOND);
    weft_chan *early = weft_after(WEFT_SECOND);
    int64_t t1 = 0, t2 = 0;
    weft_case cs[] = {WEFT_RECV(early, &t1, NULL), WEFT_RECV(late, &t2, NULL)};
    int first = weft_select(cs, 2);
    int64_t now1 = weft_now();
    int second = weft_select(cs, 2);
    int64_t now2 = weft_now();
    weft_assert(now1 <= now2);
    tu_emit("%d%d t1=%lld t2=%lld", first, second, (long long)t1, (long long)t2);
    tu_record();
}

static void test_timer_order(void **state)
{
    (void)state;
    /* idle: the body receives each value as soon as it is sent */
    static const char *const idle[] = {"01 t1=1000000000 t2=2000000000", NULL};
    tu_reset();
    expect("timer_order", timer_order, WEFT_TIME_IDLE, WEFT_OK);
    assert_true(tu_set_equals(idle));
    /* adversarial: any task may be arbitrarily slow, the body too before it reaches its select (its arrival
     * there is not a step: nothing in Go can see it), so both timers may have fired when it selects */
    static const char *const adv[] = {"01 t1=1000000000 t2=2000000000", "10 t1=1000000000 t2=2000000000", NULL};
    tu_reset();
    expect("timer_order", timer_order, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    assert_true(tu_set_equals(adv));
}

/* ---- Stop and Reset results, as before Go 1.23 -------------------------- */

static void stop_reset(void *arg)
{
    (void)arg;
    tu_begin();
    weft_timer *t = weft_timer_make(WEFT_SECOND);
    bool s1 = weft_timer_stop(t);           /* stopped before firing: true */
    bool r1 = weft_timer_reset(t, WEFT_SECOND); /* was stopped: false */
    int64_t v;
    weft_chan_recv(weft_timer_chan(t), &v); /* fires */
    bool s2 = weft_timer_stop(t);           /* already fired: false */
    bool r2 = weft_timer_reset(t, WEFT_SECOND); /* was not active: false */
    bool s3 = weft_timer_stop(t);           /* active again: true */
    tu_emit("%d%d%d%d%d v=%lld", s1, r1, s2, r2, s3, (long long)v);
    tu_record();
}

static void test_stop_reset(void **state)
{
    (void)state;
    static const char *const want[] = {"10001 v=1000000000", NULL};
    tu_reset();
    expect("stop_reset", stop_reset, WEFT_TIME_IDLE, WEFT_OK);
    assert_true(tu_set_equals(want));
}

/* ---- a ticker drops ticks while its channel is full --------------------- */

static void ticker_drop(void *arg)
{
    (void)arg;
    tu_begin();
    weft_ticker *k = weft_ticker_make(WEFT_SECOND);
    weft_sleep(3 * WEFT_SECOND + WEFT_SECOND / 2);
    size_t len = weft_chan_len(weft_ticker_chan(k));
    int64_t v;
    weft_chan_recv(weft_ticker_chan(k), &v);
    weft_ticker_stop(k);
    tu_emit("len=%zu first=%lld", len, (long long)v);
    tu_record();
}

static void test_ticker_drop(void **state)
{
    (void)state;
    static const char *const want[] = {"len=1 first=1000000000", NULL};
    tu_reset();
    expect("ticker_drop", ticker_drop, WEFT_TIME_IDLE, WEFT_OK);
    assert_true(tu_set_equals(want));
}

/* ---- weft_after_func runs its function in a new task -------------------- */

static weft_chan *fired;

static void on_fire(void *arg)
{
    int v = (int)(intptr_t)arg;
    weft_chan_send(fired, &v);
}

static void after_func(void *arg)
{
    (void)arg;
    tu_begin();
    fired = weft_chan_make(sizeof(int), 0);
    weft_after_func(WEFT_MS, on_fire, (void *)(intptr_t)7);
    int v = 0;
    weft_chan_recv(fired, &v);
    tu_emit("v=%d now=%lld", v, (long long)weft_now());
    tu_record();
}

static void test_after_func(void **state)
{
    (void)state;
    static const char *const want[] = {"v=7 now=1000000", NULL};
    for (int mode = 0; mode < 2; mode++) {
        tu_reset();
        expect("after_func", after_func, (weft_time_mode)mode, WEFT_OK);
        assert_true(tu_set_equals(want));
    }
}

/* ---- weft_now under both modes ------------------------------------------ */

static void now_modes(void *arg)
{
    (void)arg;
    tu_begin();
    int64_t a = weft_now();
    weft_sleep(5 * WEFT_MS);
    tu_emit("a=%lld b=%lld", (long long)a, (long long)weft_now());
    tu_record();
}

static void test_now(void **state)
{
    (void)state;
    static const char *const want[] = {"a=0 b=5000000", NULL};
    for (int mode = 0; mode < 2; mode++) {
        tu_reset();
        expect("now_modes", now_modes, (weft_time_mode)mode, WEFT_OK);
        assert_true(tu_set_equals(want));
    }
}

/* ---- contexts ------------------------------------------------------------ */

static void ctx_tree(void *arg)
{
    (void)arg;
    tu_begin();
    weft_ctx *bg = weft_ctx_background();
    weft_ctx *a = weft_ctx_with_cancel(bg);
    weft_ctx *b = weft_ctx_with_cancel(a);
    weft_ctx *c = weft_ctx_with_timeout(b, WEFT_MINUTE);
    weft_ctx *other = weft_ctx_with_cancel(bg);
    int before = weft_ctx_err(c);
    weft_ctx_cancel(a);
    weft_ctx_cancel(a); /* idempotent */
    bool okb = weft_chan_recv(weft_ctx_done(b), NULL);
    bool okc = weft_chan_recv(weft_ctx_done(c), NULL);
    tu_emit("before=%d a=%d b=%d c=%d other=%d bg_done=%s okb=%d okc=%d", before, weft_ctx_err(a),
            weft_ctx_err(b), weft_ctx_err(c), weft_ctx_err(other), weft_ctx_done(bg) ? "chan" : "nil", okb, okc);
    weft_ctx_cancel(other);
    tu_record();
}

static void test_ctx_tree(void **state)
{
    (void)state;
    /* idle time: the body never blocks before the cancel, so c's deadline cannot pass first */
    static const char *const want[] = {"before=0 a=1 b=1 c=1 other=0 bg_done=nil okb=0 okc=0", NULL};
    tu_reset();
    expect("ctx_tree", ctx_tree, WEFT_TIME_IDLE, WEFT_OK);
    assert_true(tu_set_equals(want));
    /* adversarial time: c's deadline may pass at any point, before or after the cancel */
    static const char *const adv[] = {"before=0 a=1 b=1 c=1 other=0 bg_done=nil okb=0 okc=0",
                                      "before=0 a=1 b=1 c=2 other=0 bg_done=nil okb=0 okc=0",
                                      "before=2 a=1 b=1 c=2 other=0 bg_done=nil okb=0 okc=0", NULL};
    tu_reset();
    expect("ctx_tree", ctx_tree, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    assert_true(tu_set_equals(adv));
}

static void ctx_timeout(void *arg)
{
    (void)arg;
    tu_begin();
    weft_ctx *c = weft_ctx_with_timeout(weft_ctx_background(), 3 * WEFT_SECOND);
    weft_ctx *child = weft_ctx_with_cancel(c);
    weft_chan_recv(weft_ctx_done(child), NULL);
    tu_emit("now=%lld c=%d child=%d", (long long)weft_now(), weft_ctx_err(c), weft_ctx_err(child));
    weft_ctx_cancel(c);
    tu_record();
}

static void test_ctx_timeout(void **state)
{
    (void)state;
    static const char *const want[] = {"now=3000000000 c=2 child=2", NULL};
    for (int mode = 0; mode < 2; mode++) {
        tu_reset();
        expect("ctx_timeout", ctx_timeout, (weft_time_mode)mode, WEFT_OK);
        assert_true(tu_set_equals(want));
    }
}

/* ---- the handler-timeout race: only adversarial time finds it ----------- */

static void compute(weft_chan *done)
{
    int v = 1;
    weft_chan_send(done, &v); /* computes without sleeping, then reports */
}

static void handler(void *arg)
{
    (void)arg;
    weft_chan *done = weft_chan_make(sizeof(int), 0);
    WEFT_GO(compute, done);
    int v;
    weft_case cs[] = {WEFT_RECV(done, &v, NULL), WEFT_RECV(weft_after(WEFT_SECOND), NULL, NULL)};
    weft_select(cs, 2);
}

static void test_handler_timeout(void **state)
{
    (void)state;
    weft_result r = check("handler", handler, WEFT_TIME_ADVERSARIAL);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "blocked in chan_send");
    assert_contains(r.report, "clock");
    weft_result_free(&r);
    expect("handler", handler, WEFT_TIME_IDLE, WEFT_OK);
}

/* A select whose other case is a timer that can still fire is not a deadlock. */
static void wait_or_timeout(void *arg)
{
    (void)arg;
    weft_chan *never = weft_chan_make(sizeof(int), 0);
    weft_case cs[] = {WEFT_RECV(never, NULL, NULL), WEFT_RECV(weft_after(WEFT_SECOND), NULL, NULL)};
    weft_assert(weft_select(cs, 2) == 1);
}

static void test_timer_not_deadlock(void **state)
{
    (void)state;
    expect("wait_or_timeout", wait_or_timeout, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    expect("wait_or_timeout", wait_or_timeout, WEFT_TIME_IDLE, WEFT_OK);
}

/* ---- the leak horizon ---------------------------------------------------- */

static void retry_forever_task(void *arg)
{
    (void)arg;
    for (;;)
        weft_chan_recv(weft_after(WEFT_SECOND), NULL);
}

static void retry_forever(void *arg)
{
    (void)arg;
    weft_go(retry_forever_task, NULL);
}

static void retry_three_task(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        weft_chan_recv(weft_after(WEFT_SECOND), NULL);
}

static void retry_three(void *arg)
{
    (void)arg;
    weft_go(retry_three_task, NULL);
}

static void test_horizon(void **state)
{
    (void)state;
    weft_result r = check("retry_forever", retry_forever, WEFT_TIME_ADVERSARIAL);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "retry_forever_task");
    assert_contains(r.report, "leak horizon");
    weft_result_free(&r);
    expect("retry_three", retry_three, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    expect("retry_three", retry_three, WEFT_TIME_IDLE, WEFT_OK);
}

/* ---- a ticker never stopped, a context never cancelled ------------------- */

static void lost_ticker(void *arg)
{
    (void)arg;
    weft_ticker *k = weft_ticker_make(WEFT_SECOND);
    weft_chan_recv(weft_ticker_chan(k), NULL);
}

static void lost_cancel(void *arg)
{
    (void)arg;
    weft_ctx *c = weft_ctx_with_cancel(weft_ctx_background());
    (void)weft_ctx_err(c);
}

/* A WithTimeout context nobody cancels is cancelled by its own deadline: not a leak (Go's timer fires). So is
 * a WithCancel child of it. */
static void timeout_not_cancelled(void *arg)
{
    (void)arg;
    weft_ctx *c = weft_ctx_with_timeout(weft_ctx_background(), WEFT_MINUTE);
    weft_ctx *k = weft_ctx_with_cancel(c);
    (void)weft_ctx_err(k);
}

/* A WithCancel context under background, left uncancelled beside a WithTimeout one: the leak names it. */
static void lost_cancel_beside_timeout(void *arg)
{
    (void)arg;
    weft_ctx *t = weft_ctx_with_timeout(weft_ctx_background(), WEFT_SECOND);
    weft_ctx *c = weft_ctx_with_cancel(weft_ctx_background());
    (void)weft_ctx_err(t);
    (void)weft_ctx_err(c);
}

static void test_lost(void **state)
{
    (void)state;
    weft_result r = check("lost_ticker", lost_ticker, WEFT_TIME_ADVERSARIAL);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "was never stopped");
    weft_result_free(&r);
    r = check("lost_cancel", lost_cancel, WEFT_TIME_IDLE);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "was never cancelled and nothing will cancel it");
    assert_contains(r.report, "lostcancel");
    weft_result_free(&r);
    expect("timeout_not_cancelled", timeout_not_cancelled, WEFT_TIME_IDLE, WEFT_OK);
    expect("timeout_not_cancelled", timeout_not_cancelled, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    r = check("lost_cancel_beside_timeout", lost_cancel_beside_timeout, WEFT_TIME_IDLE);
    tu_expect_verdict(&r, WEFT_LEAK);
    assert_contains(r.report, "context#3 (made at ");
    assert_contains(r.report, "was never cancelled and nothing will cancel it: no deadline is pending");
    assert_null(strstr(r.report, "context#2 made at"));
    weft_result_free(&r);
}

/* ---- zero and negative durations follow Go: already due, not usage errors ------ */

static int g_func_ran;
static void func_ran(void *arg)
{
    (void)arg;
    g_func_ran = 1;
}

static void negative_everywhere(void *arg)
{
    (void)arg;
    tu_begin();
    g_func_ran = 0;
    weft_sleep(-5);
    weft_sleep(INT64_MIN);
    int64_t at = -1, tm = -1, rs = -1;
    weft_chan_recv(weft_after(-5), &at);
    weft_timer *t = weft_timer_make(-WEFT_SECOND);
    weft_chan_recv(weft_timer_chan(t), &tm);
    bool was = weft_timer_reset(t, INT64_MIN);
    weft_chan_recv(weft_timer_chan(t), &rs);
    weft_timer *f = weft_after_func(-5, func_ran, NULL);
    weft_ctx *c = weft_ctx_with_timeout(weft_ctx_background(), -5);
    int err = weft_ctx_err(c);
    bool stopped = weft_timer_stop(f); /* due now, not fired yet in every schedule */
    while (!stopped && !g_func_ran)
        weft_yield();
    tu_emit("now=%lld after=%lld timer=%lld reset_was=%d reset=%lld err=%d func=%s", (long long)weft_now(),
            (long long)at, (long long)tm, was, (long long)rs, err, stopped ? "stopped" : "ran");
    tu_record();
}

static void test_negative_durations(void **state)
{
    (void)state;
    /* the clock never moves: everything is due at t=0 */
    static const char *const idle[] = {
        "now=0 after=0 timer=0 reset_was=0 reset=0 err=2 func=stopped",
        NULL,
    };
    tu_reset();
    expect("negative_everywhere", negative_everywhere, WEFT_TIME_IDLE, WEFT_OK);
    assert_true(tu_set_equals(idle));
    static const char *const adv[] = {
        "now=0 after=0 timer=0 reset_was=0 reset=0 err=2 func=stopped",
        "now=0 after=0 timer=0 reset_was=0 reset=0 err=2 func=ran",
        NULL,
    };
    tu_reset();
    expect("negative_everywhere", negative_everywhere, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    assert_true(tu_set_equals(adv));
}

/* ---- a ticker across the end of time: saturate, never loop ------------------------ */

static void ticker_sleep_forever(void *arg)
{
    (void)arg;
    tu_begin();
    weft_ticker *k = weft_ticker_make(WEFT_SECOND);
    weft_sleep(INT64_MAX);
    int64_t v = -1;
    bool got = weft_chan_recv(weft_ticker_chan(k), &v);
    weft_ticker_stop(k);
    tu_emit("now=%lld got=%d tick_ok=%d", (long long)weft_now(), got, v > 0);
    tu_record();
}

static void ticker_huge_period(void *arg)
{
    (void)arg;
    tu_begin();
    weft_ticker *k = weft_ticker_make(INT64_MAX / 2 + 1);
    weft_sleep(INT64_MAX);
    int64_t v = -1;
    weft_chan_recv(weft_ticker_chan(k), &v);
    weft_ticker_stop(k);
    tu_emit("now=%lld tick=%lld", (long long)weft_now(), (long long)v);
    tu_record();
}

static void test_ticker_end_of_time(void **state)
{
    (void)state;
    static const char *const forever[] = {"now=9223372036854775807 got=1 tick_ok=1", NULL};
    tu_reset();
    expect("ticker_sleep_forever", ticker_sleep_forever, WEFT_TIME_IDLE, WEFT_OK);
    assert_true(tu_set_equals(forever));
    tu_reset();
    expect("ticker_sleep_forever", ticker_sleep_forever, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    assert_true(tu_set_equals(forever));
    static const char *const huge[] = {"now=9223372036854775807 tick=4611686018427387904", NULL};
    tu_reset();
    expect("ticker_huge_period", ticker_huge_period, WEFT_TIME_IDLE, WEFT_OK);
    assert_true(tu_set_equals(huge));
    tu_reset();
    expect("ticker_huge_period", ticker_huge_period, WEFT_TIME_ADVERSARIAL, WEFT_OK);
    assert_true(tu_set_equals(huge));
}

/* A task starts a timer function and exits; the clock may fire it while the exiting task is still switching
 * off its stack: the function's new task must not be given that stack (it once was: a crash in weft). */
static weft_wg *exit_wg;
static void exit_fn(void *arg)
{
    (void)arg;
    weft_wg_done(exit_wg);
}

static void start_and_exit(void *arg)
{
    (void)arg;
    weft_after_func(WEFT_MS, exit_fn, NULL);
    weft_wg_done(exit_wg);
}

static void exit_while_timer_fires(void *arg)
{
    (void)arg;
    exit_wg = weft_wg_make();
    weft_wg_add(exit_wg, 2);
    weft_go(start_and_exit, NULL);
    weft_wg_wait(exit_wg);
}

static void test_exit_while_timer_fires(void **state)
{
    (void)state;
    expect("exit_while_timer_fires", exit_while_timer_fires, WEFT_TIME_ADVERSARIAL, WEFT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timer_order),   cmocka_unit_test(test_stop_reset),
        cmocka_unit_test(test_ticker_drop),   cmocka_unit_test(test_after_func),
        cmocka_unit_test(test_now),           cmocka_unit_test(test_ctx_tree),
        cmocka_unit_test(test_ctx_timeout),   cmocka_unit_test(test_handler_timeout),
        cmocka_unit_test(test_timer_not_deadlock), cmocka_unit_test(test_horizon),
        cmocka_unit_test(test_lost),          cmocka_unit_test(test_negative_durations),
        cmocka_unit_test(test_ticker_end_of_time),          cmocka_unit_test(test_exit_while_timer_fires),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
