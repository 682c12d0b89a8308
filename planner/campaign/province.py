"""A province: communes grouped by district, each district on one road graph.

A province is read from (see docs/province.md):

- a ``province.yaml`` (given as a file, or a folder holding one) listing
  districts, each with an optional shared road graph (``roads:``) and the
  scenario paths of its communes (relative to the YAML); or
- a plain folder of commune subfolders (at any depth), each with a
  ``scenario.yaml``: the communes are grouped into districts by the road graph
  their scenario names (the resolved path), so communes naming the same graph
  share it.

``load_province`` validates everything in one pass (missing commune files,
duplicate commune ids, communes listed twice, every problem of every commune's
scenario) and raises one ``InputError`` listing them all; nothing is written.

``province_workspaces`` loads one district's graph at a time, computes each
commune's matrices from it (``build_workspace``) and drops the graph before the
next district: the Workspaces (scenario and matrices, no graph) are what goes
to the Dask workers.

``province_rows`` turns the staffing rows of every commune into one row per
commune: the teams needed for P(done by the deadline) ≥ ``target`` (90 %).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from planner.campaign.workspace import build_workspace
from planner.domain import Scenario
from planner.errors import InputError, Problem, msg
from planner.roads.io import load_graph, resolve_graph_path
from planner.scenario import load_scenario
from planner.scenario.parameters import _campaign_date
from planner.scenario.reading import _parse_yaml, max_input_bytes
from planner.scenario.values import _check_unknown, _Collector, nfc
from planner.sitecheck import station_problem
from planner.speeds import SpeedTable

PROVINCE_FILE = "province.yaml"
TOP_FIELDS = {"name", "fictional", "deadline", "districts"}
DISTRICT_FIELDS = {"id", "name", "roads", "communes"}
COMMUNE_FIELDS = {"id", "scenario"}
TARGET_P = 0.9
"""Teams needed: the fewest teams finishing by the deadline in at least this share of runs."""


@dataclass(frozen=True)
class Commune:
    """One commune of a province: its id (unique in the province, also the name
    of its output folder), its scenario file and the loaded scenario (``roads``
    is its district's graph); ``district_roads``: that graph is the district's
    ``roads:`` of province.yaml, not the commune scenario's own."""

    id: str
    path: Path
    scenario: Scenario
    district_roads: bool = False


@dataclass(frozen=True)
class District:
    """Communes sharing one road graph (``roads``: the GraphML path)."""

    id: str
    name: str
    roads: str
    communes: tuple[Commune, ...]


@dataclass(frozen=True)
class Province:
    """A validated province; ``deadline`` is the province-wide default
    (``deadline:`` in province.yaml), ``warnings`` the communes' warnings."""

    name: str
    fictional: bool
    source: Path
    deadline: dt.date | None
    districts: tuple[District, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def communes(self) -> list[Commune]:
        return [c for d in self.districts for c in d.communes]


def is_province(path: str | Path) -> bool:
    """True when ``path`` is a province: a ``province.yaml`` (or a YAML file
    with a ``districts:`` list), a folder holding one, or a folder without a
    ``scenario.yaml`` of its own whose subfolders hold scenarios."""
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
        return any(line.startswith("districts:") for line in text.splitlines())
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
    """Load one commune's scenario (on the district graph ``roads`` when given);
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
    return Commune(cid, path, scenario, district_roads=roads is not None)


def _from_yaml(path: Path) -> Province:
    """The province described by the ``province.yaml`` at ``path`` (see
    docs/province.md); raises ``InputError`` listing every problem found."""
    col = _Collector(str(path))
    data = _parse_yaml(path, col)
    if data is None:
        raise InputError(col.problems)
    _check_unknown(data, TOP_FIELDS, "", col)
    deadline = None
    if data.get("deadline") not in (None, ""):
        deadline = _campaign_date(data["deadline"], "deadline", col)
    raw = data.get("districts")
    if not isinstance(raw, list) or not raw:
        col.error("districts", msg("missing or not a list"),
                  msg("list the districts: districts: [{id: D1, roads: d1.graphml, communes: "
                      "[c1/scenario.yaml]}]; see docs/province.md"))
        raise InputError(col.problems)
    base = path.parent
    problems: list[Problem] = []
    warnings: list[Problem] = []
    districts: list[District] = []
    seen_ids: dict[str, str] = {}
    seen_paths: dict[Path, str] = {}
    seen_districts: set[str] = set()
    for i, item in enumerate(raw):
        where = f"districts[{i}]"
        if not isinstance(item, dict):
            col.error(where, msg("must be a mapping with id, roads (optional) and communes"),
                      msg("e.g. - {id: D1, roads: d1.graphml, communes: [c1/scenario.yaml]}"))
            continue
        _check_unknown(item, DISTRICT_FIELDS, f"{where}.", col)
        did = nfc(item.get("id"))
        if not did:
            col.error(f"{where}.id", msg("missing"), msg("give the district an id, e.g. id: D1"))
            did = f"#{i + 1}"
        elif did in seen_districts:
            col.error(f"{where}.id", msg("district id '{did}' is given twice", did=did),
                      msg("give each district its own id"))
        seen_districts.add(did)
        roads: Path | None = None
        if nfc(item.get("roads")):
            roads = resolve_graph_path(nfc(item["roads"]), base)
            if not roads.is_file():
                col.error(f"{where}.roads", msg("road graph '{roads}' not found ({roads2})",
                                                roads=item['roads'], roads2=roads),
                          msg("give the path of the district's .graphml (relative to this file) "
                              "or a graph name in maps/"))
                roads = None
                continue
        entries = item.get("communes")
        if not isinstance(entries, list) or not entries:
            col.error(f"{where}.communes", msg("missing or not a list"),
                      msg("list the district's commune scenarios: communes: [c1/scenario.yaml]"))
            continue
        communes: list[Commune] = []
        for j, entry in enumerate(entries):
            ewhere = f"{where} ({did}).communes[{j}]"
            if isinstance(entry, dict):
                _check_unknown(entry, COMMUNE_FIELDS, f"{ewhere}.", col)
                rel, cid = nfc(entry.get("scenario")), nfc(entry.get("id"))
            else:
                rel, cid = nfc(entry), ""
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
                                              "{seen_ids})",
                                              cid=cid,
                                              seen_ids=seen_ids[cid]),
                          "give each commune its own id: - {id: …, "
                          "scenario: …}")
                continue
            key = cpath / "scenario.yaml" if cpath.is_dir() else cpath
            if key in seen_paths:
                col.error(ewhere, msg("scenario {rel} is listed twice (also as commune "
                                      "{seen_paths})",
                                      rel=rel,
                                      seen_paths=seen_paths[key]), msg("list each commune once"))
                continue
            seen_ids[cid], seen_paths[key] = ewhere, cid
            commune = _load_commune(cid, cpath, ewhere, str(path), roads, problems, warnings)
            if commune is not None:
                communes.append(commune)
        districts += _districts_of(did, nfc(item.get("name")) or did, roads, communes)
    problems = col.problems + problems
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return Province(nfc(data.get("name")) or path.parent.name,
                    bool(data.get("fictional", False)), path, deadline, tuple(districts),
                    tuple(warnings + problems))


def _districts_of(did: str, name: str, roads: Path | None,
                  communes: list[Commune]) -> list[District]:
    """The district ``did`` of province.yaml as Districts: itself on its shared
    graph ``roads`` (none when it has no commune), or without one, its communes'
    own graphs, one District per graph (``did:graph-stem`` when several)."""
    districts: list[District] = []
    if roads is None:  # no shared graph: the communes' own, one district per graph
        groups = _by_graph(communes)
        for graph, members in groups.items():
            sub = did if len(groups) == 1 else f"{did}:{Path(graph).stem}"
            districts.append(District(sub, name, graph, tuple(members)))
    elif communes:
        districts.append(District(did, name, str(roads), tuple(communes)))
    return districts


def _by_graph(communes: list[Commune]) -> dict[str, list[Commune]]:
    """Communes grouped by the road graph their scenario names (resolved path), in order."""
    out: dict[str, list[Commune]] = {}
    for c in communes:
        out.setdefault(str(Path(c.scenario.roads).resolve()), []).append(c)
    return out


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
    districts = []
    for graph, members in _by_graph(communes).items():
        try:
            did = str(Path(graph).relative_to(folder.resolve()).with_suffix(""))
        except ValueError:
            did = Path(graph).stem
        districts.append(District(did, did, graph, tuple(members)))
    fictional = all(c.scenario.fictional for c in communes)
    return Province(folder.name, fictional, folder, None, tuple(districts), tuple(warnings))


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
                        ) -> Iterator[tuple[District, Commune, object]]:
    """``(district, commune, Workspace)`` for each commune, district by district:
    a district's graph is loaded once (districts naming the same graph one after
    the other share the load), each commune's matrices are computed from it,
    and the graph is dropped before the next graph is loaded: one graph in
    memory at a time. Lazy: the caller decides when the next workspace is
    built. ``seasons_of(scenario)`` names the seasons to compute (None: a
    campaign's, ``build_workspace``'s default); ``table`` is the speed table of
    every graph and matrix.
    ``on_stage("graphs"|"matrices")`` is told what runs next (timings)."""

    loaded: tuple[str, object] | None = None
    for d in province.districts:
        if loaded is None or loaded[0] != d.roads:
            loaded = None  # drop the previous graph before loading the next
            if on_stage:
                on_stage("graphs")
            loaded = (d.roads, load_graph(d.roads, table=table))
        for c in d.communes:
            if on_stage:
                on_stage("matrices")
            yield d, c, build_workspace(c.scenario, loaded[1], table,
                                        seasons=seasons_of(c.scenario) if seasons_of else None)
    loaded = None


@dataclass(frozen=True)
class ProvinceRow:
    """One commune of a province staffing sweep: ``teams_needed`` is the
    smallest team count tried whose P(done by the deadline) ≥ ``TARGET_P``
    (None when none of them: "more than ``max_teams``"); its expected
    completion, P and mean officer-days (at ``max_teams`` when none)."""

    district: str
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
    for d in province.districts:
        for c in d.communes:
            rows = sorted(rows_by_commune[c.id], key=lambda r: r.teams)
            ok = [r for r in rows if r.p_by_deadline is not None and r.p_by_deadline >= target]
            pick = ok[0] if ok else rows[-1]
            out.append(ProvinceRow(
                district=d.id, commune=c.id, households=len(c.scenario.households),
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
