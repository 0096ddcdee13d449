-- `rounds due --all --format csv`, calendar policy, default levels, as one DuckDB job.
--
-- Run by examples/bench/duckdb_due.py, which substitutes:
--   ${RESIDENTS} ${VISITS}  paths of residents.csv and visits.csv (as SQL string bodies)
--   ${TODAY}                the as-of date T, YYYY-MM-DD
--   ${WITHIN}               the window W in days (default 7)
--   ${OUT}                  where the CSV goes (a file, or /dev/stdout)
--   ${R_ID} ${R_HOUSEHOLD} ${R_LEVEL} ${R_SINCE} ${R_UNTIL} ${R_GRID} ${R_BUILDING}
--   ${R_UNIT} ${R_ROOM} ${R_VISITOR} ${V_DATE} ${V_HOUSEHOLD}
--                           the roster's / log's columns as quoted identifiers (the
--                           header may use the Chinese aliases), or NULL when absent.
--
-- SPEC "Scheduling rules", numbered as there:
--   1  a resident is active on T: (since empty or since <= T) and (until empty or T < until)
--   2  only households with an active resident are listed
--   3  level = the strictest level among the residents active on T
--   4  S = the latest of (a) the earliest since among the residents active on T, when
--      every one of them has one, and (b) the first day of the current level run: the
--      latest day c <= T on which the household's level (rule 3; none when inactive)
--      differs from its level on c - 1; (c), the `start` setting, is never set here
--   5  last = the latest visit dated <= T to the household (visits to households missing
--      from the roster are ignored)
--   6  calendar deadline with P(d) = ISO week (Mon-Sun) / month / quarter / half-year
--   8  status with the window W; days_overdue / days_left
-- The household id is the resident id where `household` is empty; cells are trimmed;
-- grid, building, unit, room and visitor are the first non-empty value among all the
-- household's residents in file order.
--
-- Dates are read as ISO YYYY-MM-DD (what examples/gen writes); an impossible date is an
-- error, as in rounds. The other input forms rounds accepts (2024/1/2, 20240102, 2024年1月2日,
-- GB18030 files) are not handled here: this is a reference for the benchmark, not a port.

SET preserve_insertion_order = true;

-- Level words: English (any case), Chinese names and numbers, as in SPEC's level table.
CREATE TEMP MACRO level_rank(x) AS
    CASE lower(trim(x))
        WHEN 'red' THEN 1 WHEN '红' THEN 1 WHEN '红色' THEN 1 WHEN '一级' THEN 1 WHEN '一级关注' THEN 1 WHEN '1' THEN 1
        WHEN 'orange' THEN 2 WHEN '橙' THEN 2 WHEN '橙色' THEN 2 WHEN '二级' THEN 2 WHEN '二级关注' THEN 2 WHEN '2' THEN 2
        WHEN 'yellow' THEN 3 WHEN '黄' THEN 3 WHEN '黄色' THEN 3 WHEN '三级' THEN 3 WHEN '三级关注' THEN 3 WHEN '3' THEN 3
        WHEN 'green' THEN 4 WHEN '绿' THEN 4 WHEN '绿色' THEN 4 WHEN '一般' THEN 4 WHEN '一般关注' THEN 4 WHEN '4' THEN 4
        ELSE error('residents.csv: unknown level: ' || coalesce(x, '(empty)'))
    END;

CREATE TEMP MACRO level_name(r) AS ['red', 'orange', 'yellow', 'green'][r];

-- Months per period for orange / yellow / green (red is the ISO week).
CREATE TEMP MACRO period_months(r) AS CASE r WHEN 2 THEN 1 WHEN 3 THEN 3 ELSE 6 END;

-- First day of P(d) for level r.
CREATE TEMP MACRO period_start(r, d) AS
    CASE WHEN r = 1 THEN CAST(date_trunc('week', d) AS DATE)  -- ISO week: Monday
         ELSE make_date(year(d), ((month(d) - 1) // period_months(r)) * period_months(r) + 1, 1)
    END;

-- Last day of the n-th period counted from the period that starts on p (n = 1: that period).
CREATE TEMP MACRO period_end(r, p, n) AS
    CASE WHEN r = 1 THEN p + (7 * n - 1)
         ELSE CAST(p + to_months(n * period_months(r)) AS DATE) - 1
    END;

CREATE TEMP MACRO cell(x) AS nullif(trim(x), '');

-- The roster, in file order (rowid), trimmed and typed.
CREATE TEMP TABLE roster AS
SELECT
    coalesce(cell(${R_HOUSEHOLD}), cell(${R_ID}))    AS household,
    level_rank(${R_LEVEL})                           AS lv,
    CAST(cell(${R_SINCE}) AS DATE)                   AS since,
    CAST(cell(${R_UNTIL}) AS DATE)                   AS until,
    cell(${R_GRID})                                  AS grid,
    cell(${R_BUILDING})                              AS building,
    cell(${R_UNIT})                                  AS unit,
    cell(${R_ROOM})                                  AS room,
    cell(${R_VISITOR})                               AS visitor
FROM read_csv('${RESIDENTS}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
-- fully blank rows are skipped
WHERE coalesce(cell(${R_ID}), cell(${R_HOUSEHOLD}), cell(${R_LEVEL})) IS NOT NULL;

COPY (
    WITH flagged AS (
        SELECT *, rowid AS line,
               (since IS NULL OR since <= DATE '${TODAY}')
                   AND (until IS NULL OR DATE '${TODAY}' < until) AS active      -- rule 1
        FROM roster
    ),
    households AS (
        SELECT
            household,
            min(lv) FILTER (WHERE active)                               AS lv,        -- rule 3
            CASE WHEN bool_or(active AND since IS NULL) THEN NULL                     -- rule 4a
                 ELSE min(since) FILTER (WHERE active) END              AS s_a,
            arg_min(grid, line)     FILTER (WHERE grid IS NOT NULL)     AS grid,
            arg_min(building, line) FILTER (WHERE building IS NOT NULL) AS building,
            arg_min(unit, line)     FILTER (WHERE unit IS NOT NULL)     AS unit,
            arg_min(room, line)     FILTER (WHERE room IS NOT NULL)     AS room,
            arg_min(visitor, line)  FILTER (WHERE visitor IS NOT NULL)  AS visitor
        FROM flagged
        GROUP BY household
        HAVING bool_or(active)                                                        -- rule 2
    ),
    -- Rule 4b. The level can change only on a day some member's since or until falls
    -- on: for each such day c <= T, the household's level on c and on c - 1.
    edges AS (
        SELECT DISTINCT household, c
        FROM (SELECT household, since AS c FROM roster WHERE since IS NOT NULL
              UNION ALL
              SELECT household, until AS c FROM roster WHERE until IS NOT NULL)
        WHERE c <= DATE '${TODAY}'
    ),
    run_starts AS (
        SELECT household, max(c) AS run_start
        FROM (
            SELECT e.household, e.c,
                min(r.lv) FILTER (WHERE (r.since IS NULL OR r.since <= e.c)
                                    AND (r.until IS NULL OR e.c < r.until))     AS lv_on,
                min(r.lv) FILTER (WHERE (r.since IS NULL OR r.since <= e.c - 1)
                                    AND (r.until IS NULL OR e.c - 1 < r.until)) AS lv_before
            FROM edges e JOIN roster r USING (household)
            GROUP BY e.household, e.c
        )
        WHERE lv_on IS DISTINCT FROM lv_before
        GROUP BY household
    ),
    started AS (                                                                      -- rule 4
        SELECT h.*,
            CASE WHEN h.s_a IS NULL THEN r.run_start
                 WHEN r.run_start IS NULL THEN h.s_a
                 ELSE greatest(h.s_a, r.run_start) END AS s
        FROM households h LEFT JOIN run_starts r USING (household)
    ),
    last_visits AS (                                                                  -- rule 5
        -- (a household whose visits all come after T gets a NULL last, as if unvisited:
        -- the aggregate filter is faster than a WHERE, which DuckDB evaluates apart)
        SELECT household, max(d) FILTER (WHERE d <= DATE '${TODAY}') AS last
        FROM (
            SELECT cell(${V_HOUSEHOLD}) AS household, CAST(cell(${V_DATE}) AS DATE) AS d
            FROM read_csv('${VISITS}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
        )
        GROUP BY household
    ),
    scheduled AS (                                                                    -- rule 6
        SELECT h.*, v.last,
            CASE
                WHEN v.last IS NOT NULL
                     AND (h.s IS NULL OR period_start(h.lv, v.last) >= period_start(h.lv, h.s))
                    THEN period_end(h.lv, period_start(h.lv, v.last), 2)
                WHEN h.s IS NOT NULL
                    THEN period_end(h.lv, period_start(h.lv, h.s), 1)
                ELSE NULL                                                             -- -infinity
            END AS deadline
        FROM started h LEFT JOIN last_visits v USING (household)
    )
    SELECT                                                                            -- rule 8
        household,
        level_name(lv) AS level,
        grid, building, unit, room, visitor,
        last AS last_visit,
        deadline,
        CASE WHEN deadline IS NULL OR deadline < DATE '${TODAY}' THEN 'overdue'
             WHEN deadline <= DATE '${TODAY}' + ${WITHIN} THEN 'due'
             ELSE 'ok' END AS status,
        CASE WHEN deadline < DATE '${TODAY}' THEN DATE '${TODAY}' - deadline END AS days_overdue,
        CASE WHEN deadline >= DATE '${TODAY}' THEN deadline - DATE '${TODAY}' END AS days_left
    FROM scheduled
    -- rounds' default order: deadline ascending with -infinity first, stricter level
    -- first, then household id in byte order
    ORDER BY deadline ASC NULLS FIRST, lv, household
) TO '${OUT}' (FORMAT csv, HEADER true, DELIMITER ',');
