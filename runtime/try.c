/* try.c: recover (weft_try): a task runs a function and gets its panic back instead of ending the execution. */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* One active weft_try call of a task, on that task's own stack (innermost first).
 * Invariant: a frame is linked from `tops` only while the weft_try call that owns it is running. */
typedef struct weft__try_frame {
    jmp_buf env;                    /* where a recovered panic resumes */
    struct weft__try_frame *outer;  /* the enclosing frame of the same task, or NULL */
    weft__panic *out;               /* receives the recovered panic */
} weft__try_frame;

/* Each task's innermost frame, by task id. An entry counts only when its gen is the running execution's:
 * task structs are pooled, and an execution may end (deadlock, assertion...) while a frame is active. */
static struct top {
    weft__try_frame *frame;
    uint32_t gen;
} *tops;
static int ntops;

static weft__try_frame *top_of(int id)
{
    if (id >= ntops || tops[id].gen != weft__R.gen)
        return NULL;
    return tops[id].frame;
}

static void set_top(int id, weft__try_frame *f)
{
    if (id >= ntops) {
        int cap = ntops ? 2 * ntops : 16;
        while (cap <= id)
            cap *= 2;
        struct top *t = realloc(tops, sizeof *t * (size_t)cap);
        if (!t)
            abort();
        memset(t + ntops, 0, sizeof *t * (size_t)(cap - ntops));
        tops = t;
        ntops = cap;
    }
    tops[id].frame = f;
    tops[id].gen = weft__R.gen;
}

/* Whether the running task is inside a weft_try call (a panic it raises now would be recovered). */
bool weft__try_active(void)
{
    return weft__R.cur && top_of(weft__R.cur->id) != NULL;
}

/* Run fn(arg) in the running task; true when it returned, false when it panicked, with the panic in *out.
 * Tries nest: the innermost one recovers. */
bool weft__try_call(void (*fn)(void *), void *arg, weft__panic *out)
{
    int id = weft__R.cur->id;
    weft__try_frame f;
    f.outer = top_of(id);
    f.out = out;
    set_top(id, &f);
    if (setjmp(f.env) == 0) {
        fn(arg);
        set_top(weft__R.cur->id, f.outer);
        return true;
    }
    return false; /* weft__try_recover has already unlinked the frame */
}

/* Called by weft__fail for a panic (its message already in R->end.msg): when the running task is inside a
 * weft_try call, hand the panic to the innermost one and resume there; otherwise return (the panic ends the
 * execution). */
void weft__try_recover(const char *file, int line)
{
    weft__rt *R = &weft__R;
    if (!R->cur)
        return;
    weft__try_frame *f = top_of(R->cur->id);
    if (!f)
        return;
    size_t k = strnlen(R->end.msg, sizeof f->out->msg - 1);
    memcpy(f->out->msg, R->end.msg, k);
    f->out->msg[k] = 0;
    f->out->file = file;
    f->out->line = line;
    R->end.msg[0] = 0;
    set_top(R->cur->id, f->outer);
    longjmp(f->env, 1);
}

/* Raise again a panic recovered by weft__try_call (after the code that intercepted it has cleaned up). */
void weft__repanic(const weft__panic *p)
{
    weft__fail(WEFT_PANIC, p->file, p->line, "%s", p->msg);
}

/* Public: run fn(arg); true when it returned, false when it panicked (Go's recover), with the message. */
bool weft_try_at(void (*fn)(void *), void *arg, char *msg, size_t msglen, const char *file, int line,
                 const char *func)
{
    (void)func;
    weft__require("weft_try", file, line);
    if (!fn)
        weft__usage("weft_try", file, line, "NULL function");
    weft__panic p;
    if (weft__try_call(fn, arg, &p)) {
        if (msg && msglen)
            msg[0] = 0;
        return true;
    }
    if (msg && msglen)
        snprintf(msg, msglen, "%s", p.msg);
    return false;
}
