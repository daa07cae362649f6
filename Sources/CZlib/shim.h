// zlib: deflateInit2 is a macro, which Swift cannot call; this wrapper is.
#ifndef GATEWATCH_CZLIB_SHIM_H
#define GATEWATCH_CZLIB_SHIM_H
#include <zlib.h>

/// Initialises `s` for gzip output (window bits 15 + 16) at `level`.
static inline int gw_deflate_init_gzip(z_stream *s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
/// Initialises `s` to inflate gzip or zlib input (window bits 15 + 32).
static inline int gw_inflate_init_auto(z_stream *s) {
    return inflateInit2(s, 15 + 32);
}
#endif
