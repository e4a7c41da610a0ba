#!/usr/bin/env python3
"""Reference for herald-bench: what bare SQLite does with the same rows, no Herald in the way.

insert N  -- N delivery-shaped rows (same columns and indexes as Herald's table), batches of 2000
engine N  -- claim 1000 due rows, mark them sending, then sent with one attempt row each, until none left
Prints one number: rows per second. WAL + synchronous=NORMAL, as Herald runs SQLite.
"""
import atexit, os, shutil, sqlite3, sys, tempfile, time

mode, n = sys.argv[1], int(sys.argv[2])
folder = tempfile.mkdtemp(prefix="herald-ref-")
atexit.register(shutil.rmtree, folder, True)
path = os.path.join(folder, "ref.sqlite")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.executescript("""
CREATE TABLE deliveries (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL, contact_id TEXT NOT NULL,
  channel TEXT NOT NULL, lane INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT, not_before INTEGER NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_until INTEGER, trace TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (job_id, contact_id, channel));
CREATE INDEX deliveries_due ON deliveries(lane DESC, not_before) WHERE state IN ('queued', 'scheduled');
CREATE TABLE attempts (id INTEGER PRIMARY KEY, delivery_id INTEGER NOT NULL, at INTEGER NOT NULL, outcome TEXT NOT NULL);
""")
trace = '[{"rule":"stage","outcome":"fanout","detail":"decided at fan-out"}]'
rows = [(1, "c%08d" % i, "sms", 1, "queued", 0, trace, 0, 0) for i in range(n)]

def insert():
    for start in range(0, n, 2000):
        db.execute("BEGIN")
        db.executemany("INSERT INTO deliveries (job_id, contact_id, channel, lane, state, not_before, trace, "
                       "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", rows[start:start + 2000])
        db.execute("COMMIT")

if mode == "insert":
    t = time.perf_counter(); insert(); elapsed = time.perf_counter() - t
else:
    insert()
    t = time.perf_counter()
    while True:
        db.execute("BEGIN IMMEDIATE")
        ids = [r[0] for r in db.execute("SELECT id FROM deliveries WHERE state IN ('queued','scheduled') "
                                       "AND not_before <= 1 ORDER BY lane DESC, not_before LIMIT 1000")]
        db.executemany("UPDATE deliveries SET state='sending', lease_owner='ref', attempt_count=attempt_count+1 "
                       "WHERE id=?", [(i,) for i in ids])
        db.execute("COMMIT")
        if not ids:
            break
        db.execute("BEGIN")
        db.executemany("INSERT INTO attempts (delivery_id, at, outcome) VALUES (?, 1, 'sent')", [(i,) for i in ids])
        db.executemany("UPDATE deliveries SET state='sent', lease_owner=NULL WHERE id=?", [(i,) for i in ids])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - t
print(round(n / elapsed))
