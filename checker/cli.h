/* cli.h: option parsing shared by weft_main and the weft catalogue tool. */
#ifndef WEFT_CLI_H
#define WEFT_CLI_H

#include "strategy.h"

/* What weft_main's command line asks besides the checker options. */
typedef struct weft__args {
    const char *pattern; /* --test PATTERN; the caller's default (WEFT_TEST) until a flag sets it */
    bool list;           /* --list */
    bool help;           /* --help or -h (parsing stopped there) */
} weft__args;

bool weft__apply_option(weft_options *o, const char *name, const char *value, char *err, size_t errlen) WEFT__HIDDEN;
int weft__parse_flag(weft_options *o, int argc, char **argv, int i, char *err, size_t errlen) WEFT__HIDDEN;
bool weft__options_check(const weft_options *o, char *err, size_t errlen) WEFT__HIDDEN;
bool weft__parse_args(weft_options *o, weft__args *a, int argc, char **argv, char *err, size_t errlen) WEFT__HIDDEN;
int weft__print_result(const char *name, const weft_result *r, const weft_options *o) WEFT__HIDDEN;
extern const char *weft__flags_help WEFT__HIDDEN;

#endif
