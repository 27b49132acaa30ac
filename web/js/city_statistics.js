// The published statistics on /gemeente's overview (issue #16): GET /statistics/tables as charts,
// each with its numbers as a table. Participation per month and per neighbourhood, spending per
// shop kind and per shopping area. A withheld figure (too few residents, or one the totals would
// give away: wesh/statistics.py) is said so, never drawn as zero. Loaded with import() by city.js.
import { api } from './api.js';
import { barChart } from './chart.js';
import { getLang, money, monthName, t } from './i18n.js';
import { h } from './ui.js';
import './texts_city.js';

const OPEN_DATA = [
  ['/open-data/wesh-deelname.csv', 'stats_open_participation'],
  ['/open-data/wesh-besteding-winkelgebied.csv', 'stats_open_spending'],
];

// totals: GET /statistics's counts (residents, shops, tasks commissioned).
export async function statisticsCard(totals) {
  const tables = await api('/statistics/tables');
  const min = tables.min_residents;
  const note = t('stats_withheld', { min });
  const section = h('section', { class: 'card', 'aria-labelledby': 'stats-title' },
    h('h2', { id: 'stats-title' }, t('stats')),
    h('p', {}, t('stats_totals', { citizens: totals.citizens, merchants: totals.merchants, tasks: totals.tasks })));
  const figures = [
    wide(participationByMonth(tables.participation, note)),
    participationByHood(tables.participation, note),
    spendingBy(tables.spending, 'kind', kindName, 'stats_by_kind', 'stats_col_kind', note),
    spendingBy(tables.spending_by_area, 'area', (_, row) => row.area_name, 'stats_by_area', 'stats_col_area', note),
  ].filter(Boolean);
  const published = [...tables.participation, ...tables.spending, ...tables.spending_by_area].some((c) => !c.suppressed);
  if (!published) section.append(h('p', {}, t('stats_none')));
  else section.append(h('div', { class: 'charts' }, figures));
  section.append(
    h('p', { class: 'hint' }, t('stats_rule', { min })),
    h('h3', {}, t('stats_open_title')),
    h('p', { class: 'hint' }, t('stats_open_intro')),
    h('ul', {}, OPEN_DATA.map(([path, key]) => h('li', {},
      h('a', { href: path }, t(key)), ' (', h('a', { href: `${path}-metadata.json` }, t('stats_open_metadata')), ')'))));
  return section;
}

// The participation table has seven columns: it gets the whole row (app.css .figure-wide).
function wide(figure) {
  figure?.classList.add('figure-wide');
  return figure;
}

const count = (n) => String(n);
const hours = (n) => n.toLocaleString(getLang() === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 1 });

// A withheld row's cells: one cell across the figures that says so.
function withheld(span, note) {
  return [h('td', { colspan: String(span), class: 'hint' }, note)];
}

// A figure that may be withheld inside a published row (first-time and returning residents).
function maybe(value) {
  return value == null ? t('stats_sub_withheld') : count(value);
}

function participationByMonth(rows, note) {
  const months = rows.filter((r) => r.neighbourhood == null).sort((a, b) => (a.month ?? '9999').localeCompare(b.month ?? '9999'));
  if (!months.length) return null;
  return barChart(t('stats_by_month'), months.map((r) => ({
    label: r.month ? monthName(r.month) : t('stats_all_months'),
    tableOnly: !r.month,
    value: r.suppressed ? null : r.residents,
    note,
    cells: r.suppressed ? withheld(6, note) : [count(r.residents), maybe(r.first_time), maybe(r.returning), count(r.tasks), hours(r.hours), money(r.heitjes)],
  })), count, [t('col_month'), t('stats_col_residents'), t('stats_col_first'), t('stats_col_returning'), t('stats_col_tasks'), t('stats_col_hours'), t('stats_col_heitjes')]);
}

function participationByHood(rows, note) {
  const hoods = rows.filter((r) => r.month == null && r.neighbourhood != null).sort((a, b) => a.neighbourhood - b.neighbourhood);
  if (!hoods.length) return null;
  return barChart(t('stats_by_hood'), hoods.map((r) => ({
    label: r.neighbourhood_name,
    value: r.suppressed ? null : r.heitjes,
    note,
    cells: r.suppressed ? withheld(2, note) : [count(r.tasks), money(r.heitjes)],
  })), money, [t('col_hood'), t('stats_col_tasks'), t('stats_col_heitjes')]);
}

// Spending over all months, per shop kind or per shopping area (key: the column's field).
function spendingBy(rows, key, name, titleKey, columnKey, note) {
  const lines = rows.filter((r) => r.month == null && r[key] != null);
  if (key === 'area') lines.sort((a, b) => a.area - b.area);
  if (!lines.length) return null;
  return barChart(t(titleKey), lines.map((r) => ({
    label: name(r[key], r),
    value: r.suppressed ? null : r.heitjes,
    note,
    cells: r.suppressed ? withheld(3, note) : [count(r.residents), count(r.payments), money(r.heitjes)],
  })), money, [t(columnKey), t('stats_col_payers'), t('stats_col_payments'), t('stats_col_heitjes')]);
}

function kindName(kind) {
  if (!kind) return t('stats_kind_unknown');
  const key = `shopkind_${kind}`;
  const said = t(key);
  return said === key ? kind : said;
}
