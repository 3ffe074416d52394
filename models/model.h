/* model.h: how a catalogue model declares itself: metadata the `weft` tool reads, and its body. */
#ifndef WEFT_MODEL_H
#define WEFT_MODEL_H

#include <weft.h>

/* One model of the catalogue. Invariant: name is unique across the catalogue. */
typedef struct weft_model {
    const char *name;        /* identifier, e.g. send_no_receiver_leaky */
    const char *category;    /* e.g. "channels", "locks", "goker" */
    weft_verdict expect;     /* the verdict weft must find (WEFT_OK for a fixed variant) */
    const char *summary;     /* one line */
    const char *pattern;     /* the pattern in plain words: what goes wrong, or what the fix guards against */
    const char *fix;         /* the fix in plain words (for a leaky model: how to fix it; fixed: what it does) */
    const char *pair;        /* the name of the leaky/fixed counterpart, or NULL */
    double budget;           /* seconds: stop the search after this long unless a limit is given (0: none);
                              * for fixed variants too large for exhaustive DFS until partial-order reduction */
    void (*body)(void *);
    const char *file;
    int line;
    struct weft_model *next; /* registry link */
} weft_model;

/* Add m to the catalogue (WEFT_MODEL does it before main). */
void weft_model_register(weft_model *m);

/* WEFT_MODEL(ident, .category = ..., .expect = ..., .summary = ..., ...) { body } */
#define WEFT_MODEL(ident, ...)                                                                    \
    static void ident##_body(void *arg);                                                          \
    static weft_model ident##_model = {.name = #ident, .body = ident##_body, .file = __FILE__,    \
                                       .line = __LINE__, __VA_ARGS__};                            \
    WEFT__CTOR static void ident##_register(void) { weft_model_register(&ident##_model); }      \
    static void ident##_body(void *arg WEFT__UNUSED)

#endif
