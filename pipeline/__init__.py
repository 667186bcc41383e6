"""Target tracker: will each Chinese government's annual growth target be met?

All logic lives in this package; notebooks and DVC stages call into it.
"""
