#!/usr/bin/env python3
"""Writes pii-sample.jsonl: a labelled sample for PiiDetectorQualityTest.

Each line: {"field": <name of the JSON field the text came from>, "text": ..., "labels": [kinds]}.
Values are synthetic (generated with a fixed seed, valid check digits where the kind has them).
Re-run with: python3 make-pii-sample.py > pii-sample.jsonl
"""
import json
import random

rnd = random.Random(6)
lines = []


def add(field, text, *labels):
    lines.append({"field": field, "text": text, "labels": list(labels)})


def luhn_complete(prefix, length):
    digits = prefix + "".join(str(rnd.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for check in range(10):
        cand = digits + str(check)
        total = 0
        for i, ch in enumerate(reversed(cand)):
            d = int(ch)
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        if total % 10 == 0:
            return cand
    raise AssertionError


def luhn_ok(num):
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def group(num, sep, sizes):
    out, i = [], 0
    for s in sizes:
        out.append(num[i:i + s])
        i += s
    if i < len(num):
        out.append(num[i:])
    return sep.join(out)


IBAN_LEN = {"DE": 22, "FR": 27, "GB": 22, "NL": 18, "ES": 24, "IT": 27, "BE": 16, "CH": 21,
            "PL": 28, "SE": 24, "NO": 15, "AT": 20, "IE": 22, "PT": 25, "DK": 18}


def iban(country):
    n = IBAN_LEN[country]
    if country in ("GB", "NL", "IE"):
        bban = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        bban += "".join(str(rnd.randint(0, 9)) for _ in range(n - 8))
    elif country in ("FR", "IT"):
        bban = ("X" if country == "IT" else "") + "".join(str(rnd.randint(0, 9)) for _ in range(n - 4 - (1 if country == "IT" else 0)))
    else:
        bban = "".join(str(rnd.randint(0, 9)) for _ in range(n - 4))
    rearr = bban + country + "00"
    num = int("".join(str(int(c, 36)) for c in rearr))
    check = 98 - num % 97
    return country + f"{check:02d}" + bban


def spaced(s):
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


first = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
         "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe"]
domains = ["example.com", "mail.example.org", "corp.example.co.uk", "example.de", "sub.example.io",
           "example.fr", "uni.example.edu", "example.com.au"]

# --- EMAIL positives
email_templates = ["{e}", "contact: {e}", "please reply to {e} asap", "<{e}>", "Email {e}, thanks",
                   "cc {e};", "forwarded from {e} on monday", "({e})", "mailto:{e}", "user={e}&x=1"]
for i in range(40):
    local = rnd.choice(first) + rnd.choice(["", ".", "_", "+", "-"]) + rnd.choice(["", "smith", "99", "news", "x"])
    local = local.rstrip(".+-_") or "a"
    e = local + "@" + rnd.choice(domains)
    add(rnd.choice(["note", "comment", "contact", "message", "raw"]), email_templates[i % len(email_templates)].format(e=e), "EMAIL")

# --- PHONE positives (US default region, and international with +)
us = ["(415) 555-{n:04d}".replace("555", str(rnd.randint(201, 989))), ]
for i in range(40):
    area = rnd.choice([212, 415, 617, 312, 206, 303, 512, 646, 702, 919])
    exch = rnd.randint(201, 989)
    line = rnd.randint(1000, 9999)
    forms = [f"({area}) {exch}-{line}", f"{area}-{exch}-{line}", f"+1 {area} {exch} {line}",
             f"{area}.{exch}.{line}", f"+1-{area}-{exch}-{line}",
             "+44 20 7946 0" + f"{rnd.randint(100, 999)}", "+49 30 " + f"{rnd.randint(10000000, 99999999)}",
             "+33 1 42 68 " + f"{rnd.randint(10, 99)} {rnd.randint(10, 99)}"]
    p = forms[i % len(forms)]
    tmpl = ["{p}", "call me at {p}", "mobile: {p} (evenings)", "Tel {p}", "whatsapp {p} pls", "phone={p}"][i % 6]
    add(rnd.choice(["note", "phone_text", "message", "comment"]), tmpl.format(p=p), "PHONE")

# --- PAYMENT_CARD positives
card_specs = [("4", 16, [4, 4, 4, 4]), ("51", 16, [4, 4, 4, 4]), ("55", 16, [4, 4, 4, 4]), ("2221", 16, [4, 4, 4, 4]),
              ("37", 15, [4, 6, 5]), ("34", 15, [4, 6, 5]), ("6011", 16, [4, 4, 4, 4]), ("65", 16, [4, 4, 4, 4]),
              ("3530", 16, [4, 4, 4, 4]), ("36", 14, [4, 6, 4]), ("62", 19, [4, 4, 4, 4, 3]), ("4", 13, [4, 4, 5])]
for i in range(36):
    prefix, length, sizes = card_specs[i % len(card_specs)]
    num = luhn_complete(prefix, length)
    form = [num, group(num, " ", sizes), group(num, "-", sizes)][i % 3]
    tmpl = ["{c}", "card {c} exp 12/27", "paid with {c}", "cc#: {c}", "my card is {c}, cvv later", "[{c}]"][i % 6]
    add(rnd.choice(["note", "payment_note", "comment"]), tmpl.format(c=form), "PAYMENT_CARD")

# --- IBAN positives
for i in range(32):
    c = list(IBAN_LEN)[i % len(IBAN_LEN)]
    value = iban(c)
    form = value if i % 2 == 0 else spaced(value)
    tmpl = ["{v}", "IBAN: {v}", "please refund to {v} thanks", "account {v}.", "iban={v}"][i % 5]
    add(rnd.choice(["note", "bank", "comment"]), tmpl.format(v=form), "IBAN")

# --- US_SSN positives
for i in range(30):
    area = rnd.choice([a for a in range(1, 900) if a != 666])
    grp = rnd.randint(1, 99)
    ser = rnd.randint(1, 9999)
    sep = "-" if i % 4 else " "
    v = f"{area:03d}{sep}{grp:02d}{sep}{ser:04d}"
    tmpl = ["{v}", "SSN {v}", "ssn: {v} (verified)", "social security number {v}", "tax id {v};"][i % 5]
    add(rnd.choice(["note", "comment", "kyc"]), tmpl.format(v=v), "US_SSN")

# --- UK_NINO positives
nino_first = "ABCEGHJKLMNOPRSTWXYZ"
nino_second = "ABCEGHJKLMNPRSTWXYZ"
for i in range(30):
    while True:
        pre = rnd.choice(nino_first) + rnd.choice(nino_second)
        if pre not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            break
    d = f"{rnd.randint(0, 999999):06d}"
    suf = rnd.choice("ABCD")
    v = pre + d + suf if i % 2 == 0 else f"{pre} {d[:2]} {d[2:4]} {d[4:]} {suf}"
    tmpl = ["{v}", "NI number {v}", "nino: {v}", "National Insurance {v} on file"][i % 4]
    add(rnd.choice(["note", "comment", "hr"]), tmpl.format(v=v), "UK_NINO")

# --- IP_ADDRESS positives
for i in range(36):
    if i % 3 == 2:
        v = rnd.choice(["2001:db8::" + f"{rnd.randint(1, 65535):x}", f"2001:0db8:85a3:0000:0000:8a2e:0370:{rnd.randint(1, 65535):04x}",
                        "fe80::" + f"{rnd.randint(1, 65535):x}:{rnd.randint(1, 65535):x}", "::1",
                        f"2a00:1450:4001:{rnd.randint(100, 999)}::200e", "::ffff:192.0.2." + str(rnd.randint(1, 254))])
    else:
        v = f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"
    tmpl = ["{v}", "login from {v}", "client ip {v} blocked", "X-Forwarded-For: {v}", "remote_addr={v};"][i % 5]
    add(rnd.choice(["note", "client", "debug", "comment"]), tmpl.format(v=v), "IP_ADDRESS")

# --- mixed positives (two kinds in one text)
for i in range(12):
    e = rnd.choice(first) + "@" + rnd.choice(domains)
    area = rnd.choice([212, 415, 617])
    p = f"({area}) {rnd.randint(201, 989)}-{rnd.randint(1000, 9999)}"
    add("note", f"customer {e} called from {p} about order ORD-{rnd.randint(10000, 99999)}", "EMAIL", "PHONE")

# --- tricky negatives
neg = []
for i in range(20):
    neg.append(("order_ref", f"ORD-{rnd.randint(2019, 2026)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}-{rnd.randint(1000, 9999)}"))
    neg.append(("note", f"order #{rnd.randint(10000000, 99999999)} shipped"))
for i in range(15):
    ms = rnd.randint(1_600_000_000_000, 1_800_000_000_000)
    neg.append(("ts", str(ms)))
    neg.append(("note", f"event at {ms // 1000} (epoch seconds)"))
    neg.append(("ts", f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}.{rnd.randint(0, 999):03d}Z"))
    neg.append(("note", f"meeting {rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/2026 at {rnd.randint(8, 18)}:{rnd.choice(['00', '15', '30', '45'])}:00"))
for i in range(15):
    neg.append(("app_version", f"{rnd.randint(1, 9)}.{rnd.randint(0, 9)}.{rnd.randint(0, 20)}.{rnd.randint(0, 999)}"))
    neg.append(("note", f"upgraded to v{rnd.randint(1, 9)}.{rnd.randint(0, 9)}.{rnd.randint(0, 9)}.{rnd.randint(0, 99)} yesterday"))
    neg.append(("user_agent", f"Mozilla/5.0 (Windows NT 10.0) Chrome/{rnd.randint(100, 131)}.0.{rnd.randint(1000, 6999)}.{rnd.randint(10, 200)} Safari/537.36"))
    neg.append(("note", f"lodash@{rnd.randint(1, 4)}.{rnd.randint(0, 17)}.{rnd.randint(0, 21)} installed"))
for i in range(20):
    neg.append(("event_id", "%08x-%04x-4%03x-%04x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(12), 0x8000 | rnd.getrandbits(14), rnd.getrandbits(48))))
for i in range(10):
    neg.append(("tracking", f"1Z{rnd.randint(100, 999)}AA1{rnd.randint(1000000000, 9999999999)}"))
    neg.append(("tracking", f"94001118992{rnd.randint(10 ** 10, 10 ** 11 - 1)}"))
    neg.append(("tracking", f"{rnd.randint(10 ** 11, 10 ** 12 - 1)}"))
for i in range(20):
    while True:
        num = rnd.choice(["4", "5", "6", "3"]) + "".join(str(rnd.randint(0, 9)) for _ in range(15))
        if not luhn_ok(num):
            break
    neg.append(("note", [num, group(num, " ", [4, 4, 4, 4]), f"ref {num}"][i % 3]))
for i in range(15):
    neg.append(("price", f"${rnd.randint(1, 99999):,}.{rnd.randint(0, 99):02d}"))
    neg.append(("note", f"total EUR {rnd.randint(1000, 999999)},{rnd.randint(0, 99):02d} incl. VAT"))
for i in range(15):
    neg.append(("hash", "".join(rnd.choice("0123456789abcdef") for _ in range(rnd.choice([24, 32, 40])))))
    neg.append(("color", "#" + "".join(rnd.choice("0123456789ABCDEF") for _ in range(6))))
for i in range(12):
    body = "978" + "".join(str(rnd.randint(0, 9)) for _ in range(9))
    total = sum(int(d) * (1 if k % 2 == 0 else 3) for k, d in enumerate(body))
    isbn = body + str((10 - total % 10) % 10)
    neg.append(("note", [f"ISBN {isbn}", f"ISBN 978-{isbn[3]}-{isbn[4:7]}-{isbn[7:12]}-{isbn[12]}"][i % 2]))
for i in range(10):
    neg.append(("mac", ":".join(f"{rnd.getrandbits(8):02x}" for _ in range(6))))
    neg.append(("note", f"see section {rnd.randint(1, 9)}.{rnd.randint(1, 9)}.{rnd.randint(1, 9)} of the terms"))
    neg.append(("sku", f"SKU-{rnd.randint(100, 999)}-{rnd.randint(10, 99)}-{rnd.randint(1000, 9999)}-X"))
    neg.append(("note", f"zip {rnd.randint(10000, 99999)}-{rnd.randint(1000, 9999)}, qty {rnd.randint(1, 20)}"))
neg.extend([
    ("note", "user@localhost is not an address"), ("note", "see https://example.com/path?id=42"),
    ("note", "the meeting is at 10:30:00"), ("note", "std::vector<int> v;"),
    ("note", "ratio 3:4:5"), ("note", "SSN 000-12-3456 is not valid"), ("note", "ssn 666-12-3456 invalid area"),
    ("note", "ssn 912-34-5678 is an ITIN range"), ("note", "GB12 ABCD 1234 5678 9012 34 wrong check"),
    ("note", "DE00 1234 5678 9012 3456 78"), ("note", "nino GB123456A never allocated"),
    ("note", "version 10.0.19045.3803"), ("note", "phone ext 1234"), ("note", "call 911"),
    ("note", "pages 123-456"), ("note", "temperature 98.6F"), ("note", "coords 48.8566, 2.3522"),
    ("note", "room 1204, floor 12"), ("note", "serial 999999999"), ("note", "build 2026.11.24.1"),
])
for field, text in neg:
    add(field, text)

for line in lines:
    print(json.dumps(line, ensure_ascii=False))
