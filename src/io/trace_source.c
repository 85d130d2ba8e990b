/* The trace reader's record source: bytes from a plain file, a zstd stream (decompressed
 * incrementally with ZSTD_decompressStream) or a memory buffer, cut into CSV records.
 *
 * All three feed one growable window; a record is returned as a slice of that window, so
 * the common case (a record that does not straddle a refill) copies nothing. Newlines
 * inside quoted fields do not end a record, which is why the scanner tracks quote state
 * across refills. zstd allocates through our allocator via its custom-memory hooks. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDCtx_advanced: route zstd's memory to us */
#include <zstd.h>

#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "trace_internal.h"

#define WINDOW_INITIAL  (256u * 1024u)
#define WINDOW_MAX      (64u * 1024u * 1024u) /* the longest record we accept */
#define ZIN_BYTES       (128u * 1024u)
#define ZSTD_HDR        alignof(max_align_t)
#define ZSTD_MAGIC_LE32 0xFD2FB528u

struct trace_source {
    const aif_allocator *alloc;
    FILE *fp;
    const char *mem; /* memory source, or NULL */
    size_t mem_len;
    size_t mem_pos;
    ZSTD_DCtx *dctx; /* non-NULL when the file is zstd */
    char *zin;       /* raw bytes read ahead (zstd input, or the sniffed prefix of a plain file) */
    ZSTD_inBuffer zib;
    size_t zret;    /* last ZSTD_decompressStream result: 0 = at a frame boundary */
    bool input_eof; /* nothing more to read from the file */
    bool zdone;     /* the zstd stream is fully decoded */
    char *buf;
    size_t cap;
    size_t start; /* unconsumed data is buf[start, end) */
    size_t end;
    size_t scan;   /* offset from start up to which the current record was scanned */
    bool in_quote; /* quote state at buf[start + scan] */
    size_t qclear; /* buf[start, qclear) holds no quote: most files have none at all, so one
                      search per window replaces one per record */
    bool quoted;   /* the current record contains a quote */
    unsigned long line;
    uint64_t taken; /* bytes handed out as records so far, terminators included */
    uint64_t total; /* the input's size in bytes when known up front, else 0 */
};

static void *zstd_alloc(void *opaque, size_t size) {
    char *p = aif_alloc(opaque, size + ZSTD_HDR);
    if (p == NULL) {
        return NULL;
    }
    memcpy(p, &size, sizeof size);
    return p + ZSTD_HDR;
}

static void zstd_free(void *opaque, void *address) {
    if (address == NULL) {
        return;
    }
    char *p = (char *)address - ZSTD_HDR;
    size_t size;
    memcpy(&size, p, sizeof size);
    aif_free(opaque, p, size + ZSTD_HDR);
}

static aif_status source_new(const aif_allocator *a, trace_source **out) {
    if (a == NULL) {
        a = aif_allocator_system();
    }
    trace_source *s = aif_calloc(a, 1, sizeof *s);
    if (s == NULL) {
        return AIF_ENOMEM;
    }
    s->alloc = a;
    s->cap = WINDOW_INITIAL;
    s->buf = aif_alloc(a, s->cap);
    s->line = 1;
    if (s->buf == NULL) {
        aif_free(a, s, sizeof *s);
        return AIF_ENOMEM;
    }
    *out = s;
    return AIF_OK;
}

aif_status aif__trace_source_open_file(const aif_allocator *a, const char *path,
                                       trace_source **out) {
    if (path == NULL || out == NULL) {
        return AIF_EINVAL;
    }
    trace_source *s = NULL;
    aif_status st = source_new(a, &s);
    if (st != AIF_OK) {
        return st;
    }
    s->zin = aif_alloc(s->alloc, ZIN_BYTES);
    if (s->zin == NULL) {
        aif__trace_source_close(s);
        return AIF_ENOMEM;
    }
    s->fp = fopen(path, "rb");
    if (s->fp == NULL) {
        aif__trace_source_close(s);
        return AIF_EIO;
    }
    struct stat sb;
    if (fstat(fileno(s->fp), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
        s->total = (uint64_t)sb.st_size;
    }
    /* Sniff the format from the first bytes; they stay in zin as pending input either way. */
    size_t got = fread(s->zin, 1, ZIN_BYTES, s->fp);
    if (got < ZIN_BYTES) {
        if (ferror(s->fp)) {
            aif__trace_source_close(s);
            return AIF_EIO;
        }
        s->input_eof = true;
    }
    s->zib = (ZSTD_inBuffer){s->zin, got, 0};
    unsigned char m[4];
    if (got >= 4) {
        memcpy(m, s->zin, 4);
        uint32_t magic =
            (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
        if (magic == ZSTD_MAGIC_LE32) {
            /* The text's size is the first frame's content size when the header records
             * it (zstd's command line does); more frames only make it an underestimate,
             * which the reader handles by growing. Otherwise no estimate. */
            unsigned long long cs = ZSTD_getFrameContentSize(s->zin, got);
            s->total = cs == ZSTD_CONTENTSIZE_UNKNOWN || cs == ZSTD_CONTENTSIZE_ERROR ? 0 : cs;
            ZSTD_customMem cm = {zstd_alloc, zstd_free, (void *)s->alloc};
            s->dctx = ZSTD_createDCtx_advanced(cm);
            if (s->dctx == NULL) {
                aif__trace_source_close(s);
                return AIF_ENOMEM;
            }
        }
    }
    *out = s;
    return AIF_OK;
}

aif_status aif__trace_source_open_memory(const aif_allocator *a, const char *text, size_t len,
                                         trace_source **out) {
    if ((text == NULL && len > 0) || out == NULL) {
        return AIF_EINVAL;
    }
    trace_source *s = NULL;
    aif_status st = source_new(a, &s);
    if (st != AIF_OK) {
        return st;
    }
    s->mem = text;
    s->mem_len = len;
    s->total = len;
    *out = s;
    return AIF_OK;
}

void aif__trace_source_close(trace_source *s) {
    if (s == NULL) {
        return;
    }
    if (s->fp) {
        fclose(s->fp);
    }
    if (s->dctx) {
        ZSTD_freeDCtx(s->dctx);
    }
    aif_free(s->alloc, s->zin, ZIN_BYTES);
    aif_free(s->alloc, s->buf, s->cap);
    aif_free(s->alloc, s, sizeof *s);
}

/* Read more input into buf[end, cap). Sets input_eof when nothing more will come. */
static aif_status read_plain(trace_source *s) {
    size_t room = s->cap - s->end;
    if (s->zib.pos < s->zib.size) {
        size_t n = s->zib.size - s->zib.pos;
        n = n < room ? n : room;
        memcpy(s->buf + s->end, (const char *)s->zib.src + s->zib.pos, n);
        s->zib.pos += n;
        s->end += n;
        return AIF_OK;
    }
    if (s->input_eof) {
        return AIF_OK;
    }
    size_t got = fread(s->buf + s->end, 1, room, s->fp);
    s->end += got;
    if (got < room) {
        if (ferror(s->fp)) {
            return AIF_EIO;
        }
        s->input_eof = true;
    }
    return AIF_OK;
}

static aif_status read_zstd(trace_source *s) {
    for (;;) {
        if (s->zib.pos == s->zib.size && !s->input_eof) {
            size_t got = fread(s->zin, 1, ZIN_BYTES, s->fp);
            if (got < ZIN_BYTES) {
                if (ferror(s->fp)) {
                    return AIF_EIO;
                }
                s->input_eof = true;
            }
            s->zib = (ZSTD_inBuffer){s->zin, got, 0};
        }
        ZSTD_outBuffer ob = {s->buf + s->end, s->cap - s->end, 0};
        size_t in_before = s->zib.pos;
        size_t r = ZSTD_decompressStream(s->dctx, &ob, &s->zib);
        if (ZSTD_isError(r)) {
            return AIF_EIO;
        }
        /* A call that moved nothing answers with the next frame's header size even at a
         * clean frame boundary, so only a call that made progress says where we are. */
        if (ob.pos > 0 || s->zib.pos != in_before) {
            s->zret = r;
        }
        s->end += ob.pos;
        if (ob.pos > 0) {
            return AIF_OK;
        }
        if (s->zib.pos == s->zib.size && s->input_eof) {
            /* No output and no input left: a frame cut short is a corrupt file. */
            if (s->zret != 0) {
                return AIF_EIO;
            }
            s->zdone = true;
            return AIF_OK;
        }
    }
}

static aif_status read_memory(trace_source *s) {
    size_t n = s->mem_len - s->mem_pos;
    size_t room = s->cap - s->end;
    n = n < room ? n : room;
    if (n > 0) {
        memcpy(s->buf + s->end, s->mem + s->mem_pos, n);
    }
    s->mem_pos += n;
    s->end += n;
    return AIF_OK;
}

static bool drained(const trace_source *s) {
    if (s->mem || s->fp == NULL) {
        return s->mem_pos == s->mem_len;
    }
    if (s->dctx) {
        return s->zdone;
    }
    return s->input_eof && s->zib.pos == s->zib.size;
}

/* Make room (slide the unconsumed bytes to the front, or grow) and read more. */
static aif_status fill(trace_source *s) {
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->qclear = s->qclear > s->start ? s->qclear - s->start : 0;
        s->start = 0;
    }
    if (s->end == s->cap) {
        if (s->cap >= WINDOW_MAX) {
            return AIF_EPARSE;
        }
        char *nb = aif_realloc(s->alloc, s->buf, s->cap, s->cap * 2);
        if (nb == NULL) {
            return AIF_ENOMEM;
        }
        s->buf = nb;
        s->cap *= 2;
    }
    if (s->fp == NULL) {
        return read_memory(s);
    }
    return s->dctx ? read_zstd(s) : read_plain(s);
}

static unsigned long count_newlines(const char *p, size_t n) {
    unsigned long c = 0;
    const char *e = p + n;
    while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        c++;
        p++;
    }
    return c;
}

aif_status aif__trace_source_next(trace_source *s, char **rec, size_t *len, unsigned long *line) {
    for (;;) {
        char *base = s->buf + s->start;
        size_t avail = s->end - s->start;
        size_t pos = s->scan;
        char *nl = NULL;
        while (pos < avail) {
            if (s->in_quote) {
                char *q = memchr(base + pos, '"', avail - pos);
                if (q == NULL) {
                    pos = avail;
                    break;
                }
                pos = (size_t)(q - base) + 1;
                s->in_quote = false;
                continue;
            }
            char *p = memchr(base + pos, '\n', avail - pos);
            size_t lim = p ? (size_t)(p - base) : avail;
            if (s->start + lim > s->qclear) {
                /* Look for the next quote once, as far as the data goes. */
                size_t from = s->start + pos > s->qclear ? s->start + pos : s->qclear;
                char *q = memchr(s->buf + from, '"', s->end - from);
                s->qclear = q ? (size_t)(q - s->buf) : s->end;
            }
            if (s->qclear < s->start + lim) {
                /* The search began at or after pos, so this quote opens in the record. */
                s->quoted = true;
                s->in_quote = true;
                pos = s->qclear - s->start + 1;
                continue;
            }
            nl = p;
            pos = lim;
            break;
        }
        size_t rlen;
        if (nl) {
            rlen = (size_t)(nl - base);
        } else if (drained(s)) {
            if (avail == 0) {
                return AIF_EEMPTY;
            }
            if (s->in_quote) {
                return AIF_EPARSE;
            }
            if (s->end == s->cap) {
                /* The terminator slot must exist: slide or grow once, then rescan. */
                s->scan = pos;
                aif_status st = fill(s);
                if (st != AIF_OK) {
                    return st;
                }
                continue;
            }
            rlen = avail;
        } else {
            s->scan = pos;
            aif_status st = fill(s);
            if (st != AIF_OK) {
                return st;
            }
            continue;
        }
        *line = s->line;
        s->line += 1 + (s->quoted ? count_newlines(base, rlen) : 0);
        s->start += nl ? rlen + 1 : rlen;
        s->taken += nl ? rlen + 1 : rlen;
        s->scan = 0;
        s->quoted = false;
        if (rlen > 0 && base[rlen - 1] == '\r') {
            rlen--;
        }
        base[rlen] = '\0'; /* the '\n' slot, or spare room: the window always has one byte */
        *rec = base;
        *len = rlen;
        return AIF_OK;
    }
}

void aif__trace_source_progress(const trace_source *s, uint64_t *taken, uint64_t *total) {
    *taken = s->taken;
    *total = s->total;
}
