"""Record linkage: which person records are the same person.

Names vary (nicknames, transliteration, typos), dates of birth are mistyped and offenders use aliases, so
identities are resolved probabilistically with Splink (Fellegi–Sunter), on DuckDB embedded or Spark:

- ``records``   the records as Splink reads them: one row per name the person is known by (aliases included);
- ``engines``   where Splink runs: DuckDB in this process, or Spark (local or a cluster);
- ``model``     the comparisons, their documented prior parameters, blocking, scoring and the evidence of a pair;
- ``services``  a run (auto-link above the threshold, queue the uncertain), review (accept, reject) and undo;
- ``identities`` the identities are the connected components of the links in force;
- ``selectors`` the review queue, restricted to the reviewer's work and logged as a combination.

A record is never merged or overwritten: linkage only sets ``Person.identity`` (ADR 0303, ADR 0304).
"""
