/* token.h: the replay token's text and layout, shared by its writer (schedule.c) and reader (token.c). */
#ifndef WEFT_TOKEN_H
#define WEFT_TOKEN_H

/* Token layout, before base32: version 2 | fingerprint u32 | flags u8 | [varint max_steps] | [varint stack_size]
 * | [varint leak_horizon] | [varint hang_ms] | verdict u8 | end digest u16 | varint steps | varint nchoices |
 * choices as nibbles | trace u32 | checksum u32. The flags byte: bit 0 idle time; bits 1-4 say which of the
 * bracketed fields follow (each is at its default when absent).
 * A choice is three fields: its value, the steps taken since the previous choice and a 4-bit digest of those
 * steps (task, operation, line). Its value: a nibble 0-12 is the value, 15 V is the value V + 13; then the
 * step delta as a number, then the digest as one nibble. 13 P R repeats the last P choices R times (a
 * spinning task's choices are periodic). Numbers are written 3 bits a nibble, low first, 8 = more.
 * Text: "weft2-" followed by base32 (Crockford alphabet, lower case). Version 1 tokens ("weft1-") carried
 * neither the verdict nor the flags: they are refused. */
#define TOKEN_VERSION 2
#define DEF_MAX_STEPS 100000 /* the flags' defaults (weft_options_init), left out of tokens */
#define DEF_STACK ((size_t)256 * 1024)
#define DEF_HORIZON WEFT_MINUTE
static const char B32[] = "0123456789abcdefghjkmnpqrstvwxyz"; /* Crockford base32, lower case */
#define PREFIX "weft2-"

#define LIT_MAX 13 /* values below are one nibble */
#define OP_REPEAT 13
#define OP_LARGE 15
#define MAX_PERIOD 64
#define RING 64 /* the reader keeps the last RING choices: at least MAX_PERIOD */

#endif
