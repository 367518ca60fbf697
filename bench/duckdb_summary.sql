-- Per-task usability metrics from a raw event-log CSV, in DuckDB SQL (the SQL-fluent researcher's baseline).
-- $path is bound by bench/duckdb_summary.py. Time of an attempt = terminal timestamp - start timestamp.
WITH events AS (
    SELECT participant, variant, task, "timestamp" AS ts, event
    FROM read_csv($path, header = true,
                  types = {'participant': 'VARCHAR', 'variant': 'VARCHAR', 'task': 'VARCHAR',
                           'timestamp': 'DOUBLE', 'event': 'VARCHAR'})
    -- a start or end repeated exactly (a recorder writing twice) is dropped; a repeated click or error counts
    WINDOW w AS (PARTITION BY participant, task ORDER BY "timestamp", event)
    QUALIFY NOT (event IN ('start', 'success', 'failure', 'abandon')
                 AND coalesce(lag(event) OVER w = event AND lag("timestamp") OVER w = "timestamp", false))
),
numbered AS (
    -- attempt number = running count of "start" events of the same participant + task, by time
    SELECT *,
           count(*) FILTER (WHERE event = 'start') OVER (
               PARTITION BY participant, task ORDER BY ts
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS attempt
    FROM events
),
attempts AS (
    -- one row per attempt: it starts at its "start" and ends at its first terminal event
    SELECT participant, task, attempt,
           min(ts) FILTER (WHERE event = 'start') AS t_start,
           min(ts) FILTER (WHERE event IN ('success', 'failure', 'abandon')) AS t_end,
           arg_min(event, ts) FILTER (WHERE event IN ('success', 'failure', 'abandon')) AS outcome,
           count(*) FILTER (WHERE event = 'click') AS clicks,
           count(*) FILTER (WHERE event = 'error') AS errors
    FROM numbered
    WHERE attempt > 0
    GROUP BY participant, task, attempt
),
timed AS (
    SELECT *, t_end - t_start AS time FROM attempts WHERE outcome IS NOT NULL
)
SELECT task,
       count(*)                                                  AS attempts,
       count(*) FILTER (WHERE outcome = 'success')               AS successes,
       count(*) FILTER (WHERE outcome = 'failure')               AS failures,
       count(*) FILTER (WHERE outcome = 'abandon')               AS abandons,
       avg(CASE WHEN outcome = 'success' THEN 1.0 ELSE 0.0 END)  AS success_rate,
       avg(CASE WHEN outcome = 'abandon' THEN 1.0 ELSE 0.0 END)  AS abandonment_rate,
       sum(errors)                                               AS errors_total,
       avg(errors)                                               AS errors_per_attempt,
       avg(CASE WHEN errors > 0 THEN 1.0 ELSE 0.0 END)           AS error_rate,
       avg(clicks) FILTER (WHERE outcome = 'success')            AS clicks_mean,
       exp(avg(ln(time)) FILTER (WHERE outcome = 'success'))     AS time_geomean,
       median(time) FILTER (WHERE outcome = 'success')           AS time_median,
       avg(time) FILTER (WHERE outcome = 'success')              AS time_mean
FROM timed
GROUP BY task
ORDER BY task
