// The Tomorrow page: every route on a Leaflet map (no tiles: works offline)
// with numbered stops, the station, and the filters by village, tier and team
// that hide the same stops on the map and in the lists.
(function () {
  document.querySelectorAll("select.autosubmit").forEach((s) => {
    s.addEventListener("change", () => s.form.submit());
  });
  const holder = document.getElementById("day-data");
  const mapBox = document.getElementById("map");
  if (!holder || !mapBox) return;
  const data = JSON.parse(holder.textContent);
  const map = L.map(mapBox, { zoomSnap: 0.25 });
  const markers = [];
  const lines = [];
  const bounds = [];
  // Stops at one place (a household visited twice, a pick-up at a visited
  // house): their markers are set around the place, each popup lists them all.
  const places = new Map();
  const placeOf = (s) => s.lat.toFixed(5) + "," + s.lon.toFixed(5);
  data.routes.forEach((route) => route.stops.forEach((s) => {
    const key = placeOf(s);
    if (!places.has(key)) places.set(key, []);
    places.get(key).push({ route: route, s: s });
  }));
  const editUrl = mapBox.dataset.edit || "";
  function line(route, s) {
    // the household (head's name, village, code) on one line; the team, stop,
    // hour and people on the next, with the link to Edit
    const row = document.createElement("div");
    const who = document.createElement("b");
    who.textContent = s.kind === "point" ? s.village_name : (s.name || s.household) +
      " (" + s.village_name + ")";
    row.appendChild(who);
    if (s.household && s.kind !== "point") {
      const code = document.createElement("small");
      code.className = "code";
      code.textContent = " " + s.household;
      row.appendChild(code);
    }
    row.appendChild(document.createElement("br"));
    row.appendChild(document.createTextNode(route.label + " · " + s.n + " · " + s.arrive +
      " · " + s.residents + " " + (mapBox.dataset.peopleLabel || "") + " "));
    if (editUrl && s.kind === "visit" && s.household) {
      const a = document.createElement("a");
      a.className = "edit";
      a.href = editUrl + encodeURIComponent(s.household);
      a.textContent = mapBox.dataset.editLabel || "Edit";
      row.appendChild(a);
    }
    return row;
  }
  data.routes.forEach((route) => {
    if (route.line.length) {
      const line = L.polyline(route.line, { color: route.colour, weight: 4, opacity: 0.8 });
      line.addTo(map);
      line.team = route.team;
      lines.push(line);
      route.line.forEach((p) => bounds.push(p));
    }
    route.stops.forEach((s) => {
      const here = places.get(placeOf(s));
      const k = here.findIndex((e) => e.s === s);
      let anchor = [12, 12];
      if (here.length > 1) {  // around the place, 14 px out
        const a = (2 * Math.PI * k) / here.length - Math.PI / 2;
        anchor = [12 - Math.round(14 * Math.cos(a)), 12 - Math.round(14 * Math.sin(a))];
      }
      const icon = L.divIcon({ className: "", iconSize: [24, 24], iconAnchor: anchor,
        popupAnchor: [12 - anchor[0], 12 - anchor[1] - 12],
        html: '<div class="marker-num" style="background:' + route.colour + '">' + s.n + "</div>" });
      const m = L.marker([s.lat, s.lon], { icon: icon, title: route.label + " " + s.n });
      const text = document.createElement("div");
      text.className = "popup";
      if (here.length > 1) {
        const head = document.createElement("b");
        head.textContent = (mapBox.dataset.hereLabel || "Same place") + " (" + here.length + ")";
        text.appendChild(head);
        here.forEach((e) => text.appendChild(line(e.route, e.s)));
      } else text.appendChild(line(route, s));
      m.bindPopup(text);
      m.addTo(map);
      m.stop = s; m.team = route.team;
      markers.push(m);
      bounds.push([s.lat, s.lon]);
    });
  });
  if (data.station) {
    L.marker(data.station, { icon: L.divIcon({ className: "", iconSize: [28, 20],
      html: '<div class="marker-station">CA</div>' }) }).addTo(map);
    bounds.push(data.station);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
  else map.setView([21.8, 103.2], 12);
  mapBox.dataset.ready = String(markers.length);

  // The roads under the routes (the campaign's own road graph, no tiles):
  // drawn in a pane below the routes, by class, as the phone map draws them.
  // The routes are drawn at once; a note on the map says the roads are on their way.
  const roadsUrl = mapBox.dataset.roads;
  if (roadsUrl) {
    const note = L.control({ position: "bottomleft" });
    note.onAdd = () => {
      const box = L.DomUtil.create("div", "map-note");
      box.id = "map-note";
      box.setAttribute("role", "status");
      box.textContent = mapBox.dataset.loadingLabel || "";
      return box;
    };
    note.addTo(map);
    const told = (text) => {
      const box = document.getElementById("map-note");
      if (!text) note.remove(); else if (box) box.textContent = text;
    };
    map.createPane("roads").style.zIndex = 350;
    const styles = { main: ["#6b6b6b", 3.5], minor: ["#9a9a9a", 2.5],
      track: ["#a07850", 2], path: ["#b8b8b8", 1.2] };
    fetch(roadsUrl, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null))
      .then((base) => {
        if (!base) { told(mapBox.dataset.failedLabel); return; }
        (base.water || []).forEach((w) => L.polyline(w, { pane: "roads", color: "#8fb8de",
          weight: 2, interactive: false }).addTo(map));
        Object.keys(styles).forEach((cls) => (base.roads[cls] || []).forEach((r) =>
          L.polyline(r, { pane: "roads", color: styles[cls][0], weight: styles[cls][1],
            dashArray: cls === "path" ? "4 4" : null, interactive: false }).addTo(map)));
        mapBox.dataset.roadsDrawn = "1";
        told("");
      }).catch(() => told(mapBox.dataset.failedLabel));
  }

  const filters = Array.from(document.querySelectorAll("[data-filter]"));
  function keep(team, village, tiers) {
    return filters.every((f) => {
      const v = f.value;
      if (!v) return true;
      if (f.dataset.filter === "team") return team === v;
      if (f.dataset.filter === "village") return village === v;
      return tiers.indexOf(v) >= 0;
    });
  }
  function apply() {
    let shown = 0;
    markers.forEach((m) => {
      const ok = keep(m.team, m.stop.village, m.stop.tiers);
      if (ok) { if (!map.hasLayer(m)) m.addTo(map); shown += 1; } else map.removeLayer(m);
    });
    const team = filters.find((f) => f.dataset.filter === "team");
    lines.forEach((line) => {
      const ok = !team || !team.value || line.team === team.value;
      if (ok) { if (!map.hasLayer(line)) line.addTo(map); } else map.removeLayer(line);
    });
    document.querySelectorAll(".lists li.stop").forEach((li) => {
      const ok = keep(li.dataset.team, li.dataset.village, li.dataset.tiers.split(" "));
      li.classList.toggle("hidden", !ok);
    });
    document.querySelectorAll(".lists section.route").forEach((section) => {
      section.classList.toggle("hidden", !section.querySelector("li.stop:not(.hidden)"));
    });
    document.getElementById("shown").textContent = shown + " / " + markers.length;
  }
  filters.forEach((f) => f.addEventListener("change", apply));
  apply();
})();
