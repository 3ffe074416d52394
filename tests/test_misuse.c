/* test_misuse.c: each misuse of the API, the options and the command line gets its one-line error naming the call and the line. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

/* The line of the misuse under test: MISUSE(stmt) records it on the statement's own line. */
static int mline;
#define MISUSE(stmt)       \
    do {                   \
        mline = __LINE__;  \
        stmt;              \
    } while (0)

/* One misuse: a statement run by a test body, and the message it must end the check with. */
typedef struct misuse {
    void (*run)(void);
    const char *call; /* the call the message names */
    const char *msg;  /* what it says after the call's name */
} misuse;

static void run_misuse(void *arg)
{
    ((const misuse *)arg)->run();
}

/* Check m under exhaustive options and expect exactly "FILE:LINE: call: msg" as the usage error, on one line,
 * with no verdict, report or token. */
static void expect_usage(const misuse *m)
{
    weft_options o = tu_exhaustive();
    mline = 0;
    weft_result r = weft_check("misuse", run_misuse, (void *)m, &o);
    char want[512];
    snprintf(want, sizeof want, "%s:%d: %s: %s", __FILE__, mline, m->call, m->msg);
    if (!r.error)
        print_error("  %s: no usage error (verdict %s)\n", m->call, weft_verdict_name(r.verdict));
    assert_non_null(r.error);
    assert_string_equal(r.error, want);
    assert_null(strchr(r.error, '\n'));
    assert_int_equal(r.verdict, WEFT_ERROR); /* never WEFT_OK */
    assert_null(r.report);
    assert_null(r.replay);
    weft_result_free(&r);
}

#define EXPECT_ALL(table)                                           \
    for (size_t i = 0; i < sizeof(table) / sizeof *(table); i++) \
        expect_usage(&(table)[i])

static void nothing(void *arg)
{
    (void)arg;
}

/* ---- any weft call outside a running check: message on stderr, exit status 2 ---- */

/* OUTSIDE(fn, stmt): a function running the misuse stmt, and fn_line, the line it is on. */
#define OUTSIDE(fn, stmt) enum { fn##_line = __LINE__ }; static void fn(void) { stmt; }
OUTSIDE(out_chan_make, weft_chan_make(4, 1))
OUTSIDE(out_mutex_lock, weft_mutex_lock(NULL))
OUTSIDE(out_sleep, weft_sleep(5))
OUTSIDE(out_try, weft_try(NULL, NULL, NULL, 0))
OUTSIDE(out_task_id, weft_task_id())
OUTSIDE(out_name, weft_name(&mline, "x"))
OUTSIDE(out_alloc, weft_alloc(8))
OUTSIDE(out_background, weft_ctx_background())
OUTSIDE(out_go, weft_go(nothing, NULL))
OUTSIDE(out_choose, weft_choose(2))
OUTSIDE(out_assert, weft_assert(1))

static const struct outside {
    void (*run)(void);
    const char *call;
    int line;
} outside[] = {
    {out_chan_make, "weft_chan_make", out_chan_make_line},
    {out_mutex_lock, "weft_mutex_lock", out_mutex_lock_line},
    {out_sleep, "weft_sleep", out_sleep_line},
    {out_try, "weft_try", out_try_line},
    {out_task_id, "weft_task_id", out_task_id_line},
    {out_name, "weft_name", out_name_line},
    {out_alloc, "weft_alloc", out_alloc_line},
    {out_background, "weft_ctx_background", out_background_line},
    {out_go, "weft_go", out_go_line},
    {out_choose, "weft_choose", out_choose_line},
    {out_assert, "weft_assert", out_assert_line},
};

static const struct outside *outside_case;

static int call_outside(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    outside_case->run();
    return 0; /* not reached: the call exits */
}

static void call_outside_a_check(void **state)
{
    (void)state;
    char err[1024], want[512];
    char *argv[] = {"test_misuse", NULL};
    for (size_t i = 0; i < sizeof outside / sizeof *outside; i++) {
        outside_case = &outside[i];
        int status = tu_in_child(call_outside, 1, argv, NULL, err, sizeof err);
        snprintf(want, sizeof want,
                 "weft: %s:%d: %s called outside a running check (call it from a test body or a task)\n", __FILE__,
                 outside[i].line, outside[i].call);
        assert_string_equal(err, want);
        assert_int_equal(status, 2);
    }
}

/* ---- a NULL handle where one is required ---------------------------------- */

static void n_mutex(void) { MISUSE(weft_mutex_lock(NULL)); }
static void n_rwmutex(void) { MISUSE(weft_rwmutex_rlock(NULL)); }
static void n_wg(void) { MISUSE(weft_wg_wait(NULL)); }
static void n_once(void) { MISUSE(weft_once_do(NULL, nothing, NULL)); }
static void n_cond(void) { MISUSE(weft_cond_signal(NULL)); }
static void n_cond_make(void) { MISUSE(weft_cond_make(NULL)); }
static void n_timer(void) { MISUSE(weft_timer_stop(NULL)); }
static void n_timer_chan(void) { MISUSE(weft_timer_chan(NULL)); }
static void n_ticker(void) { MISUSE(weft_ticker_chan(NULL)); }
static void n_ctx(void) { MISUSE(weft_ctx_err(NULL)); }
static void n_ctx_done(void) { MISUSE(weft_ctx_done(NULL)); }
static void n_name(void) { MISUSE(weft_name(NULL, "x")); }

static void null_handle(void **state)
{
    (void)state;
    static const misuse table[] = {
        {n_mutex, "weft_mutex_lock", "NULL mutex handle"},
        {n_rwmutex, "weft_rwmutex_rlock", "NULL rwmutex handle"},
        {n_wg, "weft_wg_wait", "NULL waitgroup handle"},
        {n_once, "weft_once_do", "NULL once handle"},
        {n_cond, "weft_cond_signal", "NULL cond handle"},
        {n_cond_make, "weft_cond_make", "NULL mutex handle"},
        {n_timer, "weft_timer_stop", "NULL timer handle"},
        {n_timer_chan, "weft_timer_chan", "NULL timer handle"},
        {n_ticker, "weft_ticker_chan", "NULL ticker handle"},
        {n_ctx, "weft_ctx_err", "NULL context handle"},
        {n_ctx_done, "weft_ctx_done", "NULL context handle"},
        {n_name, "weft_name", "NULL object"},
    };
    EXPECT_ALL(table);
}

/* ---- a handle from an earlier execution ------------------------------------ */

static weft_mutex *kept_mutex;
static weft_chan *kept_chan;

/* weft_choose(2) gives two executions; the second uses what the first kept. */
static void s_mutex(void)
{
    weft_choose(2);
    if (!kept_mutex)
        kept_mutex = weft_mutex_make();
    else
        MISUSE(weft_mutex_lock(kept_mutex));
}

/* The handle is kept only once, but each execution makes a channel at the same point of its run: the new one
 * never takes the kept one's place. */
static void s_chan(void)
{
    weft_choose(2);
    int v = 1;
    weft_chan *c = weft_chan_make(sizeof v, 1);
    if (!kept_chan)
        kept_chan = c;
    MISUSE(weft_chan_send(kept_chan, &v));
}

/* Kept two executions earlier, unused in between: every execution makes its mutex at the same point of its run,
 * so the kept handle's address would be the third execution's own (unlocked) mutex had memory been reused. */
static weft_mutex *kept_two;
static void s_two_back(void)
{
    int k = weft_choose(3);
    weft_mutex *m = weft_mutex_make();
    if (k == 0) {
        kept_two = m;
        weft_mutex_lock(m);
    } else if (k == 2) {
        MISUSE(weft_mutex_lock(kept_two));
    }
}

/* Kept by the first of 40 executions, used by the last. */
static weft_wg *kept_wg;
static void s_many_back(void)
{
    int k = weft_choose(40);
    weft_wg *wg = weft_wg_make();
    weft_chan_make(sizeof(int), 4);
    if (k == 0)
        kept_wg = wg;
    else if (k == 39)
        MISUSE(weft_wg_add(kept_wg, 1));
}

/* Kept from another check altogether. */
static weft_chan *kept_other;
static void keep_chan(void *arg)
{
    (void)arg;
    kept_other = weft_chan_make(sizeof(int), 1);
}
static void s_other_check(void) { MISUSE(weft_chan_len(kept_other)); }

static void stale_handle(void **state)
{
    (void)state;
    static const misuse table[] = {
        {s_mutex, "weft_mutex_lock", "the mutex was made by an earlier execution (handles live for one execution)"},
        {s_chan, "weft_chan_send", "the chan was made by an earlier execution (handles live for one execution)"},
        {s_two_back, "weft_mutex_lock", "the mutex was made by an earlier execution (handles live for one execution)"},
        {s_many_back, "weft_wg_add", "the waitgroup was made by an earlier execution (handles live for one execution)"},
        {s_other_check, "weft_chan_len", "the chan was made by an earlier execution (handles live for one execution)"},
    };
    kept_mutex = NULL;
    kept_chan = NULL;
    kept_two = NULL;
    kept_wg = NULL;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("keep", keep_chan, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    weft_result_free(&r);
    EXPECT_ALL(table);
}

/* ---- a handle of the wrong kind -------------------------------------------- */

static void k_chan_as_mutex(void) { MISUSE(weft_mutex_lock((weft_mutex *)weft_chan_make(0, 0))); }
static void k_mutex_as_rw(void) { MISUSE(weft_rwmutex_lock((weft_rwmutex *)weft_mutex_make())); }
static long long junk[16];
static void k_stray(void) { MISUSE(weft_wg_wait((weft_wg *)junk)); }

static void wrong_kind_handle(void **state)
{
    (void)state;
    static const misuse table[] = {
        {k_chan_as_mutex, "weft_mutex_lock", "the handle is not a mutex"},
        {k_mutex_as_rw, "weft_rwmutex_lock", "the handle is not a rwmutex"},
        {k_stray, "weft_wg_wait", "the handle is not a waitgroup"},
    };
    EXPECT_ALL(table);
}

/* ---- sizes that cannot be right -------------------------------------------- */

static void z_send_null(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    MISUSE(weft_chan_send(c, NULL));
}
static void z_select_null(void)
{
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    weft_case cs[] = {WEFT_SEND(c, NULL)};
    MISUSE(weft_select(cs, 1));
}
static void z_alloc(void) { MISUSE(weft_alloc((size_t)-1)); }

static void element_size_mismatch(void **state)
{
    (void)state;
    static const misuse table[] = {
        {z_send_null, "weft_chan_send", "NULL element pointer for a channel of 4-byte elements"},
        {z_select_null, "weft_select", "case 0 sends from a NULL pointer"},
        {z_alloc, "weft_alloc", "18446744073709551615 bytes is too large (at most 4 GiB; a negative size?)"},
    };
    EXPECT_ALL(table);
}

/* ---- weft_choose(0), bad counts, NULL functions ----------------------------- */

static void c_zero(void) { MISUSE(weft_choose(0)); }
static void c_negative(void) { MISUSE(weft_choose(-3)); }

static void choose_zero(void **state)
{
    (void)state;
    static const misuse table[] = {
        {c_zero, "weft_choose", "n must be at least 1 (got 0)"},
        {c_negative, "weft_choose", "n must be at least 1 (got -3)"},
    };
    EXPECT_ALL(table);
}

static void f_go(void) { MISUSE(weft_go(NULL, NULL)); }
static void f_go_typed(void) { MISUSE(WEFT_GO((void (*)(int))NULL, 1)); }
static void f_once(void) { MISUSE(weft_once_do(weft_once_make(), NULL, NULL)); }
static void f_after_func(void) { MISUSE(weft_after_func(1, NULL, NULL)); }
static void f_select_count(void) { MISUSE(weft_select(NULL, -1)); }
static void f_try(void) { MISUSE(weft_try(NULL, NULL, NULL, 0)); }

static void null_function_and_bad_count(void **state)
{
    (void)state;
    static const misuse table[] = {
        {f_go, "weft_go", "NULL function"},
        {f_go_typed, "WEFT_GO", "NULL function"},
        {f_once, "weft_once_do", "NULL function"},
        {f_after_func, "weft_after_func", "NULL function"},
        {f_select_count, "weft_select", "bad number of cases -1"},
        {f_try, "weft_try", "NULL function"},
    };
    EXPECT_ALL(table);
}

/* ---- misuse that panics in Go is WEFT_PANIC with Go's message, not a usage error ---------------------- */

static void p_ticker_negative(void) { MISUSE(weft_ticker_make(-5)); }
static void p_ticker_zero(void) { MISUSE(weft_ticker_make(0)); }
static void p_chan_elem(void) { MISUSE(weft_chan_make((size_t)-8, 0)); }
static void p_chan_cap(void) { MISUSE(weft_chan_make(8, (size_t)-1)); }
static void p_chan_cap_empty(void) { MISUSE(weft_chan_make(0, (size_t)-1)); }
static void p_chan_too_big(void) { MISUSE(weft_chan_make(1024, (size_t)1 << 23)); }
static void p_ctx_cancel_nil(void) { MISUSE(weft_ctx_with_cancel(NULL)); }
static void p_ctx_timeout_nil(void) { MISUSE(weft_ctx_with_timeout(NULL, WEFT_SECOND)); }

/* Check m and expect verdict WEFT_PANIC raised at its line with exactly Go's message (m->msg). */
static void expect_panic(const misuse *m)
{
    weft_options o = tu_exhaustive();
    mline = 0;
    weft_result r = weft_check("panic", run_misuse, (void *)m, &o);
    tu_expect_verdict(&r, WEFT_PANIC);
    char want[512];
    snprintf(want, sizeof want, "%s:%d: %s\n", __FILE__, mline, m->msg);
    assert_contains(r.report, want);
    weft_result_free(&r);
}

static void go_panics(void **state)
{
    (void)state;
    static const misuse table[] = {
        {p_ticker_negative, "weft_ticker_make", "non-positive interval for NewTicker"},
        {p_ticker_zero, "weft_ticker_make", "non-positive interval for NewTicker"},
        {p_chan_elem, "weft_chan_make", "makechan: size out of range"},
        {p_chan_cap, "weft_chan_make", "makechan: size out of range"},
        {p_chan_cap_empty, "weft_chan_make", "makechan: size out of range"},
        {p_chan_too_big, "weft_chan_make", "makechan: size out of range"},
        {p_ctx_cancel_nil, "weft_ctx_with_cancel", "cannot create context from nil parent"},
        {p_ctx_timeout_nil, "weft_ctx_with_timeout", "cannot create context from nil parent"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        expect_panic(&table[i]);
}

/* A zero-size element type has no buffer to hold: any non-negative capacity is fine, as in Go. */
static void huge_empty_chan(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(0, (size_t)1 << 40);
    weft_chan_send(c, NULL);
    weft_assert(weft_chan_len(c) == 1 && weft_chan_cap(c) == ((size_t)1 << 40));
}

static void chan_sizes_in_range(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("huge_empty_chan", huge_empty_chan, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    weft_result_free(&r);
}

static void zero_everywhere(void *arg)
{
    (void)arg;
    weft_sleep(0);
    weft_chan_recv(weft_after(0), NULL);
    weft_timer *t = weft_timer_make(0);
    weft_chan_recv(weft_timer_chan(t), NULL);
    weft_timer_reset(t, 0);
    weft_after_func(0, nothing, NULL);
    weft_ctx *c = weft_ctx_with_timeout(weft_ctx_background(), 0);
    weft_assert(weft_ctx_err(c) == WEFT_DEADLINE_EXCEEDED);
}

static void zero_ticker(void *arg)
{
    (void)arg;
    weft_ticker_make(0);
}

static void zero_durations_legal(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("zero", zero_everywhere, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    weft_result_free(&r);
    /* a ticker's period must be positive: zero is Go's panic, not a usage error */
    r = weft_check("zero_ticker", zero_ticker, NULL, &o);
    tu_expect_verdict(&r, WEFT_PANIC);
    assert_contains(r.report, "non-positive interval for NewTicker");
    weft_result_free(&r);
}

/* ---- weft_check inside a check, options out of range -------------------------- */

static char inner_error[256];

static void check_inside(void *arg)
{
    (void)arg;
    weft_result r = weft_check("inner", nothing, NULL, NULL);
    snprintf(inner_error, sizeof inner_error, "%s", r.error ? r.error : "(none)");
    weft_result_free(&r);
}

static void check_inside_a_check(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("outer", check_inside, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_string_equal(inner_error, "weft_check: called from inside a running check");
    weft_result_free(&r);
}

static void expect_option_refused(weft_options o, const char *want)
{
    weft_result r = weft_check("options", nothing, NULL, &o);
    assert_non_null(r.error);
    assert_string_equal(r.error, want);
    assert_int_equal(r.executions, 0);
    weft_result_free(&r);
}

static void options_out_of_range(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.max_steps = 0;
    expect_option_refused(o, "weft_check: option max_steps is 0, out of range (1 to 1000000000)");
    o = tu_exhaustive();
    o.stack_size = 0;
    expect_option_refused(o, "weft_check: option stack_size is 0, out of range (16384 to 1073741824)");
    o = tu_exhaustive();
    o.iterations = 0;
    expect_option_refused(o, "weft_check: option iterations is 0, out of range (1 to 9223372036854775807)");
    o = tu_exhaustive();
    o.max_preemptions = -2;
    expect_option_refused(o, "weft_check: option max_preemptions is -2, out of range (-1 to 1000000)");
    o = tu_exhaustive();
    o.time_limit = -1;
    expect_option_refused(o, "weft_check: option time_limit is -1, out of range (0 to 1000000000)");
    o = tu_exhaustive();
    o.strategy = (weft_strategy)9;
    expect_option_refused(o, "weft_check: option strategy is 9, out of range (0 to 3)");
    o = tu_exhaustive();
    o.leak_horizon = -1;
    expect_option_refused(o, "weft_check: option leak_horizon is -1, out of range (0 to 9223372036854775807)");
}

/* ---- the command line: weft_main in a child ------------------------------------ */

WEFT_TEST(clean_test)
{
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    int v = 1;
    weft_chan_send(c, &v);
}

enum { bad_choose_line = __LINE__ }; static void choose_none(void) { weft_choose(0); }
WEFT_TEST(bad_choose)
{
    choose_none();
}

static void deadlock(void *arg)
{
    (void)arg;
    weft_chan_recv(weft_chan_make(0, 0), NULL);
}

/* weft_main(args) with `env` must exit 2 printing exactly `want` on stderr. */
static void expect_cli_error(const char *env, const char *want, int argc, ...)
{
    char *argv[16] = {"test_misuse"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    char err[2048];
    int status = tu_in_child(weft_main, argc, argv, env, err, sizeof err);
    assert_string_equal(err, want);
    assert_int_equal(status, 2);
}

static void flags_out_of_range(void **state)
{
    (void)state;
    expect_cli_error(NULL, "weft: --max-preemptions: '-1' is not a number from 0 to 1000000\n", 3, "--max-preemptions",
                     "-1");
    expect_cli_error(NULL, "weft: --iterations: '0' is not a positive number\n", 2, "--iterations=0");
    expect_cli_error(NULL, "weft: --max-steps: 'lots' is not a number from 1 to 1000000000\n", 3, "--max-steps",
                     "lots");
    expect_cli_error(NULL, "weft: --stack-size: '1' is not a size from 16K to 1G (bytes, or with K, M or G)\n", 3,
                     "--stack-size", "1");
    expect_cli_error(NULL, "weft: --time-limit: '-3' is not a positive number of seconds\n", 3, "--time-limit", "-3");
    expect_cli_error(NULL, "weft: --seed: ' -1' is not a non-negative number\n", 3, "--seed", " -1");
    expect_cli_error(NULL, "weft: --leak-horizon: '-1s' is not a duration such as 60s, 500ms or 2m\n", 3,
                     "--leak-horizon", "-1s");
    expect_cli_error(NULL, "weft: --max-executions needs a value\n", 2, "--max-executions");
    expect_cli_error("WEFT_MAX_STEPS=0",
                     "weft: environment variable WEFT_MAX_STEPS: --max-steps: '0' is not a number from 1 to 1000000000\n",
                     1);
}

static void unknown_flags(void **state)
{
    (void)state;
    expect_cli_error(NULL, "weft: unknown argument '--no-such-flag' (see --help)\n", 2, "--no-such-flag");
    expect_cli_error(NULL, "weft: unknown argument '-x' (see --help)\n", 2, "-x");
    expect_cli_error(NULL, "weft: unknown argument 'stray' (see --help)\n", 2, "stray");
    expect_cli_error(NULL, "weft: --strategy: unknown strategy 'bogus' (dpor, dfs, random, pct)\n", 2, "--strategy=bogus");
    expect_cli_error(NULL, "weft: --test needs a pattern\n", 2, "--test");
}

static void bad_replay_token(void **state)
{
    (void)state;
    expect_cli_error(NULL, "weft: bad replay token: not a weft replay token (it must start with 'weft2-')\n", 3,
                     "--replay", "hello");
    expect_cli_error(NULL, "weft: bad replay token: the token is truncated\n", 3, "--replay", "weft2-zz");
    expect_cli_error(NULL, "weft: clean_test: bad replay token: bad character '!' at position 7\n", 5, "--test",
                     "clean_test", "--replay", "weft2-!000000000000000");
    expect_cli_error(NULL, "weft: --replay: empty token\n", 2, "--replay=");

    /* foreign tokens: made for another test of this program, or for a test it does not have */
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("negative_sleep_elsewhere", deadlock, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    expect_cli_error(NULL, "weft: clean_test: bad replay token: it was made for another test, not 'clean_test'\n", 5,
                     "--test", "clean_test", "--replay", r.replay);
    expect_cli_error(NULL, "weft: bad replay token: it was made for a test this program does not have\n", 3,
                     "--replay", r.replay);
    weft_result_free(&r);
}

/* A usage error inside a test run by weft_main: one line naming the test, the call and the line; exit 2. */
static void usage_error_through_weft_main(void **state)
{
    (void)state;
    char *argv[] = {"test_misuse", "--test", "bad_choose", NULL};
    char err[1024], want[512];
    int status = tu_in_child(weft_main, 3, argv, NULL, err, sizeof err);
    snprintf(want, sizeof want, "weft: bad_choose: %s:%d: weft_choose: n must be at least 1 (got 0)\n", __FILE__,
             bad_choose_line);
    assert_string_equal(err, want);
    assert_int_equal(status, 2);
}

/* ---- memory follows the largest execution, not the sum of all ------------------ */

#if defined(__SANITIZE_ADDRESS__)
#define TU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_ASAN 1
#endif
#endif
#ifndef TU_ASAN
#define TU_ASAN 0
#endif

/* Execution k (of 16) needs 2(k+1) MiB: half in one block, half in 64 KiB pieces. */
static void growing(void *arg)
{
    (void)arg;
    size_t need = (size_t)(weft_choose(16) + 1) * (2u << 20);
    weft_alloc(need / 2);
    for (size_t i = 0; i < need / 2; i += 65536)
        weft_alloc(65536);
}

/* The peak resident memory of this process, in KiB (VmHWM), or -1. */
static long peak_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kib = atol(line + 6);
    if (f)
        fclose(f);
    return kib;
}

static int growing_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    long before = peak_kib();
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("growing", growing, NULL, &o);
    long after = peak_kib();
    fprintf(stderr, "%s %lld %ld", weft_verdict_name(r.verdict), r.executions, after - before);
    weft_result_free(&r);
    return 0;
}

/* 16 executions needing 2, 4, ..., 32 MiB (272 MiB in all): the peak grows by a few times 32 MiB at most. */
static void memory_follows_largest(void **state)
{
    (void)state;
    if (TU_ASAN)
        skip(); /* AddressSanitizer keeps freed memory in quarantine: resident memory says nothing about weft's */
    if (peak_kib() < 0)
        skip();
    char *argv[] = {"growing", NULL};
    char err[256];
    assert_int_equal(tu_in_child(growing_main, 1, argv, NULL, err, sizeof err), 0);
    char verdict[32];
    long long execs = 0;
    long grew = 0;
    assert_int_equal(sscanf(err, "%31s %lld %ld", verdict, &execs, &grew), 3);
    assert_string_equal(verdict, "OK");
    assert_int_equal(execs, 16);
    print_message("  peak memory grew by %ld KiB\n", grew);
    if (grew >= 3 * 32 * 1024)
        print_error("  peak memory grew by %ld KiB for a largest execution of 32 MiB\n", grew);
    assert_true(grew < 3 * 32 * 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(call_outside_a_check),
        cmocka_unit_test(null_handle),
        cmocka_unit_test(stale_handle),
        cmocka_unit_test(wrong_kind_handle),
        cmocka_unit_test(element_size_mismatch),
        cmocka_unit_test(choose_zero),
        cmocka_unit_test(null_function_and_bad_count),
        cmocka_unit_test(go_panics),
        cmocka_unit_test(chan_sizes_in_range),
        cmocka_unit_test(memory_follows_largest),
        cmocka_unit_test(zero_durations_legal),
        cmocka_unit_test(check_inside_a_check),
        cmocka_unit_test(options_out_of_range),
        cmocka_unit_test(flags_out_of_range),
        cmocka_unit_test(unknown_flags),
        cmocka_unit_test(bad_replay_token),
        cmocka_unit_test(usage_error_through_weft_main),
    };
    return cmocka_run_group_tests_name("misuse", tests, NULL, NULL);
}
