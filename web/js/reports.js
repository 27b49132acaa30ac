// A resident reports a spot that needs care (issue #16): on /burger a card with "Meld een plek"
// and their reports, each with where it stands (ontvangen, klus geworden, niet opgepakt with the
// city's reason); /burger/melden the form: one photo, a pin on a map and a short text.
//
// The photo is drawn again on this phone before it is sent (at most 2000 px), which leaves its
// metadata behind, its GPS position among it; the API cleans it again (api/evidence/photos.py).
// The pin starts in the middle of the resident's neighbourhood; the phone's location is asked
// only when they tap "Gebruik mijn locatie", and nothing of it is sent but the pin they confirm
// by sending the report.
import { api, ApiError } from './api.js';
import { config } from './config.js';
import { date, t } from './i18n.js';
import { hoodName, neighbourhoods } from './neighbourhoods.js';
import { announce, assetBase, rerender } from './page.js';
import { shrink } from './photos.js';
import { busy, clear, field, h, statusLine, uid } from './ui.js';

// As the API checks them (api/reports/service.py).
const MIN_TEXT = 10;
const MAX_TEXT = 280;

// ------------------------------------------------------------------ the card on /burger
function reportItem(report) {
  const state = h('span', { class: `badge report-state report-${report.state}` }, t(`report_state_${report.state}`));
  const item = h('li', { class: `report report-${report.state}`, 'data-report': String(report.report_id) },
    h('p', { class: 'report-text' }, report.text),
    h('p', { class: 'meta' }, t('report_sent_on', { date: date(report.created_at), hood: report.neighbourhood_name }), ' ', state));
  if (report.state === 'task') {
    item.append(h('p', { class: 'report-became' }, t('report_became_task')),
      h('a', { href: `/burger/klus/${report.task_id}` }, t('report_open_task')));
  } else if (report.state === 'declined') {
    item.append(h('p', {}, t('report_declined_reason', { reason: report.reason || '' })));
  }
  return item;
}

export async function reportsCard() {
  let mine = [];
  try {
    mine = await api('/me/reports');
  } catch {
    mine = []; // the card still offers to report
  }
  const section = h('section', { class: 'card reports', 'aria-labelledby': 'reports-title' },
    h('h2', { id: 'reports-title' }, t('report_card_title')),
    h('p', {}, t('report_card_intro')),
    h('p', {}, h('a', { href: '/burger/melden', class: 'btn btn-primary' }, t('report_open_form'))));
  if (mine.length) {
    section.append(h('h3', {}, t('report_mine')), h('ul', { class: 'plain report-list' }, mine.map(reportItem)));
  }
  return section;
}

// ------------------------------------------------------------------ the form
function photoField() {
  const input = h('input', { type: 'file', name: 'photo', accept: 'image/*', capture: 'environment', required: true });
  const preview = h('img', { class: 'preview', alt: '', hidden: true });
  let url = null;
  input.addEventListener('change', () => {
    input.removeAttribute('aria-invalid');
    if (url) URL.revokeObjectURL(url);
    const file = input.files && input.files[0];
    url = file ? URL.createObjectURL(file) : null;
    preview.hidden = !file;
    if (file) {
      preview.src = url;
      preview.alt = t('report_photo_preview');
    }
  });
  preview.addEventListener('error', () => { preview.hidden = true; });
  return { input, element: h('div', { class: 'photo' }, field(t('report_photo'), input, t('report_photo_hint')), preview) };
}

export async function reportPage(view, me) {
  view.append(h('p', {}, h('a', { href: '/burger', class: 'back' }, `← ${t('back_to_tasks')}`)),
    h('h1', {}, t('report_spot_title')),
    h('p', { class: 'lead' }, t('report_spot_intro')));
  const hoods = await neighbourhoods();
  const home = hoods.find((n) => n.code === me.neighbourhood) || hoods[0];
  const pin = { lat: home.lat, lon: home.lon };
  const photo = photoField();
  const hood = h('select', { name: 'neighbourhood' }, hoods.map((n) => h('option', { value: String(n.code), selected: n.code === home.code }, n.name)));
  const text = h('textarea', { name: 'text', rows: '3', maxlength: String(MAX_TEXT), required: true });
  const counter = h('p', { class: 'hint', id: uid('count'), 'aria-live': 'polite' });
  const where = h('p', { class: 'hint report-where', 'aria-live': 'polite' });
  const mapSlot = h('div', { class: 'map-slot' }, h('p', { class: 'hint' }, t('map_loading')));
  const locate = h('button', { type: 'button', class: 'btn' }, t('report_use_location'));
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('report_send'));
  const sayPin = (key) => { where.textContent = t(key, { hood: hoodName(Number(hood.value)) }); };
  const count = () => { counter.textContent = t('report_text_count', { n: text.value.trim().length, max: MAX_TEXT, min: MIN_TEXT }); };
  text.addEventListener('input', count);
  count();
  sayPin('report_pin_centre');

  let map = null;
  import('./map.js')
    .then(({ pinMap }) => pinMap(mapSlot, config(), {
      base: assetBase(),
      lat: pin.lat,
      lon: pin.lon,
      onPick: (lat, lon) => {
        pin.lat = lat;
        pin.lon = lon;
        sayPin('report_pin_placed');
      },
    }))
    .then((made) => {
      map = made;
      const note = mapSlot.querySelector('.map-note');
      if (note) note.textContent = t('report_map_no_tiles');
      mapSlot.querySelector('.map').setAttribute('aria-label', t('report_map_label'));
    })
    .catch(() => clear(mapSlot).append(h('p', { class: 'hint' }, t('report_map_failed'))));
  const moveTo = (lat, lon) => {
    pin.lat = lat;
    pin.lon = lon;
    if (map) map.move(lat, lon);
  };
  hood.addEventListener('change', () => {
    const chosen = hoods.find((n) => String(n.code) === hood.value);
    if (chosen) moveTo(chosen.lat, chosen.lon);
    sayPin('report_pin_centre');
  });
  // The phone's location: only when asked, only to move the pin (sent only as the pin).
  locate.addEventListener('click', () => {
    if (!navigator.geolocation) {
      where.textContent = t('report_location_failed');
      return;
    }
    where.textContent = t('report_location_busy');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        moveTo(Number(position.coords.latitude.toFixed(6)), Number(position.coords.longitude.toFixed(6)));
        sayPin('report_pin_here');
      },
      () => { where.textContent = t('report_location_failed'); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });

  const form = h('form', { class: 'card report-form', novalidate: true, 'aria-labelledby': 'report-form-title' },
    h('h2', { id: 'report-form-title' }, t('report_form_title')),
    photo.element,
    field(t('report_hood'), hood),
    h('fieldset', { class: 'location' },
      h('legend', {}, t('report_where')),
      h('p', { class: 'hint' }, t('report_pin_hint')),
      mapSlot,
      h('p', {}, locate),
      where),
    field(t('report_text'), text, t('report_text_hint', { min: MIN_TEXT, max: MAX_TEXT })),
    counter,
    h('p', { class: 'hint' }, t('report_privacy')),
    h('div', { class: 'submit-row' }, submit, status));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const file = photo.input.files && photo.input.files[0];
      const words = text.value.trim();
      if (!file) {
        photo.input.setAttribute('aria-invalid', 'true');
        status.set(t('report_photo_missing'), 'error');
        photo.input.focus();
        return;
      }
      if (words.length < MIN_TEXT) {
        text.setAttribute('aria-invalid', 'true');
        status.set(t('report_text_missing', { min: MIN_TEXT }), 'error');
        text.focus();
        return;
      }
      text.removeAttribute('aria-invalid');
      status.set(t('report_sending'), 'busy');
      const data = new FormData();
      data.append('photo', await shrink(file, { redraw: true, name: 'melding.jpg' }));
      data.append('text', words);
      data.append('neighbourhood', hood.value);
      data.append('lat', String(pin.lat));
      data.append('lon', String(pin.lon));
      try {
        await api('/me/reports', { method: 'POST', form: data });
      } catch (error) {
        status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
        const code = error instanceof ApiError && error.problem ? error.problem.code : '';
        if (code.startsWith('photo_')) photo.input.focus();
        else if (code.startsWith('report_text')) text.focus();
        return;
      }
      history.pushState({}, '', '/burger');
      await rerender({ focus: false });
      announce(t('report_sent'), { near: 'section.reports h2' });
    });
  });
  view.append(form);
}
