#ifndef HERALD_CSQLITECONFIG_SHIM_H
#define HERALD_CSQLITECONFIG_SHIM_H
#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call. Must run before SQLite initializes (before the first
   connection opens); returns SQLITE_MISUSE, changing nothing, if it is too late.
   - Multi-thread mode: connections take no mutex of their own. GRDB already serializes every use of a
     connection on its own queue.
   - No memory statistics: with them on, every allocation SQLite makes takes one global mutex. */
static inline int herald_sqlite_configure(void) {
    int code = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (code != SQLITE_OK) return code;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
