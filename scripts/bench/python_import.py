#!/usr/bin/env python3
"""Reference importer (b) for the import benchmark: csv module + sqlite3, standard library only.

    python_import.py FILE.csv DB.sqlite

Reads a Zendesk ticket CSV export (gen_tickets.py's header) and applies the validation Onramp's
import does, one row at a time:
  - Id and Subject are required;
  - emails (requester, assignee): one @, a non-empty local part without spaces, a dotted domain of
    letters/digits/hyphens with a 2+ letter top-level label; compared and stored lower-cased;
  - Status: new, open, pending, hold -> on_hold, solved -> resolved, closed; anything else rejects;
  - Priority: low, normal, high, urgent; empty -> normal; anything else rejects;
  - Via: email, web -> portal, voice -> phone, chat, api (Onramp's Zendesk channel mapping);
    anything else rejects;
  - Created at / Updated at: "YYYY-MM-DD HH:MM:SS +HHMM" -> UTC epoch seconds (calendar-checked:
    2024-02-30 rejects); empty -> NULL;
  - Requester phone: spaces, (, ), -, . dropped; it must then be "+" and 8-15 digits (E.164);
    empty is fine, anything else rejects.
A row with any fault goes to import_errors (record number, all reasons, the row as CSV) and
writes nothing else. Requesters become contacts, deduplicated by requester id, then by email,
in dicts; tickets are deduplicated by Id (a repeated Id is skipped and counted).
Writes go through executemany in one transaction per 10,000 records, journal_mode=WAL,
synchronous=NORMAL. DB.sqlite must not exist yet.
Prints one line: rows=N created=C rejected=R duplicates=D contacts=K seconds=S
"""
import csv
import io
import os
import re
import sqlite3
import sys
import time

BATCH = 10_000

STATUS = {"new": "new", "open": "open", "pending": "pending", "hold": "on_hold", "solved": "resolved",
          "closed": "closed"}
PRIORITY = {"": "normal", "low": "low", "normal": "normal", "high": "high", "urgent": "urgent"}
CHANNEL = {"email": "email", "web": "portal", "voice": "phone", "chat": "chat", "api": "api"}
EMAIL = re.compile(r"[^@\s]{1,64}@(?:[a-z0-9-]+\.)+[a-z]{2,}").fullmatch
PHONE = re.compile(r"\+[0-9]{8,15}").fullmatch
PHONE_JUNK = str.maketrans("", "", " ()-.")
STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})").fullmatch
MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

SCHEMA = """
CREATE TABLE contacts(id INTEGER PRIMARY KEY, source_id TEXT, name TEXT, email TEXT, phone TEXT);
CREATE TABLE tickets(id INTEGER PRIMARY KEY, source_id TEXT UNIQUE, subject TEXT, description TEXT,
    status TEXT, priority TEXT, channel TEXT, requester_id INTEGER, assignee_email TEXT,
    group_name TEXT, tags TEXT, created_at REAL, updated_at REAL);
CREATE TABLE import_errors(row INTEGER, reason TEXT, original TEXT);
"""

_day_cache = {}


def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_stamp(text):
    """'2024-03-01 10:22:05 +0100' -> UTC epoch seconds; None when it is no valid time."""
    m = STAMP(text)
    if m is None:
        return None
    ys, mos, ds, hs, mis, ss, sign, ohs, oms = m.groups()
    key = (ys, mos, ds)
    days = _day_cache.get(key)
    if days is None:
        y, mo, d = int(ys), int(mos), int(ds)
        if not 1 <= mo <= 12:
            return None
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        if not 1 <= d <= (29 if mo == 2 and leap else MONTH_DAYS[mo]):
            return None
        days = _day_cache[key] = days_from_civil(y, mo, d)
    h, mi, s, oh, om = int(hs), int(mis), int(ss), int(ohs), int(oms)
    if h > 23 or mi > 59 or s > 59 or oh > 14 or om > 59:
        return None
    offset = oh * 3600 + om * 60
    return float(days * 86400 + h * 3600 + mi * 60 + s - (offset if sign == "+" else -offset))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python_import.py FILE.csv DB.sqlite")
    path, db_path = sys.argv[1], sys.argv[2]
    if os.path.exists(db_path):
        sys.exit(f"python_import.py: {db_path} exists; give a new path")
    t0 = time.monotonic()

    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(SCHEMA)

    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        try:
            (i_id, i_subj, i_desc, i_status, i_prio, i_via, i_rid, i_rname, i_remail, i_rphone, i_assignee,
             i_group, i_tags, i_created, i_updated) = (
                col[n] for n in ("Id", "Subject", "Description", "Status", "Priority", "Via", "Requester id",
                                 "Requester", "Requester email", "Requester phone", "Assignee email", "Group",
                                 "Tags", "Created at", "Updated at"))
        except KeyError as missing:
            sys.exit(f"python_import.py: the header has no {missing} column")
        width = len(header)

        contact_by_source, contact_by_email = {}, {}
        seen_tickets = set()
        next_contact = next_ticket = 1
        rows = created = rejected = duplicates = 0
        tickets, contacts, errors = [], [], []

        def flush():
            con.execute("BEGIN")
            if contacts:
                con.executemany("INSERT INTO contacts(id, source_id, name, email, phone) VALUES (?,?,?,?,?)",
                                contacts)
            if tickets:
                con.executemany(
                    "INSERT INTO tickets(id, source_id, subject, description, status, priority, channel,"
                    " requester_id, assignee_email, group_name, tags, created_at, updated_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", tickets)
            if errors:
                con.executemany("INSERT INTO import_errors(row, reason, original) VALUES (?,?,?)", errors)
            con.execute("COMMIT")
            contacts.clear()
            tickets.clear()
            errors.clear()

        for row in reader:
            rows += 1
            reasons = []
            if len(row) != width:
                reasons.append(f"The row has {len(row)} fields; the header has {width}.")
            else:
                source_id = row[i_id].strip()
                subject = row[i_subj].strip()
                if not source_id:
                    reasons.append("Id is empty.")
                if not subject:
                    reasons.append("Subject is empty.")
                status = STATUS.get(row[i_status].strip().lower())
                if status is None:
                    reasons.append(f"Status “{row[i_status]}” is not a Zendesk status.")
                priority = PRIORITY.get(row[i_prio].strip().lower())
                if priority is None:
                    reasons.append(f"Priority “{row[i_prio]}” is not a Zendesk priority.")
                channel = CHANNEL.get(row[i_via].strip().lower())
                if channel is None:
                    reasons.append(f"Via “{row[i_via]}” is not a Zendesk channel.")
                email = row[i_remail].strip().lower() or None
                if email is not None and not EMAIL(email):
                    reasons.append(f"Requester email “{row[i_remail]}” is not an email address.")
                assignee = row[i_assignee].strip().lower() or None
                if assignee is not None and not EMAIL(assignee):
                    reasons.append(f"Assignee email “{row[i_assignee]}” is not an email address.")
                phone = row[i_rphone].translate(PHONE_JUNK) or None
                if phone is not None and not PHONE(phone):
                    reasons.append(f"Requester phone “{row[i_rphone]}” is not an international (+) number.")
                text = row[i_created].strip()
                created_at = parse_stamp(text) if text else None
                if text and created_at is None:
                    reasons.append(f"Created at “{text}” is not a date and time.")
                text = row[i_updated].strip()
                updated_at = parse_stamp(text) if text else None
                if text and updated_at is None:
                    reasons.append(f"Updated at “{text}” is not a date and time.")

            if reasons:
                rejected += 1
                out = io.StringIO()
                csv.writer(out, lineterminator="").writerow(row)
                errors.append((rows, " ".join(reasons), out.getvalue()))
            elif source_id in seen_tickets:
                duplicates += 1
            else:
                seen_tickets.add(source_id)
                requester_source = row[i_rid].strip() or None
                requester = None
                if requester_source is not None:
                    requester = contact_by_source.get(requester_source)
                if requester is None and email is not None:
                    requester = contact_by_email.get(email)
                if requester is None and (requester_source or email or phone):
                    requester = next_contact
                    next_contact += 1
                    contacts.append((requester, requester_source, row[i_rname].strip() or None, email, phone))
                    if email is not None:
                        contact_by_email[email] = requester
                if requester_source is not None and requester is not None:
                    contact_by_source.setdefault(requester_source, requester)
                tickets.append((next_ticket, source_id, subject, row[i_desc], status, priority, channel, requester,
                                assignee, row[i_group].strip() or None, row[i_tags].strip() or None, created_at,
                                updated_at))
                next_ticket += 1
                created += 1
            if rows % BATCH == 0:
                flush()
        flush()
    con.close()
    print(f"rows={rows} created={created} rejected={rejected} duplicates={duplicates} "
          f"contacts={next_contact - 1} seconds={time.monotonic() - t0:.3f}")


if __name__ == "__main__":
    main()
