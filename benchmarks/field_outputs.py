"""What a person sees: the demo's phone map and printed itinerary, as images.

Plans the bundled (fictional) demo day, then:

- opens ``map-T1.html`` in headless Chromium at 390×844 with every non-file
  request aborted, and saves screenshots of the initial view (the next-stop
  card), a stop's card with its details after recording an outcome, and
  "where am I";
- opens ``map.html#T2`` (one team's route from a link), and ``map.html``
  (every team) with one stop's popup;
- converts page 1 of ``itinerary-T1.pdf`` in Vietnamese and in English to PNG
  with ``pdftoppm`` (150 dpi).

Prints a table of the files written and their sizes, and how long each step
took. Run::

    python -m benchmarks.field_outputs [--out out/field]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def plan_demo(out: Path, lang: str) -> Path:
    """Plan the demo day into ``out/<lang>`` with ``plan.py demo``."""
    folder = out / lang
    subprocess.run([sys.executable, str(ROOT / "plan.py"), "demo", "--out", str(folder),
                    "--overwrite", "--lang", lang], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return folder


def screenshots(folder: Path, shots: Path) -> list[Path]:
    """The phone map's screenshots (see the module docstring)."""
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
            device_scale_factor=2, offline=True, permissions=["geolocation"],
            geolocation={"latitude": 21.8264, "longitude": 103.2081, "accuracy": 15})
        try:
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                      else r.abort())
            page = ctx.new_page()
            page.goto((folder / "map-T1.html").as_uri())
            page.wait_for_selector(".card")
            page.wait_for_timeout(500)
            written.append(shots / "map-T1-initial.png")
            page.screenshot(path=str(written[-1]))
            page.locator("[data-stop='T1|2']").tap(force=True)
            page.locator(".card .ob[data-outcome='enrolled']").first.tap()
            page.locator(".card-more summary").tap()
            page.wait_for_timeout(300)
            written.append(shots / "map-T1-card.png")
            page.screenshot(path=str(written[-1]))
            page.locator(".gps-btn").tap()
            page.wait_for_selector("path.me", timeout=5000)
            page.wait_for_timeout(300)
            written.append(shots / "map-T1-where-am-i.png")
            page.screenshot(path=str(written[-1]))
            page.goto((folder / "map.html").as_uri() + "#T2")
            page.wait_for_selector(".card")
            page.wait_for_timeout(500)
            written.append(shots / "map-hash-T2.png")
            page.screenshot(path=str(written[-1]))
            page.goto((folder / "map.html").as_uri())
            page.wait_for_selector(".stop")
            page.wait_for_timeout(500)
            written.append(shots / "map-all.png")
            page.screenshot(path=str(written[-1]))
            page.locator("[data-stop='T2|1']").tap(force=True)
            page.locator(".leaflet-popup-content").wait_for(state="visible")
            page.wait_for_timeout(500)
            written.append(shots / "map-all-popup.png")
            page.screenshot(path=str(written[-1]))
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
    return written


def itinerary_png(folder: Path, lang: str, shots: Path, route: str = "T1") -> list[Path]:
    """Every page of the route's itinerary as PNG (150 dpi)."""
    stem = shots / f"itinerary-{route}-{lang}"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(folder / f"itinerary-{route}.pdf"),
                    str(stem)], check=True)
    return sorted(shots.glob(f"{stem.name}-*.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "field")
    args = parser.parse_args()
    shots = args.out / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, float, list[Path]]] = []
    folders = {}
    for lang in ("vi", "en"):
        t0 = time.perf_counter()
        folders[lang] = plan_demo(args.out, lang)
        rows.append((f"plan + render demo ({lang})", time.perf_counter() - t0,
                     sorted(folders[lang].iterdir())))
    t0 = time.perf_counter()
    rows.append(("phone map screenshots (vi)", 0.0, screenshots(folders["vi"], shots)))
    rows[-1] = (rows[-1][0], time.perf_counter() - t0, rows[-1][2])
    for lang in ("vi", "en"):
        t0 = time.perf_counter()
        pngs = itinerary_png(folders[lang], lang, shots)
        rows.append((f"itinerary T1 pages ({lang})", time.perf_counter() - t0, pngs))
    print(f"{'step':<32} {'s':>6}  files")
    for name, seconds, paths in rows:
        print(f"{name:<32} {seconds:6.1f}  {len(paths)}")
    print()
    print(f"{'file':<60} {'KiB':>8}")
    for _name, _s, paths in rows:
        for path in paths:
            if path.is_file():
                print(f"{str(path.relative_to(args.out)):<60} {path.stat().st_size / 1024:8.1f}")


if __name__ == "__main__":
    main()
