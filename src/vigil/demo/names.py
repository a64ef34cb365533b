"""Name frequency lists for synthetic people (approximate shapes of common British names; no real person).

Weights follow a Zipf-like fall-off by rank, which is what published surname and forename frequency tables show.
The nicknames are production data (record linkage reads them); the generator uses the same table.
"""
from vigil.people.linkage.nicknames import NICKNAMES as NICKNAMES  # re-exported for the generator

SURNAMES = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright
Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris
Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson
Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen
Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson
Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West
Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong
Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry
Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane
Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls
Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers
Okafor Adeyemi Mensah Nowak Kowalski Popescu Silva Santos Costa Rahman Islam Chowdhury Mahmood Iqbal Osei Boateng""".split()

MALE = """Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Archie Joshua James Thomas William Henry
Ethan Isaac Max Daniel Samuel Lucas Adam Mohammed Muhammad Joseph Dylan Logan Alexander David Michael Paul Mark Andrew
Richard Peter Stephen Christopher Anthony Robert John Kevin Gary Lee Darren Craig Wayne Dean Jason Stuart Neil Simon
Matthew Ryan Liam Connor Kieran Jamie Callum Reece Tyler Jordan Kyle Aaron Nathan Luke Ben Sam Tom Ali Hassan Tomasz
Piotr Andrei Kwame Kofi Chidi Emeka Arjun Rohan Omar Yusuf""".split()

FEMALE = """Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Sophia Grace Evie Sophie Ruby Chloe Jessica Freya
Charlotte Daisy Alice Sienna Phoebe Millie Scarlett Layla Ellie Holly Lucy Hannah Katie Megan Lauren Rebecca Sarah
Emma Laura Amy Rachel Claire Nicola Michelle Lisa Kelly Joanne Karen Helen Susan Julie Tracey Donna Jade Chantelle
Leah Zara Aisha Fatima Maryam Amira Priya Anjali Precious Blessing Agnieszka Zofia Ioana Ana Keisha Shanice Tia""".split()



def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


SURNAME_WEIGHTS = zipf_weights(len(SURNAMES), 0.9)
MALE_WEIGHTS = zipf_weights(len(MALE), 0.8)
FEMALE_WEIGHTS = zipf_weights(len(FEMALE), 0.8)

STREETS = """High Street|Station Road|Church Road|Park Road|Victoria Road|Green Lane|Manor Road|Church Street|Park Avenue
|Queens Road|Kings Road|New Road|Grange Road|London Road|Albert Road|Springfield Road|Mill Lane|Chestnut Close
|The Crescent|Alexandra Road|Richmond Road|York Road|Windsor Road|Elm Grove|Stanley Road|Cedar Avenue|Warwick Road
|Brook Street|Mill Road|Osborne Road|Highfield Road|Grove Road|North Street|South Street|Lime Tree Walk|Meadow Way
|Orchard Close|Willow Drive|Beech Gardens|Hawthorn Terrace|Priory Mews|Canal Street|Wharf Road|Market Square""".replace(
    "\n", "").split("|")
