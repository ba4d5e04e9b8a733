"""Charts drawn on the server as inline SVG: no script, bars only for the
numbers shown, scaled to the largest shown, growing from the right in
Arabic; the words are text that wraps."""

import re

from academy.programmes.charts import Bar, bar_chart
from academy.programmes.suppression import SMALL, Cell


def bars():
    return [Bar("Woman", "80 of 120", Cell(120), Cell(80)), Bar("Man", "<5", Cell(3, SMALL), Cell(1, SMALL))]


def rects(html: str) -> list[dict]:
    return [dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match)) for match in re.findall(r"<rect ([^>]*)>", html)]


def drawn(html: str) -> list[dict]:
    return [r for r in rects(html) if r["class"] != "chart-track"]


def test_a_chart_is_inline_svg_bars_with_text_and_no_script():
    html = str(bar_chart(bars(), "Learners by gender"))
    assert html.count("<svg") == 2 and "Learners by gender" in html and "Woman" in html and "80 of 120" in html
    assert "<script" not in html and "href" not in html and "http://www.w3.org/2000/svg" in html


def test_a_hidden_number_draws_no_bar():
    assert [(r["class"], r["width"]) for r in drawn(str(bar_chart(bars(), "t")))] == [
        ("chart-bar-light", "100.00%"), ("chart-bar", "66.67%")]


def test_bars_are_scaled_to_the_largest_number_shown():
    chart = bar_chart([Bar("all", "–", Cell(40, "complement")), Bar("started", "20", Cell(20)), Bar("done", "10", Cell(10))], "t")
    assert [r["width"] for r in drawn(str(chart))] == ["100.00%", "50.00%"]


def test_bars_grow_from_the_right_in_a_right_to_left_language():
    part = next(r for r in rects(str(bar_chart(bars(), "t", direction="rtl"))) if r["class"] == "chart-bar")
    assert part["x"] == "33.33%" and part["width"] == "66.67%"


def test_labels_are_escaped():
    assert "&lt;b&gt;Factory &amp; Co&lt;/b&gt;" in str(bar_chart([Bar("<b>Factory & Co</b>", "5", Cell(5))], "t"))
