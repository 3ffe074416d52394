/* main.c: the test program's entry point: weft_main runs the WEFT_TESTs linked in, under the command-line flags. */
#include <weft.h>

int main(int argc, char **argv) { return weft_main(argc, argv); }
