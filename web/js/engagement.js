// A resident's own engagement on /burger (GET /me/engagement, issue #16): their neighbourhood's
// goal this month ("Schandelen: 40 klussen deze maand, nog 12"), their milestones (first task,
// five tasks, a task every month of a season), how many months in a row they did a task, and
// this season's months. Only the resident's own figures: no one is ranked against anyone.
import { api } from './api.js';
import { date, t } from './i18n.js';
import { h } from './ui.js';

function goalBlock(goal) {
  const text = goal.left
    ? t('goal_text', { hood: goal.neighbourhood_name, target: goal.target, left: goal.left })
    : t('goal_reached', { hood: goal.neighbourhood_name, target: goal.target });
  const bar = h('div', {
    class: 'meter',
    role: 'progressbar',
    'aria-valuemin': '0',
    'aria-valuemax': String(goal.target),
    'aria-valuenow': String(Math.min(goal.done, goal.target)),
    'aria-valuetext': t('goal_done', { done: goal.done, target: goal.target }),
    'aria-labelledby': 'goal-label',
  });
  const fill = h('div', { class: 'meter-fill' });
  fill.style.width = `${Math.min(100, Math.round((goal.done / goal.target) * 100))}%`;
  bar.append(fill);
  return h('div', { class: 'goal' },
    h('p', { id: 'goal-label', class: 'goal-label' }, text),
    bar,
    h('p', { class: 'hint' }, t('goal_done', { done: goal.done, target: goal.target })));
}

function milestoneItem(mark) {
  return h('li', { class: mark.reached ? 'milestone reached' : 'milestone' },
    h('span', { class: 'milestone-mark', 'aria-hidden': 'true' }, mark.reached ? '★' : '☆'),
    h('span', {},
      h('strong', {}, t(`milestone_${mark.key}`)),
      ' ',
      mark.reached
        ? t('milestone_reached', { date: date(mark.reached_at) })
        : h('span', { class: 'visually-hidden' }, t('milestone_not_yet'))));
}

export async function engagementCard() {
  let mine;
  try {
    mine = await api('/me/engagement');
  } catch {
    return null; // a courtesy beside the tasks: the page works without it
  }
  if (!mine.is_citizen) return null;
  const season = mine.season;
  const streak = mine.streak_months
    ? t(mine.streak_months === 1 ? 'streak_one' : 'streak_many', { n: mine.streak_months })
    : t('streak_none');
  return h('section', { class: 'card engagement', 'aria-labelledby': 'engagement-title' },
    h('h2', { id: 'engagement-title' }, t('engagement_title')),
    mine.goal ? goalBlock(mine.goal) : null,
    h('ul', { class: 'milestones' }, ...mine.milestones.map(milestoneItem)),
    h('p', { class: 'streak' }, streak),
    h('p', { class: 'hint' }, t('season_text', {
      season: t(`season_${season.name}`),
      done: season.months_done.length,
    })));
}
