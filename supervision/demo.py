"""Demo supervision matters in 石浦镇, one per stage, for `make run` (idempotent). The demo
deputy ``deputy_shipu`` sits in the groups; ``dept_traffic``'s unit handles the bus matters."""

import datetime

from django.db import transaction
from django.utils import timezone

from petitions import workflow as petitions_workflow
from petitions.models import Petition
from portal.models import Region, User
from supervision import workflow
from supervision.models import Matter

SHIPU = "330225100000"
PHONE = "13800000000"

# token, village code, title, description
ISSUES = {
    "demo-m-01": ("330225100203", "沙塘湾公交早班太挤", "早上七点前去石浦的公交只有一班，挤不上车。"),
    "demo-m-02": ("330225100204", "昌国村到石浦等车一小时", "昌国村去石浦镇区的公交间隔太长。"),
    "demo-m-03": ("330225100201", "东门村学生坐不上公交", "东门村学生早上上学坐不上公交车。"),
    "demo-m-04": ("330225100001", "延昌社区积水严重", "延昌社区一下大雨就积水，老人出不了门。"),
    "demo-m-05": ("330225100002", "金山社区雨后积水", "金山社区低洼处雨后积水好几天。"),
    "demo-m-06": ("330225100202", "番西村垃圾清运不及时", "番西村垃圾桶满了好几天没人清运。"),
    "demo-m-07": ("330225100202", "渔港停车难", "渔港附近停车位太少，车辆乱停。"),
}  # fmt: skip

# title, description, issues, how far it goes
MATTERS = [
    ("石浦镇区公交班次不足", "多个村反映去石浦镇区的公交班次太少、早班太挤。",
     ["demo-m-01", "demo-m-02", "demo-m-03"], "handling"),
    ("老旧社区雨后积水", "延昌、金山社区雨后积水，影响居民出行。", ["demo-m-04", "demo-m-05"], "closed"),
    ("番西村垃圾清运", "垃圾清运不及时。", ["demo-m-06"], "evaluating"),
    ("渔港周边停车秩序", "渔港周边停车难、乱停车。", ["demo-m-07"], "organizing"),
    ("镇区菜市场改造", "群众希望改造镇区菜市场。", [], "listed"),
    ("村道绿化补种", "部分村道绿化缺株。", [], "handed_over"),
    ("渔民养老保险咨询", "渔民询问养老保险缴费政策。", [], "explained"),
]  # fmt: skip


@transaction.atomic
def build(regions: dict[str, Region]) -> None:
    if Petition.objects.filter(client_token="demo-m-01").exists():
        return
    staff = User.objects.get(username="shipu_staff")
    deputy = User.objects.get(username="deputy_shipu")
    handler = User.objects.get(username="dept_traffic")
    shipu = regions[SHIPU]
    today = timezone.localdate()
    issues = {
        token: petitions_workflow.petition_submit(
            channel="web",
            region_id=regions[village].pk,
            category="traffic",
            title=title,
            description=description,
            citizen_name="群众" + token[-2:],
            citizen_phone=PHONE,
            wants_feedback=True,
            client_token=token,
        )  # fmt: skip
        for token, (village, title, description) in ISSUES.items()
    }
    for title, description, tokens, target in MATTERS:
        matter = workflow.matter_create(
            actor=staff, region_id=shipu.pk, title=title, description=description,
            petition_ids=[issues[t].pk for t in tokens],
        )  # fmt: skip
        if target == "listed":
            continue
        classification = {"handed_over": "ordinary", "explained": "explain"}.get(
            target, "supervise"
        )
        workflow.matter_study(
            actor=staff, matter_id=matter.pk, studied_on=today, decision="督事工作领导小组专题研究",
            classification=classification,
            explanation="渔民养老保险可按灵活就业人员参保，详情请咨询镇社保所。",
        )  # fmt: skip
        if target in ("handed_over", "explained"):
            continue
        workflow.matter_form_group(
            actor=staff, matter_id=matter.pk, duties="跟踪督办，现场评议",
            members=[(staff.pk, "leader", "组长"), (deputy.pk, "member", "走访群众")],
        )  # fmt: skip
        if target == "organizing":
            continue
        workflow.matter_start(
            actor=staff, matter_id=matter.pk, department_id=handler.department_id,
            due_on=today + datetime.timedelta(days=30),
        )  # fmt: skip
        workflow.matter_log(actor=deputy, matter_id=matter.pk, kind="site_visit",
                            happened_on=today, text="到现场了解情况，听取群众意见。")  # fmt: skip
        if target == "handling":
            continue
        workflow.matter_report_completion(actor=handler, matter_id=matter.pk,
                                          report="已按要求完成整改。")  # fmt: skip
        if target == "evaluating":
            continue
        workflow.matter_evaluate(
            actor=deputy, matter_id=matter.pk, round_number=1, verdict="unsatisfied",
            checked_on=today, findings="部分点位仍积水。", rectification="疏通剩余管网。",
            new_due_on=today + datetime.timedelta(days=15),
        )  # fmt: skip
        workflow.matter_report_completion(actor=handler, matter_id=matter.pk,
                                          report="剩余管网已疏通。")  # fmt: skip
        workflow.matter_evaluate(
            actor=staff, matter_id=matter.pk, round_number=2, verdict="satisfied",
            checked_on=today, findings="现场查看，雨后不再积水。",
            result="社区雨污管网已全部疏通改造，雨后不再积水。",
        )  # fmt: skip
        workflow.matter_publish(actor=staff, matter_id=matter.pk, title="老旧社区积水问题已解决",
                                summary="经两轮督事，社区雨污管网已全部疏通改造。")  # fmt: skip
    assert Matter.objects.filter(region=shipu).count() >= len(MATTERS)
