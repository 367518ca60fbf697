#!/usr/bin/env python3
"""Parse-only floor: read the whole CSV with pyarrow (default options, multithreaded) and do nothing else.

python bench/pyarrow_floor.py FILE            # pyarrow.csv.read_csv: the floor for any tool that reads CSV
python bench/pyarrow_floor.py FILE --stream   # pyarrow.csv.open_csv, batch by batch: bounded-memory floor
(a FILE ending in .parquet: pyarrow.parquet.read_table, or iter_batches with --stream)
"""

import sys

import pyarrow.csv

if sys.argv[1].endswith(".parquet"):  # the Parquet copy: decoding it is the floor
    import pyarrow.parquet as pq

    if len(sys.argv) > 2 and sys.argv[2] == "--stream":
        n = sum(b.num_rows for b in pq.ParquetFile(sys.argv[1]).iter_batches(batch_size=1 << 18))
    else:
        n = pq.read_table(sys.argv[1]).num_rows
elif len(sys.argv) > 2 and sys.argv[2] == "--stream":
    n = 0
    for batch in pyarrow.csv.open_csv(sys.argv[1]):
        n += batch.num_rows
else:
    n = pyarrow.csv.read_csv(sys.argv[1]).num_rows
print(n)
