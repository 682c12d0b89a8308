"""plan.json's ``not_honoured`` entries: written only when a decision is not
honoured (a plan without one keeps its bytes and its id), read back as they
were, and translated like the unserved reasons."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from planner.domain import DECISION_CAUSES, Unserved
from planner.planfile import plan_from_dict, plan_id, plan_json
from planner.render.i18n import reason_text

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "demo_plan.json"


def test_not_honoured_round_trips_and_is_absent_when_empty() -> None:
    """The golden plan has no ``not_honoured`` key and the same id when written
    again; with an entry, the key holds it, the id changes, and reading gives
    the same entry back."""
    plan = plan_from_dict(json.loads(GOLDEN.read_text(encoding="utf-8")))
    text = plan_json(plan)
    assert "not_honoured" not in json.loads(text)
    entry = Unserved("NK-0060", "decision 3: the visit required today is not made: …",
                     "decision_not_honoured", "must", ("R00092",),
                     (("decision", 3), ("cause", DECISION_CAUSES.index("not_fitted"))))
    steered = replace(plan, not_honoured=(entry,))
    data = json.loads(plan_json(steered))
    assert data["not_honoured"][0]["kind"] == "must"
    assert data["not_honoured"][0]["numbers"] == {"decision": 3, "cause": 2}
    assert plan_id(steered) != plan_id(plan)
    assert plan_from_dict(data).not_honoured == (entry,)


def test_not_honoured_reads_in_vietnamese_with_its_cause() -> None:
    """The Vietnamese text names the decision's number, its kind and its cause."""
    entry = Unserved("", "decision 4: …", "decision_not_honoured", "order", (),
                     (("decision", 4), ("cause", DECISION_CAUSES.index("order_infeasible"))))
    text = reason_text(entry, (), "vi")
    assert "quyết định số 4" in text and "thứ tự" in text
    assert reason_text(entry, (), "en") == "decision 4: …"
