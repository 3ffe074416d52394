/* report.c: the text and JSON reports of a failing execution: verdict, every unfinished task, schedule, replay. */
#define _GNU_SOURCE
#include <errno.h> /* program_invocation_name */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

/* A growable string. */
typedef struct sb {
    char *p;
    size_t n, cap;
} sb;

static void sb_put(sb *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_printf(sb *b, const char *fmt, ...) WEFT__PRINTF(2, 3);
static void sb_printf(sb *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    sb_put(b, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* A JSON string literal. */
static void sb_json(sb *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            sb_put(b, e, 2);
        } else if (c < 0x20) {
            sb_printf(b, "\\u%04x", c);
        } else {
            sb_put(b, (const char *)&c, 1);
        }
    }
    sb_put(b, "\"", 1);
}

static const char *site(const char *file, int line, char *buf, size_t n)
{
    if (file)
        snprintf(buf, n, "%s:%d", file, line);
    else
        snprintf(buf, n, "?");
    return buf;
}

/* The headline: what went wrong, in one sentence. */
static void headline(char *buf, size_t n)
{
    const weft__rt *R = &weft__R;
    const weft__end *e = &R->end;
    char who[128], at[300];
    int unfinished = 0;
    for (int i = 0; i < R->ntasks; i++)
        unfinished += R->tasks[i]->state != WEFT__T_DONE;
    switch (e->verdict) {
    case WEFT_DEADLOCK:
        snprintf(buf, n, "the test body is blocked and no task can ever run again");
        break;
    case WEFT_LEAK:
        if (e->spinning)
            snprintf(buf, n, "the test body returned, but tasks kept running for %lld steps without finishing",
                     R->nsteps);
        else if (unfinished == 0)
            weft__lost_summary(buf, n);
        else
            snprintf(buf, n, "the test body returned, but %d task%s blocked forever", unfinished,
                     unfinished == 1 ? " is" : "s are");
        break;
    case WEFT_LIVELOCK:
        snprintf(buf, n, "no progress: the test body has not returned after %lld steps of fair scheduling",
                 R->nsteps);
        break;
    case WEFT_PANIC:
    case WEFT_ASSERT:
        weft__task_label(e->task, who, sizeof who);
        snprintf(buf, n, "%s in %s at %s: %s", e->verdict == WEFT_PANIC ? "panic" : "assertion", who,
                 site(e->file, e->line, at, sizeof at), e->msg);
        break;
    case WEFT_CRASH:
        weft__task_label(e->task, who, sizeof who);
        if (e->crash_site)
            snprintf(buf, n, "crash in %s at %s: %s", who, site(e->file, e->line, at, sizeof at), e->msg);
        else if (R->tasks[e->task]->op)
            snprintf(buf, n, "crash in %s after its last visible operation at %s: %s", who,
                     site(e->file, e->line, at, sizeof at), e->msg);
        else
            snprintf(buf, n, "crash in %s before its first visible operation: %s", who, e->msg);
        break;
    default:
        snprintf(buf, n, "no bug");
    }
}

/* The state word of an unfinished task. */
static const char *task_state(const weft__task *t)
{
    switch (t->state) {
    case WEFT__T_PENDING:
        return weft__task_enabled(t) ? "runnable" : "blocked";
    case WEFT__T_RUNNING:
        return "running";
    case WEFT__T_NEW:
        return "not started";
    case WEFT__T_WOKEN:
        return "woken";
    default:
        return "exited";
    }
}

static const char *clause_dir(int kind)
{
    switch (kind) {
    case WEFT__CL_SEND:
        return "send";
    case WEFT__CL_RECV:
        return "recv";
    default:
        return "wait";
    }
}

/* Tickers never stopped and cancellable contexts never cancelled, one line each ("" when none). */
static void resources(sb *b, bool json)
{
    const weft__rt *R = &weft__R;
    bool first = true;
    char line[400];
    for (const struct weft_timer *t = R->timers; t; t = t->next) {
        if (t->kind != WEFT__TM_TICKER || t->stopped)
            continue;
        snprintf(line, sizeof line, "ticker#%d made at %s:%d was never stopped (call weft_ticker_stop)", t->h.id,
                 t->h.file, t->h.line);
        if (json) {
            sb_printf(b, "%s", first ? "" : ", ");
            sb_json(b, line);
        } else {
            sb_printf(b, "%s\n", line);
        }
        first = false;
    }
    for (const struct weft_ctx *c = R->ctxs; c; c = c->next) {
        if (!weft__ctx_lost(c))
            continue;
        snprintf(line, sizeof line,
                 "context#%d made at %s:%d was never cancelled and nothing will cancel it (call weft_ctx_cancel "
                 "on every path; go vet: lostcancel)",
                 c->h.id, c->h.file, c->h.line);
        if (json) {
            sb_printf(b, "%s", first ? "" : ", ");
            sb_json(b, line);
        } else {
            sb_printf(b, "%s\n", line);
        }
        first = false;
    }
}

static void text_tasks(sb *b)
{
    const weft__rt *R = &weft__R;
    char lbl[128], at[300], state[600], why[600], o[128];
    for (int i = 0; i < R->ntasks; i++) {
        const weft__task *t = R->tasks[i];
        if (t->state == WEFT__T_DONE)
            continue;
        weft__task_label(t->id, lbl, sizeof lbl);
        sb_printf(b, "%s", lbl);
        if (t->id > 0 && t->parent >= 0)
            sb_printf(b, ", spawned by task %d at %s", t->parent, site(t->spawn_file, t->spawn_line, at, sizeof at));
        else if (t->id > 0)
            sb_printf(b, ", started by a timer (weft_after_func at %s)",
                      site(t->spawn_file, t->spawn_line, at, sizeof at));
        sb_printf(b, "\n");
        const char *st = task_state(t);
        if (t->state == WEFT__T_RUNNING && R->end.verdict == WEFT_CRASH && t->id == R->end.task) {
            if (R->end.crash_site)
                sb_printf(b, "  crashed at %s (%s)\n", site(R->end.file, R->end.line, at, sizeof at), R->end.msg);
            else if (t->op)
                sb_printf(b, "  crashed (%s) after its last visible operation, %s at %s\n", R->end.msg, t->op,
                          site(t->file, t->line, at, sizeof at));
            else
                sb_printf(b, "  crashed (%s) before its first visible operation\n", R->end.msg);
            continue;
        }
        if (t->state == WEFT__T_RUNNING) {
            sb_printf(b, "  %s at %s\n", R->end.verdict == WEFT_PANIC || R->end.verdict == WEFT_ASSERT ? "failed" : "running",
                      site(R->end.file, R->end.line, at, sizeof at));
            continue;
        }
        if (t->state != WEFT__T_PENDING) {
            sb_printf(b, "  %s\n", st);
            continue;
        }
        sb_printf(b, "  %s in %s at %s\n", st, t->op, site(t->file, t->line, at, sizeof at));
        if (strcmp(st, "blocked") != 0)
            continue;
        for (int j = 0; j < t->ncl; j++) {
            weft__explain(t, &t->cl[j], state, sizeof state, why, sizeof why);
            if (t->ncl > 1) {
                weft__obj_label(t->cl[j].obj, false, o, sizeof o);
                sb_printf(b, "  case %d: %s %s\n  ", j, clause_dir(t->cl[j].kind), o);
            }
            sb_printf(b, "  %s\n", state);
            sb_printf(b, "%s  nothing can wake it: %s\n", t->ncl > 1 ? "  " : "", why);
        }
        if (t->ncl == 0)
            sb_printf(b, "  nothing can wake it: an empty select blocks forever\n");
    }
}

#define SCHED_HEAD 100
#define SCHED_TAIL 200

static void text_schedule(sb *b)
{
    const weft__rt *R = &weft__R;
    char lbl[128], at[300], obj[128], task[32];
    sb_printf(b, "schedule: %lld step%s, %d preemption%s\n", R->nsteps, R->nsteps == 1 ? "" : "s", R->preemptions,
              R->preemptions == 1 ? "" : "s");
    for (long long i = 0; i < R->nsteps; i++) {
        if (R->nsteps > SCHED_HEAD + SCHED_TAIL && i == SCHED_HEAD) {
            sb_printf(b, "  ... %lld steps not shown ...\n", R->nsteps - SCHED_HEAD - SCHED_TAIL);
            i = R->nsteps - SCHED_TAIL;
        }
        const weft__step *s = &R->steps[i];
        if (s->task >= 0)
            snprintf(task, sizeof task, "task %d", s->task);
        else
            snprintf(task, sizeof task, "clock");
        obj[0] = 0;
        if (s->obj || strncmp(s->op, "chan_", 5) == 0)
            weft__obj_label(s->obj, s->raw, obj, sizeof obj);
        if (s->detail >= 0 && strncmp(s->op, "select", 6) == 0)
            snprintf(lbl, sizeof lbl, "%s (case %d)", s->op, s->detail);
        else
            snprintf(lbl, sizeof lbl, "%s", s->op);
        if (s->task < 0) {
            char d[32];
            weft__dur(s->when, d, sizeof d);
            snprintf(obj, sizeof obj, "t=%s", d);
            snprintf(at, sizeof at, "fires timers");
        } else {
            site(s->file, s->line, at, sizeof at);
        }
        sb_printf(b, "  %5lld  %-8s %-26s %-22s %s%s\n", i + 1, task, lbl, obj, at,
                  s->preempt ? "  <- preemption" : "");
    }
}

static void replay_command(const char *name, const char *token, char *buf, size_t n)
{
    (void)name;
    if (weft__R.replay_prefix)
        snprintf(buf, n, "%s --replay %s", weft__R.replay_prefix, token);
    else
        snprintf(buf, n, "WEFT_REPLAY=%s %s", token, program_invocation_name);
}

static char *text_report(const char *name, const char *token)
{
    sb b = {0};
    char head[1024], cmd[1200];
    headline(head, sizeof head);
    sb_printf(&b, "%s in %s\n  %s\n\n", weft_verdict_name(weft__R.end.verdict), name, head);
    text_tasks(&b);
    resources(&b, false);
    sb_printf(&b, "\n");
    text_schedule(&b);
    replay_command(name, token, cmd, sizeof cmd);
    sb_printf(&b, "\nreplay: %s\n  %s\n", token, cmd);
    return b.p;
}

static void json_site(sb *b, const char *file, int line)
{
    sb_json(b, file ? file : "");
    sb_printf(b, ", \"line\": %d", line);
}

static char *json_report(const char *name, const char *token)
{
    const weft__rt *R = &weft__R;
    sb b = {0};
    char head[1024], cmd[1200], lbl[128], state[600], why[600];
    headline(head, sizeof head);
    sb_printf(&b, "{\"test\": ");
    sb_json(&b, name);
    sb_printf(&b, ", \"verdict\": ");
    sb_json(&b, weft_verdict_name(R->end.verdict));
    sb_printf(&b, ", \"summary\": ");
    sb_json(&b, head);
    if (R->end.task >= 0) {
        sb_printf(&b, ", \"failure\": {\"task\": %d, \"message\": ", R->end.task);
        sb_json(&b, R->end.msg);
        sb_printf(&b, ", \"file\": ");
        json_site(&b, R->end.file, R->end.line);
        sb_printf(&b, "}");
    }
    sb_printf(&b, ",\n \"tasks\": [");
    bool first = true;
    for (int i = 0; i < R->ntasks; i++) {
        const weft__task *t = R->tasks[i];
        if (t->state == WEFT__T_DONE)
            continue;
        sb_printf(&b, "%s\n  {\"id\": %d, \"name\": ", first ? "" : ",", t->id);
        first = false;
        sb_json(&b, t->id == 0 ? "body" : t->name);
        sb_printf(&b, ", \"parent\": %d, \"spawn\": {\"file\": ", t->parent);
        json_site(&b, t->spawn_file, t->spawn_line);
        sb_printf(&b, "}, \"state\": ");
        sb_json(&b, task_state(t));
        if (t->state == WEFT__T_PENDING) {
            sb_printf(&b, ", \"op\": ");
            sb_json(&b, t->op);
            sb_printf(&b, ", \"file\": ");
            json_site(&b, t->file, t->line);
        }
        sb_printf(&b, ", \"waits\": [");
        if (t->state == WEFT__T_PENDING && !weft__task_enabled(t)) {
            for (int j = 0; j < t->ncl; j++) {
                weft__explain(t, &t->cl[j], state, sizeof state, why, sizeof why);
                weft__obj_label(t->cl[j].obj, false, lbl, sizeof lbl);
                sb_printf(&b, "%s{\"case\": %d, \"dir\": ", j ? ", " : "", j);
                sb_json(&b, clause_dir(t->cl[j].kind));
                sb_printf(&b, ", \"object\": ");
                sb_json(&b, lbl);
                sb_printf(&b, ", \"state\": ");
                sb_json(&b, state);
                sb_printf(&b, ", \"why\": ");
                sb_json(&b, why);
                sb_printf(&b, "}");
            }
        }
        sb_printf(&b, "]}");
    }
    sb_printf(&b, "],\n \"unreleased\": [");
    resources(&b, true);
    sb_printf(&b, "],\n \"steps\": %lld, \"preemptions\": %d,\n \"schedule\": [", R->nsteps, R->preemptions);
    for (long long i = 0; i < R->nsteps; i++) {
        const weft__step *s = &R->steps[i];
        lbl[0] = 0;
        if (s->obj || strncmp(s->op, "chan_", 5) == 0)
            weft__obj_label(s->obj, s->raw, lbl, sizeof lbl);
        sb_printf(&b, "%s\n  {\"step\": %lld, \"task\": %d, \"op\": ", i ? "," : "", i + 1, s->task);
        sb_json(&b, s->op);
        sb_printf(&b, ", \"object\": ");
        sb_json(&b, lbl);
        sb_printf(&b, ", \"detail\": %d, \"time\": %lld, \"file\": ", s->detail, (long long)s->when);
        json_site(&b, s->file, s->line);
        sb_printf(&b, ", \"preemption\": %s}", s->preempt ? "true" : "false");
    }
    replay_command(name, token, cmd, sizeof cmd);
    sb_printf(&b, "],\n \"replay\": ");
    sb_json(&b, token);
    sb_printf(&b, ", \"command\": ");
    sb_json(&b, cmd);
    sb_printf(&b, "}\n");
    return b.p;
}

/* The plain-words verb of an operation: "sends on", "locks", ... */
static const char *verb(const char *op)
{
    static const char *const table[][2] = {
        {"chan_send", "sends on"},          {"chan_recv", "receives from"},      {"chan_close", "closes"},
        {"chan_len", "reads the length of"}, {"select", "selects on"},            {"select_default", "polls"},
        {"mutex_lock", "locks"},            {"mutex_unlock", "unlocks"},         {"mutex_trylock", "tries to lock"},
        {"rwmutex_lock", "write-locks"},    {"rwmutex_unlock", "write-unlocks"}, {"rwmutex_rlock", "read-locks"},
        {"rwmutex_runlock", "read-unlocks"}, {"wg_add", "adds to"},              {"wg_done", "calls Done on"},
        {"wg_wait", "waits on"},            {"once_do", "calls Do on"},          {"cond_wait", "waits on"},
        {"cond_signal", "signals"},         {"cond_broadcast", "broadcasts on"}, {"touch", "touches"},
        {"yield", "yields"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (!strcmp(op, table[i][0]))
            return table[i][1];
    return op;
}

static char *story_report(const char *name, const char *token)
{
    const weft__rt *R = &weft__R;
    sb b = {0};
    char who[128], obj[128], at[300], state[600], why[600], cmd[1200];
    (void)name;
    for (long long i = 0; i < R->nsteps; i++) {
        if (R->nsteps > SCHED_HEAD + SCHED_TAIL && i == SCHED_HEAD) {
            sb_printf(&b, "  ... %lld steps not told ...\n", R->nsteps - SCHED_HEAD - SCHED_TAIL);
            i = R->nsteps - SCHED_TAIL;
        }
        if (R->body_done && R->body_end == i)
            sb_printf(&b, "  the test body returns.\n");
        const weft__step *s = &R->steps[i];
        if (s->task < 0) {
            char d[32];
            weft__dur(s->when, d, sizeof d);
            sb_printf(&b, "  step %lld: the clock advances to t=%s and fires what is due%s\n", i + 1, d,
                      s->preempt ? ", before the running task could go on" : "");
            continue;
        }
        weft__task_label(s->task, who, sizeof who);
        obj[0] = 0;
        if (s->obj || !strncmp(s->op, "chan_", 5))
            weft__obj_label(s->obj, s->raw, obj, sizeof obj);
        sb_printf(&b, "  step %lld: %s %s%s%s", i + 1, who, verb(s->op), obj[0] ? " " : "", obj);
        if (s->detail >= 0 && !strncmp(s->op, "select", 6))
            sb_printf(&b, " (case %d)", s->detail);
        sb_printf(&b, " at %s%s\n", site(s->file, s->line, at, sizeof at),
                  s->preempt ? ", interrupting the task that was running" : "");
    }
    if (R->body_done && R->body_end == R->nsteps)
        sb_printf(&b, "  the test body returns.\n");
    char head[1024];
    headline(head, sizeof head);
    sb_printf(&b, "  then %s:\n", head);
    for (int i = 0; i < R->ntasks; i++) {
        const weft__task *t = R->tasks[i];
        if (t->state != WEFT__T_PENDING || weft__task_enabled(t))
            continue;
        weft__task_label(t->id, who, sizeof who);
        for (int j = 0; j < t->ncl; j++) {
            weft__explain(t, &t->cl[j], state, sizeof state, why, sizeof why);
            weft__obj_label(t->cl[j].obj, false, obj, sizeof obj);
            sb_printf(&b, "    %s is stuck in %s at %s: %s.\n      %s.\n", who, t->op,
                      site(t->file, t->line, at, sizeof at), state, why);
        }
    }
    sb b2 = {0};
    resources(&b2, false);
    if (b2.p)
        sb_printf(&b, "    %s", b2.p);
    free(b2.p);
    replay_command(name, token, cmd, sizeof cmd);
    sb_printf(&b, "  replay it: %s\n", cmd);
    return b.p;
}

/* The statistics of check result r run under o: one line of text ("12 executions, complete, ..."), or the
 * members of a JSON object. The time is left out under o->no_time, so that output is byte-identical. */
void weft__stats(char *buf, size_t n, const weft_result *r, const weft_options *o, bool json)
{
    char bound[32], secs[48];
    bool sampling = o->strategy == WEFT_STRATEGY_RANDOM || o->strategy == WEFT_STRATEGY_PCT;
    const char *how = r->complete                 ? "complete"
                      : o->replay                 ? "replayed"
                      : r->verdict != WEFT_OK     ? "not complete (stopped at the first bug)"
                      : sampling                  ? "not complete (a random sample of schedules)"
                                                  : "not complete (a limit stopped the search)";
    char traces[48] = "";
    if (json) {
        snprintf(secs, sizeof secs, ", \"seconds\": %.3f", r->seconds);
        if (r->traces >= 0)
            snprintf(traces, sizeof traces, ", \"traces\": %lld", r->traces);
        snprintf(buf, n,
                 "\"executions\": %lld, \"complete\": %s, \"bound\": %d, \"pruned\": %lld, \"longest\": %lld%s%s",
                 r->executions, r->complete ? "true" : "false", r->bound, r->pruned, r->longest, traces,
                 o->no_time ? "" : secs);
        return;
    }
    if (r->traces >= 0)
        snprintf(traces, sizeof traces, ", %lld distinct trace%s", r->traces, r->traces == 1 ? "" : "s");
    if (r->bound >= 0)
        snprintf(bound, sizeof bound, ", preemption bound %d", r->bound);
    else
        bound[0] = 0;
    snprintf(secs, sizeof secs, ", %.3f s", r->seconds);
    snprintf(buf, n, "%lld execution%s, %s%s, %lld pruned, longest execution %lld step%s%s%s", r->executions,
             r->executions == 1 ? "" : "s", how, bound, r->pruned, r->longest, r->longest == 1 ? "" : "s", traces,
             o->no_time ? "" : secs);
}

/* The report of the execution that just ended, for test `name`, its replay token and the check's result so
 * far (statistics), under options o (malloc'd). */
char *weft__report(const char *name, const char *token, const weft_options *o, const weft_result *r)
{
    char stats[512];
    weft__stats(stats, sizeof stats, r, o, o->report == WEFT_REPORT_JSON);
    sb b = {0};
    char *body = o->report == WEFT_REPORT_JSON     ? json_report(name, token)
                 : o->report == WEFT__REPORT_STORY ? story_report(name, token)
                                                   : text_report(name, token);
    size_t len = strlen(body);
    if (o->report == WEFT_REPORT_JSON) {
        sb_put(&b, body, len - 2); /* without the closing "}\n" */
        sb_printf(&b, ",\n \"stats\": {%s}}\n", stats);
    } else {
        sb_put(&b, body, len);
        sb_printf(&b, "%sstatistics: %s\n", o->report == WEFT__REPORT_STORY ? "  " : "\n", stats);
    }
    free(body);
    return b.p;
}
