/* The phone map's controls, its "next stop" card and the outcomes kept on the phone.
 *
 * Filled in by planner/render/map_html.py (the three arguments at the end): the
 * Leaflet map's variable, the translated texts, and the routes shown (stops,
 * residents by id and display name, layer variables) with the plan's id. No network: everything the
 * page needs is in the file. The card follows each route in its order, whatever
 * the stop's kind (visit, pickup, drop-off, collection point, lunch): the next stop
 * is the first one not done. Outcomes are kept in the browser's localStorage under
 * "mip-outcomes:<plan id>", each stop's done mark, count and note under
 * "mip-stops:<plan id>", and exported as a CSV file in the `plan.py record`
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
    ring = L.circle(e.latlng, { radius: e.accuracy, color: D.gps, weight: 1,
                                fillOpacity: 0.08, interactive: false }).addTo(map);
    halo = L.circleMarker(e.latlng, { radius: 22, color: D.gps, weight: 2, fillColor: D.gps,
                                      fillOpacity: 0.18, interactive: false, pane: 'me' })
      .addTo(map);
    /* a white dot in a thick ring of a colour no team has: never taken for a stop */
    me = L.circleMarker(e.latlng, { radius: 11, color: D.gps, weight: 6, fillColor: '#fff',
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
  /* the labels of pieces with no road only when zoomed in enough to read them */
  function labels() { map.getContainer().classList.toggle('far', map.getZoom() < 15); }
  map.on('zoomend', labels);
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

  /* outcomes kept on the phone: a resident's outcome under "mip-outcomes:<plan id>"
     (resident id → {o, h, t, d}); a stop's state under "mip-stops:<plan id>"
     (route|key → {done, count, note}) */
  var KEY = 'mip-outcomes:' + D.plan, SKEY = 'mip-stops:' + D.plan;
  function load(k) {
    try { return JSON.parse(localStorage.getItem(k) || '{}') || {}; } catch (err) { return {}; }
  }
  var saved = load(KEY), marks = load(SKEY);
  function store() {
    try {
      localStorage.setItem(KEY, JSON.stringify(saved));
      localStorage.setItem(SKEY, JSON.stringify(marks)); say('');
    } catch (err) { say(T.not_saved); }
  }
  var stops = [];
  routes.forEach(function (r) {
    r.stops.forEach(function (s) { stops.push({ route: r, stop: s, key: r.route + '|' + s.key }); });
  });
  /* a route's stops in its order, whatever their kind (visit, pickup, drop-off,
     collection point, lunch) */
  function routeStops(name) {
    return stops.filter(function (x) { return x.route.route === name; });
  }
  function mark(x) { return marks[x.key] || {}; }
  function done(x) {
    if (mark(x).done) { return true; }
    var people = x.stop.people;
    return people.length > 0 && x.stop.kind === 'visit' &&
      people.every(function (p) { return saved[p.id]; });
  }
  function nextIndex(list) {
    for (var i = 0; i < list.length; i++) { if (!done(list[i])) { return i; } }
    return -1;
  }
  function paintDone() {  /* done stops: their marker greyed with a tick */
    stops.forEach(function (x) {
      var m = document.querySelector('[data-stop="' + x.key.replace(/"/g, '\\"') + '"]');
      if (m) { m.classList.toggle('done', done(x)); }
    });
  }

  var card = el('div', 'card');
  card.id = 'card';
  document.body.appendChild(card);
  L.DomEvent.disableClickPropagation(card); L.DomEvent.disableScrollPropagation(card);
  var current = null, folded = false, asking = null, opening = false;
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
  function button(cls, text, onTap) {
    var b = el('button', cls, text); b.type = 'button';
    b.addEventListener('click', onTap);
    return b;
  }
  function setMark(x, change) {
    var m = mark(x);
    for (var k in change) { if (Object.prototype.hasOwnProperty.call(change, k)) { m[k] = change[k]; } }
    marks[x.key] = m; store(); paintDone();
  }
  function chips(x, list) {  /* the route's stops as a list: done ones ticked */
    var row = el('div', 'chips');
    list.forEach(function (y) {
      var c = button('chip' + (done(y) ? ' done' : '') + (y === x ? ' here' : ''),
                     (y.stop.n ? String(y.stop.n) : T.lunch_short) + (done(y) ? '✓' : ''),
                     function () { folded = false; show(y); });
      c.setAttribute('data-chip', y.key); c.setAttribute('data-kind', y.stop.kind);
      row.appendChild(c);
    });
    routes.forEach(function (r) {  /* a team's other route (its shuttle officer) */
      if (r.team === x.route.team && r.route !== x.route.route) {
        row.appendChild(button('chip route', '⇄ ' + r.title, function () {
          var other = routeStops(r.route), k = nextIndex(other);
          show(other[k >= 0 ? k : 0] || null);
        }));
      }
    });
    return row;
  }
  function personRow(x, p) {
    var s = x.stop, row = el('div', 'person');
    row.appendChild(el('div', 'pname', p.name));
    var btns = el('div', 'obtns');
    D.outcomes.forEach(function (o) {
      var b = button('ob' + (saved[p.id] && saved[p.id].o === o[0] ? ' on' : ''), o[1],
        function () {
          if (saved[p.id] && saved[p.id].o === o[0]) { delete saved[p.id]; }
          else if (D.confirm.indexOf(o[0]) >= 0) { asking = { id: p.id, o: o }; show(current); return; }
          else { saved[p.id] = { o: o[0], h: s.household, t: x.route.team, d: D.date }; }
          asking = null; store(); paintDone(); show(current);
        });
      b.setAttribute('data-outcome', o[0]);
      b.setAttribute('data-resident', p.id);
      btns.appendChild(b);
    });
    row.appendChild(btns);
    if (asking && asking.id === p.id) {  /* deceased or moved: asked again */
      var ask = el('div', 'confirm');
      ask.appendChild(el('div', 'confirm-q', T.confirm.replace('{outcome}', asking.o[1])
                                               .replace('{name}', p.name)));
      var yes = button('yes', T.yes, function () {
        saved[p.id] = { o: asking.o[0], h: s.household, t: x.route.team, d: D.date };
        asking = null; store(); paintDone(); show(current);
      });
      yes.setAttribute('data-confirm', asking.o[0]);
      ask.appendChild(yes);
      ask.appendChild(button('no', T.cancel, function () { asking = null; show(current); }));
      row.appendChild(ask);
    }
    return row;
  }
  function pointRow(x) {  /* a collection point: how many were enrolled there */
    var row = el('div', 'count'), m = mark(x);
    row.appendChild(el('label', '', T.count));
    var input = el('input', 'count-in'); input.type = 'number'; input.min = '0';
    input.inputMode = 'numeric';
    if (m.count !== undefined) { input.value = m.count; }
    row.appendChild(input);
    row.appendChild(button('stop-done', T.save_count, function () {
      var n = parseInt(input.value, 10);
      setMark(x, { done: true, count: isNaN(n) || n < 0 ? 0 : n }); show(current);
    }));
    return row;
  }
  function noteRow(x) {  /* a note per stop: it goes into the export */
    var note = el('textarea', 'note'); note.rows = 2; note.placeholder = T.note;
    note.setAttribute('aria-label', T.note);
    note.value = mark(x).note || '';
    note.addEventListener('input', function () { setMark(x, { note: note.value }); });
    return note;
  }
  function show(x) {
    current = x;
    card.innerHTML = '';
    if (!x) { card.style.display = 'none'; card.removeAttribute('data-key'); place(); return; }
    card.style.display = 'block';
    card.setAttribute('data-key', x.key);
    card.setAttribute('data-kind', x.stop.kind);
    var list = routeStops(x.route.route), i = list.indexOf(x), nxt = nextIndex(list);
    var numbered = list.filter(function (y) { return y.stop.n; }).length;
    var head = el('div', 'card-head');
    var prev = button('nav prev', '◀', function () { show(list[i - 1]); });
    prev.setAttribute('aria-label', T.previous); prev.disabled = i <= 0;
    var what = x.stop.n ? T.stop + ' ' + x.stop.n + '/' + numbered : x.stop.label;
    var title = el('div', 'card-title' + (done(x) ? ' done' : ''),
      (i === nxt ? T.next_stop + ': ' : '') + what + ' · ' + x.route.title +
      (done(x) ? ' ✓' : ''));
    title.style.borderColor = x.route.colour;
    var fwd = button('nav fwd', '▶', function () { show(list[i + 1]); });
    fwd.setAttribute('aria-label', T.next); fwd.disabled = i >= list.length - 1;
    var fold = button('nav fold', folded ? '▴' : '▾', function () { folded = !folded; show(current); });
    fold.setAttribute('aria-label', T.fold);
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
      card.appendChild(chips(x, list));
      var body = el('div', 'card-body');
      if (team && s.info) {  /* one team's map: the card is the stop's popup (built escaped) */
        var more = el('details', 'card-more');
        more.appendChild(el('summary', '', T.details));
        var info = el('div', 'card-info'); info.innerHTML = s.info; more.appendChild(info);
        more.addEventListener('toggle', place);
        body.appendChild(more);
      }
      if (s.note) { body.appendChild(el('div', 'pnote', s.note)); }
      s.people.forEach(function (p) { body.appendChild(personRow(x, p)); });
      if (s.kind === 'point') { body.appendChild(pointRow(x)); }
      else if (s.kind !== 'visit') {  /* a pickup, a drop-off, lunch: done */
        var d = button('stop-done' + (mark(x).done ? ' on' : ''),
                       mark(x).done ? T.done_undo : T.done, function () {
                         setMark(x, { done: !mark(x).done }); show(current); });
        body.appendChild(d);
      }
      body.appendChild(noteRow(x));
      card.appendChild(body);
    }
    var actions = el('div', 'card-actions');
    var geo = el('a', 'geo', T.open_in_app);
    var label = encodeURIComponent(s.household || s.place || String(s.n || s.label));
    geo.href = 'geo:' + s.lat + ',' + s.lon + '?q=' + s.lat + ',' + s.lon + '(' + label + ')';
    actions.appendChild(geo);
    var ex = button('export', T.export.replace('{n}', countSaved()), exportFile);
    actions.appendChild(ex);
    card.appendChild(actions);
    place();
    if (map.panInside && !opening) {  /* the stop in view, above the card */
      map.panInside([s.lat, s.lon], { paddingTopLeft: [40, 160],
                                      paddingBottomRight: [40, card.offsetHeight + 30],
                                      animate: false });
    }
  }
  document.addEventListener('click', function (e) {
    var m = e.target.closest ? e.target.closest('[data-stop]') : null;
    if (!m) { return; }
    var key = m.getAttribute('data-stop');
    for (var k = 0; k < stops.length; k++) {
      if (stops[k].key === key) { folded = false; show(stops[k]); }
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
    /* as planner.privacy.safe_cell: a text a spreadsheet would run as a formula
       gets a leading ' (record reads it back as typed); numbers stay numbers */
    v = String(v == null ? '' : v);
    var number = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(v);
    if (v && !number && /^'*[=+\-@\t\r]/.test(v)) {
      v = "'" + v;
    }
    return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function exportText() {
    /* one row per resident with an outcome (the stop's note with it); a stop's
       note or count with no outcome row is one row of its own, its outcome left
       blank (kept in the file, skipped by `plan.py record`) */
    var lines = ['date,team,household_id,resident_id,outcome,note'];
    stops.forEach(function (x) {
      var m = mark(x), note = m.note || '', rows = 0;
      x.stop.people.forEach(function (p) {
        var r = saved[p.id];
        if (r) { lines.push([r.d, r.t, r.h, p.id, r.o, note].map(cell).join(',')); rows++; }
      });
      if (!rows && (note || m.count !== undefined)) {
        var what = x.stop.label + ' ' + (x.stop.n || '') + ' · ' + (x.stop.place || x.stop.household || '');
        if (m.count !== undefined) { what += ' · ' + T.count + ' ' + m.count; }
        lines.push([D.date, x.route.team, x.stop.household || '', '', '',
                    what + (note ? ' · ' + note : '')].map(cell).join(','));
      }
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
    var start = null;  /* the next stop of the team's first route with one left */
    routes.forEach(function (r) {
      if (r.team !== team || start) { return; }
      var list = routeStops(r.route), k = nextIndex(list);
      if (k >= 0) { start = list[k]; }
    });
    opening = true;  /* the first card: the map is fitted to the whole route below */
    show(start || teamFirst());
    opening = false;
    fitTeam();
  } else { show(null); }
  function teamFirst() {
    for (var k = 0; k < stops.length; k++) { if (stops[k].route.team === team) { return stops[k]; } }
    return null;
  }
  paintDone();
  labels();
  declutter();
})(__MAP__, __TEXT__, __DATA__);
