/* test_trust.c: verdicts under hostile code: replays that diverge, flags in tokens, exit(), hangs, signals, threads,
 * fork, large frames, weft's own resource errors, crafted tokens; each process-ending case runs in a child. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "../checker/strategy.h"

/* ---- a child running weft_main (or a function) ------------------------------ */

typedef struct child {
    int status;       /* wait status */
    char out[65536];  /* stdout and stderr, interleaved */
} child;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run fn(argc, argv) in a child with stdout and stderr on one pipe; after `after` seconds (if > 0) send it `sig`;
 * kill it after 30 s in any case. */
static void run_child(child *c, int (*fn)(int, char **), char **argv, double after, int sig)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[1]);
        /* as a program run from a terminal: a shell's background job (`cmd &`) starts with SIGINT and SIGQUIT
         * ignored, which weft leaves ignored, and the tests below send or raise them */
        const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGALRM, SIGPIPE};
        for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
            signal(sigs[i], SIG_DFL);
        int s = fn(argc, argv);
        fflush(stdout);
        _exit(s);
    }
    close(fd[1]);
    size_t n = 0;
    double t0 = now();
    bool sent = false, killed = false;
    for (;;) {
        struct pollfd p = {fd[0], POLLIN, 0};
        poll(&p, 1, 20);
        if (p.revents) {
            ssize_t k = read(fd[0], c->out + n, sizeof c->out - 1 - n);
            if (k <= 0)
                break;
            n += (size_t)k;
        }
        if (after > 0 && !sent && now() - t0 >= after) {
            kill(pid, sig);
            sent = true;
        }
        if (!killed && now() - t0 > 30) {
            kill(pid, SIGKILL);
            killed = true;
        }
    }
    c->out[n] = 0;
    close(fd[0]);
    assert_int_equal(waitpid(pid, &c->status, 0), pid);
    if (killed)
        fail_msg("the child did not end in 30 s; its output:\n%s", c->out);
}

static int exit_status(const child *c)
{
    if (!WIFEXITED(c->status))
        fail_msg("the child died by signal %d instead of exiting; its output:\n%s",
                 WIFSIGNALED(c->status) ? WTERMSIG(c->status) : -1, c->out);
    return WEXITSTATUS(c->status);
}

/* The replay token in a report ("replay: weft2-...") copied to buf. */
static void token_of(const char *report, char *buf, size_t n)
{
    const char *p = strstr(report, "replay: weft2-");
    if (!p)
        fail_msg("no replay token in:\n%s", report);
    p += 8;
    size_t k = strcspn(p, "\n ");
    snprintf(buf, n, "%.*s", (int)k, p);
}

/* The report of test `name` in weft_main's output: from "VERDICT in name" to the statistics line. */
static void report_of(const char *out, const char *name, char *buf, size_t n)
{
    char head[128];
    snprintf(head, sizeof head, " in %s\n", name);
    const char *p = strstr(out, head);
    if (!p)
        fail_msg("no report of %s in:\n%s", name, out);
    while (p > out && p[-1] != '\n')
        p--;
    const char *e = strstr(p, "\nstatistics: ");
    size_t k = e ? (size_t)(e - p) : strlen(p);
    snprintf(buf, n, "%.*s", (int)k, p);
}

/* ---- 5: a replay that ends otherwise is a nondeterminism error naming the difference ---- */

static int runs;

/* The verdict depends on a static the body does not reset: PANIC on the third execution only. */
static void panics_on_third(void *arg)
{
    (void)arg;
    runs++;
    weft_chan *c = weft_chan_make(sizeof(int), 1);
    int v = weft_choose(4);
    weft_chan_send(c, &v);
    if (runs == 3)
        weft_panic("third run");
}

static void replay_of_a_static_dependent_verdict(void **state)
{
    (void)state;
    runs = 0;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("static", panics_on_third, NULL, &o);
    tu_expect_verdict(&r, WEFT_PANIC);
    o.replay = r.replay;
    weft_result p = weft_check("static", panics_on_third, NULL, &o);
    assert_null(p.report);
    assert_contains(p.error, "nondeterministic program: the replay took the same 1 step as the token's execution but "
                             "ended with OK, the token's execution with PANIC");
    weft_result_free(&p);
    /* once the static is right again, the replay reproduces the report */
    runs = 2;
    p = weft_check("static", panics_on_third, NULL, &o);
    tu_expect_verdict(&p, WEFT_PANIC);
    tu_same_report(r.report, p.report);
    weft_result_free(&p);
    weft_result_free(&r);
}

static int extra;

static void helper(void *arg)
{
    weft_chan_send((weft_chan *)arg, &extra);
}

/* After the first execution, the body takes one more step before its choice. */
static void more_steps_later(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 2);
    if (extra++ > 0)
        weft_chan_send(c, &extra);
    weft_go(helper, c);
    weft_go(helper, c);
    int v;
    weft_chan_recv(c, &v);
    weft_chan_recv(c, &v);
    weft_chan_recv(c, &v);
}

static void replay_names_the_first_choice_that_moved(void **state)
{
    (void)state;
    extra = 0;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("moved", more_steps_later, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    o.replay = r.replay;
    weft_result p = weft_check("moved", more_steps_later, NULL, &o);
    assert_contains(p.error, "nondeterministic program: choice 1 comes before step ");
    assert_contains(p.error, "in the replay, before step ");
    /* both sides, and they differ */
    long long a = 0, b = 0;
    const char *s = strstr(p.error, "comes before step ");
    assert_int_equal(sscanf(s, "comes before step %lld in the replay, before step %lld", &a, &b), 2);
    assert_true(a != b);
    assert_contains(p.error, "the replay took: step 1: task 0 chan_send at ");
    weft_result_free(&p);
    weft_result_free(&r);
}

static int line_flip;

/* The same number of steps every time, but after the first execution the body blocks at another line. */
static void other_line_later(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(sizeof(int), 0);
    weft_go(helper, c);
    int v;
    if (line_flip++ == 0)
        weft_chan_recv(c, &v);
    else
        weft_chan_recv(c, &v);
    weft_chan_recv(c, &v);
}

static void replay_names_steps_that_differ(void **state)
{
    (void)state;
    line_flip = 0;
    weft_options o = tu_exhaustive();
    o.max_executions = 1;
    weft_result r = weft_check("lines", other_line_later, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    o.replay = r.replay;
    weft_result p = weft_check("lines", other_line_later, NULL, &o);
    assert_contains(p.error, "nondeterministic program: the steps ");
    assert_contains(p.error, "differ from the token's execution");
    assert_contains(p.error, "the replay took: step ");
    weft_result_free(&p);
    weft_result_free(&r);
}

/* A token of weft before version 2 (no verdict, no flags) is refused with what to do. */
static void older_token_refused(void **state)
{
    (void)state;
    static child c;
    char *argv[] = {"test_trust", "--replay", "weft1-047d4j1902g8t1g10407aw85ct7thd7r", NULL};
    run_child(&c, weft_main, argv, 0, 0);
    assert_int_equal(exit_status(&c), 2);
    assert_string_equal(c.out, "weft: bad replay token: the token was made by an older weft (token version 1; this "
                               "weft reads version 2): re-run the check to get a new token\n");
}

/* ---- 6: the flags that shape an execution travel in the token ---------------- */

static void late_sleeper(void *arg)
{
    (void)arg;
    weft_sleep(45 * WEFT_SECOND);
}

/* LEAK under a 30 s leak horizon, OK under the default minute. */
static void leaves_sleeper(void *arg)
{
    (void)arg;
    weft_go(late_sleeper, NULL);
}

static void spinner_yield(void *arg)
{
    (void)arg;
    for (;;)
        weft_yield();
}

/* LIVELOCK at whatever step bound is in force: the report's step count depends on it. */
static void spins(void *arg)
{
    (void)arg;
    weft_chan *c = weft_chan_make(0, 0);
    weft_go(spinner_yield, NULL);
    weft_chan_recv(c, NULL);
}

static int depth_reached;
static int deep_frames(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    depth_reached = n;
    return n > 0 ? deep_frames(n - 1) + pad[0] : 0;
}

/* A stack overflow with 16 KiB stacks, nothing with the default 256 KiB. */
static void needs_stack(void *arg)
{
    (void)arg;
    weft_yield();
    deep_frames(100);
}

static void body_needs_stack(void *arg)
{
    (void)arg;
    weft_go(needs_stack, NULL);
}

/* Check body under o (finding `v`), then replay its token under default options: the same report. */
static void replays_under_defaults(const char *name, void (*body)(void *), weft_options o, weft_verdict v,
                                   const char *want)
{
    weft_result r = weft_check(name, body, NULL, &o);
    tu_expect_verdict(&r, v);
    assert_contains(r.report, want);
    weft_options d = tu_exhaustive();
    d.replay = r.replay;
    weft_result p = weft_check(name, body, NULL, &d);
    tu_expect_verdict(&p, v);
    tu_same_report(r.report, p.report);
    weft_result_free(&p);
    weft_result_free(&r);
}

static void flags_travel_in_the_token(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.leak_horizon = 30 * WEFT_SECOND;
    replays_under_defaults("horizon", leaves_sleeper, o, WEFT_LEAK, "LEAK in horizon");
    o = tu_exhaustive();
    o.max_steps = 300;
    replays_under_defaults("steps", spins, o, WEFT_LIVELOCK, "LIVELOCK in steps");
    o = tu_exhaustive();
    o.stack_size = 16 * 1024;
    replays_under_defaults("stack", body_needs_stack, o, WEFT_CRASH, "stack overflow (the task ran past its 16 KiB");
    o = tu_exhaustive();
    o.time_mode = WEFT_TIME_IDLE;
    o.max_steps = 300;
    replays_under_defaults("idle", spins, o, WEFT_LIVELOCK, "LIVELOCK in idle");
}

/* ---- 8: exit() and _exit() in a task ------------------------------------------- */

static void exiter(void *arg)
{
    weft_yield();
    exit((int)(intptr_t)arg);
}

static void calls_exit(void *arg)
{
    (void)arg;
    weft_go(exiter, (void *)(intptr_t)3);
}

static void underscore_exiter(void *arg)
{
    (void)arg;
    weft_yield();
    _exit(4);
}

static void calls__exit(void *arg)
{
    (void)arg;
    weft_go(underscore_exiter, NULL);
}

/* Embedded: weft_check returns a CRASH naming the call and the task, and its token replays it. */
static void exit_in_a_task_is_a_crash(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("exit", calls_exit, NULL, &o);
    tu_expect_verdict(&r, WEFT_CRASH);
    assert_contains(r.report, "crash in task 1 `exiter` after its last visible operation at ");
    assert_contains(r.report, "exit(3) was called: a task may not end the process");
    assert_contains(r.report, "after its last visible operation, yield at ");
    o.replay = r.replay;
    weft_result p = weft_check("exit", calls_exit, NULL, &o);
    tu_expect_verdict(&p, WEFT_CRASH);
    tu_same_report(r.report, p.report);
    weft_result_free(&p);
    weft_result_free(&r);
    o.replay = NULL;
    r = weft_check("_exit", calls__exit, NULL, &o);
    tu_expect_verdict(&r, WEFT_CRASH);
    assert_contains(r.report, "_exit(4) was called: a task may not end the process");
    weft_result_free(&r);
}

WEFT_TEST(t1_exit)
{
    weft_go(exiter, (void *)(intptr_t)0);
}

WEFT_TEST(t2_clean)
{
    weft_chan *c = weft_chan_make(0, 1);
    weft_chan_send(c, NULL);
}

WEFT_TEST(t3_underscore_exit)
{
    weft_go(underscore_exiter, NULL);
}

/* Through weft_main: both reported with tokens, the clean test still runs, exit status 1. */
static void exit_through_weft_main(void **state)
{
    (void)state;
    static child c;
    char *argv[] = {"test_trust", "--test", "t[123]_*", "--no-time", NULL};
    run_child(&c, weft_main, argv, 0, 0);
    assert_int_equal(exit_status(&c), 1);
    assert_contains(c.out, "CRASH in t1_exit");
    assert_contains(c.out, "exit(0) was called");
    assert_contains(c.out, "ok         t2_clean");
    assert_contains(c.out, "CRASH in t3_underscore_exit");
    assert_contains(c.out, "_exit(4) was called");
    assert_contains(c.out, "replay: weft2-");
    assert_contains(c.out, "weft: 3 tests, 1 clean, 2 with a bug");
}

/* ---- 7: every report is out before the next test runs ------------------------------ */

static void stuck_forever(void *arg)
{
    (void)arg;
    sleep(1000);
}

WEFT_TEST(t4_deadlock)
{
    weft_chan *c = weft_chan_make(0, 0);
    weft_chan_recv(c, NULL);
}

WEFT_TEST(t5_hangs)
{
    weft_go(stuck_forever, NULL);
    weft_yield();
}

static void reports_survive_a_later_kill(void **state)
{
    (void)state;
    static child c;
    char *argv[] = {"test_trust", "--test", "t[45]_*", NULL};
    run_child(&c, weft_main, argv, 1.0, SIGKILL);
    assert_true(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL);
    assert_contains(c.out, "DEADLOCK in t4_deadlock");
    assert_contains(c.out, "replay: weft2-");
    assert_contains(c.out, "DEADLOCK   t4_deadlock: found after");
}

/* ---- 9: --time-limit inside an execution ---------------------------------------- */

static volatile unsigned long spin_count;

static void busy(void *arg)
{
    (void)arg;
    weft_yield();
    for (;;)
        spin_count++;
}

WEFT_TEST(t6_busy_loop)
{
    weft_go(busy, NULL);
}

static void reader(void *arg)
{
    (void)arg;
    int fd[2];
    if (pipe(fd) != 0)
        return;
    weft_yield();
    char b;
    ssize_t n = read(fd[0], &b, 1); /* nobody writes */
    (void)n;
}

WEFT_TEST(t7_blocked_read)
{
    weft_go(reader, NULL);
}

WEFT_TEST(t8_real_sleep)
{
    weft_go(stuck_forever, NULL);
    weft_chan *c = weft_chan_make(0, 1);
    weft_chan_send(c, NULL);
}

static void time_limit_inside_an_execution(void **state)
{
    (void)state;
    static child c, d;
    static char report[16384], again[16384], tok[256];
    const char *tests[] = {"t6_busy_loop", "t7_blocked_read", "t8_real_sleep"};
    const char *task[] = {"task 1 `busy`", "task 1 `reader`", "task 1 `stuck_forever`"};
    for (int i = 0; i < 3; i++) {
        char *argv[] = {"test_trust", "--test", (char *)tests[i], "--time-limit", "0.2", "--no-time", NULL};
        double t0 = now();
        run_child(&c, weft_main, argv, 0, 0);
        if (now() - t0 > 60 || exit_status(&c) != 1) /* ends, not hangs: 60 s leave room for valgrind */
            fail_msg("%s: %.1f s, status %#x:\n%s", tests[i], now() - t0, c.status, c.out);
        report_of(c.out, tests[i], report, sizeof report);
        assert_contains(report, "CRASH in ");
        assert_contains(report, task[i]);
        assert_contains(report, "hung: past the time limit, it ran 200 ms more without a visible operation");
        /* no call stack for the hung task: where the time limit's timer stopped it is chance, and the report must
         * replay */
        const char *hung = strstr(report, "  crashed (hung: ");
        assert_non_null(hung);
        hung += strcspn(hung, "\n") + 1;
        if (strncmp(hung, "    at ", 7) == 0 || strstr(report, "faulting line"))
            fail_msg("%s: a hung task's report shows where the timer stopped it:\n%s", tests[i], report);
        if (i == 0)
            assert_contains(report, "after its last visible operation at ");
        /* the replay stops it the same way, and reports the same */
        token_of(c.out, tok, sizeof tok);
        char *rargv[] = {"test_trust", "--replay", tok, "--no-time", NULL};
        run_child(&d, weft_main, rargv, 0, 0);
        assert_int_equal(exit_status(&d), 1);
        report_of(d.out, tests[i], again, sizeof again);
        assert_string_equal(report, again);
    }
}

/* ---- 10: signals raised in a task, and Ctrl-C ------------------------------------- */

static void raiser(void *arg)
{
    weft_yield();
    raise((int)(intptr_t)arg);
}

static void raises(void *arg)
{
    weft_go(raiser, arg);
}

static void pipe_writer(void *arg)
{
    (void)arg;
    int fd[2];
    if (pipe(fd) != 0)
        return;
    close(fd[0]);
    weft_yield();
    ssize_t n = write(fd[1], "x", 1);
    (void)n;
}

static void writes_to_closed_pipe(void *arg)
{
    (void)arg;
    weft_go(pipe_writer, NULL);
}

/* In a child (if containment failed, the signal would kill it): CRASH with the words for the signal. */
static int check_raise(int argc, char **argv)
{
    (void)argc;
    int sig = atoi(argv[0]);
    weft_options o = tu_exhaustive();
    weft_result r = sig == SIGPIPE ? weft_check("pipe", writes_to_closed_pipe, NULL, &o)
                                   : weft_check("raise", raises, (void *)(intptr_t)sig, &o);
    printf("verdict %s\n%s", weft_verdict_name(r.verdict), r.report ? r.report : r.error ? r.error : "");
    if (r.replay) {
        o.replay = r.replay;
        weft_result p = sig == SIGPIPE ? weft_check("pipe", writes_to_closed_pipe, NULL, &o)
                                       : weft_check("raise", raises, (void *)(intptr_t)sig, &o);
        printf("replay %s\n", weft_verdict_name(p.verdict));
        weft_result_free(&p);
    }
    weft_result_free(&r);
    return 0;
}

static void signals_raised_in_a_task(void **state)
{
    (void)state;
    static child c;
    const struct {
        int sig;
        const char *want;
    } cases[] = {
        {SIGINT, "SIGINT: raised in the task (raise, kill or pthread_kill: it ends the process)"},
        {SIGTERM, "SIGTERM: raised in the task"},
        {SIGHUP, "SIGHUP: raised in the task"},
        {SIGQUIT, "SIGQUIT: raised in the task"},
        {SIGUSR1, "SIGUSR1: raised in the task"},
        {SIGALRM, "SIGALRM: an alarm() or timer of the program went off"},
        {SIGPIPE, "SIGPIPE: a write to a pipe or socket nobody reads"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d", cases[i].sig);
        char *argv[] = {num, NULL};
        run_child(&c, check_raise, argv, 0, 0);
        assert_int_equal(exit_status(&c), 0);
        assert_contains(c.out, "verdict CRASH");
        assert_contains(c.out, cases[i].want);
        assert_contains(c.out, "task 1 `");
        assert_contains(c.out, "replay CRASH");
    }
}

static int touched;

static void forever_yield(void *arg)
{
    (void)arg;
    for (int i = 0; i < 12; i++)
        weft_touch(&touched);
}

WEFT_TEST(t9_long)
{
    for (int i = 0; i < 6; i++)
        weft_go(forever_yield, NULL);
}

static void ctrl_c_prints_how_far_it_got(void **state)
{
    (void)state;
    static child c;
    char *argv[] = {"test_trust", "--test", "t9_long", "--strategy", "dfs", "--max-preemptions", "1000", NULL};
    run_child(&c, weft_main, argv, 0.5, SIGINT);
    if (!WIFSIGNALED(c.status) || WTERMSIG(c.status) != SIGINT)
        fail_msg("status %#x:\n%s", c.status, c.out);
    assert_contains(c.out, "weft: interrupted by SIGINT during test t9_long: ");
    assert_contains(c.out, " executions run, 0 pruned, preemption bound ");
    assert_contains(c.out, "; not complete\n");
    /* the prefix explored: the execution under way, or the last one when the signal came between two (the
     * checker's work between executions is short, but a signal can land there, more often under valgrind) */
    if (strstr(c.out, "  between executions; ")) {
        assert_contains(c.out, "  between executions; the last one's choices: task ");
    } else {
        assert_contains(c.out, "  the execution under way was at step ");
        if (!strstr(c.out, "at step 0;")) /* (the signal may come as an execution starts: ucontext's syscalls) */
            assert_contains(c.out, "; its choices so far: task ");
    }
}

/* ---- 12: weft's own resources running out ----------------------------------------- */

static void idle_task(void *arg)
{
    (void)arg;
    weft_yield();
}

static void many_big_stacks(void *arg)
{
    (void)arg;
    for (int i = 0; i < 16; i++)
        weft_go(idle_task, NULL);
}

static int check_big_stacks(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* room for 2 GiB more than this process maps already (an earlier check in it reserved address space for
     * its objects): a few of the 512 MiB stacks fit, not all */
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    if (f)
        fclose(f);
    rlim_t lim = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)2 << 30);
    struct rlimit rl = {lim, lim};
    setrlimit(RLIMIT_AS, &rl);
    weft_options o = tu_exhaustive();
    o.stack_size = (size_t)512 << 20;
    o.max_executions = 1;
    weft_result r = weft_check("big", many_big_stacks, NULL, &o);
    printf("verdict %s error %s\n", weft_verdict_name(r.verdict), r.error ? r.error : "none");
    weft_result_free(&r);
    return 0;
}

static void out_of_resources_is_weft_s_error(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* a limit on address space and AddressSanitizer's shadow memory do not mix */
#endif
    static child c;
    char *argv[] = {"x", NULL};
    run_child(&c, check_big_stacks, argv, 0, 0);
    assert_int_equal(exit_status(&c), 0);
    assert_contains(c.out, "verdict ERROR error out of resources: cannot map a task stack of 524288 KiB for task ");
    assert_contains(c.out, "lower --stack-size or the number of tasks, or raise the memory limit");
}

/* ---- 13: calls from another thread, fork() in a task ---------------------------- */

static weft_chan *shared;

enum { SEND_LINE = __LINE__ + 5 };
static void *from_thread(void *arg)
{
    (void)arg;
    int v = 1;
    weft_chan_send(shared, &v); /* SEND_LINE */
    return NULL;
}

WEFT_TEST(t10_thread)
{
    shared = weft_chan_make(sizeof(int), 1);
    pthread_t th;
    if (pthread_create(&th, NULL, from_thread, NULL) == 0)
        pthread_join(th, NULL);
}

static void call_from_another_thread_refused(void **state)
{
    (void)state;
    static child c;
    char *argv[] = {"test_trust", "--test", "t10_thread", NULL};
    run_child(&c, weft_main, argv, 0, 0);
    assert_int_equal(exit_status(&c), 2);
    char want[256];
    snprintf(want, sizeof want, "test_trust.c:%d: weft_chan_send called from a thread other than the one running "
             "the check (a pthread made in a task?): weft calls work only in the test body and its tasks\n",
             SEND_LINE);
    assert_contains(c.out, want);
    assert_int_equal(strchr(strstr(c.out, "weft: "), '\n')[1], 0); /* one line */
}

static void forker(void *arg)
{
    (void)arg;
    weft_yield();
    pid_t p = fork();
    if (p == 0)
        _exit(0); /* never reached: the fork is refused */
}

static void forks(void *arg)
{
    (void)arg;
    weft_go(forker, NULL);
}

static void fork_in_a_task_refused(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    pid_t me = getpid();
    weft_result r = weft_check("fork", forks, NULL, &o);
    assert_int_equal(getpid(), me);
    assert_null(r.report);
    assert_contains(r.error, "fork() called in task 1 `forker` after its last visible operation, yield at ");
    assert_contains(r.error, "test_trust.c:");
    assert_contains(r.error, "refused (weft runs every task in one process");
    weft_result_free(&r);
    /* no child was made: nothing to wait for */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

/* ---- 15: a frame larger than a page lands in the guard --------------------------------- */

#if defined(__GNUC__)
#define NO_UBSAN __attribute__((no_sanitize("undefined")))
#else
#define NO_UBSAN
#endif

/* Each frame holds 40 KiB and writes its lowest byte first: without a wide guard, the write of the frame that
 * passes the stack's end lands beyond a one-page guard. */
NO_UBSAN static int big_frames(int n)
{
    volatile char pad[40 * 1024];
    pad[0] = (char)n;
    pad[sizeof pad - 1] = (char)n;
    return n > 0 ? big_frames(n - 1) + pad[0] : 0;
}

static void big_frame_task(void *arg)
{
    (void)arg;
    weft_yield();
    big_frames(64);
}

static void body_big_frames(void *arg)
{
    (void)arg;
    weft_go(big_frame_task, NULL);
    weft_go(idle_task, NULL);
}

static int check_big_frames(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("frames", body_big_frames, NULL, &o);
    printf("verdict %s\n%s", weft_verdict_name(r.verdict), r.report ? r.report : "");
    o.replay = r.replay;
    weft_result p = weft_check("frames", body_big_frames, NULL, &o);
    char *a = tu_without_stats(r.report), *b = tu_without_stats(p.report);
    printf("replay %s %s\n", weft_verdict_name(p.verdict), strcmp(a, b) ? "differs" : "same");
    free(a);
    free(b);
    weft_result_free(&p);
    weft_result_free(&r);
    return 0;
}

static void large_frames_are_stack_overflows(void **state)
{
    (void)state;
    static child c;
    char *argv[] = {"x", NULL};
    run_child(&c, check_big_frames, argv, 0, 0);
    assert_int_equal(exit_status(&c), 0);
    assert_contains(c.out, "verdict CRASH");
    assert_contains(c.out, "SIGSEGV: stack overflow (the task ran past its 256 KiB stack; raise --stack-size)");
    assert_contains(c.out, "task 1 `big_frame_task`");
    assert_contains(c.out, "replay CRASH same");
}

/* ---- 16: a crafted token cannot make the decoder allocate ------------------------------ */

static int decode_crafted(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* a billion choices in a few bytes: one literal, then "repeat the last 1 choice 999999999 times" */
    weft__token h;
    memset(&h, 0, sizeof h);
    h.fingerprint = weft__fnv(2166136261u, "crafted", 7);
    h.max_steps = 100000;
    h.stack_size = 256 * 1024;
    h.leak_horizon = WEFT_MINUTE;
    h.verdict = WEFT_DEADLOCK;
    /* the same shape by hand: header fields, then nibbles 1 0 0 | 13 p=1 r=big */
    struct rlimit rl = {(rlim_t)256 << 20, (rlim_t)256 << 20};
    setrlimit(RLIMIT_AS, &rl);
    unsigned char payload[64];
    size_t n = 0;
    payload[n++] = 2; /* version */
    for (int i = 0; i < 4; i++)
        payload[n++] = (unsigned char)(h.fingerprint >> (8 * i));
    payload[n++] = 0;             /* flags: every field at its default */
    payload[n++] = WEFT_DEADLOCK; /* verdict */
    payload[n++] = 0;             /* end digest */
    payload[n++] = 0;
    payload[n++] = 0; /* steps */
    unsigned long long nv = 100000000;
    for (unsigned long long v = nv; ; v >>= 7) { /* choices: a varint */
        payload[n++] = (unsigned char)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        if (v < 0x80)
            break;
    }
    /* nibbles: value 1, delta 0, digest 0, then 13, p = 1, r = nv - 1 (3 bits a nibble) */
    unsigned nib[64];
    int k = 0;
    nib[k++] = 1, nib[k++] = 0, nib[k++] = 0, nib[k++] = 13, nib[k++] = 1;
    for (unsigned long long r = nv - 1; ; r >>= 3) {
        nib[k++] = (unsigned)(r & 7) | (r >= 8 ? 8u : 0u);
        if (r < 8)
            break;
    }
    if (k % 2)
        nib[k++] = 0;
    for (int i = 0; i < k; i += 2)
        payload[n++] = (unsigned char)(nib[i] | nib[i + 1] << 4);
    for (int i = 0; i < 4; i++)
        payload[n++] = 0; /* trace */
    char *tok = weft__token_seal(payload, n);
    weft__token t;
    char err[256];
    bool ok = weft__token_decode(tok, &t, err, sizeof err);
    printf("token %zu chars: %s\n", strlen(tok), ok ? "accepted" : err);
    if (ok) {
        printf("choices %lld\n", t.nvalues);
        weft__token_free(&t);
    }
    free(tok);
    return 0;
}

static void crafted_token_bounded(void **state)
{
    (void)state;
    static child c;
    char *argv[] = {"x", NULL};
    run_child(&c, decode_crafted, argv, 0, 0);
    assert_int_equal(exit_status(&c), 0);
    assert_contains(c.out, "accepted\nchoices 100000000\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_of_a_static_dependent_verdict),
        cmocka_unit_test(replay_names_the_first_choice_that_moved),
        cmocka_unit_test(replay_names_steps_that_differ),
        cmocka_unit_test(older_token_refused),
        cmocka_unit_test(flags_travel_in_the_token),
        cmocka_unit_test(exit_in_a_task_is_a_crash),
        cmocka_unit_test(exit_through_weft_main),
        cmocka_unit_test(reports_survive_a_later_kill),
        cmocka_unit_test(time_limit_inside_an_execution),
        cmocka_unit_test(signals_raised_in_a_task),
        cmocka_unit_test(ctrl_c_prints_how_far_it_got),
        cmocka_unit_test(out_of_resources_is_weft_s_error),
        cmocka_unit_test(call_from_another_thread_refused),
        cmocka_unit_test(fork_in_a_task_refused),
        cmocka_unit_test(large_frames_are_stack_overflows),
        cmocka_unit_test(crafted_token_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
