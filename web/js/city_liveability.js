// Liveability on /gemeente's overview (issue #16): each neighbourhood's rating in the resident
// survey before and after, beside the tasks done there in between (GET /liveability: side by
// side, not cause and effect), as a table and a small chart; Stadsbeheer (task managers) imports
// the survey's CSV here (POST /city/liveability), every bad line said next to the form. Loaded
// with import() by city.js.
import { api, ApiError } from './api.js';
import { getLang, t } from './i18n.js';
import { hasRole } from './session.js';
import { busy, clear, field, h, s, statusLine } from './ui.js';
import './texts_city.js';

function locale() {
  return getLang() === 'en' ? 'en-GB' : 'nl-NL';
}

function figure(rating) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(rating);
}

function ratingText(found) {
  return found ? t('live_rating', { rating: figure(found.rating), period: found.period, n: found.respondents }) : '—';
}

// The rating large enough to read on a phone, its period and respondents small under it.
function ratingCell(found, mark) {
  return [
    h('span', {}, figure(found.rating) + mark),
    h('br', {}),
    h('span', { class: 'hint' }, t('live_rating_detail', { period: found.period, n: found.respondents })),
  ];
}

// Two bars per neighbourhood, before (pale) and after, on the scale 0 to 10; the table beside it
// holds the same numbers for screen readers (the picture has one summary label).
function pairChart(rows) {
  const width = 320;
  const bar = 16;
  const gap = 14;
  const labelWidth = 110;
  const step = 2 * bar + gap;
  const height = rows.length * step + gap;
  const scale = (width - labelWidth - 44) / 10;
  const summary = rows.map((r) => `${r.neighbourhood_name}: ${ratingText(r.before)} → ${ratingText(r.after)}`).join('; ');
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${t('live_chart')}. ${summary}`, preserveAspectRatio: 'xMinYMin meet' });
  rows.forEach((row, i) => {
    const y = gap + i * step;
    svg.append(s('text', { x: labelWidth - 6, y: y + bar + 4, 'text-anchor': 'end', class: 'chart-label' }, row.neighbourhood_name));
    [[row.before, 0.45], [row.after, 1]].forEach(([found, opacity], k) => {
      if (!found) return;
      const w = Math.max(2, Math.round(found.rating * scale));
      svg.append(
        s('rect', { x: labelWidth, y: y + k * bar, width: w, height: bar - 1, rx: 2, class: 'chart-bar', 'fill-opacity': opacity }),
        s('text', { x: labelWidth + w + 4, y: y + k * bar + bar - 2, class: 'chart-value' }, figure(found.rating)),
      );
    });
  });
  // In .charts: half the card's width on a wide screen, as the statistics' charts are.
  return h('div', { class: 'charts' }, h('figure', { class: 'figure' },
    h('figcaption', {}, t('live_chart')),
    svg,
    h('p', { class: 'hint' }, t('live_legend'))));
}

function view(data) {
  const rows = data.neighbourhoods.filter((n) => n.before);
  const out = h('div', { id: 'liveability-view' });
  if (!rows.length) out.append(h('p', {}, t('live_none')));
  else {
    out.append(
      h('p', { class: 'callout', role: 'note' }, t('live_note')),
      pairChart(rows),
      h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': t('live_title') }, h('table', { class: 'data' },
        h('caption', {}, t('live_caption')),
        h('thead', {}, h('tr', {}, [t('live_col_hood'), t('live_col_before'), t('live_col_after'), t('live_col_tasks')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.map((r) => h('tr', {},
          h('th', { scope: 'row' }, r.neighbourhood_name),
          h('td', {}, ratingCell(r.before, r.before_wesh ? '' : ' *')),
          h('td', {}, r.after ? ratingCell(r.after, '') : t('live_no_after')),
          h('td', {}, r.tasks_between === null ? '—' : String(r.tasks_between))))))),
    );
    if (rows.some((r) => !r.before_wesh)) out.append(h('p', { class: 'hint' }, t('live_later')));
  }
  const hidden = data.neighbourhoods.reduce((sum, n) => sum + n.hidden_periods, 0);
  if (hidden) out.append(h('p', { class: 'hint' }, t('live_hidden', { n: hidden, min: data.min_respondents })));
  if (data.source) {
    const date = new Date(data.source.imported_at * 1000).toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric' });
    out.append(h('p', { class: 'hint' }, t('live_source', { file: data.source.file_name, date })));
  }
  return out;
}

function uploadForm(reload) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv,text/plain', required: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('live_import'));
  const status = statusLine();
  const problems = h('div', { id: 'liveability-errors', role: 'alert' });
  const form = h('form', { class: 'liveability-form', 'aria-labelledby': 'liveability-upload-title' },
    h('h3', { id: 'liveability-upload-title' }, t('live_upload_title')),
    field(t('live_file'), file, t('live_file_hint')),
    button,
    status,
    problems);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(button, async () => {
      clear(problems);
      status.set('');
      const chosen = file.files && file.files[0];
      if (!chosen) {
        status.set(t('live_choose_file'), 'error');
        file.focus();
        return;
      }
      try {
        const done = await api('/city/liveability', { method: 'POST', body: { file_name: chosen.name, csv: await chosen.text() } });
        file.removeAttribute('aria-invalid');
        status.set(t('live_imported', { n: done.ratings, added: done.added, replaced: done.replaced }), 'ok');
        await reload();
      } catch (error) {
        const lines = error instanceof ApiError && error.problem && error.problem.params ? error.problem.params.errors : null;
        file.setAttribute('aria-invalid', 'true');
        problems.append(h('p', { class: 'status status-error' }, error instanceof ApiError ? error.message : t('live_failed')));
        if (Array.isArray(lines)) {
          const lang = getLang() === 'en' ? 'en' : 'nl';
          problems.append(h('ul', { class: 'line-errors' }, lines.map((e) => h('li', {}, t('live_line', { line: e.line, text: e[lang] })))));
        }
      }
    });
  });
  return form;
}

export async function liveabilityCard() {
  const holder = h('div', {});
  async function load() {
    try {
      clear(holder).append(view(await api('/liveability')));
    } catch (error) {
      clear(holder).append(h('p', { class: 'status status-error' }, error instanceof ApiError ? error.message : t('live_failed')));
    }
  }
  await load();
  return h('section', { class: 'card', id: 'liveability', 'aria-labelledby': 'liveability-title' },
    h('h2', { id: 'liveability-title' }, t('live_title')),
    h('p', { class: 'hint' }, t('live_intro')),
    holder,
    hasRole('task manager') ? uploadForm(load) : null);
}
