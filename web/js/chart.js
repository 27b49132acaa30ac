// A small hand-written SVG bar chart with its numbers as a table beside it (the table is the
// accessible form; the chart is a picture of the same numbers, labelled for screen readers).
import { t } from './i18n.js';
import { h, s } from './ui.js';
import './texts_city.js';

// rows: [{ label, value, cells?, note? }]; format: value -> text. A row whose value is null is
// not drawn as a bar: the chart writes "niet getoond" and the table the row's note (a published
// figure that is withheld is never drawn as zero). cells: the row's table cells after its label
// (default: the formatted value), under columns[1..]: texts, or ready <td> elements. A row with
// tableOnly (a total beside its parts) is in the table, not drawn.
export function barChart(titleText, allRows, format, columns) {
  const rows = allRows.filter((r) => !r.tableOnly);
  const width = 320;
  const barHeight = 28;
  const gap = 10;
  const labelWidth = 110;
  const height = rows.length * (barHeight + gap) + gap;
  const max = Math.max(1, ...rows.map((r) => r.value ?? 0));
  const said = (r) => (r.value == null ? r.note || t('chart_not_shown') : format(r.value));
  const summary = rows.map((r) => `${r.label}: ${said(r)}`).join('; ');
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${titleText}. ${summary}`, preserveAspectRatio: 'xMinYMin meet' });
  rows.forEach((row, i) => {
    const y = gap + i * (barHeight + gap);
    const middle = y + barHeight / 2 + 5;
    svg.append(s('text', { x: labelWidth - 6, y: middle, 'text-anchor': 'end', class: 'chart-label' }, row.label));
    if (row.value == null) {
      svg.append(s('text', { x: labelWidth, y: middle, class: 'chart-value chart-hidden' }, t('chart_not_shown')));
      return;
    }
    const w = Math.max(2, Math.round(((width - labelWidth - 80) * row.value) / max));
    svg.append(
      s('rect', { x: labelWidth, y, width: w, height: barHeight, rx: 3, class: 'chart-bar' }),
      s('text', { x: labelWidth + w + 6, y: middle, class: 'chart-value' }, format(row.value)),
    );
  });
  const body = allRows.map((r) => {
    const cells = r.cells || [said(r)];
    return h('tr', {}, h('th', { scope: 'row' }, r.label), cells.map((c) => (c instanceof Node ? c : h('td', {}, c))));
  });
  const table = h('table', { class: 'data' },
    h('caption', { class: 'visually-hidden' }, titleText),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, body));
  return h('figure', { class: 'figure' },
    h('figcaption', {}, titleText),
    svg,
    h('details', {}, h('summary', {}, t('chart_table')),
      h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': titleText }, table)));
}
