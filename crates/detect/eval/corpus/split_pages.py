# Splits each labelled page set into dev and test halves by a hash of the candidate's name and URL
# (officials and the home row go to both), once, before any tuning.
import csv, hashlib, sys, os
src, dev, test = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.reader(open(src, newline="")))
head, body = rows[0], rows[1:]
out = {dev: [head], test: [head]}
for r in body:
    if r[0] != "candidate":
        out[dev].append(r); out[test].append(r); continue
    h = hashlib.sha256((r[1] + "|" + r[2]).encode()).digest()[0]
    out[test if h % 2 else dev].append(r)
for path, rs in out.items():
    with open(os.path.join(path, os.path.basename(src)), "w", newline="") as f:
        csv.writer(f).writerows(rs)
