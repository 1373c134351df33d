"""Reading and cleaning articles (no model needed)."""

from assistant.chunking import chunk_article, make_splitter, sentence_units
from assistant.cleaning import clean_article
from assistant.corpus import read_articles

from conftest import CORPUS


def test_seed_corpus_reads_with_metadata():
    result = read_articles([CORPUS])
    assert not result.problems
    assert len(result.articles) == 5
    by_id = {a.id: a for a in result.articles}
    assert by_id["001_bdb9af9ed111424f"].source.startswith("Al-Hal Net")
    assert by_id["001_bdb9af9ed111424f"].date == "2021"


def test_cleaning_drops_boilerplate_and_repairs_text():
    for article in read_articles([CORPUS]).articles:
        text = clean_article(article).text
        for junk in ("التعليقات (0)", "الأكثر قراءة", "أهم المواضيع", "أهم التصنيفات", "مقالات ذات صلة",
                     "اترك تعليقاً", "زر الذهاب إلى الأعلى", "لن يتم نشر عنوان بريدك", "هل أعجبك المحتوى",
                     "ـ.ـ", "#"):
            assert junk not in text, (article.id, junk)
        assert not text.startswith(article.title), article.id  # the repeated title line is gone
    cleaned = {a.id: clean_article(a).text for a in read_articles([CORPUS]).articles}
    assert "من لواء القدس المدعوم روسياً" in cleaned["001_bdb9af9ed111424f"]  # "#لواء_القدس"
    assert "مع الميليشيات التابعة" in clean_article(read_articles([CORPUS / "003_43be742b00fee8f7.md"])
                                                      .articles[0]).title
    assert "هاجم تنظيم “داعش”" in cleaned["003_43be742b00fee8f7"]


def test_all_formats_and_bad_input_are_reported_not_fatal(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان المقال\n\nنص المقال الأول.", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("---\ntitle: مقال ب\nsource: مصدر\n---\nنص المقال الثاني.", "utf-8")
    (tmp_path / "c.jsonl").write_text(
        '{"id": "c1", "title": "ج", "text": "نص ج", "source": "s", "date": "2020-01-01"}\n'
        "{not json\n"
        '{"id": "c3", "title": "بلا نص"}\n'
        '{"id": "c4", "title": "د", "text": "نص د"}\n', "utf-8")
    (tmp_path / "latin1.txt").write_bytes("titre\n\ncaf\xe9".encode("latin-1"))
    result = read_articles([tmp_path])
    assert sorted(a.id for a in result.articles) == ["a", "b", "c1", "c4"]
    assert next(a for a in result.articles if a.id == "a").title == "عنوان المقال"
    problems = sorted(str(p) for p in result.problems)
    assert any("c.jsonl:2" in p and "malformed" in p for p in problems)
    assert any("c.jsonl:3" in p and "missing text" in p for p in problems)
    assert any("latin1.txt" in p and "not UTF-8" in p for p in problems)


def test_chunks_and_sentences_are_verbatim_spans():
    splitter = make_splitter(350, 70)
    for article in read_articles([CORPUS]).articles:
        article = clean_article(article)
        units = chunk_article(article, splitter) + sentence_units(article, splitter)
        assert units
        for unit in units:
            assert article.text[unit.start:unit.end] == unit.text
            assert len(unit.text) <= 350
