"""Write stage: the finished site swapped into the output folder, one build at a time.

:mod:`.output` is the only module that writes the output folder; :mod:`.lock`
keeps two builds of a project apart; :mod:`.freshness` tells, from the
standard library alone, when nothing changed and nothing needs writing.
"""
