from pipeline.text import collapse_doubled, looks_like_heading, normalize, split_sentences


def test_fullwidth_digits_and_letters_become_halfwidth_but_chinese_punctuation_stays():
    assert normalize("２０１８年６月９日，ＣＮＡＳ认可") == "2018年6月9日，CNAS认可"


def test_spaces_between_chinese_characters_are_removed():
    assert normalize("2018 年 6 月 9 日 世界 认可日") == "2018年6月9日世界认可日"
    assert normalize("　　为深入贯彻落实") == "为深入贯彻落实"


def test_wide_gaps_stay_as_one_separator_and_normalize_is_idempotent():
    once = normalize("时间  地点\t活动内容")
    assert once == "时间\u3000地点\u3000活动内容"
    assert normalize(once) == once


def test_halfwidth_punctuation_between_chinese_becomes_fullwidth():
    assert normalize("活动时间:6月9日,地点(长沙)") == "活动时间：6月9日，地点（长沙）"


def test_latin_words_keep_their_space():
    assert normalize("ISO 9001 质量管理体系") == "ISO 9001质量管理体系"


def test_invisible_characters_are_dropped():
    assert normalize("世界\u200b认可日\ufeff") == "世界认可日"


def test_fake_bold_doubling_is_undone_only_when_every_character_is_doubled():
    assert collapse_doubled("世世界界认认可可日日") == "世界认可日"
    assert collapse_doubled("人人参与天天向上") == "人人参与天天向上"


def test_headings():
    for text in ("一、活动主题", "（二）分场活动", "1.加强组织领导", "(3)做好总结"):
        assert looks_like_heading(text), text
    assert not looks_like_heading("2018年6月9日是第11个世界认可日。")
    assert not looks_like_heading("一、" + "很长的一段正文" * 10)


def test_split_sentences_keeps_closing_quotes():
    assert split_sentences("开展活动。发放资料5000份！“好的。”再见") == [
        "开展活动。",
        "发放资料5000份！",
        "“好的。”",
        "再见",
    ]
