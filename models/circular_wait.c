/* circular_wait.c: two tasks each wait for the other to speak first (a handshake deadlock), and the ordered fix. */
#include "model.h"

typedef struct hello {
    int version; /* protocol version offered */
} hello;

/* server: <-clientHello, then serverHello <- h */
static void server(weft_chan *client_hello, weft_chan *server_hello)
{
    hello h = {2};
    weft_chan_recv(client_hello, &h);
    weft_chan_send(server_hello, &h);
}

/* the client reads the protocol differently: it waits for the server to speak first */
WEFT_MODEL(circular_wait_deadlock, .category = "channels", .expect = WEFT_DEADLOCK,
           .summary = "client and server each wait for the other's hello before sending their own",
           .pattern = "A handshake over two unbuffered channels: the server waits for the client's hello before "
                      "answering, and the client (written from a different reading of the protocol) waits for the "
                      "server's hello before sending its own. Each receive waits for a send the other side will "
                      "only make after its own receive: a cycle, so both block forever.",
           .fix = "Fix the protocol's order: one side speaks first (the client sends, then receives), so the "
                  "waits form a chain, not a cycle.",
           .pair = "circular_wait_ordered")
{
    weft_chan *client_hello = weft_chan_make(sizeof(hello), 0), *server_hello = weft_chan_make(sizeof(hello), 0);
    weft_name(client_hello, "client_hello");
    weft_name(server_hello, "server_hello");
    WEFT_GO(server, client_hello, server_hello);
    hello h = {1};
    weft_chan_recv(server_hello, &h); /* waits for the server first */
    weft_chan_send(client_hello, &h);
}

WEFT_MODEL(circular_wait_ordered, .category = "channels", .expect = WEFT_OK,
           .summary = "the client speaks first, then waits for the server's answer",
           .pattern = "The same server; the client sends its hello, then receives the server's.",
           .fix = "With one side sending first, every wait has a sender that is not itself waiting.",
           .pair = "circular_wait_deadlock")
{
    weft_chan *client_hello = weft_chan_make(sizeof(hello), 0), *server_hello = weft_chan_make(sizeof(hello), 0);
    weft_name(client_hello, "client_hello");
    weft_name(server_hello, "server_hello");
    WEFT_GO(server, client_hello, server_hello);
    hello h = {1};
    weft_chan_send(client_hello, &h);
    weft_chan_recv(server_hello, &h);
}
