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
    weft__arg args[8];
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        args[i] = va_arg(ap, weft__arg);
        if (args[i].type < WEFT__ARG_I64 || args[i].type > WEFT__ARG_PTR)
            weft__usage("WEFT_GO", file, line, "argument %d has no type tag (use WEFT_GO, not weft_go_ffi_at)", i + 1);
    }
    va_end(ap);
    weft__task *t = weft__spawn(name, file, line);
    t->ffi_fn = fn;
    t->nargs = nargs;
    for (int i = 0; i < nargs; i++)
        t->args[i] = args[i];
}

/* Run a WEFT_GO task's function on its own stack. */
void weft__ffi_run(weft__task *t) WEFT__HIDDEN;
void weft__ffi_run(weft__task *t)
{
    ffi_cif cif;
    ffi_type *types[8];
    void *values[8];
    for (int i = 0; i < t->nargs; i++) {
        weft__arg *a = &t->args[i];
        switch (a->type) {
        case WEFT__ARG_I64:
            types[i] = &ffi_type_sint64;
            values[i] = &a->v.i;
            break;
        case WEFT__ARG_U64:
            types[i] = &ffi_type_uint64;
            values[i] = &a->v.u;
            break;
        case WEFT__ARG_FLOAT:
            types[i] = &ffi_type_float;
            values[i] = &a->v.f;
            break;
        case WEFT__ARG_DOUBLE:
            types[i] = &ffi_type_double;
            values[i] = &a->v.d;
            break;
        case WEFT__ARG_LDOUBLE:
            types[i] = &ffi_type_longdouble;
            values[i] = &a->v.ld;
            break;
        default:
            types[i] = &ffi_type_pointer;
            values[i] = (void *)&a->v.p;
            break;
        }
    }
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)t->nargs, &ffi_type_void, types) != FFI_OK) {
        fprintf(stderr, "weft: libffi cannot prepare a call of %d arguments\n", t->nargs);
        abort();
    }
    ffi_call(&cif, t->ffi_fn, NULL, t->nargs ? values : NULL);
}
