"""A third part of the keyword search's evaluation set, held out like ``bench.search_eval_fresh``.

Written by hand and independently of the search and of its tuning: while writing it, neither
the search's code nor its word lists nor its notes were read, and the search was never run on
these issues or queries. It has never been tuned on and must not be: keep it apart from the
"tune" part.

ISSUES: new citizen issues of 石浦镇's villages and communities (象山县), in the tuple format of
``bench.search_eval_set.ISSUES`` — message-board letters, 12345 hotline summaries (工单),
one-liners, Ningbo dialect (落雨, 睏, 阿拉, 工钿…), typos and homophones (垃级, 忙道),
angry complaints — on topics the other parts already have (said with other words again) and
on everyday problems they do not have (scams, illegal fishing, wild boars, prepaid cards,
property certificates, gambling, ambulances…). Each has a stable key ``q3-NN`` (its
``client_token`` would be ``eval-q3-NN``).

QUERIES: what a county clerk types in the keyword box, each with every issue of the whole
corpus that must come back, judged by meaning, by hand: this file's issues, the first set's
(``l03``…), the second held-out part's (``q2-…``), ``seed_demo``'s issues with a token
(``demo-…``) and its stations' forwarded reception matters (``t:<exact title>``). The part of
every query is "fresh2".
"""

from bench.search_eval_set import C, D, F, J, S, W, Y

# key, village, category, title, description
ISSUES = [
    # --- buses, said with other words
    ("q3-01", S, "traffic", "【12345工单】沙塘湾村公交线路调整后不再进村", "来电人反映：沙塘湾村原有公交线路近期调整，车辆不再绕进村内，村民需步行约一点五公里到沿海公路边候车，老人、学生出行十分不便，要求恢复原线路或增设站点。来电人要求回复。"),
    ("q3-02", C, "traffic", "开巴士的师傅开得太猛了", "昌国村到石浦这趟巴士，司机开起来像开赛车，弯道也不减速，急刹车一脚下去车上老人全扑倒，上个月有个阿婆额头都磕破了。"),
    # --- waterlogging after rain
    ("q3-03", D, "housing", "关于东门村老街雨天积水倒灌民房的情况反映", "尊敬的代表：您好！我家住东门村老街，房子地势低，这几年每逢落大雨，街上的水排不出去，就往屋里倒灌，最深的时候没过膝盖，冰箱、沙发都泡坏了。听老人讲以前街边有条明沟，后来铺路填掉了。恳请有关部门来现场看看，把排水搞一搞，我们实在怕了。谢谢！"),
    ("q3-04", J, "traffic", "【12345工单】金山社区下穿通道暴雨后积水", "来电人反映：金山路下穿通道每逢暴雨即积水，深达半米，有车辆强行通过后熄火，要求有关部门增设排水泵并设置警示标志。"),
    # --- lights that never say 路灯
    ("q3-05", W, "traffic", "碗行小弄堂夜里墨墨黑", "碗行社区后门那条小弄堂，夜里墨墨黑，顶上那只灯泡早就烧掉了，我女儿下晚自习回来要走这里，每天吓得打电话叫我去接。"),
    ("q3-06", J, "traffic", "停车场的灯坏了一大半", "金山社区公共停车场的照明灯十盏坏了七盏，晚上停车看不清，车子都被人刮过。"),
    # --- rubbish, said with other words (and one typo)
    ("q3-07", S, "environment", "海滩上全是海漂垃圾", "沙塘湾村礁石滩上每次涨潮都冲上来一大堆泡沫箱、烂渔网、塑料瓶，堆了几个月没人清理，味道也难闻，游客拍照都嫌丢人。"),
    ("q3-08", W, "environment", "【12345工单】碗行社区垃圾分类投放点设置不合理", "来电人反映：碗行社区垃圾分类投放点集中设在小区大门口，离后排住户较远，部分居民随意丢弃，且厨余垃圾桶无盖，异味严重，要求社区调整投放点。"),
    ("q3-09", D, "environment", "垃级桶太少", "东门村老街垃级桶太少，大家都往路边扔。"),
    # --- scams
    ("q3-10", Y, "safety", "我妈被保健品店骗了两万多", "延昌街那家开“健康讲座”的店，天天送鸡蛋送挂面，把老人哄进去，说吃了他们的药降血压不用再吃西药。我妈前前后后被骗了两万多，现在血压也高了，店里讲不退。这种骗子店为啥没人管？？"),
    ("q3-11", D, "safety", "【12345工单】来电反映有人冒充渔政部门电话诈骗", "来电人反映：其为东门村渔民，近日接到自称渔政执法人员的电话，称其渔船证书年审未通过需缴纳罚款，来电人按要求转账八千元后发现被骗，已报警，希望相关部门提醒广大渔民防范。"),
    # --- illegal fishing
    ("q3-12", D, "agriculture", "休渔期还有人偷偷出海", "东门渔港这几天半夜总有几条小船关掉灯偷偷出去，天亮前回来，用的是密眼网，大鱼小鱼一网打尽。休渔期大家都守规矩，凭啥他们可以偷捕？渔政也不来管管。"),
    ("q3-13", S, "agriculture", "【12345工单】沙塘湾近岸有人电鱼", "来电人反映：夜间有人驾驶小舢板在沙塘湾村近岸海域使用电瓶电鱼，大量鱼苗死亡，要求海洋与渔业执法部门查处。"),
    # --- overcharging tourists
    ("q3-14", Y, "economy", "在石浦老街吃海鲜被宰", "五一带外地朋友来石浦老街玩，在一家海鲜排档吃了一顿，点菜时讲螃蟹八十一斤，结账按一两八十算，四个人吃了两千六。跟老板理论他说菜单上写得清清楚楚，字小得要拿放大镜看。石浦是旅游的地方，这样搞谁还敢来？希望市场监管部门管一管。"),
    ("q3-15", D, "economy", "码头卖海鲜的看见外地人乱开价", "东门渔港码头边卖海鲜的，一听外地口音就乱开价，一斤白虾比菜场贵三倍，还拉着游客不让走。"),
    # --- wild boars
    ("q3-16", C, "agriculture", "野猪把番薯地拱光了", "昌国村后山野猪越来越多，夜里成群下来，我家两亩番薯地拱得一塌糊涂，一年白做，打又不让打，到底谁来管？"),
    ("q3-17", F, "safety", "【12345工单】番西村野猪下山伤人", "来电人反映：番西村后山近期野猪频繁下山，拱坏村民菜地，昨日傍晚一村民在田间被野猪撞伤腿部，要求相关部门组织捕控。"),
    # --- fitness equipment, mosquitoes, trees, blind lanes
    ("q3-18", J, "social", "小广场的健身器材坏了没人修", "金山社区小广场上那几样健身器材，漫步机、扭腰盘坏了一半，螺丝都松掉了，上礼拜一个阿公转着转着座子掉下来，摔得不轻。"),
    ("q3-19", W, "environment", "绿化带草比人高，蚊子一团一团", "碗行社区的绿化带一个夏天没人修剪，草长得比人还高，傍晚蚊子一团一团的，小孩在楼下玩一会儿腿上全是包。"),
    ("q3-20", Y, "environment", "樟树枝伸到窗口", "延昌街上的香樟树好多年没修剪了，枝条伸到我家三楼窗口，白天屋里都要开灯，毛毛虫还爬进屋里来。"),
    ("q3-21", C, "safety", "【12345工单】昌国村台风后倒伏大树未清理", "来电人反映：昌国村村道旁一棵大树在台风中倒伏，横压在路中和电线上，已过去一周仍未清理，车辆无法通行，要求尽快处理。"),
    ("q3-22", J, "traffic", "忙道直通树坑", "金山路新铺的忙道走着走着就通到树坑里，还有好几段被花坛截断，眼睛看不见的人咋走？"),
    # --- prepaid cards
    ("q3-23", Y, "economy", "理发店关门跑路，充的卡钱咋办", "延昌街那家美发店上个月还在拉人办卡，充三千送一千，现在卷帘门一拉，老板电话也不接了。我们几十个人都充了钱，去哪里讨？"),
    ("q3-24", J, "economy", "【12345工单】金山社区附近健身房闭店无法退费", "来电人反映：其在金山社区附近一健身房办理年卡，剩余十个月未使用，健身房突然闭店，经营者失联，要求相关部门协调退费。"),
    # --- property certificates
    ("q3-25", W, "housing", "买了十几年的房子还拿不到房产证", "各位领导好！我们是碗行小区的业主，二〇一一年交房，到现在十几年了还是办不出不动产权证。听说是开发商当年欠了税，土地款也没交清。现在孩子读书、老人想卖房子都卡在这本证上，去不动产中心问，讲要开发商来办，开发商早就找不到人了。我们一百多户业主拜托政府出面想想办法，万分感谢！"),
    ("q3-26", D, "housing", "老屋没有证", "东门村老屋是爷爷手里造的，一直没办过证，现在想补办房产证，要带啥材料？"),
    # --- gambling, firecrackers
    ("q3-27", C, "safety", "老年活动室变成了赌场", "昌国村老年活动室被几个人包下来打麻将赌钱，一场输赢几千块，烟雾腾腾，真正的老人进都进不去，有人输了回家夫妻吵相骂。"),
    ("q3-28", F, "environment", "办喜事放炮仗放到半夜", "番西村有户人家结婚，炮仗从夜里十点放到十二点，还有大烟花，狗吓得叫了一夜，满地纸屑也没人扫。"),
    # --- school transport, ambulances
    ("q3-29", F, "education", "没校车", "番西村到镇上读书的小学生没校车。"),
    ("q3-30", C, "health", "叫120等了四十分钟", "昌国村我爸半夜心口痛，打了120，救护车四十分钟才到，山里路窄还开错了路，差点来不及。能不能在石浦放一辆救护车？"),
    # --- pensions
    ("q3-31", D, "social", "城乡居民养老金太少", "东门村的老人反映，城乡居民基本养老金每个月只有三百多块，买米买药都不够，能不能再提高一点？"),
    ("q3-32", W, "social", "退休工资三个月没到账", "阿拉老头子是厂里退休的，这三个月退休工资卡上一分没进，社保讲要做资格认证，阿拉不会用手机弄，跑去又叫我们回去等。"),
    # --- parking, water, theft, homestays, air conditioners: other words
    ("q3-33", Y, "traffic", "僵尸车霸占车位", "延昌社区门口本来就只有十几个停车位，有三辆破车停了一年多没动过，轮胎都瘪了，积满灰，车位就这样被占着。"),
    ("q3-34", W, "housing", "水龙头放出来像黄泥汤", "碗行社区早上一开水龙头放出来的水黄得像泥汤，要放好几分钟才变清，老人不敢喝，只好买桶装水。"),
    ("q3-35", W, "safety", "菜场里有扒手", "碗行菜场人多的时候有扒手，专门掏老人的口袋，我邻居阿姨的钱包和手机都被偷了。"),
    ("q3-36", S, "environment", "民宿半夜唱K", "沙塘湾村有几家民宿晚上在院子里唱卡拉OK、烧烤，闹到半夜一两点，住在隔壁的村民天天睏不好。"),
    ("q3-37", Y, "environment", "楼下空调外机对着我家窗户", "延昌社区3幢二楼人家把空调外机装在我家窗口底下，夏天热风往屋里吹，嗡嗡响，滴水滴得窗台上全是青苔，讲了也不改。"),
    ("q3-38", J, "housing", "空调滴水", "金山花园楼上空调滴水打在我家雨棚上，噼里啪啦一夜天。"),
    # --- wages, leaks, roads: other words
    ("q3-39", F, "economy", "船厂老板拖了半年工钿", "番西村船厂做电焊的十几个人，老板拖了半年工钿不给，一问就讲船东还没付钱，阿拉屋里老小要吃饭的呀！"),
    ("q3-40", J, "housing", "顶楼一落雨墙角就渗水", "金山社区11幢顶楼，一落雨卧室墙角就往下渗水，墙皮一块块剥落，屋顶防水层老早坏了，物业讲要维修基金，维修基金又批不下来。"),
    ("q3-41", F, "traffic", "番西村村道修了一半停工了", "番西村到码头那条村道说是拓宽，挖了一半就停工了大半年，路面一半是泥一半是石子，会车都会不过来。"),
    # --- other everyday problems
    ("q3-42", W, "environment", "收废品的喇叭天天喊", "碗行社区每天早上六点就有收废品的三轮车开着喇叭喊“收旧手机旧家电”，一遍一遍，周末都睡不成懒觉。"),
    ("q3-43", F, "health", "卫生院配不到药", "番西村老人吃的降压药、降糖药在镇卫生院经常配不到，要跑到县城去配，能不能多备一点？"),
    ("q3-44", S, "traffic", "游客的车停到村民家门口", "夏天沙塘湾村游客多，车子停满村道，连村民家门口都堵住，自己的车开不出去。"),
    ("q3-45", D, "environment", "楼顶养鸽子", "东门村隔壁人家楼顶养了上百只鸽子，鸽子屎落得满院子，晒的衣服都脏了。"),
    ("q3-46", J, "environment", "绿化带里养鸡", "金山花园有人在绿化带里圈了块地养鸡，公鸡天不亮就叫，臭味也大。"),
    ("q3-47", C, "social", "残疾证办了三个月还没下来", "昌国村我儿子智力残疾，残疾证申请了三个月还没办下来，跑了好几趟镇里。"),
]  # fmt: skip

# seed_demo's forwarded reception matters (no token) that some queries want.
DONGMEN_LIGHTS = "t:东门渔港码头北侧三盏路灯损坏，夜间卸货不安全"
DONGMEN_FLOODING = "t:东门村老街排水不畅，下雨天积水进屋"

# query, keys that must come back, part
QUERIES = [
    # topic words
    (
        "公交",
        {
            "demo-03",
            "demo-04",
            "demo-08",
            "demo-10",
            "demo-11",
            "demo-m-01",
            "demo-m-02",
            "demo-m-03",
            "b01",
            "b02",
            "b03",
            "b04",
            "q3-01",
            "q3-02",
        },
        "fresh2",
    ),
    (
        "积水",
        {"demo-05", "demo-m-04", "demo-m-05", DONGMEN_FLOODING, "q2-26", "q3-03", "q3-04"},
        "fresh2",
    ),
    ("垃圾分类", {"g06", "q3-08"}, "fresh2"),
    ("非法捕捞", {"q3-12", "q3-13"}, "fresh2"),
    ("宰客", {"q2-39", "q2-40", "q2-41", "q3-14", "q3-15"}, "fresh2"),
    ("野猪", {"q3-16", "q3-17"}, "fresh2"),
    ("健身器材", {"q3-18"}, "fresh2"),
    ("蚊子", {"r05", "q2-18", "q3-19"}, "fresh2"),
    ("树木", {"q3-20", "q3-21"}, "fresh2"),
    ("盲道", {"q2-09", "q3-22"}, "fresh2"),
    ("预付卡", {"q3-23", "q3-24"}, "fresh2"),
    ("房产证", {"q3-25", "q3-26"}, "fresh2"),
    ("赌博", {"q3-27"}, "fresh2"),
    ("放鞭炮", {"q2-35", "q3-28"}, "fresh2"),
    ("校车", {"x04", "q3-29"}, "fresh2"),
    ("救护车", {"q3-30"}, "fresh2"),
    ("养老金", {"q2-19", "q2-20", "q2-21", "q3-31", "q3-32"}, "fresh2"),
    ("小偷", {"c03", "z03", "q3-35"}, "fresh2"),
    ("民宿", {"j02", "q2-16", "q3-36"}, "fresh2"),
    ("空调外机", {"q3-37", "q3-38"}, "fresh2"),
    # a place and a topic: only that place's issues of that topic
    ("沙塘湾 公交", {"demo-03", "demo-08", "demo-m-01", "b01", "q3-01"}, "fresh2"),
    ("东门村 积水", {DONGMEN_FLOODING, "q3-03"}, "fresh2"),
    ("延昌 停车", {"p01", "p05", "q3-33"}, "fresh2"),
    ("金山社区 漏水", {"h03", "q3-40"}, "fresh2"),
    ("番西村 道路", {"d01", "q2-15", "q3-41"}, "fresh2"),
    # colloquial phrases
    (
        "晚上黑灯瞎火",
        {
            "l01",
            "l02",
            "l03",
            "l04",
            "l05",
            "l06",
            "l08",
            "l09",
            "demo-01",
            DONGMEN_LIGHTS,
            "q2-05",
            "q2-06",
            "q2-07",
            "q3-05",
            "q3-06",
        },
        "fresh2",
    ),
    ("拿不到工钱", {"w01", "w02", "w03", "w04", "w05", "w06", "w07", "w08", "q3-39"}, "fresh2"),
    ("自来水发黄", {"demo-06", "y03", "q3-34"}, "fresh2"),
    # typos a clerk makes: 拉圾 for 垃圾, 炸骗 for 诈骗
    (
        "拉圾",
        {
            "g01",
            "g02",
            "g03",
            "g04",
            "g05",
            "g06",
            "g07",
            "g08",
            "demo-m-06",
            "q2-56",
            "q3-07",
            "q3-08",
            "q3-09",
        },
        "fresh2",
    ),
    ("炸骗", {"q3-10", "q3-11"}, "fresh2"),
]
