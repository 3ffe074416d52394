/* dfs.c: exhaustive depth-first search over every allowed alternative at every branch point (no reduction). */
#include "strategy.h"

/* One branch point on the path: its allowed alternatives are alts[off .. off + cnt), alts[off + pos] is taken;
 * off < 0: every alternative is allowed (0 .. cnt - 1, pos is taken), and none is kept in alts (a state with N
 * enabled tasks would cost N ints). */
struct dfs_entry {
    int n;      /* alternatives offered (checked again on re-execution) */
    int off;
    int cnt;
    int pos;
};

static void begin(weft__explorer *x)
{
    x->cursor = 0;
}

static int choose(weft__explorer *x, const weft__branch *b)
{
    if (x->cursor < x->npath) {
        struct dfs_entry *e = &x->path[x->cursor++];
        if (e->n != b->n || e->cnt != b->nallowed)
            return weft__diverged(x,
                                  "re-executing the same choices, branch point %d at step %lld offered %d "
                                  "alternatives, %d before (does the program depend on something weft does not "
                                  "control?)",
                                  x->cursor, weft__R.nsteps + 1, b->n, e->n);
        return e->off < 0 ? e->pos : x->alts[e->off + e->pos];
    }
    weft__grow((void **)&x->path, &x->path_cap, x->npath + 1, sizeof *x->path);
    if (b->nallowed == b->n) { /* allowed is ascending: 0 .. n - 1 */
        x->path[x->npath++] = (struct dfs_entry){b->n, -1, b->n, 0};
    } else {
        weft__grow((void **)&x->alts, &x->alts_cap, x->nalts + b->nallowed, sizeof *x->alts);
        x->path[x->npath++] = (struct dfs_entry){b->n, x->nalts, b->nallowed, 0};
        for (int i = 0; i < b->nallowed; i++)
            x->alts[x->nalts++] = b->allowed[i];
    }
    x->cursor++;
    return b->allowed[0];
}

static bool next(weft__explorer *x)
{
    while (x->npath > 0) {
        struct dfs_entry *e = &x->path[x->npath - 1];
        if (e->pos + 1 < e->cnt) {
            e->pos++;
            if (e->off >= 0)
                x->nalts = e->off + e->cnt;
            return true;
        }
        if (e->off >= 0)
            x->nalts = e->off;
        x->npath--;
    }
    return false;
}

const weft__strategy weft__dfs = {"dfs", begin, choose, next};
