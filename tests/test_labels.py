"""Speaker labels are recognised from their shape, not from a list of speakers."""

from __future__ import annotations

import pytest

from onrecord.parse.labels import find_label_candidate, judge_label

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("printed", "name", "role"),
    [
        ("Vladimir Putin", "Vladimir Putin", None),
        (f"President of{NBSP}Russia Vladimir Putin", "Vladimir Putin", "President of Russia"),
        ("Defence Minister Sergei Shoigu", "Sergei Shoigu", "Defence Minister"),
        ("Recep Tayyip Erdogan", "Recep Tayyip Erdogan", None),
        (
            "Federal President of the Republic of Austria Alexander Van der Bellen",
            "Alexander Van der Bellen",
            "Federal President of the Republic of Austria",
        ),
        (
            "President of the Arab Republic of Egypt Mohamed Morsi",
            "Mohamed Morsi",
            "President of the Arab Republic of Egypt",
        ),
        ("Adnan Z. Amin", "Adnan Z. Amin", None),
        ("UEFA President Aleksander Čeferin", "Aleksander Čeferin", "UEFA President"),
        (
            "Olympic ice hockey champion Ilya Kovalchuk",
            "Ilya Kovalchuk",
            "Olympic ice hockey champion",
        ),
        ("Yury Kulinkov, ship fitter", "Yury Kulinkov", "ship fitter"),
        ("Mahmoud Abbas (retranslated)", "Mahmoud Abbas", None),
        ("В.Путин", "В.Путин", None),
        ("В.В.Путин", "В.В.Путин", None),
        ("B.Путин", "B.Путин", None),  # a published typo with a Latin B
        ("Е.Андреева (ведущая «Первого канала»)", "Е.Андреева", "ведущая «Первого канала»"),
        ("TRUMP", "TRUMP", None),
        ("MR. EARNEST", "EARNEST", "MR."),
        (
            "SEN. BERNIE SANDERS (D-VT), PRESIDENTIAL CANDIDATE",
            "BERNIE SANDERS",
            "SEN., PRESIDENTIAL CANDIDATE",
        ),
        ("(APPLAUSE) CLINTON", "CLINTON", None),
        ("Агентство Рейтер", "Агентство Рейтер", None),
        ("«Независимая газета»", "«Независимая газета»", None),
    ],
)
def test_labels_are_split_into_name_and_role(printed: str, name: str, role: str | None) -> None:
    shape = judge_label(printed)
    assert shape is not None, printed
    assert (shape.name, shape.role) == (name, role)


@pytest.mark.parametrize(
    ("printed", "generic"),
    [("Question", "question"), ("Remark", "remark"), ("Reply", "reply"), ("Вопрос", "question"),
     ("Реплика", "remark"), ("Question (retranslated)", "question"), ("Q", "question")],
)  # fmt: skip
def test_generic_voices(printed: str, generic: str) -> None:
    shape = judge_label(printed)
    assert shape is not None and shape.generic == generic


@pytest.mark.parametrize(
    "printed",
    [
        "For example",
        "I can give you many examples, but I will limit myself to just one",
        "The cities to have the first clusters have already been identified",
        "Mr President, my question is as follows",
        "Here is a rhetorical question",
        "Extensive educational work is also required in this area. I repeat",
        "As President Putin said",
        "Two federal ministers spoke at the conference",
        "Я уже говорил и могу повторить еще раз",
        "Посмотрите, Лавров говорит",
        "Первый вопрос. Попов Алексей Станиславович, Екатеринбург",
        "Повторяю",
        "Ответ только один",
        "Why",
    ],
)
def test_sentences_ending_in_a_colon_are_not_labels(printed: str) -> None:
    shape = judge_label(printed)
    assert shape is None or not shape.strong, shape


def test_candidate_needs_the_colon_at_the_paragraph_start() -> None:
    text = "We did what we said: we withdrew."
    candidate = find_label_candidate(text, 0, len(text))
    # The colon is inside a sentence: there is a candidate, but it is no label.
    assert candidate is not None and judge_label(candidate.printed) is None
    assert find_label_candidate("No colon here at all", 0, 20) is None


def test_label_with_non_breaking_space_after_the_colon() -> None:
    text = f"В.Путин:{NBSP}Нет."
    candidate = find_label_candidate(text, 0, len(text))
    assert candidate is not None
    assert candidate.printed == "В.Путин"
    assert text[candidate.content_start :] == "Нет."


def test_a_compound_given_name_known_to_the_alias_table_leaves_the_role() -> None:
    from onrecord.model import RawDocument
    from onrecord.parse.parser import parse

    text = "President of the Arab Republic of Egypt Abdel Fattah el-Sisi: Welcome."
    document = parse(RawDocument(text=text, source="t", input_sha256="0", reader="text"))
    (turn,) = document.turns
    assert turn.speaker_id == "abdel-fattah-el-sisi"
    assert turn.speaker == "Abdel Fattah el-Sisi"
    assert turn.role == "President of the Arab Republic of Egypt"
