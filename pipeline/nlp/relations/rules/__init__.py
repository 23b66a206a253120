"""The relation rules, grouped by construction; each is a function of the sentence state.

* :mod:`.verbal`: verbs and participles, active and passive (``X suppresses Y``, ``Y was
  suppressed by X``, ``X reduced Y, leading to Z``), ``no effect`` and cause connectives;
* :mod:`.nominal`: nominalizations (``inhibition of Y by X``, ``X secretion by Y``), ``the
  protective effect of X against Y``, ``production of X in C``, ``treatment of D with X``;
* :mod:`.results`: study-group result statements (``X-treated mice showed lower Y``, ``Y was
  lower in the X group``);
* :mod:`.differentiation`: differentiation and polarization (``X differentiate into Y``);
* :mod:`.hyphen`: ``X-derived Y``, ``X-induced Y`` and ``hMSC induced proliferation``
  compounds;
* :mod:`.therapy`: TREATS from ``X for Y``, ``X in patients with Y`` and therapies acting in a
  disease context.

:mod:`pipeline.nlp.relations.dispatch` decides which rule runs for which trigger.
"""
