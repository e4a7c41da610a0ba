#ifndef HERALD_CZLIB_SYSTEM_SHIM_H
#define HERALD_CZLIB_SYSTEM_SHIM_H
#include <zlib.h>

/* deflateInit2 is a macro Swift cannot call: raw deflate (no zlib or gzip wrapper), the caller adds gzip's. */
static inline int herald_deflate_init_raw(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
#endif
