/* test_crash.c: fatal signals inside tasks end the check as CRASH with a full report, and replay; each runs in a
 * child process so that a crash that escaped containment fails the test instead of killing the suite. */
#define _GNU_SOURCE
#undef NDEBUG /* the libc assert test needs assert() */
#include <assert.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* The crashes below are undefined behaviour on purpose: UBSan (sanitizer builds) must let them reach the CPU. */
#if defined(__GNUC__)
#define NO_UBSAN __attribute__((no_sanitize("undefined")))
#else
#define NO_UBSAN
#endif

static int *volatile null_ptr;
static volatile int zero;
static int crash_marker;
static weft_chan *ch;

/* The crash happens only when the body sends 2: one schedule in three. */
NO_UBSAN static void null_reader(void *arg)
{
    (void)arg;
    int v;
    weft_chan_recv(ch, &v);
    if (v == 2)
        *null_ptr = v;
}

static void null_deref(void *arg)
{
    (void)arg;
    ch = weft_chan_make(sizeof(int), 0);
    weft_go(null_reader, NULL);
    int v = weft_choose(3);
    weft_chan_send(ch, &v);
}

NO_UBSAN static int recurse(int n)
{
    volatile char pad[512];
    memset((char *)pad, n, sizeof pad);
    return n ? recurse(n - 1) + pad[7] : 0;
}

static void deep(void *arg)
{
    (void)arg;
    weft_yield();
    recurse(1 << 20);
}

static void stack_overflow(void *arg)
{
    (void)arg;
    weft_go(deep, NULL);
}

static void asserting(void *arg)
{
    weft_yield();
    assert(arg == NULL);
}

static void libc_assert(void *arg)
{
    (void)arg;
    weft_go(asserting, (void *)&crash_marker);
}

static void aborting(void *arg)
{
    (void)arg;
    weft_yield();
    abort();
}

NO_UBSAN static void divide(void *arg)
{
    (void)arg;
    weft_yield();
    volatile int x = 10 / zero;
    (void)x;
}

static void trap(void *arg)
{
    (void)arg;
    weft_yield();
    __builtin_trap();
}

/* SIGBUS: touch a page of a file mapping past the end of the (empty) file. */
static void bus(void *arg)
{
    (void)arg;
    FILE *f = tmpfile();
    if (!f)
        return;
    volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fileno(f), 0);
    weft_yield();
    if (p != MAP_FAILED)
        p[0] = 1;
}

/* Run body in a child: check it (or replay `token`), send back verdict, report and token, exit 0. */
typedef struct outcome {
    int status;           /* the child's wait status */
    weft_verdict verdict;
    char report[8192];
    char token[512];
    long long executions;
} outcome;

static void run_child(const char *name, void (*body)(void *), const char *token, outcome *out)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        weft_options o;
        weft_options_init(&o);
        o.quiet = true;
        o.replay = token;
        weft_result r = weft_check(name, body, NULL, &o);
        outcome w;
        memset(&w, 0, sizeof w);
        w.verdict = r.verdict;
        w.executions = r.executions;
        snprintf(w.report, sizeof w.report, "%s", r.report ? r.report : r.error ? r.error : "");
        snprintf(w.token, sizeof w.token, "%s", r.replay ? r.replay : "");
        ssize_t n = write(fd[1], &w, sizeof w);
        _exit(n == (ssize_t)sizeof w ? 0 : 3);
    }
    close(fd[1]);
    memset(out, 0, sizeof *out);
    size_t got = 0;
    while (got < sizeof *out) {
        ssize_t n = read(fd[0], (char *)out + got, sizeof *out - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    out->status = status;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("%s: the child died (status %#x) instead of reporting a CRASH", name, status);
    assert_int_equal(got, sizeof *out);
}

/* Check body: CRASH, a report holding every `want` string, and a token whose replay gives the same report. */
static void expect_crash(const char *name, void (*body)(void *), const char *const *want)
{
    static outcome a, b;
    run_child(name, body, NULL, &a);
    if (a.verdict != WEFT_CRASH)
        fail_msg("%s: verdict %s, not CRASH:\n%s", name, weft_verdict_name(a.verdict), a.report);
    for (; *want; want++)
        if (!strstr(a.report, *want))
            fail_msg("%s: the report lacks \"%s\":\n%s", name, *want, a.report);
    assert_non_null(strstr(a.report, "schedule:"));
    assert_non_null(strstr(a.report, "replay: weft2-"));
    run_child(name, body, a.token, &b);
    assert_int_equal(b.verdict, WEFT_CRASH);
    assert_int_equal(b.executions, 1);
    tu_same_report(a.report, b.report);
}

/* The stack of a crashed task: the faulting line, then its callers (out of line, each call followed by more work,
 * so that -O2 keeps the frames). */
static volatile int sink;
enum { L_POKE = __LINE__ + 3 }; /* the store below */
__attribute__((noinline)) NO_UBSAN static void poke(int *p)
{
    *p = 1;
    sink++;
}

enum { L_POKER = __LINE__ + 5 }; /* the call below */
static void poker(void *arg)
{
    (void)arg;
    weft_yield();
    poke(null_ptr);
    sink++;
}

static void crash_stack_names_faulting_line(void **state)
{
    (void)state;
    char fault[256], inner[256], outer[256];
    snprintf(fault, sizeof fault, "\n  faulting line: %s:%d\n", __FILE__, L_POKE);
    snprintf(inner, sizeof inner, "\n    at poke (%s:%d)\n", __FILE__, L_POKE);
    snprintf(outer, sizeof outer, "    at poke (%s:%d)\n    at poker (%s:%d)\n", __FILE__, L_POKE, __FILE__, L_POKER);
    const char *want[] = {"SIGSEGV: null pointer dereference", fault, inner, outer, NULL};
    expect_crash("poker", poker, want);
}

static void crash_null_dereference(void **state)
{
    (void)state;
    const char *want[] = {"CRASH in null_deref",
                          "crash in task 1 `null_reader` after its last visible operation at",
                          "SIGSEGV: null pointer dereference",
                          "crashed (SIGSEGV: null pointer dereference) after its last visible operation, chan_recv at",
                          NULL};
    expect_crash("null_deref", null_deref, want);
}

static void crash_stack_overflow(void **state)
{
    (void)state;
    const char *want[] = {"SIGSEGV: stack overflow (the task ran past its 256 KiB stack; raise --stack-size)",
                          "task 1 `deep`", NULL};
    expect_crash("stack_overflow", stack_overflow, want);
}

static void crash_libc_assert(void **state)
{
    (void)state;
    const char *want[] = {"SIGABRT: assert(arg == NULL) failed in asserting()", "crashed at ", "test_crash.c:67", NULL};
    expect_crash("libc_assert", libc_assert, want);
}

static void crash_abort(void **state)
{
    (void)state;
    const char *want[] = {"SIGABRT: abort() was called", "after its last visible operation, yield at", NULL};
    expect_crash("abort", aborting, want);
}

static void crash_division_by_zero(void **state)
{
    (void)state;
    const char *want[] = {"SIGFPE: integer division by zero", "task 0 (the test body)", NULL};
    expect_crash("divide", divide, want);
}

static void crash_illegal_instruction(void **state)
{
    (void)state;
    const char *want[] = {"SIGILL: illegal instruction", NULL};
    expect_crash("trap", trap, want);
}

static void crash_bus_error(void **state)
{
    (void)state;
    const char *want[] = {"SIGBUS: bus error", NULL};
    expect_crash("bus", bus, want);
}

static int crash_count;
NO_UBSAN static void crash_every_time(void *arg)
{
    (void)arg;
    crash_count++;
    weft_yield();
    *null_ptr = 1;
}

static sigjmp_buf own_jump;
static volatile int own_calls;
static void own_handler(int sig)
{
    (void)sig;
    own_calls++;
    siglongjmp(own_jump, 1);
}

/* In one process: many crashes in a row are each contained, and outside the checks a fault still reaches the
 * handler the process installed before weft. */
NO_UBSAN static void crash_contained_repeatedly(void **state)
{
    (void)state;
    struct sigaction own, before;
    memset(&own, 0, sizeof own);
    own.sa_handler = own_handler;
    sigemptyset(&own.sa_mask);
    sigaction(SIGSEGV, &own, &before);
    weft_options o = tu_exhaustive();
    for (int i = 0; i < 50; i++) {
        weft_result r = weft_check("again", crash_every_time, NULL, &o);
        assert_int_equal(r.verdict, WEFT_CRASH);
        weft_result_free(&r);
    }
    assert_int_equal(crash_count, 50);
    if (!sigsetjmp(own_jump, 1))
        *null_ptr = 1; /* outside any check: the process's own handler */
    assert_int_equal(own_calls, 1);
    sigaction(SIGSEGV, &before, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_null_dereference), cmocka_unit_test(crash_stack_names_faulting_line),
        cmocka_unit_test(crash_stack_overflow),
        cmocka_unit_test(crash_libc_assert),      cmocka_unit_test(crash_abort),
        cmocka_unit_test(crash_division_by_zero), cmocka_unit_test(crash_illegal_instruction),
        cmocka_unit_test(crash_bus_error),        cmocka_unit_test(crash_contained_repeatedly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
