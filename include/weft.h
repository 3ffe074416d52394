/* weft.h: the one public header of weft, a deterministic concurrency model checker for C. */
#ifndef WEFT_H
#define WEFT_H

/*
 * The contract is docs/api.md in weft's source tree. In short: a test body runs as task 0 and
 * uses Go-style primitives (tasks, channels, select, mutexes, RWMutex,
 * WaitGroup, Once, Cond, virtual time, contexts). Every primitive call is a
 * macro that records its call site and calls the matching `*_at` function.
 * weft runs the body once per interleaving and reports deadlocks, leaked
 * tasks, panics, failed assertions, livelocks and crashes.
 *
 * Where C forces a difference from Go:
 * - WEFT_GO passes each argument with the type of its expression: integers
 *   are widened to 64 bits (so any integer parameter receives the right
 *   value), `float` stays `float`, pointers stay pointers. Cast a float
 *   argument to double when the parameter is a double.
 * - Objects belong to the execution that made them and are released when it
 *   ends; there is no free. A handle kept from any earlier execution is
 *   refused (usage error), never taken for a new object.
 * - Timer, ticker and weft_after channels carry int64_t (the fire time):
 *   receive into an int64_t, never an int (8 bytes are copied).
 * - recover is weft_try: the frames a panic leaves are abandoned without
 *   running C cleanup code (there is no defer).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Version (the CMake project's version; tests/test_cli.c checks that they agree) ---- */
#define WEFT_VERSION_MAJOR 0
#define WEFT_VERSION_MINOR 1
#define WEFT_VERSION_PATCH 0
#define WEFT_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WEFT__PRINTF(a, b) __attribute__((format(printf, a, b)))
#define WEFT__NORETURN __attribute__((noreturn))
#define WEFT__UNUSED __attribute__((unused))
#define WEFT__CTOR __attribute__((constructor))
#else
#define WEFT__PRINTF(a, b)
#define WEFT__NORETURN
#define WEFT__UNUSED
#define WEFT__CTOR
#endif

/* The call site every macro records. */
#define WEFT__SITE __FILE__, __LINE__, __func__
#define WEFT__SITE_PARAMS const char *file, int line, const char *func

/* ---- Time units (virtual nanoseconds) ---------------------------------- */
#define WEFT_NS ((int64_t)1)
#define WEFT_US ((int64_t)1000)
#define WEFT_MS ((int64_t)1000000)
#define WEFT_SECOND ((int64_t)1000000000)
#define WEFT_MINUTE ((int64_t)60000000000)

/* ---- Opaque handles ---------------------------------------------------- */
typedef struct weft_chan weft_chan;
typedef struct weft_mutex weft_mutex;
typedef struct weft_rwmutex weft_rwmutex;
typedef struct weft_wg weft_wg;
typedef struct weft_once weft_once;
typedef struct weft_cond weft_cond;
typedef struct weft_timer weft_timer;
typedef struct weft_ticker weft_ticker;
typedef struct weft_ctx weft_ctx;

/* ---- Tasks ------------------------------------------------------------- */

/* Spawn a task running fn(arg); its name in reports is the text of `fn`. */
void weft_go_at(void (*fn)(void *), void *arg, const char *name, WEFT__SITE_PARAMS);
#define weft_go(fn, arg) weft_go_at((fn), (arg), #fn, WEFT__SITE)

/* One argument of WEFT_GO, tagged with its type (internal). */
typedef struct weft__arg {
    int type; /* WEFT__ARG_*: which member below holds the value */
    struct {
        long long i;
        unsigned long long u;
        float f;
        double d;
        const volatile void *p;
        long double ld;
    } v;
} weft__arg;
enum { WEFT__ARG_I64 = 1, WEFT__ARG_U64, WEFT__ARG_FLOAT, WEFT__ARG_DOUBLE, WEFT__ARG_LDOUBLE, WEFT__ARG_PTR };

/* Spawn fn(args...) through libffi; `nargs` weft__arg values follow. */
void weft_go_ffi_at(void (*fn)(void), const char *name, WEFT__SITE_PARAMS, int nargs, ...);

#ifdef __cplusplus
} /* the overloads below cannot have C linkage */
static inline weft__arg weft__mkarg(long long x) { weft__arg a; a.type = WEFT__ARG_I64; a.v.i = x; return a; }
static inline weft__arg weft__mkarg(int x) { return weft__mkarg((long long)x); }
static inline weft__arg weft__mkarg(long x) { return weft__mkarg((long long)x); }
static inline weft__arg weft__mkarg(short x) { return weft__mkarg((long long)x); }
static inline weft__arg weft__mkarg(signed char x) { return weft__mkarg((long long)x); }
static inline weft__arg weft__mkarg(char x) { return weft__mkarg((long long)x); }
static inline weft__arg weft__mkarg(unsigned long long x) { weft__arg a; a.type = WEFT__ARG_U64; a.v.u = x; return a; }
static inline weft__arg weft__mkarg(unsigned x) { return weft__mkarg((unsigned long long)x); }
static inline weft__arg weft__mkarg(unsigned long x) { return weft__mkarg((unsigned long long)x); }
static inline weft__arg weft__mkarg(unsigned short x) { return weft__mkarg((unsigned long long)x); }
static inline weft__arg weft__mkarg(unsigned char x) { return weft__mkarg((unsigned long long)x); }
static inline weft__arg weft__mkarg(bool x) { return weft__mkarg((unsigned long long)x); }
static inline weft__arg weft__mkarg(float x) { weft__arg a; a.type = WEFT__ARG_FLOAT; a.v.f = x; return a; }
static inline weft__arg weft__mkarg(double x) { weft__arg a; a.type = WEFT__ARG_DOUBLE; a.v.d = x; return a; }
static inline weft__arg weft__mkarg(long double x) { weft__arg a; a.type = WEFT__ARG_LDOUBLE; a.v.ld = x; return a; }
static inline weft__arg weft__mkarg(const volatile void *x) { weft__arg a; a.type = WEFT__ARG_PTR; a.v.p = x; return a; }
#define WEFT__ARG(x) weft__mkarg(x)
extern "C" {
#else
static inline weft__arg weft__arg_i(long long x) { weft__arg a; a.type = WEFT__ARG_I64; a.v.i = x; return a; }
static inline weft__arg weft__arg_u(unsigned long long x) { weft__arg a; a.type = WEFT__ARG_U64; a.v.u = x; return a; }
static inline weft__arg weft__arg_c(char x) { return ((char)-1 < 0) ? weft__arg_i(x) : weft__arg_u((unsigned char)x); }
static inline weft__arg weft__arg_f(float x) { weft__arg a; a.type = WEFT__ARG_FLOAT; a.v.f = x; return a; }
static inline weft__arg weft__arg_d(double x) { weft__arg a; a.type = WEFT__ARG_DOUBLE; a.v.d = x; return a; }
static inline weft__arg weft__arg_ld(long double x) { weft__arg a; a.type = WEFT__ARG_LDOUBLE; a.v.ld = x; return a; }
static inline weft__arg weft__arg_p(const volatile void *x) { weft__arg a; a.type = WEFT__ARG_PTR; a.v.p = x; return a; }
#define WEFT__ARG(x) _Generic((x), \
    _Bool: weft__arg_u, char: weft__arg_c, signed char: weft__arg_i, unsigned char: weft__arg_u, \
    short: weft__arg_i, unsigned short: weft__arg_u, int: weft__arg_i, unsigned int: weft__arg_u, \
    long: weft__arg_i, unsigned long: weft__arg_u, long long: weft__arg_i, unsigned long long: weft__arg_u, \
    float: weft__arg_f, double: weft__arg_d, long double: weft__arg_ld, default: weft__arg_p)(x)
#endif

#define WEFT__NARG(...) WEFT__NARG_(__VA_ARGS__, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define WEFT__NARG_(_1, _2, _3, _4, _5, _6, _7, _8, _9, N, ...) N
#define WEFT__CAT(a, b) WEFT__CAT_(a, b)
#define WEFT__CAT_(a, b) a##b
#define WEFT__GO_CALL(f, n, ...) weft_go_ffi_at((void (*)(void))(f), #f, WEFT__SITE, n, __VA_ARGS__)
#define WEFT__GO_1(f) weft_go_ffi_at((void (*)(void))(f), #f, WEFT__SITE, 0)
#define WEFT__GO_2(f, a) WEFT__GO_CALL(f, 1, WEFT__ARG(a))
#define WEFT__GO_3(f, a, b) WEFT__GO_CALL(f, 2, WEFT__ARG(a), WEFT__ARG(b))
#define WEFT__GO_4(f, a, b, c) WEFT__GO_CALL(f, 3, WEFT__ARG(a), WEFT__ARG(b), WEFT__ARG(c))
#define WEFT__GO_5(f, a, b, c, d) WEFT__GO_CALL(f, 4, WEFT__ARG(a), WEFT__ARG(b), WEFT__ARG(c), WEFT__ARG(d))
#define WEFT__GO_6(f, a, b, c, d, e) \
    WEFT__GO_CALL(f, 5, WEFT__ARG(a), WEFT__ARG(b), WEFT__ARG(c), WEFT__ARG(d), WEFT__ARG(e))
#define WEFT__GO_7(f, a, b, c, d, e, g) \
    WEFT__GO_CALL(f, 6, WEFT__ARG(a), WEFT__ARG(b), WEFT__ARG(c), WEFT__ARG(d), WEFT__ARG(e), WEFT__ARG(g))
#define WEFT__GO_8(f, a, b, c, d, e, g, h)                                                                 \
    WEFT__GO_CALL(f, 7, WEFT__ARG(a), WEFT__ARG(b), WEFT__ARG(c), WEFT__ARG(d), WEFT__ARG(e), WEFT__ARG(g), \
                  WEFT__ARG(h))
#define WEFT__GO_9(f, a, b, c, d, e, g, h, i)                                                              \
    WEFT__GO_CALL(f, 8, WEFT__ARG(a), WEFT__ARG(b), WEFT__ARG(c), WEFT__ARG(d), WEFT__ARG(e), WEFT__ARG(g), \
                  WEFT__ARG(h), WEFT__ARG(i))
/* Spawn fn(a1, ..., aN), 0 <= N <= 8; the arguments are evaluated and copied now, as Go's `go f(x, y)`. */
#define WEFT_GO(...) WEFT__CAT(WEFT__GO_, WEFT__NARG(__VA_ARGS__))(__VA_ARGS__)

void weft_yield_at(WEFT__SITE_PARAMS);
#define weft_yield() weft_yield_at(WEFT__SITE)
void weft_touch_at(const void *addr, WEFT__SITE_PARAMS);
#define weft_touch(addr) weft_touch_at((addr), WEFT__SITE)
/* The calls below without a site parameter also exist as functions; their macros add the call site so that a
 * misuse is reported with its line. */
int weft_task_id(void);
int weft_task_id_at(WEFT__SITE_PARAMS);
#define weft_task_id() weft_task_id_at(WEFT__SITE)
void weft_name(const void *obj, const char *name);
void weft_name_at(const void *obj, const char *name, WEFT__SITE_PARAMS);
#define weft_name(obj, name) weft_name_at((obj), (name), WEFT__SITE)
int weft_choose_at(int n, WEFT__SITE_PARAMS);
#define weft_choose(n) weft_choose_at((n), WEFT__SITE)
void *weft_alloc(size_t n);
void *weft_alloc_at(size_t n, WEFT__SITE_PARAMS);
#define weft_alloc(n) weft_alloc_at((n), WEFT__SITE)
void weft_assert_at(int ok, const char *expr, WEFT__SITE_PARAMS);
#define weft_assert(cond) weft_assert_at(!!(cond), #cond, WEFT__SITE)
/* weft_assertf(cond, fmt, ...): as weft_assert, and the report also gives the formatted message (the values
 * involved): "assertion failed: sum == 6: sum is 5". */
void weft_assertf_at(int ok, const char *expr, const char *file, int line, const char *func, const char *fmt, ...)
    WEFT__PRINTF(6, 7);
#define weft_assertf(cond, ...) weft_assertf_at(!!(cond), #cond, WEFT__SITE, __VA_ARGS__)
WEFT__NORETURN void weft_panic_at(const char *file, int line, const char *func, const char *fmt, ...)
    WEFT__PRINTF(4, 5);
#define weft_panic(...) weft_panic_at(WEFT__SITE, __VA_ARGS__)
/* Go's recover: run fn(arg) in the calling task. Returns true when fn returned; false when it panicked (a
 * weft_panic or one of Go's runtime panics: send on closed channel, unlock of unlocked mutex, ...), with the
 * panic message copied into msg (at most msglen bytes, NUL-terminated; msg may be NULL): the panic no longer
 * ends the execution and the task goes on after weft_try. It is not a scheduling point.
 * - Only WEFT_PANIC is recovered: a failed assertion, a deadlock, a crash or a usage error still end it.
 * - What fn did before it panicked stays done, as in Go: a mutex it locked stays locked, a task it spawned
 *   runs on, and a weft_once_do whose function panicked is done (later calls do not run their function).
 * - A panic is recovered only by a weft_try of the task that raised it, the innermost one when they nest.
 * - fn's frames are abandoned with longjmp: C cleanup code in them does not run (there is no defer). */
bool weft_try_at(void (*fn)(void *), void *arg, char *msg, size_t msglen, WEFT__SITE_PARAMS);
#define weft_try(fn, arg, msg, msglen) weft_try_at((fn), (arg), (msg), (msglen), WEFT__SITE)

/* ---- Channels ---------------------------------------------------------- */
weft_chan *weft_chan_make_at(size_t elem_size, size_t cap, WEFT__SITE_PARAMS);
#define weft_chan_make(elem_size, cap) weft_chan_make_at((elem_size), (cap), WEFT__SITE)
void weft_chan_send_at(weft_chan *c, const void *elem, WEFT__SITE_PARAMS);
#define weft_chan_send(c, elem) weft_chan_send_at((c), (elem), WEFT__SITE)
bool weft_chan_recv_at(weft_chan *c, void *out, WEFT__SITE_PARAMS);
#define weft_chan_recv(c, out) weft_chan_recv_at((c), (out), WEFT__SITE)
void weft_chan_close_at(weft_chan *c, WEFT__SITE_PARAMS);
#define weft_chan_close(c) weft_chan_close_at((c), WEFT__SITE)
size_t weft_chan_len_at(weft_chan *c, WEFT__SITE_PARAMS);
#define weft_chan_len(c) weft_chan_len_at((c), WEFT__SITE)
size_t weft_chan_cap_at(weft_chan *c, WEFT__SITE_PARAMS);
#define weft_chan_cap(c) weft_chan_cap_at((c), WEFT__SITE)

/* ---- Select ------------------------------------------------------------ */
enum { WEFT__CASE_RECV = 1, WEFT__CASE_SEND = 2 };
/* One select case; build it with WEFT_RECV or WEFT_SEND. */
typedef struct weft_case {
    int dir;          /* WEFT__CASE_RECV or WEFT__CASE_SEND */
    weft_chan *chan;  /* NULL: never ready */
    void *out;        /* receive: where the value goes (may be NULL) */
    const void *in;   /* send: the value to copy */
    bool *ok;         /* receive: false once closed and drained (may be NULL) */
} weft_case;
#define WEFT_RECV(ch, out, okp) { WEFT__CASE_RECV, (ch), (out), NULL, (okp) }
#define WEFT_SEND(ch, in) { WEFT__CASE_SEND, (ch), NULL, (in), NULL }
#define WEFT_DEFAULT (-1)
int weft_select_at(weft_case *cases, int n, bool has_default, WEFT__SITE_PARAMS);
#define weft_select(cases, n) weft_select_at((cases), (n), false, WEFT__SITE)
#define weft_select_default(cases, n) weft_select_at((cases), (n), true, WEFT__SITE)

/* ---- Sync -------------------------------------------------------------- */
weft_mutex *weft_mutex_make_at(WEFT__SITE_PARAMS);
#define weft_mutex_make() weft_mutex_make_at(WEFT__SITE)
void weft_mutex_lock_at(weft_mutex *m, WEFT__SITE_PARAMS);
#define weft_mutex_lock(m) weft_mutex_lock_at((m), WEFT__SITE)
void weft_mutex_unlock_at(weft_mutex *m, WEFT__SITE_PARAMS);
#define weft_mutex_unlock(m) weft_mutex_unlock_at((m), WEFT__SITE)
bool weft_mutex_trylock_at(weft_mutex *m, WEFT__SITE_PARAMS);
#define weft_mutex_trylock(m) weft_mutex_trylock_at((m), WEFT__SITE)

weft_rwmutex *weft_rwmutex_make_at(WEFT__SITE_PARAMS);
#define weft_rwmutex_make() weft_rwmutex_make_at(WEFT__SITE)
void weft_rwmutex_lock_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_rwmutex_lock(m) weft_rwmutex_lock_at((m), WEFT__SITE)
void weft_rwmutex_unlock_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_rwmutex_unlock(m) weft_rwmutex_unlock_at((m), WEFT__SITE)
void weft_rwmutex_rlock_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_rwmutex_rlock(m) weft_rwmutex_rlock_at((m), WEFT__SITE)
void weft_rwmutex_runlock_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_rwmutex_runlock(m) weft_rwmutex_runlock_at((m), WEFT__SITE)
bool weft_rwmutex_trylock_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_rwmutex_trylock(m) weft_rwmutex_trylock_at((m), WEFT__SITE)
bool weft_rwmutex_tryrlock_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_rwmutex_tryrlock(m) weft_rwmutex_tryrlock_at((m), WEFT__SITE)

weft_wg *weft_wg_make_at(WEFT__SITE_PARAMS);
#define weft_wg_make() weft_wg_make_at(WEFT__SITE)
void weft_wg_add_at(weft_wg *wg, int delta, WEFT__SITE_PARAMS);
#define weft_wg_add(wg, delta) weft_wg_add_at((wg), (delta), WEFT__SITE)
#define weft_wg_done(wg) weft_wg_add_at((wg), -1, WEFT__SITE)
void weft_wg_wait_at(weft_wg *wg, WEFT__SITE_PARAMS);
#define weft_wg_wait(wg) weft_wg_wait_at((wg), WEFT__SITE)

weft_once *weft_once_make_at(WEFT__SITE_PARAMS);
#define weft_once_make() weft_once_make_at(WEFT__SITE)
void weft_once_do_at(weft_once *o, void (*fn)(void *), void *arg, WEFT__SITE_PARAMS);
#define weft_once_do(o, fn, arg) weft_once_do_at((o), (fn), (arg), WEFT__SITE)

weft_cond *weft_cond_make_at(weft_mutex *m, WEFT__SITE_PARAMS);
#define weft_cond_make(m) weft_cond_make_at((m), WEFT__SITE)
weft_cond *weft_cond_make_rw_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_cond_make_rw(m) weft_cond_make_rw_at((m), WEFT__SITE)
weft_cond *weft_cond_make_rlocker_at(weft_rwmutex *m, WEFT__SITE_PARAMS);
#define weft_cond_make_rlocker(m) weft_cond_make_rlocker_at((m), WEFT__SITE)
void weft_cond_wait_at(weft_cond *c, WEFT__SITE_PARAMS);
#define weft_cond_wait(c) weft_cond_wait_at((c), WEFT__SITE)
void weft_cond_signal_at(weft_cond *c, WEFT__SITE_PARAMS);
#define weft_cond_signal(c) weft_cond_signal_at((c), WEFT__SITE)
void weft_cond_broadcast_at(weft_cond *c, WEFT__SITE_PARAMS);
#define weft_cond_broadcast(c) weft_cond_broadcast_at((c), WEFT__SITE)

/* ---- Time (virtual clock) ---------------------------------------------- */
int64_t weft_now_at(WEFT__SITE_PARAMS);
#define weft_now() weft_now_at(WEFT__SITE)
void weft_sleep_at(int64_t ns, WEFT__SITE_PARAMS);
#define weft_sleep(ns) weft_sleep_at((ns), WEFT__SITE)
/* A channel (capacity 1) that receives the fire time, an int64_t, once the clock reaches now + ns. */
weft_chan *weft_after_at(int64_t ns, WEFT__SITE_PARAMS);
#define weft_after(ns) weft_after_at((ns), WEFT__SITE)
weft_timer *weft_timer_make_at(int64_t ns, WEFT__SITE_PARAMS);
#define weft_timer_make(ns) weft_timer_make_at((ns), WEFT__SITE)
/* The timer's channel (capacity 1); it carries the fire time, an int64_t. */
weft_chan *weft_timer_chan(weft_timer *t);
weft_chan *weft_timer_chan_at(weft_timer *t, WEFT__SITE_PARAMS);
#define weft_timer_chan(t) weft_timer_chan_at((t), WEFT__SITE)
bool weft_timer_stop_at(weft_timer *t, WEFT__SITE_PARAMS);
#define weft_timer_stop(t) weft_timer_stop_at((t), WEFT__SITE)
bool weft_timer_reset_at(weft_timer *t, int64_t ns, WEFT__SITE_PARAMS);
#define weft_timer_reset(t, ns) weft_timer_reset_at((t), (ns), WEFT__SITE)
weft_timer *weft_after_func_at(int64_t ns, void (*fn)(void *), void *arg, const char *name, WEFT__SITE_PARAMS);
#define weft_after_func(ns, fn, arg) weft_after_func_at((ns), (fn), (arg), #fn, WEFT__SITE)
weft_ticker *weft_ticker_make_at(int64_t period, WEFT__SITE_PARAMS);
#define weft_ticker_make(period) weft_ticker_make_at((period), WEFT__SITE)
/* The ticker's channel (capacity 1, ticks dropped while full); it carries each tick's time, an int64_t. */
weft_chan *weft_ticker_chan(weft_ticker *t);
weft_chan *weft_ticker_chan_at(weft_ticker *t, WEFT__SITE_PARAMS);
#define weft_ticker_chan(t) weft_ticker_chan_at((t), WEFT__SITE)
void weft_ticker_stop_at(weft_ticker *t, WEFT__SITE_PARAMS);
#define weft_ticker_stop(t) weft_ticker_stop_at((t), WEFT__SITE)

/* ---- Context ----------------------------------------------------------- */
enum { WEFT_CANCELED = 1, WEFT_DEADLINE_EXCEEDED = 2 };
weft_ctx *weft_ctx_background(void);
weft_ctx *weft_ctx_background_at(WEFT__SITE_PARAMS);
#define weft_ctx_background() weft_ctx_background_at(WEFT__SITE)
weft_ctx *weft_ctx_with_cancel_at(weft_ctx *parent, WEFT__SITE_PARAMS);
#define weft_ctx_with_cancel(parent) weft_ctx_with_cancel_at((parent), WEFT__SITE)
weft_ctx *weft_ctx_with_timeout_at(weft_ctx *parent, int64_t ns, WEFT__SITE_PARAMS);
#define weft_ctx_with_timeout(parent, ns) weft_ctx_with_timeout_at((parent), (ns), WEFT__SITE)
void weft_ctx_cancel_at(weft_ctx *ctx, WEFT__SITE_PARAMS);
#define weft_ctx_cancel(ctx) weft_ctx_cancel_at((ctx), WEFT__SITE)
weft_chan *weft_ctx_done(weft_ctx *ctx);
weft_chan *weft_ctx_done_at(weft_ctx *ctx, WEFT__SITE_PARAMS);
#define weft_ctx_done(ctx) weft_ctx_done_at((ctx), WEFT__SITE)
int weft_ctx_err_at(weft_ctx *ctx, WEFT__SITE_PARAMS);
#define weft_ctx_err(ctx) weft_ctx_err_at((ctx), WEFT__SITE)

/* ---- Checking ---------------------------------------------------------- */
typedef enum weft_verdict {
    WEFT_OK = 0,
    WEFT_DEADLOCK,
    WEFT_LEAK,
    WEFT_PANIC,
    WEFT_ASSERT,
    WEFT_LIVELOCK,
    WEFT_CRASH,
    WEFT_ERROR, /* not a verdict on the program: the check could not run or stopped on a usage error (bad options,
                 * bad or foreign replay token, misuse of the API, a nondeterministic program); see `error` */
} weft_verdict;

/* "OK", "DEADLOCK", ..., "ERROR" */
const char *weft_verdict_name(weft_verdict v);

typedef enum weft_strategy { WEFT_STRATEGY_DPOR = 0, WEFT_STRATEGY_DFS, WEFT_STRATEGY_RANDOM, WEFT_STRATEGY_PCT } weft_strategy;
typedef enum weft_time_mode { WEFT_TIME_ADVERSARIAL = 0, WEFT_TIME_IDLE } weft_time_mode;
/* Report formats: text; JSON (one object per line: docs/report-json.md); JUnit XML (weft_main prints one document
 * for all the tests; weft_check's own report is then text). */
typedef enum weft_report_format { WEFT_REPORT_TEXT = 0, WEFT_REPORT_JSON, WEFT_REPORT_JUNIT } weft_report_format;

/* How far a check has got, given to weft_options.progress between executions. */
typedef struct weft_progress {
    const char *test;            /* the name given to weft_check */
    long long executions;        /* executions run so far, pruned ones included */
    long long pruned;            /* of which dpor abandoned early */
    int bound;                   /* preemption bound in force, -1 none */
    double seconds;              /* wall time since the check began */
} weft_progress;

/* Checker options; weft_options_init sets the defaults, then applies WEFT_* environment variables. */
typedef struct weft_options {
    weft_strategy strategy;      /* --strategy */
    int max_preemptions;         /* --max-preemptions; -1: iterative bounding 0, 1, 2, ... */
    long long max_executions;    /* --max-executions; 0: no limit */
    long long max_steps;         /* --max-steps: steps before LIVELOCK (default 100000) */
    double time_limit;           /* --time-limit seconds of wall time; 0: none */
    unsigned long long seed;     /* --seed (random, pct) */
    long long iterations;        /* --iterations (random, pct; default 1000) */
    int pct_depth;               /* --pct-depth (default 3) */
    weft_time_mode time_mode;    /* --time */
    int64_t leak_horizon;        /* --leak-horizon virtual ns (default one minute) */
    size_t stack_size;           /* --stack-size bytes per task (default 256 KiB) */
    const char *replay;          /* --replay TOKEN; NULL: explore */
    weft_report_format report;   /* --report */
    bool quiet;                  /* --quiet: print only the summary */
    bool verbose;                /* --verbose: progress on stderr */
    bool no_time;                /* --no-time: leave wall time out of reports (byte-identical output) */
    bool count_traces;           /* --count-traces: count the distinct Mazurkiewicz traces run (slower) */
    bool allow_incomplete;       /* --allow-incomplete: weft_main exits 0, not 3, when a limit stopped a search */
    /* Called between executions, at most a few times a second (the clock is read once every so many
     * executions, never once per execution); NULL: never. weft_main sets it to print progress on stderr when
     * stderr is a terminal or under --verbose. */
    void (*progress)(const weft_progress *p, void *ctx);
    void *progress_ctx;          /* passed to progress */
} weft_options;

/* Defaults, then WEFT_* environment variables (a bad value is a usage error: message and exit 2). */
void weft_options_init(weft_options *opt);

/* What one check found. Strings are owned by the result; release with weft_result_free. */
typedef struct weft_result {
    weft_verdict verdict;        /* WEFT_OK when no bug was found */
    long long executions;        /* executions run */
    bool complete;               /* every interleaving was explored */
    int bound;                   /* preemption bound in force at the end (-1: none) */
    long long steps;             /* steps of the reported execution */
    int preemptions;             /* preemptions in the reported execution */
    char *replay;                /* replay token of the reported execution, or NULL */
    char *report;                /* the report (text or JSON as asked), or NULL when clean */
    char *error;                 /* a usage error (bad token, ...) or NULL; then verdict is WEFT_ERROR */
    long long pruned;            /* dpor: executions abandoned early because they could only repeat others */
    long long longest;           /* steps of the longest execution run */
    double seconds;              /* wall time of the check */
    long long traces;            /* distinct traces among the executions (count_traces), else -1 */
    /* Why a clean check is not complete (a static string, not owned): "max-executions", "time-limit",
     * "max-preemptions" (a fixed bound cut schedules), "depth" (an execution too long for the search to branch
     * everywhere), "sample" (random and pct only sample schedules), "replay"; NULL when complete, when a bug was
     * found, or on an error. */
    const char *limit;
} weft_result;

/* Explore body(arg) under `opt` (NULL: defaults) and return what was found.
 * A usage error gives verdict WEFT_ERROR and the message in `error`, never WEFT_OK.
 * Embedding: when a check is left by a longjmp out of a body or a task (a cmocka assert_* that failed there),
 * the next weft_check notices it and recovers (that check runs normally; memory of the abandoned one is
 * lost). A replay token in the environment (WEFT_REPLAY) applies only to the test it was made for: a check of
 * another name ignores it and explores. */
weft_result weft_check(const char *name, void (*body)(void *), void *arg, const weft_options *opt);
void weft_result_free(weft_result *r);

/* Print r in full to f: the error, or the whole report, or one line saying it is clean. (For harnesses whose
 * own messages cut long text, e.g. cmocka's print_message at about 1 KiB.) */
void weft_result_print(const weft_result *r, FILE *f);

/* A registered test (see WEFT_TEST). */
typedef struct weft_test {
    const char *name;
    void (*body)(void *);
    const char *file;
    int line;
    struct weft_test *next; /* registry link (internal) */
} weft_test;
void weft_register(weft_test *t);

/* WEFT_TEST(name) { ... } registers a test whose body sees `void *arg`. */
#define WEFT_TEST(tname)                                                                       \
    static void weft__body_##tname(void *arg);                                                 \
    static weft_test weft__test_##tname = {#tname, weft__body_##tname, __FILE__, __LINE__, 0}; \
    WEFT__CTOR static void weft__reg_##tname(void) { weft_register(&weft__test_##tname); }     \
    static void weft__body_##tname(void *arg WEFT__UNUSED)

/* Run the registered tests under the command-line flags (see docs/api.md). Exit status: 0 every test clean and
 * complete, 1 a bug found, 2 a usage error, 3 no bug but a limit stopped a search (0 with --allow-incomplete;
 * the sampling strategies random and pct give 0 when they find nothing). */
int weft_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
