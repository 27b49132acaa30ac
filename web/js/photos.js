// Handing in work: the before and after photos (with a preview), shrunk before uploading, and
// the original's EXIF segment sent beside each shrunk photo, because shrinking through a canvas
// drops it. The API reads only the capture time and the distance to the task's pin from it and
// keeps no coordinates (api/evidence/exif.py).
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { announce } from './page.js';
import { runTx } from './transactions.js';
import { busy, field, h, statusLine } from './ui.js';

// The longest side the page sends (the API stores at most this too).
const MAX_SIDE = 2000;
// A JPEG's EXIF is in its first segments; 128 KiB covers them (an APP1 segment is at most 64 KiB).
const HEAD_BYTES = 128 * 1024;

// The APP1 EXIF payload ("Exif\0\0" + TIFF) of a JPEG file, or null (not a JPEG, no EXIF).
export async function exifSegment(file) {
  let bytes;
  try {
    bytes = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  } catch {
    return null;
  }
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1];
    const size = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker === 0xda || size < 2) break; // the image data starts: no more metadata
    const start = i + 4;
    const end = i + 2 + size;
    if (marker === 0xe1 && end <= bytes.length && String.fromCharCode(...bytes.slice(start, start + 4)) === 'Exif' && bytes[start + 4] === 0 && bytes[start + 5] === 0) {
      return new Blob([bytes.slice(start, end)], { type: 'application/octet-stream' });
    }
    i = end;
  }
  return null;
}

// A phone photo is often 3-12 MB: scale it to at most 2000 px (JPEG) before uploading, which
// saves the citizen's data bundle. When the browser cannot decode it (HEIC), send it as it is:
// the API reads HEIC too, and its metadata. redraw: always draw it again, which leaves its
// metadata (location, device) behind, as a resident's report of a spot does (reports.js).
export async function shrink(file, { redraw = false, name = 'photo.jpg' } = {}) {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (!redraw && scale === 1 && file.size < 1500000) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob ? new File([blob], name, { type: 'image/jpeg' }) : file;
  } catch {
    return file;
  }
}

// One photo field: the file input, a preview of the chosen photo, and a note in place of the
// preview when the browser cannot show it (HEIC, not a photo) or the photo was refused: never
// a broken image.
function photoInput(name, label) {
  const input = h('input', { type: 'file', name, accept: 'image/*', capture: 'environment', required: true });
  const preview = h('img', { class: 'preview', alt: '', hidden: true });
  const note = h('p', { class: 'photo-note', hidden: true });
  let url = null;
  const say = (text, refused) => {
    preview.hidden = true;
    note.textContent = text;
    note.hidden = false;
    note.classList.toggle('photo-refused', Boolean(refused));
  };
  preview.addEventListener('error', () => {
    if (preview.getAttribute('src')) say(t('photo_no_preview'));
  });
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    input.removeAttribute('aria-invalid');
    note.hidden = true;
    if (url) URL.revokeObjectURL(url);
    url = null;
    if (!file) {
      preview.hidden = true;
      preview.removeAttribute('src');
      return;
    }
    url = URL.createObjectURL(file);
    preview.src = url;
    preview.alt = label;
    preview.hidden = false;
  });
  const refuse = (text) => {
    input.setAttribute('aria-invalid', 'true');
    say(text, true);
  };
  return { input, refuse, element: h('div', { class: 'photo' }, field(label, input, t('photo_hint')), preview, note) };
}

// The hand-in form on a task the citizen has claimed: two photos and a note; done() runs after
// the submission is on its way.
export function evidenceForm(task, done) {
  const before = photoInput('before', t('photo_before'));
  const after = photoInput('after', t('photo_after'));
  const note = h('textarea', { name: 'note', maxlength: '500', rows: '2' });
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('evidence_submit'));
  const form = h('form', { class: 'card evidence', 'aria-labelledby': 'evidence-title', novalidate: true },
    h('h2', { id: 'evidence-title' }, t('evidence_title')),
    h('p', {}, t('evidence_intro')),
    h('div', { class: 'photos' }, before.element, after.element),
    field(t('note'), note), submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const first = before.input.files[0];
      const second = after.input.files[0];
      if (!first || !second) {
        status.set(t('photo_missing'), 'error');
        (first ? after.input : before.input).focus();
        return;
      }
      status.set(t('evidence_uploading'), 'busy');
      const data = new FormData();
      for (const [role, file] of [['before', first], ['after', second]]) {
        const [small, segment] = await Promise.all([shrink(file), exifSegment(file)]);
        data.append(role, small);
        // Only beside a photo the shrinking re-drew; a photo sent as it is carries its own.
        if (segment && small !== file) data.append(`${role}_exif`, segment, 'exif.bin');
      }
      data.append('note', note.value);
      let result;
      try {
        result = await api(`/me/tasks/${task.task_id}/evidence`, { method: 'POST', form: data });
      } catch (error) {
        const which = error instanceof ApiError && error.problem && error.problem.params && error.problem.params.photo;
        const field = which === 'before' ? before : which === 'after' ? after : null;
        status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
        if (field) {
          field.refuse(t('photo_refused'));
          field.input.focus();
        }
        return;
      }
      if (await runTx(result.tx, status)) {
        await done();
        announce(t('evidence_done'));
      }
    });
  });
  return form;
}
