// Where to spend (on /burger): the participating shops, cafés and cultural places as a list and
// a map, from their public documents (GET /merchants: name, kind, address, opening hours, place).
// Nearest first once the resident asks for it ("Dichtstbij eerst"): the browser asks for the
// location, and the distances are worked out here — the location never leaves the phone.
// Without it: the resident's own neighbourhood first, then by name. Loaded by citizen.js.
import { api } from './api.js';
import { config } from './config.js';
import { getLang, has, t } from './i18n.js';
import { hoodName } from './neighbourhoods.js';
import { assetBase } from './page.js';
import { clear, h, statusLine } from './ui.js';

// Documents made from the city's CSV files may name the kind in Dutch (wesh/csv_rows aliases).
const ALIASES = { bakkerij: 'bakery', cafe: 'bar', 'café': 'bar', horeca: 'bar', boekhandel: 'bookshop', theater: 'theatre', cultuur: 'culture', fietsenwinkel: 'bike shop', winkel: 'shop' };

export function kindName(kind) {
  const key = has(`shopkind_${kind}`) ? kind : ALIASES[String(kind || '').toLowerCase()];
  return key ? t(`shopkind_${key}`) : kind || '';
}

// Metres between two points on the earth (haversine; plenty for a town).
export function distance(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(x));
}

function distanceText(metres) {
  if (metres < 1000) return t('shop_distance_m', { n: Math.max(10, Math.round(metres / 10) * 10) });
  const km = new Intl.NumberFormat(getLang() === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 1 }).format(metres / 1000);
  return t('shop_distance_km', { n: km });
}

function place(shop) {
  const where = (shop.document && shop.document.location) || {};
  return typeof where.lat === 'number' && typeof where.lon === 'number' ? { lat: where.lat, lon: where.lon } : null;
}

function byName(a, b) {
  return a.name.localeCompare(b.name, getLang() === 'en' ? 'en' : 'nl');
}

// The order without a location: the resident's neighbourhood (`home`) first, then by name.
export function byHome(shops, home) {
  return [...shops].sort((a, b) => {
    const mine = Number(b.document.neighbourhood === home) - Number(a.document.neighbourhood === home);
    return (home ? mine : 0) || byName(a, b);
  });
}

// Nearest first from `here`; shops without a place last (by name).
export function byDistance(shops, here) {
  const far = Number.POSITIVE_INFINITY;
  return shops
    .map((shop) => ({ shop, metres: place(shop) ? distance(here, place(shop)) : far }))
    .sort((a, b) => a.metres - b.metres || byName(a.shop, b.shop));
}

function shopCard(shop, metres) {
  const doc = shop.document || {};
  const address = doc.address || {};
  const street = [address.street, [address.postcode, address.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return h('li', { class: 'card shop', 'data-merchant': String(shop.merchant_id) },
    h('h3', {}, shop.name),
    h('p', { class: 'meta' }, [kindName(shop.kind), typeof doc.neighbourhood === 'number' ? hoodName(doc.neighbourhood) : ''].filter(Boolean).join(' · ')),
    street ? h('p', { class: 'shop-address' }, street) : null,
    doc.opening_hours ? h('p', { class: 'shop-hours' }, t('shop_open', { hours: doc.opening_hours })) : null,
    // The shop's offer (engagement, issue #16): "10% korting met Heitjes".
    shop.offer ? h('p', { class: 'shop-offer' }, (getLang() === 'en' && shop.offer.text_en) || shop.offer.text_nl) : null,
    Number.isFinite(metres) ? h('p', { class: 'shop-distance' }, h('span', { class: 'visually-hidden' }, `${t('shop_distance_label')}: `), distanceText(metres)) : null);
}

// The section: a list (and a map on request) of the shops; `home` is the resident's
// neighbourhood (or null).
export async function shopsSection(home = null) {
  const section = h('section', { 'aria-labelledby': 'shops-title', class: 'shops' });
  const list = h('div', { id: 'shop-list' });
  const mapSlot = h('div', { id: 'shop-map-slot', hidden: true });
  const order = h('p', { class: 'hint', id: 'shop-order', 'aria-live': 'polite' });
  const status = statusLine();
  let shops = [];
  let here = null;
  let view = 'list';

  function draw() {
    const rows = here ? byDistance(shops, here) : byHome(shops, home).map((shop) => ({ shop, metres: NaN }));
    order.textContent = here ? '' : home ? t('shops_order_home', { hood: hoodName(home) }) : t('shops_order_name');
    clear(list).append(
      rows.length ? h('ul', { class: 'plain shop-list' }, rows.map((row) => shopCard(row.shop, row.metres))) : h('p', {}, t('shops_none')),
    );
  }

  async function showMap() {
    mapSlot.hidden = false;
    clear(mapSlot).append(h('p', { class: 'hint' }, t('map_loading')));
    try {
      const { shopMap } = await import('./map.js');
      await shopMap(mapSlot, shops, config(), { base: assetBase(), kindName, here });
    } catch {
      clear(mapSlot).append(h('p', { class: 'status status-error' }, t('map_failed')));
    }
  }

  const near = h('button', { type: 'button', class: 'btn', id: 'shops-near' }, t('shops_near'));
  near.addEventListener('click', () => {
    if (!('geolocation' in navigator)) {
      status.set(t('shops_near_denied'), 'info');
      return;
    }
    near.disabled = true;
    status.set(t('shops_near_busy'), 'busy');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        near.disabled = false;
        here = { lat: position.coords.latitude, lon: position.coords.longitude };
        status.set(t('shops_near_done'), 'ok');
        draw();
        if (view === 'map') showMap();
      },
      () => {
        near.disabled = false;
        here = null;
        status.set(t('shops_near_denied'), 'info');
        draw();
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 0 },
    );
  });
  const listButton = h('button', { type: 'button', class: 'btn btn-toggle', 'aria-pressed': 'true' }, t('shops_view_list'));
  const mapButton = h('button', { type: 'button', class: 'btn btn-toggle', 'aria-pressed': 'false' }, t('shops_view_map'));
  listButton.addEventListener('click', () => {
    view = 'list';
    listButton.setAttribute('aria-pressed', 'true');
    mapButton.setAttribute('aria-pressed', 'false');
    mapSlot.hidden = true;
    list.hidden = false;
  });
  mapButton.addEventListener('click', async () => {
    view = 'map';
    mapButton.setAttribute('aria-pressed', 'true');
    listButton.setAttribute('aria-pressed', 'false');
    list.hidden = true;
    await showMap();
  });

  section.append(
    h('h2', { id: 'shops-title' }, t('shops_title')),
    h('p', {}, t('shops_intro')),
    h('div', { class: 'toolbar' },
      h('div', { class: 'toggle', role: 'group', 'aria-label': t('shops_view_label') }, listButton, mapButton),
      near),
    status, order, list, mapSlot,
  );
  try {
    const [found, offers] = await Promise.all([api('/merchants'), api('/shop-offers').catch(() => [])]);
    const offerOf = new Map(offers.map((offer) => [offer.merchant_id, offer]));
    shops = found.map((shop) => ({ ...shop, offer: offerOf.get(shop.merchant_id) || null }));
    draw();
  } catch {
    clear(list).append(h('p', { class: 'status status-error' }, t('shops_failed')));
  }
  return section;
}
