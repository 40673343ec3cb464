"""Area statements: figures, units, relations, and the figures that are not cleared areas."""

from __future__ import annotations

import pytest

from opmap.extract.areas import direction_code, find_areas, parse_number
from opmap.extract.sentences import Sentences
from opmap.extract.toponyms import find_mentions
from opmap.pipeline import Resources


def areas(text: str, resources: Resources):  # type: ignore[no-untyped-def]
    sentences = Sentences.split(text)
    return find_areas(text, sentences, find_mentions(text, resources.index, sentences))


@pytest.mark.parametrize(("words", "value"), [
    ("Thirty", 30), ("thirty-five", 35), ("1,200", 1200), ("2.5", 2.5), ("a hundred and twenty", 120),
    ("two hundred", 200), ("15,800", 15800), ("nine", 9),
])
def test_numbers_in_digits_and_words(words: str, value: float) -> None:
    assert parse_number(words) == value


@pytest.mark.parametrize(("phrase", "km2"), [
    ("30 km²", 30), ("30 km2", 30), ("30 sq km", 30), ("30 sq. km", 30), ("30 square kilometres", 30),
    ("30 square kilometers", 30), ("10 square miles", 25.89988), ("500 hectares", 5), ("400 dunams", 1),
    ("Thirty square kilometres", 30),
])
def test_units(phrase: str, km2: float, resources: Resources) -> None:
    [found] = areas(f"Peshmerga forces cleared {phrase} south of Kirkuk on Monday.", resources)
    assert found.area_km2 == pytest.approx(km2)
    assert found.direction == "S"


def test_relation_south_of_a_mountain(resources: Resources) -> None:
    [found] = areas("Thirty square kilometres of territory were cleared south of Mount Qarachogh.", resources)
    assert (found.area_km2, found.direction, found.status) == (30, "S", "cleared")
    assert found.anchor_surfaces == ("Mount Qarachogh",)


def test_between_two_towns(resources: Resources) -> None:
    [found] = areas("The targeted area covers about 120 square kilometres and lies between the towns of "
                    "Gwer and Makhmour.", resources)
    assert found.direction == "between" and found.hedge == "about"
    assert len(found.anchor_surfaces) == 2


def test_direction_from_a_neighbouring_sentence(resources: Resources) -> None:
    text = ("Peshmerga units attacked on three fronts west of Kirkuk on Wednesday. "
            "By nightfall they had cleared an area of 140 square kilometres.")
    [found] = areas(text, resources)
    assert found.direction == "W" and found.anchor_surfaces == ("Kirkuk",)


def test_parenthesised_conversion_is_one_statement(resources: Resources) -> None:
    found = areas("Forces retook 140 square kilometres (54 square miles) near Kirkuk.", resources)
    assert [a.area_km2 for a in found] == [140]


def test_size_and_control_are_not_cleared_areas(resources: Resources) -> None:
    text = ("Of the 36,000 square kilometres that make up Nineveh, 14,000 square kilometres are under "
            "the control of the Peshmerga.")
    assert areas(text, resources) == []


def test_ambiguous_length_unit_is_flagged_not_guessed(resources: Resources) -> None:
    [found] = areas("Those forces managed to liberate 200 km, the commander said.", resources)
    assert found.area_km2 is None and "ambiguous" in found.flag


def test_distance_is_not_an_area(resources: Resources) -> None:
    assert areas("The village lies 10 km south of Kirkuk and was cleared.", resources) == []


def test_range_is_kept_with_its_midpoint(resources: Resources) -> None:
    [found] = areas("They cleared 20-25 km² east of Mosul.", resources)
    assert found.range_km2 == (20, 25) and found.area_km2 == 22.5


def test_coreference_to_the_last_mountain(resources: Resources) -> None:
    text = "ISIS used Mount Qarachogh as a hideout. Thirty square kilometres were cleared south of the mountain."
    [found] = areas(text, resources)
    assert found.anchor_surfaces == ("Mount Qarachogh",) and found.direction == "S"


@pytest.mark.parametrize(("words", "code"), [
    ("south", "S"), ("north-east", "NE"), ("northeast", "NE"), ("southeastern", "SE"),
    ("north and east", "N+E"), ("East", "E"),
])
def test_direction_codes(words: str, code: str) -> None:
    assert direction_code(words) == code


def test_along_a_road(resources: Resources) -> None:
    [found] = areas("Peshmerga cleared 50 square kilometres along the Erbil-Mosul road on Monday.", resources)
    assert found.direction == "along" and found.anchor_surfaces == ("Erbil-Mosul road",)


def test_distance_and_direction_from_an_anchor(resources: Resources) -> None:
    [found] = areas("About 40 km² some 20 km south of Kirkuk were cleared on Monday.", resources)
    assert (found.direction, found.distance_km, found.anchor_surfaces) == ("S", 20.0, ("Kirkuk",))


def test_a_between_in_the_next_sentence_is_not_the_areas(resources: Resources) -> None:
    text = ("The Peshmerga took about 60 square miles during the offensive. Cutting the highway severed "
            "the road between Mosul and Raqqa.")
    [found] = areas(text, resources)
    assert found.direction is None and found.anchor_surfaces == ()


@pytest.mark.parametrize(("phrase", "hedge"), [
    ("about 30 km²", "about"), ("nearly 30 km²", "nearly"), ("more than 30 km²", "more than"),
    ("approximately 30 km²", "approximately"), ("30 km²", ""),
])
def test_hedges_are_kept(phrase: str, hedge: str, resources: Resources) -> None:
    [found] = areas(f"Forces cleared {phrase} west of Kirkuk.", resources)
    assert found.hedge == hedge and found.area_km2 == 30


@pytest.mark.parametrize(("text", "status"), [
    ("Peshmerga liberated 30 km² west of Kirkuk.", "cleared"),
    ("The offensive launched on Monday targets an area of 30 km² west of Kirkuk.", "targeted"),
    ("Commanders plan to clear 30 km² west of Kirkuk next week.", "planned"),
])
def test_statuses(text: str, status: str, resources: Resources) -> None:
    [found] = areas(text, resources)
    assert found.status == status


@pytest.mark.parametrize(("text", "direction"), [
    ("Forces cleared 30 km² around Kirkuk.", "around"),
    ("Forces cleared 30 km² near Kirkuk.", None),  # anchored on Kirkuk, no side given
    ("Forces cleared 30 km² on the outskirts of Kirkuk.", "around"),
    ("Forces cleared 30 km² north and east of Kirkuk.", "N+E"),
    ("Forces cleared 30 km² to the southwest of Kirkuk.", "SW"),
    ("Forces cleared 30 km² northwest of Kirkuk.", "NW"),
])
def test_relations(text: str, direction: str | None, resources: Resources) -> None:
    [found] = areas(text, resources)
    assert found.direction == direction and found.anchor_surfaces == ("Kirkuk",)


def test_percentages_are_not_areas(resources: Resources) -> None:
    assert areas("The SDF have now cleared about 70 percent of the city of Raqqa.", resources) == []


def test_two_figures_in_one_sentence_take_their_nearest_relations(resources: Resources) -> None:
    text = "Police cleared about 15 square miles south of Kirkuk, including 400 dunams around Daquq."
    first, second = areas(text, resources)
    assert (first.direction, first.anchor_surfaces) == ("S", ("Kirkuk",))
    assert (second.direction, second.anchor_surfaces) == ("around", ("Daquq",))


def test_a_neighbouring_direction_about_another_place_does_not_move_the_area(resources: Resources) -> None:
    text = "Troops retook 80 km² on the outskirts of Hawija. Hawija lies 60 km west of Kirkuk."
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == ("around", ("Hawija",))


def test_figures_without_a_clearing_verb_are_not_areas(resources: Resources) -> None:
    assert areas("Militants burned about 300 dunams of orchards near Kirkuk.", resources) == []
    assert areas("Farmers lost 1,000 dunams of wheat to arson near Daquq.", resources) == []


def test_an_aim_is_targeted_when_the_offensive_is_under_way(resources: Resources) -> None:
    [found] = areas("The offensive launched on Monday aims to retake 250 km² east of Tikrit.", resources)
    assert found.status == "targeted"
    [found] = areas("Commanders aim to clear 20-25 km2 south of Tikrit in the coming days.", resources)
    assert found.status == "planned"


def test_search_and_sweep_verbs_count_as_clearing(resources: Resources) -> None:
    [found] = areas("The second stage ended with the inspection of more than 3,000 square kilometers west of "
                    "Ramadi.", resources)
    assert found.status == "cleared" and found.area_km2 == 3000


def test_the_town_of_x_is_x_not_a_coreference(resources: Resources) -> None:
    text = "Fighters left Albu Hamid. Troops freed 50 km² of farmland near the town of Daquq on Friday."
    [found] = areas(text, resources)
    assert found.anchor_surfaces == ("Daquq",) and found.direction is None


def test_the_road_between_two_places_is_not_the_areas_relation(resources: Resources) -> None:
    text = "The push cleared 90 km² west of Kirkuk and opened the road between Dibis and Altun Kupri."
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == ("W", ("Kirkuk",))


def test_between_from_the_sentence_before_when_the_figure_names_no_place(resources: Resources) -> None:
    text = "The offensive struck between the towns of Gwer and Makhmour. The targeted area was about 120 km²."
    [found] = areas(text, resources)
    assert found.direction == "between" and found.anchor_surfaces == ("Gwer", "Makhmour")
    other = "The offensive struck between Gwer and Makhmour. Later 120 km² were cleared west of Kirkuk."
    [kept] = areas(other, resources)
    assert (kept.direction, kept.anchor_surfaces) == ("W", ("Kirkuk",))


@pytest.mark.parametrize("text", [
    "Since the start of the war, Peshmerga units have cleared more than 20,000 km².",
    "Over the past eight months the army has retaken about 900 km².",
])
def test_a_campaign_total_is_kept_flagged_not_drawn(text: str, resources: Resources) -> None:
    [found] = areas(text, resources)
    assert found.area_km2 is not None and found.flag and found.anchor_surfaces == ()


def test_an_operation_so_far_is_not_a_campaign_total(resources: Resources) -> None:
    [found] = areas("The operation has so far cleared 45 km² south of Kirkuk.", resources)
    assert not found.flag and found.anchor_surfaces == ("Kirkuk",)


@pytest.mark.parametrize(("text", "km2"), [
    ("Troops cleared a 30-square-kilometre pocket south of Kirkuk.", 30.0),
    ("Troops cleared a 10-square-mile strip south of Kirkuk.", 25.89988),
])
def test_hyphenated_sizes(text: str, km2: float, resources: Resources) -> None:
    [found] = areas(text, resources)
    assert found.area_km2 == pytest.approx(km2) and found.direction == "S"


@pytest.mark.parametrize("text", [
    "The column advanced 7 km along the Kirkuk-Tikrit road on Monday.",
    "Peshmerga pushed about 5 kilometres into the desert west of Kirkuk.",
])
def test_an_advance_by_distance_is_kept_flagged(text: str, resources: Resources) -> None:
    [found] = areas(text, resources)
    assert found.area_km2 is None and "advance" in found.flag


def test_a_town_km_away_is_no_advance(resources: Resources) -> None:
    assert areas("The village lies 7 km north of Kirkuk and was shelled.", resources) == []


@pytest.mark.parametrize(("text", "direction"), [
    ("Troops cleared 40 km² in southern Kirkuk.", "S"),
    ("Troops cleared 40 km² in the southwestern areas of Kirkuk.", "SW"),
    ("Troops cleared 40 km² in the northern parts of Kirkuk.", "N"),
])
def test_a_side_named_by_an_adjective(text: str, direction: str, resources: Resources) -> None:
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == (direction, ("Kirkuk",))


def test_northern_iraq_is_a_part_of_the_country_not_a_side(resources: Resources) -> None:
    [found] = areas("Troops cleared 40 km² in northern Iraq.", resources)
    assert found.direction is None


def test_in_a_place_anchors_without_a_side(resources: Resources) -> None:
    [found] = areas("Troops cleared 50 km² in Daquq district on Monday.", resources)
    assert (found.direction, found.anchor_surfaces) == (None, ("Daquq district",))
    [around] = areas("Troops cleared 50 km² in the Daquq area on Monday.", resources)
    assert (around.direction, around.anchor_surfaces) == ("around", ("Daquq",))


def test_a_bare_in_yields_to_a_side_given_next_door(resources: Resources) -> None:
    text = ("Villages fell northeast of Mosul. At a press conference in Erbil the commander said 200 km² "
            "were cleared.")
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == ("NE", ("Mosul",))


def test_an_operation_to_search_an_area_is_targeted(resources: Resources) -> None:
    text = "The second phase of the operation to search the southwestern areas of Kirkuk covers 700 km²."
    [found] = areas(text, resources)
    assert (found.status, found.direction, found.anchor_surfaces) == ("targeted", "SW", ("Kirkuk",))
    assert areas("The operation room said 700 km² of farmland burned near Kirkuk.", resources) == []


def test_the_town_is_the_town_the_story_is_about(resources: Resources) -> None:
    text = ("Troops entered Tuz Khurmatu on Monday after a night of clashes on the road to Kirkuk. "
            "Police in Tuz Khurmatu said curfews were lifted. Later they had cleared 20 square kilometres "
            "west of the town.")
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == ("W", ("Tuz Khurmatu",))


def test_the_town_on_a_tie_is_the_one_named_first(resources: Resources) -> None:
    text = ("Forces closed in on Hawija, south of Kirkuk. They cleared 12 square kilometres east of the town.")
    [found] = areas(text, resources)
    assert found.anchor_surfaces == ("Hawija",)


def test_a_compass_phrase_that_locates_the_named_area_is_not_its_side(resources: Resources) -> None:
    [found] = areas("Troops cleared 40 square kilometres in the Rutba area, west of Ramadi.", resources)
    assert (found.direction, found.anchor_surfaces) == ("around", ("Rutba",))
    [found] = areas("Troops cleared 40 square kilometres west of Ramadi, near the Rutba road.", resources)
    assert (found.direction, found.anchor_surfaces) == ("W", ("Ramadi",))


def test_in_the_x_area_holds_against_a_side_from_next_door(resources: Resources) -> None:
    text = "Aircraft hit caves south of Baiji. Forces then cleared 25 square kilometres in the Tikrit area."
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == ("around", ("Tikrit",))


@pytest.mark.parametrize("text", [
    "Since the beginning of the year, forces have cleared 9,000 square kilometres.",
    "Security forces have swept more than 9,000 square kilometres in the various provinces of the country.",
])
def test_running_totals_are_flagged(text: str, resources: Resources) -> None:
    [found] = areas(text, resources)
    assert "running total" in found.flag


def test_strikes_on_an_area_target_it(resources: Resources) -> None:
    [found] = areas("Coalition strikes hit tunnels in a 30-square-kilometre pocket north of Makhmour.", resources)
    assert (found.area_km2, found.status, found.direction) == (30, "targeted", "N")
    assert areas("Shepherds said a fire burned 30 square kilometres of pasture north of Makhmour.", resources) == []


@pytest.mark.parametrize(("text", "direction", "anchors"), [
    ("The brigade cleared 60 km2 of Kirkuk's southwestern countryside.", "SW", ("Kirkuk",)),
    ("Troops swept 300 square kilometres stretching from Baiji to Tikrit.", "between", ("Baiji", "Tikrit")),
    ("Forces cleared 45 square kilometres on the western bank of the Tigris.", "W", ("Tigris",)),
    ("The army cleared 80 km² near Rutba, in western Anbar.", None, ("Rutba",)),
])
def test_sides_spans_and_appositions(text: str, direction: str | None, anchors: tuple[str, ...],
                                     resources: Resources) -> None:
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == (direction, anchors)


def test_a_possessive_without_a_side_noun_is_no_side(resources: Resources) -> None:
    [found] = areas("Kirkuk's police said 20 square kilometres were cleared west of Hawija.", resources)
    assert (found.direction, found.anchor_surfaces) == ("W", ("Hawija",))


def test_the_town_is_the_one_the_lead_names(resources: Resources) -> None:
    text = ("Iraqi troops entered Shirqat on Thursday, south of Mosul. The town lies 100 km south of Mosul, and "
            "Mosul is still held. About 60 square km around the town had also been secured.")
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == ("around", ("Shirqat",))


@pytest.mark.parametrize(("text", "direction", "anchors"), [
    ("Kurds retook the Mosul Dam on Sunday. They secured 50 square kilometres around the dam.", "around",
     ("Mosul Dam",)),
    ("Fighters reached Mount Sinjar. They retook 700 square kilometres between Zummar and the mountain.",
     "between", ("Zummar", "Mount Sinjar")),
    ("Forces swept the desert west and south of the town of Rutba, some 380 km west of Baghdad, and combed "
     "about 300 square km.", "W+S", ("Rutba",)),
    ("Joint forces combed a 40-sq-km pocket between Jalawla and Khanaqin.", "between", ("Jalawla", "Khanaqin")),
])
def test_coreferences_second_anchors_and_offsets(text: str, direction: str, anchors: tuple[str, ...],
                                                 resources: Resources) -> None:
    [found] = areas(text, resources)
    assert (found.direction, found.anchor_surfaces) == (direction, anchors)


def test_along_with_is_not_along(resources: Resources) -> None:
    [found] = areas("Troops cleared 60 square km around Shirqat, along with the villages of Asdira.", resources)
    assert (found.direction, found.anchor_surfaces) == ("around", ("Shirqat",))


# --- 'the search covered', 'on the western bank of', 'the X area of western Y', several provinces,
#     a relation straight after the figure ---

@pytest.mark.parametrize(("text", "km2", "direction", "anchor"), [
    ("The sweep covered about 20 square kilometres west of Tuz Khurmatu.", 20, "W", "Tuz Khurmatu"),
    ("Army units searched the hills north of Kirkuk on Monday. The operation covered 14 sq km.", 14, "N", "Kirkuk"),
])
def test_what_an_operation_covered_is_what_it_swept(text: str, km2: float, direction: str, anchor: str,
                                                     resources: Resources) -> None:
    [found] = areas(text, resources)
    assert (found.area_km2, found.direction, found.status) == (km2, direction, "cleared")
    assert found.anchor_surfaces == (anchor,)


def test_a_size_that_something_covers_is_no_clearance(resources: Resources) -> None:
    assert areas("The reservoir covered 15 square kilometres north of Baghdad before the drought.", resources) == []


def test_a_bank_set_off_after_the_anchor_locates_it(resources: Resources) -> None:
    [found] = areas("Police combed 6 sq km near the village of Zawiya, on the eastern bank of the Tigris.", resources)
    assert found.direction is None and found.anchor_surfaces == ("Zawiya",)


def test_the_area_of_a_part_of_a_province(resources: Resources) -> None:
    [found] = areas("Troops cleared 200 square kilometres in the Wadi Hauran area of western Anbar.", resources)
    assert found.direction == "around" and found.anchor_surfaces == ("Wadi Hauran",)
    # negative: with no place before it, 'western Anbar' is the area's side of Anbar
    [alone] = areas("Troops cleared 200 square kilometres in western Anbar.", resources)
    assert alone.direction == "W" and alone.anchor_surfaces == ("Anbar",)


def test_a_total_over_several_provinces_is_kept_not_mapped(resources: Resources) -> None:
    total, part = areas("The operations cleared 900 square kilometres in the provinces of Kirkuk, Diyala and "
                        "Nineveh, including 40 square kilometres south of Hawija.", resources)
    assert total.area_km2 == 900 and "several provinces" in total.flag and total.anchor_surfaces == ()
    assert (part.area_km2, part.direction, part.anchor_surfaces, part.flag) == (40, "S", ("Hawija",), "")


def test_around_straight_after_the_figure_wins_over_a_side_named_later(resources: Resources) -> None:
    [found] = areas("Troops cleared 9 square kilometres around Umm al-Khanazir island, in the river, and "
                    "Lake Tharthar's southern shore.", resources)
    assert found.direction == "around" and found.anchor_surfaces == ("Umm al-Khanazir island",)
    # negative: 'around villages north of X' is north of X
    [north] = areas("Troops cleared 30 square kilometres around villages north of Kirkuk.", resources)
    assert north.direction == "N" and north.anchor_surfaces == ("Kirkuk",)
