// Residents' reports, city side (issue #16): /gemeente/meldingen lists the reports waiting for a
// decision (photo, pin, text, neighbourhood; the resident by number only, never an address),
// with "Maak er een klus van" (the commission form filled from the report: one submit
// commissions the task and makes the report that task) and "Niet oppakken" with a reason the
// resident reads. The reports decided before are listed under it. Task managers only.
import { api, ApiError } from './api.js';
import { date, t } from './i18n.js';
import { rerender } from './page.js';
import { busy, field, h, statusLine, uid } from './ui.js';
import './texts_city.js';

function place(report) {
  return t('reports_pin', { lat: report.lat.toFixed(5), lon: report.lon.toFixed(5) });
}

function photo(report) {
  return h('img', { class: 'report-photo', src: report.photo_url, alt: t('reports_photo_alt', { n: report.report_id }), loading: 'lazy' });
}

// "Niet oppakken": a reason (the resident reads it), then confirm.
function declineBlock(report) {
  const reason = h('textarea', { name: 'reason', rows: '2', maxlength: '200', required: true });
  const status = statusLine();
  const open = h('button', { type: 'button', class: 'btn' }, t('reports_decline'));
  const send = h('button', { type: 'button', class: 'btn btn-danger' }, t('reports_decline_send'));
  const box = h('div', { class: 'confirm', id: uid('decline'), hidden: true },
    field(t('reports_decline_reason'), reason, t('reports_decline_hint')), send);
  const opener = h('div', {}, open);
  open.setAttribute('aria-controls', box.id);
  open.setAttribute('aria-expanded', 'false');
  open.addEventListener('click', () => {
    box.hidden = false;
    open.setAttribute('aria-expanded', 'true');
    reason.focus();
  });
  send.addEventListener('click', () => busy(send, async () => {
    if (reason.value.trim().length < 5) {
      reason.setAttribute('aria-invalid', 'true');
      status.set(t('reports_decline_missing'), 'error');
      reason.focus();
      return;
    }
    try {
      await api(`/city/reports/${report.report_id}/decline`, { method: 'POST', body: { reason: reason.value.trim() } });
    } catch (error) {
      status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
      return;
    }
    await rerender({ focus: false });
    const list = document.querySelector('#main section.reports-done h2');
    if (list) list.after(h('p', { class: 'status status-ok', role: 'status' }, t('reports_declined_done', { n: report.report_id })));
  }));
  return h('div', { class: 'report-decline' }, opener, box, status);
}

function waitingItem(report) {
  return h('li', { class: 'card report-item', 'data-report': String(report.report_id) },
    h('h3', {}, t('reports_item_title', { n: report.report_id, hood: report.neighbourhood_name })),
    photo(report),
    h('p', { class: 'report-text' }, report.text),
    h('p', { class: 'meta' }, t('reports_meta', { citizen: report.citizen_id, date: date(report.created_at) })),
    h('p', { class: 'meta' }, place(report)),
    h('div', { class: 'row-actions' },
      h('a', { class: 'btn btn-primary', href: `/gemeente/klus?melding=${report.report_id}` }, t('reports_make_task'))),
    declineBlock(report));
}

function doneRow(report) {
  const state = report.state === 'task'
    ? [t('report_state_task'), ' ', h('a', { href: `/burger/klus/${report.task_id}` }, t('reports_task_n', { n: report.task_id }))]
    : [t('report_state_declined'), ': ', report.reason || ''];
  return h('tr', { 'data-report': String(report.report_id) },
    h('th', { scope: 'row' }, `#${report.report_id}`),
    h('td', {}, report.neighbourhood_name),
    h('td', {}, report.text),
    h('td', {}, state));
}

export async function reportsList(body) {
  const all = await api('/city/reports');
  const waiting = all.items.filter((r) => r.state === 'received');
  const done = all.items.filter((r) => r.state !== 'received');
  const open = h('section', { class: 'card reports-waiting', 'aria-labelledby': 'reports-waiting-title' },
    h('h2', { id: 'reports-waiting-title' }, t('reports_waiting_title', { n: all.received })),
    h('p', { class: 'hint' }, t('reports_intro')));
  open.append(waiting.length
    ? h('ul', { class: 'plain report-items' }, waiting.map(waitingItem))
    : h('p', { role: 'status' }, t('reports_none')));
  const decided = h('section', { class: 'card reports-done', 'aria-labelledby': 'reports-done-title' },
    h('h2', { id: 'reports-done-title' }, t('reports_done_title')));
  decided.append(done.length
    ? h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'reports-done-title' },
      h('table', { class: 'data' },
        h('caption', { class: 'visually-hidden' }, t('reports_done_title')),
        h('thead', {}, h('tr', {}, ['reports_col_report', 'col_hood', 'reports_col_text', 'reports_col_state'].map((key) => h('th', { scope: 'col' }, t(key))))),
        h('tbody', {}, done.map(doneRow))))
    : h('p', {}, t('reports_done_none')));
  body.append(open, decided);
}

// The commission form filled from report ?melding=N (city_tasks.js asks): the text as the
// description, the neighbourhood and the pin; the report's photo shown as the reference photo
// (the API uses it unless another photo is chosen). Returns the report, or null (none asked, or
// decided already: the form is then the plain one, and says so).
export async function fillFromReport(form, inputs) {
  const asked = new URLSearchParams(window.location.search).get('melding');
  if (!asked || !/^\d+$/.test(asked)) return null;
  let report = null;
  try {
    report = (await api('/city/reports?state=received')).items.find((r) => String(r.report_id) === asked) || null;
  } catch {
    report = null;
  }
  const title = form.querySelector('h2');
  if (!report) {
    title.after(h('p', { class: 'callout', role: 'note' }, t('reports_form_gone', { n: asked })));
    return null;
  }
  inputs.description.value = report.text;
  inputs.neighbourhood.value = String(report.neighbourhood);
  inputs.lat.value = report.lat.toFixed(6);
  inputs.lon.value = report.lon.toFixed(6);
  title.after(h('div', { class: 'callout report-source', role: 'note' },
    h('p', {}, t('reports_form_from', { n: report.report_id, citizen: report.citizen_id })),
    h('p', {}, h('a', { href: '/gemeente/meldingen' }, t('reports_back')))));
  inputs.photo.before(h('figure', { class: 'report-reference' },
    h('img', { class: 'preview', src: report.photo_url, alt: t('reports_photo_alt', { n: report.report_id }) }),
    h('figcaption', { class: 'hint' }, t('reports_form_photo'))));
  return report;
}
