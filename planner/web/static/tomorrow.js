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
  data.routes.forEach((route) => {
    if (route.line.length) {
      const line = L.polyline(route.line, { color: route.colour, weight: 4, opacity: 0.8 });
      line.addTo(map);
      line.team = route.team;
      lines.push(line);
      route.line.forEach((p) => bounds.push(p));
    }
    route.stops.forEach((s) => {
      const icon = L.divIcon({ className: "", iconSize: [24, 24],
        html: '<div class="marker-num" style="background:' + route.colour + '">' + s.n + "</div>" });
      const m = L.marker([s.lat, s.lon], { icon: icon, title: route.label + " " + s.n });
      const text = document.createElement("div");
      text.textContent = route.label + " · " + s.n + " · " + s.arrive + " · " +
        (s.household || s.village) + " (" + s.village + ") · " + s.residents;
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
