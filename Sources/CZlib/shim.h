/* zlib, found through pkg-config (zlib), for gzipped sitemaps. */
#include <zlib.h>

/*
 * inflateInit2 is a macro (it passes the header's version and the struct's size to
 * inflateInit2_), which Swift cannot call. 15 + 32: the largest window, and a gzip or zlib
 * header detected from the first bytes.
 */
static inline int czlib_inflate_init_auto(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}
