/* select.c: Go's select over send and receive cases, with or without default; a record of each select step's cases. */
#include <string.h>

#include "rt.h"

/* This execution's select records (arena memory: valid while gen is the running execution's). */
static struct {
    weft__selrec *head, *tail;
    uint32_t gen;
} recs;

/* Record the cases of the select step just taken (step index `step`). */
static void record(const weft__clause *cl, int n, bool has_default, long long step)
{
    weft__rt *R = &weft__R;
    if (recs.gen != R->gen) {
        recs.head = recs.tail = NULL;
        recs.gen = R->gen;
    }
    weft__selrec *r = weft__arena_alloc(sizeof *r + sizeof *cl * (size_t)n);
    r->next = NULL;
    r->step = step;
    r->n = n;
    r->has_default = has_default;
    memcpy(r->cl, cl, sizeof *cl * (size_t)n);
    if (recs.tail)
        recs.tail->next = r;
    else
        recs.head = r;
    recs.tail = r;
}

/* The running (or just ended) execution's select records, oldest first. */
const weft__selrec *weft__select_records(void)
{
    return recs.gen == weft__R.gen ? recs.head : NULL;
}

/* Public: block until one case can proceed and perform it (several ready: each is explored);
 * with has_default, return WEFT_DEFAULT when none is ready. Returns the case index. */
int weft_select_at(weft_case *cases, int n, bool has_default, const char *file, int line, const char *func)
{
    (void)func;
    const char *call = has_default ? "weft_select_default" : "weft_select";
    weft__require(call, file, line);
    if (n < 0 || n > 4096)
        weft__usage(call, file, line, "bad number of cases %d", n);
    if (n > 0 && !cases)
        weft__usage(call, file, line, "NULL cases array");
    weft__clause local[8];
    weft__clause *cl = n <= 8 ? local : weft__arena_alloc(sizeof *cl * (size_t)n);
    for (int i = 0; i < n; i++) {
        const weft_case *c = &cases[i];
        if (c->dir != WEFT__CASE_RECV && c->dir != WEFT__CASE_SEND)
            weft__usage(call, file, line, "case %d is neither WEFT_RECV nor WEFT_SEND", i);
        if (c->chan) {
            weft__obj_check(c->chan, WEFT__K_CHAN, call, file, line);
            if (c->dir == WEFT__CASE_SEND && c->chan->elem_size && !c->in)
                weft__usage(call, file, line, "case %d sends from a NULL pointer", i);
        }
        cl[i] = (weft__clause){
            .kind = c->dir == WEFT__CASE_RECV ? WEFT__CL_RECV : WEFT__CL_SEND,
            .obj = c->chan,
            .out = c->out,
            .in = c->in,
            .ok = c->ok,
        };
    }
    int r = weft__chan_op(has_default ? WEFT__OP_SELECT_DEFAULT : WEFT__OP_SELECT, cl, n, has_default, file, line);
    weft__rt *R = &weft__R;
    if (R->steps[R->nsteps - 1].task == R->cur->id) /* the step was ours, not a partner's that completed a case */
        record(cl, n, has_default, R->nsteps - 1);
    return r;
}
