#ifndef HERALD_CSQLITECONFIG_SHIM_H
#define HERALD_CSQLITECONFIG_SHIM_H
#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call. It must run before SQLite initializes, with no other
   thread using SQLite; later it returns SQLITE_MISUSE and changes nothing. */
static inline int herald_sqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
