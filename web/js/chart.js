// A small hand-written SVG bar chart with its numbers as a table beside it (the table is the
// accessible form; the chart is a picture of the same numbers, labelled for screen readers).
import { t } from './i18n.js';
import { h, s } from './ui.js';
import './texts_city.js';

// rows: [{ label, value }]; format: value -> text.
export function barChart(titleText, rows, format, columns) {
  const width = 320;
  const barHeight = 28;
  const gap = 10;
  const labelWidth = 110;
  const height = rows.length * (barHeight + gap) + gap;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const summary = rows.map((r) => `${r.label}: ${format(r.value)}`).join('; ');
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${titleText}. ${summary}`, preserveAspectRatio: 'xMinYMin meet' });
  rows.forEach((row, i) => {
    const y = gap + i * (barHeight + gap);
    const w = Math.max(2, Math.round(((width - labelWidth - 80) * row.value) / max));
    svg.append(
      s('text', { x: labelWidth - 6, y: y + barHeight / 2 + 5, 'text-anchor': 'end', class: 'chart-label' }, row.label),
      s('rect', { x: labelWidth, y, width: w, height: barHeight, rx: 3, class: 'chart-bar' }),
      s('text', { x: labelWidth + w + 6, y: y + barHeight / 2 + 5, class: 'chart-value' }, format(row.value)),
    );
  });
  const table = h('table', { class: 'data' },
    h('caption', { class: 'visually-hidden' }, titleText),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', {}, format(r.value))))));
  return h('figure', { class: 'figure' },
    h('figcaption', {}, titleText),
    svg,
    h('details', {}, h('summary', {}, t('chart_table')), table));
}
