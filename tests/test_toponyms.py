"""Place mentions: each place cue, organisations, lists, and names the gazetteer lacks. Our own words."""

from __future__ import annotations

import datetime as dt

import pytest

from opmap.model import Article, Place
from opmap.pipeline import Resources, process_article

MONDAY = dt.date(2018, 7, 16)


def places(text: str, resources: Resources) -> list[Place]:
    return list(process_article(Article("t", text, "t.txt", published=MONDAY), resources).places)


def surfaces(text: str, resources: Resources) -> list[str]:
    return [s for p in places(text, resources) for s in p.surfaces]


@pytest.mark.parametrize(("text", "surface", "kind"), [
    ("Shelling hit Mount Zarwan overnight.", "Mount Zarwan", "mountain"),
    ("Militants hid in the Qalat Mountains.", "Qalat Mountains", "range"),
    ("Troops searched the village of Hilwan.", "Hilwan", "settlement"),
    ("Troops searched Hilwan village.", "Hilwan", "settlement"),
    ("Clashes broke out in Bor Kand district.", "Bor Kand district", "district"),
    ("Clashes broke out in Zarwan province.", "Zarwan province", "governorate"),
    ("Mortars landed on the outskirts of Hilwan.", "Hilwan", "settlement"),
    ("Fighting flared on the Hilwan front.", "Hilwan", "settlement"),
])
def test_each_place_cue_reports_an_unknown_name(text: str, surface: str, kind: str, resources: Resources) -> None:
    [place] = [p for p in places(text, resources) if surface in p.surfaces]
    assert place.lon is None and place.type == kind


def test_road_between_two_towns_is_one_mention(resources: Resources) -> None:
    assert surfaces("Convoys used the Erbil-Mosul road again.", resources) == ["Erbil-Mosul road"]


def test_unit_words_pick_the_unit(resources: Resources) -> None:
    found = {p.name: p.surfaces for p in places(
        "Raids continued in Diyala province and in the province of Kirkuk, near Daquq district.", resources)}
    assert found["Diyala Governorate"] == ("Diyala province",)
    assert found["Kirkuk Governorate"] == ("province of Kirkuk",)
    assert found["Daquq District"] == ("Daquq district",)


def test_organisation_names_hold_no_places(resources: Resources) -> None:
    text = ("The Kurdistan Region Security Council, the Kurdistan Democratic Party and the Kurdistan "
            "Workers' Party commented, as did the Islamic State of Iraq and the Levant and Kurdistan 24.")
    assert surfaces(text, resources) == []


def test_person_named_like_a_place_is_not_a_place(resources: Resources) -> None:
    assert surfaces("The spokesman, Halgurd Hekmat, said nothing more.", resources) == []


def test_country_adjective_before_border(resources: Resources) -> None:
    found = {p.name: p.surfaces for p in places("Drones crossed the Iranian border and the Turkish border.",
                                                 resources)}
    assert found == {"Iran": ("Iranian border",), "Turkey": ("Turkish border",)}


def test_capitalised_region_adjective_belongs_to_the_name(resources: Resources) -> None:
    assert surfaces("Fighting in Northern Iraq continued; in northern Iraq, too.", resources) == [
        "Northern Iraq", "Iraq"]


def test_names_in_a_list_with_a_known_place(resources: Resources) -> None:
    found = places("Attacks were reported in Hawija, Zarwan, Bor Kand and Daquq.", resources)
    unknown = sorted(p.name for p in found if p.lon is None)
    assert unknown == ["Bor Kand", "Zarwan"]


def test_text_locates_an_unknown_place(resources: Resources) -> None:
    found = {p.name: p for p in places("They retook the village of Zarqa Tepe, 10 km south of Kirkuk, on Monday.", resources)}
    tepe, kirkuk = found["Zarqa Tepe"], found["Kirkuk"]
    assert tepe.precision == 2 and tepe.lon == pytest.approx(kirkuk.lon, abs=1e-6)
    assert kirkuk.lat - tepe.lat == pytest.approx(0.09, abs=0.002)
    assert tepe.zone == "disputed"


def test_adjectives_before_a_cue_are_not_names(resources: Resources) -> None:
    text = "Militants shelled the Kurdish-held town and two ISIS-held villages near Kirkuk."
    assert surfaces(text, resources) == ["Kirkuk"]


def test_person_names_around_a_place_name(resources: Resources) -> None:
    text = "The spokesman Hawre Amedi met Sheikh Jabbar Kifri and Abdul Mohsen al-Abbasi in Kirkuk."
    assert surfaces(text, resources) == ["Kirkuk"]


def test_operations_commands_are_organisations(resources: Resources) -> None:
    text = "The Nineveh Operations Command and Salah al-Din Operations said Tikrit was calm."
    assert surfaces(text, resources) == ["Tikrit"]


def test_a_town_cue_does_not_take_a_river(resources: Resources) -> None:
    found = {p.surfaces[0]: p for p in places("Gunmen attacked the towns of Hawija, Riyadh and Zab.", resources)}
    assert found["Zab"].lon is None and found["Hawija"].lon is not None


def test_area_and_valley_cues(resources: Resources) -> None:
    found = {p.name: p for p in places("Strikes hit the Khwakurk area and the Zarwan valley on Monday.", resources)}
    assert {"Khwakurk", "Zarwan valley"} <= set(found)  # 'in the X area' is X; a valley keeps its head


def test_from_to_cue(resources: Resources) -> None:
    found = {p.name for p in places("The column moved from Hilwan toward Bor Kand before dawn.", resources)}
    assert {"Hilwan", "Bor Kand"} <= found


@pytest.mark.parametrize(("text", "expected"), [
    # a feature head stays in the name; the feature sits at the point of the place it is named after
    ("Drones struck near the Kirkuk airport and the Dibis Dam at dawn.", ["Kirkuk airport", "Dibis Dam"]),
    ("Rockets landed on the Qaraj air base and near the Gwer bridge.", ["Qaraj air base", "Gwer bridge"]),
    ("Clashes were reported in the Tigris River Valley.", ["Tigris River Valley"]),
    ("Boats landed troops on Umm al-Khanazir island before dawn.", ["Umm al-Khanazir island"]),
    # negative: 'island' after a common word is no name
    ("The river island was flooded.", []),
])
def test_feature_heads(text: str, expected: list[str], resources: Resources) -> None:
    assert surfaces(text, resources) == expected


def test_a_feature_named_after_a_town_is_placed_there(resources: Resources) -> None:
    [dam] = places("Engineers inspected the Dibis Dam on Sunday.", resources)
    [town] = places("Engineers inspected Dibis on Sunday.", resources)
    assert dam.type == "dam" and dam.precision == 2 and (dam.lon, dam.lat) == (town.lon, town.lat)


@pytest.mark.parametrize(("text", "expected"), [
    ("Three villages were retaken: Girdbash, Qolaspi and Tal Reem.", ["Girdbash", "Qolaspi", "Tal Reem"]),
    ("Fighters cleared the following areas: Birka, Sarbast Kon, Hewraz and Zengil.",
     ["Birka", "Sarbast Kon", "Hewraz", "Zengil"]),
    ("Shelling hit the areas of Dorbin, Kelar Sor and Haftan.", ["Dorbin", "Kelar Sor", "Haftan"]),
    ("Shells fell in the sub-district of Qasrok overnight.", ["Qasrok"]),
    ("Both Qasrok and Barzewa sub-districts were hit.", ["Qasrok", "Barzewa"]),
])
def test_lists_headed_by_a_place_noun(text: str, expected: list[str], resources: Resources) -> None:
    assert surfaces(text, resources) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # possessive chains are separate places
    ("Shelling hit Duhok's Amedi district again.", ["Duhok", "Amedi district"]),
    ("Turkish jets bombed Erbil’s Sidakan sub-district.", ["Erbil", "Sidakan sub-district"]),
    # 'Besides X' starts a list item with a preposition, not a name
    ("Besides Hiror and Brifka villages, fires spread.", ["Hiror", "Brifka"]),
    # a country's adjective before its ground is the country
    ("Shells fired from the Iranian side of the border hit Iraqi territory.",
     ["Iranian side", "Iraqi territory"]),
])
def test_possessives_and_country_ground(text: str, expected: list[str], resources: Resources) -> None:
    assert surfaces(text, resources) == expected


@pytest.mark.parametrize("text", [
    "A pro-Iran militia and anti-Turkey protesters marched.",       # allegiances
    "Sunni and Shabak villages were cleared.",                      # communities, not places
    "Gunners at a US Marines base fired in support.",               # a foreign force's base
    "Kurdistani areas saw protests.",                               # an adjective of a place
    "The Peshmerga base and the ISIS camp were struck.",            # forces, not places
    "In May the Operation Roundup Base camp moved.",                # months, operation names
])
def test_not_places(text: str, resources: Resources) -> None:
    assert surfaces(text, resources) == []


def test_hyphenated_names_stay_whole_except_a_front_between_two_places(resources: Resources) -> None:
    assert surfaces("Jets hit Kirkuk, Dibis and Avashin-Basyan overnight.", resources) == \
        ["Kirkuk", "Dibis", "Avashin-Basyan"]
    assert surfaces("Fighting flared on the Makhmour-Gwer front.", resources) == ["Makhmour", "Gwer"]


def test_an_article_written_with_a_space_after_its_hyphen(resources: Resources) -> None:
    assert "Tel al- Hawa" in surfaces("Troops freed the villages of Tel al- Hawa and Kharaib.", resources)


def test_far_countries_and_territories_are_outside(resources: Resources) -> None:
    found = {p.name: p for p in places("Envoys from the United Arab Emirates spoke of the Gaza Strip.", resources)}
    assert {found["United Arab Emirates"].zone, found["Gaza Strip"].zone} == {"outside"}
    assert found["Gaza Strip"].lon is None


def test_a_valley_named_after_a_river_takes_the_zone_at_its_point(resources: Resources) -> None:
    [valley] = places("Patrols swept the Tigris River Valley on Monday.", resources)
    assert valley.type == "valley" and valley.zone != "outside" and valley.lon is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("Shells hit homes, the mayor of Qasrok told reporters.", ["Qasrok"]),
    ("Barzewa is 40 kilometers northeast of Erbil.", ["Barzewa", "Erbil"]),
    ("Troops entered Girdbash, 10 miles north of Kirkuk, at dawn.", ["Girdbash", "Kirkuk"]),
    ("Other areas like Dorbin and Haftan also came under fire.", ["Dorbin", "Haftan"]),
    ("Shelling hit the Kurdish region again.", ["Kurdish region"]),
])
def test_names_the_text_itself_marks_as_places(text: str, expected: list[str], resources: Resources) -> None:
    assert surfaces(text, resources) == expected


def test_a_title_case_dateline_names_its_town(resources: Resources) -> None:
    found = places("Ebril, Kurdistan (Agency) – Troops advanced.", resources)
    assert [p.surfaces for p in found if p.roles == ("dateline",)] == [("Ebril",), ("Kurdistan",)]
    assert surfaces("Officials said: the roads are open.", resources) == []


@pytest.mark.parametrize("text", [
    "Out of all Iraq, few convoys are hit.",                              # 'all' is not an article
    "Mr Shallal Abdul-Baban spoke to reporters.",                         # a person's hyphenated name
    "The Kirkuk, Samarra and Diyala operations commands took part.",      # commands named after sectors
    "The Islamic Resistance in Iraq claimed the drone attack.",           # an armed group's name
])
def test_names_of_people_groups_and_commands_are_not_places(text: str, resources: Resources) -> None:
    assert surfaces(text, resources) == ([] if "all Iraq" not in text else ["Iraq"])


def test_where_the_speakers_sit_is_not_where_the_fighting_was(resources: Resources) -> None:
    found = {p.name: p for p in places("Officials in Erbil said Peshmerga attacked positions on Mount Qarachogh.",
                                       resources)}
    assert found["Erbil"].roles == ("mentioned",) and found["Mount Qarachogh"].roles == ("operation",)
    fought = {p.name: p for p in places("Peshmerga attacked positions in Makhmur, officials said.", resources)}
    assert fought["Makhmur"].roles == ("operation",)


def test_what_is_near_or_outside_something_is_a_place(resources: Resources) -> None:
    assert surfaces("Gunmen attacked a checkpoint near Girdbash at night.", resources) == ["Girdbash"]
    assert surfaces("A bomb went off outside Qolaspi.", resources) == ["Qolaspi"]
    assert surfaces("Attacks rose near Eid and near the US embassy.", resources) == []


def test_a_name_the_text_calls_a_village(resources: Resources) -> None:
    assert surfaces("Jets struck Girdbash, a small village south of Kirkuk.", resources) == ["Girdbash", "Kirkuk"]
    assert surfaces("Hawre Sabir, a commander in the area, said so.", resources) == []


def test_movement_to_a_place_and_a_persons_house(resources: Resources) -> None:
    assert surfaces("The brigades are heading towards Girdbash.", resources) == ["Girdbash"]
    assert surfaces("Gunmen stormed Hawre Karim Said's house at midnight.", resources) == []


def test_titled_people_are_not_places(resources: Resources) -> None:
    assert surfaces("The delegation reached Prime Minister Haider Jawad and moved towards President Salih.",
                    resources) == []


@pytest.mark.parametrize("text", [
    "Jets hit a PKK camp and the KDPI base.",          # facilities named by their owner's acronym
    "The Hezbollah Brigades camp was struck.",         # an armed group's camp
])
def test_an_organisations_facility_is_not_a_place_name(text: str, resources: Resources) -> None:
    assert surfaces(text, resources) == []


def test_a_village_elder_is_a_person(resources: Resources) -> None:
    assert surfaces("Ahmed Karim, a village elder, said the road was mined.", resources) == []


def test_a_name_introduced_by_a_cue_counts_wherever_the_report_repeats_it(resources: Resources) -> None:
    text = ("Gunmen raided the village of Qara Tappa Saghir on Friday. Two shepherds from Qara Tappa Saghir "
            "were wounded, and police later left Qara Tappa Saghir for the district centre.")
    assert surfaces(text, resources).count("Qara Tappa Saghir") == 3


def test_a_repeat_is_a_whole_name_and_not_part_of_another(resources: Resources) -> None:
    text = ("Troops searched the village of Gulzewa. The Gulzewa Brigade denied it; Gulzewai families and "
            "the Gulzewa Bridge stayed calm, said Gulzewa's mayor.")
    assert surfaces(text, resources).count("Gulzewa") == 2  # the cued one and the mayor's village


def test_no_repeat_without_a_cue(resources: Resources) -> None:
    text = "Dilan Brusk said patrols went out. Brusk added that the roads were quiet."
    assert "Brusk" not in surfaces(text, resources)


def test_from_to_takes_a_mountain_range(resources: Resources) -> None:
    [qandil] = [p for p in places("Drones hit targets from Sinjar to Qandil on Monday.", resources)
                if "Qandil" in p.surfaces]
    assert qandil.type == "range" and qandil.lon is not None


def test_a_feature_named_after_a_town_spelled_another_way(resources: Resources) -> None:
    [airport] = [p for p in places("A drone hit Sulaimani International Airport.", resources)
                 if "Sulaimani International Airport" in p.surfaces]
    assert airport.lon is not None and airport.precision == 2 and airport.zone == "kurdistan_region"


@pytest.mark.parametrize("text", [
    "The attack was blamed on a cell from the Iranian city of Zarandeh.",
    "Guards struck militants in Syria's Zarandeh province.",
])
def test_a_place_the_text_puts_abroad_is_outside(text: str, resources: Resources) -> None:
    [place] = [p for p in places(text, resources) if any("Zarandeh" in s for s in p.surfaces)]
    assert place.lon is None and place.zone == "outside"


def test_a_country_named_before_a_namesake_picks_the_one_there(resources: Resources) -> None:
    # Kalar (Iraq) has no namesake abroad in the tables: the Iranian town the text names is not it
    found = [p for p in places("Shells fell on the Iranian town of Kalar.", resources) if "Kalar" in p.surfaces]
    assert all(p.zone == "outside" for p in found)


def test_a_name_in_apposition_to_a_place_noun(resources: Resources) -> None:
    text = "Families returned to Kani Zerde, a mostly Kakai village east of the river, on Sunday."
    assert "Kani Zerde" in surfaces(text, resources)
    assert surfaces("Rebaz Omer, a town councillor, and Hawre, a village headman, spoke.", resources) == []
    assert "Rebaz Omer" not in surfaces("Rebaz Omer, a teacher in the village of Kani Zerde, was hurt.", resources)


def test_a_numbered_highway_is_a_road(resources: Resources) -> None:
    [road] = [p for p in places("Fighters cut Highway 12 at dawn.", resources) if "Highway 12" in p.surfaces]
    assert road.type == "road"
    assert "Route" not in " ".join(surfaces("The Route of the march was long.", resources))


def test_a_sentence_opening_in_a_neighbouring_country_puts_its_unknown_places_there(resources: Resources) -> None:
    text = ("Drones struck Koya on Monday. In Syria, the same unit hit depots in the village of Qasrawan, officials said. "
            "In Erbil, officials met. Guards searched the village of Hilwan.")
    by_surface = {s: p for p in places(text, resources) for s in p.surfaces}
    assert by_surface["Qasrawan"].zone == "outside"
    assert by_surface["Hilwan"].zone != "outside"


@pytest.mark.parametrize(("text", "surface", "kind"), [
    ("Fighting raged on the Zerdawa axis on Monday.", "Zerdawa", "settlement"),
    ("Jets hit hideouts in Wadi Zerdawa at night.", "Wadi Zerdawa", "valley"),
    ("Police raided the Hay Zerdawa neighbourhood of Kirkuk.", "Hay Zerdawa", "settlement"),
    ("Militants attacked a checkpoint in Zerdawa, north of Mosul.", "Zerdawa", "settlement"),
    ("The convoy moved on into Zerdawa, north of the mountain.", "Zerdawa", "settlement"),
])
def test_axes_wadis_neighbourhoods_and_sides_of_known_places(text: str, surface: str, kind: str,
                                                            resources: Resources) -> None:
    [place] = [p for p in places(text, resources) if surface in p.surfaces]
    assert place.type == kind


@pytest.mark.parametrize("text", [
    "Officials said on Monday, north of the river, that the roads were open.",
    "The axis of the offensive shifted to the west.",
    "Our neighbourhood watch met in the evening.",
    "Clashes with Daesh, north of the city, went on all night.",
])
def test_no_place_without_a_name(text: str, resources: Resources) -> None:
    assert surfaces(text, resources) == []


def test_a_place_taken_and_located_by_a_side_of_a_city(resources: Resources) -> None:
    assert "Zerdawa" in surfaces("Earlier this month troops retook Zerdawa, north of the city.", resources)


def test_a_strike_release_line_names_its_place(resources: Resources) -> None:
    text = "Strikes in Iraq\n-- Near Zerdawa, one strike destroyed a fighting position.\n-- Near Mosul, two strikes hit."
    assert "Zerdawa" in surfaces(text, resources)
    assert surfaces("Near misses, the pilots said, were common.", resources) == []


@pytest.mark.parametrize(("text", "zone"), [
    # a dateline town the tables lack lies abroad: datelines in Iraq name towns the tables hold
    ("ZARQAWIYA, Fla. - Coalition jets struck hideouts near Kirkuk on Monday.", "outside"),
    # its qualifier can say where it is
    ("ZARQAWIYA, Kurdistan Region - Peshmerga repelled an attack near Makhmour.", "kurdistan_region"),
    ("ZARQAWIYA, Iraqi Kurdistan - Peshmerga repelled an attack near Makhmour.", "kurdistan_region"),
])
def test_a_dateline_town_the_tables_lack(text: str, zone: str, resources: Resources) -> None:
    [place] = [p for p in places(text, resources) if "ZARQAWIYA" in p.surfaces]
    assert place.zone == zone and place.zone_basis.startswith("inferred")


def test_a_dateline_in_iraq_the_tables_lack_takes_its_zone_from_the_story(resources: Resources) -> None:
    [place] = [p for p in places("ZARQAWIYA, Iraq - Troops raided hideouts in Kirkuk.", resources)
               if "ZARQAWIYA" in p.surfaces]
    assert place.zone != "outside"


def test_a_head_a_list_shares_stays_out_of_each_name(resources: Resources) -> None:
    found = surfaces("The gap lies between the Jalawla and Saadiya sub-districts of Diyala.", resources)
    assert "Saadiya" in found and not any(s.endswith(" sub") for s in found)
    # negative: a singular head stays in the name
    assert "Saadiya sub-district" in surfaces("Militants attacked the Saadiya sub-district at night.", resources)


@pytest.mark.parametrize(("text", "expected"), [
    ("Units swept the desert around Zerdawa at dawn.", ["Zerdawa"]),
    ("Families fled to camps near Zerdawa and Qasrawan.", ["Zerdawa", "Qasrawan"]),
    # negative: times and organisations after 'around' are no places
    ("Attacks rose around Eid and again around March.", []),
    ("Fighting went on around ISIS positions all night.", []),
])
def test_around_and_near_a_pair(text: str, expected: list[str], resources: Resources) -> None:
    assert surfaces(text, resources) == expected
