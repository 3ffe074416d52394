/* dpor.c: the DPOR strategy: its exploration tree, sleep sets, and rounds of iterative preemption bounding. */
#include <stdlib.h>
#include <string.h>

#include "dpor.h"

static struct dpor *D(weft__explorer *x)
{
    if (!x->dpor) {
        x->dpor = calloc(1, sizeof(struct dpor));
        if (!x->dpor)
            abort();
        weft__pool_use(true);
        x->dpor->free_node = -1;
        x->dpor->debug = getenv("WEFT_DBG") != NULL;
        x->dpor->no_trail = getenv("WEFT_NO_TRAIL") != NULL; /* every replay builds the tables (tests compare) */
    }
    return x->dpor;
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
    d->live++;
    if (nd->parent >= 0)
        d->nodes[nd->parent].refs++;
    nd->ev_of = NO_ENTRY;
    nd->cand.nw = nd->bt.n = nd->done.n = nd->sleep.n = nd->later.n = nd->fp.n = nd->wseq.n = 0;
    nd->amk.n = 0;
    nd->cheap.n = 0;
    nd->scan = 0;
    d->path[d->npath++] = id;
    return nd;
}

/* Drop one reference to node id; a node nothing holds any more is freed, and lets go of its parent. */
static void unref(struct dpor *d, int id)
{
    while (id >= 0 && --d->nodes[id].refs == 0) {
        int parent = d->nodes[id].parent;
        d->live--;
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

/* Take queued entry it off its node's queued set and let go of the node. */
static void unqueue(struct dpor *d, ditem it)
{
    iset *l = &d->nodes[it.node].later;
    for (int i = 0; i < l->n; i++)
        if (l->v[i] == it.choice)
            l->v[i] = l->v[--l->n];
    unref(d, it.node);
}

/* Entry p of the node at path index k lies beyond the preemption bound: queue it for the next round, or,
 * with a fixed bound, give it up (the search is then incomplete), or, when too many nodes are kept already,
 * give it up and have the next round start over (explore.c raises the bound when cut). */
static void defer(weft__explorer *x, struct dpor *d, int k, int p)
{
    if (d->live > DPOR_MAX_LIVE)
        d->overflow = true;
    if (x->iterative && !d->overflow)
        queue(d, true, d->path[k], p);
    else
        x->cut = true;
}

static void begin(weft__explorer *x)
{
    struct dpor *d = D(x);
    if (d->debug)
        fprintf(stderr, "--- execution\n");
    x->cursor = 0;
    weft__R.x_every = true;
    d->have_child = false;
    d->replaying = d->npath - 1; /* the last entry of the path takes a new choice */
    d->last_task = d->npath - 1;
    x->charged = d->charged = 0;
    d->bound = x->bound;
    while (d->last_task >= 0 && PN(d, d->last_task)->kind != WEFT__BR_TASK)
        d->last_task--;
    weft__dpor_races_begin(d);
}

/* Whether the keys process r's step gained as it ran at node nd (nd->amk) conflict with footprint f. */
static bool amended_dependent(const dnode *nd, int r, const iset *f, bool fall)
{
    for (int j = 0; j + 1 < nd->amk.n; j += 2)
        if (nd->amk.v[j] == r) {
            iset one = {&nd->amk.v[j + 1], 1, 0};
            if (weft__dpor_dependent(f, fall, &one, false))
                return true;
        }
    return false;
}

/* The sleep set of the child reached by choosing p at node nd: what was asleep here, and the entries before p
 * in the order races asked for them (bt) that are explored or queued for a later round, that are independent
 * of p's step. Optimal DPOR explores a node's branches in the order they were asked for, the earlier ones
 * asleep in the later ones (Abdulla, Aronis, Jonsson, Sagonas, JACM 2017); iterative bounding explores some
 * later (a preemption defers them to the next round), so the order is that of the asking, not of the
 * exploring: a branch explored early does not put to sleep a task whose branch was asked for before it, which
 * would leave the execution with nothing awake to run. */
static void child_sleep(struct dpor *d, const dnode *nd, int p)
{
    iset pv, rv, *pf = &pv, *rf = &rv; /* views: valid until the footprint cache grows */
    bool pall = !weft__dpor_pending_fp(d, p, pf);
    d->child.n = d->child_amk.n = 0;
    for (int pass = 0; pass < 2; pass++) {
        const iset *s = pass ? &nd->bt : &nd->sleep;
        for (int i = 0; i < s->n; i++) {
            int r = s->v[i];
            if (pass && r == p)
                break;
            if (r == p)
                continue;
            if (pass && !iset_has(&nd->done, r) && !iset_has(&nd->later, r))
                continue;
            if (r >= 0 && weft__R.tasks[r]->state != WEFT__T_PENDING)
                continue;
            bool rall = !weft__dpor_pending_fp(d, r, rf);
            if (weft__dpor_dependent(pf, pall, rf, rall) || amended_dependent(nd, r, pf, pall))
                continue;
            iset_add(&d->child, r);
            for (int j = 0; j + 1 < nd->amk.n; j += 2)
                if (nd->amk.v[j] == r)
                    iset_push2(&d->child_amk, r, nd->amk.v[j + 1]);
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

/* The path's node k took its choice: its mark (weft__trail_mark) names them. */
static void mark_choice(struct dpor *d, int k)
{
    d->ck[k].node = d->path[k];
    d->ck[k].chosen = PN(d, k)->chosen;
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    struct dpor *d = D(x);
    weft__rt *R = &weft__R;
    if (b->kind == WEFT__BR_TASK) /* a data choice is made during a step: it may still grow (an amend) */
        weft__dpor_flush(d);
    if (x->cursor >= DPOR_MAX_NODES) {
        if (b->nallowed > 1)
            x->deep = true;
        d->trail_ok = d->tlog = false; /* the trail stops here: later changes are not undone */
        return b->allowed[0];
    }
    int k = x->cursor;
    if (d->ffwd && k == d->ffwd && b->kind == WEFT__BR_TASK)
        d->ffwd = 0; /* the tables are as they were here (weft__trail_restart) */
    if (!d->ffwd)
        weft__trail_mark(d, k, b->kind == WEFT__BR_TASK);
    if (b->kind != WEFT__BR_TASK) {
        if (x->cursor < d->npath) {
            dnode *nd = PN(d, x->cursor++);
            if (nd->kind != b->kind || nd->n != b->n)
                return weft__diverged(x, "re-executing the same choices, branch point %d offered %d alternatives, "
                                         "%d before", x->cursor, b->n, nd->n);
            mark_choice(d, k);
            return nd->chosen;
        }
        dnode *nd = push_node(d, b->kind);
        nd->n = b->n;
        nd->chosen = b->allowed[0];
        x->cursor++;
        mark_choice(d, k);
        return nd->chosen;
    }
    if (d->ffwd) { /* replaying without the race analysis: the node and its choice only */
        dnode *nd = PN(d, k);
        int idx = nd->kind == WEFT__BR_TASK ? index_of(b, nd->chosen) : -1;
        if (idx < 0)
            return weft__diverged(x, "re-executing the same choices, step %lld cannot take the step it took before",
                                  R->nsteps + 1);
        d->have_child = false; /* below the restored node: the next task node is on the path */
        x->cursor++;
        x->charged = d->charged = choice_cost(nd, nd->chosen);
        return idx;
    }
    weft__dpor_races_now(d, b->ids, b->n, k < d->replaying);
    dnode *nd;
    int idx;
    if (k < d->npath) {
        nd = PN(d, k);
        idx = nd->kind == WEFT__BR_TASK ? index_of(b, nd->chosen) : -1;
        if (idx < 0)
            return weft__diverged(x, "re-executing the same choices, step %lld cannot take the step it took before",
                                  R->nsteps + 1);
        if (k < d->last_task) /* the next task node is on the path: no new node needs this sleep set */
            d->have_child = false;
        else
            child_sleep(d, nd, nd->chosen);
    } else {
        nd = push_node(d, WEFT__BR_TASK);
        pset_fill(&nd->cand, b->ids, b->n);
        nd->preempting = b->preempt != NULL;
        nd->held = weft__R.clock_held;
        nd->keep = NO_ENTRY;
        for (int i = 0; b->preempt && i < b->n; i++)
            if (!b->preempt[i])
                nd->keep = b->ids[i];
        nd->preempts = d->charged;
        if (d->have_child) {
            for (int i = 0; i < d->child.n; i++)
                iset_add(&nd->sleep, d->child.v[i]);
            for (int i = 0; i + 1 < d->child_amk.n; i += 2)
                if (iset_has(&nd->sleep, d->child_amk.v[i]))
                    iset_push2(&nd->amk, d->child_amk.v[i], d->child_amk.v[i + 1]);
        }
        idx = -1;
        if (d->fpos < d->forced.n) { /* following a wakeup sequence */
            int q = d->forced.v[d->fpos++];
            for (int i = 0; i < b->nallowed && idx < 0; i++)
                if (b->ids[b->allowed[i]] == q && !iset_has(&nd->sleep, q))
                    idx = b->allowed[i];
            if (idx < 0)
                d->fpos = d->forced.n;
        }
        for (int i = 0; i < b->nallowed && idx < 0; i++)
            if (!iset_has(&nd->sleep, b->ids[b->allowed[i]]))
                idx = b->allowed[i];
        if (idx < 0) {
            /* every alternative within the bound is asleep: one beyond it may not be (next() defers it) */
            for (int i = 0; i < b->n && !nd->bt.n; i++)
                if (!iset_has(&nd->sleep, b->ids[i]))
                    iset_add(&nd->bt, b->ids[i]);
            if (d->debug) { /* WEFT_DBG: where and why an execution is abandoned */
                fprintf(stderr, "  PRUNE at %d: cand", x->cursor);
                for (int i = 0; i < b->n; i++)
                    fprintf(stderr, " %d", b->ids[i]);
                fprintf(stderr, " sleep:");
                for (int i = 0; i < nd->sleep.n; i++)
                    fprintf(stderr, " %d", nd->sleep.v[i]);
                fprintf(stderr, "\n");
            }
            if (!nd->bt.n)
                pop_node(d);
            return WEFT__PRUNE;
        }
        nd->chosen = b->ids[idx];
        iset_add(&nd->bt, nd->chosen);
        if (weft__R.spin_escape) /* only busy-waits can move, each dependent on everything: every one goes here */
            for (int i = 0; i < b->n; i++)
                iset_add(&nd->bt, b->ids[i]);
        iset_add(&nd->done, nd->chosen);
        child_sleep(d, nd, nd->chosen);
    }
    x->cursor++;
    x->charged = d->charged = choice_cost(nd, nd->chosen);
    mark_choice(d, k);
    weft__dpor_record(d, k);
    if (d->debug) {
        fprintf(stderr, "  [%d] t%d %s fp:", k, nd->chosen, nd->chosen >= 0 ? weft__R.tasks[nd->chosen]->op : "clock");
        for (int i = 0; i < nd->fp.n; i++) fprintf(stderr, " %x", nd->fp.v[i]);
        fprintf(stderr, "%s bt:", nd->all ? " ALL" : "");
        for (int i = 0; i < nd->bt.n; i++) fprintf(stderr, " %d", nd->bt.v[i]);
        fprintf(stderr, " sleep:");
        for (int i = 0; i < nd->sleep.n; i++) fprintf(stderr, " %d", nd->sleep.v[i]);
        fprintf(stderr, "%s\n", nd->held ? " (the clock held)" : "");
    }
    return idx;
}

/* Whether choosing candidate p of node nd stays within the preemption bound. */
static bool within_bound(weft__explorer *x, const dnode *nd, int p)
{
    return x->bound < 0 || choice_cost(nd, p) <= x->bound;
}

/* The next backtrack entry of the task node at path index k to explore now: the first one asked for, not
 * explored, not asleep, not queued; entries beyond the bound are deferred. NO_ENTRY when none. */
static int next_entry(weft__explorer *x, struct dpor *d, int k)
{
    dnode *nd = PN(d, k);
    for (int i = nd->scan; i < nd->bt.n; i++) {
        int p = nd->bt.v[i];
        if (iset_has(&nd->done, p) || iset_has(&nd->sleep, p) || iset_has(&nd->later, p) ||
            !pset_has(&nd->cand, p)) {
            if (i == nd->scan)
                nd->scan++;
            continue;
        }
        if (within_bound(x, nd, p))
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

/* The branch about to be explored takes entry p at node nd: follow p's wakeup sequence, if it has one. */
static void follow(struct dpor *d, const dnode *nd, int p)
{
    d->forced.n = d->fpos = 0;
    for (int i = 0; i + 1 < nd->wseq.n; i += 2 + nd->wseq.v[i + 1]) {
        if (nd->wseq.v[i] != p)
            continue;
        int n = nd->wseq.v[i + 1];
        iset_reserve(&d->forced, n);
        memcpy(d->forced.v, &nd->wseq.v[i + 2], sizeof *d->forced.v * (size_t)n);
        d->forced.n = n;
        return;
    }
}

static bool next(weft__explorer *x)
{
    struct dpor *d = D(x);
    weft__dpor_races_end(d); /* a pruned one too: its pending steps race as they would at any state */
    for (;;) {
        while (d->npath > d->floor) {
            int k = d->npath - 1;
            dnode *nd = PN(d, k);
            if (nd->kind != WEFT__BR_TASK) {
                if (nd->chosen + 1 < nd->n) {
                    nd->chosen++;
                    return true;
                }
                pop_node(d);
                continue;
            }
            int p = next_entry(x, d, k);
            if (p != NO_ENTRY) {
                iset_add(&nd->done, p);
                nd->chosen = p;
                follow(d, nd, p);
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
        if (d->hnow == d->nnow)
            d->hnow = d->nnow = 0;
        if (!d->nnow && d->overflow) { /* the next round starts over from the root: forget the queued work */
            for (int i = 0; i < d->nlater; i++)
                unqueue(d, d->later[i]);
            d->nlater = 0;
            d->overflow = false;
            d->floor = 0;
            return false;
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
        d->forced.n = d->fpos = 0;
        ditem it = d->now[d->hnow++]; /* in the order the search met them */
        dnode *nd = &d->nodes[it.node];
        if (!iset_has(&nd->done, it.choice)) {
            iset_add(&nd->done, it.choice);
            path_to(d, it.node, it.choice);
            d->floor = nd->depth;
        }
        unqueue(d, it);
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
        free(nd->cand.w);
        iset_free(&nd->bt);
        iset_free(&nd->done);
        iset_free(&nd->sleep);
        iset_free(&nd->later);
        iset_free(&nd->fp);
        iset_free(&nd->vc);
        iset_free(&nd->fp0);
        iset_free(&nd->vc0);
        iset_free(&nd->handled);
        iset_free(&nd->wseq);
        iset_free(&nd->amk);
        iset_free(&nd->cheap);
    }
    iset_free(&d->forced);
    iset_free(&d->trail);
    free(d->ck);
    for (int i = 0; i < d->cproc; i++)
        iset_free(&d->pvc[i]);
    free(d->nodes);
    free(d->path);
    free(d->now);
    free(d->later);
    free(d->ev);
    for (int i = 0; i < d->cmap; i++) {
        iset_free(&d->reads[i]);
        for (int m = 0; m < 3; m++)
            iset_free(&d->rvc[3 * i + m]);
    }
    free(d->reads);
    free(d->rvc);
    iset_free(&d->tmp);
    iset_free(&d->ini);
    iset_free(&d->seen);
    iset_free(&d->notdep);
    iset_free(&d->known);
    iset_free(&d->joins);
    iset_free(&d->prestep);
    iset_free(&d->races);
    free(d->pvc);
    free(d->ver);
    free(d->fpc);
    free(d->watched);
    free(d->mark);
    iset_free(&d->watch);
    iset_free(&d->watch_all);
    for (int i = 0; i < d->wcap; i++)
        iset_free(&d->wmap[i].ids);
    free(d->wmap);
    iset_free(&d->moved);
    free(d->lastk);
    free(d->lastw);
    free(d->rmode);
    iset_free(&d->child);
    iset_free(&d->child_amk);
    free(d);
    weft__pool_use(false);
}
