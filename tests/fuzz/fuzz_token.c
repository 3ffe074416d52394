/* fuzz_token.c: fuzz target: the replay-token decoder never crashes, refuses with one line, and what it accepts re-encodes to the same choices. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encode t's fields again (the test name is unknown: only its hash was kept) and decode them; the result must
 * match field for field. */
static void round_trip(const weft__token *t)
{
    weft_options o;
    memset(&o, 0, sizeof o);
    o.time_mode = (weft_time_mode)t->time_mode;
    o.max_steps = t->max_steps;
    weft__explorer x;
    memset(&x, 0, sizeof x);
    x.nrec = t->nvalues;
    x.rec = calloc((size_t)(t->nvalues ? t->nvalues : 1), sizeof *x.rec);
    if (!x.rec)
        abort();
    for (int i = 0; i < t->nvalues; i++)
        x.rec[i].value = t->values[i];
    const weft_options *saved = weft__R.opt;
    weft__R.opt = &o;
    char *s = weft__token_encode(&x, "fuzz", t->trace, t->nsteps);
    weft__R.opt = saved;
    weft__token u;
    char err[256];
    if (!weft__token_decode(s, &u, err, sizeof err))
        __builtin_trap(); /* a token weft made is refused */
    if (u.time_mode != t->time_mode || u.max_steps != t->max_steps || u.nsteps != t->nsteps ||
        u.trace != t->trace || u.nvalues != t->nvalues ||
        (t->nvalues && memcmp(u.values, t->values, sizeof *t->values * (size_t)t->nvalues)))
        __builtin_trap(); /* the round trip changed the schedule */
    free(u.values);
    free(s);
    free(x.rec);
}

/* libFuzzer's entry. A first byte 'w' (as in every real token): the rest is token text (a NUL ends it early, as
 * it would a command-line argument). Any other first byte: the rest is a token's payload, sealed with its checksum
 * so that the decoder's reading of the fields, not only its checksum, is fuzzed. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;
    if (size > 0 && data[0] != 'w') {
        s = weft__token_seal(data + 1, size - 1);
    } else {
        s = malloc(size + 1);
        if (!s)
            abort();
        memcpy(s, data, size);
        s[size] = 0;
    }
    weft__token t;
    char err[256] = "";
    if (weft__token_decode(s, &t, err, sizeof err)) {
        if (t.nvalues < 0 || !t.values || t.max_steps <= 0 || t.nsteps < 0 || t.time_mode < 0 || t.time_mode > 1)
            __builtin_trap(); /* accepted, but not a schedule weft can follow */
        if (t.nvalues <= 100000)
            round_trip(&t);
        free(t.values);
    } else {
        if (!err[0] || strchr(err, '\n') || t.values)
            __builtin_trap(); /* refused without one line of reason, or leaking */
    }
    free(s);
    return 0;
}
