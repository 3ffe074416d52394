/* junit.c: the JUnit XML report: one <testsuite>, one <testcase> per test, written once every test has run. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The testcases so far (XML text) and the suite's counts. */
struct weft__junit {
    char *buf;          /* the <testcase> elements (open_memstream) */
    size_t len;
    FILE *f;
    int tests, failures, errors, skipped;
    double seconds;
};

/* A collector for the testcases of one suite. */
weft__junit *weft__junit_new(void)
{
    weft__junit *j = calloc(1, sizeof *j);
    if (!j || !(j->f = open_memstream(&j->buf, &j->len)))
        abort();
    return j;
}

/* Whether byte c may appear in XML 1.0 text (tab, newline, carriage return, and no other control character). */
static bool xml_ok(unsigned char c)
{
    return c >= 0x20 ? c != 0x7f : c == '\t' || c == '\n' || c == '\r';
}

/* s escaped for an attribute value (control characters become '?'). */
static void attr(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c == '\n')
            fputs("&#10;", f);
        else
            fputc(xml_ok(c) && c != '\t' && c != '\r' ? c : '?', f);
    }
}

/* s as CDATA sections ("]]>" split across two of them; control characters become '?'). */
static void cdata(FILE *f, const char *s)
{
    fputs("<![CDATA[", f);
    for (; s && *s; s++) {
        if (!strncmp(s, "]]>", 3)) {
            fputs("]]]]><![CDATA[>", f);
            s += 2;
            continue;
        }
        unsigned char c = (unsigned char)*s;
        fputc(xml_ok(c) ? c : '?', f);
    }
    fputs("]]>", f);
}

/* Add test `name`. kind: "ok" (passed), "failure" (a bug: `type` is the verdict, `message` one line, `text` the
 * whole report), "error" (the check could not run: `message`), "skipped" (INCOMPLETE: `message` says which
 * limit stopped it). `out` (may be NULL) goes to <system-out>: the statistics line. seconds < 0: no time. */
void weft__junit_add(weft__junit *j, const char *classname, const char *name, const char *kind, const char *type,
                     const char *message, const char *text, const char *out, double seconds)
{
    FILE *f = j->f;
    j->tests++;
    fputs("    <testcase classname=\"", f);
    attr(f, classname);
    fputs("\" name=\"", f);
    attr(f, name);
    fputs("\"", f);
    if (seconds >= 0) {
        fprintf(f, " time=\"%.3f\"", seconds);
        j->seconds += seconds;
    }
    fputs(">\n", f);
    if (!strcmp(kind, "failure") || !strcmp(kind, "error")) {
        j->failures += kind[0] == 'f';
        j->errors += kind[0] == 'e';
        fprintf(f, "      <%s type=\"", kind);
        attr(f, type);
        fputs("\" message=\"", f);
        attr(f, message);
        fputs("\">", f);
        if (text)
            cdata(f, text);
        fprintf(f, "</%s>\n", kind);
    } else if (!strcmp(kind, "skipped")) {
        j->skipped++;
        fputs("      <skipped message=\"", f);
        attr(f, message);
        fputs("\"/>\n", f);
    }
    if (out) {
        fputs("      <system-out>", f);
        cdata(f, out);
        fputs("</system-out>\n", f);
    }
    fputs("    </testcase>\n", f);
}

/* Print the whole document for suite `suite` to out (with a time attribute unless no_time) and free j. */
void weft__junit_finish(weft__junit *j, const char *suite, bool no_time, FILE *out)
{
    fclose(j->f);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"", out);
    attr(out, suite);
    fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"", j->tests, j->failures, j->errors,
            j->skipped);
    if (!no_time)
        fprintf(out, " time=\"%.3f\"", j->seconds);
    fputs(">\n", out);
    fwrite(j->buf, 1, j->len, out);
    fputs("  </testsuite>\n</testsuites>\n", out);
    free(j->buf);
    free(j);
}
