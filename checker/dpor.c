/* dpor.c: dynamic partial-order reduction (Flanagan-Godefroid races, vector clocks) with sleep sets. */
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

/* A set of process ids (task id, or -1 for the clock), insertion-ordered. */
typedef struct iset {
    int *v;
    int n, cap;
} iset;

static void iset_add(iset *s, int x)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == x)
            return;
    weft__grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = x;
}

/* Append the pair (a, b) (sets of pairs: see handled). */
static void iset_add_pair(iset *s, int a, int b)
{
    weft__grow((void **)&s->v, &s->cap, s->n + 2, sizeof *s->v);
    s->v[s->n++] = a;
    s->v[s->n++] = b;
}

/* Whether the set of pairs s holds (a, b). */
static bool handled(const iset *s, int a, int b)
{
    for (int i = 0; i + 1 < s->n; i += 2)
        if (s->v[i] == a && s->v[i + 1] == b)
            return true;
    return false;
}

static bool iset_has(const iset *s, int x)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == x)
            return true;
    return false;
}

/* A branch point of the exploration tree. Task nodes are states: their candidates, the backtrack set that
 * races asked for, what was explored (done), what need not be (sleep) and what waits for a higher preemption
 * bound (later); data nodes are select cases and weft_choose. A node lives while it is on the path, has a
 * live child, or has entries queued for a later round (refs counts these).
 * Invariant: for a node on the path, `chosen` is the choice the current execution takes there, and its event
 * (footprint, vector clock) belongs to the current execution. */
typedef struct dnode {
    int kind;        /* enum weft__branch_kind */
    int n;           /* data: alternatives */
    int chosen;      /* task: the process chosen (task id, -1 clock); data: the index */
    int parent;      /* the node this one is a child of, -1 for the root; free nodes: the next free one */
    int via;         /* the parent's choice that leads here */
    int depth;       /* its index on the path */
    int refs;        /* the path, live children and queued entries that hold it */
    iset cand;       /* task: candidates, in the runtime's order */
    bool *pre;       /* task: choosing cand.v[i] is a preemption */
    int pre_cap;
    int preempts;    /* preemptions before this step */
    iset bt, done, sleep, later;
    /* the event (this execution) */
    iset fp;         /* footprint keys of the chosen step */
    iset vc;         /* its vector clock */
    iset handled;    /* races with it already handled: pairs (version << 9 | process index, newest racing event) */
    bool all;        /* dependent on everything (the clock, or a footprint too large) */
} dnode;

/* Vector clocks track the first VC_CAP processes; happens-before questions about later processes answer
 * "not known", which only adds races (sound, less reduction) and keeps memory bounded. */
#define VC_CAP 256

/* Branch points tracked per execution; deeper ones (a spinning task's 100000 steps) take the first allowed
 * alternative and make the search incomplete, keeping memory and time per step bounded. */
#define DPOR_MAX_NODES 20000

/* A backtrack entry left for a later round: choose `choice` at node `node`. */
typedef struct ditem {
    int node, choice;
} ditem;

/* The DPOR state of one check. Iterative preemption bounding does not start over at each bound: an entry the
 * bound forbids waits in `later` with its node (and the node's ancestors) kept, and the next round runs only
 * those entries, replaying the path to each; so no execution is run twice across rounds. */
struct dpor {
    dnode *nodes;    /* the node pool; a node's memory is kept for reuse when it is freed */
    int allocated, cnodes, free_node;
    int *path;       /* the path: node ids from the root */
    int npath, cpath;
    int floor;       /* path entries below it belong to the round's earlier work: not explored further */
    ditem *now, *later; /* entries for this round's bound, and for the next */
    int nnow, cnow, nlater, clater;
    int frontier;    /* the path index whose choice next() changed, -1 none */
    /* this execution */
    int *ev;         /* event index -> path index */
    int nev, cev;
    int nproc;       /* processes seen: index = id + 1 */
    iset *pvc;       /* per process: its vector clock (v[j] = 1 + index of the latest event of process j known) */
    int *ver;        /* per process: how often its pending step changed (it moved, or was woken) */
    int cproc;
    int *lastk;      /* open addressing: key -> last event touching it, and that event's clock */
    int *lastv;
    iset *lastvc;
    int cmap, nmap;
    int last_clock;  /* the last event dependent on everything (the clock), -1 */
    iset all_vc;     /* its clock */
    iset cur_vc;     /* the clock of the newest event */
    iset gvc;        /* join of every event's clock */
    iset tmp, fpa, fpb, ini, seen, races; /* scratch */
    iset child;      /* sleep set for the next new node */
    bool have_child;
    bool clock_was;  /* the clock was a candidate at the previous state */
    int keys[64];
};

/* The node at path index k, and the node of event e. */
#define PN(d, k) (&(d)->nodes[(d)->path[k]])
#define EN(d, e) PN(d, (d)->ev[e])

static struct dpor *D(weft__explorer *x)
{
    if (!x->dpor) {
        x->dpor = calloc(1, sizeof(struct dpor));
        if (!x->dpor)
            abort();
        x->dpor->free_node = -1;
    }
    return x->dpor;
}

/* ---- processes and vector clocks ----------------------------------------- */

static void ensure_proc(struct dpor *d, int p)
{
    if (p < d->nproc)
        return;
    if (p >= d->cproc) {
        int cap = d->cproc ? d->cproc : 16;
        while (cap <= p)
            cap *= 2;
        d->pvc = realloc(d->pvc, sizeof *d->pvc * (size_t)cap);
        d->ver = realloc(d->ver, sizeof *d->ver * (size_t)cap);
        if (!d->pvc || !d->ver)
            abort();
        for (int i = d->cproc; i < cap; i++)
            d->pvc[i] = (iset){0};
        d->cproc = cap;
    }
    for (int i = d->nproc; i <= p; i++) {
        d->pvc[i].n = 0;
        d->ver[i] = 0;
    }
    d->nproc = p + 1;
}

static int vc_get(const int *v, int len, int p)
{
    return p < len ? v[p] : 0;
}

/* a := a joined with b[0..blen) (the first VC_CAP processes) */
static void vc_join(iset *a, const int *b, int blen)
{
    if (blen > VC_CAP)
        blen = VC_CAP;
    if (a->n < blen) {
        weft__grow((void **)&a->v, &a->cap, blen, sizeof *a->v);
        for (int i = a->n; i < blen; i++)
            a->v[i] = 0;
        a->n = blen;
    }
    for (int i = 0; i < blen; i++)
        if (b[i] > a->v[i])
            a->v[i] = b[i];
}

static void vc_copy(iset *a, const int *b, int blen)
{
    a->n = 0;
    vc_join(a, b, blen);
}


/* ---- key -> last event map ------------------------------------------------- */

static int *map_slot(struct dpor *d, int key)
{
    if (2 * (d->nmap + 1) > d->cmap) {
        int oc = d->cmap, *ok = d->lastk, *ov = d->lastv;
        iset *ovc = d->lastvc;
        d->cmap = oc ? 2 * oc : 256;
        d->lastk = malloc(sizeof *d->lastk * (size_t)d->cmap);
        d->lastv = malloc(sizeof *d->lastv * (size_t)d->cmap);
        d->lastvc = calloc((size_t)d->cmap, sizeof *d->lastvc);
        if (!d->lastk || !d->lastv || !d->lastvc)
            abort();
        for (int i = 0; i < d->cmap; i++)
            d->lastk[i] = -1;
        d->nmap = 0;
        for (int i = 0; i < oc; i++) {
            if (ok[i] == -1) {
                free(ovc[i].v);
                continue;
            }
            int *slot = map_slot(d, ok[i]);
            *slot = ov[i];
            free(d->lastvc[slot - d->lastv].v);
            d->lastvc[slot - d->lastv] = ovc[i];
        }
        free(ok);
        free(ov);
        free(ovc);
    }
    unsigned h = (unsigned)key * 2654435761u;
    for (int i = (int)(h & (unsigned)(d->cmap - 1));; i = (i + 1) & (d->cmap - 1)) {
        if (d->lastk[i] == key)
            return &d->lastv[i];
        if (d->lastk[i] == -1) {
            d->lastk[i] = key;
            d->lastv[i] = -1;
            d->lastvc[i].n = 0;
            d->nmap++;
            return &d->lastv[i];
        }
    }
}

/* ---- footprints and dependence ----------------------------------------------- */

/* The footprint of process p's pending step into fp; false when it is dependent on everything. */
static bool footprint(struct dpor *d, int p, iset *fp)
{
    fp->n = 0;
    if (p < 0)
        return false;
    int n = weft__footprint(p, d->keys, (int)(sizeof d->keys / sizeof *d->keys));
    if (n < 0)
        return false;
    weft__grow((void **)&fp->v, &fp->cap, n, sizeof *fp->v);
    if (n > 0) /* an empty footprint may have no storage yet */
        memcpy(fp->v, d->keys, sizeof *fp->v * (size_t)n);
    fp->n = n;
    return true;
}

/* The footprint for races and sleep sets of process p's pending step: a task that polled in vain waits for
 * the others to move (fairness), so whether it may move depends on every step: dependent on everything. */
static bool pending_fp(struct dpor *d, int p, iset *fp)
{
    if (p >= 0 && weft__R.tasks[p]->poll_step >= 0) {
        fp->n = 0;
        return false;
    }
    return footprint(d, p, fp);
}

static bool dependent(const iset *a, bool aall, const iset *b, bool ball)
{
    if (aall || ball)
        return true;
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (a->v[i] == b->v[j])
                return true;
    return false;
}

/* ---- races --------------------------------------------------------------------- */

static int map_find(const struct dpor *d, int key)
{
    if (!d->cmap)
        return -1;
    unsigned h = (unsigned)key * 2654435761u;
    for (int i = (int)(h & (unsigned)(d->cmap - 1));; i = (i + 1) & (d->cmap - 1)) {
        if (d->lastk[i] == key)
            return d->lastv[i];
        if (d->lastk[i] == -1)
            return -1;
    }
}

/* Whether event e is a candidate race for process p: by another process and not known to p. */
static bool racy(const struct dpor *d, int e, int p)
{
    if (e < 0)
        return false;
    const dnode *nd = EN(d, e);
    if (nd->chosen == p)
        return false;
    const iset *mine = &d->pvc[p + 1];
    return nd->chosen + 1 >= VC_CAP || vc_get(mine->v, mine->n, nd->chosen + 1) < e + 1;
}

/* Whether event e happens before event j (e < j): j's clock knows e. */
static bool hb(const struct dpor *d, int e, int j)
{
    int pe = EN(d, e)->chosen + 1;
    const iset *vj = &EN(d, j)->vc;
    return pe >= VC_CAP || vc_get(vj->v, vj->n, pe) >= e + 1;
}

/* Whether event j (process index qi) has a predecessor after event e other than its own process's: some
 * process's latest event it knows is later than e. */
static bool preceded_after(const iset *vc, int qi, int e)
{
    for (int r = 0; r < vc->n; r++)
        if (r != qi && vc->v[r] - 1 > e)
            return true;
    return false;
}

/* Process p's pending step (footprint fp, or dependent on everything) races with event e: make the state
 * before e explore a reversal. Source-DPOR (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014): the sequence that
 * reverses the race is u = notdep(e).p (the events after e that do not happen after it, then p's step); one of
 * its initials (the processes whose first step in u nothing in u precedes) must be tried before e, unless one
 * already is. Trying p itself when p could move there (Flanagan and Godefroid) is wrong with sleep sets: p may
 * be asleep there while the reversal needs another process to go first. */
static void backtrack(struct dpor *d, int e, int p, const iset *fp, bool all)
{
    dnode *nd = EN(d, e);
    if (d->nproc >= VC_CAP) { /* clocks incomplete: everything that could move there */
        for (int i = 0; i < nd->cand.n; i++)
            iset_add(&nd->bt, nd->cand.v[i]);
        return;
    }
    iset *ini = &d->ini, *seen = &d->seen;
    ini->n = seen->n = 0;
    bool p_preceded = all && e + 1 < d->nev;
    for (int j = e + 1; j < d->nev; j++) {
        if (hb(d, e, j))
            continue;
        const dnode *nj = EN(d, j);
        int q = nj->chosen;
        if (iset_has(seen, q))
            continue;
        iset_add(seen, q);
        if (!preceded_after(&nj->vc, q + 1, e))
            iset_add(ini, q);
    }
    if (!iset_has(seen, p)) {
        const iset *pv = &d->pvc[p + 1];
        p_preceded |= preceded_after(pv, p + 1, e);
        if (d->last_clock > e && !hb(d, e, d->last_clock))
            p_preceded = true;
        for (int i = 0; i < fp->n && !all && !p_preceded; i++) {
            int l = map_find(d, fp->v[i]);
            p_preceded = l > e; /* after e and not after it (else e would not race with p), or after it: either way */
        }
        if (!p_preceded)
            iset_add(ini, p);
    }
    int pick = -1;
    for (int i = 0; i < ini->n; i++) {
        if (iset_has(&nd->bt, ini->v[i]))
            return;
        if (iset_has(&nd->cand, ini->v[i]) && (pick < 0 || (iset_has(&nd->sleep, pick) && !iset_has(&nd->sleep, ini->v[i]))))
            pick = ini->v[i];
    }
    if (pick >= 0)
        iset_add(&nd->bt, pick);
    else /* no initial could move there (the model missed an enabling): everything that could */
        for (int i = 0; i < nd->cand.n; i++)
            iset_add(&nd->bt, nd->cand.v[i]);
}

/* Process p (id) could take a step with footprint fp: find the events it races with (dependent, by another
 * process, not known to happen before p, and not before another such event) and have each reversed. Events
 * on one key are ordered by happens-before, so only the last event of each key, and the last event dependent
 * on everything, can race; a step dependent on everything races with the last event of each process. */
static void race_check(struct dpor *d, int p, const iset *fp, bool all)
{
    ensure_proc(d, p + 1);
    if (p < 0) {
        /* The clock: its pending step exists only once a task armed a timer, so the latest racing event may
         * be the very step that armed it, which the clock can never precede; reversing that race changes
         * nothing and the earlier ones would be lost. Every racing event since the clock last moved gets a
         * backtrack point. */
        for (int e = d->nev - 1; e >= 0 && e > d->last_clock; e--)
            if (racy(d, e, p))
                backtrack(d, e, p, fp, true);
        if (d->last_clock >= 0 && racy(d, d->last_clock, p))
            backtrack(d, d->last_clock, p, fp, true);
        return;
    }
    iset *c = &d->races;
    c->n = 0;
    if (all) {
        for (int qi = 0; qi < d->nproc && qi < VC_CAP; qi++) {
            const iset *qv = &d->pvc[qi];
            int l = qi < qv->n ? qv->v[qi] - 1 : -1;
            if (qi != p + 1 && racy(d, l, p))
                iset_add(c, l);
        }
    } else {
        for (int i = 0; i < fp->n; i++) {
            int l = map_find(d, fp->v[i]);
            if (racy(d, l, p))
                iset_add(c, l);
        }
    }
    if (racy(d, d->last_clock, p))
        iset_add(c, d->last_clock);
    int newest = -1;
    for (int i = 0; i < c->n; i++)
        if (c->v[i] > newest)
            newest = c->v[i];
    for (int i = 0; i < c->n; i++) {
        bool direct = true;
        for (int j = 0; j < c->n && direct; j++)
            direct = !(c->v[j] > c->v[i] && hb(d, c->v[i], c->v[j]));
        if (!direct)
            continue;
        /* the same race, with the same pending step and no newer event it depends on, was handled before:
         * u has only grown by events independent of everything after e in it, so the answer stands */
        iset *h = &EN(d, c->v[i])->handled;
        int key = d->ver[p + 1] << 9 | (p + 1);
        if (d->ver[p + 1] < (1 << 21) && handled(h, key, newest))
            continue;
        iset_add_pair(h, key, newest);
        backtrack(d, c->v[i], p, fp, all);
    }
}

/* Race checks for every process that has a pending step now: tasks (enabled or not) and the clock if it is a
 * candidate. */
static void races_now(struct dpor *d, const int *cand, int ncand)
{
    weft__rt *R = &weft__R;
    iset *fp = &d->fpa;
    for (int i = 0, na = weft__alive(); i < na; i++) {
        const weft__task *t = R->tasks[R->alive[i]];
        if (t->state != WEFT__T_PENDING)
            continue;
        bool ok = pending_fp(d, t->id, fp);
        race_check(d, t->id, fp, !ok);
    }
    bool clock = false;
    for (int i = 0; i < ncand; i++)
        clock |= cand[i] < 0;
    /* also when the clock could move before the last step and cannot now: that step disabled it (stopped
     * or reset its timer), a race the clock will never show by moving */
    if (clock || d->clock_was) {
        ensure_proc(d, 0);
        race_check(d, -1, fp, true);
    }
    d->clock_was = clock;
}

/* Record the event of node k (process p about to take its step): its footprint, and the vector clocks it
 * updates: p's own, each key's, and the newest event's. */
static void record_event(struct dpor *d, int k)
{
    dnode *nd = PN(d, k);
    int p = nd->chosen, pi = p + 1;
    ensure_proc(d, pi);
    nd->all = !footprint(d, p, &nd->fp);
    int e = d->nev;
    weft__grow((void **)&d->ev, &d->cev, e + 1, sizeof *d->ev);
    d->ev[e] = k;
    iset *vc = &d->tmp;
    vc_copy(vc, d->pvc[pi].v, d->pvc[pi].n);
    if (nd->all) {
        vc_join(vc, d->gvc.v, d->gvc.n);
    } else {
        if (d->last_clock >= 0)
            vc_join(vc, d->all_vc.v, d->all_vc.n);
        for (int i = 0; i < nd->fp.n; i++) {
            int *slot = map_slot(d, nd->fp.v[i]);
            if (*slot >= 0)
                vc_join(vc, d->lastvc[slot - d->lastv].v, d->lastvc[slot - d->lastv].n);
        }
    }
    if (pi < VC_CAP) {
        if (vc->n <= pi) {
            weft__grow((void **)&vc->v, &vc->cap, pi + 1, sizeof *vc->v);
            for (int i = vc->n; i <= pi; i++)
                vc->v[i] = 0;
            vc->n = pi + 1;
        }
        vc->v[pi] = e + 1;
    }
    if (nd->all) {
        d->last_clock = e; /* the clock, or a step dependent on everything: every later event comes after */
        vc_copy(&d->all_vc, vc->v, vc->n);
    } else {
        for (int i = 0; i < nd->fp.n; i++) {
            int *slot = map_slot(d, nd->fp.v[i]);
            *slot = e;
            vc_copy(&d->lastvc[slot - d->lastv], vc->v, vc->n);
        }
    }
    vc_copy(&d->pvc[pi], vc->v, vc->n);
    vc_copy(&nd->vc, vc->v, vc->n);
    nd->handled.n = 0;
    d->ver[pi]++;
    vc_copy(&d->cur_vc, vc->v, vc->n);
    vc_join(&d->gvc, vc->v, vc->n);
    d->nev++;
}

/* Task id was woken by the step under way: it now knows everything that step knew. */
void weft__dpor_wake(struct dpor *d, int id)
{
    if (d->nev == 0)
        return;
    ensure_proc(d, id + 1);
    vc_join(&d->pvc[id + 1], d->cur_vc.v, d->cur_vc.n);
    d->ver[id + 1]++;
}

/* Task id was spawned by `parent` (-1: the clock): it starts from its parent's knowledge. */
void weft__dpor_spawn(struct dpor *d, int id, int parent)
{
    ensure_proc(d, id + 1);
    ensure_proc(d, parent + 1);
    vc_copy(&d->pvc[id + 1], d->pvc[parent + 1].v, d->pvc[parent + 1].n);
}

/* ---- the strategy ------------------------------------------------------------------ */

/* A new node, child of the node at the end of the path (or the root), pushed on the path. */
static dnode *push_node(struct dpor *d, int kind)
{
    int id = d->free_node;
    if (id >= 0) {
        d->free_node = d->nodes[id].parent;
    } else {
        weft__grow((void **)&d->nodes, &d->cnodes, d->allocated + 1, sizeof *d->nodes);
        memset(&d->nodes[d->allocated], 0, sizeof *d->nodes);
        id = d->allocated++;
    }
    weft__grow((void **)&d->path, &d->cpath, d->npath + 1, sizeof *d->path);
    dnode *nd = &d->nodes[id];
    nd->kind = kind;
    nd->parent = d->npath > 0 ? d->path[d->npath - 1] : -1;
    nd->via = d->npath > 0 ? PN(d, d->npath - 1)->chosen : -1;
    nd->depth = d->npath;
    nd->refs = 1;
    if (nd->parent >= 0)
        d->nodes[nd->parent].refs++;
    nd->cand.n = nd->bt.n = nd->done.n = nd->sleep.n = nd->later.n = nd->fp.n = 0;
    d->path[d->npath++] = id;
    return nd;
}

/* Drop one reference to node id; a node nothing holds any more is freed, and lets go of its parent. */
static void unref(struct dpor *d, int id)
{
    while (id >= 0 && --d->nodes[id].refs == 0) {
        int parent = d->nodes[id].parent;
        d->nodes[id].parent = d->free_node;
        d->free_node = id;
        id = parent;
    }
}

/* Take the last node off the path. */
static void pop_node(struct dpor *d)
{
    unref(d, d->path[--d->npath]);
}

/* Queue choice p at node id for this round (next false) or the next one. */
static void queue(struct dpor *d, bool next, int id, int p)
{
    dnode *nd = &d->nodes[id];
    if (iset_has(&nd->later, p))
        return;
    iset_add(&nd->later, p);
    nd->refs++;
    ditem **q = next ? &d->later : &d->now;
    int *n = next ? &d->nlater : &d->nnow, *cap = next ? &d->clater : &d->cnow;
    weft__grow((void **)q, cap, *n + 1, sizeof **q);
    (*q)[(*n)++] = (ditem){id, p};
}

/* Entry p of the node at path index k lies beyond the preemption bound: queue it for the next round, or,
 * with a fixed bound, give it up (the search is then incomplete). */
static void defer(weft__explorer *x, struct dpor *d, int k, int p)
{
    if (x->iterative)
        queue(d, true, d->path[k], p);
    else
        x->cut = true;
}

static void begin(weft__explorer *x)
{
    struct dpor *d = D(x);
    x->cursor = 0;
    weft__R.x_every = true;
    d->nev = 0;
    d->nproc = 0;
    d->last_clock = -1;
    d->gvc.n = 0;
    d->cur_vc.n = 0;
    d->all_vc.n = 0;
    d->have_child = false;
    d->clock_was = false;
    for (int i = 0; i < d->cmap; i++)
        d->lastk[i] = -1;
    d->nmap = 0;
}

/* The sleep set of the child reached by choosing p at node nd: what was asleep or explored here and is
 * independent of p's step. */
static void child_sleep(struct dpor *d, const dnode *nd, int p)
{
    iset *pf = &d->tmp, *rf = &d->fpb;
    bool pall = !pending_fp(d, p, pf);
    d->child.n = 0;
    for (int pass = 0; pass < 2; pass++) {
        const iset *s = pass ? &nd->done : &nd->sleep;
        for (int i = 0; i < s->n; i++) {
            int r = s->v[i];
            if (r == p || r < 0)
                continue;
            const weft__task *t = weft__R.tasks[r];
            if (t->state != WEFT__T_PENDING)
                continue;
            bool rall = !pending_fp(d, r, rf);
            if (!dependent(pf, pall, rf, rall))
                iset_add(&d->child, r);
        }
    }
    d->have_child = true;
}

static int index_of(const weft__branch *b, int p)
{
    for (int i = 0; i < b->n; i++)
        if (b->ids[i] == p)
            return i;
    return -1;
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    struct dpor *d = D(x);
    weft__rt *R = &weft__R;
    if (x->cursor >= DPOR_MAX_NODES) {
        if (b->nallowed > 1)
            x->deep = true;
        return b->allowed[0];
    }
    if (b->kind != WEFT__BR_TASK) {
        if (x->cursor < d->npath) {
            dnode *nd = PN(d, x->cursor++);
            if (nd->kind != b->kind || nd->n != b->n)
                weft__nondet("re-executing the same choices, branch point %d offered %d alternatives, %d before",
                             x->cursor, b->n, nd->n);
            return nd->chosen;
        }
        dnode *nd = push_node(d, b->kind);
        nd->n = b->n;
        nd->chosen = b->allowed[0];
        x->cursor++;
        return nd->chosen;
    }
    races_now(d, b->ids, b->n);
    int k = x->cursor;
    dnode *nd;
    int idx;
    if (k < d->npath) {
        nd = PN(d, k);
        idx = nd->kind == WEFT__BR_TASK ? index_of(b, nd->chosen) : -1;
        if (idx < 0)
            weft__nondet("re-executing the same choices, step %lld cannot take the step it took before",
                         R->nsteps + 1);
        child_sleep(d, nd, nd->chosen);
    } else {
        nd = push_node(d, WEFT__BR_TASK);
        for (int i = 0; i < b->n; i++)
            iset_add(&nd->cand, b->ids[i]);
        weft__grow((void **)&nd->pre, &nd->pre_cap, b->n, sizeof *nd->pre);
        for (int i = 0; i < b->n; i++)
            nd->pre[i] = b->preempt && b->preempt[i];
        nd->preempts = R->preemptions;
        if (d->have_child)
            for (int i = 0; i < d->child.n; i++)
                iset_add(&nd->sleep, d->child.v[i]);
        idx = -1;
        for (int i = 0; i < b->nallowed && idx < 0; i++)
            if (!iset_has(&nd->sleep, b->ids[b->allowed[i]]))
                idx = b->allowed[i];
        if (idx < 0) {
            /* every alternative within the bound is asleep: one beyond it may not be (next() defers it) */
            for (int i = 0; i < b->n && !nd->bt.n; i++)
                if (!iset_has(&nd->sleep, b->ids[i]))
                    iset_add(&nd->bt, b->ids[i]);
            if (!nd->bt.n)
                pop_node(d);
            weft__prune();
        }
        nd->chosen = b->ids[idx];
        iset_add(&nd->bt, nd->chosen);
        iset_add(&nd->done, nd->chosen);
        child_sleep(d, nd, nd->chosen);
    }
    x->cursor++;
    record_event(d, k);
    return idx;
}

/* Whether choosing candidate i of node nd stays within the preemption bound. */
static bool within_bound(weft__explorer *x, const dnode *nd, int i)
{
    return x->bound < 0 || !nd->pre[i] || nd->preempts < x->bound;
}

static int cand_index(const dnode *nd, int p)
{
    for (int j = 0; j < nd->cand.n; j++)
        if (nd->cand.v[j] == p)
            return j;
    return -1;
}

#define NO_ENTRY (-2) /* processes are task ids and -1, the clock */

/* The next backtrack entry of the task node at path index k to explore now: the first one asked for, not
 * explored, not asleep, not queued; entries beyond the bound are deferred. NO_ENTRY when none. */
static int next_entry(weft__explorer *x, struct dpor *d, int k)
{
    dnode *nd = PN(d, k);
    for (int i = 0; i < nd->bt.n; i++) {
        int p = nd->bt.v[i];
        if (iset_has(&nd->done, p) || iset_has(&nd->sleep, p) || iset_has(&nd->later, p))
            continue;
        int ci = cand_index(nd, p);
        if (ci < 0)
            continue;
        if (within_bound(x, nd, ci))
            return p;
        defer(x, d, k, p);
    }
    return NO_ENTRY;
}

/* Make the path lead to node id, taking `choice` there: each ancestor takes the choice towards it. */
static void path_to(struct dpor *d, int id, int choice)
{
    int depth = d->nodes[id].depth;
    weft__grow((void **)&d->path, &d->cpath, depth + 1, sizeof *d->path);
    d->npath = depth + 1;
    d->nodes[id].chosen = choice;
    for (int k = depth, n = id; k >= 0; k--) {
        d->path[k] = n;
        d->nodes[n].refs++;
        if (k > 0)
            d->nodes[d->nodes[n].parent].chosen = d->nodes[n].via;
        n = d->nodes[n].parent;
    }
}

static bool next(weft__explorer *x)
{
    struct dpor *d = D(x);
    if (!weft__R.end.pruned)
        races_now(d, NULL, 0);
    for (;;) {
        while (d->npath > d->floor) {
            int k = d->npath - 1;
            dnode *nd = PN(d, k);
            if (nd->kind != WEFT__BR_TASK) {
                if (nd->chosen + 1 < nd->n) {
                    nd->chosen++;
                    d->frontier = k;
                    return true;
                }
                pop_node(d);
                continue;
            }
            int p = next_entry(x, d, k);
            if (p != NO_ENTRY) {
                iset_add(&nd->done, p);
                nd->chosen = p;
                d->frontier = k;
                return true;
            }
            pop_node(d);
        }
        /* this piece of work is done; races found in it may have asked earlier nodes of the path for more */
        for (int k = d->npath - 1; k >= 0; k--) {
            dnode *nd = PN(d, k);
            if (nd->kind == WEFT__BR_TASK)
                for (int p; (p = next_entry(x, d, k)) != NO_ENTRY;)
                    queue(d, false, d->path[k], p);
            pop_node(d);
        }
        if (!d->nnow) {
            if (!d->nlater)
                return false;
            x->bound++; /* only reached when iterative: a fixed bound queues nothing */
            ditem *t = d->now;
            int c = d->cnow;
            d->now = d->later, d->cnow = d->clater, d->nnow = d->nlater;
            d->later = t, d->clater = c, d->nlater = 0;
        }
        ditem it = d->now[--d->nnow];
        dnode *nd = &d->nodes[it.node];
        for (int i = 0; i < nd->later.n; i++)
            if (nd->later.v[i] == it.choice)
                nd->later.v[i] = nd->later.v[--nd->later.n];
        if (!iset_has(&nd->done, it.choice)) {
            iset_add(&nd->done, it.choice);
            path_to(d, it.node, it.choice);
            d->floor = nd->depth;
            d->frontier = nd->depth;
        }
        unref(d, it.node);
        if (d->npath)
            return true;
    }
}

const weft__strategy weft__dpor = {"dpor", begin, choose, next};

/* Release everything a DPOR search allocated. */
void weft__dpor_free(struct dpor *d)
{
    for (int i = 0; i < d->allocated; i++) {
        dnode *nd = &d->nodes[i];
        free(nd->cand.v);
        free(nd->pre);
        free(nd->bt.v);
        free(nd->done.v);
        free(nd->sleep.v);
        free(nd->later.v);
        free(nd->fp.v);
        free(nd->vc.v);
        free(nd->handled.v);
    }
    for (int i = 0; i < d->cproc; i++)
        free(d->pvc[i].v);
    free(d->nodes);
    free(d->path);
    free(d->now);
    free(d->later);
    free(d->ev);
    for (int i = 0; i < d->cmap; i++)
        free(d->lastvc[i].v);
    free(d->lastvc);
    free(d->all_vc.v);
    free(d->cur_vc.v);
    free(d->tmp.v);
    free(d->fpa.v);
    free(d->fpb.v);
    free(d->ini.v);
    free(d->seen.v);
    free(d->races.v);
    free(d->pvc);
    free(d->ver);
    free(d->lastk);
    free(d->lastv);
    free(d->gvc.v);
    free(d->child.v);
    free(d);
}
