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

// The open tasks as pins; each pin opens a popup with a link to the task.
export async function taskMap(container, tasks, config, { base, title, money, hoodName }) {
  const { L, map } = await baseMap(container, config, base, HEERLEN, 13);
  const points = [];
  for (const task of tasks) {
    if (typeof task.lat !== 'number' || typeof task.lon !== 'number') continue;
    const icon = L.divIcon({ className: 'pin', html: '', iconSize: [44, 44], iconAnchor: [22, 44] });
    const marker = L.marker([task.lat, task.lon], { icon, title: `${title(task)} — ${money(task.reward)}`, keyboard: true });
    marker.on('add', () => {
      const el = marker.getElement();
      if (el) {
        el.textContent = money(task.reward).replace(/[,.]00$/, '');
        el.setAttribute('aria-label', `${title(task)}, ${money(task.reward)}`);
      }
    });
    const popup = h('div', {},
      h('p', { class: 'popup-title' }, title(task)),
      h('p', {}, `${money(task.reward)} · ${hoodName(task.neighbourhood)}`),
      h('a', { href: `/burger/klus/${task.task_id}` }, t('map_open_task')));
    marker.bindPopup(popup).addTo(map);
    points.push([task.lat, task.lon]);
  }
  if (points.length > 1) map.fitBounds(points, { padding: [40, 40], maxZoom: 15 });
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
  const points = [];
  for (const shop of shops) {
    const doc = shop.document || {};
    const where = doc.location || {};
    if (typeof where.lat !== 'number' || typeof where.lon !== 'number') continue;
    const icon = L.divIcon({ className: 'pin pin-shop', html: '', iconSize: [44, 44], iconAnchor: [22, 44] });
    const marker = L.marker([where.lat, where.lon], { icon, title: shop.name, keyboard: true });
    marker.on('add', () => {
      const el = marker.getElement();
      if (el) {
        el.textContent = '€';
        el.setAttribute('aria-label', `${shop.name}, ${kindName(shop.kind)}`);
      }
    });
    const address = doc.address || {};
    const popup = h('div', {},
      h('p', { class: 'popup-title' }, shop.name),
      h('p', {}, [kindName(shop.kind), address.street].filter(Boolean).join(' · ')),
      doc.opening_hours ? h('p', {}, t('shop_open', { hours: doc.opening_hours })) : null);
    marker.bindPopup(popup).addTo(map);
    points.push([where.lat, where.lon]);
  }
  if (here) {
    L.circleMarker([here.lat, here.lon], { radius: 8, color: '#00573f', fillOpacity: 0.9, interactive: false }).addTo(map);
    points.push([here.lat, here.lon]);
  }
  if (points.length > 1) map.fitBounds(points, { padding: [40, 40], maxZoom: 16 });
  return map;
}
