"""Demo citizen issues in every state, for `make run` (idempotent through client tokens)."""

from django.db import transaction

from petitions import workflow
from petitions.models import Petition
from portal.demo.core import DEMO_PASSWORD
from portal.models import Department, Region, User

SHIPU = "330225100000"
PHONE = "13800000000"

# token, village code, category, title, description, what happens next
ISSUES = [
    ("demo-01", "330225100202", "traffic", "番西村村道路灯坏了", "番西村主干道有五盏路灯不亮，晚上老人出行不方便。", "submitted"),
    ("demo-02", "330225100201", "safety", "渔港码头缺少护栏", "东门渔港码头北侧没有护栏，孩子在附近玩耍很危险。", "accepted"),
    ("demo-03", "330225100203", "traffic", "去石浦的公交班次太少", "沙塘湾村早上去石浦镇区的公交只有两班，学生和上班的人挤不上车。", "forwarded"),
    ("demo-04", "330225100001", "traffic", "石浦客运站候车亭破损", "客运站门口候车亭顶棚破了，下雨天没地方躲雨。", "replied"),
    ("demo-05", "330225100001", "housing", "老旧小区雨污管网堵塞", "延昌社区老旧小区雨污管网经常堵塞，一下大雨就积水。", "escalated"),
    ("demo-06", "330225100203", "environment", "村里饮用水浑浊", "沙塘湾村最近自来水发黄浑浊，烧开后有沉淀。", "resolved"),
    ("demo-07", "330225100202", "other", "要求处理邻里纠纷", "邻居占用我家门前空地堆放杂物，协商不成。", "rejected"),
    ("demo-08", "330225100203", "traffic", "早班公交太挤", "沙塘湾到石浦的早班公交太挤了，希望增加班次。", "duplicate"),
    ("demo-09", "330225100002", "social", "希望在社区设立老年食堂", "金山社区老人多，希望设立老年食堂。", "closed_unresolved"),
    ("demo-10", "330225100204", "traffic", "石浦公交车班次少", "昌国村去石浦镇上的公交车班次太少，等车要一个多小时。", "submitted"),
    ("demo-11", "330225100201", "traffic", "增加到石浦的公交班次", "东门村去石浦的公交车太少了，早上根本坐不上。", "submitted"),
]  # fmt: skip


@transaction.atomic
def build(regions: dict[str, Region]) -> None:
    if Petition.objects.filter(client_token="demo-01").exists():
        return
    staff = User.objects.get(username="shipu_staff")
    handler = User.objects.get(username="dept_traffic")
    traffic = handler.department
    township_government = Department.objects.get(region=regions[SHIPU], name="石浦镇人民政府")
    created = {}
    for token, village, category, title, description, _target in ISSUES:
        created[token] = workflow.petition_submit(
            channel="web", region_id=regions[village].pk, category=category, title=title,
            description=description, citizen_name="群众" + token[-2:], citizen_phone=PHONE,
            wants_feedback=True, client_token=token,
        )  # fmt: skip
    for token, *_rest, target in ISSUES:
        pk = created[token].pk
        if target == "submitted":
            continue
        if target in ("duplicate",):
            workflow.petition_mark_duplicate(
                actor=staff, petition_id=pk, original_id=created["demo-03"].pk
            )
            continue
        if target == "rejected":
            workflow.petition_reject(
                actor=staff,
                petition_id=pk,
                reason="邻里纠纷属于民事纠纷，请向村调委会或司法所申请调解。",
            )
            continue
        workflow.petition_accept(actor=staff, petition_id=pk)
        if target in ("forwarded", "replied"):
            workflow.petition_forward(actor=staff, petition_id=pk, department_id=traffic.pk)
        if target == "replied":
            workflow.petition_reply(
                actor=handler, petition_id=pk, text="已安排维修候车亭，预计两周内完成。"
            )
        if target in ("escalated", "closed_unresolved"):
            workflow.petition_escalate(
                actor=staff, petition_id=pk, note="多名群众反映，列入督事清单。"
            )
        if target == "closed_unresolved":
            workflow.petition_close(
                actor=staff, petition_id=pk, resolved=False,
                reason="社区暂无合适场地，已纳入明年民生实事项目征集。",
            )  # fmt: skip
        if target == "resolved":
            workflow.petition_forward(
                actor=staff, petition_id=pk, department_id=township_government.pk
            )
            township_government.refresh_from_db()
            unit_user = _unit_user(township_government)
            workflow.petition_reply(
                actor=unit_user, petition_id=pk, text="已联系水厂清洗管网，水质已恢复。"
            )
            workflow.petition_rate(petition_id=pk, rating="satisfied", comment="现在水清了，谢谢。")
            workflow.petition_publish(
                actor=staff, petition_id=pk, title="沙塘湾村饮用水恢复清澈",
                summary="镇政府协调水厂清洗供水管网，水质检测合格。",
            )  # fmt: skip


def _unit_user(department: Department) -> User:
    """The township government's handler account (created for the demo)."""
    user = User.objects.filter(username="shipu_gov").first()
    if user is None:
        user = User.objects.create_user(
            "shipu_gov", password=DEMO_PASSWORD, full_name="石浦镇政府经办人", kind=User.Kind.HANDLER,
            department=department, region=department.region, is_staff=True,
        )  # fmt: skip
    return user
