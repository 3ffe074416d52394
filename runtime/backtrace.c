/* backtrace.c: the call stacks of parked, failed and crashed tasks: libunwind walks them, libdw names each frame. */
#define _GNU_SOURCE
#include "backtrace.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

/* Unwinding is built for x86-64, where a parked task's registers are known (ctx_x86_64.S, or the ucontext
 * fallback), and when CMake found libunwind and libdw (WEFT_BACKTRACE). Elsewhere (aarch64) reports show no
 * stacks. */
#if defined(WEFT_BACKTRACE) && defined(__x86_64__)
#define UNWINDS 1
#endif

#ifdef UNWINDS
#define UNW_LOCAL_ONLY
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <libunwind.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK 1
#endif
#endif

/* The most physical frames walked: a deep recursion is cut, not walked to its end. */
#define MAX_WALK 256

static struct {
    ucontext_t uc;      /* the signal context of the crashed task */
    int task;           /* its id, or -1 */
    uint32_t gen;       /* the execution it crashed in */
} sig = {.task = -1};

static sigjmp_buf guard;            /* where a fault while reading a stack lands */
static volatile sig_atomic_t guarded; /* weft__backtrace is reading a stack */

/* The program's modules and their debug information, read at the first report and kept. */
static Dwfl *dwfl;

/* weft's own code: the compilation units whose name is root + "runtime/..." or root + "checker/..." and whose
 * compilation directory is comp_dir (the anchor: this file's unit). */
static struct {
    bool known;
    const char *root;
    size_t rootlen;
    const char *comp_dir;
} self;

/* Separate debug files are not looked for: the program's own code carries its DWARF (-g), and system
 * libraries, whose frames are never shown, are never asked (no debuginfod server, no network). */
static int no_debuginfo(Dwfl_Module *m, void **user, const char *name, Dwarf_Addr base, const char *file,
                        const char *debuglink, GElf_Word crc, char **path)
{
    (void)m, (void)user, (void)name, (void)base, (void)file, (void)debuglink, (void)crc;
    *path = NULL;
    return -1;
}

static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = no_debuginfo,
};

/* What look_up found at recent code addresses: a report's tasks stand at a few call sites (every philosopher
 * blocked at one line), and libdw's look-ups were most of a report's cost. Direct-mapped by address; the
 * strings are libdw's, kept as long as dwfl is. */
#define SYM_CACHE 256
static struct sym_cached {
    Dwarf_Addr pc;          /* 0: empty */
    int what;
    weft__stack_trace t;    /* the frames of pc alone */
} sym_cache[SYM_CACHE];

/* At exit: give the debug information back (leak checkers see a clean exit). */
static void release(void)
{
    dwfl_end(dwfl);
    dwfl = NULL;
    self.known = false; /* its strings were the debug information's, and so were the cache's */
    memset(sym_cache, 0, sizeof sym_cache);
}

/* Read the process's modules from /proc/self/maps (once: code loaded later is not named). */
static bool report_modules(void)
{
    if (!dwfl) {
        if (!(dwfl = dwfl_begin(&callbacks)))
            return false;
        atexit(release);
    }
    dwfl_report_begin(dwfl);
    int r = dwfl_linux_proc_report(dwfl, getpid());
    dwfl_report_end(dwfl, NULL, NULL);
    return r == 0;
}

static const char *attr_string(Dwarf_Die *die, unsigned name)
{
    Dwarf_Attribute a;
    return dwarf_formstring(dwarf_attr_integrate(die, name, &a));
}

/* Where the code of weft__task_entry lies, [lo, hi): a walk stops there (hi == 0: not known, and
 * unw_get_proc_info is asked at each frame instead: it searches every module's unwind tables with all signals
 * blocked, two system calls a frame; a report of 10,000 leaked tasks spent most of its second there). */
static uintptr_t entry_lo, entry_hi;

/* Learn where weft's own units are, from this file's, and where a task's first frame is. */
static void learn_self(void)
{
    unw_proc_info_t pi; /* one look-up, here, instead of one a frame */
    if (unw_get_proc_info_by_ip(unw_local_addr_space, (unw_word_t)(uintptr_t)weft__task_entry, &pi, NULL) == 0 &&
        pi.start_ip == (unw_word_t)(uintptr_t)weft__task_entry && pi.end_ip > pi.start_ip) {
        entry_lo = (uintptr_t)pi.start_ip;
        entry_hi = (uintptr_t)pi.end_ip;
    }
    static const char me[] = "runtime/backtrace.c";
    Dwarf_Addr pc = (Dwarf_Addr)(uintptr_t)&weft__backtrace, bias;
    Dwfl_Module *m = dwfl_addrmodule(dwfl, pc);
    Dwarf_Die *cu = m ? dwfl_module_addrdie(m, pc, &bias) : NULL;
    const char *name = cu ? dwarf_diename(cu) : NULL;
    if (!name)
        return;
    size_t n = strlen(name);
    if (n < sizeof me - 1 || strcmp(name + n - (sizeof me - 1), me) != 0)
        return;
    self.root = name;
    self.rootlen = n - (sizeof me - 1);
    self.comp_dir = attr_string(cu, DW_AT_comp_dir);
    self.known = true;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether compilation unit cu is one of weft's own source files. */
static bool weft_unit(Dwarf_Die *cu)
{
    const char *name = dwarf_diename(cu);
    if (!self.known || !name || strncmp(name, self.root, self.rootlen) != 0 ||
        !same(attr_string(cu, DW_AT_comp_dir), self.comp_dir))
        return false;
    const char *rest = name + self.rootlen;
    return (strncmp(rest, "runtime/", 8) == 0 || strncmp(rest, "checker/", 8) == 0) && !strchr(rest + 8, '/');
}

/* A system library (libc, libffi, libunwind...): its frames are not the program's. */
static bool system_module(Dwfl_Module *m)
{
    const char *file = NULL;
    dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, &file, NULL);
    if (!file)
        return true; /* the vDSO */
    static const char *const dirs[] = {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (strncmp(file, dirs[i], strlen(dirs[i])) == 0)
            return true;
    return false;
}

/* A file name as the compiler was given it: relative names come back joined to the compilation directory. */
static const char *source_name(const char *file, const char *comp_dir)
{
    size_t n = comp_dir ? strlen(comp_dir) : 0;
    if (file && n && strncmp(file, comp_dir, n) == 0 && file[n] == '/')
        return file + n + 1;
    return file;
}

/* What symbolize found at one address. */
enum { SYM_NONE, SYM_WEFT, SYM_USER };

/* Add the program's frames at code address pc to out (an inlined call gives several, innermost first): SYM_USER;
 * SYM_WEFT for weft's own code, SYM_NONE for code without line information or of a system library. */
static int look_up(Dwarf_Addr pc, weft__stack_trace *out)
{
    /* the modules are those mapped at the first report: reading them again on a miss is no help for a garbage
     * address (a stack the program overwrote), and would cost the modules read so far */
    Dwfl_Module *m = dwfl_addrmodule(dwfl, pc);
    if (!m || system_module(m))
        return SYM_NONE;
    Dwarf_Addr bias;
    Dwarf_Die *cu = dwfl_module_addrdie(m, pc, &bias);
    if (!cu)
        return SYM_NONE; /* no debug information: nothing to show */
    if (weft_unit(cu))
        return SYM_WEFT;
    Dwfl_Line *l = dwfl_module_getsrc(m, pc);
    int line = 0;
    const char *file = l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;
    const char *comp_dir = attr_string(cu, DW_AT_comp_dir);
    if (!file)
        return SYM_NONE;
    file = source_name(file, comp_dir);
    Dwarf_Die *scopes = NULL;
    int ns = dwarf_getscopes(cu, pc - bias, &scopes);
    Dwarf_Files *files = NULL;
    size_t nfiles = 0;
    bool emitted = false;
    for (int i = 0; i < ns && out->n <= WEFT__STACK_DEPTH; i++) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
            continue;
        if (out->n == WEFT__STACK_DEPTH) {
            out->more = true;
            break;
        }
        const char *name = attr_string(&scopes[i], DW_AT_name);
        out->frame[out->n++] = (weft__frame){name ? name : "?", file, line};
        emitted = true;
        if (tag == DW_TAG_subprogram)
            break;
        /* the next frame out is the inlined call's site */
        Dwarf_Attribute a;
        Dwarf_Word fidx = 0, cline = 0;
        if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &a), &fidx) != 0 ||
            dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &a), &cline) != 0 ||
            (!files && dwarf_getsrcfiles(cu, &files, &nfiles) != 0) || fidx >= nfiles)
            break;
        file = source_name(dwarf_filesrc(files, fidx, NULL, NULL), comp_dir);
        line = (int)cline;
        /* the scopes around the inlined call where it was made (past it, dwarf_getscopes gave those of the
         * inlined function's own definition) */
        Dwarf_Die *outer = NULL;
        int no = file ? dwarf_getscopes_die(&scopes[i], &outer) : -1;
        free(scopes);
        scopes = outer;
        ns = no;
        i = 0; /* outer[0] is the inlined call itself: the loop goes on from outer[1] */
    }
    free(scopes);
    if (!emitted && out->n < WEFT__STACK_DEPTH) { /* a unit without scopes: its symbol's name */
        const char *name = dwfl_module_addrname(m, pc);
        out->frame[out->n++] = (weft__frame){name ? name : "?", file, line};
    } else if (!emitted) {
        out->more = true;
    }
    return SYM_USER;
}

/* look_up, through the cache: the same frames, and out->more as look_up would set it. */
static int symbolize(Dwarf_Addr pc, weft__stack_trace *out)
{
    struct sym_cached *c = &sym_cache[(uint64_t)pc * 0x9E3779B97F4A7C15ull >> 56];
    if (c->pc != pc || pc == 0) {
        memset(&c->t, 0, sizeof c->t);
        c->what = look_up(pc, &c->t);
        c->pc = pc;
    }
    for (int i = 0; i < c->t.n; i++) {
        if (out->n == WEFT__STACK_DEPTH) {
            out->more = true;
            return c->what;
        }
        out->frame[out->n++] = c->t.frame[i];
    }
    if (c->t.more)
        out->more = true;
    return c->what;
}

/* Task t's stack (its guard region included) as [*lo, *hi), if it holds address sp; else false. */
static bool stack_bounds(const weft__task *t, uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
    const weft__stack *s = t->stack;
    if (!s)
        return false;
    uintptr_t base = (uintptr_t)s->base, top = (uintptr_t)s->lo + s->size;
    if (sp < base || sp > top)
        return false;
    *lo = base;
    *hi = top;
    return true;
}

/* Walk the stack from cursor c and keep the program's frames; first_exact: the first frame's address is the
 * faulting instruction (a signal context), not a return address. */
static void walk(const weft__task *t, unw_cursor_t *c, bool first_exact, weft__stack_trace *out)
{
    unw_word_t ip = 0, sp = 0;
    uintptr_t lo = 0, hi = 0;
    unw_get_reg(c, UNW_REG_SP, &sp);
    bool bounded = stack_bounds(t, (uintptr_t)sp, &lo, &hi);
#ifdef HAVE_MEMCHECK
    /* libunwind probes a page it is unsure of by writing the page's first byte to a pipe; on a task stack that
     * byte may never have been written, and valgrind would call the probe an error (the stack's next user gets
     * its frames marked undefined again as it grows them) */
    if (bounded)
        VALGRIND_MAKE_MEM_DEFINED_IF_ADDRESSABLE((void *)lo, hi - lo);
#endif
    bool exact = first_exact, shown = false;
    for (int k = 0; k < MAX_WALK && !out->more; k++) {
        if (unw_get_reg(c, UNW_REG_IP, &ip) != 0 || unw_get_reg(c, UNW_REG_SP, &sp) != 0 || ip == 0)
            break;
        if (bounded && ((uintptr_t)sp < lo || (uintptr_t)sp > hi))
            break; /* left the task's stack: a corrupted frame */
        int n0 = out->n;
        uintptr_t pc = exact ? ip : ip - 1;
        int what = symbolize(pc, out);
        if (what == SYM_USER && !shown && out->n > n0) {
            out->fault_exact = exact && first_exact && k == 0;
            shown = true;
        }
        unw_proc_info_t pi;
        if (entry_hi ? pc >= entry_lo && pc < entry_hi
                     : unw_get_proc_info(c, &pi) == 0 && pi.start_ip == (unw_word_t)(uintptr_t)weft__task_entry)
            break; /* the task's first frame: what lies beyond (the context switch's start) is not a caller */
        exact = unw_is_signal_frame(c) > 0; /* the next frame was interrupted, not calling */
        if (unw_step(c) <= 0)
            break;
    }
}

/* Public to weft: see backtrace.h. */
bool weft__backtrace(const weft__task *t, weft__stack_trace *out)
{
    const weft__rt *R = &weft__R;
    memset(out, 0, sizeof *out);
    bool from_signal = sig.task == t->id && sig.gen == R->gen && R->end.verdict == WEFT_CRASH &&
                       R->end.task == t->id;
    if (t->state == WEFT__T_NEW || t->state == WEFT__T_DONE)
        return false;
    if (R->end.verdict == WEFT_CRASH && R->end.task == t->id && weft__deadline_hang_ms() > 0)
        return false; /* stopped as hung: where the time limit's timer interrupted it is chance, not the program */
    if (from_signal && strstr(R->end.msg, "stack overflow"))
        return false; /* the frames ran past the stack: what lies there is not a call chain */
    if (!dwfl) {
        if (!report_modules())
            return false;
        learn_self();
    }
    static ucontext_t uc; /* static: the jump back from a fault must not find it in a clobbered frame */
    unw_cursor_t c;
    if (from_signal) {
        uc = sig.uc;
    } else {
#if defined(WEFT_CTX_UCONTEXT)
        uc = t->ctx.uc;
#else
        /* the frame ctx_x86_64.S leaves at the saved sp: mxcsr|fpucw, r15, r14, r13, r12, rbx, rbp, return
         * address; after its ret, rsp is 8 bytes above the return address */
        const uint64_t *sp = t->ctx.sp;
        memset(&uc, 0, sizeof uc);
        uc.uc_mcontext.gregs[REG_R15] = (greg_t)sp[1];
        uc.uc_mcontext.gregs[REG_R14] = (greg_t)sp[2];
        uc.uc_mcontext.gregs[REG_R13] = (greg_t)sp[3];
        uc.uc_mcontext.gregs[REG_R12] = (greg_t)sp[4];
        uc.uc_mcontext.gregs[REG_RBX] = (greg_t)sp[5];
        uc.uc_mcontext.gregs[REG_RBP] = (greg_t)sp[6];
        uc.uc_mcontext.gregs[REG_RIP] = (greg_t)sp[7];
        uc.uc_mcontext.gregs[REG_RSP] = (greg_t)(uintptr_t)(sp + 8);
#endif
    }
    if (sigsetjmp(guard, 0) == 0) {
        guarded = 1;
        int r = from_signal ? unw_init_local2(&c, (unw_context_t *)&uc, UNW_INIT_SIGNAL_FRAME)
                            : unw_init_local(&c, (unw_context_t *)&uc);
        if (r == 0)
            walk(t, &c, from_signal, out);
    }
    guarded = 0;
    return out->n > 0;
}

/* Public to weft: see backtrace.h. */
void weft__backtrace_signal(int task, const void *uctx)
{
    memcpy(&sig.uc, uctx, sizeof sig.uc);
    sig.task = task;
    sig.gen = weft__R.gen;
}

/* Public to weft: see backtrace.h. */
bool weft__backtrace_fault(int s)
{
    if (!guarded || (s != SIGSEGV && s != SIGBUS))
        return false;
    guarded = 0;
    siglongjmp(guard, 1);
}

#else /* no unwinding here: reports show no stacks */

/* Public to weft: see backtrace.h. */
bool weft__backtrace(const weft__task *t, weft__stack_trace *out)
{
    (void)t;
    memset(out, 0, sizeof *out);
    return false;
}

/* Public to weft: see backtrace.h. */
void weft__backtrace_signal(int task, const void *uctx)
{
    (void)task, (void)uctx;
}

/* Public to weft: see backtrace.h. */
bool weft__backtrace_fault(int sig)
{
    (void)sig;
    return false;
}

#endif
