"""A province: a list of communes; road graphs shared by road areas.

A province is read from (see docs/province.md):

- a ``province.yaml`` (given as a file, or a folder holding one) listing its
  communes: each a scenario path (relative to the YAML), or a mapping with
  the commune's ``id``, ``scenario``, a shared road graph ``roads:`` (else the
  scenario's own), and its official 2025 ``code:`` and ``name:``; the
  province may give its own official ``code:``; or
- a plain folder of commune subfolders (at any depth), each with a
  ``scenario.yaml``.

A *road area* is the communes one road graph covers: communes on the same
graph (the resolved path) share one load of it, whatever they are called.
A province.yaml of the form used before the 2025 reform (``districts:``,
each with its communes and an optional shared ``roads:``) still loads, as
the same communes on the same graphs, with a warning that shows the new form.

``load_province`` validates everything in one pass (missing commune files,
duplicate commune ids, communes listed twice, every problem of every commune's
scenario) and raises one ``InputError`` listing them all; nothing is written.
The official codes and names are checked by ``planner.scenario.units``
(warnings).

``province_workspaces`` loads one road area's graph at a time, computes each
commune's matrices from it (``build_workspace``) in this process and drops the
graph before the next area (one process, no cluster). ``province_builds`` is
the same on the Dask workers, what a province's staffing sweep and its
campaigns (``planner.state.store.run_province_campaign``) use: per road
area a ``Shared`` graph (loaded by the client, through the travel-time
cache, and scattered to every worker once), per commune an
``OnWorker`` task building its workspace from it on a worker; nothing of the
matrices passes through the client.

``province_rows`` turns the staffing rows of every commune into one row per
commune: the teams needed for P(done by the deadline) ≥ ``target`` (90 %).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from planner.campaign.sweep import OnWorker, Shared
from planner.campaign.workspace import Workspace, build_workspace
from planner.domain import Scenario
from planner.errors import InputError, Problem, msg
from planner.roads.io import load_graph, resolve_graph_path
from planner.scenario import load_scenario
from planner.scenario.parameters import _campaign_date
from planner.scenario.reading import _parse_yaml, max_input_bytes
from planner.scenario.units import UnitClaim, unit_problems
from planner.scenario.values import _check_unknown, _Collector, nfc
from planner.sitecheck import station_problem
from planner.speeds import SpeedTable

PROVINCE_FILE = "province.yaml"
TOP_FIELDS = {"name", "code", "fictional", "deadline", "communes"}
OLD_TOP_FIELDS = {"name", "code", "fictional", "deadline", "districts"}
OLD_DISTRICT_FIELDS = {"id", "name", "roads", "communes"}
COMMUNE_FIELDS = {"id", "scenario", "roads", "code", "name"}
TARGET_P = 0.9
"""Teams needed: the fewest teams finishing by the deadline in at least this share of runs."""


@dataclass(frozen=True)
class Commune:
    """One commune of a province: its id (unique in the province, also the name
    of its output folder), its scenario file and the loaded scenario (``roads``
    is its road area's graph); ``area_roads``: that graph is the ``roads:`` of
    the commune's entry in province.yaml, not the commune scenario's own;
    ``code``/``official_name``: its official 2025 unit ('' when not given)."""

    id: str
    path: Path
    scenario: Scenario
    area_roads: bool = False
    code: str = ""
    official_name: str = ""


@dataclass(frozen=True)
class RoadArea:
    """Communes one road graph covers (``roads``: the GraphML path); ``id``:
    the graph's path relative to the province's folder, without suffix."""

    id: str
    roads: str
    communes: tuple[Commune, ...]


@dataclass(frozen=True)
class Province:
    """A validated province; ``deadline`` is the province-wide default
    (``deadline:`` in province.yaml), ``code`` its official 2025 code ('' when
    not given), ``warnings`` the communes' and the file's warnings."""

    name: str
    fictional: bool
    source: Path
    deadline: dt.date | None
    areas: tuple[RoadArea, ...]
    warnings: tuple[Problem, ...] = ()
    code: str = ""

    @property
    def communes(self) -> list[Commune]:
        return [c for a in self.areas for c in a.communes]


def is_province(path: str | Path) -> bool:
    """True when ``path`` is a province: a ``province.yaml`` (or a YAML file
    with a ``communes:`` or, the old form, ``districts:`` list), a folder
    holding one, or a folder without a ``scenario.yaml`` of its own whose
    subfolders hold scenarios."""
    path = Path(path)
    if path.is_dir():
        if (path / PROVINCE_FILE).is_file():
            return True
        return not (path / "scenario.yaml").exists() and any(path.rglob("scenario.yaml"))
    if path.name == PROVINCE_FILE:
        return True
    if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
        try:  # at most the input size limit: a huge file is refused when it is read
            with path.open(encoding="utf-8-sig") as fh:
                text = fh.read(max_input_bytes())
        except (OSError, UnicodeDecodeError):
            return False
        return any(line.startswith(("communes:", "districts:")) for line in text.splitlines())
    return False


def _bad_id(cid: str) -> str:
    """Why ``cid`` cannot name an output folder ('' when it can)."""
    if not cid or cid in (".", ".."):
        return msg("is empty")
    if any(ch in cid for ch in "/\\:") or cid.startswith("."):
        return msg("holds / \\ : or starts with a dot")
    return ""


def _load_commune(cid: str, path: Path, where: str, source: str, roads: Path | None,
                  problems: list[Problem], warnings: list[Problem]) -> Commune | None:
    """Load one commune's scenario (on the shared graph ``roads`` when given);
    its problems go to ``problems`` with the commune named."""

    if path.is_dir():
        path = path / "scenario.yaml"
    if not path.is_file():
        problems.append(Problem(source, where, msg("commune {cid}: scenario {path} not found",
                                                   cid=cid, path=path),
                                msg("fix the path (relative to the province file) or remove "
                                    "the entry")))
        return None
    try:
        scenario, found = load_scenario(path, check_roads=roads is None)
    except InputError as exc:
        problems += [replace(p, where=f"commune {cid}" + (f", {p.where}" if p.where else ""))
                     for p in exc.problems]
        return None
    warnings += [replace(p, where=f"commune {cid}" + (f", {p.where}" if p.where else ""))
                 for p in found]
    if roads is not None:

        far = station_problem(scenario.station.lon, scenario.station.lat, roads,
                              scenario.parameters.walk_limit_m)
        if far:
            problems.append(Problem(str(path), f"commune {cid}, station.lon/lat", *far))
            return None
        scenario = replace(scenario, roads=str(roads))
    return Commune(cid, path, scenario, area_roads=roads is not None)


def _old_form(data: dict, col: _Collector) -> list:
    """The commune entries of an old-form province.yaml (communes grouped by
    ``districts:``, each with an optional shared ``roads:``), each district's
    ``roads:`` given to each of its communes; one warning saying how to write
    the new form. Problems of the districts themselves go to ``col``."""
    col.warn("districts", msg("communes grouped by district: the form used before the 2025 "
                              "reform (it still loads, as the same communes on the same road "
                              "graphs)"),
             msg("write the communes as one list: communes: [{id: C1, scenario: "
                 "c1/scenario.yaml, roads: area1.graphml}] (the district's roads: on each of "
                 "its communes); see docs/province.md"))
    raw = data.get("districts")
    if not isinstance(raw, list) or not raw:
        col.error("districts", msg("missing or not a list"),
                  msg("list the communes: communes: [c1/scenario.yaml]; see docs/province.md"))
        return []
    entries: list = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"districts[{i}]"
        if not isinstance(item, dict):
            col.error(where, msg("must be a mapping with id, roads (optional) and communes"),
                      msg("list the communes instead: communes: [c1/scenario.yaml]; see "
                          "docs/province.md"))
            continue
        _check_unknown(item, OLD_DISTRICT_FIELDS, f"{where}.", col)
        did = nfc(item.get("id")) or f"#{i + 1}"
        if did in seen:
            col.error(f"{where}.id", msg("district id '{did}' is given twice", did=did),
                      msg("give each district its own id"))
        seen.add(did)
        communes = item.get("communes")
        if not isinstance(communes, list) or not communes:
            col.error(f"{where}.communes", msg("missing or not a list"),
                      msg("list the district's commune scenarios: communes: [c1/scenario.yaml]"))
            continue
        roads = nfc(item.get("roads"))
        for j, entry in enumerate(communes):
            if isinstance(entry, dict):
                entry = dict(entry)
            else:
                entry = {"scenario": entry}
            if roads and "roads" not in entry:
                entry["roads"] = roads
            entries.append((f"{where} ({did}).communes[{j}]", entry))
    return entries


def _entries(data: dict, col: _Collector) -> list[tuple[str, dict]]:
    """``(where, entry mapping)`` of each commune listed in province.yaml
    (``communes:``, or the old form's districts); problems go to ``col``."""
    if "communes" not in data and "districts" in data:
        _check_unknown(data, OLD_TOP_FIELDS, "", col)
        return _old_form(data, col)
    _check_unknown(data, TOP_FIELDS, "", col)
    raw = data.get("communes")
    if not isinstance(raw, list) or not raw:
        col.error("communes", msg("missing or not a list"),
                  msg("list the communes: communes: [{id: C1, scenario: c1/scenario.yaml}]; "
                      "see docs/province.md"))
        return []
    return [(f"communes[{j}]", dict(e) if isinstance(e, dict) else {"scenario": e})
            for j, e in enumerate(raw)]


def _from_yaml(path: Path) -> Province:
    """The province described by the ``province.yaml`` at ``path`` (see
    docs/province.md); raises ``InputError`` listing every problem found."""
    col = _Collector(str(path))
    data = _parse_yaml(path, col)
    if data is None:
        raise InputError(col.problems)
    deadline = None
    if data.get("deadline") not in (None, ""):
        deadline = _campaign_date(data["deadline"], "deadline", col)
    entries = _entries(data, col)
    if not entries:
        raise InputError(col.problems)
    base = path.parent
    problems: list[Problem] = []
    warnings: list[Problem] = []
    communes: list[Commune] = []
    claims: list[UnitClaim] = []
    seen_ids: dict[str, str] = {}
    seen_paths: dict[Path, str] = {}
    graphs: dict[str, Path | None] = {}
    for ewhere, entry in entries:
        _check_unknown(entry, COMMUNE_FIELDS, f"{ewhere}.", col)
        rel, cid = nfc(entry.get("scenario")), nfc(entry.get("id"))
        if not rel:
            col.error(ewhere, msg("no scenario path"),
                      msg("give the commune's scenario: - {id: C1, scenario: "
                          "c1/scenario.yaml}"))
            continue
        cpath = (base / rel).resolve() if not Path(rel).is_absolute() else Path(rel)
        cid = cid or (cpath.parent.name if cpath.suffix in (".yaml", ".yml") else cpath.name)
        bad = _bad_id(cid)
        if bad:
            col.error(f"{ewhere}.id", msg("commune id '{cid}' {bad}", cid=cid, bad=bad),
                      msg("give an id usable as a folder name, e.g. id: Na-Bung"))
            continue
        if cid in seen_ids:
            col.error(f"{ewhere}.id", msg("commune id '{cid}' is used twice (also at "
                                          "{seen_ids})", cid=cid, seen_ids=seen_ids[cid]),
                      msg("give each commune its own id: - {id: …, scenario: …}"))
            continue
        key = cpath / "scenario.yaml" if cpath.is_dir() else cpath
        if key in seen_paths:
            col.error(ewhere, msg("scenario {rel} is listed twice (also as commune "
                                  "{seen_paths})", rel=rel, seen_paths=seen_paths[key]),
                      msg("list each commune once"))
            continue
        seen_ids[cid], seen_paths[key] = ewhere, cid
        roads_text = nfc(entry.get("roads"))
        if roads_text and roads_text not in graphs:
            graphs[roads_text] = resolve_graph_path(roads_text, base)
            if not graphs[roads_text].is_file():
                col.error(f"{ewhere}.roads", msg("road graph '{roads}' not found ({roads2})",
                                                 roads=roads_text, roads2=graphs[roads_text]),
                          msg("give the path of the .graphml the commune shares (relative to "
                              "this file) or a graph name in maps/"))
                graphs[roads_text] = None
        if roads_text and graphs[roads_text] is None:
            continue
        commune = _load_commune(cid, cpath, ewhere, str(path),
                                graphs[roads_text] if roads_text else None, problems, warnings)
        code, name = nfc(entry.get("code")), nfc(entry.get("name"))
        claims.append(UnitClaim(f"commune {cid}, {ewhere}", code, name))
        if commune is not None:
            communes.append(replace(commune, code=code, official_name=name))
    problems = col.problems + problems
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    fictional = bool(data.get("fictional", False))
    name, code = nfc(data.get("name")), nfc(data.get("code"))
    claim = UnitClaim("", code, "" if fictional and not code else name)
    warnings += unit_problems(str(path), claim, claims)
    return Province(name or path.parent.name, fictional, path, deadline,
                    _areas(communes, base), tuple(warnings + problems), code)


def _areas(communes: list[Commune], base: Path) -> tuple[RoadArea, ...]:
    """The communes grouped into road areas by the graph their scenario is
    on (the resolved path), in order of first appearance; an area's id is its
    graph's path relative to ``base`` without suffix (its file name else)."""
    groups: dict[str, list[Commune]] = {}
    for c in communes:
        groups.setdefault(str(Path(c.scenario.roads).resolve()), []).append(c)
    areas = []
    for graph, members in groups.items():
        try:
            aid = Path(graph).relative_to(base.resolve()).with_suffix("").as_posix()
        except ValueError:
            aid = Path(graph).stem
        areas.append(RoadArea(aid, graph, tuple(members)))
    return tuple(areas)


def _from_folder(folder: Path) -> Province:
    paths = sorted(folder.rglob("scenario.yaml"))
    if not paths:
        raise InputError(Problem(str(folder), "", msg("holds no {PROVINCE_FILE} and no commune "
                                                      "subfolders with a scenario.yaml",
                                                      PROVINCE_FILE=PROVINCE_FILE),
                                 msg("add a province.yaml (see docs/province.md) or one folder per "
                                     "commune with its scenario.yaml")))
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: dict[str, Path] = {}
    communes: list[Commune] = []
    for path in paths:
        cid = path.parent.name
        where = str(path.parent.relative_to(folder))
        if cid in seen:
            problems.append(Problem(str(path), "", msg("commune id '{cid}' (its folder name) is "
                                        "used twice (also {seen})", cid=cid, seen=seen[cid]),
                                    msg("rename one of the folders, or list the communes with "
                                        "their ids in a province.yaml")))
            continue
        seen[cid] = path
        c = _load_commune(cid, path, where, str(folder), None, problems, warnings)
        if c is not None:
            communes.append(c)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    fictional = all(c.scenario.fictional for c in communes)
    return Province(folder.name, fictional, folder, None, _areas(communes, folder),
                    tuple(warnings))


def load_province(path: str | Path) -> Province:
    """Read and validate a province (see the module docstring); raises one
    ``InputError`` with every problem found."""
    path = Path(path)
    if path.is_dir():
        if (path / PROVINCE_FILE).is_file():
            return _from_yaml(path / PROVINCE_FILE)
        return _from_folder(path)
    if not path.exists():
        raise InputError(Problem(str(path), "", msg("not found"),
                                 msg("give a province.yaml, or a folder of commune folders")))
    return _from_yaml(path)


def province_workspaces(province: Province,
                        seasons_of: Callable[[Scenario], tuple[str, ...]] | None,
                        table: SpeedTable,
                        on_stage: Callable[[str], None] | None = None,
                        ) -> Iterator[tuple[RoadArea, Commune, object]]:
    """``(road area, commune, Workspace)`` for each commune, area by area: an
    area's graph is loaded once, each of its communes' matrices are computed
    from it, and the graph is dropped before the next area's is loaded: one
    graph in memory at a time. Lazy: the caller decides when the next workspace is
    built. ``seasons_of(scenario)`` names the seasons to compute (None: a
    campaign's, ``build_workspace``'s default); ``table`` is the speed table of
    every graph and matrix.
    ``on_stage("graphs"|"matrices")`` is told what runs next (timings)."""

    loaded: tuple[str, object] | None = None
    for area in province.areas:
        if loaded is None or loaded[0] != area.roads:
            loaded = None  # drop the previous graph before loading the next
            if on_stage:
                on_stage("graphs")
            loaded = (area.roads, load_graph(area.roads, table=table))
        for c in area.communes:
            if on_stage:
                on_stage("matrices")
            yield area, c, build_workspace(c.scenario, loaded[1], table,
                                        seasons=seasons_of(c.scenario) if seasons_of else None)
    loaded = None


def area_graph(area: RoadArea, table: SpeedTable) -> Shared:
    """Road area ``area``'s graph (travel times of ``table``) as a ``Shared``
    value: keyed by the graph's path, loaded by the client (through the
    travel-time cache) when the sweep first needs it, then sent once to every
    worker."""
    return Shared(area.roads, partial(load_graph, area.roads, table=table))


def _workspace_task(G, scenario: Scenario, table: SpeedTable,
                    seasons: tuple[str, ...] | None) -> Workspace:
    """``build_workspace`` with the graph first: the task that builds a
    commune's workspace on a worker from its road area's shared graph."""
    return build_workspace(scenario, G, table, seasons=seasons)


def workspace_on_worker(scenario: Scenario, graph: Shared, table: SpeedTable,
                        seasons: tuple[str, ...] | None = None) -> OnWorker:
    """``scenario``'s Workspace, to be built on a Dask worker from ``graph``
    (``area_graph``): the data of a ``stream_tasks`` job. ``seasons`` as
    ``build_workspace``'s."""
    return OnWorker(_workspace_task, (scenario, table, seasons), graph)


def province_builds(province: Province,
                    table: SpeedTable) -> Iterator[tuple[RoadArea, Commune, Shared]]:
    """``(road area, commune, the area's Shared graph)`` for each commune,
    area by area (the communes of an area one after the other, as
    ``stream_tasks`` wants them): give each commune's scenario and the graph
    to ``workspace_on_worker``. No graph is loaded here: the sweep loads each
    area's once, when its first commune goes to the cluster."""
    for area in province.areas:
        graph = area_graph(area, table)
        for c in area.communes:
            yield area, c, graph


@dataclass(frozen=True)
class ProvinceRow:
    """One commune of a province staffing sweep: ``teams_needed`` is the
    smallest team count tried whose P(done by the deadline) ≥ ``TARGET_P``
    (None when none of them: "more than ``max_teams``"); its expected
    completion, P and mean officer-days (at ``max_teams`` when none);
    ``road_area``: the id of the road area the commune is planned on."""

    road_area: str
    commune: str
    households: int
    residents: int
    deadline: dt.date | None
    teams_needed: int | None
    max_teams: int
    p_by_deadline: float | None
    expected_date: dt.date | None
    officer_days: float


def province_rows(province: Province, rows_by_commune: dict[str, list],
                  deadlines: dict[str, dt.date | None],
                  target: float = TARGET_P) -> list[ProvinceRow]:
    """One ``ProvinceRow`` per commune (province order) from its ``StaffingRow``s."""
    out = []
    for area in province.areas:
        for c in area.communes:
            rows = sorted(rows_by_commune[c.id], key=lambda r: r.teams)
            ok = [r for r in rows if r.p_by_deadline is not None and r.p_by_deadline >= target]
            pick = ok[0] if ok else rows[-1]
            out.append(ProvinceRow(
                road_area=area.id, commune=c.id, households=len(c.scenario.households),
                residents=sum(len(h.residents) for h in c.scenario.households),
                deadline=deadlines[c.id], teams_needed=pick.teams if ok else None,
                max_teams=rows[-1].teams, p_by_deadline=pick.p_by_deadline,
                expected_date=pick.expected_date, officer_days=pick.officer_days))
    return out


def province_deadlines(province, deadline: dt.date | None) -> dict[str, dt.date | None]:
    """Each commune's deadline: ``deadline`` (--deadline), else the province's
    ``deadline:``, else the commune's ``campaign.deadline``."""
    return {c.id: deadline or province.deadline
            or (c.scenario.campaign.deadline if c.scenario.campaign else None)
            for c in province.communes}
