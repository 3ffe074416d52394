/* replay.c: follow the choices a replay token recorded, refusing any the program no longer offers. */
#include "strategy.h"

static void begin(weft__explorer *x)
{
    x->tcursor = 0;
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    const weft__token *t = x->token;
    long long step = weft__R.nsteps + 1;
    if (x->tcursor >= t->nvalues)
        weft__nondet("at step %lld the program makes choice %d; the token recorded only %d", step, x->tcursor + 1,
                     t->nvalues);
    int v = t->values[x->tcursor++];
    if (b->kind == WEFT__BR_TASK) {
        for (int i = 0; i < b->n; i++)
            if (b->ids[i] == v - 1)
                return i;
        if (v == 0)
            weft__nondet("at step %lld the token fires the clock, which has nothing to fire now", step);
        weft__nondet("at step %lld the token schedules task %d, which is not enabled now", step, v - 1);
    }
    if (v >= b->n)
        weft__nondet("at step %lld the token chooses alternative %d of %d", step, v, b->n);
    return v;
}

static bool next(weft__explorer *x)
{
    (void)x;
    return false;
}

const weft__strategy weft__replay = {"replay", begin, choose, next};
