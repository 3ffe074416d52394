/* trail.c: the undo log of DPOR's race analysis, so that an execution replaying a prefix of the previous one
 * starts from the tables as they were at its end instead of building them again step by step. */
#include "dpor.h"

/* Public to checker/: see dpor.h. Records are undone newest first, so a key slot made by the map is the last
 * one made when its record is undone: emptying it leaves every other key's probe sequence as it was. */
void weft__trail_undo(struct dpor *d, int tn)
{
    while (d->trail.n > tn) {
        const int *v = d->trail.v;
        int h = v[d->trail.n - 1], len = h >> 4;
        const int *p = &v[d->trail.n - 1 - len];
        switch (h & 15) {
        case T_SLOT_NEW:
            d->lastk[p[0]] = -1;
            d->nmap--;
            break;
        case T_LASTW:
            d->lastw[p[0]] = p[1];
            break;
        case T_RMODE:
            d->rmode[p[0]] = (char)p[1];
            break;
        case T_READS_N:
            d->reads[p[0]].n = p[1];
            break;
        case T_VER:
            d->ver[p[0]]--;
            break;
        case T_READS:
            iset_assign(&d->reads[p[len - 2]], p, p[len - 1]);
            break;
        case T_RVC:
            iset_assign(&d->rvc[p[len - 2]], p, p[len - 1]);
            break;
        case T_PVC:
            iset_assign(&d->pvc[p[len - 2]], p, p[len - 1]);
            break;
        default: /* T_MOVED: a mark, nothing to undo */
            break;
        }
        d->trail.n -= len + 1;
    }
}

/* Public to checker/: see dpor.h. The state at the entry of a node is a function of the choices before it, so
 * a mark stays true while the path up to it is the same nodes taking the same choices. The execution about to
 * run takes a new choice at d->replaying (and replays from the node after a data node's new choice): the
 * latest task node at or before both that and the first entry that changed is where its tables are restored. */
int weft__trail_restart(struct dpor *d)
{
    int lim = d->trail_ok ? d->nck : 0;
    if (lim > d->replaying + 1)
        lim = d->replaying + 1;
    int k = 0;
    while (k < lim && k < d->npath && d->ck[k].node == d->path[k] && d->ck[k].chosen == PN(d, k)->chosen)
        k++;
    if (k >= lim)
        k = lim - 1;
    while (k > 0 && d->ck[k].tn < 0)
        k--;
    if (k <= 0)
        return 0;
    const struct dck *c = &d->ck[k];
    weft__trail_undo(d, c->tn);
    int h = d->trail.v[d->trail.n - 1], len = h >> 4; /* the moved record the mark left */
    if ((h & 15) != T_MOVED)
        abort();
    const int *p = &d->trail.v[d->trail.n - 1 - len];
    iset_assign(&d->moved, p, p[len - 1]);
    d->trail.n -= len + 1; /* the node's mark records it again */
    d->nev = c->nev;
    d->nproc = c->nproc;
    d->last_clock = c->last_clock;
    d->clock_was = c->clock_was;
    for (int e = 0; e < d->nev; e++) /* races with them are looked for anew, as a replayed event's are */
        EN(d, e)->handled.n = 0;
    return k;
}

/* Public to checker/: see dpor.h. */
void weft__trail_mark(struct dpor *d, int k, bool task)
{
    weft__grow((void **)&d->ck, &d->cck, k + 1, sizeof *d->ck);
    struct dck *c = &d->ck[k];
    c->node = -1;
    c->chosen = -2;
    c->tn = -1;
    d->nck = k + 1;
    if (!task || !d->tlog)
        return;
    trail_set(d, T_MOVED, -1, &d->moved);
    c->tn = d->trail.n;
    c->nev = d->nev;
    c->nproc = d->nproc;
    c->last_clock = d->last_clock;
    c->clock_was = d->clock_was;
}
