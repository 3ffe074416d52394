/* test_cli.c: weft_main's command line and outputs (JSON Lines, JUnit, exit statuses), and embedding in cmocka. */
#define _GNU_SOURCE
#include "testutil.h"

#include <ctype.h>

/*
 * Run with no argument, this is a cmocka program. Run as `test_cli main FLAGS...`, it is weft_main over the
 * tests below (tests/test_cli.sh checks its JSON and JUnit output with python3 when there is one).
 */

/* ---- the tests weft_main runs ---------------------------------------------------- */

static weft_mutex *ma, *mb;
static void lock_ab(void *arg)
{
    (void)arg;
    weft_mutex_lock(ma);
    weft_mutex_lock(mb);
    weft_mutex_unlock(mb);
    weft_mutex_unlock(ma);
}

static void lock_ba(void *arg)
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
    weft_go(lock_ba, NULL);
    lock_ab(NULL);
}

static void ordered(void *arg)
{
    (void)arg;
    ma = weft_mutex_make();
    mb = weft_mutex_make();
    weft_go(lock_ab, NULL);
    lock_ab(NULL);
}

/* Three tasks touch one address three times each: many executions (1680 under dfs, many under dpor too). */
static int shared_cell;
static void toucher(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        weft_touch(&shared_cell);
}

static void touchers(void *arg)
{
    (void)arg;
    weft_name(&shared_cell, "cell");
    for (int i = 0; i < 3; i++)
        weft_go(toucher, NULL);
}

/* A long schedule (500 yields) that ends in a deadlock: its reports are bounded. */
static void long_then_stuck(void *arg)
{
    (void)arg;
    for (int i = 0; i < 500; i++)
        weft_yield();
    weft_chan *c = weft_chan_make(0, 0);
    weft_name(c, "never");
    weft_chan_recv(c, NULL);
}

WEFT_TEST(cli_clean)
{
    ordered(arg);
}

WEFT_TEST(cli_abba)
{
    abba(arg);
}

WEFT_TEST(cli_many)
{
    touchers(arg);
}

WEFT_TEST(cli_assertf)
{
    int x = weft_choose(2) + 3;
    weft_assertf(x == 3, "x is %d, the <choice> & \"quotes\" ]]> too", x);
}

WEFT_TEST(cli_long)
{
    long_then_stuck(arg);
}

/* ---- running weft_main in a child ------------------------------------------------- */

typedef struct run {
    int status;
    char out[1 << 17];
    char err[1 << 14];
} run;

static run R;

static void slurp_into(FILE *f, char *buf, size_t n)
{
    rewind(f);
    size_t k = fread(buf, 1, n - 1, f);
    buf[k] = 0;
    fclose(f);
}

/* Run weft_main("test_cli", args...) (NULL-terminated) in a child with `env` (NAME=VALUE or NULL) set; its
 * exit status, stdout and stderr go to R. */
static void run_main(const char *env, ...)
{
    char *argv[32] = {"test_cli"};
    int argc = 1;
    va_list ap;
    va_start(ap, env);
    char *a;
    while ((a = va_arg(ap, char *)) != NULL && argc < 31)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        if (env) {
            const char *eq = strchr(env, '=');
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(eq - env), env);
            setenv(name, eq + 1, 1);
        }
        int s = weft_main(argc, argv);
        fflush(stdout);
        fflush(stderr);
        _exit(s);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    R.status = WEXITSTATUS(status);
    slurp_into(out, R.out, sizeof R.out);
    slurp_into(err, R.err, sizeof R.err);
}

#define expect_status(s)                                                                  \
    do {                                                                                  \
        if (R.status != (s))                                                              \
            print_error("  exit %d, want %d\nstdout:\n%s\nstderr:\n%s\n", R.status, (s), R.out, R.err); \
        assert_int_equal(R.status, (s));                                                  \
    } while (0)

/* ---- a small JSON validator: is each line exactly one JSON value? --------------------- */

static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p && *p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!isxdigit((unsigned char)p[i]))
                        return NULL;
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p) || !*p) {
                return NULL;
            }
        }
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}

static const char *json_number(const char *p)
{
    const char *s = p;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return NULL;
    while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')
        p++;
    return p > s ? p : NULL;
}

/* A sequence of values (or of "key": value members) between open and close. */
static const char *json_seq(const char *p, char open, char close, bool members)
{
    if (*p++ != open)
        return NULL;
    p = json_ws(p);
    if (*p == close)
        return p + 1;
    for (;;) {
        p = json_ws(p);
        if (members) {
            if (!(p = json_string(p)))
                return NULL;
            p = json_ws(p);
            if (*p++ != ':')
                return NULL;
        }
        if (!(p = json_value(json_ws(p))))
            return NULL;
        p = json_ws(p);
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *p)
{
    p = json_ws(p);
    switch (*p) {
    case '{':
        return json_seq(p, '{', '}', true);
    case '[':
        return json_seq(p, '[', ']', false);
    case '"':
        return json_string(p);
    case 't':
        return strncmp(p, "true", 4) ? NULL : p + 4;
    case 'f':
        return strncmp(p, "false", 5) ? NULL : p + 5;
    case 'n':
        return strncmp(p, "null", 4) ? NULL : p + 4;
    default:
        return json_number(p);
    }
}

/* The number of lines of text, each one JSON object with the schema field; -1 when one is not. */
static int json_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p;) {
        const char *end = json_value(p);
        if (!end || *p != '{' || *json_ws(end) != '\n') {
            print_error("  not one JSON object on line %d:\n%.*s\n", n + 1, (int)strcspn(p, "\n"), p);
            return -1;
        }
        if (strncmp(p, "{\"schema\": \"weft-report/2\", ", 28) != 0)
            return -1;
        n++;
        p = json_ws(end) + 1;
    }
    return n;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- tests -------------------------------------------------------------------------- */

static char *abba_token(void);

static void exit_statuses(void **state)
{
    (void)state;
    run_main(NULL, "--test", "cli_clean", "--no-time", NULL);
    expect_status(0);
    assert_contains(R.out, "ok         cli_clean: ");
    assert_contains(R.out, "complete");
    run_main(NULL, "--test", "cli_abba", "--no-time", NULL);
    expect_status(1);
    assert_contains(R.out, "DEADLOCK   cli_abba: found after");
    run_main(NULL, "--test", "cli_many", "--max-executions", "2", "--no-time", NULL);
    expect_status(3);
    assert_contains(R.out, "INCOMPLETE cli_many: 2 executions, not complete: stopped by --max-executions 2");
    run_main(NULL, "--test", "cli_many", "--max-executions", "2", "--allow-incomplete", NULL);
    expect_status(0);
    assert_contains(R.out, "INCOMPLETE cli_many");
    run_main("WEFT_ALLOW_INCOMPLETE=1", "--test", "cli_many", "--max-executions", "2", NULL);
    expect_status(0);
    run_main(NULL, "--test", "cli_many", "--strategy", "dfs", "--max-preemptions", "0", "--no-time", NULL);
    expect_status(3);
    assert_contains(R.out, "the preemption bound (--max-preemptions 0) cut schedules");
    /* sampling is never complete, and is not INCOMPLETE */
    run_main(NULL, "--test", "cli_many", "--strategy", "random", "--iterations", "20", "--no-time", NULL);
    expect_status(0);
    assert_contains(R.out, "ok         cli_many: 20 executions, sampled (random, seed 0)");
    run_main(NULL, "--test", "cli_many", "--strategy", "pct", "--iterations", "20", "--no-time", NULL);
    expect_status(0);
    assert_contains(R.out, "sampled (pct, depth 3, seed 0)");
    /* a bug wins over incomplete: 1 */
    run_main(NULL, "--test", "cli_many", "--test", "cli_abba", "--max-executions", "2", NULL);
    expect_status(1);
    /* usage errors: one line, exit 2 */
    run_main(NULL, "--no-such-flag", NULL);
    expect_status(2);
    assert_string_equal(R.err, "weft: unknown argument '--no-such-flag' (see --help)\n");
    run_main(NULL, "--report", "xml", NULL);
    expect_status(2);
    assert_string_equal(R.err, "weft: --report: unknown format 'xml' (text, json, junit)\n");
}

static void quiet_keeps_failures(void **state)
{
    (void)state;
    run_main(NULL, "--quiet", "--no-time", NULL);
    expect_status(1);
    assert_null(strstr(R.out, "cli_clean"));
    assert_contains(R.out, "DEADLOCK in cli_abba");
    assert_contains(R.out, "DEADLOCK   cli_abba: found after");
    assert_contains(R.out, "ASSERT     cli_assertf: found after");
    run_main(NULL, "--quiet", "--report", "json", "--no-time", NULL);
    expect_status(1);
    assert_int_equal(json_lines(R.out), 3); /* abba, assertf, the long one: not the clean ones */
    assert_null(strstr(R.out, "\"test\": \"cli_clean\""));
    assert_contains(R.out, "\"test\": \"cli_abba\", \"status\": \"bug\", \"verdict\": \"DEADLOCK\"");
}

static void json_lines_one_object_per_test(void **state)
{
    (void)state;
    run_main(NULL, "--report", "json", "--no-time", NULL);
    expect_status(1);
    assert_int_equal(json_lines(R.out), 5);
    assert_contains(R.out, "{\"schema\": \"weft-report/2\", \"test\": \"cli_clean\", \"status\": \"ok\", "
                           "\"verdict\": \"OK\", \"stats\": {\"strategy\": \"dpor\", ");
    assert_contains(R.out, "\"complete\": true, \"limit\": null");
    assert_null(strstr(R.out, "\"seconds\""));
    assert_null(strstr(R.out, ": -1"));
    /* byte-identical run to run */
    char *first = strdup(R.out);
    run_main(NULL, "--report", "json", "--no-time", NULL);
    assert_string_equal(first, R.out);
    free(first);
    /* incomplete, and the error line */
    run_main(NULL, "--report", "json", "--test", "cli_many", "--max-executions", "3", NULL);
    expect_status(3);
    assert_int_equal(json_lines(R.out), 1);
    assert_contains(R.out, "\"status\": \"incomplete\"");
    assert_contains(R.out, "\"limit\": \"max-executions\"");
    assert_contains(R.out, "\"seconds\": ");
    /* an error is a line too (and one line on stderr) */
    char *tok = abba_token();
    run_main(NULL, "--report", "json", "--test", "cli_clean", "--replay", tok, "--no-time", NULL);
    expect_status(2);
    assert_int_equal(json_lines(R.out), 1);
    assert_contains(R.out, "\"test\": \"cli_clean\", \"status\": \"error\", \"verdict\": \"ERROR\", \"error\": "
                           "\"bad replay token: it was made for another test, not 'cli_clean'\"");
    assert_string_equal(R.err, "weft: cli_clean: bad replay token: it was made for another test, not 'cli_clean'\n");
    free(tok);
}

static void json_schedule_bounded(void **state)
{
    (void)state;
    run_main(NULL, "--report", "json", "--test", "cli_long", "--no-time", NULL);
    expect_status(1);
    assert_int_equal(json_lines(R.out), 1);
    assert_int_equal(count(R.out, "{\"step\": "), 300);
    assert_contains(R.out, "\"steps\": 500, ");
    assert_contains(R.out, "\"schedule_omitted\": 200");
    assert_contains(R.out, "{\"step\": 100, ");
    assert_contains(R.out, "{\"step\": 302, ");
    assert_null(strstr(R.out, "{\"step\": 101, "));
    assert_contains(R.out, "chan#1 `never`");
}

static void junit_report(void **state)
{
    (void)state;
    run_main(NULL, "--report", "junit", "--no-time", "--test", "cli_clean", "--test", "cli_abba", "--test", "cli_many",
             "--test", "cli_assertf", "--max-executions", "50", NULL);
    expect_status(1);
    assert_true(!strncmp(R.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", 51));
    assert_contains(R.out, "<testsuite name=\"test_cli\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\">");
    assert_int_equal(count(R.out, "<testcase "), 4);
    assert_contains(R.out, "<failure type=\"DEADLOCK\" message=\"DEADLOCK: the test body is blocked");
    assert_contains(R.out, "<skipped message=\"INCOMPLETE: 50 executions, not complete: stopped by --max-executions");
    assert_contains(R.out, "x is 4, the &lt;choice&gt; &amp; &quot;quotes&quot; ]]&gt; too");
    assert_contains(R.out, "]]]]><![CDATA[>"); /* "]]>" in a report cannot end the CDATA section */
    assert_null(strstr(R.out, " time=\""));
    assert_true(strstr(R.out, "</testsuite>\n</testsuites>\n") != NULL);
}

static void several_tests_and_patterns(void **state)
{
    (void)state;
    run_main(NULL, "--list", "--test", "cli_clean", "--test", "cli_abba", NULL);
    expect_status(0);
    assert_string_equal(R.out, "cli_clean\ncli_abba\n");
    run_main(NULL, "--list", "--test", "cli_[cm]*", NULL);
    assert_string_equal(R.out, "cli_clean\ncli_many\n");
    run_main(NULL, "--list", "--test", "cli", NULL); /* a family: every cli_* test */
    assert_string_equal(R.out, "cli_clean\ncli_abba\ncli_many\ncli_assertf\ncli_long\n");
    run_main(NULL, "--list", "--test", "cli_clea", NULL); /* not a prefix match */
    expect_status(2);
    assert_string_equal(R.err, "weft: no test matches 'cli_clea' (see --list)\n");
    run_main("WEFT_LIST=1", NULL);
    expect_status(0);
    assert_string_equal(R.out, "cli_clean\ncli_abba\ncli_many\ncli_assertf\ncli_long\n");
    run_main("WEFT_LIST=maybe", NULL);
    expect_status(2);
    run_main("WEFT_TEST=cli_abba", "--list", NULL);
    assert_string_equal(R.out, "cli_abba\n");
    run_main("WEFT_TEST=cli_abba", "--list", "--test", "cli_many", NULL); /* the flag wins */
    assert_string_equal(R.out, "cli_many\n");
    run_main(NULL, "--test", "cli_clean", "--test", "cli_many", "--no-time", NULL);
    expect_status(0);
    assert_contains(R.out, "weft: 2 tests, 2 clean, 0 with a bug, 0 incomplete\n");
}

static void version_and_flags(void **state)
{
    (void)state;
    run_main(NULL, "--version", NULL);
    expect_status(0);
    assert_string_equal(R.out, "weft " WEFT_VERSION_STRING "\n");
    assert_string_equal(WEFT_VERSION_STRING, WEFT_PROJECT_VERSION); /* CMake's project version */
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", WEFT_VERSION_MAJOR, WEFT_VERSION_MINOR, WEFT_VERSION_PATCH);
    assert_string_equal(v, WEFT_VERSION_STRING);
    run_main(NULL, "--stack-size", "1G", "--list", NULL);
    expect_status(0);
    run_main(NULL, "--stack-size", "2G", "--list", NULL);
    expect_status(2);
    run_main(NULL, "--help", NULL);
    assert_contains(R.out, "random and pct: seed and executions");
    assert_contains(R.out, "--allow-incomplete");
    assert_contains(R.out, "--version");
}

static char *abba_token(void)
{
    weft_options o = tu_exhaustive();
    o.max_preemptions = -1;
    weft_result r = weft_check("cli_abba", abba, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    char *t = strdup(r.replay);
    weft_result_free(&r);
    return t;
}

static void replay_tokens(void **state)
{
    (void)state;
    char *tok = abba_token();
    /* upper case is the same token */
    char *up = strdup(tok);
    for (char *p = up; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    run_main(NULL, "--replay", up, "--no-time", NULL);
    expect_status(1);
    assert_contains(R.out, "DEADLOCK in cli_abba");
    /* from the environment: the token's test only, the others skipped, saying so */
    char env[256];
    snprintf(env, sizeof env, "WEFT_REPLAY=%s", tok);
    run_main(env, "--no-time", NULL);
    expect_status(1);
    assert_contains(R.out, "DEADLOCK in cli_abba");
    assert_null(strstr(R.out, "cli_clean"));
    assert_string_equal(R.err, "weft: replaying cli_abba (the test the token was made for); 4 other tests skipped\n");
    /* embedded: a check of another name ignores the environment's token and explores */
    setenv("WEFT_REPLAY", up, 1);
    weft_options o;
    weft_options_init(&o);
    o.no_time = true;
    weft_result r = weft_check("something_else", ordered, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_true(r.complete);
    assert_true(r.executions > 1);
    weft_result_free(&r);
    r = weft_check("cli_abba", abba, NULL, &o);
    tu_expect_verdict(&r, WEFT_DEADLOCK);
    assert_int_equal(r.executions, 1);
    assert_string_equal(r.replay, tok);
    weft_result_free(&r);
    unsetenv("WEFT_REPLAY");
    /* given explicitly, a foreign token is still refused, and never looks clean */
    o.replay = tok;
    r = weft_check("something_else", ordered, NULL, &o);
    assert_int_equal(r.verdict, WEFT_ERROR);
    assert_contains(r.error, "another test");
    assert_string_equal(weft_verdict_name(r.verdict), "ERROR");
    weft_result_free(&r);
    free(up);
    free(tok);
}

static void assertf_message_in_report(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("assertf", weft__body_cli_assertf, NULL, &o);
    tu_expect_verdict(&r, WEFT_ASSERT);
    assert_contains(r.report, "assertion failed: x == 3: x is 4, the <choice>");
    weft_result_free(&r);
}

/* Progress: the hook is called between executions of a long check (here one stopped by a time limit). */
static int progress_calls;
static long long progress_last;
static void on_progress(const weft_progress *p, void *ctx)
{
    (void)ctx;
    assert_string_equal(p->test, "progress");
    assert_true(p->executions >= progress_last);
    progress_last = p->executions;
    progress_calls++;
}

static void many_touchers(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++)
        weft_go(toucher, NULL);
}

static void progress_hook(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    o.time_limit = 0.7;
    o.progress = on_progress;
    weft_result r = weft_check("progress", many_touchers, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_false(r.complete);
    assert_string_equal(r.limit, "time-limit");
    assert_true(progress_calls >= 1 && progress_calls <= 4); /* at most every 0.25 s */
    assert_true(progress_last > 0 && progress_last <= r.executions);
    weft_result_free(&r);
}

/* ---- embedding in cmocka: an assert_* that fails inside a body ------------------------ */

static void body_with_cmocka_assert(void *arg)
{
    (void)arg;
    ma = weft_mutex_make();
    weft_go(lock_ab, NULL);
    weft_mutex_lock(ma);
    assert_int_equal(1, 2); /* fails: cmocka longjmps out of the body, off the task's stack */
    weft_mutex_unlock(ma);
}

static void fails_inside_body(void **state)
{
    (void)state;
    mb = NULL;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("fails_inside", body_with_cmocka_assert, NULL, &o);
    weft_result_free(&r); /* never reached */
}

static void checks_after(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("after", ordered, NULL, &o);
    if (r.verdict != WEFT_OK)
        weft_result_print(&r, stderr);
    assert_null(r.error);
    assert_int_equal(r.verdict, WEFT_OK);
    assert_true(r.complete);
    assert_true(r.executions > 1);
    weft_result_free(&r);
    r = weft_check("abba_after", abba, NULL, &o);
    assert_int_equal(r.verdict, WEFT_DEADLOCK);
    weft_result_free(&r);
}

/* In a child: a cmocka group whose test fails inside a body (1 failure), then one that checks normally. */
static int cmocka_child(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct CMUnitTest first[] = {cmocka_unit_test(fails_inside_body)};
    const struct CMUnitTest then[] = {cmocka_unit_test(checks_after)};
    int failed = cmocka_run_group_tests_name("longjmp", first, NULL, NULL);
    int after = cmocka_run_group_tests_name("after", then, NULL, NULL);
    return failed == 1 && after == 0 ? 0 : 10 + failed * 3 + after;
}

/* The child of cmocka_longjmp_recovered: this program again, as `test_cli cmocka-longjmp` (a new program, so that
 * valgrind, which CI runs the tests under, does not follow it: the abandoned check's explorer memory is lost, as
 * weft.h says, and memcheck would count it). */
static const char *self_path; /* argv[0] of main */
static int exec_self(int argc, char **argv)
{
    (void)argc;
    char asan[512]; /* nor LeakSanitizer, for the same reason */
    const char *was = getenv("ASAN_OPTIONS");
    snprintf(asan, sizeof asan, "%s%sdetect_leaks=0", was ? was : "", was && *was ? ":" : "");
    setenv("ASAN_OPTIONS", asan, 1);
    execv(self_path, argv);
    return 127;
}

#if defined(__SANITIZE_ADDRESS__)
#define TU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_ASAN 1
#endif
#endif

static void cmocka_longjmp_recovered(void **state)
{
    (void)state;
#ifdef TU_ASAN
    /* AddressSanitizer cannot follow a longjmp from a task's stack to the main stack: the frames the jump
     * abandoned stay poisoned, and cmocka's next call reports a false stack-buffer-overflow. */
    skip();
#endif
    char err[8192];
    char *argv[] = {"test_cli", "cmocka-longjmp", NULL};
    int s = tu_in_child(exec_self, 2, argv, NULL, err, sizeof err);
    if (s)
        print_error("  child exit %d, stderr:\n%s\n", s, err);
    assert_int_equal(s, 0);
}

/* weft_check from a task is still refused (that is not a longjmp), as an error. */
static char inner[256];
static weft_verdict inner_verdict;
static void check_inside(void *arg)
{
    (void)arg;
    weft_result r = weft_check("inner", ordered, NULL, NULL);
    snprintf(inner, sizeof inner, "%s", r.error ? r.error : "");
    inner_verdict = r.verdict;
    weft_result_free(&r);
}

static void nested_check_is_an_error(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("outer", check_inside, NULL, &o);
    tu_expect_verdict(&r, WEFT_OK);
    assert_string_equal(inner, "weft_check: called from inside a running check");
    assert_int_equal(inner_verdict, WEFT_ERROR);
    weft_result_free(&r);
}

static void result_print_whole(void **state)
{
    (void)state;
    weft_options o = tu_exhaustive();
    weft_result r = weft_check("cli_long", weft__body_cli_long, NULL, &o);
    FILE *f = tmpfile();
    weft_result_print(&r, f);
    static char buf[1 << 16];
    slurp_into(f, buf, sizeof buf);
    assert_string_equal(buf, r.report);
    assert_true(strlen(buf) > 4096);
    weft_result_free(&r);
    r = weft_check("clean", ordered, NULL, &o);
    f = tmpfile();
    weft_result_print(&r, f);
    slurp_into(f, buf, sizeof buf);
    assert_string_equal(buf, "OK: 2 executions, complete\n");
    weft_result_free(&r);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "main")) {
        argv[1] = argv[0];
        return weft_main(argc - 1, argv + 1);
    }
    if (argc > 1 && !strcmp(argv[1], "cmocka-longjmp"))
        return cmocka_child(argc, argv);
    self_path = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_statuses),
        cmocka_unit_test(quiet_keeps_failures),
        cmocka_unit_test(json_lines_one_object_per_test),
        cmocka_unit_test(json_schedule_bounded),
        cmocka_unit_test(junit_report),
        cmocka_unit_test(several_tests_and_patterns),
        cmocka_unit_test(version_and_flags),
        cmocka_unit_test(replay_tokens),
        cmocka_unit_test(assertf_message_in_report),
        cmocka_unit_test(progress_hook),
        cmocka_unit_test(cmocka_longjmp_recovered),
        cmocka_unit_test(nested_check_is_an_error),
        cmocka_unit_test(result_print_whole),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
