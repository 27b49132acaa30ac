// Maps, loaded only when someone opens one: Leaflet (vendored in /vendor/leaflet) with the tile
// server from /config. Tiles are a background, never a requirement: one tile is tried first, and
// when it does not load the map goes on without a background (with a note) instead of asking for
// dozens of tiles that will all fail.
import { t } from './i18n.js';
import { h } from './ui.js';

const HEERLEN = [50.8882, 5.9795];
let leaflet = null;

function loadLeaflet(base) {
  // The stylesheet must be in force before Leaflet measures its container: wait for both.
  const load = (el) =>
    new Promise((resolve, reject) => {
      el.onload = resolve;
      el.onerror = reject;
      document.head.append(el);
    });
  leaflet =
    leaflet ||
    Promise.all([
      load(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: `${base}/vendor/leaflet/leaflet.css` })),
      load(Object.assign(document.createElement('script'), { src: `${base}/vendor/leaflet/leaflet.js` })),
    ]).then(
      () => window.L,
      (error) => {
        leaflet = null;
        throw error;
      },
    );
  return leaflet;
}

function tileUrl(template, z, x, y) {
  return template.replace('{s}', 'a').replace('{z}', z).replace('{x}', x).replace('{y}', y).replace('{r}', '');
}

// Resolves true when one tile of Heerlen loads from the configured server.
function probeTiles(template) {
  return new Promise((resolve) => {
    const img = new Image();
    const timer = setTimeout(() => resolve(false), 4000);
    img.onload = () => {
      clearTimeout(timer);
      resolve(true);
    };
    img.onerror = () => {
      clearTimeout(timer);
      resolve(false);
    };
    img.src = tileUrl(template, 13, 4232, 2754);
  });
}

async function baseMap(container, config, base, center, zoom) {
  const L = await loadLeaflet(base);
  const note = h('p', { class: 'hint map-note', hidden: true }, t('map_no_tiles'));
  const el = h('div', { class: 'map', role: 'region', 'aria-label': t('map_label') });
  container.replaceChildren(el, note);
  const map = L.map(el, { zoomControl: true, attributionControl: true }).setView(center, zoom);
  map.attributionControl.setPrefix('Leaflet');
  if (config.map_tiles_url && (await probeTiles(config.map_tiles_url))) {
    const layer = L.tileLayer(config.map_tiles_url, { maxZoom: 19, attribution: config.map_attribution });
    let failures = 0;
    layer.on('tileerror', () => {
      failures += 1;
      if (failures === 3) {
        map.removeLayer(layer);
        note.hidden = false;
      }
    });
    layer.addTo(map);
  } else {
    el.classList.add('map-blank');
    note.hidden = false;
  }
  return { L, map };
}

// ---- pins: every layer of pins on a map (tasks, shops) is spread together, so no two pins
// cover each other at any zoom, and a popup never opens under the zoom buttons.

//: A pin is a 44 x 44 box above its point; pins closer than this (in screen pixels, on either
//: axis) are moved apart, each by half, until none overlaps (a few steps; tens of pins).
const PIN_GAP = 48;

function spread(map, pins) {
  const points = pins.map((pin) => map.latLngToLayerPoint(pin.home));
  for (let step = 0; step < 60; step += 1) {
    let moved = false;
    for (let i = 0; i < points.length; i += 1) {
      for (let j = i + 1; j < points.length; j += 1) {
        let dx = points[j].x - points[i].x;
        let dy = points[j].y - points[i].y;
        if (Math.abs(dx) >= PIN_GAP || Math.abs(dy) >= PIN_GAP) continue;
        if (Math.abs(dx) < 0.5 && Math.abs(dy) < 0.5) {
          // The same place: side by side, in a fixed order.
          const angle = (j * 2.399) % (2 * Math.PI);
          dx = Math.cos(angle);
          dy = Math.sin(angle);
        }
        const far = Math.max(Math.abs(dx), Math.abs(dy));
        const push = (PIN_GAP - far) / far / 2 + 0.01;
        points[i] = points[i].subtract([dx * push, dy * push]);
        points[j] = points[j].add([dx * push, dy * push]);
        moved = true;
      }
    }
    if (!moved) break;
  }
  let spreadOut = false;
  pins.forEach((pin, i) => {
    const at = map.layerPointToLatLng(points[i]);
    if (map.latLngToLayerPoint(pin.home).distanceTo(points[i]) > 1) spreadOut = true;
    pin.marker.setLatLng(at);
  });
  return spreadOut;
}

function pinsOf(map) {
  if (!map.weshPins) {
    map.weshPins = [];
    map.on('zoomend viewreset', () => spread(map, map.weshPins));
  }
  return map.weshPins;
}

// How far from the map's top-left corner a popup must stay: right of and below the zoom buttons.
function popupPadding(map) {
  const control = map.zoomControl && map.zoomControl.getContainer();
  if (!control) return [12, 12];
  const box = control.getBoundingClientRect();
  const mapBox = map.getContainer().getBoundingClientRect();
  return [Math.ceil(box.right - mapBox.left) + 8, 12];
}

// Adds a layer of pins to a map made here (taskMap gives it; a second layer, e.g. the shops,
// uses the same): items with lat/lon; label(item) the pin's short text and its accessible name
// (label(item) -> { text, name }), popup(item) the popup's content (an element), className an
// extra class for the pin ('pin-shop'). Pins of every layer are spread together. Returns the
// markers.
export function addPins(map, items, { label, popup, className = '' }) {
  const L = window.L;
  const pins = pinsOf(map);
  const added = [];
  for (const item of items) {
    if (typeof item.lat !== 'number' || typeof item.lon !== 'number') continue;
    const { text, name } = label(item);
    const icon = L.divIcon({ className: `pin ${className}`.trim(), html: '', iconSize: [44, 44], iconAnchor: [22, 44] });
    const marker = L.marker([item.lat, item.lon], { icon, title: name, keyboard: true });
    marker.on('add', () => {
      const el = marker.getElement();
      if (el) {
        el.textContent = text;
        el.setAttribute('aria-label', name);
      }
    });
    const width = Math.max(160, Math.min(280, map.getSize().x - popupPadding(map)[0] - 24));
    marker.bindPopup(popup(item), {
      maxWidth: width,
      autoPanPaddingTopLeft: popupPadding(map),
      autoPanPaddingBottomRight: [12, 12],
    });
    marker.addTo(map);
    pins.push({ marker, home: L.latLng(item.lat, item.lon) });
    added.push(marker);
  }
  spread(map, pins);
  return added;
}

// The open tasks as pins; each pin opens a popup with a link to the task.
export async function taskMap(container, tasks, config, { base, title, money, hoodName }) {
  const { map } = await baseMap(container, config, base, HEERLEN, 13);
  const located = tasks.filter((task) => typeof task.lat === 'number' && typeof task.lon === 'number');
  if (located.length > 1) map.fitBounds(located.map((task) => [task.lat, task.lon]), { padding: [40, 40], maxZoom: 15 });
  addPins(map, located, {
    label: (task) => ({ text: money(task.reward).replace(/[,.]00$/, ''), name: `${title(task)}, ${money(task.reward)}` }),
    popup: (task) =>
      h('div', {},
        h('p', { class: 'popup-title' }, title(task)),
        h('p', {}, `${money(task.reward)} · ${hoodName(task.neighbourhood)}`),
        h('a', { href: `/burger/klus/${task.task_id}` }, t('map_open_task'))),
  });
  return map;
}

// A map to put a pin on (the city's commission form); onPick(lat, lon) on every click.
export async function pinMap(container, config, { base, lat, lon, onPick }) {
  const start = typeof lat === 'number' && typeof lon === 'number' ? [lat, lon] : HEERLEN;
  const { L, map } = await baseMap(container, config, base, start, 14);
  const icon = L.divIcon({ className: 'pin pin-new', html: '', iconSize: [44, 44], iconAnchor: [22, 44] });
  const marker = L.marker(start, { icon, keyboard: false, interactive: false }).addTo(map);
  map.on('click', (event) => {
    marker.setLatLng(event.latlng);
    onPick(Number(event.latlng.lat.toFixed(6)), Number(event.latlng.lng.toFixed(6)));
  });
  return {
    map,
    move(newLat, newLon) {
      marker.setLatLng([newLat, newLon]);
      map.panTo([newLat, newLon]);
    },
  };
}

// ---- #15 residents (H6): where to spend. The shops as pins (a shop's own colour), each with a
// popup naming it, its kind, address and opening hours; `here` (the resident's place, only when
// they shared it, never sent anywhere) as a dot.
export async function shopMap(container, shops, config, { base, kindName, here }) {
  const { L, map } = await baseMap(container, config, base, HEERLEN, 13);
  container.querySelector('.map').setAttribute('aria-label', t('shops_map_label'));
  const located = shops
    .map((shop) => ({ shop, where: (shop.document && shop.document.location) || {} }))
    .filter(({ where }) => typeof where.lat === 'number' && typeof where.lon === 'number')
    .map(({ shop, where }) => ({ shop, lat: where.lat, lon: where.lon }));
  const points = located.map((item) => [item.lat, item.lon]);
  if (here) {
    L.circleMarker([here.lat, here.lon], { radius: 8, color: '#00573f', fillOpacity: 0.9, interactive: false }).addTo(map);
    points.push([here.lat, here.lon]);
  }
  if (points.length > 1) map.fitBounds(points, { padding: [40, 40], maxZoom: 16 });
  addPins(map, located, {
    className: 'pin-shop',
    label: ({ shop }) => ({ text: '€', name: `${shop.name}, ${kindName(shop.kind)}` }),
    popup: ({ shop }) => {
      const doc = shop.document || {};
      const address = doc.address || {};
      return h('div', {},
        h('p', { class: 'popup-title' }, shop.name),
        h('p', {}, [kindName(shop.kind), address.street].filter(Boolean).join(' · ')),
        doc.opening_hours ? h('p', {}, t('shop_open', { hours: doc.opening_hours })) : null);
    },
  });
  return map;
}
