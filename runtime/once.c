/* once.c: sync.Once: the first caller runs fn; concurrent callers block until it returns. */
#include "rt.h"

/* Public: a new Once. */
weft_once *weft_once_make_at(const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_once_make", file, line);
    weft_once *o = weft__obj_make(WEFT__K_ONCE, sizeof *o, file, line);
    o->runner = -1;
    return o;
}

/* Public: run fn(arg) if no call has run yet; otherwise wait until the running call has returned. */
void weft_once_do_at(weft_once *o, void (*fn)(void *), void *arg, const char *file, int line, const char *func)
{
    (void)func;
    weft__require("weft_once_do", file, line);
    weft__obj_check(o, WEFT__K_ONCE, "weft_once_do", file, line);
    if (!fn)
        weft__usage("weft_once_do", file, line, "NULL function");
    weft__clause cl = {.kind = WEFT__CL_ONCE, .obj = o};
    weft__wait(WEFT__OP_ONCE_DO, &cl, 1, false, file, line);
    if (o->done)
        return;
    o->running = true;
    weft__changed(o);
    o->runner = weft__R.cur->id;
    /* Go: Do's deferred `done = 1` runs even when fn panics; only a recovered panic lets anyone see it */
    weft__panic p;
    bool ok = weft__try_active() ? weft__try_call(fn, arg, &p) : (fn(arg), true);
    weft__clause fin = {.kind = WEFT__CL_ALWAYS, .obj = o};
    weft__wait(WEFT__OP_ONCE_RETURN, &fin, 1, false, file, line);
    o->done = true;
    o->running = false;
    weft__changed(o);
    o->runner = -1;
    if (!ok)
        weft__repanic(&p);
}
