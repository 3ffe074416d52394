/* cli.h: option parsing shared by weft_main and the weft catalogue tool. */
#ifndef WEFT_CLI_H
#define WEFT_CLI_H

#include "strategy.h"

bool weft__apply_option(weft_options *o, const char *name, const char *value, char *err, size_t errlen) WEFT__HIDDEN;
int weft__parse_flag(weft_options *o, int argc, char **argv, int i, char *err, size_t errlen) WEFT__HIDDEN;
int weft__print_result(const char *name, const weft_result *r, const weft_options *o) WEFT__HIDDEN;
extern const char *weft__flags_help WEFT__HIDDEN;

#endif
