// The council's quarterly report on /gemeente's overview (issue #16): choose a quarter, download
// its PDF (GET /city/report/quarterly.pdf, api/report). Loaded with import() by city.js.
import { t } from './i18n.js';
import { field, h } from './ui.js';
import './texts_city.js';

// This quarter and the five before it, newest first, as YYYY-Qn (Amsterdam's calendar is the
// browser's here: a quarter's edge an hour off only matters on New Year's night).
export function recentQuarters(now = new Date(), count = 6) {
  let year = now.getFullYear();
  let quarter = Math.floor(now.getMonth() / 3) + 1;
  const out = [];
  for (let i = 0; i < count; i += 1) {
    out.push(`${year}-Q${quarter}`);
    quarter -= 1;
    if (quarter === 0) { quarter = 4; year -= 1; }
  }
  return out;
}

// min: the statistics' threshold (WESH_STATISTICS_MIN_RESIDENTS), which the PDF uses too.
export function reportCard(min) {
  const quarters = recentQuarters();
  const select = h('select', { name: 'quarter' }, quarters.map((q) => h('option', { value: q }, q)));
  const link = h('a', { class: 'btn', id: 'report-download' }, t('report_download'));
  const point = () => {
    link.href = `/city/report/quarterly.pdf?quarter=${encodeURIComponent(select.value)}`;
    link.setAttribute('download', `wesh-kwartaalrapportage-${select.value}.pdf`);
  };
  select.addEventListener('change', point);
  point();
  return h('section', { class: 'card', 'aria-labelledby': 'report-title' },
    h('h2', { id: 'report-title' }, t('report_title')),
    h('p', { class: 'hint' }, t('report_intro', { min })),
    field(t('report_quarter'), select),
    h('p', {}, link));
}
