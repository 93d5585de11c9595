"""RubyLabel draws readings above their bases, wraps without clipping, and speaks plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette

from kiosk.core.furigana import Segment
from kiosk.ui.theme import load_fonts, ui_font
from kiosk.ui.widgets.ruby_label import RubyLabel

SENTENCE = (
    Segment("転入届", "てんにゅうとどけ"), Segment("を"), Segment("出", "だ"), Segment("し", None, True),
    Segment("て"), Segment("ください"), Segment("。"), Segment("番号札", "ばんごうふだ"),
    Segment("を"), Segment("取", "と"), Segment("って", None, True), Segment("お"), Segment("待", "ま"),
    Segment("ち", None, True), Segment("ください"), Segment("。"),
)


def _label(segments, width: int) -> RubyLabel:
    load_fonts()
    label = RubyLabel(segments)
    label.setFont(ui_font(24))
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor("black"))
    label.setPalette(palette)
    label.resize(width, label.heightForWidth(width))
    return label


def _render(label: RubyLabel) -> QImage:
    image = QImage(label.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    label.render(image)
    return image


def _ink_rows(image: QImage) -> list[int]:
    """Glyph pixels per row (darker than the widget's light background), from the rendered label."""
    return [
        sum(1 for x in range(image.width()) if QColor(image.pixel(x, y)).lightness() < 160)
        for y in range(image.height())
    ]


def _ink_columns(image: QImage, top: int, bottom: int) -> list[int]:
    return [
        x for x in range(image.width())
        if any(QColor(image.pixel(x, y)).lightness() < 128 for y in range(top, bottom))
    ]


def test_reading_is_drawn_above_and_centred_over_its_base(qapp) -> None:
    """A one-segment text puts small ink in the top band, the base below, both centred alike."""
    label = _label((Segment("住所", "じゅうしょ"),), 400)
    image = _render(label)
    band = int(label._ruby_band())  # the ruby band's height is what "above" means here
    rows = _ink_rows(image)
    top_ink, bottom_ink = sum(rows[:band]), sum(rows[band:])
    assert top_ink > 0 and bottom_ink > 0
    assert bottom_ink > top_ink  # 50 % size reading has less ink than the base
    ruby_columns = _ink_columns(image, 0, band)
    base_columns = _ink_columns(image, band, image.height())
    ruby_centre = (ruby_columns[0] + ruby_columns[-1]) / 2
    base_centre = (base_columns[0] + base_columns[-1]) / 2
    assert abs(ruby_centre - base_centre) <= 3


def test_segment_without_reading_leaves_the_ruby_band_empty(qapp) -> None:
    """Kana get no ruby: only the kanji segment puts ink above the baseline band."""
    label = _label((Segment("ひらがな"), Segment("字", "じ")), 400)
    image = _render(label)
    band = int(label._ruby_band())
    ruby_columns = _ink_columns(image, 0, band)
    base_columns = _ink_columns(image, band, image.height())
    assert ruby_columns and min(ruby_columns) > (base_columns[0] + base_columns[-1]) / 2


def test_narrow_width_wraps_into_more_lines_without_clipping(qapp) -> None:
    """At a narrow width the label takes more lines, grows taller and still draws all the ink."""
    wide = _label(SENTENCE, 1400)
    narrow = _label(SENTENCE, 220)
    assert wide.lineCount() == 1
    assert narrow.lineCount() >= 3
    assert narrow.height() > wide.height() * 2
    fitted = _ink_rows(_render(narrow))
    narrow.resize(220, narrow.height() + 200)
    roomy = _ink_rows(_render(narrow))
    assert sum(fitted) == sum(roomy)  # more room shows no more ink: nothing was clipped
    ink_columns = _ink_columns(_render(narrow), 0, narrow.height())
    assert ink_columns[-1] < 220 - 1  # nor cut at the right edge
    assert narrow.minimumSizeHint().width() <= 220


def test_width_below_the_widest_word_still_shows_the_whole_word(qapp) -> None:
    """Even narrower than 転入届's ruby, heightForWidth leaves room and nothing is elided."""
    label = _label(SENTENCE, 10)
    assert label.minimumSizeHint().width() > 10
    assert label.heightForWidth(10) >= label.heightForWidth(label.minimumSizeHint().width())


def test_no_line_break_inside_a_word_or_before_a_full_stop(qapp) -> None:
    """届け-style okurigana and 。 stay on the line of the segment before them."""
    label = _label(SENTENCE, 220)
    placed = label._layout(float(label.contentsRect().width()))
    assert len({item.line for item in placed}) >= 3
    bases = [item.cell.base for item in placed]
    lines = [item.line for item in placed]
    for index, base in enumerate(bases):
        if base in ("し", "って", "ち", "。"):
            assert lines[index] == lines[index - 1], base


def test_accessible_name_is_plain_text_and_description_has_readings(qapp) -> None:
    """Screen readers get the text without ruby, and the readings in parentheses separately."""
    label = _label(SENTENCE[:3] + (SENTENCE[3],), 400)
    assert label.accessibleName() == "転入届を出し"
    assert label.accessibleDescription() == "転入届（てんにゅうとどけ）を出し（だし）"
    label.setText((Segment("窓口", "まどぐち"),))
    assert label.accessibleName() == "窓口"
    assert label.text() == "窓口"


def test_set_font_changes_the_measures(qapp) -> None:
    """A bigger font makes the label taller for the same width (layout is not stale)."""
    label = _label(SENTENCE, 600)
    before = label.heightForWidth(600)
    label.setFont(ui_font(40))
    assert label.heightForWidth(600) > before
    assert label.sizeHint().height() > 0 and label.hasHeightForWidth()


def test_centre_alignment_moves_a_short_line_to_the_middle(qapp) -> None:
    """AlignHCenter puts a short text's ink around the middle of the label."""
    label = _label((Segment("窓口", "まどぐち"),), 600)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    image = _render(label)
    columns = _ink_columns(image, 0, image.height())
    assert abs((columns[0] + columns[-1]) / 2 - 300) <= 3


def test_furigana_label_keeps_ruby_for_text_set_between_frames(qapp) -> None:
    """A message shown between frames (a refused answer) gets its readings at once."""
    from kiosk.ui.widgets.furigana_text import FuriganaLabel

    label = FuriganaLabel("名前")
    label.set_ruby(True)
    assert label.ruby_active()
    label.setText("住所を 入れて ください")
    assert label.ruby_active() and label.text() == "住所を 入れて ください"
    label.set_ruby(False)
    label.setText("漢字")
    assert not label.ruby_active()
