"""Operations: actors, support, force size, casualties by side, things destroyed, villages cleared."""

from __future__ import annotations

import datetime as dt

from opmap.extract.operations import actors, casualties, destroyed, force_sizes, support
from opmap.model import Article
from opmap.pipeline import Resources, process_article

REPORT = ("Backed by coalition airstrikes, about 600 Peshmerga and the Iraqi army pushed into the hills on "
          "Tuesday. Nine ISIS fighters were killed and two Peshmerga were wounded. Three tunnels used by the "
          "militants were destroyed, and the Counter-Terrorism Service later captured 4 militants.")


def test_actors_in_order() -> None:
    assert actors(REPORT) == ("Coalition", "Peshmerga", "Iraqi security forces", "ISIS")


def test_support() -> None:
    assert support(REPORT) == (("Coalition", "airstrikes"),)
    assert support("The Combined Joint Task Force provided air support for the Peshmerga.") == (
        ("Coalition", "air support"),)


def test_force_size_with_hedge() -> None:
    [force] = force_sizes(REPORT)
    assert (force.what, force.value, force.hedge) == ("Peshmerga", 600, "about")


def test_casualties_by_side() -> None:
    found = {(c.side, c.kind, c.count) for c in casualties(REPORT)}
    assert found == {("ISIS", "killed", 9), ("Peshmerga", "wounded", 2), ("ISIS", "captured", 4)}


def test_things_destroyed() -> None:
    [tunnels] = destroyed(REPORT)
    assert (tunnels.what, tunnels.value) == ("tunnels destroyed", 3)


def test_villages_cleared_come_from_clearing_sentences(resources: Resources) -> None:
    text = "Peshmerga liberated the villages of Hilwan and Bor Kand near Kirkuk. The village of Zarwan was calm."
    result = process_article(Article("v", text, "v.txt", published=dt.date(2018, 7, 19)), resources)
    assert result.operation is not None
    assert result.operation.villages_cleared == ("Hilwan", "Bor Kand")


def test_same_operation_told_by_two_reports_is_one(tmp_path, resources: Resources) -> None:  # type: ignore[no-untyped-def]
    from opmap.grouping import group_operations

    one = Article("a", "Peshmerga cleared 30 km² south of Makhmour on Monday.", "a.txt",
                  published=dt.date(2018, 7, 17))
    two = Article("b", "Kurdish forces retook villages near Makhmour on Monday night.", "b.txt",
                  published=dt.date(2018, 7, 18))
    far = Article("c", "Militants attacked a checkpoint near Sinjar on Monday.", "c.txt",
                  published=dt.date(2018, 7, 17))
    results = group_operations([process_article(a, resources) for a in (one, two, far)])
    ids = [r.operation.operation_id for r in results if r.operation]
    assert ids[0] == ids[1] != ids[2]


def test_us_forces_and_us_led_coalition_are_read_whole() -> None:
    from opmap.extract.operations import sides

    text = ("Backed by the U.S.-led coalition, some 500 U.S. forces joined the Iraqi army near the river. "
            "The troops retook two villages after a day of fighting.")
    assert actors(text)[:2] == ("Coalition", "Iraqi security forces")
    [force] = force_sizes(text)
    assert (force.what, force.value, force.hedge) == ("Coalition", 500, "some")
    assert ("Coalition", "support") in support(text)
    who = sides(actors(text), tuple(a for a, _ in support(text)))
    assert who.actor1 == "Iraqi security forces" and who.assoc_actor_1 == ("Coalition",)


def test_event_types_from_the_words() -> None:
    from opmap.extract.operations import event_kind

    def kind(text: str) -> tuple[str, str]:
        k = event_kind(text, actors(text), casualties(text))
        return k.event_type, k.sub_event_type

    assert kind("Peshmerga retook three villages after clashes with ISIS; six militants were killed.") == (
        "Battles", "Government regains territory")
    assert kind("Iraqi forces entered the town unopposed after ISIS withdrew and cleared it.") == (
        "Strategic developments", "Non-violent transfer of territory")
    assert kind("Coalition warplanes struck an ISIS headquarters west of the city.") == (
        "Explosions/Remote violence", "Air/drone strike")
    assert kind("ISIS shelled Peshmerga positions with mortar rounds overnight.") == (
        "Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert kind("A roadside bomb hit an army patrol on the highway.") == (
        "Explosions/Remote violence", "Remote explosive/landmine/IED")
    assert kind("The governor opened a new school in the district.") == ("Strategic developments", "Other")
