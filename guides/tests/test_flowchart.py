"""The process flowchart: well-formed, complete, laid out by prerequisite depth, escaped, deterministic, printable."""

from __future__ import annotations

import io
import re
import signal
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from catalog.choices import OneThingStatus
from catalog.models import OneThing, OneThingItem, ServiceItem
from guides.flowchart import Box, flowchart_svg, layout, text_width, wrap

NS = "{http://www.w3.org/2000/svg}"
NEWBORN = "新生儿出生"
RESTAURANT = "开办餐饮店"

pytestmark = pytest.mark.django_db


def published(name: str) -> OneThing:
    return OneThing.objects.get(name=name, region__code="410721", status=OneThingStatus.PUBLISHED)


def item_named(one_thing: OneThing, prefix: str) -> OneThingItem:
    return one_thing.items.get(service_item__name__startswith=prefix)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if cls in classes(g)]


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def texts(root: ET.Element, cls: str) -> list[str]:
    return [text_of(t) for t in root.iter(f"{NS}text") if cls in classes(t)]


def item_rects(root: ET.Element) -> dict[int, Box]:
    rects = {}
    for g in groups(root, "item"):
        r = g.find(f"{NS}rect")
        rects[int(g.get("data-item"))] = Box(*(float(r.get(a)) for a in ("x", "y", "width", "height")))
    return rects


def edges(root: ET.Element) -> set[tuple[int, int]]:
    return {(int(g.get("data-from")), int(g.get("data-to"))) for g in groups(root, "edge")}


def prerequisite_edges(items: list[OneThingItem]) -> set[tuple[int, int]]:
    pks = {i.pk for i in items}
    return {(p.pk, i.pk) for i in items for p in i.prerequisites.all() if p.pk in pks}


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_standalone_accessible_svg():
    ot = published(NEWBORN)
    svg = str(flowchart_svg(ot))
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    assert NEWBORN in root.get("aria-label")
    assert NEWBORN in root.find(f"{NS}title").text
    assert "Noto Sans CJK SC" in root.get("font-family")
    # Only plain SVG primitives: nothing WeasyPrint lacks, no external reference.
    used = {el.tag.removeprefix(NS) for el in root.iter()}
    assert used <= {"svg", "title", "desc", "g", "rect", "path", "polygon", "text", "tspan"}
    assert "href" not in svg and "foreignObject" not in svg and "<style" not in svg


def test_main_flow_steps_and_title_option():
    ot = published(RESTAURANT)
    root = parse(str(flowchart_svg(ot)))
    all_text = " ".join(text_of(t) for t in root.iter(f"{NS}text"))
    for step in ("申请", "综合窗口收件", "形式审查", "一次性告知补正", "自动分发至联办部门", "统一出件", "归档"):
        assert step in all_text
    for method in ("窗口领取", "邮寄送达", "网上下载"):
        assert method in all_text
    assert "一件事办理流程图" not in all_text  # only in <title> unless asked for
    titled = parse(str(flowchart_svg(ot, title=True)))
    assert "“开办餐饮店”一件事办理流程图" in [text_of(t) for t in titled.iter(f"{NS}text")]


@pytest.mark.parametrize("name", [NEWBORN, RESTAURANT])
def test_every_item_is_drawn_with_name_department_and_days(name):
    ot = published(name)
    items = list(ot.items.select_related("service_item", "department"))
    root = parse(str(flowchart_svg(ot)))
    assert sorted(texts(root, "item-name")) == sorted(i.service_item.name for i in items)
    assert sorted(texts(root, "item-department")) == sorted(i.department.name for i in items)
    days = texts(root, "item-days")
    for item in items:
        assert f"承诺时限 {item.effective_promised_days} 个工作日" in days
    assert set(item_rects(root)) == {i.pk for i in items}


@pytest.mark.parametrize("name", [NEWBORN, RESTAURANT])
def test_one_arrow_per_prerequisite_edge_plus_the_main_flow(name):
    ot = published(name)
    items = list(ot.items.prefetch_related("prerequisites"))
    expected = prerequisite_edges(items)
    assert expected, "the seed one-thing should have prerequisites"
    root = parse(str(flowchart_svg(ot)))
    assert edges(root) == expected
    assert len(groups(root, "edge")) == len(expected)
    # 申请→收件→分发→并联办理→统一出件→归档
    assert len(groups(root, "flow-arrow")) == 5
    assert len(list(root.iter(f"{NS}polygon"))) == len(expected) + 5
    assert "结果推送" in texts(root, "edge-label")


def test_columns_follow_prerequisite_depth():
    ot = published(NEWBORN)
    items = list(ot.items.prefetch_related("prerequisites"))
    root = parse(str(flowchart_svg(ot)))
    rects = item_rects(root)
    for prerequisite, dependent in prerequisite_edges(items):
        assert rects[dependent].x > rects[prerequisite].right
    huji = item_named(ot, "户口登记")
    card = item_named(ot, "社会保障卡")
    medical = item_named(ot, "办理居民医保")
    birth = item_named(ot, "《出生医学证明》")
    assert rects[birth.pk].x < rects[huji.pk].x < rects[medical.pk].x < rects[card.pk].x
    levels = {int(g.get("data-item")): int(g.get("data-level")) for g in groups(root, "item")}
    assert (levels[birth.pk], levels[huji.pk], levels[medical.pk], levels[card.pk]) == (0, 1, 2, 3)
    # Items without prerequisites share the first column.
    roots = [i.pk for i in items if not i.prerequisites.exists()]
    assert len({rects[pk].x for pk in roots}) == 1


def test_boxes_do_not_overlap_and_text_fits():
    for name in (NEWBORN, RESTAURANT):
        root = parse(str(flowchart_svg(published(name))))
        rects = list(item_rects(root).values())
        for i, a in enumerate(rects):
            for b in rects[i + 1 :]:
                assert a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y
        for g in groups(root, "item"):
            r = g.find(f"{NS}rect")
            width = float(r.get("width"))
            for t in g.iter(f"{NS}text"):
                size = float(t.get("font-size"))
                for span in t.iter(f"{NS}tspan"):
                    assert text_width(span.text, size) <= width - 16, span.text


def test_optional_items_are_dashed_and_tagged():
    ot = published(RESTAURANT)
    root = parse(str(flowchart_svg(ot)))
    for g in groups(root, "item"):
        item = OneThingItem.objects.get(pk=g.get("data-item"))
        rect = g.find(f"{NS}rect")
        tags = [text_of(t) for t in g.iter(f"{NS}text") if "item-optional" in classes(t)]
        if item.mandatory:
            assert rect.get("stroke-dasharray") is None and tags == []
        else:
            assert rect.get("stroke-dasharray") and tags == ["可选"]


def test_subset_draws_only_the_chosen_items():
    ot = published(NEWBORN)
    birth = item_named(ot, "《出生医学证明》")
    huji = item_named(ot, "户口登记")
    card = item_named(ot, "社会保障卡")
    root = parse(str(flowchart_svg(ot, items=[birth, huji, card])))
    assert sorted(texts(root, "item-name")) == sorted(i.service_item.name for i in (birth, huji, card))
    # 社保卡 also needs 医保登记, which was not chosen: only the edges between drawn items remain.
    assert edges(root) == {(birth.pk, huji.pk), (huji.pk, card.pk)}
    assert "预防接种证办理" not in " ".join(text_of(t) for t in root.iter(f"{NS}text"))
    assert "3 个事项、3 个部门" in " ".join(text_of(t) for t in root.iter(f"{NS}text"))


def test_no_items_still_draws_the_flow():
    root = parse(str(flowchart_svg(published(NEWBORN), items=[])))
    assert groups(root, "item") == []
    assert len(groups(root, "flow-arrow")) == 5


def test_names_from_data_are_escaped():
    ot = published(RESTAURANT)
    item = ot.items.order_by("order").first()
    nasty = "Tom & Jerry <b>\"餐饮\"</b> 'x'"
    ServiceItem.objects.filter(pk=item.service_item_id).update(name=nasty)
    svg = str(flowchart_svg(ot))
    assert "<b>" not in svg and "Tom & Jerry" not in svg
    assert "&lt;b&gt;" in svg and "&amp;" in svg
    root = parse(svg)  # still well-formed
    assert nasty in texts(root, "item-name")
    assert nasty in root.find(f"{NS}desc").text


def test_output_is_deterministic():
    first = str(flowchart_svg(published(NEWBORN)))
    second = str(flowchart_svg(published(NEWBORN)))
    assert first == second
    assert str(flowchart_svg(published(RESTAURANT), title=True)) == str(
        flowchart_svg(published(RESTAURANT), title=True)
    )


def test_a_cycle_is_broken_and_still_drawn():
    ot = published(NEWBORN)
    birth = item_named(ot, "《出生医学证明》")
    card = item_named(ot, "社会保障卡")
    birth.prerequisites.add(card)  # 出生 → 户口 → 社保卡 → 出生
    with time_limit(10):
        svg = str(flowchart_svg(ot))
    root = parse(svg)
    assert len(groups(root, "item")) == ot.items.count()
    drawn = edges(root)
    all_edges = prerequisite_edges(list(ot.items.prefetch_related("prerequisites")))
    assert drawn < all_edges and len(drawn) == len(all_edges) - 1
    rects = item_rects(root)
    for prerequisite, dependent in drawn:
        assert rects[dependent].x > rects[prerequisite].right


def test_layout_breaks_cycles_and_self_loops():
    sizes = {k: (100.0, 40.0) for k in "abcd"}
    with time_limit(5):
        result = layout(sizes, {"a": ["c"], "b": ["a"], "c": ["b"], "d": ["d", "c", "zzz"]})
    assert len(result.broken) == 2  # one edge of the cycle a→b→c→a, and d's self-loop
    assert ("d", "d") in result.broken
    assert len(result.routes) == 3
    for p, k in result.routes:
        assert result.levels[k] > result.levels[p]


def _crosses(points: list[tuple[float, float]], box: Box) -> bool:
    """Whether a segment of an orthogonal polyline passes through the inside of a box."""
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        x0, x1 = sorted((ax, bx))
        y0, y1 = sorted((ay, by))
        if x0 < box.right - 0.5 and x1 > box.x + 0.5 and y0 < box.bottom - 0.5 and y1 > box.y + 0.5:
            return True
    return False


def test_layout_routes_arrows_around_boxes():
    # a → b → c and a → c (long, over b); d → c; e, f, g unrelated, in the first column.
    sizes = {k: (120.0, 50.0) for k in "abcdefg"}
    deps = {"b": ["a"], "c": ["a", "b", "d"], "d": ["e"]}
    result = layout(sizes, deps)
    assert result.levels == {"a": 0, "b": 1, "c": 2, "d": 1, "e": 0, "f": 0, "g": 0}
    assert set(result.routes) == {("a", "b"), ("a", "c"), ("b", "c"), ("d", "c"), ("e", "d")}
    for (p, k), pts in result.routes.items():
        assert pts[0] == (result.boxes[p].right, result.boxes[p].cy)
        assert pts[-1][0] == result.boxes[k].x
        assert result.boxes[k].y < pts[-1][1] < result.boxes[k].bottom
        for other, box in result.boxes.items():
            if other not in (p, k):
                assert not _crosses(pts, box), (p, k, other)
    # Arrows into one box arrive at different heights.
    into_c = [pts[-1][1] for (p, k), pts in result.routes.items() if k == "c"]
    assert len(set(into_c)) == 3
    # Boxes never overlap.
    boxes = list(result.boxes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y


def test_layout_spreads_a_crowded_level_over_several_columns():
    sizes = {i: (100.0, 40.0) for i in range(10)}
    result = layout(sizes, {})
    assert len(set(result.columns.values())) == 3
    assert max(result.rows.values()) == 3
    assert result.width < 3 * 100 + 2 * 40 and result.height < 4 * 40 + 3 * 30


def test_wrap_keeps_lines_inside_the_width():
    for text in (
        "公众聚集场所投入使用、营业前消防安全检查",
        "户口登记（申报出生登记）1岁以下婚内生育",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3,
    ):
        lines = wrap(text, 164, 14)
        assert "".join(lines) == text
        assert all(text_width(line, 14) <= 164 for line in lines)
    lines = wrap("户外招牌设施设置规范管理", 164, 14)
    assert lines == ["户外招牌设施", "设置规范管理"]  # balanced, no orphan
    assert not any(line[0] in "）》，、。" for line in wrap("户口登记（申报出生登记）1岁以下婚内生育，" * 3, 80, 14))


def test_renders_in_a_weasyprint_pdf():
    from pypdf import PdfReader

    from core.pdf import html_to_pdf

    ot = published(NEWBORN)
    html = (
        "<!doctype html><html><head><meta charset='utf-8'></head><body>"
        f"<h1>流程图</h1>{flowchart_svg(ot, title=True)}</body></html>"
    )
    pdf = html_to_pdf(html)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", "", text)
    assert "社会保障卡申领" in text
    assert "综合窗口收件" in text
