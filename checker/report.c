/* report.c: the text and JSON reports of a check: a failing execution's verdict, tasks, schedule, replay; the statistics. */
#define _GNU_SOURCE
#include <errno.h> /* program_invocation_name */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "cli.h"
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

/* `"file": "x.c", "line": 12`, or both null when the site is unknown. */
static void json_site(sb *b, const char *file, int line)
{
    if (!file) {
        sb_printf(b, "\"file\": null, \"line\": null");
        return;
    }
    sb_printf(b, "\"file\": ");
    sb_json(b, file);
    sb_printf(b, ", \"line\": %d", line);
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

/* Whether op is a select (with or without default). */
static bool is_select(const char *op)
{
    return op && strncmp(op, "select", 6) == 0;
}

/* A select's cases in one line: "{recv chan#1 `jobs`, send chan#2 (fired), default}"; fired is the case taken
 * (n: the default), or -1 for none (a select still waiting). */
static void cases_text(const weft__clause *cl, int n, bool has_default, int fired, char *buf, size_t len)
{
    enum { SHOWN = 16 };
    char o[128];
    size_t k = (size_t)snprintf(buf, len, "{");
    for (int j = 0; j < n && k < len; j++) {
        if (j == SHOWN) {
            k += (size_t)snprintf(buf + k, len - k, ", ... %d more", n - SHOWN);
            break;
        }
        weft__obj_label(cl[j].obj, false, o, sizeof o);
        k += (size_t)snprintf(buf + k, len - k, "%s%s %s%s", j ? ", " : "", clause_dir(cl[j].kind), o,
                              j == fired ? " (fired)" : "");
    }
    if (has_default && k < len)
        k += (size_t)snprintf(buf + k, len - k, "%sdefault%s", n ? ", " : "", fired == n ? " (fired)" : "");
    if (k < len)
        snprintf(buf + k, len - k, "}");
}

/* The JSON array of a select's cases (fired as for cases_text; -1: no "fired" members). */
static void cases_json(sb *b, const weft__clause *cl, int n, bool has_default, int fired)
{
    char o[128];
    sb_printf(b, "[");
    for (int j = 0; j < n; j++) {
        weft__obj_label(cl[j].obj, false, o, sizeof o);
        sb_printf(b, "%s{\"case\": %d, \"dir\": \"%s\", \"object\": ", j ? ", " : "", j, clause_dir(cl[j].kind));
        sb_json(b, o);
        if (fired != -1)
            sb_printf(b, ", \"fired\": %s", j == fired ? "true" : "false");
        sb_printf(b, "}");
    }
    if (has_default) {
        sb_printf(b, "%s{\"dir\": \"default\"", n ? ", " : "");
        if (fired != -1)
            sb_printf(b, ", \"fired\": %s", fired == n ? "true" : "false");
        sb_printf(b, "}");
    }
    sb_printf(b, "]");
}

/* The cases of schedule step i, a select (*rec: the select records, walked along with the steps): false when
 * they are unknown. *fired: the case taken, n for the default. */
static bool step_cases(long long i, const weft__selrec **rec, const weft__clause **cl, int *n, bool *has_default,
                       int *fired)
{
    const weft__rt *R = &weft__R;
    const weft__step *s = &R->steps[i];
    while (*rec && (*rec)->step < i)
        *rec = (*rec)->next;
    if (*rec && (*rec)->step == i) {
        *cl = (*rec)->cl;
        *n = (*rec)->n;
        *has_default = (*rec)->has_default;
    } else {
        /* not recorded: the select's step ended the execution (a send on a closed channel panicked); the task
         * still stands at it */
        const weft__task *t = s->task >= 0 && s->task < R->ntasks ? R->tasks[s->task] : NULL;
        if (!t || t->last_step != i || t->state == WEFT__T_DONE || !is_select(t->op))
            return false;
        *cl = t->cl;
        *n = t->ncl;
        *has_default = t->has_default;
    }
    *fired = s->detail >= 0 ? s->detail : *n == 1 && !*has_default ? 0 : *n;
    return true;
}

/* A task's stack (if weft could unwind it), one "    at func (file:line)" line a frame. */
static void text_stack(sb *b, const weft__stack_trace *st)
{
    for (int k = 0; k < st->n; k++)
        sb_printf(b, "    at %s (%s:%d)\n", st->frame[k].func, st->frame[k].file, st->frame[k].line);
    if (st->more)
        sb_printf(b, "    ...\n");
}

/* The JSON member "stack": every frame shown, innermost first. */
static void json_stack(sb *b, const weft__stack_trace *st)
{
    sb_printf(b, ", \"stack\": [");
    for (int k = 0; k < st->n; k++) {
        sb_printf(b, "%s{\"func\": ", k ? ", " : "");
        sb_json(b, st->frame[k].func);
        sb_printf(b, ", ");
        json_site(b, st->frame[k].file, st->frame[k].line);
        sb_printf(b, "}");
    }
    sb_printf(b, "]");
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
        char lbl[128];
        weft__obj_label(t, false, lbl, sizeof lbl);
        snprintf(line, sizeof line, "%s made at %s:%d was never stopped (call weft_ticker_stop)", lbl, t->h.file,
                 t->h.line);
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
        char lbl[128];
        weft__obj_label(c, false, lbl, sizeof lbl);
        snprintf(line, sizeof line,
                 "%s made at %s:%d was never cancelled and nothing will cancel it (call weft_ctx_cancel on every "
                 "path; go vet: lostcancel)", lbl, c->h.file, c->h.line);
        if (json) {
            sb_printf(b, "%s", first ? "" : ", ");
            sb_json(b, line);
        } else {
            sb_printf(b, "%s\n", line);
        }
        first = false;
    }
}

/* A crashed task's faulting line, when its stack shows it: "  faulting line: x.c:12". */
static void text_fault(sb *b, const weft__stack_trace *st)
{
    if (st->n == 0)
        return;
    if (st->fault_exact)
        sb_printf(b, "  faulting line: %s:%d\n", st->frame[0].file, st->frame[0].line);
    else
        sb_printf(b, "  faulting line: in a library function called at %s:%d\n",
                  st->frame[0].file, st->frame[0].line);
}

static void text_tasks(sb *b)
{
    const weft__rt *R = &weft__R;
    char lbl[128], at[300], state[600], why[600], o[128], cases[1200];
    weft__stack_trace st;
    for (int i = 0; i < R->ntasks; i++) {
        const weft__task *t = R->tasks[i];
        if (t->state == WEFT__T_DONE)
            continue;
        weft__backtrace(t, &st);
        weft__task_label(t->id, lbl, sizeof lbl);
        sb_printf(b, "%s", lbl);
        if (t->id > 0 && t->parent >= 0)
            sb_printf(b, ", spawned by task %d at %s", t->parent, site(t->spawn_file, t->spawn_line, at, sizeof at));
        else if (t->id > 0)
            sb_printf(b, ", started by a timer (weft_after_func at %s)",
                      site(t->spawn_file, t->spawn_line, at, sizeof at));
        sb_printf(b, "\n");
        const char *st_word = task_state(t);
        if (t->state == WEFT__T_RUNNING && R->end.verdict == WEFT_CRASH && t->id == R->end.task) {
            if (R->end.crash_site)
                sb_printf(b, "  crashed at %s (%s)\n", site(R->end.file, R->end.line, at, sizeof at), R->end.msg);
            else if (t->op)
                sb_printf(b, "  crashed (%s) after its last visible operation, %s at %s\n", R->end.msg, t->op,
                          site(t->file, t->line, at, sizeof at));
            else
                sb_printf(b, "  crashed (%s) before its first visible operation\n", R->end.msg);
            if (!R->end.crash_site)
                text_fault(b, &st);
            text_stack(b, &st);
            continue;
        }
        if (t->state == WEFT__T_RUNNING) {
            sb_printf(b, "  %s at %s\n", R->end.verdict == WEFT_PANIC || R->end.verdict == WEFT_ASSERT ? "failed" : "running",
                      site(R->end.file, R->end.line, at, sizeof at));
            text_stack(b, &st);
            continue;
        }
        if (t->state != WEFT__T_PENDING) {
            sb_printf(b, "  %s\n", st_word);
            text_stack(b, &st);
            continue;
        }
        if (is_select(t->op)) {
            cases_text(t->cl, t->ncl, t->has_default, -1, cases, sizeof cases);
            sb_printf(b, "  %s in %s %s at %s\n", st_word, t->op, cases, site(t->file, t->line, at, sizeof at));
        } else {
            sb_printf(b, "  %s in %s at %s\n", st_word, t->op, site(t->file, t->line, at, sizeof at));
        }
        text_stack(b, &st);
        if (strcmp(st_word, "blocked") != 0)
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
    char lbl[128], at[300], obj[1200], task[32];
    const weft__selrec *rec = weft__select_records();
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
        const weft__clause *cl;
        int ncl, fired;
        bool has_default;
        if (is_select(s->op) && step_cases(i, &rec, &cl, &ncl, &has_default, &fired))
            cases_text(cl, ncl, has_default, fired, obj, sizeof obj);
        else if (s->obj || strncmp(s->op, "chan_", 5) == 0)
            weft__obj_label(s->obj, s->raw, obj, sizeof obj);
        if (s->detail >= 0 && is_select(s->op) && !obj[0])
            snprintf(lbl, sizeof lbl, "%s (case %d)", s->op, s->detail);
        else
            snprintf(lbl, sizeof lbl, "%s", s->op);
        if (s->partner >= 0) /* a rendezvous: the partner's operation completed in the same step */
            snprintf(lbl + strlen(lbl), sizeof lbl - strlen(lbl), " + task %d", s->partner);
        if (s->task < 0) {
            char d[32];
            weft__dur(s->when, d, sizeof d);
            snprintf(obj, sizeof obj, "t=%s", d);
            snprintf(at, sizeof at, "fires timers");
        } else {
            site(s->file, s->line, at, sizeof at);
        }
        if (s->nchose == 1)
            snprintf(at + strlen(at), sizeof at - strlen(at), "  then chose %d", s->chose);
        else if (s->nchose > 1)
            snprintf(at + strlen(at), sizeof at - strlen(at), "  then chose %d times, last %d", s->nchose, s->chose);
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

/* The version of the JSON report's schema (docs/report-json.md): bump it when a field changes meaning or goes. */
#define JSON_SCHEMA "weft-report/2"

/* The members every line starts with: schema, test, status, verdict. */
static void json_head(sb *b, const char *name, const char *status, weft_verdict v)
{
    sb_printf(b, "{\"schema\": \"%s\", \"test\": ", JSON_SCHEMA);
    sb_json(b, name);
    sb_printf(b, ", \"status\": \"%s\", \"verdict\": ", status);
    sb_json(b, weft_verdict_name(v));
}

static void json_tasks(sb *b)
{
    const weft__rt *R = &weft__R;
    char lbl[128], state[600], why[600];
    bool first = true;
    sb_printf(b, ", \"tasks\": [");
    for (int i = 0; i < R->ntasks; i++) {
        const weft__task *t = R->tasks[i];
        if (t->state == WEFT__T_DONE)
            continue;
        sb_printf(b, "%s{\"id\": %d, \"name\": ", first ? "" : ", ", t->id);
        first = false;
        sb_json(b, t->id == 0 ? "body" : t->name);
        weft__task_label(t->id, lbl, sizeof lbl);
        sb_printf(b, ", \"label\": ");
        sb_json(b, lbl);
        if (t->id > 0) {
            sb_printf(b, ", \"spawn\": {\"by\": \"%s\", \"parent\": ", t->parent >= 0 ? "task" : "timer");
            if (t->parent >= 0)
                sb_printf(b, "%d, ", t->parent);
            else
                sb_printf(b, "null, ");
            json_site(b, t->spawn_file, t->spawn_line);
            sb_printf(b, "}");
        }
        sb_printf(b, ", \"state\": ");
        sb_json(b, task_state(t));
        if (t->state == WEFT__T_PENDING) {
            sb_printf(b, ", \"op\": ");
            sb_json(b, t->op);
            sb_printf(b, ", ");
            json_site(b, t->file, t->line);
            if (is_select(t->op)) {
                sb_printf(b, ", \"cases\": ");
                cases_json(b, t->cl, t->ncl, t->has_default, -1);
            }
        }
        weft__stack_trace st;
        weft__backtrace(t, &st);
        json_stack(b, &st);
        sb_printf(b, ", \"waits\": [");
        if (t->state == WEFT__T_PENDING && !weft__task_enabled(t)) {
            for (int j = 0; j < t->ncl; j++) {
                weft__explain(t, &t->cl[j], state, sizeof state, why, sizeof why);
                weft__obj_label(t->cl[j].obj, false, lbl, sizeof lbl);
                sb_printf(b, "%s{\"case\": %d, \"dir\": ", j ? ", " : "", j);
                sb_json(b, clause_dir(t->cl[j].kind));
                sb_printf(b, ", \"object\": ");
                sb_json(b, lbl);
                sb_printf(b, ", \"state\": ");
                sb_json(b, state);
                sb_printf(b, ", \"why\": ");
                sb_json(b, why);
                sb_printf(b, "}");
            }
        }
        sb_printf(b, "]}");
    }
    sb_printf(b, "]");
}

/* The schedule, bounded as the text report's: the first SCHED_HEAD and last SCHED_TAIL steps. */
static void json_schedule(sb *b)
{
    const weft__rt *R = &weft__R;
    char lbl[128];
    const weft__selrec *rec = weft__select_records();
    long long omitted = R->nsteps > SCHED_HEAD + SCHED_TAIL ? R->nsteps - SCHED_HEAD - SCHED_TAIL : 0;
    sb_printf(b, ", \"steps\": %lld, \"preemptions\": %d, \"schedule\": [", R->nsteps, R->preemptions);
    for (long long i = 0; i < R->nsteps; i++) {
        if (omitted && i == SCHED_HEAD)
            i = R->nsteps - SCHED_TAIL;
        const weft__step *s = &R->steps[i];
        sb_printf(b, "%s{\"step\": %lld, \"task\": ", i ? ", " : "", i + 1);
        if (s->task >= 0)
            sb_printf(b, "%d", s->task);
        else
            sb_printf(b, "null");
        sb_printf(b, ", \"op\": ");
        sb_json(b, s->op);
        if (s->partner >= 0)
            sb_printf(b, ", \"partner\": %d", s->partner);
        if (s->nchose > 0)
            sb_printf(b, ", \"chose\": %d, \"choices\": %d", s->chose, s->nchose);
        if (s->obj || strncmp(s->op, "chan_", 5) == 0) {
            weft__obj_label(s->obj, s->raw, lbl, sizeof lbl);
            sb_printf(b, ", \"object\": ");
            sb_json(b, lbl);
        }
        if (s->detail >= 0 && is_select(s->op))
            sb_printf(b, ", \"case\": %d", s->detail);
        const weft__clause *cl;
        int ncl, fired;
        bool has_default;
        if (is_select(s->op) && step_cases(i, &rec, &cl, &ncl, &has_default, &fired)) {
            sb_printf(b, ", \"cases\": ");
            cases_json(b, cl, ncl, has_default, fired);
        }
        else if (!strcmp(s->op, "wg_add"))
            sb_printf(b, ", \"delta\": %d", s->detail);
        sb_printf(b, ", \"time\": %lld, ", (long long)s->when);
        json_site(b, s->task >= 0 ? s->file : NULL, s->line);
        sb_printf(b, ", \"preemption\": %s}", s->preempt ? "true" : "false");
    }
    sb_printf(b, "], \"schedule_omitted\": %lld", omitted);
}

/* The JSON report of the failing execution that just ended: one line without its stats and closing brace. */
static char *json_report(const char *name, const char *token)
{
    const weft__rt *R = &weft__R;
    sb b = {0};
    char head[1024], cmd[1200], lbl[128];
    headline(head, sizeof head);
    json_head(&b, name, "bug", R->end.verdict);
    sb_printf(&b, ", \"summary\": ");
    sb_json(&b, head);
    if (R->end.task >= 0) {
        weft__task_label(R->end.task, lbl, sizeof lbl);
        sb_printf(&b, ", \"failure\": {\"task\": %d, \"label\": ", R->end.task);
        sb_json(&b, lbl);
        sb_printf(&b, ", \"message\": ");
        sb_json(&b, R->end.msg);
        sb_printf(&b, ", ");
        json_site(&b, R->end.file, R->end.line);
        weft__stack_trace st;
        if (R->end.verdict == WEFT_CRASH && !R->end.crash_site && R->end.task < R->ntasks &&
            weft__backtrace(R->tasks[R->end.task], &st)) {
            sb_printf(&b, ", \"fault\": {");
            json_site(&b, st.frame[0].file, st.frame[0].line);
            sb_printf(&b, ", \"exact\": %s}", st.fault_exact ? "true" : "false");
        }
        sb_printf(&b, "}");
    }
    json_tasks(&b);
    sb_printf(&b, ", \"unreleased\": [");
    resources(&b, true);
    sb_printf(&b, "]");
    json_schedule(&b);
    replay_command(name, token, cmd, sizeof cmd);
    sb_printf(&b, ", \"replay\": ");
    sb_json(&b, token);
    sb_printf(&b, ", \"command\": ");
    sb_json(&b, cmd);
    return b.p;
}

/* One JSON line (malloc'd, ending in a newline) for a check that found no bug: status "ok" (complete, or a
 * sample), "incomplete" (a limit stopped it) or "error" (r->error). See docs/report-json.md. */
char *weft__result_json(const char *name, const weft_result *r, const weft_options *o)
{
    sb b = {0};
    char stats[768];
    json_head(&b, name, weft__status(r), r->verdict);
    if (r->error) {
        sb_printf(&b, ", \"error\": ");
        sb_json(&b, r->error);
    }
    weft__stats(stats, sizeof stats, r, o, true);
    sb_printf(&b, ", \"stats\": {%s}}\n", stats);
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
        if (s->partner >= 0)
            sb_printf(&b, ", completing task %d's operation in the same step", s->partner);
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

/* The status word of check result r: "error" (r->error), "bug" (a verdict other than OK), "incomplete" (no bug,
 * but a limit stopped the search: r->limit), or "ok" (complete, a sample of schedules, or a replay). */
const char *weft__status(const weft_result *r)
{
    if (r->error)
        return "error";
    if (r->verdict != WEFT_OK)
        return "bug";
    if (r->limit && strcmp(r->limit, "sample") != 0 && strcmp(r->limit, "replay") != 0)
        return "incomplete";
    return "ok";
}

/* Why the search of r (run under o) is or is not complete, in words: "complete", "not complete: stopped by
 * --max-executions 10", "sampled (random, seed 0)", ... */
static void how_complete(char *buf, size_t n, const weft_result *r, const weft_options *o)
{
    const char *l = r->limit ? r->limit : "";
    if (r->complete)
        snprintf(buf, n, "complete");
    else if (r->verdict != WEFT_OK && !r->error && !o->replay)
        snprintf(buf, n, "not complete (stopped at the first bug)");
    else if (o->replay || !strcmp(l, "replay"))
        snprintf(buf, n, "replayed");
    else if (!strcmp(l, "sample") && o->strategy == WEFT_STRATEGY_PCT)
        snprintf(buf, n, "sampled (pct, depth %d, seed %llu)", o->pct_depth, o->seed);
    else if (!strcmp(l, "sample"))
        snprintf(buf, n, "sampled (random, seed %llu)", o->seed);
    else if (!strcmp(l, "max-executions"))
        snprintf(buf, n, "not complete: stopped by --max-executions %lld", o->max_executions);
    else if (!strcmp(l, "time-limit"))
        snprintf(buf, n, "not complete: stopped by --time-limit %g", o->time_limit);
    else if (!strcmp(l, "max-preemptions"))
        snprintf(buf, n, "not complete: the preemption bound (--max-preemptions %d) cut schedules",
                 o->max_preemptions);
    else if (!strcmp(l, "depth"))
        snprintf(buf, n, "not complete: executions too long for the search to branch everywhere");
    else
        snprintf(buf, n, "not complete (a limit stopped the search)");
}

/* The statistics of check result r run under o: one line of text ("12 executions, complete, ..."), or the
 * members of a JSON object. The time is left out under o->no_time, so that output is byte-identical. */
void weft__stats(char *buf, size_t n, const weft_result *r, const weft_options *o, bool json)
{
    char bound[32], secs[48], how[160];
    static const char *const strategies[] = {"dpor", "dfs", "random", "pct"};
    char traces[48] = "";
    if (json) {
        snprintf(secs, sizeof secs, ", \"seconds\": %.3f", r->seconds);
        if (r->traces >= 0)
            snprintf(traces, sizeof traces, ", \"traces\": %lld", r->traces);
        if (r->bound >= 0)
            snprintf(bound, sizeof bound, "%d", r->bound);
        else
            snprintf(bound, sizeof bound, "null");
        char limit[48] = "null";
        if (r->limit)
            snprintf(limit, sizeof limit, "\"%s\"", r->limit);
        snprintf(buf, n,
                 "\"strategy\": \"%s\", \"executions\": %lld, \"complete\": %s, \"limit\": %s, \"bound\": %s, "
                 "\"pruned\": %lld, \"longest\": %lld%s%s",
                 o->replay ? "replay" : (unsigned)o->strategy < 4 ? strategies[o->strategy] : "?", r->executions,
                 r->complete ? "true" : "false", limit, bound, r->pruned, r->longest, traces, o->no_time ? "" : secs);
        return;
    }
    how_complete(how, sizeof how, r, o);
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
 * far (statistics), under options o (malloc'd). JSON: one line; text (also for JUnit, which embeds it) and the
 * story: lines. */
char *weft__report(const char *name, const char *token, const weft_options *o, const weft_result *r)
{
    char stats[768];
    weft__stats(stats, sizeof stats, r, o, o->report == WEFT_REPORT_JSON);
    sb b = {0};
    char *body = o->report == WEFT_REPORT_JSON     ? json_report(name, token)
                 : o->report == WEFT__REPORT_STORY ? story_report(name, token)
                                                   : text_report(name, token);
    sb_put(&b, body, strlen(body));
    if (o->report == WEFT_REPORT_JSON)
        sb_printf(&b, ", \"stats\": {%s}}\n", stats);
    else
        sb_printf(&b, "%sstatistics: %s\n", o->report == WEFT__REPORT_STORY ? "  " : "\n", stats);
    free(body);
    return b.p;
}
