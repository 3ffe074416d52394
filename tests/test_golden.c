/* test_golden.c: the exact text (and JSON) reports of small buggy programs, compared byte for byte with tests/golden/. */
#define _GNU_SOURCE
#include <errno.h> /* program_invocation_name */

#include "testutil.h"

/*
 * Each program's report (programs in golden_programs.c) is compared with tests/golden/<name>.txt (or .json) byte for byte. Reports name
 * source files relative to the repository root (CMake passes -fmacro-prefix-map), and main() fixes
 * program_invocation_name, which the report's replay command names, so the files do not depend on the
 * checkout or build directory, nor on the context switch the library was built with.
 *
 * Call stacks (`    at func (file:line)` lines, JSON "stack" members) depend on how the programs were compiled: they
 * are compared only in an unoptimized build (at -O2 the compiler may inline or merge calls), and left out of the
 * comparison otherwise. test_stacks.c checks them in every build.
 *
 * After an intended change of the report format, or of a line of this file, regenerate the files with
 *     WEFT_UPDATE_GOLDEN=1 ctest --test-dir BUILD -R '^golden$'
 * or by running BUILD/tests/test_golden with WEFT_UPDATE_GOLDEN=1 (from any directory: the path of
 * tests/golden is compiled in). The test then rewrites every golden file and passes; review the diff.
 */

/* The programs, in golden_programs.c so that editing this file does not move the lines the reports name. */
void golden_abba(void *arg);
void golden_leak(void *arg);
void golden_panic_send_closed(void *arg);
void golden_select_leak(void *arg);

/* The golden file's path for test `name` in `fmt`. */
static void golden_path(const char *name, weft_report_format fmt, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s.%s", WEFT_GOLDEN_DIR, name, fmt == WEFT_REPORT_JSON ? "json" : "txt");
}

/* The whole file at path (malloc'd), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, k;
    char *s = malloc(cap);
    while (s && (k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap)
            s = realloc(s, cap *= 2);
    }
    fclose(f);
    if (s)
        s[n] = 0;
    return s;
}

/* Print the first line where got and want differ. */
static void show_difference(const char *got, const char *want)
{
    int line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        if (*g == '\n')
            line++;
        g++, w++;
    }
    const char *gl = g, *wl = w;
    while (gl > got && gl[-1] != '\n')
        gl--;
    while (wl > want && wl[-1] != '\n')
        wl--;
    print_error("  first difference at line %d:\n  got:  %.*s\n  want: %.*s\n", line, (int)strcspn(gl, "\n"), gl,
                (int)strcspn(wl, "\n"), wl);
    print_error("  whole report:\n%s", got);
}

/* Remove the call stacks from report s, in place: text lines "    at ..." and "    ...", JSON members "stack". */
static void strip_stacks(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        size_t n = strcspn(r, "\n") + (r[strcspn(r, "\n")] == '\n');
        if (strncmp(r, "    at ", 7) == 0 || strncmp(r, "    ...\n", 8) == 0) {
            r += n;
            continue;
        }
        memmove(w, r, n);
        w += n;
        r += n;
    }
    *w = 0;
    for (char *p; (p = strstr(s, ", \"stack\": [")) != NULL;) {
        const char *e = strchr(p, ']'); /* frames hold no brackets */
        assert_non_null(e);
        memmove(p, e + 1, strlen(e + 1) + 1);
    }
}

/* Whether reports a and b are the same (their call stacks aside in an optimized build). */
static bool same_report(const char *a, const char *b)
{
#ifdef __OPTIMIZE__
    char *x = strdup(a), *y = strdup(b);
    assert_non_null(x);
    assert_non_null(y);
    strip_stacks(x);
    strip_stacks(y);
    bool same = strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
#else
    return strcmp(a, b) == 0;
#endif
}

static void check_golden(const char *name, void (*body)(void *), weft_verdict v, weft_report_format fmt)
{
    weft_options o = tu_exhaustive();
    o.max_preemptions = -1; /* the default: the report with the fewest preemptions */
    o.report = fmt;
    weft_result r = weft_check(name, body, NULL, &o);
    tu_expect_verdict(&r, v);
    assert_non_null(r.report);
    char root[1024];
    snprintf(root, sizeof root, "%s", WEFT_GOLDEN_DIR);
    char *t = strstr(root, "/tests/golden");
    if (t)
        *t = 0;
    if (strstr(r.report, root))
        print_error("  the report names the checkout's absolute path %s:\n%s", root, r.report);
    assert_null(strstr(r.report, root)); /* paths are relative to the repository root */
    char path[1024];
    golden_path(name, fmt, path, sizeof path);
    const char *update = getenv("WEFT_UPDATE_GOLDEN");
    if (update && *update && strcmp(update, "0") != 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(r.report, f);
        assert_int_equal(fclose(f), 0);
        print_message("  rewrote %s\n", path);
    } else {
        char *want = slurp(path);
        if (!want)
            print_error("  no golden file %s (create it with WEFT_UPDATE_GOLDEN=1)\n", path);
        assert_non_null(want);
        bool same = same_report(r.report, want);
        if (!same)
            show_difference(r.report, want);
        assert_true(same);
        free(want);
    }
    /* the replay reproduces the golden report too */
    o.replay = r.replay;
    weft_result p = weft_check(name, body, NULL, &o);
    tu_expect_verdict(&p, v);
    tu_same_report(p.report, r.report);
    weft_result_free(&p);
    weft_result_free(&r);
}

static void test_abba(void **state)
{
    (void)state;
    check_golden("abba", golden_abba, WEFT_DEADLOCK, WEFT_REPORT_TEXT);
}

static void test_abba_json(void **state)
{
    (void)state;
    check_golden("abba", golden_abba, WEFT_DEADLOCK, WEFT_REPORT_JSON);
}

static void test_leak(void **state)
{
    (void)state;
    check_golden("leak", golden_leak, WEFT_LEAK, WEFT_REPORT_TEXT);
}

static void test_panic(void **state)
{
    (void)state;
    check_golden("panic_send_closed", golden_panic_send_closed, WEFT_PANIC, WEFT_REPORT_TEXT);
}

static void test_select(void **state)
{
    (void)state;
    check_golden("select_leak", golden_select_leak, WEFT_LEAK, WEFT_REPORT_TEXT);
}

static void test_select_json(void **state)
{
    (void)state;
    check_golden("select_leak", golden_select_leak, WEFT_LEAK, WEFT_REPORT_JSON);
}

/* The comparison of an optimized build leaves out exactly the call stacks. */
static void test_strip_stacks(void **state)
{
    (void)state;
    char text[] = "task 1 `w`\n  blocked in chan_send at a.c:3\n    at w (a.c:3)\n    at f (a.c:9)\n    ...\n"
                  "  chan#1: unbuffered\n";
    strip_stacks(text);
    assert_string_equal(text, "task 1 `w`\n  blocked in chan_send at a.c:3\n  chan#1: unbuffered\n");
    char json[] = "{\"line\": 3, \"stack\": [{\"func\": \"w\", \"file\": \"a.c\", \"line\": 3}], \"waits\": [], "
                  "\"stack\": []}";
    strip_stacks(json);
    assert_string_equal(json, "{\"line\": 3, \"waits\": []}");
}

int main(void)
{
    program_invocation_name = "test_golden";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abba),
        cmocka_unit_test(test_abba_json),
        cmocka_unit_test(test_leak),
        cmocka_unit_test(test_panic),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_select_json),
        cmocka_unit_test(test_strip_stacks),
    };
    return cmocka_run_group_tests_name("golden", tests, NULL, NULL);
}
