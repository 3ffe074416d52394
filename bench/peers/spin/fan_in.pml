/* fan_in.pml: N senders, the receiver takes the first result and returns (LEAKY: unbuffered; else a buffer of N). */
#ifndef N
#define N 3
#endif
#ifndef LEAKY
#define LEAKY 1
#endif

#if LEAKY
chan results = [0] of { byte };
#else
chan results = [N] of { byte };
#endif

proctype sender(byte i) { results!i }

init
{
    byte i = 0;
    do
    :: i < N -> run sender(i); i++
    :: else -> break
    od;
    results?_
}
