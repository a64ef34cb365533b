"""Forenames that are the same name: nicknames, short forms and common spelling variants.

``NICKNAMES`` (common English short forms; the demo generator uses the same table to vary names) and ``MORE`` (a
wider table, with spelling variants and names from other languages). Names that share a short form fall into one
group (Sam: Samuel and Samantha), which is what a reviewer would expect; sex and date of birth tell them apart.
"""
from __future__ import annotations

import re
from functools import cache

NICKNAMES: dict[str, list[str]] = {
    "William": ["Will", "Bill", "Billy"], "Robert": ["Rob", "Bob", "Bobby"], "Richard": ["Rich", "Rick", "Dick"],
    "Michael": ["Mike", "Mick", "Micky"], "Anthony": ["Tony", "Ant"], "Christopher": ["Chris", "Kit"],
    "Stephen": ["Steve", "Steph"], "Joseph": ["Joe", "Joey"], "Thomas": ["Tom", "Tommy"], "James": ["Jim", "Jimmy"],
    "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Andrew": ["Andy", "Drew"], "Samuel": ["Sam", "Sammy"],
    "Alexander": ["Alex", "Sandy"], "Benjamin": ["Ben"], "Nathan": ["Nate"], "Jacob": ["Jake"], "Oliver": ["Ollie"],
    "Charlotte": ["Charlie", "Lottie"], "Jessica": ["Jess", "Jessie"], "Rebecca": ["Becky", "Becca"],
    "Elizabeth": ["Liz", "Beth", "Lizzie"], "Katherine": ["Kate", "Katie", "Kath"], "Samantha": ["Sam", "Sammy"],
    "Nicola": ["Nicky", "Nikki"], "Michelle": ["Shelley"], "Isabella": ["Bella", "Izzy"], "Amelia": ["Millie"],
    "Mohammed": ["Mo", "Muhammad", "Mohammad"], "Muhammad": ["Mo", "Mohammed"], "Jonathan": ["Jon", "Jonny"],
    "Susan": ["Sue", "Susie"], "Margaret": ["Maggie", "Peggy"], "Sophie": ["Soph"], "Harry": ["Harold", "Hal"],
}

MORE = {
    "Alexander": ["Alex", "Alec", "Xander", "Sasha"], "Alexandra": ["Alex", "Alexa", "Sandra", "Lexi"],
    "Andrew": ["Andy", "Drew"], "Anthony": ["Tony", "Antony"], "Benjamin": ["Ben", "Benny"],
    "Catherine": ["Cathy", "Cath", "Kate", "Katie", "Katherine", "Kathryn", "Kathleen", "Cat"],
    "Charles": ["Charlie", "Chas", "Chuck"], "Christopher": ["Chris", "Kit", "Topher"],
    "Christine": ["Chris", "Chrissie", "Tina"], "Daniel": ["Dan", "Danny"], "David": ["Dave", "Davey", "Davy"],
    "Deborah": ["Debbie", "Deb", "Debra"], "Edward": ["Ed", "Eddie", "Ted", "Teddy", "Ned"],
    "Elizabeth": ["Liz", "Lizzie", "Beth", "Betty", "Eliza", "Elisabeth", "Libby"], "Emily": ["Em", "Emmy"],
    "Frederick": ["Fred", "Freddie", "Freddy"], "Gareth": ["Gaz", "Gary"], "Gary": ["Gaz", "Garry"],
    "Henry": ["Harry", "Hal", "Hank"], "Jacob": ["Jake", "Jay"], "James": ["Jim", "Jimmy", "Jamie", "Jem"],
    "Jennifer": ["Jen", "Jenny", "Jenni"], "Jessica": ["Jess", "Jessie"], "John": ["Jon", "Johnny", "Jack", "Jonny"],
    "Jonathan": ["Jon", "Jonny", "Johnny"], "Joseph": ["Joe", "Joey"], "Joshua": ["Josh"],
    "Kimberley": ["Kim", "Kimberly"], "Lawrence": ["Larry", "Laurie", "Laurence"], "Leonard": ["Len", "Lenny", "Leo"],
    "Margaret": ["Maggie", "Meg", "Peggy", "Marge", "Margo"], "Matthew": ["Matt", "Matty"],
    "Michael": ["Mike", "Mick", "Micky", "Mickey", "Mikey"], "Mohammed": ["Mo", "Mohamed", "Mohammad", "Muhammad",
                                                                          "Mohamad", "Muhammed"],
    "Nathan": ["Nate", "Nat"], "Nathaniel": ["Nat", "Nate"], "Nicholas": ["Nick", "Nicky", "Nico"],
    "Nicola": ["Nicky", "Nikki", "Nichola"], "Oliver": ["Ollie", "Olly"], "Patrick": ["Pat", "Paddy"],
    "Patricia": ["Pat", "Patsy", "Trish"], "Peter": ["Pete"], "Philip": ["Phil", "Phillip"],
    "Rebecca": ["Becky", "Becca", "Bex"], "Richard": ["Rich", "Rick", "Ricky", "Dick", "Richie"],
    "Robert": ["Rob", "Robbie", "Bob", "Bobby", "Bert"], "Ronald": ["Ron", "Ronnie"],
    "Samantha": ["Sam", "Sammy", "Sammie"], "Samuel": ["Sam", "Sammy"], "Sarah": ["Sara", "Sally"],
    "Stephen": ["Steve", "Steven", "Stevie"], "Stuart": ["Stu", "Stewart"], "Susan": ["Sue", "Susie", "Suzanne"],
    "Terence": ["Terry", "Tel"], "Thomas": ["Tom", "Tommy", "Thom"], "Timothy": ["Tim", "Timmy"],
    "Victoria": ["Vicky", "Vikki", "Tori"], "William": ["Will", "Bill", "Billy", "Liam", "Willie", "Wills"],
    "Zachary": ["Zach", "Zack"], "Aleksander": ["Alex", "Olek"], "Piotr": ["Peter"], "Tomasz": ["Tom", "Tomek"],
    "Ioana": ["Joanna"], "Andrei": ["Andrew", "Andy"], "Yusuf": ["Yousef", "Joseph"], "Omar": ["Umar"],
    "Aisha": ["Ayesha", "Aysha"], "Fatima": ["Fatimah"], "Maryam": ["Mariam", "Miriam"], "Chloe": ["Cloe"],
    "Callum": ["Calum"], "Connor": ["Conor"], "Kieran": ["Ciaran"], "Reece": ["Rhys", "Reese"],
    "Jade": ["Jayde"], "Leah": ["Lea"], "Sophie": ["Sophia", "Soph"], "Ellie": ["Eleanor", "Elle"],
    "Millie": ["Amelia", "Mildred"], "Evie": ["Eve", "Evelyn"], "Lily": ["Lilly", "Lillie"],
    "Isabella": ["Bella", "Izzy", "Isabelle", "Isobel"], "Freya": ["Freyja"], "Keisha": ["Kiesha"],
}


def _clean(name: str) -> str:
    return re.sub(r"[^a-z]", "", (name or "").lower())


@cache
def _groups() -> dict[str, str]:
    """name → its group's representative (the alphabetically first full name in the group)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for table in (NICKNAMES, MORE):
        for full, shorts in table.items():
            a = find(_clean(full))
            for s in shorts:
                b = find(_clean(s))
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {name: find(name) for name in list(parent)}


def canonical(forename: str) -> str:
    """The group a forename belongs to ('bill' → 'william'); an unknown name is itself."""
    name = _clean(forename)
    return _groups().get(name, name)
