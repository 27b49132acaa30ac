// /gemeente/balie: the registrar's desk. A new resident shows the code on their phone ("Doe mee"):
// the desk reads its QR code with the camera (or types the eight characters), sees what it stands
// for in words (never an address), picks the neighbourhood, types what it checked (a BSN or a
// document number: the API keeps only a keyed hash of it) and registers; the same person
// registered before is a warning with "toch aanmelden" / "annuleren". A resident with a new
// phone: their number and the new phone's code, and everything moves along. Every action goes
// through the city's relayer (transactions.js). Loaded by city.js only for this section.
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { hoodName, neighbourhoods } from './neighbourhoods.js';
import { announce, onLeave } from './page.js';
import { hasRole, session } from './session.js';
import { runTx } from './transactions.js';
import { busy, clear, field, h, statusLine } from './ui.js';
import './texts_city.js';

// How often the camera's picture is looked at for a QR code (ms).
const SCAN_MS = 200;

// The code in what was typed or scanned: the QR code's link (?code=...), or the characters
// themselves; spaces and hyphens go (the API reads look-alikes like O for 0).
export function codeOf(text) {
  let value = String(text || '').trim();
  const link = value.match(/[?&]code=([^&#\s]+)/i);
  if (link) value = decodeURIComponent(link[1]);
  value = value.replace(/[\s-]/g, '').toUpperCase();
  return /^[0-9A-Z]{8}$/.test(value) ? value : null;
}

const shown = (code) => `${code.slice(0, 4)}-${code.slice(4)}`;

// A join code from the page's address (a QR code's link opens the desk with ?code=...).
function codeFromLink() {
  return codeOf(window.location.search) || '';
}

// What a code stands for, in words: a new phone, a resident, a shop, a retired phone.
function standing(info) {
  if (info.is_citizen) return t('desk_is_citizen', { id: info.citizen_id, hood: hoodName(info.neighbourhood) });
  if (info.is_merchant) return t('desk_is_shop');
  if (info.moved) return t('desk_is_retired');
  return t('desk_is_new');
}

export async function desk(body) {
  const hoods = await neighbourhoods();
  // A neighbourhood association (GMS) that is no registrar registers residents of its own
  // neighbourhoods only (the neighbourhood desk contract refuses any other) and moves no phone:
  // that moves a resident's money, which stays with the city's desk.
  if (hasRole('association') && !hasRole('registrar')) {
    const mine = new Set(session().neighbourhoods || []);
    const own = hoods.filter((n) => mine.has(n.code));
    body.append(
      h('p', { class: 'callout', role: 'note' }, t('desk_association_note', { hoods: own.map((n) => n.name).join(', ') })),
      registerCard(own));
    return;
  }
  body.append(registerCard(hoods), moveCard());
}

// ------------------------------------------------------------------ the camera
// A QR reader: the camera's picture in a <video>, read with BarcodeDetector where the browser has
// it, else with jsQR (web/vendor/jsqr/, loaded only then). onCode(text) gets what it read, once.
export function scanner(onCode) {
  const video = h('video', { class: 'scan-video', muted: true, playsinline: true, autoplay: true, 'aria-label': t('desk_camera_view') });
  video.muted = true;
  const frame = h('div', { class: 'scan', hidden: true }, video, h('p', { class: 'hint' }, t('desk_camera_hint')));
  const status = statusLine();
  const button = h('button', { type: 'button', class: 'btn' }, t('desk_scan'));
  let stream = null;
  let timer = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    frame.hidden = true;
    button.textContent = t('desk_scan');
  };
  onLeave(stop);

  async function reader() {
    if ('BarcodeDetector' in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes('qr_code')) {
          const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
          return async () => {
            const found = await detector.detect(video);
            return found.length ? found[0].rawValue : null;
          };
        }
      } catch {
        /* not usable here: jsQR below */
      }
    }
    const { default: jsQR } = await import('../vendor/jsqr/jsqr.js');
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    return async () => {
      if (!video.videoWidth) return null;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
      return found ? found.data : null;
    };
  }

  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.set(t('desk_camera_none'), 'error');
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch {
      status.set(t('desk_camera_refused'), 'error');
      return;
    }
    video.srcObject = stream;
    frame.hidden = false;
    button.textContent = t('desk_scan_stop');
    status.set(t('desk_camera_on'), 'busy');
    let read;
    try {
      read = await reader();
    } catch {
      stop();
      status.set(t('desk_camera_none'), 'error');
      return;
    }
    const look = async () => {
      if (!stream) return;
      let text = null;
      try {
        text = await read();
      } catch {
        /* a frame that could not be read: the next one */
      }
      if (text && codeOf(text)) {
        stop();
        status.set('', 'info');
        onCode(text);
        return;
      }
      timer = setTimeout(look, SCAN_MS);
    };
    look();
  }

  button.addEventListener('click', () => (stream ? stop() : start()));
  return { element: h('div', { class: 'scanner' }, button, frame, status), stop };
}

// A code field with its camera button; lookUp(code) runs when a code is read or typed.
function codeField(label, lookUp) {
  const input = h('input', { type: 'text', name: 'code', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '200', required: true, class: 'code-input' });
  const camera = scanner((text) => {
    input.value = shown(codeOf(text));
    lookUp();
  });
  input.addEventListener('change', () => lookUp());
  return { input, element: h('div', { class: 'code-field' }, field(label, input, t('desk_code_hint')), camera.element) };
}

// ------------------------------------------------------------------ registering
function registerCard(hoods) {
  const status = statusLine();
  const found = h('p', { class: 'desk-found', role: 'status', 'aria-live': 'polite', hidden: true });
  const hood = h('select', { name: 'neighbourhood', required: true },
    h('option', { value: '' }, t('desk_hood_choose')),
    hoods.map((n) => h('option', { value: String(n.code) }, n.name)));
  const reference = h('input', { type: 'text', name: 'person_reference', autocomplete: 'off', spellcheck: 'false', required: true, maxlength: '64' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('desk_register'));
  const warning = h('div', { class: 'callout desk-warning', role: 'alert', hidden: true });
  let info = null;

  const lookUp = async () => {
    info = null;
    found.hidden = true;
    status.set('', 'info');
    const code = codeOf(code_.input.value);
    if (!code) {
      if (code_.input.value.trim()) {
        code_.input.setAttribute('aria-invalid', 'true');
        status.set(t('desk_code_invalid'), 'error');
      }
      return null;
    }
    code_.input.removeAttribute('aria-invalid');
    code_.input.value = shown(code);
    try {
      info = await api(`/city/join/${shown(code)}`);
    } catch (error) {
      code_.input.setAttribute('aria-invalid', 'true');
      status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
      return null;
    }
    found.textContent = standing(info);
    found.className = `desk-found ${info.is_citizen || info.is_merchant || info.moved ? 'status-error' : 'status-ok'}`;
    found.hidden = false;
    return info;
  };
  const code_ = codeField(t('desk_code'), lookUp);

  const form = h('form', { class: 'card desk', 'aria-labelledby': 'desk-register-title', novalidate: true },
    h('h2', { id: 'desk-register-title' }, t('desk_register_title')),
    h('p', {}, t('desk_register_intro')),
    code_.element, found,
    field(t('filter_hood'), hood),
    field(t('desk_reference'), reference, t('desk_reference_hint')),
    submit, warning, status);

  const clearForm = () => {
    form.reset();
    info = null;
    found.hidden = true;
    clear(warning);
    warning.hidden = true;
  };

  const register = async (confirm) => {
    clear(warning);
    warning.hidden = true;
    const payload = {
      code: code_.input.value,
      neighbourhood: Number(hood.value),
      person_reference: reference.value,
      confirm_duplicate: confirm,
    };
    let prepared;
    try {
      prepared = await api('/city/citizens', { method: 'POST', body: payload });
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : null;
      if (problem && problem.code === 'person_registered_before') {
        status.set('', 'info');
        showWarning(error.message);
        return;
      }
      status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
      const fields = (problem && problem.params && problem.params.fields) || [];
      if (fields.includes('person_reference')) reference.setAttribute('aria-invalid', 'true');
      return;
    }
    const name = hoodName(payload.neighbourhood);
    if (await runTx(prepared, status)) {
      clearForm();
      status.set(t('desk_registered', { hood: name }), 'ok');
      announce(t('desk_registered', { hood: name }));
    }
  };

  function showWarning(text) {
    const again = h('button', { type: 'button', class: 'btn btn-primary' }, t('desk_anyway'));
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, t('desk_cancel'));
    again.addEventListener('click', () => busy(again, () => register(true)));
    cancel.addEventListener('click', () => {
      clear(warning);
      warning.hidden = true;
      status.set(t('desk_cancelled'), 'info');
      submit.focus();
    });
    warning.append(h('h3', {}, t('desk_duplicate_title')), h('p', {}, text), h('div', { class: 'actions' }, again, cancel));
    warning.hidden = false;
    again.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      for (const input of [code_.input, hood, reference]) input.removeAttribute('aria-invalid');
      const known = info || (await lookUp());
      if (!known) {
        if (!code_.input.value.trim()) {
          code_.input.setAttribute('aria-invalid', 'true');
          status.set(t('desk_code_missing'), 'error');
        }
        code_.input.focus();
        return;
      }
      if (known.is_citizen || known.is_merchant || known.moved) {
        status.set(standing(known), 'error');
        return;
      }
      if (!hood.value) {
        hood.setAttribute('aria-invalid', 'true');
        status.set(t('desk_hood_missing'), 'error');
        hood.focus();
        return;
      }
      if (!reference.value.trim()) {
        reference.setAttribute('aria-invalid', 'true');
        status.set(t('desk_reference_missing'), 'error');
        reference.focus();
        return;
      }
      await register(false);
    });
  });
  const initial = codeFromLink();
  if (initial) {
    code_.input.value = shown(initial);
    lookUp();
  }
  return form;
}

// ------------------------------------------------------------------ a new phone
function moveCard() {
  const status = statusLine();
  const found = h('p', { class: 'desk-found', role: 'status', 'aria-live': 'polite', hidden: true });
  const citizen = h('input', { type: 'text', name: 'citizen', inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: '10' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('desk_move'));
  const lookUp = async () => {
    found.hidden = true;
    const code = codeOf(code_.input.value);
    if (!code) return null;
    code_.input.value = shown(code);
    try {
      const info = await api(`/city/join/${shown(code)}`);
      found.textContent = standing(info);
      found.className = `desk-found ${info.is_citizen || info.is_merchant || info.moved ? 'status-error' : 'status-ok'}`;
      found.hidden = false;
      return info;
    } catch (error) {
      status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
      return null;
    }
  };
  const code_ = codeField(t('desk_new_code'), lookUp);
  const form = h('form', { class: 'card desk', 'aria-labelledby': 'desk-move-title', novalidate: true },
    h('h2', { id: 'desk-move-title' }, t('desk_move_title')),
    h('p', {}, t('desk_move_intro')),
    field(t('desk_citizen'), citizen, t('desk_citizen_hint')),
    code_.element, found, submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      citizen.removeAttribute('aria-invalid');
      code_.input.removeAttribute('aria-invalid');
      const number = citizen.value.trim().replace(/^#/, '');
      if (!/^\d{1,10}$/.test(number) || Number(number) < 1) {
        citizen.setAttribute('aria-invalid', 'true');
        status.set(t('desk_citizen_invalid'), 'error');
        citizen.focus();
        return;
      }
      const code = codeOf(code_.input.value);
      if (!code) {
        code_.input.setAttribute('aria-invalid', 'true');
        status.set(t('desk_code_invalid'), 'error');
        code_.input.focus();
        return;
      }
      let prepared;
      try {
        prepared = await api('/city/citizens/move', { method: 'POST', body: { citizen: Number(number), code: shown(code) } });
      } catch (error) {
        status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
        return;
      }
      if (await runTx(prepared, status)) {
        form.reset();
        found.hidden = true;
        const done = t('desk_moved', { id: number });
        status.set(done, 'ok');
        announce(done);
      }
    });
  });
  return form;
}
