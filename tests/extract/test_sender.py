from pipeline.extract import Extractor
from pipeline.model import Block, BlockKind, Document, Location, Record, Source


def doc(*lines: tuple[str, BlockKind, str | None], path: str = "x.docx") -> Document:
    blocks = [Block(text, kind, Location(paragraph=i + 1), align) for i, (text, kind, align) in enumerate(lines)]
    return Document(source=Source(path, "", 0, "docx"), blocks=blocks)


P, T, R = BlockKind.PARAGRAPH, BlockKind.TITLE, "right"


def extract(campaign, document: Document) -> Record:
    return Extractor(campaign)(document, Record(file=document.source.path, sha256="", format="docx", status="ok"))


def test_the_signer_not_the_cities_named_in_the_body(campaign):
    rec = extract(
        campaign,
        doc(
            ("2018年世界认可日活动总结", T, "center"),
            ("6月9日，宁波市局、青岛市局和深圳市场监管委分别在当地举办启动仪式，发放资料5000余份。", P, None),
            ("浙江省质量技术监督局", P, R),
            ("二〇一八年七月十日", P, R),
        ),
    )
    assert (rec.submitter, rec.submitter_kind, rec.doc_date) == ("浙江省", "regulator", "2018-07-10")


def test_reformed_names_map_to_the_roster(campaign):
    for signer, canonical in [
        ("深圳市市场和质量监督管理委员会", "深圳市"),
        ("湖南省市场监督管理局", "湖南省"),
        ("新疆生产建设兵团质量技术监督局", "新疆生产建设兵团"),
        ("内蒙古自治区质监局", "内蒙古自治区"),
    ]:
        rec = extract(campaign, doc(("开展宣传活动。", P, None), (signer, P, R), ("2018年6月1日", P, R)))
        assert rec.submitter == canonical, signer


def test_a_county_bureau_is_unknown_under_its_own_name(campaign):
    rec = extract(
        campaign, doc(("开展宣传活动。", P, None), ("河南省中牟县市场监督管理局", P, R), ("2018年6月20日", P, R))
    )
    assert (rec.submitter, rec.submitter_kind) == ("河南省中牟县市场监督管理局", "unknown")


def test_institution_full_name_and_demo_zone(campaign):
    rec = extract(
        campaign, doc(("开放实验室。", P, None), ("中国质量认证中心南京分中心", P, R), ("2018年6月20日", P, R))
    )
    assert (rec.submitter, rec.submitter_kind) == ("中国质量认证中心南京分中心", "institution")
    rec = extract(
        campaign,
        doc(
            ("泉州国家检验检测认证公共服务平台示范区2018年世界认可日活动总结", T, "center"),
            ("举办开放日。", P, None),
            ("泉州市检验检测认证集团有限公司", P, R),
            ("2018年6月25日", P, R),
        ),
    )
    assert (rec.submitter, rec.submitter_kind) == ("泉州市检验检测认证集团有限公司", "demo_zone")


def test_document_number_gives_the_sender_when_nothing_else_does(campaign):
    rec = extract(campaign, doc(("湘质监函〔2018〕12号", P, "center"), ("开展宣传活动。", P, None)))
    assert rec.submitter == "湖南省"


def test_national_events_are_only_the_hosts_activity(campaign):
    text = "6月9日，国家认监委、长沙市人民政府在长沙举办世界认可日分场活动，举行启动仪式。"
    hunan = extract(campaign, doc((text, P, None), ("湖南省质量技术监督局", P, R), ("2018年5月25日", P, R)))
    other = extract(campaign, doc((text, P, None), ("江苏省质量技术监督局", P, R), ("2018年5月25日", P, R)))
    assert "2018-06-09" in hunan.activity_dates and "主题仪式" in hunan.activity_types
    assert other.activity_dates == [] and "主题仪式" not in other.activity_types


def test_a_name_and_its_date_run_together_are_still_the_signature(campaign):
    rec = extract(
        campaign,
        doc(
            ("世界认可日活动总结", T, "center"),
            ("6月9日，我局在县城广场开展宣传活动，发放资料300份。", P, None),
            ("中牟县市场监督管理局2018年6月19日", P, None),
            ("活动时间2018年6月9日", P, None),  # not a name: no organisation suffix before the date
        ),
    )
    assert (rec.submitter, rec.doc_date) == ("中牟县市场监督管理局", "2018-06-19")


def test_a_scanned_signature_misread_under_the_seal_falls_back_to_the_titles_member(campaign):
    def scanned(signer: str) -> Document:
        d = doc(
            ("江苏省2018年世界认可日系列活动方案", T, "center"),
            ("6月9日举办开放日活动。", P, None),
            (signer, P, R),
            ("2018年5月29日", P, R),
        )
        for b in d.blocks[2:]:
            b.loc = Location(paragraph=b.loc.paragraph, page=2)
        d.ocr_pages = [2]
        return d

    assert extract(campaign, scanned("江质量技术监督局")).submitter == "江苏省"  # 苏 lost under the seal
    # A different organisation in the 落款 stays itself, scanned or not.
    assert extract(campaign, scanned("江苏省计量科学研究院")).submitter == "江苏省计量科学研究院"


def test_a_news_report_is_a_summary_and_a_responsible_person_is_not_a_plan(campaign):
    rec = extract(
        campaign,
        doc(
            ("某市质监局多措并举开展世界认可日活动", T, "center"),
            ("本报讯（记者 张三 通讯员 李四）6月9日，市质监局在中心广场设立宣传咨询台，市民咨询不断。", P, None),
            ("市质监局负责人介绍，下一步将把认证认可工作与质量提升结合起来。", P, None),
            ("企业负责人表示，希望搭建更多对接平台。据统计，当天共发放宣传资料3000余份。", P, None),
        ),
    )
    assert rec.doc_kind == "summary"


def test_visits_door_to_door_and_test_demonstrations_are_typed(campaign):
    rec = extract(
        campaign,
        doc(
            ("2018年世界认可日活动总结", T, "center"),
            ("6月11日，执法人员走访辖区企业40余家，上门解答认证问题。", P, None),
            ("6月8日，200名中小学生走进检验所的实验室，观看电线电缆阻燃等检测演示。", P, None),
        ),
    )
    assert {"走进基层", "开放体验"} <= set(rec.activity_types)


def test_a_schedule_items_time_field_dates_its_other_fields(campaign):
    """时间：/地点：/内容： as separate paragraphs (Word) or as sentences of one (PDF)."""
    for lines in (
        [
            ("（二）“认证认可进商场”宣传咨询活动", P, None),
            ("时间：世界认可日当天。", P, None),
            ("地点：市中心商场。", P, None),
            ("内容：组织会员机构设立宣传咨询台，现场解答消费者咨询，发放宣传资料。", P, None),
        ],
        [
            ("（二）“认证认可进商场”宣传咨询活动", P, None),
            (
                "时间：世界认可日当天。地点：市中心商场。内容：组织会员机构设立宣传咨询台，现场解答消费者咨询，发放宣传资料。",
                P,
                None,
            ),
        ],
    ):
        rec = extract(
            campaign,
            doc(
                ("某协会2018年世界认可日活动方案", T, "center"),
                ("成文日期：2018年5月28日", P, None),
                *lines,
                ("（三）知识竞赛", P, None),
                ("在协会微信公众号上线知识竞赛答题。", P, None),
            ),
        )
        assert rec.activity_dates == ["2018-06-09"]
        dated = {a["type"]: a["date"] for a in rec.activities if "咨询台" in a["evidence"]}
        assert dated and set(dated.values()) == {"2018-06-09"}
        assert all(a["date"] is None for a in rec.activities if "竞赛" in a["evidence"]), "the next item is not dated"


def test_a_clause_about_sending_the_plan_up_leaves_the_rest_of_the_sentence(campaign):
    rec = extract(
        campaign,
        doc(
            ("某省2018年世界认可日活动情况的报告", T, "center"),
            (
                "根据《国家认监委关于组织开展2018年世界认可日活动的通知》要求，我局于5月31日报送了活动方案，"
                "并于6月1日至6月20日在全省集中开展了世界认可日系列活动。",
                P,
                None,
            ),
        ),
    )
    assert rec.activity_dates == ["2018-06-01", "2018-06-20"]


def test_a_theme_clause_with_its_subject_is_not_an_activity(campaign):
    rec = extract(
        campaign,
        doc(
            ("某省2018年世界认可日活动工作总结", T, "center"),
            ("各项活动紧扣国务院3号文件宣贯，把认证认可知识讲清楚、讲透彻。", P, None),
            ("6月9日，在省会广场设立咨询台，发放宣传资料2000份。", P, None),
        ),
    )
    assert "培训宣贯" not in rec.activity_types


def test_going_out_to_a_place_a_few_words_later_is_going_to_the_grassroots(campaign):
    rec = extract(
        campaign,
        doc(
            ("某市开展世界认可日宣传活动", T, "center"),
            ("当天，执法人员还走进周边社区和商场，向经营户宣传认证认可法律法规。", P, None),
        ),
    )
    assert "走进基层" in rec.activity_types
    cues = next(a for a in rec.activities if a["type"] == "走进基层")
    assert cues["evidence"].startswith("当天，执法人员")


def test_a_notice_that_issues_a_plan_is_dated_by_its_own_signature_not_the_plans_window(campaign):
    rec = extract(
        campaign,
        doc(
            ("某市市场监督管理局关于印发2018年世界认可日宣传活动方案的通知", T, "center"),
            ("各区市场监督管理局：", P, None),
            ("现将《某市2018年世界认可日宣传活动方案》印发给你们，请认真组织实施。", P, None),
            ("某市市场监督管理局", P, R),
            ("2018年5月30日", P, R),
            ("某市2018年世界认可日宣传活动方案", T, "center"),
            ("二、活动时间", BlockKind.HEADING, None),
            ("2018年6月4日至6月15日", P, None),
            ("三、活动安排", BlockKind.HEADING, None),
            ("6月9日在步行街设置宣传咨询台，发放宣传折页。", P, None),
        ),
    )
    assert rec.doc_date == "2018-05-30"
    assert rec.activity_dates == ["2018-06-04", "2018-06-09", "2018-06-15"]


def test_an_office_signs_and_a_clause_is_not_a_name(campaign):
    rec = extract(
        campaign,
        doc(
            ("某国家检验检测认证公共服务平台示范区", T, "center"),
            ("6月9日，各入驻机构向社会公众开放实验室，市民近千人参观。", P, None),
            ("某国家检验检测认证公共服务平台示范区建设办公室", P, R),
            ("2018年7月3日", P, R),
        ),
    )
    assert (rec.submitter, rec.submitter_kind) == ("某国家检验检测认证公共服务平台示范区建设办公室", "demo_zone")


def test_an_institutions_part_in_someone_elses_event_counts_by_what_it_did(campaign):
    rec = extract(
        campaign,
        doc(
            ("某认证集团2018年世界认可日活动小结", T, "center"),
            ("世界认可日期间，我集团积极参与各地组织的宣传活动。", P, None),
            ("6月7日，集团专家参加了市局举办的启动仪式，并在培训班上授课。", P, None),
            ("集团技术人员在《中国质量报》发表认证认可科普文章2篇。", P, None),
            ("某认证集团有限公司", P, R),
            ("2018年6月22日", P, R),
        ),
    )
    assert rec.submitter_kind == "institution"
    assert set(rec.activity_types) == {"培训宣贯", "媒体传播"}
    assert rec.metrics.get("media_reports") == 2


def test_a_publicity_and_consultation_stand_is_publicity(campaign):
    rec = extract(
        campaign, doc(("某省2018年世界认可日活动方案", T, "center"), ("6月9日在中央大街开展主题宣传咨询。", P, None))
    )
    assert "宣传推广" in rec.activity_types


def test_a_place_name_starting_with_xiang_is_still_a_name(campaign):
    from pipeline.extract.sender import _organisation

    assert _organisation("向阳区市场监督管理局开展宣传", campaign) == "向阳区市场监督管理局"
    assert _organisation("6月9日，各入驻机构向社会公众开放实验室", campaign) is None
