"""A labelled set of citizen issues for measuring concentrated-issue detection.

Generated, deterministic: 31 true topics of 3 to 20 issues each, written from phrase lists
(several titles, details, openers and closers per topic, the submitter's village, common
typos such as 拉圾 for 垃圾), and 40 singletons that belong to no topic. Near misses keep it
honest: the same problem in two places (路灯 in 东门村 and in 城南社区), two problems in the
same place (东门村 路灯 and 垃圾; 城东菜市场 污水 and 公厕; 县人民医院 停车 and 挂号), and
problems that share their words (养老金, 燃油补贴 and 征地补偿款 all "迟迟未发").

``build()`` returns ``Item(id, region_key, title, description, topic)`` rows; ``topic`` is
``None`` for a singleton. ``region_id()`` maps a region key to a stable integer.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

SEED = 20261124


@dataclass(frozen=True)
class Item:
    id: int
    region_key: str
    title: str
    description: str
    topic: str | None


@dataclass(frozen=True)
class Spec:
    key: str
    size: int
    regions: tuple[str, ...]  # where the people who raise it live ("镇/村")
    places: tuple[str, ...]  # how they name the place in question ({p})
    titles: tuple[str, ...]
    details: tuple[str, ...]


def _spec(key, size, regions, places, titles, details) -> Spec:
    return Spec(key, size, tuple(regions.split()), tuple(places.split()), titles, details)


# Phrases are written with alternatives in brackets, "[公交|班车]", one picked per issue, so
# that paraphrases share some words, not whole sentences.
SPECS = [
    _spec("shipu_bus", 20, "西周镇/西周村 西周镇/下沙村 西周镇/岳头村 定塘镇/定塘村 定塘镇/沙地村",
          "石浦 石浦镇 石浦客运站",
          ("去{p}的[公交|班车|公交车]班次太少", "到{p}的[公交车|客车|班车][太少了|不够]",
           "往{p}方向的[班车|公交]间隔太长", "[希望|建议|能否]增加去{p}的[公交|班车]班次",
           "往{p}的[公交|车]一[小时|个钟头]才一班", "坐[公交|车]去{p}太难了",
           "去{p}等车[太久|要等很久]", "{v}到{p}[公交|班车]班次少，出行不便",
           "增开{v}到{p}的[公交车|班车]", "{p}[公交|班车]的问题"),
          ("[早上|清早|上班时间]七点那班车人太多[根本挤不上|挤都挤不上]",
           "[一个小时|一小时|个把钟头]才[有|来]一班[车|公交]", "老人去{p}[医院|卫生院]看病很不方便",
           "学生周末[回家|去{p}]坐不上车", "下午[五点|五点半]以后就没有去{p}的车了",
           "在站台等了[四十多分钟|快一个小时|半个多小时]还没来", "[上下班|早晚]高峰车上[非常|特别]拥挤",
           "以前半小时一班，现在改成一小时一班", "打车去{p}要[八十多块|一百来块]钱，负担不起",
           "[车次|班次]一减，我们去{p}办事就难了")),
    _spec("county_last_bus", 8, "石浦镇/东门村 石浦镇/番西村 石浦镇/延昌社区", "县城 丹城 城区",
          ("去{p}的末班车太早", "回{v}的末班[公交|车]太早了", "从{p}回来的最后一班车[五点|五点十分]就[发车|走了]",
           "{p}到{v}的末班车时间能否延后", "末班车太早，在{p}上班[下班后|晚上]回不了家",
           "[建议|希望]推迟{p}末班[公交|车]时间"),
          ("在{p}上班的人下班后就没车回来了", "[晚上|傍晚]六点以后就没有回{v}的[公交|车]",
           "末班车五点十分就走了，根本赶不上", "夏天天黑得晚，末班车完全可以[推迟|延后]一小时",
           "只能花钱打车回家，一个月光车费就要几百", "[加班|晚一点下班]就只能叫家里人开车来接")),
    _spec("dongmen_lights", 14, "石浦镇/东门村", "东门村 东门 东门村主干道 东门村村口",
          ("{p}路灯不亮", "{p}的路灯坏了好几个月", "{p}晚上一片漆黑", "{p}路灯坏了没人修",
           "{p}路灯[经常|老是]不亮", "[修一修|维修]{p}的路灯", "{p}夜间照明[问题|差]",
           "{p}[路灯|照明灯]全坏了"),
          ("晚上出门[黑灯瞎火|伸手不见五指|黑乎乎的]", "老人晚上散步[差点|险些]摔倒",
           "从村口到文化礼堂这一段[路灯|灯]全都不亮", "[路灯|灯]已经坏了[两个多月|快三个月|大半年]",
           "有几盏灯一闪一闪的", "孩子晚上放学回家[很危险|不安全]", "打过电话给村里，说是线路老化",
           "有一根[路灯杆|电线杆]也歪了", "晚上[骑电瓶车|走路]看不清路")),
    _spec("chengnan_lights", 6, "丹东街道/城南社区", "城南社区 城南小区 城南新村",
          ("{p}路灯不亮", "{p}的路灯坏了", "{p}晚上太黑了", "{p}路灯损坏[没人修|无人维修]"),
          ("小区里好几盏[路灯|灯]都坏了", "晚上下班回来小区里[黑漆漆的|一片漆黑]",
           "物业说归社区管，社区说归物业管", "最近小区里电动车被偷了好几辆",
           "老人晚上都不敢出门", "[路灯|灯]不亮，监控也拍不清楚")),
    _spec("dongmen_garbage", 5, "石浦镇/东门村", "东门村 东门",
          ("{p}垃圾清运不及时", "{p}垃圾桶满了没人[清|管]", "{p}垃圾堆放发臭", "{p}[垃圾|生活垃圾]成堆"),
          ("垃圾桶旁边堆满了[垃圾|塑料袋]", "夏天苍蝇蚊子特别多", "清运车一个星期才来一次",
           "味道很大，路过都要捂鼻子", "[野猫|野狗]把垃圾扒得到处都是")),
    _spec("market_sewage", 12, "丹东街道/城东社区 丹东街道/丹河社区 丹东街道/城南社区",
          "城东菜市场 城东农贸市场 城东菜场",
          ("{p}污水横流", "{p}地面[污水|脏水]到处流", "{p}排水沟堵塞臭气熏天", "{p}下水道堵了",
           "{p}卫生环境差，[污水遍地|满地脏水]", "整治{p}的[污水|卫生]", "{p}[又脏又臭|脏乱差]"),
          ("地上全是[污水|脏水]，买菜要踮着脚走", "水产摊位的脏水直接倒在[路上|过道里]",
           "下水道堵了好久没人疏通", "[夏天|天一热]臭味很大", "有老人在湿滑的地面上摔倒过",
           "排水沟里全是烂菜叶", "[鞋子|裤脚]每次都弄脏")),
    _spec("school_traffic", 12, "丹东街道/城东社区 丹东街道/丹河社区", "实验小学 丹城实验小学",
          ("{p}门口上下学拥堵", "{p}放学时段交通拥堵严重", "{p}门口接送孩子堵得水泄不通",
           "{p}门口乱停车", "缓解{p}门口的交通拥堵", "{p}[校门口|门口]天天堵车"),
          ("每天下午四点[左右|多]车子堵成一片", "家长的车停在路边占了[一条车道|半条马路]",
           "孩子过马路很危险", "上下学时段能否安排[交警|协管员]", "建议设置临时停车接送区",
           "电瓶车、汽车挤在一起，经常发生剐蹭", "[早上|早高峰]送孩子堵了二十分钟")),
    _spec("water_turbid", 12, "定塘镇/西岙村 定塘镇/大岙村 定塘镇/沙地村 定塘镇/定塘村", "",
          ("{v}自来水浑浊", "{v}饮用水发黄", "农村饮用水浑浊不能喝", "自来水有沉淀还发黄",
           "{v}水龙头流出黄水", "饮用水水质差", "{v}[自来水|吃的水]不干净"),
          ("烧开后水壶底下一层[黄泥|水垢]", "下雨之后水更浑", "家里只好买桶装水喝",
           "水里有一股[怪味|铁锈味]", "白衣服都洗黄了", "担心喝了对身体不好",
           "[自来水|水]放出来是黄色的")),
    _spec("pension", 10, "西周镇/西周村 西周镇/岳头村 定塘镇/大岙村 石浦镇/番西村 丹东街道/丹河社区",
          "",
          ("养老金发放不及时", "这个月的养老金还没到账", "养老金推迟发放", "退休金迟迟没发",
           "城乡居民养老金什么时候发", "老人养老金[晚发|发得晚]", "[老年人|老人]的养老钱没到账"),
          ("往常每月十号就到账，这个月二十号了还没有", "老人就靠这点钱[买药|过日子]",
           "去银行查了好几次都没有", "打电话问社保也说不清楚", "村里好几个老人都没收到",
           "[存折|卡]上一直没进钱")),
    _spec("medical_reimbursement", 8, "西周镇/下沙村 定塘镇/西岙村 石浦镇/延昌社区 丹东街道/城东社区",
          "",
          ("医保报销手续太麻烦", "异地就医报销难", "医保报销要跑好几趟", "住院费用报销太慢",
           "医保报销材料太多", "[看病|住院]的钱报销不下来"),
          ("在宁波住院的费用回来报销要准备一大堆材料", "跑了[三趟|好几趟]还没办好",
           "报销款三个月还没到", "老人不会网上办理", "希望能一站式结算", "发票丢了一张就不给报")),
    _spec("zhongjie_road", 9, "西周镇/西周村 西周镇/下沙村", "西周镇中街 中街 西周中街",
          ("{p}路面坑坑洼洼", "{p}路面破损严重", "{p}的路太烂了", "修一下{p}的路面",
           "{p}道路坑洼不平", "{p}[到处是坑|全是坑]"),
          ("下雨天到处是水坑", "电瓶车骑过去差点摔跤", "车子开过去溅人一身泥水",
           "路面破了一年多都没人修", "大货车把路压坏了", "[柏油|水泥]路面都翘起来了")),
    _spec("muck_trucks", 7, "丹东街道/丹河社区 西周镇/下沙村", "",
          ("渣土车扬尘严重", "大货车经过尘土飞扬", "工地运输车撒漏泥土", "渣土车沿路抛洒",
           "[泥头车|渣土车]开过灰太大"),
          ("家里窗户一天不擦就是一层灰", "车子没有盖篷布", "晚上还开得飞快，很危险",
           "路面全是泥，下雨更滑", "晾在外面的衣服都是灰")),
    _spec("night_construction", 7, "丹东街道/城东社区 丹东街道/城南社区", "",
          ("工地晚上施工吵得睡不着", "夜间施工噪音扰民", "半夜还在打桩", "工地深夜施工太吵",
           "[晚上|夜里]工地噪音太大"),
          ("晚上十一点多还在施工", "孩子要高考，晚上根本睡不着", "打桩声震得窗户都在响",
           "打过12345也没用", "[机器|搅拌机]轰隆隆响到凌晨")),
    _spec("square_dance", 6, "丹东街道/丹河社区 丹东街道/城南社区", "丹河公园 丹河广场",
          ("广场舞音响太大声", "跳广场舞噪音扰民", "{p}广场舞声音太吵", "{p}[跳舞|广场舞]太吵"),
          ("每天晚上七点到九点音响开得震天响", "家里老人心脏不好受不了",
           "能不能规定一下音量和时间", "跟跳舞的阿姨说过，没用")),
    _spec("stray_dogs", 5, "定塘镇/西岙村 定塘镇/定塘村", "",
          ("村里流浪狗太多", "流浪狗咬人", "{v}野狗成群", "[流浪狗|野狗]没人管"),
          ("上个月有小孩被咬伤", "晚上成群结队地叫", "早上出门都要拿根棍子")),
    _spec("hospital_parking", 8, "丹东街道/城东社区 西周镇/西周村 石浦镇/东门村 定塘镇/定塘村",
          "县人民医院 人民医院 县医院",
          ("{p}停车难", "去{p}看病找不到车位", "{p}停车位太少", "{p}门口停车乱", "{p}[停车场|车位]不够"),
          ("开车转了半个小时都找不到车位", "车子只能停在马路边上，还被贴罚单", "医院门口的路天天堵",
           "建议建一个立体停车库")),
    _spec("hospital_queue", 4, "丹东街道/城南社区 西周镇/岳头村", "县人民医院 人民医院 县医院",
          ("{p}挂号排队时间太长", "在{p}看病排队太久", "{p}挂号难"),
          ("早上六点去排队挂号", "看一个病要等大半天", "网上预约总是约不到")),
    _spec("xiasha_flooding", 6, "西周镇/下沙村", "下沙村 下沙",
          ("{p}一下雨就积水", "{p}内涝严重", "{p}排水不畅", "{p}雨天路面积水", "{p}[一下大雨|下雨天]就淹"),
          ("排水沟太小，水排不出去", "去年台风的时候水都进了屋", "一下大雨路上积水到膝盖",
           "建议把排水管换大一点")),
    _spec("irrigation", 5, "定塘镇/大岙村", "大岙村 大岙",
          ("{p}灌溉水渠年久失修", "{p}农田水渠堵塞漏水", "{p}灌溉渠需要修", "{p}[田里|农田]放不进水"),
          ("水放不到田里", "渠道破损漏水严重", "春耕马上要用水了")),
    _spec("elderly_canteen", 5, "西周镇/岳头村 定塘镇/沙地村 石浦镇/番西村", "",
          ("希望村里办个老年食堂", "老人吃饭难", "能否开设居家养老食堂", "{v}没有老年食堂"),
          ("村里独居老人多，做饭不方便", "隔壁村已经办了，我们村还没有", "子女都在外地打工")),
    _spec("phone_signal", 5, "西周镇/岳头村", "岳头村 岳头",
          ("{p}手机信号太差", "{p}没有4G信号", "{p}打电话信号不好", "{p}[网络|信号]差"),
          ("在家里打电话要跑到屋外", "孩子上网课经常卡", "山脚下几户完全没信号")),
    _spec("fanxi_bridge", 4, "石浦镇/番西村", "番西村 番西",
          ("{p}石板桥成了危桥", "{p}的老桥很危险", "{p}小桥栏杆坏了"),
          ("桥面裂缝越来越大", "桥栏杆断了一截", "学生每天都要从桥上走")),
    _spec("fuel_subsidy", 6, "石浦镇/延昌社区 石浦镇/东门村 石浦镇/番西村", "",
          ("渔船燃油补贴迟迟未发", "柴油补贴没到账", "渔业油价补助什么时候发",
           "渔民燃油补贴拖了半年"),
          ("去年的补贴到现在还没拿到", "休渔期没有收入就靠这笔钱", "问了渔业部门说还在审核")),
    _spec("kindergarten", 5, "丹东街道/城东社区 丹东街道/丹河社区 丹东街道/城南社区", "",
          ("孩子上幼儿园报不上名", "公办幼儿园学位太紧张", "幼儿园名额不够", "[入园难|上幼儿园难]"),
          ("排队报名排了一夜还是没报上", "私立幼儿园太贵", "小区附近只有一所公办幼儿园")),
    _spec("chengnan_sorting", 4, "丹东街道/城南社区", "城南社区 城南小区",
          ("{p}垃圾分类桶不够", "{p}分类垃圾桶太少"),
          ("一个小区只有两组垃圾桶", "垃圾桶经常满出来", "其他垃圾和厨余垃圾混在一起")),
    _spec("market_toilet", 4, "丹东街道/城东社区", "城东菜市场 城东农贸市场",
          ("{p}旁边公厕太脏", "{p}公共厕所没人打扫"),
          ("厕所里臭得进不去", "洗手池坏了没水", "地上都是积水")),
    _spec("old_estate", 6, "丹东街道/丹河社区", "丹河小区 丹河新村",
          ("{p}外墙脱落", "{p}老旧小区改造", "{p}雨污管道老化", "{p}[房子|楼]太旧了"),
          ("外墙瓷砖掉下来差点砸到人", "楼道墙皮大块脱落", "一下雨化粪池就冒水",
           "小区是九十年代建的")),
    _spec("bus_shelter", 3, "定塘镇/沙地村", "沙地村",
          ("{p}公交站没有候车亭", "{p}车站没地方遮雨"),
          ("下雨天只能站在路边淋雨", "夏天太阳晒得受不了")),
    _spec("seawall", 3, "石浦镇/番西村", "番西村 番西",
          ("{p}海塘需要加固", "{p}海堤年久失修"),
          ("台风天海水漫过海塘", "堤坝有好几处裂缝")),
    _spec("black_river", 5, "定塘镇/西岙村 定塘镇/定塘村", "",
          ("村前小河发黑发臭", "河道里有人偷排污水", "{v}河道黑臭", "[河水|小河]又黑又臭"),
          ("河里的鱼都死了", "有养殖场往河里排污", "夏天臭得开不了窗")),
    _spec("land_compensation", 4, "西周镇/西周村", "",
          ("征地补偿款还没发", "拆迁补偿款迟迟不到位"),
          ("地已经征了两年，钱还没拿到", "问村里说镇上还没拨下来")),
]  # fmt: skip

# Issues raised once; several share a place or words with a topic above.
SINGLETONS = [
    ("石浦镇/东门村", "东门村文化礼堂年久失修", "文化礼堂屋顶漏雨，村里活动都没法搞"),
    ("石浦镇/延昌社区", "渔港码头晚上缺少照明", "码头装卸货物晚上看不清，容易掉到海里"),
    ("丹东街道/城东社区", "邻居装修电钻声太吵", "楼上装修每天早上七点就开始打电钻"),
    ("丹东街道/丹河社区", "小区物业费上涨不合理", "物业费从每平方一块涨到一块八，也没开业主大会"),
    ("丹东街道/城南社区", "快递柜超时收费", "快递放进柜子超过十二小时就要收钱"),
    ("丹东街道/城东社区", "城东菜市场摊位费太高", "摊位费一年涨了两次，小摊贩做不下去了"),
    ("丹东街道/丹河社区", "实验小学食堂饭菜质量差", "孩子说饭菜经常是凉的，菜量也少"),
    ("西周镇/西周村", "县人民医院夜间急诊医生太少", "半夜带孩子看急诊等了三个小时"),
    ("定塘镇/沙地村", "村里健身器材损坏", "文化广场的健身器材坏了好几件，有安全隐患"),
    ("西周镇/下沙村", "希望开通去宁波的城际公交", "现在去宁波要先到县城转车，很麻烦"),
    ("石浦镇/番西村", "老年人不会用电子社保卡", "办事都要扫码，老人不会操作手机"),
    ("定塘镇/大岙村", "农村宅基地审批太慢", "建房申请交上去半年了还没批下来"),
    ("西周镇/岳头村", "残疾人补贴申请流程复杂", "残疾证办好了，补贴申请又要跑好几个部门"),
    ("丹东街道/城南社区", "外卖电动车逆行闯红灯", "城南路口外卖车逆行，差点撞到老人"),
    ("丹东街道/丹河社区", "小区消防通道被车占用", "消防通道上停满私家车，真着火了消防车进不来"),
    ("定塘镇/西岙村", "野猪糟蹋庄稼", "山上的野猪晚上下来把红薯地都拱了"),
    ("石浦镇/延昌社区", "海鲜市场缺斤短两", "买的梭子蟹回家一称少了二两"),
    ("丹东街道/城东社区", "出租车拒载绕路", "晚上从车站打车，司机嫌近不肯去"),
    ("丹东街道/丹河社区", "共享单车乱停乱放", "人行道上堆满共享单车，盲道都被堵了"),
    ("定塘镇/定塘村", "农村婚丧事大操大办", "酒席一办就是三天，攀比风气严重"),
    ("西周镇/西周村", "独居老人无人照看", "隔壁老人独居，前几天摔倒了两天才被发现"),
    ("定塘镇/大岙村", "村务公开不及时", "村里的账目公示栏半年没更新"),
    ("丹东街道/城南社区", "网吧让未成年人进入", "小区楼下网吧里经常有初中生通宵上网"),
    ("西周镇/下沙村", "路边违章搭建", "有人在村道旁边搭了一排铁皮棚"),
    ("丹东街道/丹河社区", "小区绿化带被毁种菜", "有住户把绿化带挖了种菜，还浇粪水"),
    ("石浦镇/东门村", "建筑工地拖欠农民工工资", "在工地干了半年，工头说老板跑了，工资拿不到"),
    ("丹东街道/城东社区", "学生作业太多睡得太晚", "孩子读四年级，每天作业写到晚上十点"),
    ("定塘镇/沙地村", "村卫生室缺少常用药", "高血压的药村卫生室经常没有，要跑到镇上去买"),
    ("定塘镇/西岙村", "自来水费上涨", "水费从两块涨到三块五，也没有听证"),
    ("丹东街道/丹河社区", "老小区燃气管道老化", "楼道里闻到煤气味，管子锈得厉害"),
    ("石浦镇/番西村", "防台物资储备不足", "村里只有几个沙袋，台风来了根本不够用"),
    ("石浦镇/延昌社区", "禁渔期有人偷捕", "晚上有小船偷偷出海拉网"),
    ("西周镇/岳头村", "银行网点撤并取钱不便", "镇上的信用社撤了，老人取钱要坐车去县城"),
    ("定塘镇/定塘村", "医保卡丢了补办麻烦", "补办医保卡要回户籍地，人在外地回不去"),
    ("丹东街道/城南社区", "楼上住户高空抛物", "阳台上经常掉下来烟头和果皮"),
    ("西周镇/西周村", "集市占道经营", "每逢赶集，摊位摆到马路中间，车过不去"),
    ("石浦镇/东门村", "东门村渔具仓库存在消防隐患", "仓库里堆着渔网和柴油，旁边就是民房"),
    ("定塘镇/大岙村", "柑橘销售难", "今年柑橘丰收却卖不出去，收购价才五毛一斤"),
    ("丹东街道/丹河社区", "小区电梯经常故障", "电梯一个月坏了三次，有一次把人关在里面"),
    ("西周镇/下沙村", "村里缺少幼儿托管", "年轻人上班，小孩放学后没人管"),
]

OPENERS = ("", "", "", "您好，", "我是{v}的{r}，", "本人住在{v}，", "反映一个情况：", "各位代表好，",
           "{v}{r}反映：", "我家住{v}，")  # fmt: skip
CLOSERS = ("", "", "希望有关部门尽快解决。", "恳请领导重视，早日解决！", "能否尽快处理？谢谢！",
           "盼复。", "请代表帮忙反映一下。", "已经反映过好几次了，一直没有解决。", "希望引起重视。")  # fmt: skip
# Details that say nothing about which problem it is; they give unrelated issues shared words.
GENERIC_DETAILS = ("这个情况已经持续好几个月了", "周边群众意见很大", "之前打过12345热线",
                   "老人小孩很不安全", "给大家的生活带来很大不便", "村里也向上反映过",
                   "晚上出门很不方便", "附近住了好几百户人家", "大家都在议论这个事")  # fmt: skip
# Titles that say nothing either: the description carries the problem.
VAGUE_TITLES = ("反映一个民生问题", "急需解决的问题", "请求帮助", "民生诉求", "{v}群众的呼声")
VAGUE_RATE = 0.08
GENERIC_RATE = 0.5
TITLE_FORMS = ("{t}", "{t}", "{t}", "关于{t}的问题", "{t}！", "反映{t}", "{t}，希望解决")
# Slips people make when typing on a phone (homophones picked from the candidate list).
TYPOS = {"垃圾": "拉圾", "路灯": "路登", "班次": "班此", "浑浊": "混浊", "坑洼": "坑挖",
         "养老金": "养老经", "报销": "报消", "积水": "集水", "噪音": "燥音", "停车": "亭车",
         "污水": "汚水", "补贴": "补帖", "信号": "信好"}  # fmt: skip
TYPO_RATE = 0.2


def region_id(region_key: str) -> int:
    """Return a stable integer for a region key (the regions of the set, numbered)."""
    return _REGION_IDS[region_key]


_REGION_IDS = {
    key: number
    for number, key in enumerate(
        sorted({r for spec in SPECS for r in spec.regions} | {r for r, _, _ in SINGLETONS}),
        start=1,
    )
}


_ALTERNATIVES = re.compile(r"\[([^\[\]]+)\]")


def _pick(text: str, rng: random.Random) -> str:
    """Replace each "[a|b|c]" of ``text`` by one of its alternatives."""
    return _ALTERNATIVES.sub(lambda match: rng.choice(match.group(1).split("|")), text)


def _village(region_key: str) -> str:
    return region_key.split("/")[-1]


def _write(spec: Spec, rng: random.Random) -> tuple[str, str, str]:
    """Return (region_key, title, description) of one paraphrase of ``spec``."""
    region = rng.choice(spec.regions)
    village = _village(region)
    resident = "居民" if village.endswith("社区") else "村民"
    place = rng.choice(spec.places) if spec.places else village
    fill = {"p": place, "v": village, "r": resident}
    title = rng.choice(TITLE_FORMS).format(t=_pick(rng.choice(spec.titles), rng).format(**fill))
    if rng.random() < VAGUE_RATE:
        # the problem then goes into the description, as the title would have said it
        title, details = rng.choice(VAGUE_TITLES).format(**fill), [rng.choice(spec.titles)]
    else:
        details = []
    details += rng.sample(spec.details, k=rng.randint(1, min(3, len(spec.details))))
    if rng.random() < GENERIC_RATE:
        details.insert(rng.randint(0, len(details)), rng.choice(GENERIC_DETAILS))
    body = "，".join(_pick(d, rng).format(**fill) for d in details) + "。"
    description = rng.choice(OPENERS).format(**fill) + body + rng.choice(CLOSERS).format(**fill)
    if rng.random() < TYPO_RATE:
        right, wrong = rng.choice(
            [pair for pair in TYPOS.items() if pair[0] in title + body] or [("", "")]
        )
        if right:
            where = rng.choice(["title", "description"])
            if where == "title" and right in title:
                title = title.replace(right, wrong, 1)
            else:
                description = description.replace(right, wrong, 1)
    return region, title[:100], description


def build(seed: int = SEED, scale: int = 1, singletons: bool = True) -> list[Item]:
    """Return the labelled issues, shuffled; ``scale`` multiplies every topic's size (for
    timing on thousands of issues; repeated texts are then allowed)."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str | None]] = []
    seen: set[tuple[str, str]] = set()
    for spec in SPECS:
        for _ in range(spec.size * scale):
            for _attempt in range(20):
                region, title, description = _write(spec, rng)
                if (title, description) not in seen:
                    break
            seen.add((title, description))
            rows.append((region, title, description, spec.key))
    if singletons:
        rows.extend((region, title, description, None) for region, title, description in SINGLETONS)
    rng.shuffle(rows)
    return [Item(number, *row) for number, row in enumerate(rows, start=1)]


if __name__ == "__main__":
    items = build()
    topics = {item.topic for item in items if item.topic}
    print(f"{len(items)} issues, {len(topics)} topics, "
          f"{sum(1 for item in items if item.topic is None)} singletons")  # fmt: skip
    for item in items[:15]:
        print(item.id, item.region_key, item.topic, item.title, "|", item.description)
