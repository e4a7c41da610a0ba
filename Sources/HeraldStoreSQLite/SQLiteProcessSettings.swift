import CSQLiteConfig

/// SQLite's process-wide settings. `sqlite3_config` may run only before SQLite initializes and while no other
/// thread uses SQLite, so a process's entry point applies them before anything else (the daemon's `main`, the
/// benchmark's); a library or a test process that never does keeps SQLite's defaults, which only costs speed.
public enum SQLiteProcessSettings {
    /// Memory statistics off: with them on, every allocation SQLite makes takes one global mutex, about 6% of
    /// fan-out's and the engine's CPU in a profile. Herald reads none of them (no `sqlite3_memory_used`, no
    /// heap limit). False when SQLite had already started and refused the change.
    @discardableResult
    public static func apply() -> Bool {
        herald_sqlite_disable_memstatus() == 0
    }
}
