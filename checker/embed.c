/* embed.c: weft_check for harnesses: errors never look clean, a check left by longjmp is recovered, whole reports printed. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Whether the calling code runs on the stack of one of the current execution's tasks. */
static bool on_a_task_stack(void)
{
    const weft__rt *R = &weft__R;
    const char *here = __builtin_frame_address(0);
    for (int i = 0; i < R->ntasks; i++) {
        const weft__stack *s = R->tasks[i]->stack;
        if (s && here >= (const char *)s->lo && here < (const char *)s->lo + s->size)
            return true;
    }
    return false;
}

/* Called by weft__check when the runtime is still marked active at its entry. From a task, that is a check
 * inside a check: returns false (a usage error). Otherwise a body or task was left by a longjmp (a cmocka
 * assert_* that failed inside it): put the runtime back to its state outside any check (tasks' stacks back in
 * the pool, no execution, no explorer) and return true. The abandoned check's explorer memory is lost. */
bool weft__recover_abandoned(void)
{
    weft__rt *R = &weft__R;
    if (!R->active || on_a_task_stack())
        return false;
    if (R->exiting_stack) {
        weft__stack_put(R->exiting_stack);
        R->exiting_stack = NULL;
    }
    for (int i = 0; i < R->ntasks; i++) {
        weft__task *t = R->tasks[i];
        if (t->stack) {
            weft__stack_put(t->stack);
            t->stack = NULL;
        }
    }
    R->active = false;
    R->cur = NULL;
    R->crashing = false;
    R->resume_head = R->resume_tail = NULL;
    R->opt = NULL;
    R->x = NULL;
    R->hooks = NULL;
    R->x_every = false;
    return true;
}

/* Why a clean check r run under o is not complete (see weft_result.limit); NULL when complete, buggy or failed.
 * When several limits were set, the first that applies in this order: executions, time, preemption bound. */
static const char *limit_of(const weft_result *r, const weft_options *o)
{
    if (r->error || r->verdict != WEFT_OK || r->complete)
        return NULL;
    if (o->replay)
        return "replay";
    if (o->strategy == WEFT_STRATEGY_RANDOM || o->strategy == WEFT_STRATEGY_PCT)
        return "sample";
    if (o->max_executions > 0 && r->executions + r->pruned >= o->max_executions)
        return "max-executions";
    if (o->time_limit > 0 && r->seconds >= o->time_limit)
        return "time-limit";
    if (o->max_preemptions >= 0)
        return "max-preemptions";
    return "depth";
}

/* Whether token text s came from the environment (WEFT_REPLAY) and was made for a test other than `name`. */
static bool foreign_env_token(const char *s, const char *name)
{
    const char *env = getenv("WEFT_REPLAY");
    if (!env || !name || strcmp(env, s) != 0)
        return false;
    char *lower = weft__token_lower(s);
    weft__token t;
    char err[256];
    bool ok = weft__token_decode(lower ? lower : s, &t, err, sizeof err);
    free(lower);
    if (!ok)
        return false; /* the check refuses it with the reason */
    weft__token_free(&t);
    return t.fingerprint != weft__fnv(2166136261u, name, strlen(name));
}

/* Explore body(arg) under opt (NULL: defaults) and return what was found; see weft.h. */
weft_result weft_check(const char *name, void (*body)(void *), void *arg, const weft_options *opt)
{
    weft_options defaults, o;
    if (!opt) {
        weft_options_init(&defaults);
        opt = &defaults;
    }
    char *lower = NULL;
    if (opt->replay) {
        o = *opt;
        if (foreign_env_token(opt->replay, name))
            o.replay = NULL;
        else if ((lower = weft__token_lower(opt->replay)) != NULL)
            o.replay = lower; /* tokens are case-insensitive: "WEFT1-..." as well */
        opt = &o;
    }
    weft_result r = weft__check(name, body, arg, opt);
    free(lower);
    if (r.error)
        r.verdict = WEFT_ERROR;
    r.limit = limit_of(&r, opt);
    return r;
}

/* Print r in full to f: the error, the whole report, or one line saying it is clean. */
void weft_result_print(const weft_result *r, FILE *f)
{
    if (!r || !f)
        return;
    if (r->error)
        fprintf(f, "weft: ERROR: %s\n", r->error);
    else if (r->report)
        fputs(r->report, f);
    else if (r->complete)
        fprintf(f, "OK: %lld execution%s, complete\n", r->executions, r->executions == 1 ? "" : "s");
    else
        fprintf(f, "OK: %lld execution%s, not complete (%s)\n", r->executions, r->executions == 1 ? "" : "s",
                r->limit ? r->limit : "stopped");
}
