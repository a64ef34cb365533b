"""Actuarial calculators that score mechanically from item codings (the inspectorates name hand-summing as the
commonest audit error). Each ``score(items)`` returns the total, the band and a line per item saying how it scored.

Other tools (RM2000, OSP/I, KIRAT) are recorded as the assessor enters them: tool name, score and band.
"""
from vigil.offenders.calculators import ospc, static99r

CALCULATED_TOOLS = {"static99r": static99r.score, "ospc": ospc.score}
