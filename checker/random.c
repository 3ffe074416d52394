/* random.c: uniformly random choices from a seed, for --iterations executions. */
#include "strategy.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void begin(weft__explorer *x)
{
    uint64_t s = x->opt->seed ^ ((uint64_t)x->executions * 0xD1B54A32D192ED03ull);
    x->rng = splitmix(&s);
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    uint64_t v = splitmix(&x->rng);
    return b->allowed[(int)(v % (uint64_t)b->nallowed)];
}

static bool next(weft__explorer *x)
{
    return x->executions < x->opt->iterations;
}

const weft__strategy weft__random = {"random", begin, choose, next};
