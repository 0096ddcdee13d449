-- Spark's day and month functions, for DuckDB (models.sql uses them).
CREATE OR REPLACE MACRO unix_date(d) AS CAST(CAST(d AS DATE) - DATE '1970-01-01' AS INTEGER);
CREATE OR REPLACE MACRO date_from_unix_date(n) AS CAST(DATE '1970-01-01' + CAST(n AS INTEGER) AS DATE);
CREATE OR REPLACE MACRO add_months(d, n) AS CAST(CAST(d AS DATE) + to_months(CAST(n AS INTEGER)) AS DATE);
