/* main.c: the `weft` tool: list, check and explain the models of the catalogue. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "model.h"

static weft_model *catalogue;

/* Add m to the catalogue. */
void weft_model_register(weft_model *m)
{
    m->next = catalogue;
    catalogue = m;
}

static int cmp_model(const void *a, const void *b)
{
    const weft_model *x = *(weft_model *const *)a, *y = *(weft_model *const *)b;
    int c = strcmp(x->category, y->category);
    if (c)
        return c;
    c = strcmp(x->file, y->file);
    return c ? c : x->line - y->line;
}

/* Every model, sorted by category, file and line. */
static weft_model **all_models(int *n)
{
    int k = 0;
    for (weft_model *m = catalogue; m; m = m->next)
        k++;
    weft_model **v = malloc(sizeof *v * (size_t)(k ? k : 1));
    if (!v)
        abort();
    k = 0;
    for (weft_model *m = catalogue; m; m = m->next)
        v[k++] = m;
    qsort(v, (size_t)k, sizeof *v, cmp_model);
    *n = k;
    return v;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: weft list [--category C]\n"
            "       weft check [MODEL...] [--all] [--category C] [flags]\n"
            "       weft explain MODEL [flags]\n"
            "A MODEL is a model's name; with * ? or [ a glob; else every model whose name starts with it and '_'.\n"
            "Exit status: 0 every model as expected, 1 a model's verdict differs, 2 a usage error, 3 a limit that\n"
            "the model does not declare stopped a search (0 with --allow-incomplete).\n"
            "flags:\n%s",
            weft__flags_help);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static weft_result run(const weft_model *m, const weft_options *o, const char *argv0)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s check %s", argv0, m->name);
    weft__R.replay_prefix = prefix;
    weft_options mo = *o;
    if (m->budget > 0 && mo.time_limit == 0 && mo.max_executions == 0 && !mo.replay)
        mo.time_limit = m->budget;
    weft_result r = weft_check(m->name, m->body, NULL, &mo);
    weft__R.replay_prefix = NULL;
    return r;
}

static int cmd_list(weft_model **v, int n, const char *category)
{
    printf("%-40s %-12s %s\n", "model", "category", "expected");
    for (int i = 0; i < n; i++)
        if (!category || !strcmp(v[i]->category, category))
            printf("%-40s %-12s %s\n", v[i]->name, v[i]->category, weft_verdict_name(v[i]->expect));
    return 0;
}

/* Whether model m's clean result r stopped at a limit the model does not declare (its budget is declared). */
static bool undeclared_limit(const weft_model *m, const weft_result *r, const weft_options *o)
{
    if (!r->limit || !strcmp(r->limit, "sample") || !strcmp(r->limit, "replay"))
        return false;
    return !(m->budget > 0 && !strcmp(r->limit, "time-limit") && o->time_limit == 0);
}

static int cmd_check(weft_model **v, int n, bool *sel, const weft_options *o, const char *argv0)
{
    int bad = 0, ran = 0, incomplete = 0;
    weft__junit *junit = o->report == WEFT_REPORT_JUNIT ? weft__junit_new() : NULL;
    if (o->report == WEFT_REPORT_TEXT)
        printf("%-40s %-10s %-10s %11s %-8s %8s  %s\n", "model", "expected", "found", "executions", "complete",
               "time", "replay");
    for (int i = 0; i < n; i++) {
        if (!sel[i])
            continue;
        const weft_model *m = v[i];
        double t0 = seconds();
        weft_result r = run(m, o, argv0);
        double dt = seconds() - t0;
        weft__progress_clear();
        ran++;
        if (r.error) {
            fprintf(stderr, "weft: %s: %s\n", m->name, r.error);
            weft_result_free(&r);
            if (junit)
                weft__junit_finish(junit, "weft-catalogue", o->no_time, stdout);
            return 2;
        }
        bool ok = r.verdict == m->expect;
        bool cut = ok && undeclared_limit(m, &r, o);
        bad += !ok;
        incomplete += cut;
        char found[256];
        snprintf(found, sizeof found, "expected %s, found %s", weft_verdict_name(m->expect),
                 weft_verdict_name(r.verdict));
        if (junit) {
            char why[300];
            snprintf(why, sizeof why, "INCOMPLETE: stopped by %s, before the search was complete", r.limit);
            weft__junit_add(junit, "weft-catalogue", m->name, !ok ? "failure" : cut ? "skipped" : "ok",
                            weft_verdict_name(r.verdict), cut ? why : found, r.report, NULL, o->no_time ? -1 : dt);
        } else if (o->report == WEFT_REPORT_JSON) {
            printf("{\"schema\": \"weft-catalogue/1\", \"model\": \"%s\", \"expected\": \"%s\", \"found\": \"%s\", "
                   "\"as_expected\": %s, \"executions\": %lld, \"complete\": %s, \"limit\": ",
                   m->name, weft_verdict_name(m->expect), weft_verdict_name(r.verdict), ok ? "true" : "false",
                   r.executions, r.complete ? "true" : "false");
            printf(r.limit ? "\"%s\"" : "null", r.limit);
            if (!o->no_time)
                printf(", \"seconds\": %.3f", dt);
            printf(", \"replay\": ");
            printf(r.replay ? "\"%s\"}\n" : "null}\n", r.replay);
        } else {
            char t[16] = "";
            if (!o->no_time)
                snprintf(t, sizeof t, "%7.3fs", dt);
            printf("%-40s %-10s %-10s %11lld %-8s %8s  %s%s\n", m->name, weft_verdict_name(m->expect),
                   weft_verdict_name(r.verdict), r.executions, r.complete ? "yes" : "no", t, r.replay ? r.replay : "",
                   !ok ? "   <- MISMATCH" : cut ? "   <- INCOMPLETE" : "");
            if (cut)
                printf("  INCOMPLETE: stopped by %s, before the search was complete\n", r.limit);
            if (r.report && (!ok || o->verbose || o->replay))
                fputs(r.report, stdout);
        }
        weft_result_free(&r);
    }
    if (junit)
        weft__junit_finish(junit, "weft-catalogue", o->no_time, stdout);
    if (o->report == WEFT_REPORT_TEXT)
        printf("weft: %d model%s checked, %d as expected, %d not%s\n", ran, ran == 1 ? "" : "s", ran - bad, bad,
               incomplete ? ", some incomplete" : "");
    return bad ? 1 : incomplete && !o->allow_incomplete ? 3 : 0;
}

static void paragraph(const char *title, const char *text)
{
    if (text && *text)
        printf("%s\n  %s\n\n", title, text);
}

static int cmd_explain(const weft_model *m, weft_options *o, const char *argv0)
{
    printf("%s  [%s, expected %s]\n  %s\n\n", m->name, m->category, weft_verdict_name(m->expect), m->summary);
    paragraph(m->expect == WEFT_OK ? "What it shows:" : "The pattern:", m->pattern);
    o->report = WEFT__REPORT_STORY;
    weft_result r = run(m, o, argv0);
    if (r.error) {
        fprintf(stderr, "weft: %s: %s\n", m->name, r.error);
        weft_result_free(&r);
        return 2;
    }
    if (r.verdict != WEFT_OK) {
        printf("The counterexample (%s after %lld execution%s, %d preemption%s):\n%s\n", weft_verdict_name(r.verdict),
               r.executions, r.executions == 1 ? "" : "s", r.preemptions, r.preemptions == 1 ? "" : "s", r.report);
    } else {
        printf("Proof:\n  clean: %lld execution%s, %s%s%s\n\n", r.executions, r.executions == 1 ? "" : "s",
               r.complete ? "complete (every interleaving explored)" : "not complete (stopped by ",
               r.complete ? "" : r.limit ? r.limit : "a limit", r.complete ? "" : ")");
    }
    paragraph(m->expect == WEFT_OK ? "Why it is clean:" : "The fix:", m->fix);
    if (m->pair)
        printf("See also: weft explain %s\n", m->pair);
    bool ok = r.verdict == m->expect;
    weft_result_free(&r);
    return ok ? 0 : 1;
}

/* The weft tool. Exit status: 0 as expected, 1 a model's verdict differs, 2 a usage error. */
int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("weft %s\n", WEFT_VERSION_STRING);
        return 0;
    }
    if (strcmp(cmd, "list") && strcmp(cmd, "check") && strcmp(cmd, "explain")) {
        fprintf(stderr, "weft: unknown command '%s' (list, check, explain; see weft --help)\n", cmd);
        return 2;
    }
    weft_options o;
    weft_options_init(&o);
    int n;
    weft_model **v = all_models(&n);
    bool *sel = calloc((size_t)(n ? n : 1), sizeof *sel);
    const char *category = NULL;
    bool all = false;
    int named = 0;
    char err[300];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--all")) {
            all = true;
        } else if (!strcmp(a, "--category")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "weft: --category needs a value\n");
                return 2;
            }
            category = argv[++i];
        } else if (!strcmp(a, "--version")) {
            printf("weft %s\n", WEFT_VERSION_STRING);
            return 0;
        } else if (!strncmp(a, "--", 2)) {
            int used = weft__parse_flag(&o, argc, argv, i, err, sizeof err);
            if (used <= 0) {
                if (used == 0)
                    fprintf(stderr, "weft: unknown flag '%s' (see weft --help)\n", a);
                else
                    fprintf(stderr, "weft: %s\n", err);
                return 2;
            }
            i += used - 1;
        } else {
            const char **names = malloc(sizeof *names * (size_t)(n ? n : 1));
            if (!names)
                abort();
            for (int k = 0; k < n; k++)
                names[k] = v[k]->name;
            bool any = weft__select(a, names, n, sel) > 0;
            free(names);
            if (!any) {
                fprintf(stderr, "weft: no model named '%s' (see weft list)\n", a);
                return 2;
            }
            named++;
        }
    }
    if (category) {
        bool any = false;
        for (int k = 0; k < n; k++)
            any |= !strcmp(v[k]->category, category);
        if (!any) {
            fprintf(stderr, "weft: no model in category '%s' (see weft list)\n", category);
            return 2;
        }
    }
    weft__progress_setup(&o);
    int status;
    if (!strcmp(cmd, "list")) {
        status = cmd_list(v, n, category);
    } else if (!strcmp(cmd, "check")) {
        if (!named && !all && !category) {
            fprintf(stderr, "weft: name the models to check, or use --all or --category C\n");
            return 2;
        }
        for (int k = 0; k < n; k++) {
            if (all && !named)
                sel[k] = true;
            if (category && strcmp(v[k]->category, category))
                sel[k] = false;
            else if (category && !named && !all)
                sel[k] = true;
        }
        status = cmd_check(v, n, sel, &o, argv[0]);
    } else {
        int which = -1, count = 0;
        for (int k = 0; k < n; k++)
            if (sel[k]) {
                count++;
                if (which < 0)
                    which = k;
            }
        if (named != 1 || count != 1) {
            fprintf(stderr, "weft: explain takes exactly one model name (see weft list)\n");
            return 2;
        }
        status = cmd_explain(v[which], &o, argv[0]);
    }
    free(sel);
    free(v);
    return status;
}
