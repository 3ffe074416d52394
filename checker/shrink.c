/* shrink.c: a bug's schedule with fewer preemptions: the same events in an order that switches tasks less. */
#include <stdlib.h>
#include <string.h>

#include "dpor.h"

/* Executions longer than this are reported as found (the readiness checks are quadratic in the events). */
#define SHRINK_MAX_EVENTS 4000

/* The events of the execution dpor found a bug in, in the order it took them, and the attempt under way.
 * Invariants: event e's data choices are data[dfrom[e] .. dfrom[e + 1]) (event -1, before the first step:
 * data[0 .. dfrom[0]), in pre); vc[vfrom[e] .. vfrom[e + 1]) is its vector clock (races.c: v[p + 1] is 1 +
 * the index of the latest event of process p it comes after). */
struct shrink {
    int n;              /* events */
    int *proc;          /* per event: its process (task id, -1 the clock) */
    int *dfrom, *data;  /* data choices, per event */
    int pre;            /* data choices made before the first event */
    int *vfrom, *vc;
    int nproc;          /* processes: ids -1 .. nproc - 2 (slots id + 1 of head) */
    /* the attempt */
    int tie;            /* which ready event goes when the running task cannot go on: tie % 4 == 0 the
                         * earliest, 1 the lowest task id, 2 the highest, 3 the one of the task with the fewest
                         * events left (a short task done first leaves fewer to preempt the long ones); tie >= 4:
                         * first those after which their task need not be switched away from (cheap), the
                         * clock's first among them (a firing as early as it may go switches nobody later) */
    int *head;          /* per process (id + 1): its next event not taken, or n */
    int *left;          /* per process (id + 1): its events not taken */
    int *next;          /* per event: the next event of its process, or n */
    char *taken;        /* per event */
    int low;            /* events before it are all taken */
    int cur;            /* the event whose step is under way (-1: none yet), and its data choices taken */
    int dpos;
};

static struct shrink *S(weft__explorer *x)
{
    return x->shrink;
}

/* Whether event f happens before event e (f < e): e's clock knows f; a clock that cannot tell (too many
 * processes) keeps the order. */
static bool before(const struct shrink *s, int f, int e)
{
    int pf = s->proc[f] + 1, len = s->vfrom[e + 1] - s->vfrom[e];
    if (pf >= VC_CAP)
        return true;
    return pf < len && s->vc[s->vfrom[e] + pf] >= f + 1;
}

/* Whether every event that happens before e has been taken in this attempt. */
static bool ready(const struct shrink *s, int e)
{
    for (int f = s->low; f < e; f++)
        if (!s->taken[f] && before(s, f, e))
            return false;
    return true;
}

static void begin(weft__explorer *x)
{
    struct shrink *s = S(x);
    for (int i = 0; i < s->nproc; i++) {
        s->head[i] = s->n;
        s->left[i] = 0;
    }
    for (int e = s->n - 1; e >= 0; e--) {
        int pi = s->proc[e] + 1;
        s->next[e] = s->head[pi];
        s->head[pi] = e;
        s->left[pi]++;
    }
    memset(s->taken, 0, (size_t)s->n);
    s->low = 0;
    s->cur = -1;
    s->dpos = 0;
    weft__R.x_every = true; /* every step is one of the events */
}

/* Whether taking event e leaves its process free to go on or with nothing left to do: the clock (it never
 * runs on), e its process's last event here (it then ends or waits: switching away is free), or its next event
 * ready right after it. Taking another leaves a task that will likely have to be preempted. */
static bool cheap(struct shrink *s, int e)
{
    if (s->proc[e] < 0 || s->next[e] >= s->n)
        return true;
    s->taken[e] = 1;
    bool r = ready(s, s->next[e]);
    s->taken[e] = 0;
    return r;
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    struct shrink *s = S(x);
    int from = s->cur < 0 ? 0 : s->dfrom[s->cur], to = s->cur < 0 ? s->pre : s->dfrom[s->cur + 1];
    if (b->kind != WEFT__BR_TASK) { /* the data choices of the step under way, in order */
        if (from + s->dpos >= to || s->data[from + s->dpos] >= b->n)
            return WEFT__PRUNE;
        return s->data[from + s->dpos++];
    }
    if (from + s->dpos != to)
        return WEFT__PRUNE; /* the step under way made other data choices than it did: not the same events */
    int pick = -1, best = -1, rule = s->tie % 4;
    bool best_cheap = false;
    for (int i = 0; i < b->n; i++) {
        int p = b->ids[i], pi = p + 1;
        if (pi >= s->nproc || s->head[pi] >= s->n || !ready(s, s->head[pi]))
            continue;
        if (b->preempt && !b->preempt[i]) { /* the running task goes on: no switch */
            pick = i;
            break;
        }
        int e = s->head[pi];
        bool c = s->tie >= 4 && cheap(s, e);
        int q = best < 0 ? 0 : b->ids[best];
        bool clock = c && best_cheap && (p < 0 || q < 0); /* two cheap events, one the clock's: it goes first */
        bool better = best < 0 || (c && !best_cheap) ||
                      (clock ? p < 0
                             : c == best_cheap && ((rule == 0 && e < s->head[q + 1]) ||
                                                   (rule == 1 && p >= 0 && (q < 0 || p < q)) || (rule == 2 && p > q) ||
                                                   (rule == 3 && s->left[pi] < s->left[q + 1])));
        if (better) {
            best = i;
            best_cheap = c;
        }
    }
    if (pick < 0)
        pick = best;
    if (pick < 0)
        return WEFT__PRUNE; /* no event of the execution is next: the candidates are not its tasks' */
    int pi = b->ids[pick] + 1, e = s->head[pi];
    s->taken[e] = 1;
    while (s->low < s->n && s->taken[s->low])
        s->low++;
    s->head[pi] = s->next[e];
    s->left[pi]--;
    s->cur = e;
    s->dpos = 0;
    return pick;
}

static bool next(weft__explorer *x)
{
    (void)x;
    return false; /* explore.c runs each attempt */
}

const weft__strategy weft__shrink = {"shrink", begin, choose, next};

/* Take the events of the execution that search d has just run (the one with the bug); NULL when it is too long
 * to shrink. */
struct shrink *weft__shrink_new(const struct dpor *d)
{
    if (d->nev == 0 || d->nev > SHRINK_MAX_EVENTS)
        return NULL;
    struct shrink *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    int n = s->n = d->nev, nvc = 0;
    s->nproc = 1;
    for (int e = 0; e < n; e++) {
        nvc += EN(d, e)->vc.n;
        if (EN(d, e)->chosen + 2 > s->nproc)
            s->nproc = EN(d, e)->chosen + 2;
    }
    s->proc = malloc(sizeof *s->proc * (size_t)n);
    s->dfrom = malloc(sizeof *s->dfrom * (size_t)(n + 1));
    s->data = malloc(sizeof *s->data * (size_t)(d->npath + 1));
    s->vfrom = malloc(sizeof *s->vfrom * (size_t)(n + 1));
    s->vc = malloc(sizeof *s->vc * (size_t)(nvc + 1));
    s->head = malloc(sizeof *s->head * (size_t)s->nproc);
    s->left = malloc(sizeof *s->left * (size_t)s->nproc);
    s->next = malloc(sizeof *s->next * (size_t)n);
    s->taken = malloc((size_t)n);
    if (!s->proc || !s->dfrom || !s->data || !s->vfrom || !s->vc || !s->head || !s->left || !s->next || !s->taken)
        abort();
    int nd = 0, nv = 0;
    for (int k = 0; k < d->npath && k < d->ev[0]; k++) /* data choices before the first step */
        s->data[nd++] = PN(d, k)->chosen;
    s->pre = nd;
    for (int e = 0; e < n; e++) {
        const dnode *en = EN(d, e);
        s->proc[e] = en->chosen;
        s->vfrom[e] = nv;
        memcpy(&s->vc[nv], en->vc.v, sizeof *s->vc * (size_t)en->vc.n);
        nv += en->vc.n;
        s->dfrom[e] = nd;
        int end = e + 1 < n ? d->ev[e + 1] : d->npath;
        for (int k = d->ev[e] + 1; k < end; k++)
            if (PN(d, k)->kind != WEFT__BR_TASK)
                s->data[nd++] = PN(d, k)->chosen;
    }
    s->dfrom[n] = nd;
    s->vfrom[n] = nv;
    return s;
}

/* Set which ready event goes first when the running task cannot go on (0 to 7: see struct shrink). */
void weft__shrink_tie(struct shrink *s, int tie)
{
    s->tie = tie;
}

/* Release s (NULL is fine). */
void weft__shrink_free(struct shrink *s)
{
    if (!s)
        return;
    free(s->proc);
    free(s->dfrom);
    free(s->data);
    free(s->vfrom);
    free(s->vc);
    free(s->head);
    free(s->left);
    free(s->next);
    free(s->taken);
    free(s);
}
