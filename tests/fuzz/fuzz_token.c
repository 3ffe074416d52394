/* fuzz_token.c: fuzz target: the replay-token decoder never crashes, refuses with one line, and what it accepts re-encodes to the same choices. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read every choice of t (at most `limit`); NULL when it holds more. */
static weft__tchoice *read_all(const weft__token *t, long long limit)
{
    if (t->nvalues > limit)
        return NULL;
    weft__tchoice *c = calloc((size_t)(t->nvalues ? t->nvalues : 1), sizeof *c);
    if (!c)
        abort();
    weft__token_rewind(t);
    for (long long i = 0; i < t->nvalues; i++)
        if (!weft__token_next(t, &c[i]))
            __builtin_trap(); /* fewer choices than it claims */
    weft__tchoice extra;
    if (weft__token_next(t, &extra))
        __builtin_trap(); /* more */
    return c;
}

/* Pack t's fields and choices again and decode them; the result must match field for field. */
static void round_trip(const weft__token *t)
{
    weft__tchoice *c = read_all(t, 100000);
    if (!c)
        return;
    char *s = weft__token_pack(t, c);
    weft__token u;
    char err[256];
    if (!weft__token_decode(s, &u, err, sizeof err))
        __builtin_trap(); /* a token weft made is refused */
    if (u.time_mode != t->time_mode || u.max_steps != t->max_steps || u.nsteps != t->nsteps ||
        u.stack_size != t->stack_size || u.leak_horizon != t->leak_horizon || u.hang_ms != t->hang_ms ||
        u.verdict != t->verdict || u.end_digest != t->end_digest || u.trace != t->trace || u.nvalues != t->nvalues)
        __builtin_trap(); /* the round trip changed a field */
    weft__tchoice *d = read_all(&u, 100000);
    for (long long i = 0; i < t->nvalues; i++)
        if (c[i].value != d[i].value || c[i].delta != d[i].delta || c[i].digest != d[i].digest)
            __builtin_trap(); /* the round trip changed the schedule */
    weft__token_free(&u);
    free(d);
    free(c);
    free(s);
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
        if (t.nvalues < 0 || !t.rd || t.max_steps <= 0 || t.nsteps < 0 || t.time_mode < 0 || t.time_mode > 1)
            __builtin_trap(); /* accepted, but not a schedule weft can follow */
        round_trip(&t);
        weft__token_free(&t);
    } else {
        if (!err[0] || strchr(err, '\n') || t.rd)
            __builtin_trap(); /* refused without one line of reason, or leaking */
    }
    free(s);
    return 0;
}
