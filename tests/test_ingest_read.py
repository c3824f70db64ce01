"""Reading pages: encodings, bad files, and the normalisation policy of output fields."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.errors import DataError
from research.ingest import decode_bytes, read_page, read_text
from research.ingest.normalize import join_pieces, normalize

PAGES = Path(__file__).parent / "fixtures" / "pages"
TEXT = "经开区召开会议\n\n本报讯 3月15日,经开区召开宣传工作会议。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gbk"),
        ((TEXT + "𠮷").encode("gb18030"), "gb18030"),
        (b"plain ascii page\n", "utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "ascii"],
)
def test_decode_detects_encoding(data, encoding):
    decoded = decode_bytes(data, "page.txt")
    assert decoded.encoding == encoding
    assert decoded.text.startswith("经开区召开会议") or decoded.text == "plain ascii page\n"
    assert "\ufeff" not in decoded.text


def test_crlf_and_cr_become_newlines():
    assert decode_bytes("标题\r\n\r\n正文。\r第二段。".encode("utf-8")).text == "标题\n\n正文。\n第二段。"


def test_fixture_pages_in_gbk_and_gb18030():
    assert read_page(PAGES / "gbk_page.txt").encoding == "gbk"
    gb = read_page(PAGES / "gb18030_page.txt")
    assert gb.encoding == "gb18030"
    assert "“𠮷𠮷”" in gb.text  # a character GBK cannot encode survived
    assert read_text(PAGES / "gbk_page.txt").startswith("经开区推进老旧小区改造\n")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\r\n\t\n", "empty file"),
        ("ideographic-space.txt", "\u3000\n".encode("utf-8"), "empty file"),
        ("nul.txt", b"abc\x00def" * 10, "binary file (NUL bytes)"),
        ("png.txt", b"\x89PNG\r\n\x1a\n", "binary file (PNG)"),
        ("pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary file (PDF)"),
        ("controls.txt", bytes(range(1, 9)) * 20, "binary file (control characters)"),
        ("utf16.txt", "经开区".encode("utf-16"), "UTF-16 text is not supported"),
        ("sjis.txt", "経済開発区で会議が開かれました。".encode("shift_jis"), "unknown encoding"),
        ("latin1.txt", "naïve résumé café".encode("latin-1"), "unknown encoding"),
        ("bad-bom.txt", codecs.BOM_UTF8 + b"\xff\xfe abc", "invalid UTF-8"),
    ],
)
def test_bad_input_raises_data_error_naming_the_file(name, data, reason):
    with pytest.raises(DataError) as info:
        decode_bytes(data, name)
    message = str(info.value)
    assert message.startswith(f"{name}: ")
    assert reason in message
    assert "\n" not in message


def test_read_text_names_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match=r"nope\.txt: no such file"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(DataError, match="is a directory"):
        read_text(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023年,郑州经开区将继续", "2023年，郑州经开区将继续"),  # ASCII comma in Chinese -> full-width
        ("中欧班列(郑州)集结中心", "中欧班列（郑州）集结中心"),
        ("经开区发展成绩令人瞩目:", "经开区发展成绩令人瞩目："),
        ("郑州经开区：以高质量党建为引领", "郑州经开区：以高质量党建为引领"),  # NFKC would make this ':'
        ("“三标”活动；要，。！？", "“三标”活动；要，。！？"),
        ("货值1,000万元 12:30 (a) PM2.5", "货值1,000万元 12:30 (a) PM2.5"),  # stays ASCII between digits/Latin
        ("２０２３年ＡＢＣ", "2023年ABC"),  # full-width letters and digits -> ASCII
        ("记者\u3000王赛华  文/图", "记者 王赛华 文/图"),  # ideographic space, runs of spaces
        ("政治\u200b保障\ufeff", "政治保障"),  # invisible characters dropped
        ("①加快……发展～", "①加快……发展～"),  # circled numbers, ellipsis, full-width tilde kept
        ("  \t", ""),
    ],
)
def test_normalize_policy(raw, expected):
    assert normalize(raw) == expected


def test_join_pieces_glues_chinese_and_numbers_but_spaces_latin_words():
    assert join_pieces(["政治保", "障。"]) == "政治保障。"
    assert join_pieces(["完成33", "1亿元"]) == "完成331亿元"
    assert join_pieces(["Exhibition and", "Trading Center"]) == "Exhibition and Trading Center"
    assert join_pieces(["", "a", ""]) == "a"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
                 st.text(alphabet="经开区会议本报讯，。\n ", max_size=300).map(lambda s: s.encode("gb18030"))))
def test_property_any_bytes_decode_or_raise_data_error(data):
    try:
        decoded = decode_bytes(data, "x.txt")
    except DataError as exc:
        assert str(exc).startswith("x.txt: ") and "\n" not in str(exc)
    else:
        assert decoded.text.strip() and "\r" not in decoded.text
        assert decoded.encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030")
