"""Model: from the tidy tables to predictive distributions of each year's outcome and P(target met).

Read in data-flow order: ``growth`` (YTD arithmetic), ``uc_model`` (the state-space filter and fit),
``forecasters`` (one distribution per method) and ``distributions`` (combining, tails, P(met)),
``track_record`` (each target against its outcome), ``annual`` (the model of a target from January),
then ``forecast`` (the engine and its stage). Imports sources only.
"""
