"""Every measure of ``portal.figures`` written again as plain SQL, by hand, from the rules of
DOMAIN.md and the figures' formulas — an independent computation to hold the registry to.

Each entry: measure key → SQL over the records under the region path ``%(path)s`` (a LIKE
prefix) dated from ``%(start)s`` to ``%(end)s`` (local dates, both included), with
``%(today)s``. Dates of timestamps are taken in Asia/Shanghai. PostgreSQL only.
"""

LOCAL = "(({col}) AT TIME ZONE 'Asia/Shanghai')::date"


def local(col: str) -> str:
    return LOCAL.format(col=col)


PETITION = f"""
FROM petitions_petition p JOIN portal_region r ON r.id = p.region_id
WHERE r.path LIKE %(path)s AND {local("p.submitted_at")} BETWEEN %(start)s AND %(end)s
"""
ANSWER = """SELECT 1 FROM petitions_petitionreply a WHERE a.petition_id = p.id
            AND a.kind IN ('reply', 'direct_answer')"""
LATEST = """(SELECT g.rating FROM petitions_petitionrating g WHERE g.petition_id = p.id
             ORDER BY g.round DESC LIMIT 1)"""
RECEPTION = """
FROM stations_reception e JOIN stations_station s ON s.id = e.station_id
JOIN portal_region r ON r.id = s.region_id
WHERE r.path LIKE %(path)s AND e.date BETWEEN %(start)s AND %(end)s
"""
MATTER = """
FROM stations_receptionmatter m JOIN stations_reception e ON e.id = m.reception_id
JOIN stations_station s ON s.id = e.station_id JOIN portal_region r ON r.id = s.region_id
WHERE r.path LIKE %(path)s AND e.date BETWEEN %(start)s AND %(end)s
"""
SUGGESTION = f"""
FROM suggestions_suggestion u JOIN portal_region r ON r.id = u.region_id
WHERE r.path LIKE %(path)s AND {local("u.submitted_at")} BETWEEN %(start)s AND %(end)s
"""
SUPERVISED = f"""
FROM supervision_matter t JOIN portal_region r ON r.id = t.region_id
WHERE r.path LIKE %(path)s AND {local("t.created_at")} BETWEEN %(start)s AND %(end)s
"""
CLOSED = f"""
FROM supervision_matter t JOIN portal_region r ON r.id = t.region_id
WHERE r.path LIKE %(path)s AND t.state = 'closed'
  AND {local("t.closed_at")} BETWEEN %(start)s AND %(end)s
"""
ROUND = """FROM supervision_round d JOIN portal_region r ON r.id = d.region_id
WHERE r.path LIKE %(path)s"""
DEPUTIES = """
FROM stations_representative v JOIN portal_region r ON r.id = v.region_id
WHERE r.path LIKE %(path)s AND v.is_active
"""
ACTIVE = "stations_household h WHERE h.representative_id = v.id AND h.is_active"
VISITS = """(SELECT count(*) FROM stations_contactvisit x WHERE x.household_id = h.id
             AND x.date BETWEEN make_date(y.year, 1, 1) AND make_date(y.year, 12, 31))"""
PROJECTS = """
FROM voting_candidate c JOIN voting_cycle y ON y.id = c.cycle_id
JOIN portal_region r ON r.id = y.region_id
WHERE r.path LIKE %(path)s AND c.outcome = 'adopted'
  AND y.year = EXTRACT(YEAR FROM %(end)s::date)
"""
YEARS = """(SELECT EXTRACT(YEAR FROM %(end)s::date)::int AS year) y"""

SQL = {
    "petitions.received": f"SELECT count(*) {PETITION}",
    "petitions.accepted": f"SELECT count(*) {PETITION} AND p.state NOT IN ('submitted', 'rejected', 'duplicate')",
    "petitions.closed": f"SELECT count(*) {PETITION} AND p.state IN ('resolved', 'closed_unresolved')",
    "petitions.resolved": f"SELECT count(*) {PETITION} AND p.state = 'resolved'",
    "petitions.overdue": f"SELECT count(*) {PETITION} AND p.state = 'forwarded' AND p.due_on < %(today)s",
    "petitions.replies_due": f"SELECT count(*) {PETITION} AND p.due_on IS NOT NULL AND (EXISTS ({ANSWER}) OR p.due_on < %(today)s)",
    "petitions.replied_in_time": f"SELECT count(*) {PETITION} AND p.due_on IS NOT NULL AND EXISTS ({ANSWER} AND {local('a.created_at')} <= p.due_on)",
    "petitions.rated": f"SELECT count(*) {PETITION} AND {LATEST} IS NOT NULL",
    "petitions.satisfied": f"SELECT count(*) {PETITION} AND {LATEST} IN ('satisfied', 'basically')",
    "receptions.receptions": f"SELECT count(*) {RECEPTION}",
    "receptions.people": f"SELECT coalesce(sum(e.people_count), 0) {RECEPTION}",
    "matters.collected": f"SELECT count(*) {MATTER}",
    "matters.solved": f"SELECT count(*) {MATTER} AND m.solved",
    "suggestions.filed": f"SELECT count(*) {SUGGESTION}",
    "suggestions.assigned": f"SELECT count(*) {SUGGESTION} AND u.state IN ('handling', 'replied', 'completed')",
    "suggestions.replied": f"SELECT count(*) {SUGGESTION} AND u.first_replied_on IS NOT NULL",
    "suggestions.replied_in_time": f"SELECT count(*) {SUGGESTION} AND u.replied_in_time",
    "suggestions.replies_due": f"SELECT count(*) {SUGGESTION} AND (u.first_replied_on IS NOT NULL OR (u.state = 'handling' AND u.due_on < %(today)s))",
    "suggestions.overdue": f"SELECT count(*) {SUGGESTION} AND u.state = 'handling' AND u.due_on < %(today)s",
    "suggestions.rated": f"SELECT count(*) {SUGGESTION} AND u.reply_rating <> ''",
    "suggestions.reply_satisfied": f"SELECT count(*) {SUGGESTION} AND u.reply_rating IN ('satisfied', 'basically')",
    "suggestions.implementation_satisfied": f"SELECT count(*) {SUGGESTION} AND u.implementation_rating IN ('satisfied', 'basically')",
    "supervision.opened": f"SELECT count(*) {SUPERVISED}",
    "supervision.done": f"SELECT count(*) {SUPERVISED} AND t.state = 'closed'",
    "supervision_closed.closed": f"SELECT count(*) {CLOSED}",
    "supervision_closed.first_round": f"SELECT count(*) {CLOSED} AND t.round = 1",
    "supervision_closed.rounds": f"SELECT count(*) FROM supervision_round o WHERE o.matter_id IN (SELECT t.id {CLOSED})",
    "supervision_rounds.completed": f"SELECT count(*) {ROUND} AND {local('d.completed_at')} BETWEEN %(start)s AND %(end)s",
    "supervision_rounds.on_time": f"SELECT count(*) {ROUND} AND {local('d.completed_at')} BETWEEN %(start)s AND %(end)s AND {local('d.completed_at')} <= d.due_on",
    "supervision_open_rounds.overdue": f"SELECT count(*) {ROUND} AND d.completed_at IS NULL AND d.due_on BETWEEN %(start)s AND %(end)s AND d.due_on < %(today)s",
    "supervision_evaluations.evaluations": "SELECT count(*) FROM supervision_evaluation n JOIN portal_region r ON r.id = n.region_id WHERE r.path LIKE %(path)s AND n.checked_on BETWEEN %(start)s AND %(end)s",
    "supervision_evaluations.satisfied": "SELECT count(*) FROM supervision_evaluation n JOIN portal_region r ON r.id = n.region_id WHERE r.path LIKE %(path)s AND n.checked_on BETWEEN %(start)s AND %(end)s AND n.verdict = 'satisfied'",
    # Yearly: the figure of the year the period ends in (not a sum of years).
    "contacts.deputies": f"SELECT count(*) FROM {YEARS} CROSS JOIN (SELECT v.id {DEPUTIES}) v",
    "contacts.compliant": f"""SELECT count(*) FROM {YEARS} CROSS JOIN (SELECT v.id {DEPUTIES}) v
        WHERE (SELECT count(*) FROM {ACTIVE}) >= 3
          AND EXISTS (SELECT 1 FROM {ACTIVE} AND h.kind = 'wealth_leader')
          AND EXISTS (SELECT 1 FROM {ACTIVE} AND h.kind = 'poor')
          AND EXISTS (SELECT 1 FROM {ACTIVE} AND h.kind = 'worthy')
          AND NOT EXISTS (SELECT 1 FROM {ACTIVE} AND {VISITS} < 2)""",
    "projects.adopted": f"SELECT count(*) {PROJECTS}",
    "projects.progress": f"""SELECT coalesce(sum(coalesce((SELECT round(sum(s.progress * s.weight)::numeric
        / nullif(sum(s.weight), 0)) FROM voting_milestone s WHERE s.project_id = c.id), 0)), 0) {PROJECTS}""",
}  # fmt: skip
