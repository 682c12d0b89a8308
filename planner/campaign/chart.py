"""Staffing outputs: the terminal table, ``staffing.csv``, ``runs.csv``, and a
chart as PNG and as a self-contained HTML page (the PNG inlined).

Pure functions of the summary rows and run results: they never re-simulate.
Units: working days, km, officer-days (officers × days on duty), probability
in 0…1 (shown as %).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Callable

from planner.campaign.province import ProvinceRow
from planner.campaign.staffing import (
    DEFAULT_DEADLINE_WEEKS,
    DeadlineBasis,
    RunResult,
    StaffingParams,
    StaffingRow,
)
from planner.privacy import csv_text
from planner.render.i18n import N_, decimal_text, nfc

Gettext = Callable[[str], str]

CSV_COLUMNS = ("scenario", "teams", "runs", "finished", "mean_working_days", "p10_days",
               "p50_days", "p90_days", "expected_completion", "p90_completion",
               "p_by_deadline", "deadline", "deadline_source", "officer_days", "km",
               "enrolled_pct", "visits_per_enrolment", "fidelity")


#: What a fidelity means, for the staffing page (``planner.campaign.dayloop.FIDELITIES``).
_FIDELITY_NOTE = {
    "full": N_("each day planned as plan.py campaign plans it"),
    "sweep": N_("a cheaper day search: see docs/benchmarks.md, \"Staffing fidelity\", "
                "for what it changes in completion days"),
}


def _english(message: str) -> str:
    return message


def deadline_hint(basis: DeadlineBasis | None, _: Gettext = _english) -> str:
    """One sentence on the deadline measured against: the default one says
    that none was given and how to give one ('' for a given deadline)."""
    if basis is None or basis.source != "default":
        return ""
    return nfc(_("No deadline given (--deadline or the scenario's campaign.deadline): "
                 "measured against {date}, the last day of {weeks} weeks from the start "
                 "{start}. Give yours with --deadline YYYY-MM-DD.").format(
        date=basis.deadline.isoformat(), weeks=DEFAULT_DEADLINE_WEEKS,
        start=basis.start.isoformat()))


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _source_text(basis: DeadlineBasis | None) -> str:
    if basis is None:
        return ""
    if basis.source == "default":
        return f"default: {DEFAULT_DEADLINE_WEEKS} weeks from {basis.start.isoformat()}"
    return basis.source


def staffing_csv(rows: list[StaffingRow], basis: DeadlineBasis | None = None) -> str:
    """One row per (scenario, team count); cells no spreadsheet runs
    (``planner.privacy.csv_text``). ``deadline`` and ``deadline_source``
    (``given``, ``scenario``, or ``default: 4 weeks from <start>`` when none
    was given) say what ``p_by_deadline`` is measured against."""
    return csv_text(CSV_COLUMNS, ([
                    r.scenario, r.teams, r.runs, r.finished, f"{r.mean_days:.2f}", r.p10_days,
                    r.p50_days, r.p90_days, _date(r.expected_date), _date(r.p90_date),
                    "" if r.p_by_deadline is None else f"{r.p_by_deadline:.3f}",
                    _date(basis.deadline if basis else None), _source_text(basis),
                    f"{r.officer_days:.1f}", f"{r.km:.1f}", f"{r.enrolled_pct:.1f}",
                    f"{r.visits_per_enrolment:.2f}", r.fidelity] for r in rows))


def runs_csv(results: list[RunResult]) -> str:
    """Every run; counts are residents (``enrolled_home``/``_shuttle``/``_point``: by how)."""
    header = ("scenario", "teams", "run", "completion", "working_days", "officer_days",
              "distance_m", "visits", "enrolled", "different_approach", "cannot_serve",
              "wet_days", "enrolled_home", "enrolled_shuttle", "enrolled_point", "fidelity")
    return csv_text(header, ([r.scenario, r.teams, r.run, _date(r.completion), r.working_days,
                              r.officer_days, r.distance_m, r.visits, r.enrolled,
                              r.different_approach, r.cannot_serve, r.wet_days, r.home,
                              r.shuttle, r.point, r.fidelity]
                             for r in sorted(results, key=lambda r: (r.scenario, r.teams, r.run))))


def staffing_table(rows: list[StaffingRow], deadline: dt.date | None,
                   _: Callable[[str], str] = lambda m: m, lang: str = "en") -> str:
    """A readable table, one line per (scenario, team count); column titles
    through ``_`` (gettext), figures with ``lang``'s decimal mark, each column
    as wide as its title or its values."""

    def d(value: float, digits: int = 1) -> str:
        return decimal_text(value, digits, lang)

    titles = [_("teams"), _("finished"), _("mean d"), "p10", "p50", "p90", _("expected"),
              _("p90 date"), _("P(by {date})").format(date=_date(deadline) or "–"),
              _("officer-d"), "km", _("enrolled"), _("visits/enrol")]
    widths = [max(w, len(t)) for w, t in zip((5, 8, 6, 4, 4, 4, 10, 10, 10, 9, 7, 8, 8),
                                             titles, strict=True)]
    head = " ".join(f"{t:>{w}}" for t, w in zip(titles, widths, strict=True))
    lines = []
    last = None
    for r in rows:
        if r.scenario != last:
            lines += ["", r.scenario, head]
            last = r.scenario
        p = _("n/a") if r.p_by_deadline is None else f"{100 * r.p_by_deadline:.0f} %"
        cells = [str(r.teams), f"{r.finished}/{r.runs}", d(r.mean_days),
                 str(r.p10_days), str(r.p50_days), str(r.p90_days), _date(r.expected_date),
                 _date(r.p90_date), p, d(r.officer_days), d(r.km),
                 f"{d(r.enrolled_pct)}%", d(r.visits_per_enrolment, 2)]
        lines.append(" ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    return "\n".join(lines[1:])


def _figure():
    """matplotlib's pyplot on the Agg backend, and the integer tick locator."""
    # imported here: matplotlib loads slowly, only when a chart is drawn
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    return plt, MaxNLocator


def _png(fig, plt) -> bytes:
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def staffing_png(rows: list[StaffingRow], results: list[RunResult],
                 deadline: dt.date | None, _: Gettext = _english,
                 basis: DeadlineBasis | None = None) -> bytes:
    """The chart of ``staffing_figure`` as PNG bytes."""
    plt, _locator = _figure()
    return _png(staffing_figure(rows, results, deadline, _, basis), plt)


def staffing_figure(rows: list[StaffingRow], results: list[RunResult],
                    deadline: dt.date | None, _: Gettext = _english,
                    basis: DeadlineBasis | None = None):
    """A matplotlib figure of three panels per team count (whole teams on the
    axis): completion working days (box plot per scenario, line: mean), the
    % of runs finished by the deadline, and the mean officer-days (officers ×
    days on duty). Words through ``_`` (gettext); the default deadline says so."""
    plt, MaxNLocator = _figure()
    scenarios = list(dict.fromkeys(r.scenario for r in rows))
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), dpi=110)
    ax, ax2, ax3 = axes
    width = 0.8 / max(1, len(scenarios))
    for k, name in enumerate(scenarios):
        mine = [r for r in rows if r.scenario == name]
        counts = [r.teams for r in mine]
        data = [[x.working_days for x in results if x.scenario == name and x.teams == c]
                for c in counts]
        shift = (k - (len(scenarios) - 1) / 2) * width
        pos = [c + shift for c in counts]
        ax.boxplot(data, positions=pos, widths=width * 0.9, manage_ticks=False)
        ax.plot(pos, [r.mean_days for r in mine], marker="o", label=name[:40])
        if deadline is not None:
            ax2.plot(counts, [100 * (r.p_by_deadline or 0.0) for r in mine], marker="o",
                     label=name[:40])
        bars = ax3.bar(pos, [r.officer_days for r in mine], width=width * 0.9,
                       label=name[:40])
        ax3.bar_label(bars, labels=[f"{r.officer_days:.0f}" for r in mine], fontsize=7)
    ax.set_ylabel(_("working days to finish"))
    ax.set_title(_("Completion (box: runs; line: mean)"), fontsize=10)
    ax.legend(fontsize=7)
    ax2.set_ylabel(_("share of runs finished by the deadline (%)"))
    ax2.set_ylim(-3, 103)
    if deadline is None:
        ax2.set_title(_("No deadline given"), fontsize=10)
    elif basis is not None and basis.source == "default":
        ax2.set_title(_("Finished by {date} (default: {weeks} weeks, none given)").format(
            date=deadline.isoformat(), weeks=DEFAULT_DEADLINE_WEEKS), fontsize=10)
    else:
        ax2.set_title(_("Finished by {date}").format(date=deadline.isoformat()), fontsize=10)
    ax3.set_ylabel(_("officer-days (officers × days on duty)"))
    ax3.set_title(_("Officer-days to finish (mean of runs)"), fontsize=10)
    all_counts = sorted({r.teams for r in rows})
    for a in axes:
        a.set_xlabel(_("teams"))
        a.xaxis.set_major_locator(MaxNLocator(integer=True))
        if all_counts:
            a.set_xticks(all_counts)
            a.set_xlim(all_counts[0] - 0.6, all_counts[-1] + 0.6)
        a.grid(alpha=0.3)
    return fig


def not_home_text(params: StaffingParams, _: Gettext = _english) -> str:
    """How the forecast decides who is not at home, in words."""
    if params.not_home_p is None:
        return _("not at home: sampled from the presence model (the hours given, else by "
                 "condition) at each visit's planned hour")
    return _("visits with nobody at home: {not_home:.0f} % (flat rate)").format(
        not_home=100 * params.not_home_p)


def staffing_html(rows: list[StaffingRow], png: bytes, params: StaffingParams,
                  deadline: dt.date | None, fictional: bool, _: Gettext = _english,
                  basis: DeadlineBasis | None = None, lang: str = "en") -> str:
    """A self-contained page in the language of ``_`` (``lang`` its code):
    the chart, the table, the assumptions, and the deadline's hint when none
    was given."""
    def esc(text: object) -> str:
        return html.escape(nfc(text))

    cells = "".join(
        "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in (
            r.scenario, r.teams, f"{r.finished}/{r.runs}", f"{r.mean_days:.1f}",
            f"{r.p10_days}–{r.p90_days}", _date(r.expected_date), _date(r.p90_date),
            _("n/a") if r.p_by_deadline is None else f"{100 * r.p_by_deadline:.0f} %",
            f"{r.officer_days:.0f}", f"{r.km:.0f}", f"{r.visits_per_enrolment:.2f}"))
        + "</tr>" for r in rows)
    heads = (_("scenario"), _("teams"), _("finished"), _("mean days"), _("p10–p90 days"),
             _("expected"), _("p90 date"), _("P(by deadline)"), _("officer-days"), "km",
             _("visits per enrolment"))
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    banner = f"<p><b>{esc(_('FICTIONAL DEMO DATA'))}</b></p>" if fictional else ""
    hint = deadline_hint(basis, _)
    hint_html = f'<p class="hint"><b>{esc(hint)}</b></p>' if hint else ""
    fidelity = _(_FIDELITY_NOTE[params.fidelity]) if params.fidelity in _FIDELITY_NOTE else ""
    about = _("Deadline: {deadline}. {runs} Monte Carlo runs per team count; every resident "
              "counted (home visits, shuttles, collection points); service-time spread (CV) "
              "{cv:.2f}; {away}; wet days {wet:.0f} %; solver {limit:g} s per day; fidelity "
              "{fidelity} ({note}).").format(
        deadline=_date(deadline) or _("none"), runs=params.runs, cv=params.service_cv,
        away=not_home_text(params, _), wet=100 * params.wet_day_p,
        limit=params.time_limit_s, fidelity=params.fidelity, note=fidelity)
    title = esc(_("Staffing scenarios"))
    return f"""<!doctype html>
<html lang="{esc(lang)}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:1em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}
td{{white-space:nowrap}}td:first-child{{white-space:normal;text-align:left}}
.hint{{background:#fff4d6;border-left:4px solid #d49b00;padding:4px 8px}}
img{{max-width:100%}}
</style></head><body>
<h1>{title}</h1>{banner}{hint_html}
<p>{esc(about)}</p>
<img alt="{esc(_('completion by team count'))}" \
src="data:image/png;base64,{base64.b64encode(png).decode()}">
<table><tr>{head}</tr>{cells}</table>
</body></html>
"""


# --- a province: one row per commune ----------------------------------------------

PROVINCE_COLUMNS = ("road_area", "commune", "households", "residents", "deadline",
                    "teams_needed", "teams_tried_max", "p_by_deadline", "expected_completion",
                    "officer_days")


def teams_needed_text(row: ProvinceRow) -> str:
    """``"3"``, or ``">6"`` when no team count tried reaches the target."""
    return str(row.teams_needed) if row.teams_needed is not None else f">{row.max_teams}"


def province_csv(rows: list[ProvinceRow]) -> str:
    """One row per commune; ``teams_needed`` is ``>N`` when N teams were not
    enough; P, the expected completion and officer-days are at that team count
    (at N when not enough)."""
    return csv_text(PROVINCE_COLUMNS, ([
                    r.road_area, r.commune, r.households, r.residents, _date(r.deadline),
                    teams_needed_text(r), r.max_teams,
                    "" if r.p_by_deadline is None else f"{r.p_by_deadline:.3f}",
                    _date(r.expected_date), f"{r.officer_days:.1f}"] for r in rows))


def province_totals(rows: list[ProvinceRow]) -> dict[str, float]:
    """Communes, households, residents, teams needed (communes with enough
    teams), officer-days at those levels, communes without enough teams."""
    ok = [r for r in rows if r.teams_needed is not None]
    return {"communes": len(rows), "households": sum(r.households for r in rows),
            "residents": sum(r.residents for r in rows),
            "teams": sum(r.teams_needed or 0 for r in ok),
            "officer_days": sum(r.officer_days for r in ok), "short": len(rows) - len(ok)}


def province_table(rows: list[ProvinceRow], target: float, _=lambda s: s,
                   ngettext=lambda s, p, n: s if n == 1 else p) -> str:
    """The province table for the terminal, translated by ``_`` and
    ``ngettext``: one line per commune, then the totals."""
    heads = (_("road area"), _("commune"), _("households"), _("residents"), _("deadline"),
             _("teams needed"), _("P(by deadline)"), _("expected"), _("officer-days"))
    cells = [(r.road_area, r.commune, str(r.households), str(r.residents), _date(r.deadline),
              teams_needed_text(r),
              _("n/a") if r.p_by_deadline is None else f"{100 * r.p_by_deadline:.0f} %",
              _date(r.expected_date), f"{r.officer_days:.0f}") for r in rows]
    widths = [max(len(h), *(len(c[k]) for c in cells)) if cells else len(h)
              for k, h in enumerate(heads)]

    def line(values) -> str:
        return "  ".join(v.ljust(w) if k < 2 else v.rjust(w)
                         for k, (v, w) in enumerate(zip(values, widths, strict=True)))

    t = province_totals(rows)
    lines = [_("Teams needed: the fewest teams with P(done by the deadline) ≥ {p:.0f} %")
             .format(p=100 * target), line(heads)]
    lines += [line(c) for c in cells]
    lines.append(_("Total: {communes} communes, {households} households, {residents} "
                   "residents; {teams} teams, {officer_days:.0f} officer-days").format(**t))
    if t["short"]:
        lines.append(ngettext("{n} commune does not reach {p:.0f} %, even with the most teams "
                              "tried (not in the total)",
                              "{n} communes do not reach {p:.0f} %, even with the most teams "
                              "tried (not in the total)", t["short"]).format(n=t["short"],
                                                                       p=100 * target))
    return "\n".join(lines)


def province_png(rows: list[ProvinceRow], fictional: bool = False,
                 _: Gettext = _english) -> bytes:
    """The chart of ``province_figure`` as PNG bytes."""
    plt, _locator = _figure()
    return _png(province_figure(rows, fictional, _), plt)


def province_figure(rows: list[ProvinceRow], fictional: bool = False,
                    _: Gettext = _english):
    """A matplotlib figure: teams needed per commune (a bar per commune, coloured by road area;
    hatched at N + 1 when N teams were not enough), with the officer-days;
    whole teams on the axis, words through ``_`` (gettext)."""
    plt, MaxNLocator = _figure()
    n = len(rows)
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.8 + 0.22 * n)), dpi=110)
    areas = list(dict.fromkeys(r.road_area for r in rows))
    colours = plt.get_cmap("tab10")
    ys = list(range(n))[::-1]
    for y, r in zip(ys, rows, strict=True):
        value = r.teams_needed if r.teams_needed is not None else r.max_teams + 1
        ax.barh(y, value, color=colours(areas.index(r.road_area) % 10),
                hatch="//" if r.teams_needed is None else None, edgecolor="black",
                linewidth=0.4)
        ax.text(value + 0.1, y, _("{teams} · {officer_days:.0f} officer-days").format(
            teams=teams_needed_text(r), officer_days=r.officer_days), va="center", fontsize=7)
    ax.set_yticks(ys, [r.commune for r in rows], fontsize=7)
    ax.set_xlabel(_("teams needed for P(done by the deadline) ≥ 90 %  (hatched: more than "
                    "tried)"))
    top = max((r.max_teams + 1 for r in rows), default=1)
    ax.set_xlim(0, top + 3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    title = _("Teams needed per commune ({n} communes, {d} road areas)").format(
        n=n, d=len(areas))
    ax.set_title(nfc((_("FICTIONAL DATA") + " · " if fictional else "") + title), fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return fig
