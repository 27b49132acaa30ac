// What a reviewer sees of one hand-in: the city's reference photo of the place (when the task has
// one) beside the before and after photos, under each when it was taken and how far from the
// task's pin (from the photo's metadata, GET /city/evidence/{cid}/checks), and a warning when a
// photo was taken far away, before the claim, or was handed in before for another task or by
// another resident. Also: saying what a decision did where the decided hand-in was.
import { api } from './api.js';
import { dateTime, getLang, t } from './i18n.js';
import { clear, h } from './ui.js';
import './texts_city.js';

function distanceText(metres) {
  if (metres < 1000) return t('metres', { n: metres });
  const km = new Intl.NumberFormat(getLang() === 'en' ? 'en-IE' : 'nl-NL', { maximumFractionDigits: 1 }).format(metres / 1000);
  return t('kilometres', { n: km });
}

function whichOf(role) {
  return role === 'before' ? t('photo_before') : t('photo_after');
}

// Under a photo: when it was taken and how far from the place, or that the photo says neither.
function factsLine(check) {
  if (!check) return null;
  const parts = [];
  if (check.taken_at != null) parts.push(t('photo_taken', { when: dateTime(check.taken_at) }));
  if (check.distance_m != null) parts.push(t('photo_distance', { distance: distanceText(check.distance_m) }));
  else if (check.taken_at != null) parts.push(t('photo_no_place'));
  if (!parts.length) parts.push(t('photo_no_metadata'));
  return h('p', { class: 'photo-facts' }, parts.join(' · '));
}

// The warnings of one hand-in, one line each.
function warnings(checks) {
  const lines = [];
  for (const check of checks.photos) {
    const which = whichOf(check.role);
    if (check.far) lines.push(t('check_far', { which, distance: distanceText(check.distance_m), limit: distanceText(checks.far_metres) }));
    if (check.before_claim) lines.push(t('check_before_claim', { which, when: dateTime(check.taken_at), claimed: dateTime(checks.claimed_at) }));
    for (const other of check.reused) {
      const vars = { which, task: other.task_id, citizen: other.citizen_id, when: dateTime(other.handed_in_at) };
      lines.push(t(other.same_citizen ? 'check_reused_same' : 'check_reused', vars));
    }
  }
  if (!lines.length) return null;
  return h('div', { class: 'callout evidence-checks', role: 'note' },
    h('p', { class: 'checks-title' }, t('checks_title')),
    h('ul', {}, lines.map((line) => h('li', {}, line))));
}

function figure(src, alt, caption, facts, width, height) {
  return h('figure', { class: 'evidence-photo' },
    h('img', { src, alt, width, height, loading: 'lazy' }),
    h('figcaption', {}, caption),
    facts);
}

// The photos of one queue item (with their checks), and the resident's note.
export async function evidencePhotos(item) {
  const box = h('div', { class: 'photos-side' }, h('p', { class: 'hint' }, t('photos_loading')));
  const wrap = h('div', {}, box);
  if (!item.evidence_cid) {
    clear(box).append(h('p', { class: 'hint' }, t('photos_missing')));
    return wrap;
  }
  try {
    const [doc, checks] = await Promise.all([
      api(`/evidence/${item.evidence_cid}`),
      // Without the checks (an evidence document not on chain yet) the photos still show.
      api(`/city/evidence/${item.evidence_cid}/checks`).catch(() => null),
    ]);
    const byRole = new Map(((checks && checks.photos) || []).map((c) => [c.role, c]));
    clear(box);
    if (checks && checks.reference_photo) {
      box.classList.add('with-reference');
      box.append(figure(`/evidence/${checks.reference_photo}`, t('photo_reference_alt', { task: item.task_id }), t('photo_reference'), null));
    }
    (doc.photos || []).forEach((photo, i) => {
      const entry = typeof photo === 'string' ? { cid: photo, role: i === 0 ? 'before' : 'after' } : photo;
      const which = whichOf(entry.role);
      box.append(figure(`/evidence/${entry.cid}`, t('photo_alt', { which, task: item.task_id }), which, factsLine(byRole.get(entry.role)), entry.width, entry.height));
    });
    if (checks) {
      const warned = warnings(checks);
      if (warned) wrap.append(warned);
    }
    if (doc.note) wrap.append(h('p', {}, t('evidence_note', { note: doc.note })));
  } catch {
    clear(box).append(h('p', { class: 'hint' }, t('photos_missing')));
  }
  return wrap;
}

// Where a decided hand-in stood in the list, to say there what the decision did: the reviewer
// is at the button they pressed, not at the top of the page. Take the place before the page is
// drawn again; say() after.
export function placeOf(li) {
  const list = li.parentNode;
  const index = list ? [...list.children].indexOf(li) : -1;
  return {
    say(text) {
      const message = h('p', { class: 'status status-ok decided', role: 'status', tabindex: '-1' }, text);
      const now = document.querySelector('#main ul.reviews');
      if (now && index >= 0) {
        const next = now.children[index];
        const row = h('li', { class: 'decided-row' }, message);
        if (next) now.insertBefore(row, next);
        else now.append(row);
      } else {
        // The list is gone (nothing left to review): after what the page says now.
        document.querySelector('#main').append(message);
      }
      message.scrollIntoView({ block: 'center' });
      return message;
    },
  };
}

// After a batch approval: in the batch bar, which stays at the top of the screen while the
// reviewer scrolls (where they pressed), or where the list was when nothing is left.
export function sayAtBatchBar(text) {
  const message = h('p', { class: 'status status-ok decided', role: 'status', tabindex: '-1' }, text);
  const bar = document.querySelector('#main .batch-bar');
  if (bar) bar.append(message);
  else document.querySelector('#main').append(message);
  message.scrollIntoView({ block: 'nearest' });
  return message;
}
