"""The day planner steered by a person's decisions (``planner.day.needs.Steer``):
a must-visit served before every other tier, a lock kept on its team, a fixed
order kept (or named when it cannot be), each plan proven by the self-check
with the same decisions. Real OR-Tools solves on a small real road."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_reasons import H, _household, _plan, _resident, _road, _scenario, _team

from planner.day.needs import Steer
from planner.day.plan import plan_day, plan_sites
from planner.day.verify import plan_violations, steer_violations
from planner.domain import DECISION_CAUSES, Window


def _visits(plan) -> dict[str, list[str]]:
    return {r.team: [s.household for s in r.stops if s.kind == "visit"] for r in plan.routes}


def test_a_must_visit_goes_before_more_urgent_ones() -> None:
    """A short day holds two of three bedridden visits; an able resident that
    must be visited today is served, where without the decision it is not."""
    bedridden = [_household(f"B{k}", 2 + k, _resident(f"RB{k}", "bedridden")) for k in range(3)]
    able = _household("M", 9, _resident("RM", "able"))
    sc = _scenario([*bedridden, able], [_team(shift=(7 * H, 10 * H), max_work_h=3)])
    assert "M" not in _visits(_plan(sc))["T1"]
    steer = Steer(must={"M": 1})
    plan, matrices, _ = plan_day(sc, _road(), steer=steer)
    assert "M" in _visits(plan)["T1"] and plan.not_honoured == ()
    assert plan_violations(plan, sc, matrices, plan_sites(sc)[1], steer=steer) == []


def test_a_lock_keeps_the_household_on_its_team() -> None:
    """Two teams; a household next to the station locked to the team whose
    route goes elsewhere is served by that team only."""
    homes = [_household(f"H{k}", 1 + k, _resident(f"R{k}")) for k in range(4)]
    sc = _scenario(homes, [_team("T1"), _team("T2")])
    steer = Steer(teams={h.id: ("T2", 3) for h in homes[:2]} | {"H3": ("T1", 4)})
    plan, matrices, _ = plan_day(sc, _road(), steer=steer)
    visits = _visits(plan)
    assert {"H0", "H1"} <= set(visits["T2"]) and "H3" in visits["T1"]
    assert plan_violations(plan, sc, matrices, plan_sites(sc)[1], steer=steer) == []


def test_a_fixed_order_is_kept() -> None:
    """Three households on one road visited farthest first by hand: the route
    keeps that order (re-timed), and the self-check proves it."""
    homes = [_household(f"H{k}", 2 + 3 * k, _resident(f"R{k}")) for k in range(3)]
    sc = _scenario(homes)
    order = ("H2", "H0", "H1")
    steer = Steer(must={h: 5 for h in order}, teams={h: ("T1", 5) for h in order},
                  orders={"T1": (order, 5)})
    plan, matrices, _ = plan_day(sc, _road(), steer=steer)
    assert _visits(plan)["T1"] == list(order) and plan.not_honoured == ()
    assert steer_violations(plan, sc, steer) == []
    assert plan_violations(plan, sc, matrices, plan_sites(sc)[1], steer=steer) == []


def test_an_order_the_windows_forbid_is_named_and_the_plan_keeps_its_own() -> None:
    """H0 at home only 08:00–09:00, H1 only 07:00–08:00: the order H0 then H1
    cannot be kept; the plan visits both in its own order and names the
    decision (cause ``order_infeasible``)."""
    homes = [_household("H0", 2, _resident("R0", windows=[Window(8 * H, 9 * H)])),
             _household("H1", 3, _resident("R1", windows=[Window(7 * H, 8 * H)]))]
    sc = _scenario(homes)
    steer = Steer(must={"H0": 9, "H1": 9}, teams={"H0": ("T1", 9), "H1": ("T1", 9)},
                  orders={"T1": (("H0", "H1"), 9)})
    plan, matrices, _ = plan_day(sc, _road(), steer=steer)
    assert _visits(plan)["T1"] == ["H1", "H0"]
    [u] = plan.not_honoured
    assert u.mode == "order" and dict(u.numbers) == {
        "decision": 9, "cause": DECISION_CAUSES.index("order_infeasible")}
    assert steer_violations(plan, sc, steer) != []  # the order given is indeed not kept


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_decisions_are_honoured_or_named(data) -> None:
    """Random small days (3–6 households on a road, random conditions and
    hours at home, one or two teams with random shifts) with random decisions
    (must-visits, locks, one fixed order): every lock is kept (a locked
    household is served by its team or not at all), every must-visit is made
    or named in ``not_honoured`` with its decision, every order is kept or
    named, and the plan passes its own self-check with those decisions."""
    n = data.draw(st.integers(3, 6), label="households")
    homes = []
    for k in range(n):
        windows = data.draw(st.sampled_from(((), ((8, 11),), ((13, 16),), ((7, 9), (15, 17)))))
        homes.append(_household(f"H{k}", data.draw(st.integers(1, 11)), _resident(
            f"R{k}", data.draw(st.sampled_from(("bedridden", "disabled", "elderly", "able"))),
            [Window(a * H, b * H) for a, b in windows])))
    teams = [_team(t, shift=(7 * H, data.draw(st.sampled_from((10, 12, 17))) * H))
             for t in ("T1", "T2")[:data.draw(st.integers(1, 2))]]
    ids = [h.id for h in homes]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=2, max_size=n))
    must = {h: 10 + k for k, h in enumerate(chosen) if data.draw(st.booleans())}
    locked = {h: (data.draw(st.sampled_from([t.id for t in teams])), 30 + k)
              for k, h in enumerate(chosen) if data.draw(st.booleans())}
    orders = {}
    mine = [h for h in chosen if locked.get(h, ("", 0))[0] == "T1" and h in must]
    if len(mine) >= 2:
        order = tuple(data.draw(st.permutations(mine)))
        orders = {"T1": (order, 99)}
        must.update({h: 99 for h in order})
        locked.update({h: ("T1", 99) for h in order})
    steer = Steer(must=must, teams=locked, orders=orders)
    sc = _scenario(homes, teams, time_limit_s=0.3)
    plan, matrices, _ = plan_day(sc, _road(), steer=steer)
    served = {s.household: r.team for r in plan.routes for s in r.stops if s.kind == "visit"}
    named = {dict(u.numbers)["decision"]: u for u in plan.not_honoured}
    event(f"decisions: {len(must)} must, {len(locked)} locks, {len(orders)} order; "
          f"{len(named)} named")
    for h, (team, _did) in locked.items():
        assert served.get(h, team) == team, (h, served)
    for h, did in must.items():
        assert h in served or did in named, (h, served, plan.not_honoured)
    for team, (order, did) in orders.items():
        kept = [h for h in _visits(plan).get(team, []) if h in order]
        assert kept == list(order) or did in named
    # an order named as not honoured is the plan's own order, checked as such
    steer = steer.without_orders({t for t, (_o, did) in orders.items() if did in named})
    assert plan_violations(plan, sc, matrices, plan_sites(sc)[1], steer=steer) == []
