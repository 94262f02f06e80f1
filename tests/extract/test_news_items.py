"""News-style submissions (本报讯, 信息, 简报, a mail pasted into Word, a scanned copy): who sent
them, when things happened, what was counted. The wording here is made up for each rule; none
is a sample's sentence."""

from pipeline.extract.dates import find_dates
from pipeline.extract.metrics import find_metrics
from pipeline.model import Location
from tests.extract.test_sender import P, R, T, doc, extract

C = "center"


def test_a_reporting_frame_is_no_part_of_the_name(campaign):
    for lead in (
        "据四川省质量技术监督局统计，活动期间全省共发放宣传资料8000余份。",
        "本报讯 记者从云南省质量技术监督局获悉，全省各地开展了形式多样的宣传。",
        "由江苏省质量技术监督局和某区人民政府共同主办的宣传周活动日前落下帷幕。",
    ):
        rec = extract(campaign, doc(("认证认可宣传周落幕", T, C), (lead, P, None), path="news.docx"))
        assert (rec.submitter, rec.submitter_kind, rec.submitter_source) == (
            {"据": "四川省", "本": "云南省", "由": "江苏省"}[lead[0]],
            "regulator",
            "导语",
        ), lead


def test_a_short_self_reference_is_never_the_name(campaign):
    """The lead says only 市质监局: the city the file name (a newspaper's name) gives is the sender."""
    rec = extract(
        campaign,
        doc(
            ("市质监局开展认证宣传", T, C),
            ("6月7日，市质监局在人民公园设立咨询台，发放资料600余份，当天接受咨询90余人次。", P, None),
            path="宁波日报0608 市质监局开展认证宣传.docx",
        ),
    )
    assert (rec.submitter, rec.submitter_source) == ("宁波市", "简称推断")
    assert rec.submitter_confidence < 0.8
    # With nothing that names the place, no sender is made up from the short form.
    rec = extract(campaign, doc(("市质监局开展认证宣传", T, C), ("6月7日，市质监局在广场设立咨询台。", P, None)))
    assert rec.submitter is None


def test_the_lead_subject_not_a_quoted_national_body(campaign):
    rec = extract(
        campaign,
        doc(
            ("认证知识进社区", T, C),
            ("按照国家认监委的统一部署，6月8日，湖北省质量技术监督局在某社区开展宣传，发放资料300份。", P, None),
        ),
    )
    assert rec.submitter == "湖北省"
    # A national body only quoted is never the sender, even with nothing else in the lead.
    rec = extract(campaign, doc(("认证知识进社区", T, C), ("国家认监委近日发布通知，要求做好宣传工作。", P, None)))
    assert rec.submitter is None


def test_a_scanned_name_a_character_or_two_off_is_linked_with_its_strength(campaign):
    def paper(signer: str, scanned: bool):
        d = doc(("开展宣传活动，发放资料500份。", P, None), (signer, P, R), ("2018年7月2日", P, R))
        if scanned:
            for b in d.blocks:
                b.loc = Location(paragraph=b.loc.paragraph, page=1)
            d.ocr_pages = [1]
        return d

    rec = extract(campaign, paper("江西省质重支术监督局", scanned=True))
    assert (rec.submitter, rec.submitter_kind) == ("江西省", "regulator")
    assert 0.6 < rec.submitter_confidence < 0.95
    # Text that was typed is taken as typed: no similarity guess.
    assert extract(campaign, paper("江西省质重支术监督局", scanned=False)).submitter_kind == "unknown"


def test_a_form_names_its_sender_in_its_filled_in_by_line(campaign):
    rec = extract(
        campaign,
        doc(
            ("世界认可日活动情况统计表", T, C),
            ("填报单位（盖章）：青海省质量技术监督局", P, None),
            ("填报人：张某　填报日期：2018年7月3日", P, None),
        ),
    )
    assert (rec.submitter, rec.submitter_source) == ("青海省", "报送单位")
    assert "2018-07-03" not in rec.activity_dates


def test_a_bureau_below_the_roster_has_one_name_whichever_form_it_wrote(campaign):
    rec = extract(campaign, doc(("开展宣传。", P, None), ("某某县质监局", P, R), ("2018年6月20日", P, R)))
    assert rec.submitter == "某某县质量技术监督局"


def test_lost_month_digits_are_read_inside_the_campaign_months():
    months = (5, 6, 7)
    read = [(m.text, m.start.isoformat()) for m in find_dates("201869日开幕，68日开放，615日结束", 2018, months=months)]
    assert read == [("201869日", "2018-06-09"), ("68日", "2018-06-08"), ("615日", "2018-06-15")]
    assert find_dates("24日举办", 2018, months=months) == []  # a day of a month told before
    assert find_dates("121日", 2018, months=months) == []  # 1月21日 or 12月1日: outside, ambiguous


def test_same_day_words_point_at_the_day_just_told(campaign):
    rec = extract(
        campaign,
        doc(
            ("某市开展认证宣传", T, C),
            ("6月7日上午，某市市场监督管理局在中心广场举办宣传活动。当天共发放资料500余份。", P, None),
            ("8日下午，检测院面向市民开放实验室。同日，执法人员走进商场开展专项检查。", P, None),
        ),
    )
    assert rec.activity_dates == ["2018-06-07", "2018-06-08"]
    rec = extract(
        campaign,
        doc(
            ("世界认可日当天，在广场设点宣传。", P, None),
        ),
    )
    assert rec.activity_dates == ["2018-06-09"]


def test_yesterday_on_a_dated_page_and_the_day_named_only(campaign):
    rec = extract(
        campaign,
        doc(
            ("市民走进实验室", T, C),
            ("发布时间：2018-06-12 08:30　来源：某网", P, C),
            ("6月9日是第11个世界认可日。昨天上午，某省质量技术监督局组织市民参观实验室。", P, None),
            ("市民说，今天才知道认证标志的含义。", P, None),
        ),
    )
    assert rec.activity_dates == ["2018-06-11"]


def test_a_bulletins_other_items_are_not_the_campaigns(campaign):
    rec = extract(
        campaign,
        doc(
            ("工作简报", T, C),
            ("第12期", P, C),
            ("某省开展世界认可日宣传", P, None),
            ("6月8日，某省质量技术监督局在广场举办世界认可日宣传活动，发放资料900余份。", P, None),
            ("全省电梯安全会议召开", P, None),
            ("5月28日，某省质量技术监督局召开电梯安全会议，部署专项检查。", P, None),
        ),
    )
    assert rec.activity_dates == ["2018-06-08"] and "监督检查" not in rec.activity_types
    assert rec.doc_kind == "summary"


def test_sector_statistics_and_readers_are_no_metric(campaign):
    assert find_metrics("截至去年底，全省共有检验检测机构1200余家，从业人员3万余人。", campaign) == []
    assert find_metrics("全年营业收入50亿元，有效证书2万张。", campaign) == []
    [m] = find_metrics("推送专题文章5篇，累计阅读2万余次。", campaign)
    assert (m.name, m.value) == ("media_reports", 5)
    assert [(m.name, m.value) for m in find_metrics("组织从业人员200余人参加培训。", campaign)] == [
        ("participants", 200)
    ]


def test_a_news_item_about_a_plan_being_issued_is_a_plan(campaign):
    rec = extract(
        campaign,
        doc(
            ("某市质监局部署世界认可日系列活动", T, C),
            ("近日，某市质量技术监督局印发通知，部署开展世界认可日系列活动。", P, None),
            ("活动期间，将于6月9日在中心广场举办主题宣传，将组织检测机构开放实验室，欢迎市民报名参观。", P, None),
        ),
    )
    assert rec.doc_kind == "plan"


def test_rows_of_figures_a_scan_did_not_read_as_a_table_are_flagged(campaign):
    def photographed(scanned: bool):
        d = doc(
            ("世界认可日活动情况统计表", T, C),
            ("地区　场次　参与人数　发放资料", P, None),
            ("甲市　3　1200　3500", P, None),
            ("乙市　5　1650　4200", P, None),
            ("丙市　2　380　900", P, None),
            ("合计　10　3230　8600", P, None),
        )
        if scanned:
            for b in d.blocks:
                b.loc = Location(paragraph=b.loc.paragraph, page=2)
            d.ocr_pages = [2]
        return d

    assert extract(campaign, photographed(scanned=True)).tables_unread == [2]
    assert extract(campaign, photographed(scanned=False)).tables_unread == []  # typed text: read as written
