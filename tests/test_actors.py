"""Who acts in a statement: pairs, joint acts, titles of office, first person (texts written here)."""
from __future__ import annotations

import pytest

from indexer.actors import acting_actor, joint_action, mentions, reporter, speaks
from indexer.records import ACTOR_BOTH, ACTOR_NATO, ACTOR_PARTNERS, ACTOR_UKRAINE, ACTOR_US
from indexer.statement_features import actor_features


@pytest.mark.parametrize("sentence, expected", [
    # two sides named as one subject, with names or appositions between them
    ("The Ukrainian Defence Minister Ivan Petrenko and Dutch Minister Anna de Vries will open "
     "the new repair hub in spring.", ACTOR_BOTH),
    ("Olena Koval, the Prime Minister of Ukraine, and the Polish President signed a roadmap on "
     "air defence.", ACTOR_BOTH),
    ("The two governments will review the programme every year.", ACTOR_BOTH),
    ("Обидві країни продовжать спільне виробництво боєприпасів.", ACTOR_BOTH),
    # a pair is not two mentions far apart or in different clauses
    ("The United States will send engineers; Ukraine will host them in Lviv.", ACTOR_US),
    # joint acts: signed by A and by B, A signed with B
    ("The protocol was signed by the Minister of Defence of Ukraine and by the Secretary of "
     "Defense of the United States.", ACTOR_BOTH),
    ("Міністерство оборони України підписало з Міністерством оборони США меморандум про "
     "ремонт техніки.", ACTOR_BOTH),
    # offices and bodies named by their titles
    ("DOD will complete the end-use checks by June.", ACTOR_US),
    ("The North Atlantic Council will decide on the next steps.", ACTOR_NATO),
    ("The coalition will deliver another batch of demining kits.", ACTOR_PARTNERS),
])
def test_actor_of_sentence(sentence, expected):
    assert acting_actor(sentence, None) == expected


def test_with_far_from_the_signing_is_not_a_joint_act():
    s = ("Iceland will fund mine clearance under a declaration signed in Brussels last week in "
         "connection with the NATO ministers' meeting.")
    assert not joint_action(s)


def test_recipient_of_help_is_an_object_feature_not_the_subject():
    s = "Norway will deliver further assistance to Ukraine this winter."
    assert [m.actor for m in mentions(s)] == [ACTOR_PARTNERS]
    f = actor_features(s, None, None)
    assert f.get("obj:to:" + ACTOR_UKRAINE) == 1.0 and "no_trigger" in f


def test_first_person_subject_is_the_speaker():
    s = "We will not recognise the annexation of the peninsula."
    assert speaks(s, s.index("will"))
    assert acting_actor(s, s.index("will"), ACTOR_NATO) == ACTOR_NATO
    named = "Ukraine said that our partners will train more crews."
    assert not speaks(named, named.index("will")) or acting_actor(named, named.index("will"),
                                                                  ACTOR_US) == ACTOR_US


def test_reported_first_person_belongs_to_the_one_who_says_it():
    s = "By autumn we will have trained every crew, the Ministry of Defence of Ukraine said."
    assert reporter(s) == ACTOR_UKRAINE
    assert acting_actor(s, s.index("will"), ACTOR_US) == ACTOR_UKRAINE
    plain = "By autumn we will have trained every crew."
    assert reporter(plain) is None
    assert acting_actor(plain, plain.index("will"), ACTOR_US) == ACTOR_US


def test_heads_of_two_sides_are_a_pair():
    s = "The defence ministers of Ukraine and Sweden will meet again in spring."
    assert acting_actor(s, None) == ACTOR_BOTH
    assert acting_actor(s, s.index("will")) == ACTOR_BOTH
    assert acting_actor("Sweden will send aid to Ukraine and Poland.", None) == ACTOR_PARTNERS
