/* fuzz_cli.c: fuzz target: weft_main's argument parser never crashes or exits, refuses with one line, and accepts only options weft_check accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 32

/* libFuzzer's entry: data is the argument list, arguments separated by NUL bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static weft_options defaults;
    static bool ready;
    if (!ready) {
        weft_options_init(&defaults);
        ready = true;
    }
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[MAX_ARGS + 1] = {"fuzz"};
    int argc = 1;
    for (size_t i = 0; i <= size && argc < MAX_ARGS; argc++) {
        argv[argc] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    weft_options o = defaults;
    weft__args a;
    memset(&a, 0, sizeof a);
    char err[300] = "";
    if (weft__parse_args(&o, &a, argc, argv, err, sizeof err)) {
        char why[300];
        if (!weft__options_check(&o, why, sizeof why))
            __builtin_trap(); /* the command line accepted what weft_check refuses */
        if (o.replay) { /* weft_main decodes the token next */
            weft__token t;
            if (weft__token_decode(o.replay, &t, err, sizeof err))
                weft__token_free(&t);
        }
    } else if (!err[0] || strchr(err, '\n')) {
        __builtin_trap(); /* refused without one line of reason */
    }
    free(buf);
    return 0;
}
