import pytest

from pipeline.extract.metrics import find_metrics
from pipeline.extract.numerals import chinese_to_int, parse_amount


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5000", 5000),
        ("1.2万", 12000),
        ("3千", 3000),
        ("三百", 300),
        ("2,300", 2300),
        ("十二", 12),
        ("一万二千", 12000),
    ],
)
def test_amounts(text, value):
    assert parse_amount(text) == value


def test_chinese_year_digits():
    assert chinese_to_int("二〇一八") == 2018


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("发放宣传资料5000余份", {"materials": (5000, True)}),
        ("发放宣传册3千余份", {"materials": (3000, True)}),
        ("接受群众咨询三百余人次", {"consultations": (300, True)}),
        ("活动吸引近200人参加", {"participants": (200, True)}),
        ("上百人参加了开放日", {"participants": (100, True)}),
        ("市民近千人走进实验室参观", {"participants": (1000, True)}),
        ("印发宣传资料1.2万份", {"materials": (12000, False)}),
        ("各级媒体报道20余篇（条），推送专刊5期", {"media_reports": (20, True)}),
        ("全市19家检验检测机构参与开放日活动，帮扶企业10余家", {"institutions": (19, False)}),
        ("出动执法人员120余人次，检查企业260家", {}),
        ("张贴海报40张", {}),
        ("全市共有各类获证企业1.1万余家，目前共有检验检测机构近400家", {}),
        ("“检验检测认证服务进万家”活动", {}),
    ],
)
def test_metrics_by_unit_and_context(campaign, sentence, expected):
    found = {m.name: (m.value, m.approximate) for m in find_metrics(sentence, campaign)}
    assert found == expected


def test_a_stated_total_is_marked(campaign):
    found = find_metrics("据统计，全省累计开展活动63场次，参与群众2万余人次", campaign)
    assert [(m.name, m.value, m.total) for m in found] == [("participants", 20000, True)]
