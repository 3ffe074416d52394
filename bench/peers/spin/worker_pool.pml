/* worker_pool.pml: P = N/2 producers submit 2 jobs each to W = N-P workers; Stop closes quit and waits (LEAKY: plain send). */
/* As bench/suite.c. A closed channel is a flag: a receive from it is always ready. */
#ifndef N
#define N 3
#endif
#ifndef LEAKY
#define LEAKY 1
#endif
#define P (N / 2)
#define W (N - P)

chan jobs = [0] of { byte }; /* unbuffered */
bool quit = false;           /* closed by Stop */
byte wg = 0;

proctype worker()
{
    do
    :: quit -> break   /* case <-quit */
    :: jobs?_ -> skip  /* case job := <-jobs */
    od;
    wg-- /* wg.Done */
}

proctype producer()
{
    byte j = 0;
    do
    :: j < 2 ->
#if LEAKY
        jobs!j; j++    /* jobs <- j: blocks forever once the workers are gone */
#else
        if
        :: jobs!j -> j++
        :: quit -> break /* ErrStopped */
        fi
#endif
    :: else -> break
    od
}

init
{
    byte i = 0;
    do
    :: i < W -> wg++; run worker(); i++
    :: else -> break
    od;
    i = 0;
    do
    :: i < P -> run producer(); i++
    :: else -> break
    od;
    quit = true; /* close(quit) */
    wg == 0      /* wg.Wait */
}
