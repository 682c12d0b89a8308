"""The campaign's state: the only package that reads or writes ``campaign.db``.

Layer: above ``planner.campaign`` (it may import the campaign's planning code;
``planner.campaign`` never imports it), below the application layer and the
front ends. Every SQL statement of the planner lives here.

- ``schema``: the numbered migrations that build and upgrade the database
  (version in ``PRAGMA user_version``), and the outcome codes;
- ``db``: connections, transactions, opening (with migration), the backup
  kept before each import, and every query;
- ``sheet``: the outcomes sheet (CSV/.xlsx) read, checked and imported, and
  its blank or prefilled template;
- ``phone``: an outcomes file exported from the phone map, checked before it
  is imported;
- ``store``: plan a campaign (one commune or a province) and create its state;
- ``record``: record an outcomes sheet, write the template for a day;
- ``tomorrow``: re-plan the campaign from its recorded state.

No module here reads the clock: ``today`` (a date) and ``now`` (a UTC
timestamp) are parameters, given by the entry point (``planner.cli``).
"""
