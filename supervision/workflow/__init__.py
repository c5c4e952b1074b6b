"""State changes of supervision matters (督事), one module per stage. Each function checks
the actor through ``access``, locks the matter, moves it through ``portal.states.move`` (the
one table: ``Matter.TRANSITIONS``), writes the audit event and queues notifications — all
in one transaction.

Who does what:
- the region's congress office (a region grant with manage): lists matters, records the
  leadership group's study and classification, forms the group, sets the department and
  the deadline, publishes closed matters;
- the group's active members (guardian grants on the one matter): log their work and record
  the round's evaluation (一事一评);
- the responsible department's handlers: report progress and completion of their round.

- ``listing``: the matter list — create, link issues, study and classify;
- ``group``: the one group of a matter (一事一组) — form it, members join and leave;
- ``handling``: time-limited handling (限时办理) — start, work log, completion report;
- ``evaluation``: one evaluation per round (一事一评) and publication (事结公示).
"""

from supervision.workflow.common import units_for
from supervision.workflow.evaluation import matter_evaluate, matter_publish
from supervision.workflow.group import matter_add_member, matter_form_group, matter_remove_member
from supervision.workflow.handling import matter_log, matter_report_completion, matter_start
from supervision.workflow.listing import matter_create, matter_link_issues, matter_study

__all__ = [
    "matter_add_member",
    "matter_create",
    "matter_evaluate",
    "matter_form_group",
    "matter_link_issues",
    "matter_log",
    "matter_publish",
    "matter_remove_member",
    "matter_report_completion",
    "matter_start",
    "matter_study",
    "units_for",
]
