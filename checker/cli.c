/* cli.c: options: defaults, WEFT_* environment variables, command-line flags; the test registry; weft_main. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The flags that take a value, and their environment variable names. */
static const struct flag {
    const char *name;
    const char *env;
    bool has_value;
} flags[] = {
    {"strategy", "WEFT_STRATEGY", true},         {"max-preemptions", "WEFT_MAX_PREEMPTIONS", true},
    {"max-executions", "WEFT_MAX_EXECUTIONS", true}, {"max-steps", "WEFT_MAX_STEPS", true},
    {"time-limit", "WEFT_TIME_LIMIT", true},     {"seed", "WEFT_SEED", true},
    {"iterations", "WEFT_ITERATIONS", true},     {"pct-depth", "WEFT_PCT_DEPTH", true},
    {"time", "WEFT_TIME", true},                 {"leak-horizon", "WEFT_LEAK_HORIZON", true},
    {"stack-size", "WEFT_STACK_SIZE", true},     {"replay", "WEFT_REPLAY", true},
    {"report", "WEFT_REPORT", true},             {"quiet", "WEFT_QUIET", false},
    {"verbose", "WEFT_VERBOSE", false},         {"no-time", "WEFT_NO_TIME", false},
    {"count-traces", "WEFT_COUNT_TRACES", false}, {"allow-incomplete", "WEFT_ALLOW_INCOMPLETE", false},
};

static bool parse_ll(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return false;
    unsigned long long mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1024, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1024 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        mul = 1024 * 1024 * 1024, end++;
    if (*end || v == 0 || v > (1ull << 30) / mul)
        return false;
    *out = (size_t)(v * mul);
    return true;
}

/* A duration: an integer with unit ns, us, ms, s, m or h (bare: nanoseconds). */
static bool parse_duration(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0)
        return false;
    int64_t mul = 1;
    if (!strcmp(end, "") || !strcmp(end, "ns"))
        mul = 1;
    else if (!strcmp(end, "us"))
        mul = WEFT_US;
    else if (!strcmp(end, "ms"))
        mul = WEFT_MS;
    else if (!strcmp(end, "s"))
        mul = WEFT_SECOND;
    else if (!strcmp(end, "m"))
        mul = WEFT_MINUTE;
    else if (!strcmp(end, "h"))
        mul = 60 * WEFT_MINUTE;
    else
        return false;
    if (v > INT64_MAX / mul)
        return false;
    *out = v * mul;
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes"))
        *out = true;
    else if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, ""))
        *out = false;
    else
        return false;
    return true;
}

/* Keep the message in err on one line (a quoted value may hold control characters); returns false. */
static bool one_line(char *err)
{
    for (char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return false;
}

/* Apply option `name` (without dashes) with `value` to o. On a bad value, a one-line message in err. */
bool weft__apply_option(weft_options *o, const char *name, const char *value, char *err, size_t errlen)
{
    long long v;
    double d;
    char *end;
#define BAD(...) return snprintf(err, errlen, __VA_ARGS__), one_line(err)
    if (!strcmp(name, "strategy")) {
        if (!strcmp(value, "dfs"))
            o->strategy = WEFT_STRATEGY_DFS;
        else if (!strcmp(value, "random"))
            o->strategy = WEFT_STRATEGY_RANDOM;
        else if (!strcmp(value, "dpor"))
            o->strategy = WEFT_STRATEGY_DPOR;
        else if (!strcmp(value, "pct"))
            o->strategy = WEFT_STRATEGY_PCT;
        else
            BAD("--strategy: unknown strategy '%s' (dpor, dfs, random, pct)", value);
    } else if (!strcmp(name, "max-preemptions")) {
        if (!parse_ll(value, 0, 1000000, &v))
            BAD("--max-preemptions: '%s' is not a number from 0 to 1000000", value);
        o->max_preemptions = (int)v;
    } else if (!strcmp(name, "max-executions")) {
        if (!parse_ll(value, 1, INT64_MAX, &v))
            BAD("--max-executions: '%s' is not a positive number", value);
        o->max_executions = v;
    } else if (!strcmp(name, "max-steps")) {
        if (!parse_ll(value, 1, 1000000000, &v))
            BAD("--max-steps: '%s' is not a number from 1 to 1000000000", value);
        o->max_steps = v;
    } else if (!strcmp(name, "time-limit")) {
        errno = 0;
        d = strtod(value, &end);
        if (errno || end == value || *end || !(d > 0) || d > 1e9)
            BAD("--time-limit: '%s' is not a positive number of seconds", value);
        o->time_limit = d;
    } else if (!strcmp(name, "seed")) {
        errno = 0;
        unsigned long long s = strtoull(value, &end, 10);
        if (errno || end == value || *end || !(value[0] >= '0' && value[0] <= '9'))
            BAD("--seed: '%s' is not a non-negative number", value);
        o->seed = s;
    } else if (!strcmp(name, "iterations")) {
        if (!parse_ll(value, 1, INT64_MAX, &v))
            BAD("--iterations: '%s' is not a positive number", value);
        o->iterations = v;
    } else if (!strcmp(name, "pct-depth")) {
        if (!parse_ll(value, 1, 1000, &v))
            BAD("--pct-depth: '%s' is not a number from 1 to 1000", value);
        o->pct_depth = (int)v;
    } else if (!strcmp(name, "time")) {
        if (!strcmp(value, "adversarial"))
            o->time_mode = WEFT_TIME_ADVERSARIAL;
        else if (!strcmp(value, "idle"))
            o->time_mode = WEFT_TIME_IDLE;
        else
            BAD("--time: unknown mode '%s' (adversarial, idle)", value);
    } else if (!strcmp(name, "leak-horizon")) {
        int64_t ns;
        if (!parse_duration(value, &ns))
            BAD("--leak-horizon: '%s' is not a duration such as 60s, 500ms or 2m", value);
        o->leak_horizon = ns;
    } else if (!strcmp(name, "stack-size")) {
        size_t sz;
        if (!parse_size(value, &sz) || sz < 16 * 1024)
            BAD("--stack-size: '%s' is not a size from 16K to 1G (bytes, or with K, M or G)", value);
        o->stack_size = sz;
    } else if (!strcmp(name, "replay")) {
        if (!*value)
            BAD("--replay: empty token");
        o->replay = value;
    } else if (!strcmp(name, "report")) {
        if (!strcmp(value, "text"))
            o->report = WEFT_REPORT_TEXT;
        else if (!strcmp(value, "json"))
            o->report = WEFT_REPORT_JSON;
        else if (!strcmp(value, "junit"))
            o->report = WEFT_REPORT_JUNIT;
        else
            BAD("--report: unknown format '%s' (text, json, junit)", value);
    } else if (!strcmp(name, "quiet") || !strcmp(name, "verbose") || !strcmp(name, "no-time") ||
               !strcmp(name, "count-traces") || !strcmp(name, "allow-incomplete")) {
        bool b;
        if (!parse_bool(value, &b))
            BAD("--%s: '%s' is not a boolean (1, 0, true, false)", name, value);
        if (name[0] == 'q')
            o->quiet = b;
        else if (name[0] == 'v')
            o->verbose = b;
        else if (name[0] == 'n')
            o->no_time = b;
        else if (name[0] == 'a')
            o->allow_incomplete = b;
        else
            o->count_traces = b;
    } else {
        BAD("unknown option '--%s' (see --help)", name);
    }
    return true;
#undef BAD
}

/* Whether lo <= v <= hi; if not, a message naming option `field` in err. */
static bool in_range(char *err, size_t errlen, const char *field, long long v, long long lo, long long hi)
{
    if (v >= lo && v <= hi)
        return true;
    snprintf(err, errlen, "option %s is %lld, out of range (%lld to %lld)", field, v, lo, hi);
    return false;
}

/* Whether every field of o is in the range its flag accepts; if not, a one-line message naming the field in err.
 * (weft_check refuses options set out of range by a program, as the flags refuse them on the command line.) */
bool weft__options_check(const weft_options *o, char *err, size_t errlen)
{
    if (!(o->time_limit >= 0 && o->time_limit <= 1e9)) {
        snprintf(err, errlen, "option time_limit is %g, out of range (0 to 1000000000)", o->time_limit);
        return false;
    }
    if (o->stack_size < 16 * 1024 || o->stack_size > (size_t)1 << 30) {
        snprintf(err, errlen, "option stack_size is %zu, out of range (16384 to 1073741824)", o->stack_size);
        return false;
    }
    return in_range(err, errlen, "strategy", o->strategy, WEFT_STRATEGY_DPOR, WEFT_STRATEGY_PCT) &&
           in_range(err, errlen, "max_preemptions", o->max_preemptions, -1, 1000000) &&
           in_range(err, errlen, "max_executions", o->max_executions, 0, INT64_MAX) &&
           in_range(err, errlen, "max_steps", o->max_steps, 1, 1000000000) &&
           in_range(err, errlen, "iterations", o->iterations, 1, INT64_MAX) &&
           in_range(err, errlen, "pct_depth", o->pct_depth, 1, 1000) &&
           in_range(err, errlen, "time_mode", o->time_mode, WEFT_TIME_ADVERSARIAL, WEFT_TIME_IDLE) &&
           in_range(err, errlen, "leak_horizon", o->leak_horizon, 0, INT64_MAX) &&
           in_range(err, errlen, "report", o->report, WEFT_REPORT_TEXT, WEFT__REPORT_STORY);
}

/* Defaults, then WEFT_* environment variables; a bad variable is a usage error (message, exit 2). */
void weft_options_init(weft_options *o)
{
    memset(o, 0, sizeof *o);
    o->strategy = WEFT_STRATEGY_DPOR;
    o->max_preemptions = -1;
    o->max_steps = 100000;
    o->iterations = 1000;
    o->pct_depth = 3;
    o->time_mode = WEFT_TIME_ADVERSARIAL;
    o->leak_horizon = WEFT_MINUTE;
    o->stack_size = 256 * 1024;
    o->report = WEFT_REPORT_TEXT;
    char err[300];
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        const char *v = getenv(flags[i].env);
        if (!v)
            continue;
        if (!weft__apply_option(o, flags[i].name, v, err, sizeof err)) {
            fprintf(stderr, "weft: environment variable %s: %s\n", flags[i].env, err);
            exit(2);
        }
    }
}

/* Parse argv[i] as a checker flag (consuming its value from argv[i+1] when needed). Returns the number of
 * arguments used (1 or 2), 0 when argv[i] is not a checker flag, or -1 with a message in err. */
int weft__parse_flag(weft_options *o, int argc, char **argv, int i, char *err, size_t errlen)
{
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0)
        return 0;
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++) {
        if (strlen(flags[k].name) != len || strncmp(flags[k].name, name, len) != 0)
            continue;
        char fname[32];
        snprintf(fname, sizeof fname, "%s", flags[k].name);
        if (!flags[k].has_value)
            return weft__apply_option(o, fname, eq ? eq + 1 : "1", err, errlen) ? 1 : -1;
        if (eq)
            return weft__apply_option(o, fname, eq + 1, err, errlen) ? 1 : -1;
        if (i + 1 >= argc) {
            snprintf(err, errlen, "--%s needs a value", fname);
            return -1;
        }
        return weft__apply_option(o, fname, argv[i + 1], err, errlen) ? 2 : -1;
    }
    return 0;
}

/* The usage text shared by weft_main and the weft tool. */
const char *weft__flags_help =
    "  --strategy dpor|dfs|random|pct  exploration strategy (default dpor)\n"
    "  --max-preemptions N        fixed preemption bound (default: 0, 1, 2, ... until nothing new)\n"
    "  --max-executions N         stop after N executions (then INCOMPLETE)\n"
    "  --max-steps N              steps before LIVELOCK (default 100000)\n"
    "  --time-limit SECONDS       stop after this much wall time (then INCOMPLETE)\n"
    "  --seed N, --iterations N   random and pct: seed and executions (default seed 0, 1000 iterations)\n"
    "  --pct-depth D              pct: bug depth, d-1 priority change points (default 3)\n"
    "  --time adversarial|idle    virtual time mode (default adversarial)\n"
    "  --leak-horizon DURATION    virtual time after the body returns before a live task is a leak (default 1m)\n"
    "  --stack-size BYTES         stack per task, e.g. 256K or 1M (16K to 1G; default 256K)\n"
    "  --replay TOKEN             rerun the execution a report printed (only the test it was made for)\n"
    "  --report text|json|junit   report format (default text; json: one object per line; junit: XML)\n"
    "  --quiet                    leave out clean tests (never a failing or incomplete one)\n"
    "  --verbose                  progress on stderr (also shown when stderr is a terminal)\n"
    "  --allow-incomplete         exit 0, not 3, when a limit stopped a search before it was complete\n"
    "  --no-time                  leave wall time out of the output (then it is byte-identical run to run)\n"
    "  --count-traces             also count the distinct Mazurkiewicz traces run (slower; for measuring)\n"
    "  --version                  print weft's version\n"
    "Each flag can also be set by an environment variable WEFT_<FLAG>, e.g. WEFT_MAX_STEPS=5000, WEFT_LIST=1.\n"
    "Exit status: 0 clean and complete, 1 a bug, 2 a usage error, 3 INCOMPLETE (no bug, a limit stopped a search).\n";

/* A malloc'd lower-case copy of token text s when s has upper-case letters (tokens are case-insensitive), else
 * NULL. */
char *weft__token_lower(const char *s)
{
    bool upper = false;
    for (const char *p = s; p && *p && !upper; p++)
        upper = *p >= 'A' && *p <= 'Z';
    if (!upper)
        return NULL;
    char *c = strdup(s);
    if (!c)
        abort();
    for (char *p = c; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return c;
}

/* Whether pattern holds a glob wildcard (* ? or [). */
static bool has_wildcard(const char *pattern)
{
    return strpbrk(pattern, "*?[") != NULL;
}

/* Mark in sel[] the names that `pattern` selects and return how many: the name equal to it if there is one;
 * else, with a wildcard (* ? [), every name the glob matches; else every name that starts with it and '_' (a
 * family: `send_no_receiver` selects send_no_receiver_leaky and send_no_receiver_fixed). Shared by --test and
 * the weft tool's model names. */
int weft__select(const char *pattern, const char *const *names, int n, bool *sel)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], pattern))
            sel[i] = true, k++;
    if (k)
        return k;
    size_t len = strlen(pattern);
    for (int i = 0; i < n; i++) {
        bool m = has_wildcard(pattern) ? fnmatch(pattern, names[i], 0) == 0
                                       : !strncmp(names[i], pattern, len) && names[i][len] == '_';
        if (m)
            sel[i] = true, k++;
    }
    return k;
}

/* ---- registry ----------------------------------------------------------- */

static weft_test *registry;

/* Register a test (WEFT_TEST does this before main). */
void weft_register(weft_test *t)
{
    t->next = registry;
    registry = t;
}

static int cmp_test(const void *a, const void *b)
{
    const weft_test *x = *(weft_test *const *)a, *y = *(weft_test *const *)b;
    int c = strcmp(x->file, y->file);
    return c ? c : x->line - y->line;
}

/* Where weft_main's per-test output goes: the format, and the JUnit document being built. */
typedef struct output {
    const weft_options *o;
    weft__junit *junit; /* --report junit, else NULL */
    const char *suite;  /* the program's name (JUnit suite and class name) */
} output;

/* The second line of a text report (its headline), trimmed, into buf. */
static void report_headline(const char *report, char *buf, size_t n)
{
    const char *p = report ? strchr(report, '\n') : NULL;
    p = p ? p + 1 : "";
    while (*p == ' ')
        p++;
    snprintf(buf, n, "%.*s", (int)strcspn(p, "\n"), p);
}

/* Print (or collect) one check's outcome and return its exit status: 0 ok, 1 bug, 2 error, 3 incomplete (0 under
 * allow_incomplete). Text: a failing test's report and a summary line; clean tests one line unless quiet; an
 * error on stderr. JSON: one line per test (clean ones unless quiet). JUnit: a testcase. */
static int emit(const output *out, const char *name, const weft_result *r)
{
    const weft_options *o = out->o;
    const char *status = weft__status(r);
    int code = !strcmp(status, "error") ? 2 : !strcmp(status, "bug") ? 1 : !strcmp(status, "incomplete") ? 3 : 0;
    if (code == 3 && o->allow_incomplete)
        code = 0;
    char stats[768], line[1024], head[600];
    weft__stats(stats, sizeof stats, r, o, false);
    if (code == 2)
        fprintf(stderr, "weft: %s: %s\n", name, r->error);
    if (out->junit) {
        if (code == 1) {
            report_headline(r->report, head, sizeof head);
            snprintf(line, sizeof line, "%s: %s", weft_verdict_name(r->verdict), head);
            weft__junit_add(out->junit, out->suite, name, "failure", weft_verdict_name(r->verdict), line, r->report,
                            stats, o->no_time ? -1 : r->seconds);
        } else if (code == 2) {
            weft__junit_add(out->junit, out->suite, name, "error", "ERROR", r->error, NULL, NULL, -1);
        } else {
            bool incomplete = !strcmp(status, "incomplete");
            snprintf(line, sizeof line, "INCOMPLETE: %s", stats);
            weft__junit_add(out->junit, out->suite, name, incomplete ? "skipped" : "ok", NULL, line, NULL, stats,
                            o->no_time ? -1 : r->seconds);
        }
        return code;
    }
    bool quiet_drop = o->quiet && !strcmp(status, "ok");
    if (o->report == WEFT_REPORT_JSON) {
        if (code == 1) {
            fputs(r->report, stdout);
        } else if (!quiet_drop) {
            char *j = weft__result_json(name, r, o);
            fputs(j, stdout);
            free(j);
        }
        return code;
    }
    if (code == 1) {
        fputs(r->report, stdout);
        printf("%-10s %s: found after %lld execution%s (%d preemption%s)\n", weft_verdict_name(r->verdict), name,
               r->executions, r->executions == 1 ? "" : "s", r->preemptions, r->preemptions == 1 ? "" : "s");
    } else if (code != 2 && !quiet_drop) {
        printf("%-10s %s: %s\n", !strcmp(status, "incomplete") ? "INCOMPLETE" : "ok", name, stats);
    }
    return code;
}

/* Parse weft_main's arguments argv[1..argc) into o and a, printing nothing and never exiting. Stops at --help,
 * -h or --version. Returns false with a one-line message in err on an unknown argument or a bad value. */
bool weft__parse_args(weft_options *o, weft__args *a, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            a->help = true;
            return true;
        }
        if (!strcmp(arg, "--version")) {
            a->version = true;
            return true;
        }
        if (!strcmp(arg, "--list")) {
            a->list = true;
            continue;
        }
        if (!strcmp(arg, "--test") || !strncmp(arg, "--test=", 7)) {
            const char *p;
            if (arg[6] == '=')
                p = arg + 7;
            else if (i + 1 < argc)
                p = argv[++i];
            else
                return snprintf(err, errlen, "--test needs a pattern"), false;
            if (a->npatterns == WEFT__MAX_PATTERNS)
                return snprintf(err, errlen, "more than %d --test flags", WEFT__MAX_PATTERNS), false;
            if (!a->npatterns)
                a->pattern = p;
            a->patterns[a->npatterns++] = p;
            continue;
        }
        int used = weft__parse_flag(o, argc, argv, i, err, errlen);
        if (used < 0)
            return false;
        if (used == 0)
            return snprintf(err, errlen, "unknown argument '%s' (see --help)", arg), one_line(err);
        i += used - 1;
    }
    return true;
}

/* The program's name without its directory. */
static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "weft";
}

/* Run the registered tests under the flags in argv. Exit status: 0 every test clean and complete, 1 a bug, 2 a
 * usage error, 3 no bug but a limit stopped a search (0 with --allow-incomplete). */
int weft_main(int argc, char **argv)
{
    weft_options o;
    weft_options_init(&o);
    weft__args args;
    memset(&args, 0, sizeof args);
    args.pattern = getenv("WEFT_TEST");
    char err[300];
    const char *env_list = getenv("WEFT_LIST");
    if (env_list && !parse_bool(env_list, &args.list)) {
        fprintf(stderr, "weft: environment variable WEFT_LIST: '%s' is not a boolean (1, 0, true, false)\n", env_list);
        return 2;
    }
    if (!weft__parse_args(&o, &args, argc, argv, err, sizeof err)) {
        fprintf(stderr, "weft: %s\n", err);
        return 2;
    }
    if (args.help) {
        printf("usage: %s [--list] [--test PATTERN]... [flags]\n"
               "A PATTERN is a test's name; with * ? or [ a glob; else it selects the tests whose names start with it\n"
               "and '_'. Several --test flags select every test any of them selects.\n%s",
               argv[0], weft__flags_help);
        return 0;
    }
    if (args.version) {
        printf("weft %s\n", WEFT_VERSION_STRING);
        return 0;
    }
    if (!args.npatterns && args.pattern && *args.pattern)
        args.patterns[args.npatterns++] = args.pattern; /* WEFT_TEST */
    int n = 0;
    for (weft_test *t = registry; t; t = t->next)
        n++;
    weft_test **tests = malloc(sizeof *tests * (size_t)(n ? n : 1));
    const char **names = malloc(sizeof *names * (size_t)(n ? n : 1));
    bool *sel = calloc((size_t)(n ? n : 1), sizeof *sel);
    if (!tests || !names || !sel)
        abort();
    n = 0;
    for (weft_test *t = registry; t; t = t->next)
        tests[n++] = t;
    qsort(tests, (size_t)n, sizeof *tests, cmp_test);
    for (int i = 0; i < n; i++)
        names[i] = tests[i]->name;
    int status = 0, nsel = 0;
    for (int k = 0; k < args.npatterns && !status; k++)
        if (!weft__select(args.patterns[k], names, n, sel)) {
            fprintf(stderr, "weft: no test matches '%s' (see --list)\n", args.patterns[k]);
            status = 2;
        }
    for (int i = 0; i < n; i++) {
        if (!args.npatterns)
            sel[i] = true;
        nsel += sel[i];
    }
    /* a replay token applies to the test it was made for (its fingerprint names it): the others selected are
     * skipped. A token that fits none of them is refused, by weft_check naming a test when some were named. */
    char *lower = o.replay ? weft__token_lower(o.replay) : NULL;
    if (lower)
        o.replay = lower;
    if (!status && o.replay && !args.list && nsel) {
        weft__token tok;
        int fits = -1;
        if (weft__token_decode(o.replay, &tok, err, sizeof err)) {
            weft__token_free(&tok);
            for (int i = 0; i < n && fits < 0; i++)
                if (sel[i] && weft__fnv(2166136261u, names[i], strlen(names[i])) == tok.fingerprint)
                    fits = i;
            if (fits < 0 && !args.npatterns) {
                fprintf(stderr, "weft: bad replay token: it was made for a test this program does not have\n");
                status = 2;
            }
        } else if (!args.npatterns) {
            fprintf(stderr, "weft: bad replay token: %s\n", err);
            status = 2;
        }
        if (fits >= 0) {
            if (nsel > 1)
                fprintf(stderr, "weft: replaying %s (the test the token was made for); %d other test%s skipped\n",
                        names[fits], nsel - 1, nsel == 2 ? "" : "s");
            memset(sel, 0, sizeof *sel * (size_t)n);
            sel[fits] = true;
            nsel = 1;
        }
    }
    if (!status && !nsel) {
        fprintf(stderr, "weft: no tests registered\n");
        status = 2;
    }
    if (status || args.list) {
        for (int i = 0; i < n && !status; i++)
            if (sel[i])
                printf("%s\n", names[i]);
        free(lower);
        free(sel);
        free(names);
        free(tests);
        return status;
    }
    weft__progress_setup(&o);
    output out = {&o, o.report == WEFT_REPORT_JUNIT ? weft__junit_new() : NULL, base_name(argv[0])};
    int ran = 0, bugs = 0, incomplete = 0;
    bool error = false;
    for (int i = 0; i < n && !error; i++) {
        if (!sel[i])
            continue;
        weft_test *t = tests[i];
        char prefix[1024];
        snprintf(prefix, sizeof prefix, "%s --test %s", argv[0], t->name);
        weft__R.replay_prefix = prefix;
        weft_result r = weft_check(t->name, t->body, NULL, &o);
        weft__R.replay_prefix = NULL;
        weft__progress_clear();
        int s = emit(&out, t->name, &r);
        fflush(stdout); /* each test's output is out before the next test runs (it may hang and be killed) */
        incomplete += !strcmp(weft__status(&r), "incomplete");
        weft_result_free(&r);
        ran++;
        bugs += s == 1;
        error = s == 2;
    }
    if (out.junit)
        weft__junit_finish(out.junit, out.suite, o.no_time, stdout);
    if (!o.quiet && o.report == WEFT_REPORT_TEXT && ran > 1 && !error)
        printf("weft: %d tests, %d clean, %d with a bug, %d incomplete\n", ran, ran - bugs - incomplete, bugs,
               incomplete);
    free(lower);
    free(sel);
    free(names);
    free(tests);
    return error ? 2 : bugs ? 1 : incomplete && !o.allow_incomplete ? 3 : 0;
}
