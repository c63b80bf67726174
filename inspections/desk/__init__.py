"""What the coordinator's desk pages share, under the two features that use them.

The desk is two features with one look: ``registry`` (agencies, inspected units, users, the
organisation, their Excel imports) and ``campaigns`` (campaigns, teams, visits, the dashboard).
Neither imports the other; what both need lives here:

- :mod:`.records`: saving and archiving a row with its audit entry, pickers and lists that
  leave archived rows out, and ``FormProblems`` (a typed value that breaks a rule);
- :mod:`.forms`: the desk's form base (WTForms' messages in our catalogs), picker helpers and
  the labels users read for stored values;
- :mod:`.views`: the desk blueprint (a refused write or a lost race answers through the one
  error contract), the form page, and the archive / restore routes written once.

Its templates are ``templates/desk/`` (layout, form page, macros); its messages are in
``desk/translations``. A shared module: it imports no feature.
"""
