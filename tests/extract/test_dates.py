from datetime import date

import pytest

from pipeline.extract.dates import date_only, find_dates, is_deadline

DAY = date(2018, 6, 9)
NAMES = ("世界认可日当天", "当天")


def days(text: str) -> list[str]:
    return [d.isoformat() for m in find_dates(text, 2018, DAY, NAMES) for d in m.days()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年6月9日举办启动仪式", ["2018-06-09"]),
        ("6月9日在长沙举办", ["2018-06-09"]),
        ("6.9当日开放实验室", ["2018-06-09"]),
        ("2018.6.9开放", ["2018-06-09"]),
        ("2018-06-09举行", ["2018-06-09"]),
        ("六月九日，我局组织", ["2018-06-09"]),
        ("二〇一八年六月九日", ["2018-06-09"]),
        ("6月6日—8日开放实验室", ["2018-06-06", "2018-06-08"]),
        ("6月6日至8日", ["2018-06-06", "2018-06-08"]),
        ("活动时间：6月5日至6月12日", ["2018-06-05", "2018-06-12"]),
        ("六月十一日至十五日", ["2018-06-11", "2018-06-15"]),
        ("2018年6月4日—6月15日", ["2018-06-04", "2018-06-15"]),
        ("世界认可日当天设点宣传", ["2018-06-09"]),
        ("6月上旬组织培训", []),
        ("6月份开展系列活动", []),
        ("发放资料1.2万份，满意度4.5分", []),
    ],
)
def test_every_written_form(text, expected):
    assert days(text) == expected


def test_deadlines_are_recognised():
    text = "请于6月5日前报送活动方案，截至6月30日共开展活动"
    mentions = find_dates(text, 2018)
    assert all(is_deadline(text, m) for m in mentions)


def test_signature_date_line():
    assert date_only("二〇一八年七月十日", 2018) == date(2018, 7, 10)
    assert date_only("2018年7月10日", 2018) == date(2018, 7, 10)
    assert date_only("7月10日举办", 2018) is None
    assert date_only("2018年6月4日至6月15日", 2018) is None, "an activity window is not a signing date"
