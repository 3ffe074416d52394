/* test_stacks.c: reports show the stacks of blocked and failed tasks (file:line) and every case of a select. */
#include "testutil.h"

/* The functions below are kept out of line, and each call is followed by more work, so that an optimized build
 * keeps one frame per function (no inlining, no tail call): the stacks are the same at -O0 and -O2. */
#define KEEP __attribute__((noinline))

static volatile int sink;
static weft_chan *never; /* nobody ever sends on it */

/* The lines the reports must name, set by the statements they name (AT sits on the same line). */
#define AT(var) var = __LINE__;
static int L_INLINED, L_INLINED_CALL, L_WAIT, L_BLOCKER, L_BODY_LOCK, L_BODY, L_CLOSE, L_CLOSER, L_ASSERT,
    L_ASSERT_CALL, L_INIT, L_ONCE;
KEEP static void wait_forever(void)
{
    int v;
    AT(L_WAIT) weft_chan_recv(never, &v);
    sink = v;
}

static void blocker(void *arg)
{
    (void)arg;
    AT(L_BLOCKER) wait_forever();
    sink++;
}

KEEP static void body_waits(weft_mutex *m)
{
    AT(L_BODY_LOCK) weft_mutex_lock(m);
    sink++;
}

static void deadlock_body(void *arg)
{
    (void)arg;
    never = weft_chan_make(sizeof(int), 0);
    weft_mutex *m = weft_mutex_make();
    weft_go(blocker, NULL);
    weft_mutex_lock(m);
    AT(L_BODY) body_waits(m);
    sink++;
}

/* "    at FUNC (FILE:LINE)\n" for this file. */
static const char *frame(const char *func, int line)
{
    static char buf[8][256];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "    at %s (%s:%d)\n", func, __FILE__, line);
    return b;
}

/* No frame of weft itself, no address: only the program's functions, named. */
static void no_weft_frames(const char *report)
{
    for (const char *p = report; (p = strstr(p, "    at ")) != NULL; p++) {
        size_t n = strcspn(p, "\n");
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        if (strstr(line, "weft_") || strstr(line, "runtime/") || strstr(line, "checker/") || strstr(line, "0x"))
            fail_msg("a frame of weft itself or an address in the report: %s\n%s", line, report);
    }
}

static weft_result check(const char *name, void (*body)(void *), weft_report_format fmt)
{
    weft_options o = tu_exhaustive();
    o.report = fmt;
    return weft_check(name, body, NULL, &o);
}

/* A deadlock names, for each blocked task, the function where it blocked and its callers, with the lines. */
static void deadlock_stacks(void **state)
{
    (void)state;
    weft_result r = check("deadlock", deadlock_body, WEFT_REPORT_TEXT);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    char want[1024];
    snprintf(want, sizeof want, "  blocked in mutex_lock at %s:%d\n%s%s", __FILE__, L_BODY_LOCK,
             frame("body_waits", L_BODY_LOCK), frame("deadlock_body", L_BODY));
    if (!strstr(r.report, want))
        fail_msg("the body's stack is missing; want\n%s\nin\n%s", want, r.report);
    snprintf(want, sizeof want, "  blocked in chan_recv at %s:%d\n%s%s", __FILE__, L_WAIT,
             frame("wait_forever", L_WAIT), frame("blocker", L_BLOCKER));
    if (!strstr(r.report, want))
        fail_msg("task 1's stack is missing; want\n%s\nin\n%s", want, r.report);
    no_weft_frames(r.report);
    /* the replay prints the same stacks */
    weft_options o = tu_exhaustive();
    o.replay = r.replay;
    weft_result p = weft_check("deadlock", deadlock_body, NULL, &o);
    tu_same_report(p.report, r.report);
    weft_result_free(&p);
    weft_result_free(&r);
}

/* The JSON report gives each task a "stack" array of {func, file, line}. */
static void deadlock_stacks_json(void **state)
{
    (void)state;
    weft_result r = check("deadlock", deadlock_body, WEFT_REPORT_JSON);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    char want[1024];
    snprintf(want, sizeof want,
             "\"stack\": [{\"func\": \"wait_forever\", \"file\": \"%s\", \"line\": %d}, {\"func\": \"blocker\", "
             "\"file\": \"%s\", \"line\": %d}]",
             __FILE__, L_WAIT, __FILE__, L_BLOCKER);
    if (!strstr(r.report, want))
        fail_msg("want %s in\n%s", want, r.report);
    weft_result_free(&r);
}

/* A panic and a failed assertion: the failing task's stack at the point of failure. */
KEEP static void close_twice(weft_chan *c)
{
    weft_chan_close(c);
    AT(L_CLOSE) weft_chan_close(c);
    sink++;
}

static void closer(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(0, 0);
    AT(L_CLOSER) close_twice(c);
    sink++;
}

static void panic_body(void *arg)
{
    (void)arg;
    weft_go(closer, NULL);
}

static void panic_stack(void **state)
{
    (void)state;
    weft_result r = check("panic", panic_body, WEFT_REPORT_TEXT);
    tu_expect_verdict(&r, WEFT_PANIC);
    char want[1024];
    snprintf(want, sizeof want, "  failed at %s:%d\n%s%s", __FILE__, L_CLOSE, frame("close_twice", L_CLOSE),
             frame("closer", L_CLOSER));
    if (!strstr(r.report, want))
        fail_msg("want\n%s\nin\n%s", want, r.report);
    no_weft_frames(r.report);
    weft_result_free(&r);
}

KEEP static void check_sum(int sum)
{
    AT(L_ASSERT) weft_assert(sum == 3);
    sink++;
}

static void assert_body(void *arg)
{
    (void)arg;
    AT(L_ASSERT_CALL) check_sum(weft_choose(2) + 2);
    sink++;
}

static void assert_stack(void **state)
{
    (void)state;
    weft_result r = check("assert", assert_body, WEFT_REPORT_TEXT);
    tu_expect_verdict(&r, WEFT_ASSERT);
    char want[1024];
    snprintf(want, sizeof want, "  failed at %s:%d\n%s%s", __FILE__, L_ASSERT, frame("check_sum", L_ASSERT),
             frame("assert_body", L_ASSERT_CALL));
    if (!strstr(r.report, want))
        fail_msg("want\n%s\nin\n%s", want, r.report);
    weft_result_free(&r);
}

/* weft's frames in the middle of a stack (a Once running the program's function) are left out, and the frames
 * on both sides kept. */
static weft_once *once;

static void init_waits(void *arg)
{
    (void)arg;
    int v;
    AT(L_INIT) weft_chan_recv(never, &v);
    sink = v;
}

static void once_user(void *arg)
{
    (void)arg;
    AT(L_ONCE) weft_once_do(once, init_waits, NULL);
    sink++;
}

static void once_body(void *arg)
{
    (void)arg;
    never = weft_chan_make(sizeof(int), 0);
    once = weft_once_make();
    weft_go(once_user, NULL);
}

static void stack_through_weft(void **state)
{
    (void)state;
    weft_result r = check("once", once_body, WEFT_REPORT_TEXT);
    tu_expect_verdict(&r, WEFT_LEAK);
    char want[1024];
    snprintf(want, sizeof want, "%s%s", frame("init_waits", L_INIT), frame("once_user", L_ONCE));
    if (!strstr(r.report, want))
        fail_msg("want\n%s\nin\n%s", want, r.report);
    no_weft_frames(r.report);
    weft_result_free(&r);
}

/* An inlined call is a frame of its own, named by the debug information's inlined-call records. */
static inline __attribute__((always_inline)) void inlined_wait(int *v)
{
    AT(L_INLINED) weft_chan_recv(never, v);
}

static void inlining_task(void *arg)
{
    (void)arg;
    int v = 0;
    AT(L_INLINED_CALL) inlined_wait(&v);
    sink = v;
}

static void inline_body(void *arg)
{
    (void)arg;
    never = weft_chan_make(sizeof(int), 0);
    weft_go(inlining_task, NULL);
}

static void inlined_frames(void **state)
{
    (void)state;
    weft_result r = check("inline", inline_body, WEFT_REPORT_TEXT);
    tu_expect_verdict(&r, WEFT_LEAK);
    char want[1024];
    snprintf(want, sizeof want, "%s%s", frame("inlined_wait", L_INLINED), frame("inlining_task", L_INLINED_CALL));
    if (!strstr(r.report, want))
        fail_msg("want\n%s\nin\n%s", want, r.report);
    weft_result_free(&r);
}

/* A deep stack shows its innermost 16 frames, then "...". */
KEEP static int descend(int n)
{
    if (n == 0) {
        int v;
        weft_chan_recv(never, &v);
        return v;
    }
    int r = descend(n - 1);
    sink++;
    return r + 1;
}

static void deep_body(void *arg)
{
    (void)arg;
    never = weft_chan_make(sizeof(int), 0);
    sink = descend(40);
}

static void stack_depth_capped(void **state)
{
    (void)state;
    weft_result r = check("deep", deep_body, WEFT_REPORT_TEXT);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    int n = 0;
    for (const char *p = r.report; (p = strstr(p, "    at descend (")) != NULL; p++)
        n++;
    if (n != 16 || !strstr(r.report, "    ...\n"))
        fail_msg("want 16 frames of descend then \"    ...\", got %d:\n%s", n, r.report);
    weft_result_free(&r);
}

/* A select in the schedule shows every case and the one that fired, even when its step ended the execution. */
static void select_panics(void *arg)
{
    (void)arg;
    weft_chan *a = weft_chan_make(sizeof(int), 0), *b = weft_chan_make(sizeof(int), 1);
    weft_name(a, "a");
    weft_name(b, "b");
    weft_chan_close(b);
    int v = 1;
    weft_case cs[] = {WEFT_RECV(a, NULL, NULL), WEFT_SEND(b, &v)};
    weft_select_default(cs, 2); /* the send on closed b panics */
}

static void select_cases_in_schedule(void **state)
{
    (void)state;
    weft_result r = check("select", select_panics, WEFT_REPORT_TEXT);
    tu_expect_verdict(&r, WEFT_PANIC);
    assert_contains(r.report, "select_default             {recv chan#1 `a`, send chan#2 `b` (fired), default} ");
    weft_result_free(&r);
    r = check("select", select_panics, WEFT_REPORT_JSON);
    tu_expect_verdict(&r, WEFT_PANIC);
    assert_contains(r.report, "\"cases\": [{\"case\": 0, \"dir\": \"recv\", \"object\": \"chan#1 `a`\", "
                              "\"fired\": false}, {\"case\": 1, \"dir\": \"send\", \"object\": \"chan#2 `b`\", "
                              "\"fired\": true}, "
                              "{\"dir\": \"default\", \"fired\": false}]");
    weft_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deadlock_stacks),
        cmocka_unit_test(deadlock_stacks_json),
        cmocka_unit_test(panic_stack),
        cmocka_unit_test(assert_stack),
        cmocka_unit_test(stack_through_weft),
        cmocka_unit_test(inlined_frames),
        cmocka_unit_test(stack_depth_capped),
        cmocka_unit_test(select_cases_in_schedule),
    };
    return cmocka_run_group_tests_name("stacks", tests, NULL, NULL);
}
