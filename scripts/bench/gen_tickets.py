#!/usr/bin/env python3
"""Writes a deterministic Zendesk-like ticket CSV export for the import benchmark.

    gen_tickets.py OUT.csv --rows N [--seed S] [--description-chars MIN-MAX]

Header (Zendesk's CSV export column names):
    Id,Subject,Description,Status,Priority,Via,Requester id,Requester,Requester email,
    Requester phone,Assignee email,Group,Organization id,Tags,Created at,Updated at

- Id runs 1..N; the same --seed and --rows give the same bytes.
- Requesters come from a pool of N/5 people, so they repeat; one requester id always has the
  same name, email and phone (E.164-able: "+49 30 1234567", "+1 (415) 555-2671"; ~20 % empty).
- Descriptions sometimes hold a comma, a "quoted" word (doubled quotes in the CSV) and an
  embedded line break, so the reader's quoting path is exercised.
- Dates are Zendesk CSV style, "2024-03-01 10:22:05 +0100", with Updated at >= Created at.
- About 1 % of the rows are invalid on purpose, one fault each, in turn: requester email
  "not-an-email", status "weird", Created at "2024-02-30 10:00:00 +0000".
- Description length defaults to 60-135 characters so that 1,000,000 rows come to about
  300 MB (the issue's file: 318 MB); --description-chars 150-250 gives longer texts
  (and a file of about 420 MB per million rows).
Standard library only. Prints the path, the row count and the size.
"""
import argparse
import csv
import os
import random
import sys
import time

HEADER = ["Id", "Subject", "Description", "Status", "Priority", "Via", "Requester id", "Requester",
          "Requester email", "Requester phone", "Assignee email", "Group", "Organization id", "Tags",
          "Created at", "Updated at"]

WORDS = """account access activation address admin after again alert android answer api app
archive attachment audit backup balance before billing blocked browser bug cancel card cart change
charge checkout chrome client code config connect contract coupon credit customer dashboard data
date deadline delivery device discount domain download duplicate email error export failed feature
field file firewall form help history import install integration invoice issue key label language
launch license limit link locked login logo mailbox message migration missing mobile network new
notification number onboarding order package page password payment phone plan portal price print
profile refund release renewal report request reset restore return role schedule search seat
server setting shipping signup slow sso status storage subscription support sync tax team template
ticket timeout token trial update upgrade upload user verify version webhook widget window
workflow""".split()

FIRST = """Anna Ben Clara David Elena Felix Greta Hugo Ines Jonas Karin Lukas Maria Nils Olga Paul
Rosa Sven Tara Ugo Vera Wim Xenia Yusuf Zoe Aiko Bruno Chloe Diego Emma Farid Hana Igor Julia Kenji
Lea Malik Nora Omar Priya Quinn Ravi Sara Tomas Uma Victor Wanda Yara""".split()

LAST = """Meyer Schmidt Novak Rossi Garcia Smith Jones Brown Tanaka Kim Silva Dubois Muller Kowalski
Jensen Nielsen Ivanov Costa Moreau Fischer Weber Wagner Becker Hoffmann Klein Wolf Koch Richter
Bauer Lopez Martin Lee Chen Singh Khan Ali Okafor Mensah Haddad Berg""".split()

MAIL_DOMAINS = ["example.com", "mail.de", "acme.io", "web.de", "corp.co.uk", "shop.fr", "gmx.net",
                "outlook.com"]
STATUSES = ["new", "open", "pending", "hold", "solved", "closed"]
STATUS_WEIGHTS = [8, 25, 12, 5, 30, 20]
PRIORITIES = ["low", "normal", "high", "urgent", ""]
PRIORITY_WEIGHTS = [15, 40, 15, 5, 25]
VIAS = ["email", "web", "voice", "chat", "api"]
VIA_WEIGHTS = [50, 25, 8, 12, 5]
GROUPS = ["Support", "Billing", "Tier 2", "Sales", "Returns"]
TAG_WORDS = """vip refund urgent_fix billing_q bug_report churn_risk sla_breach enterprise trial
feedback how_to mobile web api legal gdpr""".split()
OFFSETS = [("+0000", 0), ("+0100", 3600), ("+0200", 7200), ("-0500", -18000), ("-0800", -28800),
           ("+0530", 19800), ("+0900", 32400)]
EPOCH_START = 1672531200  # 2023-01-01 00:00:00 UTC
SPAN_DAYS = 731           # created at within 2023-01-01 .. 2024-12-31 (UTC)
TABLE_DAYS = SPAN_DAYS + 40  # room for the local offset and Updated at (<= 30 days later)


def day_strings():
    """'YYYY-MM-DD' for every day from the day before EPOCH_START on (local times may precede it)."""
    import datetime
    first = datetime.date(2022, 12, 31)
    return [(first + datetime.timedelta(days=i)).isoformat() for i in range(TABLE_DAYS + 2)]


def parse_range(text):
    try:
        lo, hi = (int(x) for x in text.split("-", 1))
    except ValueError:
        raise argparse.ArgumentTypeError("expected MIN-MAX, e.g. 150-250")
    if not 10 <= lo <= hi:
        raise argparse.ArgumentTypeError("expected 10 <= MIN <= MAX")
    return lo, hi


def main():
    ap = argparse.ArgumentParser(description="Deterministic Zendesk-like ticket CSV for the import benchmark.")
    ap.add_argument("out", metavar="OUT.csv")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--description-chars", type=parse_range, default=(60, 135), metavar="MIN-MAX")
    args = ap.parse_args()
    if args.rows < 1:
        ap.error("--rows must be at least 1")
    d_lo, d_hi = args.description_chars

    t0 = time.monotonic()
    rng = random.Random(args.seed)
    rand = rng.random
    randrange = rng.randrange
    choices = rng.choices
    choice = rng.choice

    # Requester pool: N/5 people, each with a fixed id, name, email and phone.
    people = max(1, args.rows // 5)
    p_ids, p_names, p_emails, p_phones = [], [], [], []
    for k in range(people):
        first, last = choice(FIRST), choice(LAST)
        p_ids.append(str(360000 + k * 7))
        p_names.append(f"{first} {last}")
        p_emails.append(f"{first.lower()}.{last[0].lower()}{k}@{choice(MAIL_DOMAINS)}")
        r = rand()
        if r < 0.20:
            p_phones.append("")
        elif r < 0.55:
            p_phones.append(f"+49 {randrange(30, 990)} {randrange(1000000, 99999999)}")
        elif r < 0.85:
            p_phones.append(f"+1 ({randrange(201, 990)}) 555-{randrange(1000, 10000)}")
        else:
            p_phones.append(f"+44 20 {randrange(7000, 8000)} {randrange(1000, 10000)}")
    agents = [f"{n.lower()}@helpdesk.example" for n in FIRST[:20]]
    assignee_pool = agents + [""] * 3  # ~13 % unassigned
    orgs = [str(9000 + i) for i in range(max(10, args.rows // 100))]
    days = day_strings()

    def stamp(t, off_text, off_secs):
        local = t + off_secs
        d, s = divmod(local - EPOCH_START, 86400)
        h, s = divmod(s, 3600)
        m, s = divmod(s, 60)
        return f"{days[d + 1]} {h:02d}:{m:02d}:{s:02d} {off_text}"

    statuses = choices(STATUSES, STATUS_WEIGHTS, k=1024)
    priorities = choices(PRIORITIES, PRIORITY_WEIGHTS, k=1024)
    vias = choices(VIAS, VIA_WEIGHTS, k=1024)

    invalid_kind = 0
    with open(args.out, "w", newline="", encoding="utf-8", buffering=1 << 20) as f:
        w = csv.writer(f)  # excel dialect: CRLF, minimal quoting, doubled quotes
        w.writerow(HEADER)
        rows = []
        for i in range(1, args.rows + 1):
            p = randrange(people)
            # Subject: 40-60 characters of words, cut at a word boundary.
            subj = " ".join(choices(WORDS, k=12))
            cut = subj.find(" ", randrange(40, 49))  # words are at most 12 characters long
            subj = subj[:cut if cut > 0 else 60].capitalize()
            # Description: MIN-MAX characters, sometimes a comma, a quote and a line break.
            words = choices(WORDS, k=d_hi // 5 + 4)
            r = rand()
            if r < 0.35:
                words[3] += ","
            if r < 0.12:
                words[6] = f'"{words[6]}"'
            if r < 0.08:
                words[9] += ".\n"
            desc = " ".join(words)
            cut = desc.find(" ", randrange(d_lo, max(d_lo, d_hi - 14) + 1))
            desc = desc[:cut if cut > 0 else d_hi - 1].capitalize() + "."

            off_text, off_secs = OFFSETS[i % 7 if i % 3 else 0]
            created = EPOCH_START + randrange(SPAN_DAYS * 86400)
            updated = created + (randrange(30 * 86400) if rand() < 0.8 else 0)
            created_s = stamp(created, off_text, off_secs)
            updated_s = stamp(updated, off_text, off_secs)

            ntags = randrange(4)
            tags = " ".join(choices(TAG_WORDS, k=ntags)) if ntags else ""
            email = p_emails[p]
            status = statuses[i & 1023]
            if rand() < 0.01:  # deliberately invalid, one fault per row, in turn
                if invalid_kind == 0:
                    email = "not-an-email"
                elif invalid_kind == 1:
                    status = "weird"
                else:
                    created_s = "2024-02-30 10:00:00 +0000"
                invalid_kind = (invalid_kind + 1) % 3

            rows.append((i, subj, desc, status, priorities[(i * 7) & 1023], vias[(i * 13) & 1023],
                         p_ids[p], p_names[p], email, p_phones[p], choice(assignee_pool), choice(GROUPS),
                         choice(orgs) if rand() < 0.6 else "", tags, created_s, updated_s))
            if len(rows) == 5000:
                w.writerows(rows)
                rows.clear()
        w.writerows(rows)

    size = os.path.getsize(args.out)
    print(f"{args.out}: {args.rows} rows, {size} bytes ({size / 1048576:.1f} MiB), "
          f"seed {args.seed}, {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
