/* testutil.h: helpers shared by the cmocka tests: exhaustive options, outcome strings and outcome sets. */
#ifndef WEFT_TESTUTIL_H
#define WEFT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <weft.h>

/* Exhaustive search: DFS with no preemption bound, so every interleaving is explored exactly once; every other
 * option at its default whatever WEFT_* variables the environment sets. */
static inline weft_options tu_exhaustive(void)
{
    weft_options o;
    weft_options_init(&o);
    o.strategy = WEFT_STRATEGY_DFS;
    o.max_preemptions = 1000000;
    o.max_executions = 0;
    o.max_steps = 100000;
    o.time_limit = 0;
    o.seed = 0;
    o.iterations = 1000;
    o.time_mode = WEFT_TIME_ADVERSARIAL;
    o.leak_horizon = WEFT_MINUTE;
    o.replay = NULL;
    o.report = WEFT_REPORT_TEXT;
    o.quiet = true;
    o.verbose = false;
    o.no_time = true;
    return o;
}

/* A report without its statistics (which differ between a check and the replay of what it found). */
static inline char *tu_without_stats(const char *report)
{
    const char *r = report ? report : "";
    char *c = malloc(strlen(r) + 1);
    if (!c)
        abort();
    strcpy(c, r);
    char *s = strstr(c, "\nstatistics: ");
    if (!s)
        s = strstr(c, ", \"stats\": ");
    if (s)
        *s = 0;
    return c;
}

/* Assert that two reports are the same but for their statistics. */
#define tu_same_report(a, b)                       \
    do {                                           \
        char *tu_a_ = tu_without_stats(a);         \
        char *tu_b_ = tu_without_stats(b);         \
        assert_string_equal(tu_a_, tu_b_);         \
        free(tu_a_);                               \
        free(tu_b_);                               \
    } while (0)

/* ---- the outcome of one execution: a short string the body builds ------ */

#define TU_OUT_MAX 1024
static char tu_out[TU_OUT_MAX];

/* Start a new outcome (call at the top of every body: statics persist across executions). */
static inline void tu_begin(void)
{
    tu_out[0] = 0;
}

/* Append formatted text to the outcome, separated from what is there by one space. */
static inline void tu_emit(const char *fmt, ...) WEFT__PRINTF(1, 2);
static inline void tu_emit(const char *fmt, ...)
{
    size_t n = strlen(tu_out);
    if (n && n + 1 < TU_OUT_MAX)
        tu_out[n++] = ' ', tu_out[n] = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tu_out + n, TU_OUT_MAX - n, fmt, ap);
    va_end(ap);
}

/* ---- the set of outcomes over every execution of a check ---------------- */

#define TU_SET_MAX 64
static char tu_set[TU_SET_MAX][TU_OUT_MAX];
static int tu_nset;
static long long tu_recorded; /* outcomes recorded (one per execution that reached tu_record) */
static int tu_overflow;       /* a distinct outcome found the set full: the set is not the whole truth */

/* Forget every outcome (call before weft_check). */
static inline void tu_reset(void)
{
    tu_nset = 0;
    tu_recorded = 0;
    tu_overflow = 0;
}

/* Add the current outcome to the set (call where the execution's result is final, usually the body's end).
 * Past TU_SET_MAX distinct outcomes, tu_overflow is set (this runs inside an execution, where a test
 * cannot fail): tu_set_equals then fails, naming the cap. */
static inline void tu_record(void)
{
    tu_recorded++;
    for (int i = 0; i < tu_nset; i++)
        if (!strcmp(tu_set[i], tu_out))
            return;
    if (tu_nset < TU_SET_MAX)
        strcpy(tu_set[tu_nset++], tu_out);
    else
        tu_overflow = 1;
}

/* Whether the set of outcomes seen is exactly `want` (NULL-terminated); prints both sets when not. */
static inline int tu_set_equals(const char *const *want)
{
    int nwant = 0, ok = 1;
    if (tu_overflow) {
        print_error("  more than TU_SET_MAX (%d) distinct outcomes: the set is truncated; raise the cap\n",
                    TU_SET_MAX);
        ok = 0;
    }
    for (; want[nwant]; nwant++) {
        int found = 0;
        for (int i = 0; i < tu_nset; i++)
            found |= !strcmp(tu_set[i], want[nwant]);
        if (!found) {
            print_error("  expected outcome never seen: \"%s\"\n", want[nwant]);
            ok = 0;
        }
    }
    for (int i = 0; i < tu_nset; i++) {
        int found = 0;
        for (int k = 0; k < nwant; k++)
            found |= !strcmp(tu_set[i], want[k]);
        if (!found) {
            print_error("  unexpected outcome: \"%s\"\n", tu_set[i]);
            ok = 0;
        }
    }
    return ok;
}

/* Whether haystack contains needle; prints the haystack when it does not. */
static inline int tu_contains(const char *haystack, const char *needle)
{
    if (haystack && strstr(haystack, needle))
        return 1;
    print_error("  \"%s\" not found in:\n%s\n", needle, haystack ? haystack : "(null)");
    return 0;
}

#define assert_contains(h, n) assert_true(tu_contains((h), (n)))

/* Fail with the report when a check did not end as expected. */
static inline void tu_expect_verdict(const weft_result *r, weft_verdict v)
{
    if (r->error)
        print_error("  weft error: %s\n", r->error);
    if (r->verdict != v && r->report)
        print_error("%s", r->report);
    assert_null(r->error);
    assert_string_equal(weft_verdict_name(r->verdict), weft_verdict_name(v));
}

/* ---- child processes (for exit statuses and messages on stderr) ----------- */

#if defined(_POSIX_C_SOURCE) || defined(_DEFAULT_SOURCE)
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run fn(argc, argv) in a child with stdout discarded and stderr captured into err (with `env`, a NAME=VALUE
 * setting, in its environment); returns the child's exit status. */
static inline int tu_in_child(int (*fn)(int, char **), int argc, char **argv, const char *env, char *err,
                              size_t errlen)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(fd[1], 2);
        if (env) {
            const char *eq = strchr(env, '=');
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(eq - env), env);
            setenv(name, eq + 1, 1);
        }
        int s = fn(argc, argv);
        fflush(stdout);
        fflush(stderr);
        _exit(s);
    }
    close(fd[1]);
    size_t n = 0;
    ssize_t k;
    while ((k = read(fd[0], err + n, errlen - 1 - n)) > 0)
        n += (size_t)k;
    err[n] = 0;
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}
#endif

#endif
