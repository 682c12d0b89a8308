/* The phone map's controls, its "next stop" card and the outcomes kept on the phone.
 *
 * Filled in by planner/render/map_html.py (the three arguments at the end): the
 * Leaflet map's variable, the translated texts, and the routes shown (stops,
 * residents by id and display name, layer variables) with the plan's id. No network: everything the
 * page needs is in the file; outcomes are kept in the browser's localStorage under
 * "mip-outcomes:<plan id>" and exported as a CSV file in the `plan.py record`
 * format, its first line "# mountain-id-planner phone outcomes; plan=ID; crc32=HEX"
 * (CRC-32 of "ID\n" + the rest of the file, UTF-8), through the share sheet or a
 * download. Text from the plan is put in the page with textContent only.
 */
(function (map, T, D) {
  'use strict';
  function control(pos, cls, html) {
    var C = L.Control.extend({ options: { position: pos }, onAdd: function () {
      var d = L.DomUtil.create('div', 'ctl ' + cls); d.innerHTML = html;
      L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);
      return d; } });
    var c = new C(); map.addControl(c); return c.getContainer();
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  control('topright', 'title', T.title);
  L.control.scale({ metric: true, imperial: false, maxWidth: 140, position: 'bottomleft' })
    .addTo(map);
  var legend = control('bottomleft', 'legend',
    '<button type="button" class="legend-btn">' + T.legend + '</button>' +
    '<div class="legend-body">' + T.legend_html + '</div>');
  legend.querySelector('button').addEventListener('click', function () {
    legend.classList.toggle('open'); });
  var status = control('bottomright', 'status', '');
  function say(text) { status.textContent = text; status.style.display = text ? 'block' : 'none'; }

  /* where am I: a large dot that follows the phone's GPS (works offline) */
  var gps = control('topleft', 'gps',
    '<button type="button" class="gps-btn" title="' + T.where + '">' + T.where + '</button>');
  var me = null, halo = null, ring = null, centred = false;
  var mePane = map.createPane('me');  /* above the stop markers: never hidden under one */
  mePane.style.zIndex = 650; mePane.style.pointerEvents = 'none';
  gps.querySelector('button').addEventListener('click', function () {
    if (!navigator.geolocation) { say(T.no_gps); return; }
    say(T.finding); centred = false;
    map.locate({ watch: true, setView: false, enableHighAccuracy: true, timeout: 30000 });
  });
  map.on('locationfound', function (e) {
    if (me) { map.removeLayer(me); map.removeLayer(halo); map.removeLayer(ring); }
    ring = L.circle(e.latlng, { radius: e.accuracy, color: '#1a73e8', weight: 1,
                                fillOpacity: 0.08, interactive: false }).addTo(map);
    halo = L.circleMarker(e.latlng, { radius: 26, stroke: false, fillColor: '#1a73e8',
                                      fillOpacity: 0.25, interactive: false, pane: 'me' })
      .addTo(map);
    me = L.circleMarker(e.latlng, { radius: 14, color: '#fff', weight: 4, fillColor: '#1a73e8',
                                    fillOpacity: 1, className: 'me', interactive: false,
                                    pane: 'me' }).addTo(map);
    if (!centred) {  /* centre the dot in the part of the map the card leaves free */
      map.setView(e.latlng, Math.max(map.getZoom(), 15), { animate: false });
      var h = card.style.display === 'none' ? 0 : card.offsetHeight;
      var free = (150 + window.innerHeight - h) / 2;
      map.panBy([0, Math.round(window.innerHeight / 2 - free)], { animate: false });
      centred = true;
    }
    say(T.accuracy.replace('{m}', Math.round(e.accuracy)));
  });
  map.on('locationerror', function () { say(T.gps_error); });
  var toggle = document.querySelector('.leaflet-control-layers-toggle');
  if (toggle) { toggle.textContent = T.layers; toggle.setAttribute('role', 'button'); }

  /* markers that overlap on screen are pushed apart (a small dot marks each
     place), so that no number is ever hidden: pairs closer than SPREAD_PX move
     away from each other until none overlaps (or after 40 rounds) */
  var SPREAD_PX = 36;
  function declutter() {
    var pts = [];
    var els = document.querySelectorAll('.leaflet-marker-icon > [data-stop], ' +
                                        '.leaflet-marker-icon > .office');
    for (var i = 0; i < els.length; i++) {
      var pos = els[i].parentNode._leaflet_pos;
      els[i].style.transform = '';
      if (pos) { pts.push({ e: els[i], x: pos.x, y: pos.y, ox: 0, oy: 0 }); }
    }
    for (var round = 0; round < 40; round++) {
      var moved = false;
      for (var a = 0; a < pts.length; a++) {
        for (var b = a + 1; b < pts.length; b++) {
          var p = pts[a], q = pts[b];
          var dx = q.x + q.ox - p.x - p.ox, dy = q.y + q.oy - p.y - p.oy;
          var d = Math.sqrt(dx * dx + dy * dy);
          if (d >= SPREAD_PX) { continue; }
          if (d < 0.5) {  /* the same place: fan out by order */
            var angle = 2 * Math.PI * (b % 8) / 8 - Math.PI / 2;
            dx = Math.cos(angle); dy = Math.sin(angle); d = 1;
          }
          var push = (SPREAD_PX - Math.min(d, SPREAD_PX)) / 2 + 0.5;
          p.ox -= dx / d * push; p.oy -= dy / d * push;
          q.ox += dx / d * push; q.oy += dy / d * push;
          moved = true;
        }
      }
      if (!moved) { break; }
    }
    pts.forEach(function (p) {
      if (p.ox || p.oy) {
        p.e.style.transform = 'translate(' + Math.round(p.ox) + 'px,' + Math.round(p.oy) + 'px)';
      }
    });
  }
  map.on('zoomend viewreset overlayadd overlayremove', function () { setTimeout(declutter, 0); });
  /* a popup opens clear of the controls above and of the card below (checked
     once Leaflet's own pan is over: the popup may have grown meanwhile) */
  map.on('popupopen', function (e) {
    var done = false;
    function adjust() {
      if (done) { return; }
      done = true;
      var node = e.popup.getElement();
      if (!node || !map.hasLayer(e.popup)) { return; }
      var r = node.getBoundingClientRect();
      var low = window.innerHeight - (card.style.display === 'none' ? 0 : card.offsetHeight) - 10;
      var dy = r.top < 170 ? r.top - 170 : (r.bottom > low ? Math.min(r.bottom - low, r.top - 170) : 0);
      if (dy) { map.panBy([0, dy], { animate: false }); }
    }
    map.once('moveend', function () { setTimeout(adjust, 0); });
    setTimeout(adjust, 600);
  });

  /* one team's route when opened as map.html#T2 (or from map-T2.html) */
  var routes = D.routes, team = D.only;
  var wanted = decodeURIComponent((location.hash || '').slice(1));
  if (!team && wanted && routes.some(function (r) { return r.team === wanted; })) {
    team = wanted;
    routes.forEach(function (r) {
      if (r.team !== team && window[r.layer]) { map.removeLayer(window[r.layer]); }
    });
  }
  function fitTeam() {
    /* a zoom animation in progress (the page's first fit) would swallow this one */
    if (map._animatingZoom) { map.once('zoomend', fitTeam); return; }
    map.invalidateSize(false);
    map.options.zoomSnap = 0.25;  /* fit the route closely above the card */
    var bounds = L.latLngBounds([[D.station[1], D.station[0]]]);
    routes.forEach(function (r) {
      if (r.team === team && window[r.layer]) { bounds.extend(window[r.layer].getBounds()); }
    });
    var h = card.style.display === 'none' ? 0 : card.offsetHeight;
    map.fitBounds(bounds, { paddingTopLeft: [50, 150], paddingBottomRight: [50, h + 60],
                            animate: false });
  }

  /* outcomes kept on the phone */
  var KEY = 'mip-outcomes:' + D.plan;
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (err) { return {}; }
  }
  var saved = load();
  function store() {
    try { localStorage.setItem(KEY, JSON.stringify(saved)); say(''); }
    catch (err) { say(T.not_saved); }
  }
  function recordable(s) { return s.people.length > 0; }
  var stops = [];
  routes.forEach(function (r) {
    r.stops.forEach(function (s) { stops.push({ route: r, stop: s }); });
  });
  function teamStops(t) {
    return stops.filter(function (x) { return x.route.team === t; });
  }
  function done(x) {
    return x.stop.people.every(function (p) { return saved[p.id]; });
  }
  function nextIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (recordable(list[i].stop) && !done(list[i])) { return i; }
    }
    return -1;
  }

  var card = el('div', 'card');
  card.id = 'card';
  document.body.appendChild(card);
  L.DomEvent.disableClickPropagation(card); L.DomEvent.disableScrollPropagation(card);
  var current = null, folded = false;
  function place() {
    var h = card.style.display === 'none' ? 0 : card.offsetHeight;
    document.documentElement.style.setProperty('--card-h', h + 'px');
    /* popups open clear of the controls above and of the card below */
    L.Popup.prototype.options.autoPanPaddingTopLeft = L.point(10, 170);
    L.Popup.prototype.options.autoPanPaddingBottomRight = L.point(10, h + 10);
    L.Popup.prototype.options.maxHeight = Math.max(160, window.innerHeight - h - 200);
  }
  function countSaved() {
    var n = 0;
    for (var k in saved) { if (Object.prototype.hasOwnProperty.call(saved, k)) { n++; } }
    return n;
  }
  function show(x) {
    current = x;
    card.innerHTML = '';
    if (!x) { card.style.display = 'none'; place(); return; }
    card.style.display = 'block';
    var list = teamStops(x.route.team), i = list.indexOf(x), nxt = nextIndex(list);
    var head = el('div', 'card-head');
    var prev = el('button', 'nav prev', '◀'); prev.type = 'button';
    prev.setAttribute('aria-label', T.previous); prev.disabled = i <= 0;
    var title = el('div', 'card-title',
      (i === nxt ? T.next_stop : T.stop) + ' ' + x.stop.n + '/' + list.length + ' · ' +
      x.route.route);
    title.style.borderColor = x.route.colour;
    var fwd = el('button', 'nav fwd', '▶'); fwd.type = 'button';
    fwd.setAttribute('aria-label', T.next); fwd.disabled = i >= list.length - 1;
    var fold = el('button', 'nav fold', folded ? '▴' : '▾'); fold.type = 'button';
    fold.setAttribute('aria-label', T.fold);
    prev.addEventListener('click', function () { show(list[i - 1]); });
    fwd.addEventListener('click', function () { show(list[i + 1]); });
    fold.addEventListener('click', function () { folded = !folded; show(current); });
    head.appendChild(prev); head.appendChild(title); head.appendChild(fwd);
    head.appendChild(fold);
    card.appendChild(head);
    var s = x.stop;
    var when = el('div', 'card-when');
    when.appendChild(el('b', '', s.arrive + '–' + s.depart));
    when.appendChild(document.createTextNode(' · ' + s.label + ' · ' +
      [s.household || s.place, s.village].filter(Boolean).join(' · ')));
    card.appendChild(when);
    if (s.chance) { card.appendChild(el('div', 'card-chance', s.chance)); }
    if (!folded) {
      var body = el('div', 'card-body');
      if (team) {  /* one team's map: the card is the stop's popup (built escaped) */
        var more = el('details', 'card-more');
        more.appendChild(el('summary', '', T.details));
        var info = el('div', 'card-info'); info.innerHTML = s.info; more.appendChild(info);
        more.addEventListener('toggle', place);
        body.appendChild(more);
      }
      s.people.forEach(function (p) {
        var row = el('div', 'person');
        row.appendChild(el('div', 'pname', p.name));
        var btns = el('div', 'obtns');
        D.outcomes.forEach(function (o) {
          var b = el('button', 'ob' + (saved[p.id] && saved[p.id].o === o[0] ? ' on' : ''), o[1]);
          b.type = 'button';
          b.setAttribute('data-outcome', o[0]);
          b.setAttribute('data-resident', p.id);
          b.addEventListener('click', function () {
            if (saved[p.id] && saved[p.id].o === o[0]) { delete saved[p.id]; }
            else { saved[p.id] = { o: o[0], h: s.household, t: x.route.team, d: D.date }; }
            store(); show(current);
          });
          btns.appendChild(b);
        });
        row.appendChild(btns);
        body.appendChild(row);
      });
      if (!s.people.length && s.note) { body.appendChild(el('div', 'pnote', s.note)); }
      card.appendChild(body);
    }
    var actions = el('div', 'card-actions');
    var geo = el('a', 'geo', T.open_in_app);
    var label = encodeURIComponent(s.household || s.place || String(s.n));
    geo.href = 'geo:' + s.lat + ',' + s.lon + '?q=' + s.lat + ',' + s.lon + '(' + label + ')';
    actions.appendChild(geo);
    var ex = el('button', 'export', T.export.replace('{n}', countSaved())); ex.type = 'button';
    ex.addEventListener('click', exportFile);
    actions.appendChild(ex);
    card.appendChild(actions);
    place();
  }
  document.addEventListener('click', function (e) {
    var m = e.target.closest ? e.target.closest('[data-stop]') : null;
    if (!m) { return; }
    var key = m.getAttribute('data-stop');
    for (var k = 0; k < stops.length; k++) {
      if (stops[k].route.route + '|' + stops[k].stop.n === key) { folded = false; show(stops[k]); }
    }
  }, true);

  function crc32(bytes) {
    var crc = 0xFFFFFFFF;
    for (var n = 0; n < bytes.length; n++) {
      var c = (crc ^ bytes[n]) & 0xFF;
      for (var k = 0; k < 8; k++) { c = c & 1 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1; }
      crc = (crc >>> 8) ^ c;
    }
    return ((crc ^ 0xFFFFFFFF) >>> 0).toString(16).padStart(8, '0');
  }
  function cell(v) {
    v = String(v == null ? '' : v);
    return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function exportText() {
    var lines = ['date,team,household_id,resident_id,outcome,note'];
    stops.forEach(function (x) {
      x.stop.people.forEach(function (p) {
        var r = saved[p.id];
        if (r) { lines.push([r.d, r.t, r.h, p.id, r.o, ''].map(cell).join(',')); }
      });
    });
    var body = lines.join('\n') + '\n';
    var sum = crc32(new TextEncoder().encode(D.plan + '\n' + body));
    return '# mountain-id-planner phone outcomes; plan=' + D.plan + '; crc32=' + sum + '\n' + body;
  }
  function exportFile() {
    var name = 'outcomes-' + D.date + '-' + (team || 'all') + '-' + D.plan.slice(0, 8) + '.csv';
    var text = exportText();
    var blob = new Blob([text], { type: 'text/csv' });
    var file = null;
    try { file = new File([blob], name, { type: 'text/csv' }); } catch (err) { file = null; }
    if (file && navigator.canShare && navigator.canShare({ files: [file] })) {
      navigator.share({ files: [file], title: name }).catch(function () { download(); });
    } else { download(); }
    function download() {
      var a = el('a'); a.href = URL.createObjectURL(blob); a.download = name;
      document.body.appendChild(a); a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }
  }
  window.plannerExportText = exportText;

  if (team) {  /* the card shows what a popup would: no popups over the map */
    routes.forEach(function (r) {
      if (r.team === team && window[r.layer]) {
        window[r.layer].eachLayer(function (l) { if (l.unbindPopup) { l.unbindPopup(); } });
      }
    });
    var list = teamStops(team), k = nextIndex(list);
    show(list[k >= 0 ? k : 0] || null);
    fitTeam();
  } else { show(null); }
  declutter();
})(__MAP__, __TEXT__, __DATA__);
