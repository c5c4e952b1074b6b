"""The data ``bench.dashboard`` adds to the city of ``bench.staff_lists`` (1M issues, 300,000
receptions, 3,150 stations, 20,000 deputies): 50,000 suggestions to the county congresses,
5,000 supervision matters with their rounds and evaluations, and three contact households a
deputy with two visits each this year for most of them — inserted by SQL, once (again with
``--regenerate``). Dates spread over the last two years."""

SUGGESTIONS = 50_000
MATTERS = 5_000

SESSIONS_SQL = """
INSERT INTO suggestions_session (region_id, name, opens_on, closes_on, last_number)
SELECT g.id, g.name || y || '年人代会（bench）', make_date(y, 1, 10), make_date(y, 1, 13), 0
FROM portal_region g CROSS JOIN generate_series(%(first_year)s, %(last_year)s) AS y
WHERE g.level = 2
"""

SUGGESTIONS_SQL = """
WITH c AS (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS k
           FROM portal_region WHERE level = 2),
d AS (SELECT v.id, c.id AS county_id,
              row_number() OVER (PARTITION BY c.id ORDER BY v.id) AS n,
              count(*) OVER (PARTITION BY c.id) AS k
       FROM stations_representative v JOIN portal_region g ON g.id = v.region_id
       JOIN portal_region c ON c.level = 2 AND g.path LIKE c.path || '%%'),
u AS (SELECT id, region_id, row_number() OVER (PARTITION BY region_id ORDER BY id) AS n
      FROM portal_department WHERE kind = 'government'),
x AS (SELECT region_id, EXTRACT(YEAR FROM opens_on) AS year, min(id) AS id
      FROM suggestions_session GROUP BY 1, 2),
s AS (
  SELECT i, c.id AS region_id,
         now() - (random() * 720 || ' days')::interval AS at, random() AS r, random() AS q
  FROM generate_series(1, %(count)s) AS i JOIN c ON c.n = 1 + (i %% c.k)
),
t AS (
  SELECT s.*, d.id AS lead_id, u.id AS unit_id, x.id AS session_id
  FROM s JOIN d ON d.county_id = s.region_id AND d.n = 1 + (s.i %% d.k)
  LEFT JOIN u ON u.region_id = s.region_id AND u.n = 1 + (s.i %% 9)
  LEFT JOIN x ON x.region_id = s.region_id AND x.year = EXTRACT(YEAR FROM s.at)
)
INSERT INTO suggestions_suggestion (period, title, content, category, state, created_at,
  submitted_at, revision, lead_leader, assigned_at, round, due_on, is_key, first_replied_on,
  replied_in_time, reply_class, first_reply_rating, first_implementation_rating, reply_rating,
  implementation_rating, closed_at, closing_note, lead_id, lead_unit_id, region_id, session_id,
  search_text)
SELECT 'session', '关于改善民生的建议（bench）', '建议内容', 'welfare',
  CASE WHEN t.r < 0.1 THEN 'accepted' WHEN t.r < 0.3 THEN 'handling' WHEN t.r < 0.45 THEN 'replied'
       ELSE 'completed' END,
  t.at, t.at, 1, '', CASE WHEN t.r >= 0.1 THEN t.at + interval '20 days' END, 1,
  CASE WHEN t.r >= 0.1 THEN (t.at + interval '110 days')::date END, false,
  CASE WHEN t.r >= 0.3 THEN (t.at + interval '60 days')::date END,
  CASE WHEN t.r >= 0.3 THEN t.q > 0.1 END, CASE WHEN t.r >= 0.3 THEN 'A' ELSE '' END,
  CASE WHEN t.r >= 0.45 THEN (CASE WHEN t.q < 0.8 THEN 'satisfied' WHEN t.q < 0.95 THEN 'basically' ELSE 'unsatisfied' END) ELSE '' END,
  CASE WHEN t.r >= 0.45 THEN 'satisfied' ELSE '' END,
  CASE WHEN t.r >= 0.45 THEN (CASE WHEN t.q < 0.8 THEN 'satisfied' WHEN t.q < 0.95 THEN 'basically' ELSE 'unsatisfied' END) ELSE '' END,
  CASE WHEN t.r >= 0.45 THEN (CASE WHEN t.q < 0.7 THEN 'satisfied' ELSE 'basically' END) ELSE '' END,
  CASE WHEN t.r >= 0.45 THEN t.at + interval '90 days' END, '', t.lead_id,
  CASE WHEN t.r >= 0.1 THEN t.unit_id END, t.region_id, t.session_id, ''
FROM t WHERE t.lead_id IS NOT NULL
"""

MATTERS_SQL = """
WITH w AS (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS k
           FROM portal_region WHERE level = 3),
u AS (SELECT id FROM portal_department WHERE kind = 'government' ORDER BY id LIMIT 50)
INSERT INTO supervision_matter (title, description, source, state, classification, study_decision,
  explanation, round, due_on, result, published, published_title, published_summary, created_at,
  closed_at, created_by_id, department_id, region_id, search_text)
SELECT '督事事项（bench）', '说明', 'issues',
  CASE WHEN r < 0.5 THEN 'closed' WHEN r < 0.8 THEN 'handling' ELSE 'evaluating' END, 'supervise',
  '', '', 1 + (r < 0.2)::int, (at + interval '40 days')::date, '', false, '', '', at,
  CASE WHEN r < 0.5 THEN at + interval '60 days' END, %(author)s,
  (SELECT id FROM u OFFSET (i %% 50) LIMIT 1), w.id, ''
FROM (SELECT i, now() - (random() * 700 || ' days')::interval AS at, random() AS r
      FROM generate_series(1, %(count)s) AS i) s
JOIN w ON w.n = 1 + (s.i %% w.k)
"""

ROUNDS_SQL = """
INSERT INTO supervision_round (number, due_on, rectification, started_at, completed_at,
  completion_report, department_id, matter_id, region_id)
SELECT n, (m.created_at + (n * 30 || ' days')::interval)::date, '', m.created_at + ((n - 1) * 30 || ' days')::interval,
  CASE WHEN m.state <> 'handling' OR n < m.round
       THEN m.created_at + ((n * 30) - 5 + (random() * 10)::int || ' days')::interval END,
  '', m.department_id, m.id, m.region_id
FROM supervision_matter m CROSS JOIN LATERAL generate_series(1, m.round) AS n
WHERE m.title = '督事事项（bench）'
"""

EVALUATIONS_SQL = """
INSERT INTO supervision_evaluation (verdict, checked_on, findings, rectification, created_at,
  evaluated_by_id, region_id, round_id)
SELECT CASE WHEN o.number = m.round AND m.state = 'closed' THEN 'satisfied' ELSE 'unsatisfied' END,
  (o.completed_at + interval '3 days')::date, '', '', o.completed_at + interval '3 days',
  %(author)s, o.region_id, o.id
FROM supervision_round o JOIN supervision_matter m ON m.id = o.matter_id
WHERE o.completed_at IS NOT NULL AND m.title = '督事事项（bench）'
  AND (m.state = 'closed' OR o.number < m.round)
"""

HOUSEHOLDS_SQL = """
INSERT INTO stations_household (name, kind, phone, address, is_active, region_id, representative_id)
SELECT '联系户', k, '', '', true, v.region_id, v.id
FROM stations_representative v CROSS JOIN unnest(ARRAY['wealth_leader', 'poor', 'worthy']) AS k
"""

VISITS_SQL = """
INSERT INTO stations_contactvisit (date, method, note, recorded_by_id, region_id, household_id)
SELECT make_date(%(year)s, 1 + (random() * 10)::int, 1 + (random() * 27)::int), 'visit', '',
  %(author)s, h.region_id, h.id
FROM stations_household h CROSS JOIN generate_series(1, 2)
WHERE random() < 0.9
"""
