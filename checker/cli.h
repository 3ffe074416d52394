/* cli.h: option parsing shared by weft_main and the weft catalogue tool; the checker's entry points they use. */
#ifndef WEFT_CLI_H
#define WEFT_CLI_H

#include "strategy.h"

#define WEFT__MAX_PATTERNS 64

/* What weft_main's command line asks besides the checker options. */
typedef struct weft__args {
    const char *pattern; /* the first --test PATTERN; the caller's default (WEFT_TEST) until a flag sets it */
    bool list;           /* --list */
    bool help;           /* --help or -h (parsing stopped there) */
    bool version;        /* --version (parsing stopped there) */
    int npatterns;       /* --test flags given (0: `pattern` is the caller's default) */
    const char *patterns[WEFT__MAX_PATTERNS]; /* every --test PATTERN, in order */
} weft__args;

bool weft__apply_option(weft_options *o, const char *name, const char *value, char *err, size_t errlen) WEFT__HIDDEN;
int weft__parse_flag(weft_options *o, int argc, char **argv, int i, char *err, size_t errlen) WEFT__HIDDEN;
bool weft__options_check(const weft_options *o, char *err, size_t errlen) WEFT__HIDDEN;
bool weft__parse_args(weft_options *o, weft__args *a, int argc, char **argv, char *err, size_t errlen) WEFT__HIDDEN;
int weft__select(const char *pattern, const char *const *names, int n, bool *sel) WEFT__HIDDEN;
char *weft__token_lower(const char *s) WEFT__HIDDEN;
extern const char *weft__flags_help WEFT__HIDDEN;

/* The exploration itself (explore.c); weft_check (embed.c) wraps it. */
weft_result weft__check(const char *name, void (*body)(void *), void *arg, const weft_options *opt) WEFT__HIDDEN;
bool weft__recover_abandoned(void) WEFT__HIDDEN;

/* Progress (progress.c). */
void weft__progress_tick(const weft_options *o, const char *name, long long executions, long long pruned, int bound,
                         double t0) WEFT__HIDDEN;
void weft__progress_setup(weft_options *o) WEFT__HIDDEN;
void weft__progress_clear(void) WEFT__HIDDEN;

/* Result lines (report.c). */
const char *weft__status(const weft_result *r) WEFT__HIDDEN;
char *weft__result_json(const char *name, const weft_result *r, const weft_options *o) WEFT__HIDDEN;

/* JUnit XML (junit.c). */
typedef struct weft__junit weft__junit;
weft__junit *weft__junit_new(void) WEFT__HIDDEN;
void weft__junit_add(weft__junit *j, const char *classname, const char *name, const char *kind, const char *type,
                     const char *message, const char *text, const char *out, double seconds) WEFT__HIDDEN;
void weft__junit_finish(weft__junit *j, const char *suite, bool no_time, FILE *out) WEFT__HIDDEN;

#endif
