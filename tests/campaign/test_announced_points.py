"""Announced means committed: a re-plan keeps every announced collection point's
date, place and hours, or says so first with a correction notice.

Real solves on the FICTIONAL demo campaign (short time limits): the campaign
is planned, team T1's outcomes of the first day are recorded, then
`tomorrow` re-plans from the second day. Every collection point whose notice
went out before that day (``announce_by`` earlier) must be held again on its
date, at its place, opening at its hour and closing no earlier; any that is
not is in the run's ``not_kept``, at the top of the terminal summary, and in
the correction notice with its old hours and the residents to tell.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from test_cli_decide import _scenario  # the demo with a campaign, 24 November to 11 December

from planner.campaign.report import tomorrow_text
from planner.state.record import record_outcomes, write_template
from planner.state.store import run_campaign
from planner.state.tomorrow import run_tomorrow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
LIMIT_S = 0.2
DAY1, DAY2 = dt.date(2026, 11, 24), dt.date(2026, 11, 25)
TODAY = dt.date(2026, 12, 31)
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)




def test_tomorrow_keeps_every_announced_point_or_says_so_first(tmp_path: Path) -> None:
    """After T1's outcomes of day 1, tomorrow from day 2: each announced point keeps
    date, place and hours, or is named first in the summary and in the correction
    notice (old hours, residents to tell)."""
    out = tmp_path / "camp"
    run_campaign(_scenario(tmp_path / "scenario"), out, time_limit_s=LIMIT_S, now=NOW)
    before = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    announced = [p for p in before["point_days"]
                 if p["announce_by"] < DAY2.isoformat() <= p["date"]]
    assert announced, "the first plan announces points before day 2"
    paths, _ = write_template(out, DAY1, tmp_path / "day1", overwrite=False)
    rows = list(csv.reader(paths[0].read_text(encoding="utf-8-sig").splitlines()))
    t1 = [r[:4] + ["enrolled", ""] for r in rows[1:] if r[1] == "T1"]
    assert t1, "team T1 works on day 1"
    sheet = tmp_path / "t1.csv"
    sheet.write_text("\n".join(",".join(r) for r in [rows[0][:6]] + t1) + "\n",
                     encoding="utf-8")
    assert record_outcomes(out, sheet, today=TODAY, now=NOW).new == len(t1)

    run = run_tomorrow(out, DAY2, time_limit_s=LIMIT_S, now=NOW, lang="en")
    after = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    held = after["point_days"]
    changed = {(c["date"], c["village"]): c for c in run.not_kept}
    text = tomorrow_text(run, "en")
    top = text.split("\n\n")[0]
    kept = 0
    for p in announced:
        if any(q["date"] == p["date"] and q["village"] == p["village"]
               and q["place"] == p["place"] and q["opens"] == p["opens"]
               and q["closes"] >= p["closes"] for q in held):
            kept += 1
            assert (p["date"], p["village"]) not in changed
            continue
        change = changed[(p["date"], p["village"])]  # not kept: it must be said
        village = next(v.name for v in run.scenario.villages if v.id == p["village"])
        assert f"{village}, {p['date']}" in top and f"{p['opens']}–{p['closes']}" in top
        notice = (out / f"corrections-{DAY2}.txt").read_text(encoding="utf-8")
        assert f"village {village}, {p['date']}" in notice
        assert f"from {p['opens']} to {p['closes']}" in notice
        assert change["residents"] and all(rid in notice for rid in change["residents"])
    assert kept, "at least one announced point is held at its hours"
    assert bool(run.not_kept) == (out / f"corrections-{DAY2}.txt").is_file()
    assert after["state"]["announced_points_not_kept"] == json.loads(json.dumps(run.not_kept))


def test_announced_points_are_served_first_and_kept(tmp_path: Path) -> None:
    """An announced point is a promise: the re-plan serves it before every
    tier (as a must-visit). On the demo campaign re-planned from day 2 with
    nothing recorded, every point announced for day 3 is kept as announced
    (before, its day's self-check refused a plan that left one closed and the
    day was planned again without any announced point: all six moved)."""
    out = tmp_path / "camp"
    run_campaign(_scenario(tmp_path / "scenario"), out, time_limit_s=1.0, now=NOW)
    before = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    announced = [p for p in before["point_days"]
                 if p["announce_by"] < DAY2.isoformat() <= p["date"]]
    assert len(announced) >= 3
    run = run_tomorrow(out, DAY2, time_limit_s=1.0, now=NOW, lang="en")
    assert run.not_kept == []
    held = {(p["date"], p["village"]): p for p in
            json.loads((out / "campaign.json").read_text(encoding="utf-8"))["point_days"]}
    for p in announced:
        kept = held[(p["date"], p["village"])]
        assert (kept["place"], kept["opens"]) == (p["place"], p["opens"])
        assert kept["closes"] >= p["closes"]
