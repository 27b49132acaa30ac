// Stadsbeheer (issue #15). /gemeente/klus: commission a task — its kind from the list the city
// keeps (what residents may do), the estimated time and the reward per hour it implies (a warning
// above the city's rate), the safety note the resident reads before claiming, an optional photo
// of the place as it is, and the task manager's confirmation that it is not regular paid work.
// /gemeente/klussen: the overview of the city's tasks (open, taken on, handed in, over time,
// done, cancelled) with their claims by resident number, filters, a cancel button, and the
// share of tasks per kind with their rates per hour. Loaded by city.js only for these sections.
import { api, ApiError } from './api.js';
import { amsterdamDay, amsterdamTime } from './amsterdam.js';
import { config } from './config.js';
import { date, getLang, has, money, parseMoney, t } from './i18n.js';
import { hoodName, neighbourhoods } from './neighbourhoods.js';
import { assetBase, rerender } from './page.js';
import { taskCategories } from './safety.js';
import { act } from './transactions.js';
import { busy, clear, field, h, statusLine, uid } from './ui.js';
import './texts_city.js';

// The times to do a task the form offers (the contract's bounds, from /config, limit them).
const DURATIONS = [3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 28 * 86400];
const STATES = ['open', 'claimed', 'handed_in', 'overdue', 'done', 'cancelled'];

const inLang = (texts) => (texts ? (getLang() === 'en' && texts.en) || texts.nl : '');
const categoryName = (key, kinds) => {
  const kind = kinds.find((c) => c.key === key);
  if (kind) return inLang(kind.name);
  return has(`cat_${key}`) ? t(`cat_${key}`) : key;
};

// ---------------------------------------------------------------- commission
export async function commission(body) {
  const [hoods, kinds] = await Promise.all([neighbourhoods(), taskCategories()]);
  const inputs = commissionInputs(hoods, kinds);
  const mapSlot = h('div', { class: 'map-slot' }, h('p', { class: 'hint' }, t('map_loading')));
  const status = statusLine();
  const hourly = h('p', { class: 'hourly', id: uid('hourly'), 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('commission_button'));
  const form = commissionForm(inputs, kinds, mapSlot, hourly, submit, status);
  const centre = () => centreOnNeighbourhood(inputs, hoods);
  centre();
  // A resident's report made a task in one step (?melding=N; city_reports.js, issue #16).
  const report = new URLSearchParams(window.location.search).has('melding')
    ? await (await import('./city_reports.js')).fillFromReport(form, inputs)
    : null;
  body.append(form);
  const pin = pinPicker(mapSlot, inputs);
  inputs.neighbourhood.addEventListener('change', () => pin.move(centre()));
  const showRate = () => hourlyLine(hourly, inputs, kinds.hourly_warning);
  for (const input of [inputs.reward, inputs.minutes]) input.addEventListener('input', showRate);
  showRate();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, () => sendCommission(form, inputs, kinds, status, showRate, report));
  });
}

// The form's fields, with the contract's bounds from /config and the city's kinds of task; the
// deadline 30 days ahead (a day in Amsterdam).
function commissionInputs(hoods, kinds) {
  const rules = config();
  const durations = DURATIONS.filter((d) => d >= rules.min_claim_duration && d <= rules.max_claim_duration);
  const list = kinds.categories || [];
  const inputs = {
    title: h('input', { type: 'text', name: 'title', required: true, maxlength: String(rules.max_title) }),
    title_en: h('input', { type: 'text', name: 'title_en', maxlength: String(rules.max_title), lang: 'en' }),
    description: h('textarea', { name: 'description', required: true, rows: '3', maxlength: String(rules.max_description) }),
    description_en: h('textarea', { name: 'description_en', rows: '3', maxlength: String(rules.max_description), lang: 'en' }),
    category: h('select', { name: 'category' }, (list.length ? list.map((c) => c.key) : rules.categories).map((c) => h('option', { value: c }, categoryName(c, list)))),
    neighbourhood: h('select', { name: 'neighbourhood', required: true }, hoods.map((n) => h('option', { value: String(n.code) }, n.name))),
    street: h('input', { type: 'text', name: 'street', required: true, maxlength: '200' }),
    lat: h('input', { type: 'text', name: 'lat', inputmode: 'decimal', required: true }),
    lon: h('input', { type: 'text', name: 'lon', inputmode: 'decimal', required: true }),
    reward: h('input', { type: 'text', name: 'reward', inputmode: 'decimal', required: true }),
    slots: h('input', { type: 'number', name: 'slots', min: '1', max: String(rules.max_slots), value: '1', required: true }),
    minutes: h('input', { type: 'number', name: 'estimated_minutes', min: String(kinds.min_estimated_minutes || 5), max: String(kinds.max_estimated_minutes || 480), step: '5', required: true }),
    deadline: h('input', { type: 'date', name: 'deadline', required: true, min: amsterdamDay() }),
    duration: h('select', { name: 'duration' }, durations.map((d) => h('option', { value: String(d), selected: d === 14 * 86400 }, durationLabel(d)))),
    safety: h('textarea', { name: 'safety', required: true, rows: '3', maxlength: '500' }),
    safety_en: h('textarea', { name: 'safety_en', rows: '2', maxlength: '500', lang: 'en' }),
    photo: h('input', { type: 'file', name: 'reference_photo', accept: 'image/jpeg,image/png,image/webp,image/heic' }),
    not_regular: h('input', { type: 'checkbox', name: 'not_regular_work', required: true }),
  };
  inputs.deadline.value = amsterdamDay(Date.now() / 1000 + 30 * 86400);
  return inputs;
}

function commissionForm(inputs, kinds, mapSlot, hourly, submit, status) {
  const list = kinds.categories || [];
  const may = h('p', { class: 'hint', id: uid('may') });
  inputs.category.setAttribute('aria-describedby', may.id);
  // The kind's safety note fills the field until the task manager writes their own.
  let ownSafety = false;
  inputs.safety.addEventListener('input', () => { ownSafety = true; });
  inputs.safety_en.addEventListener('input', () => { ownSafety = true; });
  const showKind = () => {
    const kind = list.find((c) => c.key === inputs.category.value);
    may.textContent = kind ? t('f_category_may', { may: inLang(kind.may) }) : '';
    if (kind && !ownSafety) {
      inputs.safety.value = kind.safety.nl;
      inputs.safety_en.value = kind.safety.en;
    }
  };
  inputs.category.addEventListener('change', showKind);
  showKind();
  inputs.minutes.setAttribute('aria-describedby', hourly.id);
  const photoStatus = h('p', { class: 'hint', 'aria-live': 'polite' });
  inputs.photo.addEventListener('change', () => { delete inputs.photo.dataset.cid; photoStatus.textContent = ''; });
  inputs.photo.status = photoStatus;
  return h('form', { class: 'card commission', novalidate: true, 'aria-labelledby': 'commission-title' },
    h('h2', { id: 'commission-title' }, t('tab_commission')),
    h('p', { class: 'hint' }, t('commission_overview_hint'), ' ', h('a', { href: '/gemeente/klussen' }, t('tab_tasks')), '.'),
    field(t('f_title'), inputs.title),
    field(t('f_title_en'), inputs.title_en),
    field(t('f_description'), inputs.description),
    field(t('f_description_en'), inputs.description_en),
    h('div', { class: 'field' }, h('label', { for: inputs.category.id = uid('f') }, t('f_category')), may, inputs.category),
    field(t('f_hood'), inputs.neighbourhood),
    field(t('f_street'), inputs.street),
    h('fieldset', { class: 'location' },
      h('legend', {}, t('task_where')),
      h('p', { class: 'hint' }, t('f_pin_hint')),
      mapSlot,
      h('div', { class: 'row' }, field(t('f_lat'), inputs.lat), field(t('f_lon'), inputs.lon))),
    h('div', { class: 'row' }, field(t('f_reward'), inputs.reward, t('reward_hint', { max: money(config().max_reward || 10000) })), field(t('f_slots'), inputs.slots)),
    h('div', { class: 'row' }, field(t('f_minutes'), inputs.minutes, t('f_minutes_hint')), h('div', { class: 'field' }, hourly)),
    h('div', { class: 'row' }, field(t('f_deadline'), inputs.deadline, t('f_deadline_hint')), field(t('f_duration'), inputs.duration)),
    field(t('f_safety'), inputs.safety, t('f_safety_hint')),
    field(t('f_safety_en'), inputs.safety_en),
    h('div', { class: 'field' }, h('label', { for: inputs.photo.id = uid('f') }, t('f_reference_photo')), h('p', { class: 'hint' }, t('f_reference_photo_hint')), inputs.photo, photoStatus),
    h('div', { class: 'field check' }, inputs.not_regular, h('label', { for: inputs.not_regular.id = uid('f') }, t('f_not_regular'))),
    h('div', { class: 'submit-row' }, submit, status));
}

// The reward per hour the reward and the estimated time imply, with the city's warning above
// its rate; returns the rate (cents) or null.
function hourlyLine(line, inputs, warning) {
  const reward = parseMoney(inputs.reward.value);
  const minutes = Number(inputs.minutes.value);
  if (!reward || !minutes) {
    line.className = 'hourly hint';
    line.textContent = t('hourly_unknown');
    return null;
  }
  const rate = Math.round((reward * 60) / minutes);
  const above = warning && rate > warning;
  line.className = above ? 'hourly callout warning' : 'hourly';
  line.textContent = above
    ? t('hourly_warning', { amount: money(rate), limit: money(warning) })
    : t('hourly_line', { amount: money(rate), limit: money(warning) });
  return rate;
}

function centreOnNeighbourhood(inputs, hoods) {
  const hood = hoods.find((n) => String(n.code) === inputs.neighbourhood.value);
  if (!hood) return null;
  inputs.lat.value = hood.lat.toFixed(6);
  inputs.lon.value = hood.lon.toFixed(6);
  return [hood.lat, hood.lon];
}

// The map to put the pin on (a click fills the coordinate fields). Without its background the
// map says where to go instead of pointing at a list this form does not have (defect 6).
function pinPicker(mapSlot, inputs) {
  let pin = null;
  import('./map.js')
    .then(({ pinMap }) =>
      pinMap(mapSlot, config(), {
        base: assetBase(),
        lat: Number(inputs.lat.value),
        lon: Number(inputs.lon.value),
        onPick: (lat, lon) => {
          inputs.lat.value = lat.toFixed(6);
          inputs.lon.value = lon.toFixed(6);
        },
      }))
    .then((made) => {
      pin = made;
      const note = mapSlot.querySelector('.map-note');
      if (note) note.textContent = t('pin_no_tiles');
    })
    .catch(() => {
      clear(mapSlot).append(h('p', { class: 'hint' }, t('pin_map_failed')));
    });
  return {
    move(point) {
      if (pin && point) pin.move(...point);
    },
  };
}

// The task as the API takes it, or the fields a person must correct (marked aria-invalid).
function readCommission(inputs) {
  const reward = parseMoney(inputs.reward.value);
  const missing = ['title', 'description', 'street', 'safety'].filter((k) => inputs[k].value.trim().length < 3);
  if (!reward) missing.push('reward');
  if (!Number(inputs.minutes.value)) missing.push('minutes');
  if (!inputs.deadline.value) missing.push('deadline');
  if (!inputs.not_regular.checked) missing.push('not_regular');
  for (const [key, input] of Object.entries(inputs)) {
    if (missing.includes(key)) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  if (missing.length) return { missing };
  return {
    task: {
      title: inputs.title.value.trim(),
      title_en: inputs.title_en.value.trim() || null,
      description: inputs.description.value.trim(),
      description_en: inputs.description_en.value.trim() || null,
      category: inputs.category.value,
      neighbourhood: Number(inputs.neighbourhood.value),
      street: inputs.street.value.trim(),
      lat: Number(inputs.lat.value.replace(',', '.')),
      lon: Number(inputs.lon.value.replace(',', '.')),
      reward,
      slots: Number(inputs.slots.value),
      // The end of the picked day in Heerlen, in whatever zone this browser is (defect 8).
      claim_deadline: amsterdamTime(inputs.deadline.value),
      claim_duration: Number(inputs.duration.value),
      estimated_minutes: Number(inputs.minutes.value),
      safety: inputs.safety.value.trim(),
      safety_en: inputs.safety_en.value.trim() || null,
      not_regular_work: true,
    },
  };
}

// Uploads the reference photo once (its CID is kept on the input); null when none is chosen.
async function referencePhoto(input, status) {
  const file = input.files && input.files[0];
  if (!file) return null;
  if (input.dataset.cid) return input.dataset.cid;
  input.status.textContent = t('reference_photo_uploading');
  const data = new FormData();
  data.append('photo', file);
  try {
    const out = await api('/city/tasks/reference-photo', { method: 'POST', form: data });
    input.dataset.cid = out.cid;
    input.status.textContent = t('reference_photo_added');
    return out.cid;
  } catch (error) {
    input.status.textContent = '';
    status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return undefined;
  }
}

// Sends the task; the outcome is said next to the button (defect 5), and the form empties for
// the next task.
async function sendCommission(form, inputs, kinds, status, showRate, report = null) {
  status.set('');
  const { task, missing } = readCommission(inputs);
  if (missing) {
    const words = missing.map(fieldName).join(', ');
    status.set(missing.includes('not_regular') && missing.length === 1 ? t('not_regular_missing') : t('check_fields', { fields: words }), 'error');
    inputs[missing[0]].focus();
    return;
  }
  const photo = await referencePhoto(inputs.photo, status);
  if (photo === undefined) return;
  if (photo) task.reference_photo = photo;
  const rate = showRate();
  // From a report: one submit commissions the task and makes the report that task.
  if (report && await act(`/city/reports/${report.report_id}/task`, task, status)) {
    status.set(t('reports_commission_done'), 'ok');
    status.append(' ', h('a', { href: '/gemeente/meldingen' }, t('reports_back')));
    // One task per report: the button goes (a second submit would commission a second task).
    form.querySelector('.submit-row button[type="submit"]').remove();
    return;
  }
  if (!report && await act('/city/tasks', task, status)) {
    const above = kinds.hourly_warning && rate > kinds.hourly_warning;
    for (const key of ['title', 'title_en', 'description', 'description_en', 'street', 'reward', 'minutes']) inputs[key].value = '';
    inputs.photo.value = '';
    delete inputs.photo.dataset.cid;
    inputs.photo.status.textContent = '';
    inputs.not_regular.checked = false;
    showRate();
    status.set(`${t('commission_done')} ${above ? t('commission_done_above', { amount: money(rate) }) : ''} ${t('commission_done_next')}`.trim(), 'ok');
    status.append(' ', h('a', { href: '/gemeente/klussen' }, t('tab_tasks')));
    status.scrollIntoView({ block: 'nearest' });
  }
}

function fieldName(key) {
  return {
    title: t('f_title'), description: t('f_description'), street: t('f_street'), reward: t('f_reward'),
    minutes: t('f_minutes'), safety: t('f_safety'), deadline: t('f_deadline'), not_regular: t('f_not_regular_short'),
  }[key] || key;
}

function durationLabel(seconds) {
  const days = seconds / 86400;
  if (days < 1) return t('duration_hours', { n: seconds / 3600 });
  if (days === 1) return t('duration_day');
  if (days === 7) return t('duration_week');
  if (days % 7 === 0) return t('duration_weeks', { n: days / 7 });
  return t('duration_days', { n: days });
}

// ---------------------------------------------------------------- overview
// The filters live in the page's address (?stand=&wijk=&soort=), so a filtered view can be
// bookmarked or sent to a colleague, and the page draws again with the same filters.
function filtersFromLink() {
  const params = new URLSearchParams(window.location.search);
  const state = params.get('stand');
  return {
    state: STATES.includes(state) ? state : '',
    neighbourhood: /^\d+$/.test(params.get('wijk') || '') ? params.get('wijk') : '',
    category: /^[a-z0-9-]+$/.test(params.get('soort') || '') ? params.get('soort') : '',
  };
}

export async function taskboard(body) {
  const filters = filtersFromLink();
  const query = new URLSearchParams();
  if (filters.state) query.set('state', filters.state);
  if (filters.neighbourhood) query.set('neighbourhood', filters.neighbourhood);
  if (filters.category) query.set('category', filters.category);
  const [board, hoods, kinds] = await Promise.all([api(`/city/taskboard?${query}`), neighbourhoods(), taskCategories()]);
  const list = kinds.categories || [];
  body.append(
    filterForm(filters, board, hoods, list),
    taskTable(board, list),
    sharesTable(board, list),
  );
}

function filterForm(filters, board, hoods, list) {
  const select = (name, options, value) => {
    const el = h('select', { name }, h('option', { value: '' }, t('board_all')),
      options.map(([v, label]) => h('option', { value: String(v), selected: String(v) === value }, label)));
    return el;
  };
  const state = select('stand', STATES.map((s) => [s, `${t(`board_state_${s}`)} (${board.states[s] || 0})`]), filters.state);
  const hood = select('wijk', hoods.map((n) => [n.code, n.name]), filters.neighbourhood);
  const kind = select('soort', list.map((c) => [c.key, inLang(c.name)]), filters.category);
  const form = h('form', { class: 'card board-filters', role: 'search', 'aria-labelledby': 'board-filter-title', action: '/gemeente/klussen' },
    h('h2', { id: 'board-filter-title' }, t('board_filter_title')),
    h('div', { class: 'row' }, field(t('board_state'), state), field(t('f_hood'), hood), field(t('f_category'), kind)),
    h('button', { type: 'submit', class: 'btn' }, t('board_filter_apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (state.value) params.set('stand', state.value);
    if (hood.value) params.set('wijk', hood.value);
    if (kind.value) params.set('soort', kind.value);
    const link = `/gemeente/klussen${params.toString() ? `?${params}` : ''}`;
    window.history.pushState({}, '', link);
    rerender({ focus: false });
  });
  return form;
}

function claimsText(task) {
  if (!task.claims.length) return t('board_no_claims');
  return task.claims.map((c) => t('board_claim', {
    n: c.citizen_id,
    status: c.overdue ? t('board_state_overdue').toLowerCase() : has(`board_claim_${c.status}`) ? t(`board_claim_${c.status}`) : c.status,
  })).join('; ');
}

function taskTable(board, list) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'board-title' },
    h('h2', { id: 'board-title' }, t('board_title')),
    h('p', { class: 'hint' }, t('board_warning_note', { limit: money(board.hourly_warning) })));
  if (!board.items.length) {
    section.append(h('p', { role: 'status' }, t('board_none')));
    return section;
  }
  const rows = board.items.map((task) => {
    const title = getLang() === 'en' ? task.title_en : task.title;
    const cells = [
      h('th', { scope: 'row' }, h('a', { href: `/burger/klus/${task.task_id}` }, title), h('br'), h('span', { class: 'hint' }, `#${task.task_id} · ${t('board_until', { date: date(task.claim_deadline) })}`)),
      h('td', {}, hoodName(task.neighbourhood)),
      h('td', {}, categoryName(task.category, list)),
      h('td', { class: 'num' }, money(task.reward)),
      h('td', { class: task.above_warning ? 'num hourly-cell above-warning' : 'num hourly-cell' },
        task.hourly === null ? t('board_no_estimate') : money(task.hourly),
        task.above_warning ? [' ', h('span', { class: 'badge warning' }, t('board_above'))] : null),
      h('td', { class: 'num' }, `${task.slots_open} / ${task.slots}`),
      h('td', {}, h('span', { class: `badge state-${task.state}` }, t(`board_state_${task.state}`))),
      h('td', {}, claimsText(task)),
      h('td', {}, cancelCell(task, title)),
    ];
    return h('tr', { 'data-task': String(task.task_id) }, cells);
  });
  section.append(
    h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'board-title' },
      h('table', { class: 'data board' },
        h('caption', { class: 'visually-hidden' }, t('board_title')),
        h('thead', {}, h('tr', {}, ['board_col_task', 'col_hood', 'f_category', 'board_col_reward', 'board_col_hourly', 'board_col_places', 'board_state', 'board_col_claims', 'board_col_action']
          .map((key) => h('th', { scope: 'col' }, t(key))))),
        h('tbody', {}, rows))));
  if (board.truncated) section.append(h('p', { class: 'hint' }, t('board_truncated')));
  return section;
}

// Cancel with a confirmation in place: what happens to open places and to work taken on.
function cancelCell(task, title) {
  if (task.state === 'cancelled' || task.state === 'done') return '';
  const status = statusLine();
  const open = h('button', { type: 'button', class: 'btn btn-danger btn-small', 'aria-label': t('board_cancel_label', { title }) }, t('board_cancel'));
  const yes = h('button', { type: 'button', class: 'btn btn-danger' }, t('board_cancel_yes'));
  const no = h('button', { type: 'button', class: 'btn' }, t('board_cancel_no'));
  const question = h('p', { id: uid('cancel') }, t('board_cancel_confirm', { title, money: money(task.reward * task.slots_open) }));
  const confirm = h('div', { class: 'confirm', role: 'group', 'aria-labelledby': question.id, hidden: true }, question, h('div', { class: 'row-actions' }, yes, no));
  // Buttons are display: inline-flex, which beats the hidden attribute: hide their wrapper.
  const opener = h('div', {}, open);
  open.addEventListener('click', () => {
    confirm.hidden = false;
    opener.hidden = true;
    yes.focus();
  });
  no.addEventListener('click', () => {
    confirm.hidden = true;
    opener.hidden = false;
    open.focus();
  });
  yes.addEventListener('click', () => busy(yes, async () => {
    if (await act(`/city/tasks/${task.task_id}/cancel`, undefined, status)) {
      await rerender({ focus: false });
      // The answer next to the task's row, where the person is (defect 5's rule).
      const row = document.querySelector(`tr[data-task="${task.task_id}"] td:last-child`);
      const said = h('p', { class: 'status status-ok', role: 'status' }, t('board_cancelled', { title }));
      if (row) {
        row.append(said);
        said.scrollIntoView({ block: 'nearest' });
      }
    }
  }));
  return h('div', {}, opener, confirm, status);
}

// A share as a number with a bar behind it (set through the style object: the page's content
// security policy allows no style attributes).
function shareBar(percent) {
  const bar = h('span', { class: 'share-bar' }, `${percent}%`);
  bar.style.setProperty('--share', `${percent}%`);
  return bar;
}

function sharesTable(board, list) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'shares-title' },
    h('h2', { id: 'shares-title' }, t('shares_title')),
    h('p', { class: 'hint' }, t('shares_hint', { limit: money(board.hourly_warning) })));
  if (!board.by_category.length) {
    section.append(h('p', {}, t('board_none')));
    return section;
  }
  const rate = (cents) => (cents === null ? '–' : money(cents));
  section.append(h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'shares-title' },
    h('table', { class: 'data shares' },
      h('caption', { class: 'visually-hidden' }, t('shares_title')),
      h('thead', {}, h('tr', {}, ['f_category', 'shares_col_tasks', 'shares_col_share', 'shares_col_low', 'shares_col_mid', 'shares_col_high', 'shares_col_above']
        .map((key) => h('th', { scope: 'col' }, t(key))))),
      h('tbody', {}, board.by_category.map((share) => h('tr', {},
        h('th', { scope: 'row' }, categoryName(share.category, list)),
        h('td', { class: 'num' }, String(share.tasks)),
        h('td', { class: 'num' }, shareBar(share.percent)),
        h('td', { class: 'num' }, rate(share.hourly_min)),
        h('td', { class: 'num' }, rate(share.hourly_median)),
        h('td', { class: 'num' }, rate(share.hourly_max)),
        h('td', { class: share.above_warning ? 'num above-warning' : 'num' }, String(share.above_warning))))))));
  return section;
}
