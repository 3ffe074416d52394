/* races.c: DPOR's race analysis: happens-before by vector clocks, the races of each pending step, and which
 * task to try first to reverse each one (source-DPOR). */
#include <stdlib.h>
#include <string.h>

#include "dpor.h"

#include <limits.h>

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
        d->fpc = realloc(d->fpc, sizeof *d->fpc * (size_t)cap);
        d->watched = realloc(d->watched, (size_t)cap);
        d->mark = realloc(d->mark, sizeof *d->mark * (size_t)cap);
        if (!d->pvc || !d->ver || !d->fpc || !d->watched || !d->mark)
            abort();
        for (int i = d->cproc; i < cap; i++) {
            d->pvc[i] = (iset){0};
            d->fpc[i].exec = -1;
            d->watched[i] = 0;
            d->mark[i] = -1;
        }
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
        iset_reserve(a, blen);
        for (int i = a->n; i < blen; i++)
            a->v[i] = 0;
        a->n = blen;
    }
    int *v = a->v;
    for (int i = 0; i < blen; i++) /* unconditional stores: the loop vectorizes */
        v[i] = b[i] > v[i] ? b[i] : v[i];
}

static void vc_copy(iset *a, const int *b, int blen)
{
    if (blen > VC_CAP)
        blen = VC_CAP;
    iset_reserve(a, blen);
    if (blen > 0) /* an empty clock may have no storage yet */
        memcpy(a->v, b, sizeof *b * (size_t)blen);
    a->n = blen;
}


/* ---- key base -> last write and reads since ------------------------------------ */

#define KBASE(k) WEFT__KEY_BASE(k)
#define MODE(k) WEFT__KEY_MODE(k)
/* The clock of the accesses of mode m (not a write) since the last write of slot i. */
#define RVC(d, i, m) (&(d)->rvc[3 * (i) + (m) - 1])

/* rmode of a slot whose reads are none, or of several modes (never a key's mode) */
#define RMODE_MIXED 7

static int map_slot(struct dpor *d, int kb);

/* Double the table (every slot's contents kept). Out of line: the common path of map_slot is a probe. */
static __attribute__((noinline)) void map_grow(struct dpor *d)
{
    int oc = d->cmap, *ok = d->lastk, *ow = d->lastw;
    char *orm = d->rmode;
    iset *ord = d->reads, *orvc = d->rvc;
    d->trail_ok = d->tlog = false; /* its records name slots */
    d->cmap = oc ? 2 * oc : 256;
    d->lastk = malloc(sizeof *d->lastk * (size_t)d->cmap);
    d->lastw = malloc(sizeof *d->lastw * (size_t)d->cmap);
    d->reads = calloc((size_t)d->cmap, sizeof *d->reads);
    d->rvc = calloc(3 * (size_t)d->cmap, sizeof *d->rvc);
    d->rmode = calloc((size_t)d->cmap, 1);
    if (!d->lastk || !d->lastw || !d->reads || !d->rvc || !d->rmode)
        abort();
    for (int i = 0; i < d->cmap; i++)
        d->lastk[i] = -1;
    d->nmap = 0;
    for (int i = 0; i < oc; i++) {
        if (ok[i] == -1) {
            iset_free(&ord[i]);
            for (int m = 0; m < 3; m++)
                iset_free(&orvc[3 * i + m]);
            continue;
        }
        int j = map_slot(d, ok[i]);
        d->lastw[j] = ow[i];
        d->rmode[j] = orm[i];
        iset_free(&d->reads[j]);
        d->reads[j] = ord[i];
        for (int m = 0; m < 3; m++) {
            iset_free(&d->rvc[3 * j + m]);
            d->rvc[3 * j + m] = orvc[3 * i + m];
        }
    }
    free(ok);
    free(ow);
    free(orm);
    free(ord);
    free(orvc);
}

/* The slot of key base kb, made when missing. */
static inline int map_slot(struct dpor *d, int kb)
{
    if (2 * (d->nmap + 1) > d->cmap)
        map_grow(d);
    for (int i = slot_home(kb, d->cmap);; i = (i + 1) & (d->cmap - 1)) {
        if (d->lastk[i] == kb)
            return i;
        if (d->lastk[i] == -1) {
            trail_pair(d, T_SLOT_NEW, i, 0);
            d->lastk[i] = kb;
            d->lastw[i] = -1;
            d->reads[i].n = 0;
            d->rmode[i] = RMODE_MIXED;
            for (int m = 0; m < 3; m++)
                d->rvc[3 * i + m].n = 0;
            d->nmap++;
            return i;
        }
    }
}

/* The slot of key base kb, or -1. */
static int map_find(const struct dpor *d, int kb)
{
    if (!d->cmap)
        return -1;
    for (int i = slot_home(kb, d->cmap);; i = (i + 1) & (d->cmap - 1)) {
        if (d->lastk[i] == kb)
            return i;
        if (d->lastk[i] == -1)
            return -1;
    }
}

/* Whether an access of mode m conflicts with an access since the last write recorded as r (event << 2 | mode). */
static bool clashes(int m, int r)
{
    return m == WEFT__KM_WRITE || (r & 3) != m;
}

/* Whether process p's access k can never come before an earlier conflicting access of mode mr to the same
 * base: the two are ordered but never race (rt.h). A buffered channel's slot that a step waiting on it alone
 * needs (reads) after the access that filled (wrote) it: the k-th receive needs the k-th send (or close), a
 * send into a full buffer the receive that empties its slot (a select with other cases could take another one
 * instead, and a send that fills a slot a select saw empty can go first: those races stay). A mutex's lock (a
 * step that waits) after the release of the lock it waits for: it races with that lock instead. */
static bool never_before(int p, int k, int mr)
{
    if (p < 0)
        return false;
    const weft__task *t = weft__R.tasks[p];
    if (WEFT__KEY_KIND(k) == WEFT__KIND_SLOT) /* the slot p needs was filled (emptied) by that access */
        return MODE(k) == WEFT__KM_READ && mr == WEFT__KM_WRITE && t->ncl == 1 && !t->has_default;
    return WEFT__KEY_PART(k) == WEFT__PART_LOCK && MODE(k) == WEFT__KM_WRITE && mr == WEFT__KM_READ &&
           weft__ops[t->opc].blocks;
}

/* The newest event conflicting with process p's access k that p's step could not come before (the last write;
 * and the accesses since of another mode, or all of them for a write), or -1. */
static int last_conflict(const struct dpor *d, int p, int k)
{
    int i = map_find(d, KBASE(k));
    if (i < 0)
        return -1;
    int l = never_before(p, k, WEFT__KM_WRITE) ? -1 : d->lastw[i];
    for (int j = 0; j < d->reads[i].n && d->rmode[i] != MODE(k); j++) {
        int r = d->reads[i].v[j];
        if (clashes(MODE(k), r) && r >> 2 > l && !never_before(p, k, r & 3))
            l = r >> 2;
    }
    return l;
}

/* Join into vc the clocks of the events an access k must come after: the last write, and the accesses of the
 * other modes since (all of them for a write). */
static void join_conflicts(const struct dpor *d, int m, int k, iset *vc)
{
    if (d->lastw[m] >= 0)
        vc_join(vc, EN(d, d->lastw[m])->vc.v, EN(d, d->lastw[m])->vc.n);
    for (int mode = 1; mode < 4; mode++)
        if (MODE(k) == WEFT__KM_WRITE || MODE(k) != mode)
            vc_join(vc, RVC(d, m, mode)->v, RVC(d, m, mode)->n);
}

/* ---- footprints and dependence ----------------------------------------------- */

/* The object a key belongs to: its base without the part (a slot is an object of its own). */
static int object_of(int k)
{
    return WEFT__KEY_KIND(k) == WEFT__KIND_SLOT ? KBASE(k) : KBASE(k) & ~(3 << 22);
}

/* Whether footprint cache c of process p is still valid: a task's footprint follows the state of the objects
 * of its pending step, which only events that access one of them change (every step on an object accesses one
 * of its parts, not only a slot). */
static bool fresh(struct dpor *d, int p, struct fpcache *c)
{
    if (c->exec != d->exec || (p >= 0 && c->ver != d->ver[p + 1]))
        return false;
    if (c->n < 0 || p < 0) /* dependent on everything, or the clock's (it follows every timer) */
        return c->nev == d->nev;
    for (int e = c->nev; e < d->nev; e++) {
        const dnode *nd = EN(d, e);
        if (nd->all)
            return false;
        for (int i = 0; i < nd->fp.n; i++)
            for (int j = 0; j < c->n; j++)
                if (object_of(nd->fp.v[i]) == object_of(c->keys[j]))
                    return false;
    }
    c->nev = d->nev;
    return true;
}

/* The footprint of process p's pending step into fp; false when it is dependent on everything. */
static bool footprint(struct dpor *d, int p, iset *view)
{
    *view = (iset){0};
    ensure_proc(d, p + 1);
    struct fpcache *c = &d->fpc[p + 1];
    if (d->stepping) { /* the state is half changed: compute it, keep nothing */
        int cap = (int)(sizeof d->midkeys / sizeof *d->midkeys);
        int n = p < 0 ? weft__clock_footprint(d->midkeys, cap) : weft__footprint(p, d->midkeys, cap);
        if (n < 0)
            return false;
        *view = (iset){d->midkeys, n, 0};
        return true;
    }
    if (!fresh(d, p, c)) {
        int cap = (int)(sizeof c->keys / sizeof *c->keys);
        c->n = p < 0 ? weft__clock_footprint(c->keys, cap) : weft__footprint(p, c->keys, cap);
        c->exec = d->exec;
        c->nev = d->nev;
        c->ver = d->ver[p + 1];
        c->checked = false;
    }
    if (c->n < 0)
        return false;
    *view = (iset){c->keys, c->n, 0};
    return true;
}

/* A view of the footprint of process p's pending step for races and sleep sets (valid until a new process is
 * seen); false when it is dependent on everything. */
bool weft__dpor_pending_fp(struct dpor *d, int p, iset *view)
{
    return footprint(d, p, view);
}

/* Whether steps with footprints a and b (or dependent on everything: aall, ball) are dependent. */
bool weft__dpor_dependent(const iset *a, bool aall, const iset *b, bool ball)
{
    if (aall || ball)
        return true;
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (weft__keys_conflict(a->v[i], b->v[j]))
                return true;
    return false;
}

/* ---- races --------------------------------------------------------------------- */

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

/* Whether the clock's pending firing, which could not fire at event e's state and was not held there by its
 * fairness (nothing was due: no timer armed, or each one's channel full), was made possible by e, and by
 * nothing the reversal could run before it instead: no event after e and independent of it is the clock's,
 * or could arm a timer or a sleep or make one fire (keys of the time, a timer, or a channel it sends on). The
 * clock is a select over every timer: another arming would let it fire first, a race of its own. */
static bool clock_enabled_by(const struct dpor *d, int e)
{
    const dnode *nd = EN(d, e);
    if (nd->owed) /* the firing needed e: a step of a task that owed it */
        return true;
    if (nd->held || !(e + 1 < d->nev ? pset_has(&EN(d, e + 1)->cand, -1) || EN(d, e + 1)->held : d->clock_due))
        return false;
    int pe = nd->chosen + 1;
    if (pe >= VC_CAP)
        return false;
    for (int j = e + 1; j < d->nev; j++) {
        const dnode *nj = EN(d, j);
        if (vc_get(nj->vc.v, nj->vc.n, pe) >= e + 1)
            continue; /* after e: the reversal does not run it */
        if (nj->chosen < 0 || nj->all)
            return false;
        for (int i = 0; i < nj->fp.n; i++)
            if (weft__key_times(nj->fp.v[i]))
                return false;
    }
    return true;
}

/* Whether event e enabled task p's pending step: p has not moved since before e, waits on one object, could
 * not move where e was taken, and could right after (a receive that e made an element for, a lock e released). Then p's step comes
 * after e in every execution: not a race (blocking makes a task disabled, not a step of its own). */
static bool enabled_by(const struct dpor *d, int e, int p)
{
    const iset *pv = &d->pvc[p + 1];
    if (p + 1 >= VC_CAP || vc_get(pv->v, pv->n, p + 1) - 1 > e || pset_has(&EN(d, e)->cand, p))
        return false;
    if (p < 0)
        return clock_enabled_by(d, e);
    /* a select waiting on several channels may be enabled by another one instead, which need not conflict with
     * e (a timer firing while e closes another channel): only a step waiting on one object is e's alone */
    if (weft__R.tasks[p]->ncl > 1)
        return false;
    if (e + 1 < d->nev)
        return pset_has(&EN(d, e + 1)->cand, p);
    const weft__task *t = weft__R.tasks[p];
    return t->state == WEFT__T_PENDING && weft__task_enabled(t);
}

/* Longest wakeup sequence kept; a longer reversal is left to the scheduler's default choices. */
#define WSEQ_MAX 48

/* Remember, with backtrack entry `pick` of node nd (event e's), the rest of the sequence that reverses the race
 * of e with process p's pending step: the events after e that do not happen after it (notdep), then p's step,
 * with pick's first event moved to the front (it commutes with those before it). Exploring the entry follows
 * the sequence (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial order reduction", POPL 2014: a
 * wakeup sequence), so the branch reaches the reversed race instead of wandering into states whose every
 * enabled step is asleep. Stored in nd->wseq as [process, length, steps...]. */
static void wakeup_sequence(struct dpor *d, dnode *nd, const iset *notdep, int p, int pick)
{
    int seq[WSEQ_MAX + 1], n = 0;
    bool moved = false;
    for (int i = 0; i < notdep->n; i++) {
        int q = EN(d, notdep->v[i])->chosen;
        if (q == pick && !moved) {
            moved = true;
            continue;
        }
        if (n == WSEQ_MAX)
            return;
        seq[n++] = q;
    }
    if (pick != p || moved) {
        if (n == WSEQ_MAX)
            return;
        seq[n++] = p;
    }
    if (!moved && pick != p)
        return; /* pick's step is not in the sequence: nothing to follow */
    if (n == 0)
        return;
    iset_reserve(&nd->wseq, nd->wseq.n + n + 2);
    nd->wseq.v[nd->wseq.n++] = pick;
    nd->wseq.v[nd->wseq.n++] = n;
    for (int i = 0; i < n; i++)
        nd->wseq.v[nd->wseq.n++] = seq[i];
}

/* The preemptions the bound counts for backtrack entry pick of event e's node nd, whose branch reverses e's race
 * with process p's pending step (fp, or dependent on everything) through the events notdep. Choosing pick there
 * preempts e's process; but where the steps just before e (from event j on) are independent of the branch's
 * steps (pick's first, the other events of notdep, p's), the same trace begins with pick before them, where
 * choosing it costs what choosing there costs. When the entry lies beyond the round's bound, the bound counts
 * the cheapest such state instead (Coons, Musuvathi, McKinley, "Bounded partial-order reduction", OOPSLA 2013,
 * put a second entry there; the entry stays where the race asked for it, so that the branch is explored once,
 * in the round of its cheaper order). An estimate: the branch's later steps are counted along its own order. */
static void relocated_cost(struct dpor *d, dnode *nd, int e, int p, int pick, const iset *notdep, const iset *fp,
                           bool all)
{
    int best = choice_cost(nd, pick);
    if (d->bound < 0 || best <= d->bound || all || pick < 0 || p < 0 || d->nproc >= VC_CAP)
        return; /* no bound, within it, or a step after everything */
    /* known[q + 1]: the latest event of process q that p or an event of the branch knows (-2: not looked up yet) */
    iset *known = &d->known;
    iset_reserve(known, d->nproc);
    for (int i = 0; i < d->nproc; i++)
        known->v[i] = -2;
    const iset *pv = &d->pvc[p + 1];
    for (int j = e - 1; j >= 0 && best > 0; j--) {
        const dnode *x = EN(d, j);
        int q = x->chosen;
        if (q < 0 || q == pick || x->all || !pset_has(&x->cand, pick))
            break; /* the clock, pick's own step, or a state where pick could not move */
        int k = known->v[q + 1];
        if (k == -2) {
            k = vc_get(pv->v, pv->n, q + 1);
            for (int i = 0; i < notdep->n; i++) {
                const iset *yv = &EN(d, notdep->v[i])->vc;
                int v = vc_get(yv->v, yv->n, q + 1);
                k = v > k ? v : k;
            }
            known->v[q + 1] = k;
        }
        if (k >= j + 1 || weft__dpor_dependent(fp, false, &x->fp, false))
            break; /* the branch comes after this step, or p's step conflicts with it */
        int c = choice_cost(x, pick);
        best = c < best ? c : best;
    }
    if (best == choice_cost(nd, pick))
        return;
    iset_reserve(&nd->cheap, nd->cheap.n + 2); /* pick is new in nd->bt (backtrack): not in nd->cheap yet */
    nd->cheap.v[nd->cheap.n++] = pick;
    nd->cheap.v[nd->cheap.n++] = best;
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
        pset_add_to(&nd->cand, &nd->bt);
        return;
    }
    iset *ini = &d->ini, *seen = &d->seen, *notdep = &d->notdep;
    ini->n = seen->n = 0;
    iset_reserve(notdep, d->nev - e);
    notdep->n = 0;
    bool p_preceded = all && e + 1 < d->nev;
    int pe = nd->chosen + 1; /* e's process index: j happens after e when j's clock knows e */
    for (int j = e + 1; j < d->nev; j++) {
        const dnode *nj = EN(d, j);
        if (pe >= VC_CAP || vc_get(nj->vc.v, nj->vc.n, pe) >= e + 1)
            continue;
        notdep->v[notdep->n++] = j;
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
            int l = last_conflict(d, p, fp->v[i]);
            p_preceded = l > e; /* after e and not after it (else e would not race with p), or after it: either way */
        }
        if (!p_preceded)
            iset_add(ini, p);
    }
    int pick = NO_ENTRY; /* the clock is process -1 */
    for (int i = 0; i < ini->n; i++) {
        if (iset_has(&nd->bt, ini->v[i]))
            return;
        if (pset_has(&nd->cand, ini->v[i]) &&
            (pick == NO_ENTRY || (iset_has(&nd->sleep, pick) && !iset_has(&nd->sleep, ini->v[i]))))
            pick = ini->v[i];
    }
    if (pick != NO_ENTRY) {
        iset_add(&nd->bt, pick);
        int w0 = nd->wseq.n;
        wakeup_sequence(d, nd, notdep, p, pick);
        relocated_cost(d, nd, e, p, pick, notdep, fp, all);
        if (d->debug) { /* WEFT_DBG: the race, the entry asked for and its wakeup sequence */
            fprintf(stderr, "    race e=%d(t%d) p=t%d pick=t%d seq:", e, nd->chosen, p, pick);
            for (int i = w0; i < nd->wseq.n; i++)
                fprintf(stderr, " %d", nd->wseq.v[i]);
            fprintf(stderr, "\n");
        }
    } else if (ini->n == 1 && ini->v[0] == p && !(p < 0 && nd->held)) {
        /* p alone, and it could not move there: e enabled it (a select enabled_by does not judge; another way in
         * before e would be an event of notdep, an initial). A firing held by the clock's fairness is not: the
         * steps that pay for it may come after the race is found (below) */
    } else { /* no initial could move there (the model missed an enabling): everything that could */
        pset_add_to(&nd->cand, &nd->bt);
        if (d->debug) {
            fprintf(stderr, "    race e=%d(t%d) p=t%d: no initial can move there, all asked for; initials:", e,
                    nd->chosen, p);
            for (int i = 0; i < ini->n; i++)
                fprintf(stderr, " %d", ini->v[i]);
            fprintf(stderr, "\n");
        }
    }
}

/* Process p (id) could take a step with footprint fp: find the events it races with (dependent, by another
 * process, not known to happen before p, and not before another such event) and have each reversed. Events
 * on one key are ordered by happens-before, so only the last event of each key, and the last event dependent
 * on everything, can race; a step dependent on everything races with the last event of each process. */
static void race_check(struct dpor *d, int p, const iset *fp, bool all)
{
    ensure_proc(d, p + 1);
    if (all && p >= 0 && weft__spin_escapes(weft__R.tasks[p]))
        return; /* a busy-wait let go because nothing else can move (no other task's step could come after
                 * it); its state asks for every such busy-wait instead (choose in dpor.c) */
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
            int m = map_find(d, KBASE(fp->v[i]));
            if (m < 0)
                continue;
            if (racy(d, d->lastw[m], p) && !never_before(p, fp->v[i], WEFT__KM_WRITE))
                iset_add(c, d->lastw[m]);
            for (int j = 0; j < d->reads[m].n && d->rmode[m] != MODE(fp->v[i]); j++) { /* all of p's mode: none clash */
                int r = d->reads[m].v[j];
                if (clashes(MODE(fp->v[i]), r) && racy(d, r >> 2, p) && !never_before(p, fp->v[i], r & 3))
                    iset_add(c, r >> 2);
            }
        }
    }
    if (racy(d, d->last_clock, p))
        iset_add(c, d->last_clock);
    /* the direct ones: an event that happens before another candidate happens before p through it (also when
     * that one enabled p's step: then neither is a race) */
    int k = 0;
    for (int i = 0; i < c->n; i++) {
        bool direct = true;
        for (int j = 0; j < c->n && direct; j++)
            direct = !(c->v[j] > c->v[i] && hb(d, c->v[i], c->v[j]));
        if (direct)
            c->v[k++] = c->v[i];
    }
    c->n = k;
    k = 0;
    for (int i = 0; i < c->n; i++)
        if (!enabled_by(d, c->v[i], p))
            c->v[k++] = c->v[i];
    c->n = k;
    int newest = -1, sig = all ? -1 : fp->n;
    for (int i = 0; i < fp->n; i++)
        sig = (int)((unsigned)sig * 31u + (unsigned)fp->v[i]);
    for (int i = 0; i < c->n; i++)
        if (c->v[i] > newest)
            newest = c->v[i];
    for (int i = 0; i < c->n; i++) {
        /* the same race, with the same pending step and no newer event it depends on, was handled before:
         * u has only grown by events independent of everything after e in it, so the answer stands */
        iset *h = &EN(d, c->v[i])->handled;
        int key = d->ver[p + 1] << 9 | (p + 1);
        if (d->ver[p + 1] < (1 << 21) && handled(h, key, newest, sig))
            continue;
        iset_add_triple(h, key, newest, sig);
        backtrack(d, c->v[i], p, fp, all);
    }
}

/* Whether task t's pending step is never a step of its own: a send on an open unbuffered channel alone, which
 * only the receiver's step completes (each waiting sender is one of that step's alternatives), until a close
 * changes it into a panic. It has no race to reverse. */
static bool never_steps(const weft__task *t)
{
    if (t->ncl != 1 || t->has_default || t->cl[0].kind != WEFT__CL_SEND)
        return false;
    const weft_chan *c = t->cl[0].obj;
    return c && c->cap == 0 && !c->closed;
}

/* Whether task t's pending step can be completed by another task's step (weft__opdesc.handed; a channel
 * operation through a clause on an unbuffered channel, without default): it may end without a step of its own,
 * so its races are looked for at every state. */
static bool handed(const weft__task *t)
{
    if (t->state != WEFT__T_PENDING || !weft__ops[t->opc].handed || never_steps(t))
        return false;
    if (t->opc != WEFT__OP_CHAN_SEND && t->opc != WEFT__OP_CHAN_RECV && t->opc != WEFT__OP_SELECT)
        return true;
    if (t->has_default)
        return false;
    for (int i = 0; i < t->ncl; i++) {
        const weft_chan *c = t->cl[i].obj;
        if (c && c->cap == 0 && (t->cl[i].kind == WEFT__CL_SEND || t->cl[i].kind == WEFT__CL_RECV))
            return true;
    }
    return false;
}

/* Look for the races of task id's pending step, unless they were looked for since its footprint last changed
 * (a step dependent on everything races anew with each event). */
static void check_task(struct dpor *d, int id)
{
    iset view = {0};
    const weft__task *t = weft__R.tasks[id];
    if (t->state != WEFT__T_PENDING || never_steps(t))
        return;
    bool ok = weft__dpor_pending_fp(d, id, &view);
    if (!ok || !d->fpc[id + 1].checked)
        race_check(d, id, &view, !ok);
    d->fpc[id + 1].checked = true;
}

/* Look for the races of the clock's pending step (its footprint follows every timer: checked anew). */
static void check_clock(struct dpor *d)
{
    iset view = {0};
    bool ok = weft__dpor_pending_fp(d, -1, &view);
    race_check(d, -1, &view, !ok);
}

/* The watchers of object obj (made empty when missing and make), or NULL. */
static iset *watchers(struct dpor *d, int obj, bool make)
{
    if (make && 2 * (d->wn + 1) > d->wcap) {
        int oc = d->wcap;
        struct wslot *old = d->wmap;
        d->wcap = oc ? 2 * oc : 64;
        d->wmap = calloc((size_t)d->wcap, sizeof *d->wmap);
        if (!d->wmap)
            abort();
        d->wn = 0;
        for (int i = 0; i < oc; i++) {
            if (old[i].exec != d->exec) {
                iset_free(&old[i].ids);
                continue;
            }
            iset *to = watchers(d, old[i].obj, true);
            iset_free(to);
            *to = old[i].ids;
        }
        free(old);
    }
    if (!d->wcap)
        return NULL;
    for (int i = slot_home(obj, d->wcap);; i = (i + 1) & (d->wcap - 1)) {
        struct wslot *w = &d->wmap[i];
        if (w->exec == d->exec && w->obj == obj)
            return &w->ids;
        if (w->exec != d->exec) {
            if (!make)
                return NULL;
            w->exec = d->exec;
            w->obj = obj;
            w->ids.n = 0;
            d->wn++;
            return &w->ids;
        }
    }
}

/* File watched task id under the objects of its pending step (which name the objects of its clauses while
 * it is pending), or with those dependent on everything. */
static void watch_register(struct dpor *d, int id)
{
    iset view;
    if (!footprint(d, id, &view)) {
        iset_add_triple(&d->watch_all, id, d->ver[id + 1], 0);
        return;
    }
    for (int i = 0; i < view.n; i++) {
        if (i > 0 && object_of(view.v[i]) == object_of(view.v[i - 1]))
            continue;
        iset *w = watchers(d, object_of(view.v[i]), true);
        iset_add_triple(w, id, d->ver[id + 1], 0);
    }
}

/* Look for the races of the watched tasks filed in w that are still filed there (task, ver, 0 triples);
 * drop the others. */
static void check_watchers(struct dpor *d, iset *w)
{
    if (!w)
        return;
    int k = 0;
    for (int i = 0; i + 2 < w->n; i += 3) {
        int id = w->v[i];
        if (d->watched[id + 1] != 1 || d->ver[id + 1] != w->v[i + 1])
            continue;
        w->v[k++] = id;
        w->v[k++] = w->v[i + 1];
        w->v[k++] = 0;
        check_task(d, id);
    }
    w->n = k;
}

/* Look for the races of every watched task (dropping those no longer watched from the list). */
static void watch_all_tasks(struct dpor *d)
{
    int k = 0;
    for (int i = 0; i < d->watch.n; i++) {
        int id = d->watch.v[i];
        if (d->watched[id + 1] != 1 || !handed(weft__R.tasks[id])) {
            d->watched[id + 1] = 0;
            continue;
        }
        d->watch.v[k++] = id;
        check_task(d, id);
    }
    d->watch.n = k;
}

/* Watch every live task whose pending step another's step can complete, in the order the runtime lists
 * them: the first state after a replayed prefix (d->wfull), whose watch the replay did not keep. */
static void watch_rebuild(struct dpor *d)
{
    const weft__rt *R = &weft__R;
    for (int i = 0, na = weft__alive(); i < na; i++) {
        int id = R->alive[i];
        ensure_proc(d, id + 1);
        if (d->watched[id + 1] || !handed(R->tasks[id]))
            continue;
        iset_reserve(&d->watch, d->watch.n + 1);
        d->watch.v[d->watch.n++] = id;
        d->watched[id + 1] = 1;
        watch_register(d, id);
    }
}

/* Race checks at a state: the tasks whose pending step another's step can complete (kept in d->watch as tasks
 * move); the tasks the last step disabled, and those that arrived at a step they cannot take (what disabled
 * them conflicts with their pending step, and the step that enables it again would hide it: that one is no
 * race); and the clock if it is a candidate. A state the previous execution went through (replay) has the
 * races it had then: only the bookkeeping is done. */
void weft__dpor_races_now(struct dpor *d, const int *cand, int ncand, bool replay)
{
    const weft__rt *R = &weft__R;
    d->stepping = false;
    if (replay) {
    } else if (R->went_off_lost && d->nev > 0) { /* the runtime's list overflowed: compare the candidates */
        const dnode *last = EN(d, d->nev - 1);
        long long st = ++d->nstate;
        for (int i = 0; i < ncand; i++)
            if (cand[i] >= 0) {
                ensure_proc(d, cand[i] + 1);
                d->mark[cand[i] + 1] = st;
            }
        for (int i = 0; i < last->cand.nw; i++)
            for (uint64_t b = last->cand.w[i]; b; b &= b - 1) {
                int q = i * 64 + __builtin_ctzll(b) - 1;
                if (q >= 0 && q != last->chosen && d->mark[q + 1] != st)
                    check_task(d, q);
            }
    } else {
        for (int i = 0; i < R->nwent_off; i++)
            if (!R->tasks[R->went_off[i]]->en)
                check_task(d, R->went_off[i]);
    }
    if (!replay && d->wfull)
        watch_rebuild(d);
    for (int i = 0; i < d->moved.n && !replay; i++) { /* a replayed state's watch is not kept: see wfull */
        int id = d->moved.v[i];
        const weft__task *t = R->tasks[id];
        ensure_proc(d, id + 1);
        if (t->state == WEFT__T_PENDING && !t->en) /* it arrived at a step it cannot take: what disabled it */
            check_task(d, id);                     /* races */
        if (d->wfull)
            continue; /* watched as it is now already */
        if (!handed(t)) {
            if (d->watched[id + 1] == 1)
                d->watched[id + 1] = 2; /* left in d->watch until a full look drops it */
            continue;
        }
        if (!d->watched[id + 1]) {
            iset_reserve(&d->watch, d->watch.n + 1);
            d->watch.v[d->watch.n++] = id;
        }
        d->watched[id + 1] = 1;
        watch_register(d, id);
        check_task(d, id);
    }
    d->moved.n = 0;
    if (replay) {
        d->wseen = d->nev;
    } else if (d->wfull) {
        watch_all_tasks(d);
        d->wfull = false;
    } else {
        for (; d->wseen < d->nev; d->wseen++) { /* the watched tasks whose objects the newest events touched */
            const dnode *nd = EN(d, d->wseen);
            if (nd->all) {
                watch_all_tasks(d);
                break;
            }
            for (int i = 0; i < nd->fp.n; i++)
                if (i == 0 || object_of(nd->fp.v[i]) != object_of(nd->fp.v[i - 1]))
                    check_watchers(d, watchers(d, object_of(nd->fp.v[i]), false));
        }
        check_watchers(d, &d->watch_all);
    }
    d->wseen = d->nev;
    /* the clock is the last candidate (sched.c), or a firing is due that its fairness holds (credit.c): its
     * pending step is the firing's either way */
    bool clock = (ncand > 0 && cand[ncand - 1] < 0) || R->clock_held;
    d->clock_due = clock;
    /* also when the clock had a firing due before the last step and has none now: that step disabled it
     * (stopped or reset its timer), a race the clock will never show by moving */
    if (!replay && (clock || d->clock_was))
        check_clock(d);
    d->clock_was = clock;
}

/* Race checks at the end of an execution: every task's pending step. */
void weft__dpor_races_end(struct dpor *d)
{
    weft__rt *R = &weft__R;
    d->stepping = false;
    if (d->ffwd)
        return; /* ended before its new choice: nothing new */
    weft__dpor_flush(d);
    for (int i = 0, na = weft__alive(); i < na; i++)
        check_task(d, R->alive[i]);
    int64_t when;
    if (weft__clock_next(&when)) { /* firings left: the first of them, and those behind it, race too */
        int n = weft__clock_footprint_rest(d->midkeys, (int)(sizeof d->midkeys / sizeof *d->midkeys));
        iset view = {d->midkeys, n < 0 ? 0 : n, 0};
        d->clock_due = true;
        race_check(d, -1, &view, n < 0);
    } else if (d->clock_was) {
        d->clock_due = false;
        check_clock(d);
    }
}

/* Event e, with clock vc, is now the last write of key if it writes it, else a read of it. */
static inline void note_key(struct dpor *d, int key, int e, const iset *vc)
{
    int m = map_slot(d, KBASE(key)), mode = MODE(key);
    if (mode != WEFT__KM_WRITE) {
        char rm = d->reads[m].n == 0 || d->rmode[m] == mode ? (char)mode : RMODE_MIXED;
        if (rm != d->rmode[m]) {
            trail_pair(d, T_RMODE, m, d->rmode[m]);
            d->rmode[m] = rm;
        }
        iset *rd = &d->reads[m]; /* e is the newest event: only its own entries can repeat (join, amend) */
        int j = rd->n;
        while (j > 0 && rd->v[j - 1] >> 2 == e && rd->v[j - 1] != (e << 2 | mode))
            j--;
        if (j == 0 || rd->v[j - 1] != (e << 2 | mode)) {
            trail_pair(d, T_READS_N, m, rd->n);
            iset_reserve(rd, rd->n + 1);
            rd->v[rd->n++] = e << 2 | mode;
        }
        trail_set(d, T_RVC, 3 * m + mode - 1, RVC(d, m, mode));
        vc_join(RVC(d, m, mode), vc->v, vc->n);
    } else {
        trail_pair(d, T_LASTW, m, d->lastw[m]);
        if (d->rmode[m] != RMODE_MIXED)
            trail_pair(d, T_RMODE, m, d->rmode[m]);
        if (d->reads[m].n)
            trail_set(d, T_READS, m, &d->reads[m]);
        d->lastw[m] = e;
        d->reads[m].n = 0;
        d->rmode[m] = RMODE_MIXED;
        for (int k = 1; k < 4; k++)
            if (RVC(d, m, k)->n) {
                trail_set(d, T_RVC, 3 * m + k - 1, RVC(d, m, k));
                RVC(d, m, k)->n = 0;
            }
    }
}

/* Event e of node nd, with clock vc, is now the last write of its written keys and a read of the others. */
static void note_keys(struct dpor *d, const dnode *nd, int e, const iset *vc)
{
    for (int i = 0; i < nd->fp.n; i++)
        note_key(d, nd->fp.v[i], e, vc);
}

/* Public to checker/: see dpor.h. */
void weft__dpor_flush(struct dpor *d)
{
    if (d->unnoted < 0)
        return;
    int e = d->unnoted;
    d->unnoted = -1;
    const dnode *nd = EN(d, e);
    note_keys(d, nd, e, &nd->vc);
}

/* The step of node nd is about to grow (a join or an amend): keep its event as recorded, for a replay. */
static void keep_recorded(dnode *nd)
{
    if (nd->joined)
        return;
    nd->joined = true;
    vc_copy(&nd->vc0, nd->vc.v, nd->vc.n);
    iset_assign(&nd->fp0, nd->fp.v, nd->fp.n);
}

/* Move the JOIN keys of footprint fp (credit.c: steps it comes after, not accesses) into out as step numbers;
 * returns how many. */
static int strip_joins(iset *fp, iset *out)
{
    out->n = 0;
    int k = 0;
    for (int i = 0; i < fp->n; i++) {
        if (WEFT__KEY_KIND(fp->v[i]) != WEFT__KIND_JOIN) {
            fp->v[k++] = fp->v[i];
            continue;
        }
        iset_reserve(out, out->n + 1);
        out->v[out->n++] = WEFT__JOIN_STEP(fp->v[i]);
    }
    fp->n = k;
    return out->n;
}

/* Record the event of node k (process p about to take its step): its footprint, and the vector clocks it
 * updates: p's own, each key's, and the newest event's. */
void weft__dpor_record(struct dpor *d, int k)
{
    dnode *nd = PN(d, k);
    int p = nd->chosen, pi = p + 1;
    ensure_proc(d, pi);
    if (p >= 0) { /* its races with the events before (the clock's were looked for at the state) */
        if (k >= d->replaying)
            check_task(d, p);
        iset_reserve(&d->moved, d->moved.n + 1);
        d->moved.v[d->moved.n++] = p;
    }
    int e = d->nev;
    weft__grow((void **)&d->ev, &d->cev, e + 1, sizeof *d->ev);
    /* a replayed state's step is the same event as when the node was last executed: only the tables follow it
     * (from the event as recorded, when its step grew: the step's joins and amends come again as it runs) */
    if (k < d->replaying && nd->ev_of == p) {
        if (nd->joined) {
            nd->joined = false;
            vc_copy(&nd->vc, nd->vc0.v, nd->vc0.n);
            iset_assign(&nd->fp, nd->fp0.v, nd->fp0.n);
        }
        d->ev[e] = k;
        if (nd->all)
            d->last_clock = e;
        else
            d->unnoted = e;
        trail_set(d, T_PVC, pi, &d->pvc[pi]);
        vc_copy(&d->pvc[pi], nd->vc.v, nd->vc.n);
        nd->handled.n = 0;
        trail_pair(d, T_VER, pi, 0);
        d->ver[pi]++;
        d->nev++;
        d->stepping = true;
        return;
    }
    nd->ev_of = p;
    nd->joined = false;
    nd->owed = p >= 0 && weft__credit_owes(weft__R.tasks[p]);
    iset view;
    nd->all = !footprint(d, p, &view);
    iset_assign(&nd->fp, view.v, view.n);
    int nj = strip_joins(&nd->fp, &d->joins);
    d->ev[e] = k;
    iset *vc = &nd->vc;
    vc_copy(vc, d->pvc[pi].v, d->pvc[pi].n);
    if (nd->all) { /* after every event so far: the latest of each process, which its own clock names */
        int n = d->nproc < VC_CAP ? d->nproc : VC_CAP;
        if (vc->n < n) {
            iset_reserve(vc, n);
            for (int i = vc->n; i < n; i++)
                vc->v[i] = 0;
            vc->n = n;
        }
        for (int q = 0; q < n; q++)
            if (q < d->pvc[q].n && d->pvc[q].v[q] > vc->v[q])
                vc->v[q] = d->pvc[q].v[q];
    } else {
        if (d->last_clock >= 0)
            vc_join(vc, EN(d, d->last_clock)->vc.v, EN(d, d->last_clock)->vc.n);
        for (int i = 0; i < nd->fp.n; i++)
            join_conflicts(d, map_slot(d, KBASE(nd->fp.v[i])), nd->fp.v[i], vc);
        for (int i = 0; i < nj; i++) /* the steps its firing needed (credit.c) */
            if (d->joins.v[i] < e)
                vc_join(vc, EN(d, d->joins.v[i])->vc.v, EN(d, d->joins.v[i])->vc.n);
    }
    if (pi < VC_CAP) {
        if (vc->n <= pi) {
            iset_reserve(vc, pi + 1);
            for (int i = vc->n; i <= pi; i++)
                vc->v[i] = 0;
            vc->n = pi + 1;
        }
        vc->v[pi] = e + 1;
    }
    if (nd->all)
        d->last_clock = e; /* the clock, or a step dependent on everything: every later event comes after */
    else
        d->unnoted = e;
    trail_set(d, T_PVC, pi, &d->pvc[pi]);
    iset before = d->prestep; /* p's clock before its step is kept, not copied (weft__dpor_amend) */
    d->prestep = d->pvc[pi];
    d->pvc[pi] = before;
    vc_copy(&d->pvc[pi], vc->v, vc->n);
    nd->handled.n = 0;
    trail_pair(d, T_VER, pi, 0);
    d->ver[pi]++;
    d->nev++;
    d->stepping = true;
}

/* The step under way (the newest event) also completes task id's pending step (a rendezvous): it now knows
 * everything id knew, and so do the keys it wrote and read. */
void weft__dpor_join(struct dpor *d, int id)
{
    if (d->nev == 0 || d->ffwd || d->nev != weft__R.nsteps) /* none yet, replaying, or beyond DPOR_MAX_NODES */
        return;
    ensure_proc(d, id + 1);
    int e = d->nev - 1;
    dnode *nd = EN(d, e);
    keep_recorded(nd); /* the joins are made in order with the wakes, which see its clock */
    int pi = nd->chosen + 1;
    const iset *q = &d->pvc[id + 1];
    vc_join(&nd->vc, q->v, q->n);
    vc_join(&d->prestep, q->v, q->n);
    trail_set(d, T_PVC, pi, &d->pvc[pi]);
    vc_copy(&d->pvc[pi], nd->vc.v, nd->vc.n);
    /* id's step, consumed by this one, could itself have gone first here (its own rendezvous on another of its
     * channels): the two race, and id's step will never come later to show it */
    if (pset_has(&nd->cand, id))
        iset_add(&nd->bt, id);
}

/* The step under way (the newest event e, by process p) also accesses key `key`, learnt while it runs (a task
 * arriving where something observes it): e races with the earlier events that conflict with that access, as
 * if p's step were still pending; e comes after them; and the sleep set of the next node keeps no process
 * whose step conflicts with it. */
void weft__dpor_amend(struct dpor *d, int key)
{
    if (d->nev == 0 || d->ffwd || d->nev != weft__R.nsteps) /* none yet, replaying, or beyond DPOR_MAX_NODES */
        return;
    int e = d->nev - 1;
    dnode *nd = EN(d, e);
    if (nd->all)
        return;
    for (int i = 0; i < nd->fp.n; i++)
        if (KBASE(nd->fp.v[i]) == KBASE(key) && (nd->fp.v[i] == key || MODE(nd->fp.v[i]) == WEFT__KM_WRITE))
            return; /* already covered: the same access, or a write */
    for (int i = 0; i < nd->fp.n; i++) /* another mode of the same base: e writes it */
        if (KBASE(nd->fp.v[i]) == KBASE(key))
            key = KBASE(key) << 2;
    int p = nd->chosen;
    keep_recorded(nd);
    if (!has_pair(&nd->amk, p, key))
        iset_push2(&nd->amk, p, key);
    if (d->debug)
        fprintf(stderr, "    amend e=%d key %x\n", e, key);
    if (d->ev[e] >= d->replaying) { /* a replayed state's step found its races then */
        iset one = {&key, 1, 0};
        d->nev--;
        race_check(d, p, &one, false);
        d->nev++;
    }
    iset *vc = &d->tmp;
    vc_copy(vc, nd->vc.v, nd->vc.n);
    int m = map_find(d, KBASE(key));
    if (m >= 0) {
        join_conflicts(d, m, key, vc);
        join_conflicts(d, m, key, &d->prestep);
    }
    for (int i = 0; i < nd->fp.n; i++)
        if (KBASE(nd->fp.v[i]) == KBASE(key))
            nd->fp.v[i] = key;
    iset_add(&nd->fp, key);
    if (vc->n != nd->vc.n || memcmp(vc->v, nd->vc.v, sizeof *vc->v * (size_t)vc->n)) {
        vc_copy(&nd->vc, vc->v, vc->n);
        trail_set(d, T_PVC, p + 1, &d->pvc[p + 1]);
        vc_copy(&d->pvc[p + 1], vc->v, vc->n);
        if (d->ev[e] >= d->replaying) {
            /* the step now comes after more events: the reversals of its races found before it grew may need
             * those to go first (an initial found then, before it knew them, is not one) */
            iset mine = d->pvc[p + 1]; /* what the step knew before it, and what it learnt since */
            d->pvc[p + 1] = d->prestep;
            d->nev--;
            race_check(d, p, &nd->fp, false);
            d->nev++;
            d->prestep = d->pvc[p + 1];
            d->pvc[p + 1] = mine;
        }
    }
    if (!d->have_child)
        return;
    iset view;
    int k = 0;
    for (int i = 0; i < d->child.n; i++) {
        int r = d->child.v[i];
        bool keep = weft__dpor_pending_fp(d, r, &view); /* a task's pending step, or the clock's next firing */
        for (int j = 0; keep && j < view.n; j++)
            keep = !weft__keys_conflict(view.v[j], key);
        for (int j = 0; keep && j + 1 < d->child_amk.n; j += 2)
            keep = d->child_amk.v[j] != r || !weft__keys_conflict(d->child_amk.v[j + 1], key);
        if (keep)
            d->child.v[k++] = r;
    }
    d->child.n = k;
}

/* Task id was woken by the step under way: it now knows everything that step knew. */
void weft__dpor_wake(struct dpor *d, int id)
{
    if (d->ffwd)
        return;
    ensure_proc(d, id + 1);
    trail_pair(d, T_VER, id + 1, 0);
    d->ver[id + 1]++; /* its pending step changed */
    iset_reserve(&d->moved, d->moved.n + 1);
    d->moved.v[d->moved.n++] = id;
    trail_set(d, T_PVC, id + 1, &d->pvc[id + 1]);
    if (d->nev > 0) /* the newest event's clock */
        vc_join(&d->pvc[id + 1], EN(d, d->nev - 1)->vc.v, EN(d, d->nev - 1)->vc.n);
}

/* Task id was spawned by `parent` (-1: the clock): it starts from its parent's knowledge. */
void weft__dpor_spawn(struct dpor *d, int id, int parent)
{
    if (d->ffwd)
        return;
    ensure_proc(d, id + 1);
    ensure_proc(d, parent + 1);
    trail_set(d, T_PVC, id + 1, &d->pvc[id + 1]);
    vc_copy(&d->pvc[id + 1], d->pvc[parent + 1].v, d->pvc[parent + 1].n);
    iset_reserve(&d->moved, d->moved.n + 1);
    d->moved.v[d->moved.n++] = id;
}

/* Public to checker/: see dpor.h. */
void weft__dpor_races_begin(struct dpor *d)
{
    d->exec++; /* footprints cached and watchers filed are of the previous execution */
    d->stepping = false;
    for (int i = 0; i < d->watch.n; i++)
        d->watched[d->watch.v[i] + 1] = 0;
    d->watch.n = d->moved.n = d->watch_all.n = 0;
    d->wseen = 0;
    d->wfull = true;
    d->wn = 0; /* the slots of earlier executions are free */
    d->ffwd = d->no_trail ? 0 : weft__trail_restart(d);
    d->trail_ok = d->tlog = !d->no_trail;
    if (d->ffwd > 0)
        return;
    d->trail.n = 0;
    d->nev = 0;
    d->nproc = 0;
    d->last_clock = -1;
    d->unnoted = -1;
    d->clock_was = false;
    for (int i = 0; i < d->cmap; i++)
        d->lastk[i] = -1;
    d->nmap = 0;
}
