// Stadsbeheer's neighbourhood goals (issue #16): on /gemeente/klussen a task manager sets how many
// tasks a neighbourhood aims for in a month (PUT /neighbourhood-goals/{code}/{YYYY-MM}); the
// residents of that neighbourhood see it on /burger ("Schandelen: 40 klussen deze maand, nog 12").
// The table lists the month's goals and how far each is: standings between neighbourhoods only.
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { neighbourhoods } from './neighbourhoods.js';
import { busy, clear, field, h, statusLine } from './ui.js';
import './texts_city.js';

function thisMonth() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}`;
}

function goalsTable(goals) {
  if (!goals.length) return h('p', { class: 'hint' }, t('goals_none'));
  return h('table', { class: 'table' },
    h('caption', { class: 'visually-hidden' }, t('goals_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('goals_hood')),
      h('th', { scope: 'col' }, t('goals_target')),
      h('th', { scope: 'col' }, t('goals_done')),
      h('th', { scope: 'col' }, t('goals_left')))),
    h('tbody', {}, goals.map((g) => h('tr', {},
      h('th', { scope: 'row' }, g.neighbourhood_name),
      h('td', {}, String(g.target)),
      h('td', {}, String(g.done)),
      h('td', {}, String(g.left))))));
}

export async function goalsCard() {
  const hoods = await neighbourhoods();
  const month = h('input', { type: 'month', value: thisMonth(), required: true });
  const hood = h('select', { required: true }, hoods.map((n) => h('option', { value: String(n.code) }, n.name)));
  const target = h('input', { type: 'number', min: '1', max: '10000', step: '1', inputmode: 'numeric', value: '40', required: true });
  const status = statusLine();
  const table = h('div', {});
  async function load() {
    try {
      const { goals } = await api(`/neighbourhood-goals?month=${encodeURIComponent(month.value || thisMonth())}`);
      clear(table).append(goalsTable(goals));
    } catch (error) {
      clear(table).append(h('p', { class: 'status status-error' }, error instanceof ApiError ? error.message : t('goals_failed')));
    }
  }
  month.addEventListener('change', load);
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('goals_save'));
  const form = h('form', { class: 'goals-form' },
    field(t('goals_month'), month),
    field(t('goals_hood'), hood),
    field(t('goals_target_label'), target, t('goals_target_hint')),
    save,
    status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(save, async () => {
      try {
        const goal = await api(`/neighbourhood-goals/${hood.value}/${month.value}`, { method: 'PUT', body: { target: Number(target.value) } });
        status.set(t('goals_saved', { hood: goal.neighbourhood_name, target: goal.target }), 'ok');
        await load();
      } catch (error) {
        status.set(error instanceof ApiError ? error.message : t('goals_failed'), 'error');
      }
    });
  });
  await load();
  return h('section', { class: 'card', 'aria-labelledby': 'goals-title' },
    h('h2', { id: 'goals-title' }, t('goals_title')),
    h('p', { class: 'hint' }, t('goals_intro')),
    table,
    form);
}
