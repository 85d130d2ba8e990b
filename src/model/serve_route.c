/* The router's index of replicas by outstanding tokens (serve_internal.h): an indexed
 * binary min-heap on (outstanding_tokens, replica index), so least-tokens routing finds the
 * replica a scan of every replica would pick (the fewest tokens, ties to the lowest index)
 * in O(1) and follows a change of one replica's tokens in O(log R). */
#include "serve_internal.h"

static int before(const serve_replica *reps, int a, int b) {
    long ta = reps[a].outstanding_tokens, tb = reps[b].outstanding_tokens;
    return ta < tb || (ta == tb && a < b);
}

static void place(serve_router *h, int at, int replica) {
    h->heap[at] = replica;
    h->pos[replica] = at;
}

aif_status aif__serve_router_init(const aif_allocator *a, serve_router *h, int n) {
    h->n = n;
    h->heap = aif_calloc(a, (size_t)n, sizeof *h->heap);
    h->pos = aif_calloc(a, (size_t)n, sizeof *h->pos);
    if (h->heap == NULL || h->pos == NULL) {
        return AIF_ENOMEM;
    }
    /* Every replica starts at 0 tokens: index order is already a heap. */
    for (int i = 0; i < n; i++) {
        place(h, i, i);
    }
    return AIF_OK;
}

void aif__serve_router_free(const aif_allocator *a, serve_router *h) {
    aif_free(a, h->heap, sizeof *h->heap * (size_t)h->n);
    aif_free(a, h->pos, sizeof *h->pos * (size_t)h->n);
    h->heap = h->pos = NULL;
}

void aif__serve_router_fix(serve_router *h, const serve_replica *reps, int replica) {
    int i = h->pos[replica];
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!before(reps, replica, h->heap[p])) {
            break;
        }
        place(h, i, h->heap[p]);
        i = p;
    }
    for (;;) {
        int c = 2 * i + 1;
        if (c >= h->n) {
            break;
        }
        if (c + 1 < h->n && before(reps, h->heap[c + 1], h->heap[c])) {
            c++;
        }
        if (!before(reps, h->heap[c], replica)) {
            break;
        }
        place(h, i, h->heap[c]);
        i = c;
    }
    place(h, i, replica);
}
