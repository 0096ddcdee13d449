-- The rules of rounds as SQL over the tables of `rounds export`, in the
-- dialect DuckDB and Spark SQL share (see README.md beside this file).
--
-- Inputs, as views the caller makes (compare.py does):
--   residents, history, visits, settings, levels   one export date's rows of
--                                                  each table (any number of
--                                                  communities)
--   run_day(day DATE)                  the as-of date T of `due`
--   report_span(first_day DATE, as_of DATE) the report's month and its as-of date
--                                      (run_day must then hold as_of)
-- Outputs: due_rows (`rounds due --all`), report_households, report_overdue,
-- report_visits, report_by_grid, report_by_visitor, report_compliance.
--
-- Days are counted with unix_date / date_from_unix_date and months with
-- add_months, Spark's own functions; DuckDB gets them from duckdb_prelude.sql.
-- 1000-01-01 and 9999-12-31 stand for "before everything" and "never".

-- Each chain of changes of one field of one resident, in date order (file
-- order for equal dates).
CREATE OR REPLACE TEMPORARY VIEW chain AS
SELECT community, resident, field, date, from_value, to_value,
       ROW_NUMBER() OVER (PARTITION BY community, resident, field ORDER BY date, line) AS k,
       LEAD(date) OVER (PARTITION BY community, resident, field ORDER BY date, line) AS next_date
FROM history
WHERE field IN ('household', 'level', 'since', 'until', 'grid', 'building');

-- The value of a field from valid_from (inclusive) to valid_to (exclusive):
-- before the first change its `from`, then each change's `to` until the
-- next (SPEC "The roster as of day d"; equal dates leave empty spans).
CREATE OR REPLACE TEMPORARY VIEW span AS
SELECT community, resident, field, valid_from, valid_to, value FROM (
  SELECT community, resident, field, DATE '1000-01-01' AS valid_from, date AS valid_to,
         from_value AS value
  FROM chain WHERE k = 1
  UNION ALL
  SELECT community, resident, field, date, COALESCE(next_date, DATE '9999-12-31'), to_value
  FROM chain
) s
WHERE valid_from < valid_to;

-- The days on which something about a resident may change: a change, and
-- any day its `since` or `until` ever names.
CREATE OR REPLACE TEMPORARY VIEW cut AS
SELECT community, resident, day,
       COALESCE(LEAD(day) OVER (PARTITION BY community, resident ORDER BY day),
                DATE '9999-12-31') AS next_day
FROM (
  SELECT community, id AS resident, DATE '1000-01-01' AS day FROM residents
  UNION SELECT community, id, since FROM residents WHERE since IS NOT NULL
  UNION SELECT community, id, until FROM residents WHERE until IS NOT NULL
  UNION SELECT community, resident, valid_from FROM span
  UNION SELECT community, resident, valid_to FROM span WHERE valid_to < DATE '9999-12-31'
  UNION SELECT community, resident,
               CASE WHEN field IN ('since', 'until') THEN CAST(NULLIF(value, '') AS DATE) END
        FROM span WHERE field IN ('since', 'until') AND value <> ''
) d;

-- Each resident, span by span: household, level, since, until, grid and
-- building as of those days, and whether it is active on them (rule 1).
CREATE OR REPLACE TEMPORARY VIEW stint AS
SELECT community, resident, line, from_day, to_day, household, level_rank, since,
       grid, building,
       (since IS NULL OR since <= from_day) AND (until IS NULL OR from_day < until) AS active
FROM (
  SELECT c.community, c.resident, r.line, c.day AS from_day, c.next_day AS to_day,
         CASE WHEN hh.resident IS NULL THEN r.household
              ELSE COALESCE(NULLIF(hh.value, ''), r.id) END AS household,
         CASE WHEN lv.resident IS NULL THEN r.level_rank
              ELSE CASE lv.value WHEN 'red' THEN 1 WHEN 'orange' THEN 2
                                 WHEN 'yellow' THEN 3 WHEN 'green' THEN 4 END END AS level_rank,
         CASE WHEN sn.resident IS NULL THEN r.since
              ELSE CAST(NULLIF(sn.value, '') AS DATE) END AS since,
         CASE WHEN un.resident IS NULL THEN r.until
              ELSE CAST(NULLIF(un.value, '') AS DATE) END AS until,
         CASE WHEN gr.resident IS NULL THEN COALESCE(r.grid, '')
              ELSE COALESCE(gr.value, '') END AS grid,
         CASE WHEN bd.resident IS NULL THEN COALESCE(r.building, '')
              ELSE COALESCE(bd.value, '') END AS building
  FROM cut c
  JOIN residents r ON r.community = c.community AND r.id = c.resident
  LEFT JOIN span hh ON hh.community = c.community AND hh.resident = c.resident
       AND hh.field = 'household' AND hh.valid_from <= c.day AND c.day < hh.valid_to
  LEFT JOIN span lv ON lv.community = c.community AND lv.resident = c.resident
       AND lv.field = 'level' AND lv.valid_from <= c.day AND c.day < lv.valid_to
  LEFT JOIN span sn ON sn.community = c.community AND sn.resident = c.resident
       AND sn.field = 'since' AND sn.valid_from <= c.day AND c.day < sn.valid_to
  LEFT JOIN span un ON un.community = c.community AND un.resident = c.resident
       AND un.field = 'until' AND un.valid_from <= c.day AND c.day < un.valid_to
  LEFT JOIN span gr ON gr.community = c.community AND gr.resident = c.resident
       AND gr.field = 'grid' AND gr.valid_from <= c.day AND c.day < gr.valid_to
  LEFT JOIN span bd ON bd.community = c.community AND bd.resident = c.resident
       AND bd.field = 'building' AND bd.valid_from <= c.day AND c.day < bd.valid_to
  WHERE c.day < c.next_day
) s;

-- The residents as of T.
CREATE OR REPLACE TEMPORARY VIEW stint_on_day AS
SELECT s.* FROM stint s CROSS JOIN run_day p
WHERE s.from_day <= p.day AND p.day < s.to_day;

-- Households active on T (rule 2), their level (rule 3) and, when every
-- active member has a `since`, the earliest (rule 4a).
CREATE OR REPLACE TEMPORARY VIEW house_on_day AS
SELECT community, household, MIN(level_rank) AS level_rank,
       CASE WHEN COUNT(*) = COUNT(since) THEN MIN(since) END AS since_start
FROM stint_on_day WHERE active
GROUP BY community, household;

-- A household's grid and building on T: the first non-empty among its
-- residents, in file order.
CREATE OR REPLACE TEMPORARY VIEW house_place AS
SELECT g.community, g.household, g.grid, b.building FROM (
  SELECT community, household, grid FROM (
    SELECT community, household, grid,
           ROW_NUMBER() OVER (PARTITION BY community, household ORDER BY line) AS k
    FROM stint_on_day WHERE grid <> '') x WHERE k = 1
) g FULL OUTER JOIN (
  SELECT community, household, building FROM (
    SELECT community, household, building,
           ROW_NUMBER() OVER (PARTITION BY community, household ORDER BY line) AS k
    FROM stint_on_day WHERE building <> '') x WHERE k = 1
) b ON b.community = g.community AND b.household = g.household;

-- Rule 4b: the first day of the current level run, the latest day c <= T
-- whose level differs from that of c - 1. The level can change only where
-- a stint of one of its residents begins or ends.
CREATE OR REPLACE TEMPORARY VIEW run_start AS
SELECT community, household, MAX(day) AS day FROM (
  SELECT c.community, c.household, c.day,
         MIN(CASE WHEN s.from_day <= c.day AND c.day < s.to_day THEN s.level_rank END) AS now_rank,
         MIN(CASE WHEN s.from_day < c.day AND c.day <= s.to_day THEN s.level_rank END) AS before_rank
  FROM (
    SELECT DISTINCT x.community, x.household, x.day FROM (
      SELECT community, household, from_day AS day FROM stint
      UNION ALL SELECT community, household, to_day FROM stint
    ) x
    JOIN house_on_day h ON h.community = x.community AND h.household = x.household
    CROSS JOIN run_day p
    WHERE x.day > DATE '1000-01-01' AND x.day <= p.day
  ) c
  JOIN stint s ON s.community = c.community AND s.household = c.household AND s.active
  GROUP BY c.community, c.household, c.day
) k
WHERE now_rank IS DISTINCT FROM before_rank
GROUP BY community, household;

-- Rule 5: the latest visit on or before T.
CREATE OR REPLACE TEMPORARY VIEW last_visit AS
SELECT v.community, v.household, MAX(v.date) AS last
FROM visits v CROSS JOIN run_day p
WHERE v.date <= p.day
GROUP BY v.community, v.household;

-- Each active household with what its deadline depends on: the level's
-- period and interval, `last`, and the start S (rule 4: the latest of 4a,
-- 4b and `start`).
CREATE OR REPLACE TEMPORARY VIEW due_base AS
SELECT h.community, h.household, h.level_rank, l.level, l.period_months,
       l.interval_days, l.interval_months, st.policy, lv.last,
       NULLIF(GREATEST(COALESCE(h.since_start, DATE '1000-01-01'),
                       COALESCE(rs.day, DATE '1000-01-01'),
                       COALESCE(st.start, DATE '1000-01-01')),
              DATE '1000-01-01') AS s
FROM house_on_day h
JOIN levels l ON l.community = h.community AND l.level_rank = h.level_rank
JOIN settings st ON st.community = h.community
LEFT JOIN run_start rs ON rs.community = h.community AND rs.household = h.household
LEFT JOIN last_visit lv ON lv.community = h.community AND lv.household = h.household;

-- The first day of the level's period holding `last` and S, and of the one
-- after each (a week: ISO Monday to Sunday; n months: aligned to January).
CREATE OR REPLACE TEMPORARY VIEW due_periods AS
SELECT b.*,
       CASE WHEN period_months = 0
            THEN date_from_unix_date(unix_date(last) - ((unix_date(last) + 3) % 7 + 7) % 7)
            ELSE make_date(year(last),
                           CAST(floor((month(last) - 1) / NULLIF(period_months, 0)) AS INT) * period_months + 1, 1)
       END AS last_period,
       CASE WHEN period_months = 0
            THEN date_from_unix_date(unix_date(s) - ((unix_date(s) + 3) % 7 + 7) % 7)
            ELSE make_date(year(s),
                           CAST(floor((month(s) - 1) / NULLIF(period_months, 0)) AS INT) * period_months + 1, 1)
       END AS s_period
FROM due_base b;

-- Rules 6 and 7: the deadline (NULL for minus infinity).
CREATE OR REPLACE TEMPORARY VIEW due_deadline AS
SELECT p.*,
  CASE
    WHEN policy = 'rolling' THEN
      CASE WHEN last IS NULL AND s IS NULL THEN NULL
           WHEN interval_days IS NOT NULL
             THEN date_from_unix_date(unix_date(GREATEST(COALESCE(last, s), COALESCE(s, last)))
                                      + interval_days)
           ELSE add_months(GREATEST(COALESCE(last, s), COALESCE(s, last)), interval_months)
      END
    WHEN last IS NOT NULL AND (s IS NULL OR last_period >= s_period) THEN
      -- the last day of the period after the one holding `last`
      CASE WHEN period_months = 0
           THEN date_from_unix_date(unix_date(last_period) + 13)
           ELSE date_from_unix_date(unix_date(add_months(last_period, 2 * period_months)) - 1)
      END
    WHEN s IS NOT NULL THEN
      -- the last day of the period holding S
      CASE WHEN period_months = 0
           THEN date_from_unix_date(unix_date(s_period) + 6)
           ELSE date_from_unix_date(unix_date(add_months(s_period, period_months)) - 1)
      END
  END AS deadline
FROM due_periods p;

-- Rule 8 and `rounds due --all --format csv`, in its order.
CREATE OR REPLACE TEMPORARY VIEW due_rows AS
SELECT d.community, d.household, d.level, d.level_rank,
       COALESCE(pl.grid, '') AS grid, COALESCE(pl.building, '') AS building,
       d.last AS last_visit, d.deadline,
       CASE WHEN d.deadline IS NULL OR d.deadline < p.day THEN 'overdue'
            WHEN unix_date(d.deadline) <= unix_date(p.day) + st.within THEN 'due'
            ELSE 'ok' END AS status,
       CASE WHEN d.deadline < p.day THEN unix_date(p.day) - unix_date(d.deadline) END
         AS days_overdue,
       CASE WHEN d.deadline >= p.day THEN unix_date(d.deadline) - unix_date(p.day) END
         AS days_left
FROM due_deadline d
CROSS JOIN run_day p
JOIN settings st ON st.community = d.community
LEFT JOIN house_place pl ON pl.community = d.community AND pl.household = d.household;

-- ---------------------------------------------------------------------------
-- The report's SPEC figures for the month of report_span, as of its as_of
-- (run_day = as_of).

-- Active households per level on as_of.
CREATE OR REPLACE TEMPORARY VIEW report_households AS
SELECT community, level, COUNT(*) AS households
FROM due_rows GROUP BY community, level;

-- Overdue per level, as `due` counts them on as_of.
CREATE OR REPLACE TEMPORARY VIEW report_overdue AS
SELECT community, level, COUNT(*) AS overdue
FROM due_rows WHERE status = 'overdue' GROUP BY community, level;

-- The month's visits (up to as_of) to households of the roster, each with
-- the residents active in its household that day, and its grid that day.
CREATE OR REPLACE TEMPORARY VIEW month_visits AS
SELECT v.community, v.date, v.household, COALESCE(v.visitor, '') AS visitor, v.persons,
       ROW_NUMBER() OVER (PARTITION BY v.community ORDER BY v.date, v.household) AS visit_no
FROM visits v CROSS JOIN report_span r
WHERE v.date >= r.first_day AND v.date <= r.as_of
  AND EXISTS (SELECT 1 FROM stint s WHERE s.community = v.community
                                      AND s.household = v.household);

CREATE OR REPLACE TEMPORARY VIEW month_visit_members AS
SELECT m.community, m.visit_no, m.household, m.visitor, m.persons,
       COUNT(CASE WHEN s.active THEN 1 END) AS active_members,
       MIN(CASE WHEN s.grid <> '' THEN s.line END) AS grid_line
FROM month_visits m
LEFT JOIN stint s ON s.community = m.community AND s.household = m.household
     AND s.from_day <= m.date AND m.date < s.to_day
GROUP BY m.community, m.visit_no, m.household, m.visitor, m.persons;

CREATE OR REPLACE TEMPORARY VIEW report_visits AS
SELECT community, COUNT(*) AS visits, COUNT(DISTINCT household) AS households_visited,
       SUM(COALESCE(persons, active_members)) AS person_times
FROM month_visit_members GROUP BY community;

CREATE OR REPLACE TEMPORARY VIEW report_by_grid AS
SELECT m.community, COALESCE(s.grid, '') AS grid, COUNT(*) AS visits
FROM month_visit_members m
JOIN month_visits v ON v.community = m.community AND v.visit_no = m.visit_no
LEFT JOIN stint s ON s.community = m.community AND s.household = m.household
     AND s.line = m.grid_line AND s.from_day <= v.date AND v.date < s.to_day
GROUP BY m.community, COALESCE(s.grid, '');

CREATE OR REPLACE TEMPORARY VIEW report_by_visitor AS
SELECT community, visitor, COUNT(*) AS visits
FROM month_visits GROUP BY community, visitor;

-- Compliance: each level's periods that end within the month and on or
-- before as_of; a household is required in one when it is active and of
-- that level on its last day, and met when a visit falls within it.
CREATE OR REPLACE TEMPORARY VIEW report_window AS
SELECT DISTINCT community, level, level_rank, start_day, end_day FROM (
  SELECT l.community, l.level, l.level_rank, w.start_day,
         CASE WHEN l.period_months = 0 THEN date_from_unix_date(unix_date(w.start_day) + 6)
              ELSE date_from_unix_date(unix_date(add_months(w.start_day, l.period_months)) - 1)
         END AS end_day, r.first_day, r.as_of
  FROM (
    SELECT l.community, l.level_rank, l.period_months,
           CASE WHEN l.period_months = 0
                THEN date_from_unix_date(unix_date(d.day) - ((unix_date(d.day) + 3) % 7 + 7) % 7)
                ELSE make_date(year(d.day), CAST(floor((month(d.day) - 1) / NULLIF(l.period_months, 0)) AS INT)
                               * l.period_months + 1, 1)
           END AS start_day
    FROM levels l
    CROSS JOIN (
      SELECT date_from_unix_date(unix_date(r.first_day) + n.k) AS day
      FROM report_span r
      CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12),
                         (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23),
                         (24), (25), (26), (27), (28), (29), (30)) AS n(k)
    ) d
  ) w
  JOIN levels l ON l.community = w.community AND l.level_rank = w.level_rank
  CROSS JOIN report_span r
) x
WHERE end_day >= first_day AND end_day <= as_of;

CREATE OR REPLACE TEMPORARY VIEW report_compliance AS
SELECT w.community, w.level, COUNT(*) AS required, COUNT(m.household) AS met
FROM report_window w
JOIN (
  SELECT w.community, w.end_day, s.household, MIN(s.level_rank) AS level_rank
  FROM (SELECT DISTINCT community, end_day FROM report_window) w
  JOIN stint s ON s.community = w.community AND s.active
       AND s.from_day <= w.end_day AND w.end_day < s.to_day
  GROUP BY w.community, w.end_day, s.household
) h ON h.community = w.community AND h.end_day = w.end_day AND h.level_rank = w.level_rank
LEFT JOIN (
  SELECT DISTINCT w.community, w.level_rank, w.end_day, v.household
  FROM report_window w
  JOIN visits v ON v.community = w.community
       AND v.date >= w.start_day AND v.date <= w.end_day
) m ON m.community = w.community AND m.level_rank = w.level_rank AND m.end_day = w.end_day
     AND m.household = h.household
GROUP BY w.community, w.level;
