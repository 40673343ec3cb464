"""The whole road on the shipped examples: the Makhmour operation of 16 July 2018 first."""

from __future__ import annotations

import datetime as dt

import pytest

from opmap.model import Article, ArticleResult
from opmap.pipeline import Resources, RunSummary, process_article
from opmap.shapes import GEOD, geodesic_area_km2


def makhmour(summary: RunSummary) -> ArticleResult:
    [result] = [r for r in summary.results if r.article.id.startswith("makhmour")]
    return result


def test_makhmour_area_is_30_km2_south_of_qarachogh(example_run: RunSummary) -> None:
    result = makhmour(example_run)
    [area] = [a for a in result.areas if a.statement.area_km2]
    assert geodesic_area_km2(area.geometry) == pytest.approx(30.0, rel=0.01)
    [mountain] = [p for p in result.places if p.name == "Mount Qarachogh"]
    c = area.geometry.centroid
    bearing = GEOD.inv(mountain.lon, mountain.lat, c.x, c.y)[0] % 360
    assert 135 <= bearing <= 225
    assert area.zone == "disputed"
    assert area.statement.direction == "S" and area.anchors == ("Mount Qarachogh",)
    assert result.event_date == dt.date(2018, 7, 16)


def test_makhmour_report_zones(example_run: RunSummary) -> None:
    zones = {p.name: p.zone for p in makhmour(example_run).places}
    assert zones["Makhmur"] == "disputed"
    assert zones["Erbil"] == "kurdistan_region"
    assert zones["Kirkuk"] == "disputed"
    assert zones["Baghdad"] == "federal_iraq"


def test_every_place_and_area_has_a_zone(example_run: RunSummary) -> None:
    zones = {"kurdistan_region", "disputed", "federal_iraq", "outside", "unknown"}
    for result in example_run.results:
        assert all(p.zone in zones for p in result.places)
        assert all(a.zone in zones for a in result.areas)


def test_organisation_names_are_not_places(resources: Resources) -> None:
    text = ("The Kurdistan Region Security Council said the Islamic State of Iraq and Syria lost ground "
            "near Kirkuk.")
    result = process_article(Article("t", text, "t.txt", published=dt.date(2018, 7, 19)), resources)
    surfaces = [s for p in result.places for s in p.surfaces]
    assert surfaces == ["Kirkuk"]


def test_report_with_no_places_warns(resources: Resources) -> None:
    result = process_article(Article("none", "Nothing happened anywhere today.", "none.txt"), resources)
    assert result.places == () and result.warnings == ("none.txt: no place names found in the report",)


def test_cued_unknown_villages_are_reported_unresolved(resources: Resources) -> None:
    text = "Peshmerga freed the villages of Zarqa Tepe, Hilwan and Bor Kand near Kirkuk on Monday."
    result = process_article(Article("v", text, "v.txt", published=dt.date(2018, 7, 19)), resources)
    unresolved = {p.name for p in result.places if p.lon is None}
    assert {"Zarqa Tepe", "Hilwan", "Bor Kand"} <= unresolved
    kirkuk = [p for p in result.places if p.name == "Kirkuk"]
    assert kirkuk and kirkuk[0].lon is not None


def test_roles_dateline_actor_operation(resources: Resources) -> None:
    text = ("ERBIL, Kurdistan Region – Baghdad said on Monday that Peshmerga cleared villages near Makhmour. "
            "The areas disputed by Baghdad and Erbil remain tense. Kirkuk is an oil city.")
    result = process_article(Article("r", text, "r.txt", published=dt.date(2018, 7, 19)), resources)
    roles = {p.name: p.roles for p in result.places}
    assert roles["Kurdistan Region"] == ("dateline",)
    assert roles["Erbil"] == ("dateline", "actor")
    assert roles["Baghdad"] == ("actor",)
    assert roles["Makhmur"] == ("operation",)
    assert roles["Kirkuk"] == ("mentioned",)


@pytest.mark.parametrize(("written", "canonical"), [
    ("Qarachukh", "Mount Qarachogh"), ("Qara Chokh", "Mount Qarachogh"), ("Makhmour", "Makhmur"),
    ("Mexmûr", "Makhmur"), ("Huwayjah", "Hawija"), ("al-Hawija", "Hawija"), ("Jaloula", "Jalawla"),
    ("Gwier", "Gwer"), ("Kuwair", "Gwer"), ("Tuz Khurmato", "Tuz Khurmatu"), ("Shingal", "Sinjar"),
    ("Kerkuk", "Kirkuk"), ("Karkuk", "Kirkuk"),
])
def test_spelling_variants_meet_one_place(written: str, canonical: str, resources: Resources) -> None:
    text = f"Fighting was reported near {written} on Monday."
    result = process_article(Article("s", text, "s.txt", published=dt.date(2018, 7, 19)), resources)
    assert [p.name for p in result.places] == [canonical]


@pytest.mark.parametrize(("text", "canonical"), [
    ("Shelling hit villages near Khaniqain on Monday.", "Khanaqin"),
    ("Two shepherds were killed in nearby Kifiri on Monday.", "Kifri"),
])
def test_unseen_variant_matched_on_strong_evidence(text: str, canonical: str, resources: Resources) -> None:
    result = process_article(Article("u", text, "u.txt", published=dt.date(2018, 7, 19)), resources)
    assert [p.name for p in result.places] == [canonical]


def test_no_fuzzy_match_for_people_or_sentence_starts(resources: Resources) -> None:
    text = "Karkar said the fight was over. Spokesman Sean Ryan spoke to Kifiri Hassan in the morning."
    result = process_article(Article("n", text, "n.txt", published=dt.date(2018, 7, 19)), resources)
    assert result.places == ()


def test_area_of_named_villages_is_their_hull(tmp_path) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "villages.csv"
    table.write_text("name,type,lat,lon\nZarqa Tepe,settlement,35.30,44.30\nHilwan,settlement,35.32,44.36\n"
                     "Bor Kand,settlement,35.37,44.33\n", encoding="utf-8")
    resources = Resources.load(gazetteers=[table])
    text = "Peshmerga cleared the villages of Zarqa Tepe, Hilwan and Bor Kand, an area of 20 square kilometres."
    result = process_article(Article("h", text, "h.txt", published=dt.date(2018, 7, 19)), resources)
    [area] = result.areas
    assert area.shape_model == "village hull" and set(area.anchors) == {"Zarqa Tepe", "Hilwan", "Bor Kand"}
    assert geodesic_area_km2(area.geometry) == pytest.approx(20.0, rel=0.01)
