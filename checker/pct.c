/* pct.c: probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): random task priorities with d-1
 * priority change points; a bug of depth d shows with probability at least 1/(n k^(d-1)) per execution. */
#include <stdlib.h>

#include "strategy.h"

/* One slot per task (slot i: task i-1; slot 0: the clock). Invariant: prio is meaningful when seen == epoch. */
struct slot {
    unsigned long long prio;
    unsigned seen;
};

typedef struct pct {
    struct slot *slot;
    int cap;
    unsigned epoch;         /* this execution's number, from 1 */
    long long change[64];   /* the steps (1-based) at which the running task's priority drops */
    int nchange;
} pct;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static pct *state(weft__explorer *x)
{
    if (!x->pct && !(x->pct = calloc(1, sizeof *x->pct))) {
        fprintf(stderr, "weft: out of memory (pct)\n");
        abort();
    }
    return x->pct;
}

static void begin(weft__explorer *x)
{
    pct *p = state(x);
    uint64_t s = x->opt->seed ^ ((uint64_t)x->executions * 0xD1B54A32D192ED03ull) ^ 0x5043540000000000ull;
    x->rng = splitmix(&s);
    p->epoch++;
    /* k: the length of an execution, estimated by the longest seen so far */
    long long k = x->longest > 0 ? x->longest : 64;
    int d = x->opt->pct_depth;
    p->nchange = d - 1 < 64 ? d - 1 : 64;
    for (int i = 0; i < p->nchange; i++)
        p->change[i] = 1 + (long long)(splitmix(&x->rng) % (uint64_t)k);
}

/* The priority of slot i (task i-1, or the clock at 0), drawn on first sight in this execution: initial
 * priorities lie above every change-point priority. */
static unsigned long long *prio_of(weft__explorer *x, pct *p, int slot)
{
    int old = p->cap;
    weft__grow((void **)&p->slot, &p->cap, slot + 1, sizeof *p->slot);
    for (int i = old; i < p->cap; i++)
        p->slot[i].seen = 0;
    struct slot *s = &p->slot[slot];
    if (s->seen != p->epoch) {
        s->seen = p->epoch;
        s->prio = 64 + (splitmix(&x->rng) >> 8);
    }
    return &s->prio;
}

static int highest(weft__explorer *x, pct *p, const weft__branch *b)
{
    int best = b->allowed[0];
    for (int j = 1; j < b->nallowed; j++) {
        int i = b->allowed[j];
        if (*prio_of(x, p, b->ids[i] + 1) > *prio_of(x, p, b->ids[best] + 1))
            best = i;
    }
    return best;
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    if (b->kind != WEFT__BR_TASK)
        return b->allowed[(int)(splitmix(&x->rng) % (uint64_t)b->nallowed)];
    pct *p = state(x);
    int best = highest(x, p, b);
    long long step = weft__R.nsteps + 1;
    for (int i = 0; i < p->nchange; i++) {
        if (p->change[i] == step) { /* change point i: the task about to run drops below every other */
            *prio_of(x, p, b->ids[best] + 1) = (unsigned long long)(63 - i);
            best = highest(x, p, b);
        }
    }
    return best;
}

static bool next(weft__explorer *x)
{
    return x->executions < x->opt->iterations;
}

/* Release the strategy's state. */
void weft__pct_free(struct pct *p)
{
    if (!p)
        return;
    free(p->slot);
    free(p);
}

const weft__strategy weft__pct = {"pct", begin, choose, next};
