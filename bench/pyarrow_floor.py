#!/usr/bin/env python3
"""Parse-only floor: read the whole CSV with pyarrow (default options, multithreaded) and do nothing else.

python bench/pyarrow_floor.py FILE            # pyarrow.csv.read_csv: the floor for any tool that reads CSV
python bench/pyarrow_floor.py FILE --stream   # pyarrow.csv.open_csv, batch by batch: bounded-memory floor
"""

import sys

import pyarrow.csv

if len(sys.argv) > 2 and sys.argv[2] == "--stream":
    n = 0
    for batch in pyarrow.csv.open_csv(sys.argv[1]):
        n += batch.num_rows
else:
    n = pyarrow.csv.read_csv(sys.argv[1]).num_rows
print(n)
