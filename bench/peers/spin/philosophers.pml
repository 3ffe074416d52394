/* philosophers.pml: N philosophers on N fork locks, left fork first (ORDERED=0) or lower-numbered first (ORDERED=1). */
/* As bench/suite.c: init is philosopher 0, spawns N-1 others, eats, then waits for them (a WaitGroup). */
#ifndef N
#define N 3
#endif
#ifndef ORDERED
#define ORDERED 0
#endif

bit fork[N];
byte dinner = N - 1; /* WaitGroup counter */

inline lock(f) { atomic { fork[f] == 0 -> fork[f] = 1 } }
inline unlock(f) { fork[f] = 0 }

proctype philosopher(byte first; byte second)
{
    lock(first); lock(second); unlock(second); unlock(first);
    dinner-- /* wg.Done */
}

init
{
    byte i = N - 1, left, right, first, second;
    do
    :: i > 0 ->
        left = i; right = (i + 1) % N;
        first = (ORDERED && right < left -> right : left);
        second = (first == left -> right : left);
        run philosopher(first, second);
        i--
    :: else -> break
    od;
    /* philosopher 0: left fork 0, right fork 1 (lower first either way) */
    lock(0); lock(1); unlock(1); unlock(0);
    dinner == 0 /* wg.Wait */
}
