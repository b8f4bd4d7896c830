#!/usr/bin/env python3
"""Reference (d) of the import benchmark: how fast SQLite alone takes N tickets and their
first messages into *Onramp's own tables* (the schema copied from an Onramp database: text
UUID keys, the tenant in every index), with prepared statements in 5,000-row transactions,
WAL + synchronous=NORMAL. No reading, mapping, validation or deduplication: the floor that the
storage itself sets for `onramp import`.

    schema_floor.py ONRAMP_DB OUT_DB ROWS   → prints "rows=N seconds=S"
"""
import sqlite3
import sys
import time
import uuid


def main() -> None:
    source, target, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    schema = sqlite3.connect(source)
    db = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-32768", "wal_autocheckpoint=8192"):
        db.execute(f"PRAGMA {pragma}")
    for (sql,) in schema.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN ('tickets', 'ticket_messages') AND sql IS NOT NULL "
            "ORDER BY type DESC"):
        db.execute(sql)
    ticket_columns = [r[1] for r in db.execute("PRAGMA table_info(tickets)")]
    message_columns = [r[1] for r in db.execute("PRAGMA table_info(ticket_messages)")]
    tenant = str(uuid.uuid4()).upper()
    elapsed = 0.0
    for start in range(0, rows, 5000):
        tickets, messages = [], []
        for n in range(start, min(start + 5000, rows)):
            ticket = str(uuid.uuid1()).upper()  # time-ordered, like Onramp's UUID v7
            values = {"id": ticket, "tenant_id": tenant, "number": n + 1, "subject": f"Ticket {n} about an order",
                      "status": "open", "priority": "normal", "channel": "email", "tags": '["a"]', "custom_fields": "{}",
                      "source_system": "zendesk", "source_id": str(n + 1), "source_hash": "0123456789abcdef",
                      "import_id": tenant, "import_row": n + 1, "created_at": 1.7e9, "updated_at": 1.7e9}
            tickets.append([values.get(c) for c in ticket_columns])
            message = {"id": str(uuid.uuid1()).upper(), "tenant_id": tenant, "ticket_id": ticket, "visibility": "public",
                       "from_customer": 1, "body": "Where is my order? " * 8, "source_system": "zendesk",
                       "import_id": tenant, "created_at": 1.7e9}
            messages.append([message.get(c) for c in message_columns])
        began = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO tickets VALUES ({','.join('?' * len(ticket_columns))})", tickets)
        db.executemany(f"INSERT INTO ticket_messages VALUES ({','.join('?' * len(message_columns))})", messages)
        db.execute("COMMIT")
        elapsed += time.perf_counter() - began
    print(f"rows={rows} seconds={elapsed:.3f}")


if __name__ == "__main__":
    main()
