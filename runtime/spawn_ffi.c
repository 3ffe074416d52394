/* spawn_ffi.c: WEFT_GO: spawn a function of 0 to 8 typed arguments, called through libffi. */
#include <ffi.h>
#include <stdarg.h>
#include <stdlib.h>

#include "rt.h"

/* Public: spawn fn with the nargs weft__arg values that follow; they are copied now. */
void weft_go_ffi_at(void (*fn)(void), const char *name, const char *file, int line, const char *func, int nargs,
                    ...)
{
    (void)func;
    weft__require("WEFT_GO", file, line);
    if (!fn)
        weft__usage("WEFT_GO", file, line, "NULL function");
    if (nargs < 0 || nargs > 8)
        weft__usage("WEFT_GO", file, line, "%d arguments (at most 8)", nargs);
    va_list ap, again;
    va_start(ap, nargs);
    va_copy(again, ap);
    for (int i = 0; i < nargs; i++) {
        int type = va_arg(ap, weft__arg).type;
        if (type < WEFT__ARG_I64 || type > WEFT__ARG_PTR)
            weft__usage("WEFT_GO", file, line, "argument %d has no type tag (use WEFT_GO, not weft_go_ffi_at)", i + 1);
    }
    va_end(ap);
    weft__task *t = weft__spawn(name, file, line);
    t->ffi_fn = fn;
    t->nargs = nargs;
    for (int i = 0; i < nargs; i++) /* copied once, straight into the task */
        t->args[i] = va_arg(again, weft__arg);
    va_end(again);
}

/* Prepared call descriptions, one per signature met (argument count and types): preparing one costs more than
 * the call, and a check spawns the same few functions in every execution. Looked up by signature, never by
 * address; when the table is full the last entry is prepared again for each new signature. */
#define CIF_CACHE 16
static struct cif_entry {
    unsigned sig;          /* 1 + nargs, then 3 bits a type: 0 for a free entry */
    ffi_cif cif;
    ffi_type *types[8];
} cifs[CIF_CACHE];

static ffi_type *ffi_type_of(int type)
{
    switch (type) {
    case WEFT__ARG_I64:
        return &ffi_type_sint64;
    case WEFT__ARG_U64:
        return &ffi_type_uint64;
    case WEFT__ARG_FLOAT:
        return &ffi_type_float;
    case WEFT__ARG_DOUBLE:
        return &ffi_type_double;
    case WEFT__ARG_LDOUBLE:
        return &ffi_type_longdouble;
    default:
        return &ffi_type_pointer;
    }
}

/* The prepared description of a call with t's arguments. */
static ffi_cif *cif_for(const weft__task *t)
{
    unsigned sig = 1u + (unsigned)t->nargs;
    for (int i = 0; i < t->nargs; i++)
        sig = sig << 3 | (unsigned)(t->args[i].type - WEFT__ARG_I64);
    int k = 0;
    while (k < CIF_CACHE - 1 && cifs[k].sig && cifs[k].sig != sig)
        k++;
    struct cif_entry *e = &cifs[k];
    if (e->sig == sig)
        return &e->cif;
    for (int i = 0; i < t->nargs; i++)
        e->types[i] = ffi_type_of(t->args[i].type);
    if (ffi_prep_cif(&e->cif, FFI_DEFAULT_ABI, (unsigned)t->nargs, &ffi_type_void, e->types) != FFI_OK) {
        fprintf(stderr, "weft: libffi cannot prepare a call of %d arguments\n", t->nargs);
        abort();
    }
    e->sig = sig;
    return &e->cif;
}

/* Run a WEFT_GO task's function on its own stack. */
void weft__ffi_run(weft__task *t)
{
    void *values[8];
    for (int i = 0; i < t->nargs; i++) {
        weft__arg *a = &t->args[i];
        switch (a->type) {
        case WEFT__ARG_I64:
            values[i] = &a->v.i;
            break;
        case WEFT__ARG_U64:
            values[i] = &a->v.u;
            break;
        case WEFT__ARG_FLOAT:
            values[i] = &a->v.f;
            break;
        case WEFT__ARG_DOUBLE:
            values[i] = &a->v.d;
            break;
        case WEFT__ARG_LDOUBLE:
            values[i] = &a->v.ld;
            break;
        default:
            values[i] = (void *)&a->v.p;
            break;
        }
    }
    ffi_call(cif_for(t), t->ffi_fn, NULL, t->nargs ? values : NULL);
}
