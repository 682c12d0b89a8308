"""Read and validate a scenario: one YAML file plus a households table.

The YAML file holds the commune (station, villages), the teams and the
parameters; the households table (CSV or Excel ``.xlsx``) holds one row per
resident who needs enrolment. See ``docs/scenario-format.md``.

Validation runs in one pass and collects every problem; ``load_scenario``
raises one ``InputError`` listing them all (each as file › row/field › what
is wrong › how to fix it). Warnings are returned beside the scenario.

Modules, in the order ``load_scenario`` uses them: ``values`` (text, clock
times, numbers, coordinates; the problem collector), ``reading`` (text
decoding, YAML), ``places`` (station, villages, road graph), ``teams``,
``parameters`` (parameters, priorities, campaign), ``table`` (CSV/XLSX
tables), ``households``, ``checks`` (across objects) and ``load``.
"""

from planner.scenario.households import CONDITION_ALIASES, MODE_ALIASES
from planner.scenario.load import (
    REQUIRED_TOP,
    TOP_FIELDS,
    load_scenario,
    load_scenario_and_speeds,
)
from planner.scenario.parameters import CAMPAIGN_FIELDS, PARAM_FIELDS
from planner.scenario.places import POINT_FIELDS, STATION_FIELDS, VILLAGE_FIELDS
from planner.scenario.reading import read_text
from planner.scenario.table import (
    COLUMN_ALIASES,
    COLUMNS,
    HOUSEHOLDS_TABLE,
    REQUIRED_COLUMNS,
    TableSpec,
    read_table,
)
from planner.scenario.teams import TEAM_FIELDS
from planner.scenario.values import (
    fold,
    format_clock,
    nfc,
    parse_clock,
    parse_window,
    parse_windows,
)

__all__ = [
    "CAMPAIGN_FIELDS", "COLUMNS", "COLUMN_ALIASES", "CONDITION_ALIASES", "HOUSEHOLDS_TABLE",
    "MODE_ALIASES", "PARAM_FIELDS", "POINT_FIELDS", "REQUIRED_COLUMNS", "REQUIRED_TOP",
    "STATION_FIELDS", "TEAM_FIELDS", "TOP_FIELDS", "VILLAGE_FIELDS", "TableSpec", "fold",
    "format_clock", "load_scenario", "load_scenario_and_speeds", "nfc", "parse_clock",
    "parse_window", "parse_windows",
    "read_table", "read_text",
]
