// /gemeente: the city dashboard. Overview (budget, escrow, liability, statistics), commission a
// task (form with a map pin), review queue (photos side by side, approve / reject with a reason,
// batch approve), appeals, and cash-outs to settle.
import { api } from './api.js';
import { config } from './config.js';
import { getLang, money, roleName, t } from './i18n.js';
import { hoodName, neighbourhoods } from './neighbourhoods.js';
import { announce, rerender } from './page.js';
import { reasonField, reasonText } from './reasons.js';
import { evidencePhotos, placeOf, sayAtBatchBar } from './review_evidence.js';
import { hasRole, session } from './session.js';
import { signInPanel } from './signin.js';
import { act } from './transactions.js';
import { busy, clear, field, h, onAmountSubmit, statusLine, uid } from './ui.js';
import './texts_city.js';

const SECTIONS = [
  ['', 'tab_overview', 'city'],
  ['klus', 'tab_commission', 'task manager'],
  // Stadsbeheer's overview of the tasks (city_tasks.js): task managers and reviewers.
  ['klussen', 'tab_tasks', ['task manager', 'reviewer']],
  // Residents' reports (city_reports.js, issue #16): task managers make tasks of them.
  ['meldingen', 'tab_reports', 'task manager'],
  ['beoordelen', 'tab_review', 'reviewer'],
  ['bezwaren', 'tab_appeals', 'reviewer'],
  ['uitbetalingen', 'tab_payouts', 'treasurer'],
  // The desk: the registrar, or a neighbourhood association (its own neighbourhoods only).
  ['balie', 'tab_desk', ['registrar', 'association']],
  ['winkels', 'tab_shops', 'merchant manager'],
];

// Whether the caller holds the role a section asks (one, or any of a list).
function holds(role) {
  return Array.isArray(role) ? role.some(hasRole) : hasRole(role);
}

export async function render(view, [rest]) {
  const section = (rest || '').split('/')[0];
  let current = SECTIONS.find(([path]) => path === section) || SECTIONS[0];
  // A neighbourhood association has only the desk: /gemeente opens it.
  if (hasRole('association') && !hasRole('city')) current = SECTIONS.find(([path]) => path === 'balie');
  // A join code's QR link opens the registrar's desk (/gemeente/balie?code=...): a merchant
  // manager who is no registrar gets the shops' desk instead, with the same code filled in.
  if (section === 'balie' && !hasRole('registrar') && hasRole('merchant manager')) {
    current = SECTIONS.find(([path]) => path === 'winkels');
  }
  view.append(h('h1', {}, `${t('city_title')}: ${t(current[1])}`));
  if (!session()) {
    view.append(signInPanel(t('signin_why_city')));
    return;
  }
  if (!hasRole('city') && !hasRole('association')) {
    view.append(h('p', { class: 'callout', role: 'note' }, t('not_city')));
    return;
  }
  view.append(h('nav', { class: 'tabs', 'aria-label': t('city_tabs') },
    h('ul', {}, SECTIONS.filter(([, , role]) => holds(role)).map(([path, key]) =>
      h('li', {}, h('a', { href: path ? `/gemeente/${path}` : '/gemeente', 'aria-current': path === current[0] ? 'page' : false }, t(key)))))));
  if (!holds(current[2])) {
    view.append(h('p', { class: 'callout', role: 'note' }, t('needs_role', { role: roleName([current[2]].flat()[0]) })));
    return;
  }
  const body = h('div', {});
  view.append(body);
  const pages = {
    '': overview, beoordelen: reviews, bezwaren: appeals,
    // Stadsbeheer: commissioning and the overview of the tasks (city_tasks.js), loaded only there.
    klus: async (into) => (await import('./city_tasks.js')).commission(into),
    klussen: async (into) => {
      await (await import('./city_tasks.js')).taskboard(into);
      // The neighbourhoods' monthly goals (city_goals.js, issue #16): task managers set them.
      if (hasRole('task manager')) into.append(await (await import('./city_goals.js')).goalsCard());
    },
    meldingen: async (into) => (await import('./city_reports.js')).reportsList(into),
    // Financiën: payout files, cash-outs and the books (city_payouts.js), loaded only for it.
    uitbetalingen: async (into) => (await import('./city_payouts.js')).payouts(into),
    // The merchant manager's desk, loaded only for that section.
    winkels: async (into) => {
      await (await import('./city_shops.js')).shops(into);
      // Shops' offers (city_offers.js, issue #16): the merchant manager writes them for a shop.
      if (hasRole('merchant manager')) into.append(await (await import('./city_offers.js')).offersCard());
    },
    // The registrar's desk (residents joining, a resident's new phone), loaded only for it; a
    // neighbourhood association's too (its neighbourhoods only, no new phones).
    balie: async (into) => (await import('./desk.js')).desk(into),
  };
  await pages[current[0]](body);
}

function again() {
  return rerender({ focus: false });
}

// ------------------------------------------------------------------ overview
async function overview(body) {
  const [budget, stats] = await Promise.all([api('/city/budget'), api('/statistics'), neighbourhoods()]);
  const cell = (label, value, id) => h('div', { class: 'stat' }, h('dt', { id }, label), h('dd', {}, money(value)));
  body.append(h('section', { class: 'card', 'aria-labelledby': 'budget-title' },
    h('h2', { id: 'budget-title' }, t('budget')),
    h('dl', { class: 'stats' },
      cell(t('budget_granted'), budget.budget_granted),
      cell(t('budget_available'), budget.budget_available),
      cell(t('escrow'), budget.escrow_locked),
      cell(t('liability'), budget.liability),
      cell(t('cashouts_open_total'), budget.cashouts_open))));
  if (hasRole('treasurer')) body.append(grantForm());
  body.append((await import('./city_report.js')).reportCard(stats.min_cell));
  // The resident survey beside the tasks done (city_liveability.js, issue #16).
  body.append(await (await import('./city_liveability.js')).liveabilityCard());
  const fees = await relayerCard();
  if (fees) body.append(fees);
  // The published tables as charts (issue #16): city_statistics.js, loaded here only.
  body.append(await (await import('./city_statistics.js')).statisticsCard(stats.totals));
}

// What the city's relayer has left to pay residents', shops' and staff's network fees with, what
// it spent today, and how long the rest lasts at the last seven days' rate (GET /relay/status).
// Nothing when the city does not relay.
async function relayerCard() {
  let status;
  try {
    status = await api('/relay/status');
  } catch {
    return null;
  }
  if (!status || !status.enabled) return null;
  const unit = config().chain_id === 100 ? 'xDAI' : 'ETH';
  const coins = (wei) => (wei == null ? t('fees_unknown') : `${nativeAmount(wei)} ${unit}`);
  const row = (label, value) => h('div', { class: 'stat' }, h('dt', {}, label), h('dd', {}, value));
  const days = status.days_left == null ? t('fees_no_rate') : t('fees_days', { days: Math.floor(status.days_left) });
  const low = status.days_left != null && status.days_left < 7;
  return h('section', { class: 'card', 'aria-labelledby': 'fees-title' },
    h('h2', { id: 'fees-title' }, t('fees_title')),
    h('p', { class: 'hint' }, t('fees_intro')),
    h('dl', { class: 'stats' },
      row(t('fees_balance'), coins(status.balance_wei)),
      row(t('fees_days_left'), days),
      row(t('fees_today'), `${coins(status.spent_today_wei)} / ${coins(status.budget_per_day_wei)}`),
      row(t('fees_queue'), String(status.queue + status.in_flight))),
    low ? h('p', { class: 'callout', role: 'note' }, t('fees_low')) : null);
}

// A wei amount (a decimal string) in whole coins with four decimals, in the page's language.
function nativeAmount(wei) {
  const value = BigInt(wei);
  const whole = value / 10n ** 18n;
  const fraction = (value % 10n ** 18n) / 10n ** 14n;
  const sep = getLang() === 'nl' ? ',' : '.';
  return `${whole.toLocaleString(getLang() === 'nl' ? 'nl-NL' : 'en-GB')}${sep}${String(fraction).padStart(4, '0')}`;
}

function grantForm() {
  const amount = h('input', { type: 'text', inputmode: 'decimal', name: 'grant', autocomplete: 'off' });
  const status = statusLine();
  const button = h('button', { type: 'submit', class: 'btn' }, t('grant'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'grant-title', novalidate: true },
    h('h2', { id: 'grant-title' }, t('grant')), field(t('amount'), amount, t('amount_hint')), button, status);
  onAmountSubmit(form, { amount, button, status }, async (cents) => {
    if (await act('/city/budget/grant', { amount: cents }, status)) {
      await again();
      announce(t('grant_done'));
    }
  });
  return form;
}

// ---------------------------------------------------------------- commission
// Commissioning a task and the overview of the tasks: city_tasks.js (issue #15).

// ------------------------------------------------------------------- reviews
// The photos, their checks and the city's reference photo: review_evidence.js.
const photos = evidencePhotos;

// Whose work it is, as staff see it: the resident's number and neighbourhood, not an address.
function submissionOf(item) {
  const vars = { task: item.task_id, citizen: item.citizen_id, amount: money(item.reward) };
  if (item.neighbourhood == null) return t('submission_of', vars);
  return t('submission_of_hood', { ...vars, hood: hoodName(item.neighbourhood) });
}

async function reviewItem(item, selection) {
  const status = statusLine();
  const titleId = uid('review');
  const li = h('li', { class: 'card review', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, item.title),
    h('p', { class: 'meta' }, submissionOf(item)),
    // Handed in again after a rejection: say which time, and when a rejection would be final.
    item.rejections ? h('p', { class: 'callout', role: 'note' }, t(item.rejections + 1 >= config().max_rejections ? 'resubmitted_last' : 'resubmitted', { n: item.rejections + 1 })) : '',
    await photos(item));
  const body = { task_id: item.task_id, citizen: item.citizen };
  if (selection) {
    const box = h('input', { type: 'checkbox', name: 'select' });
    box.addEventListener('change', () => (box.checked ? selection.add(item) : selection.delete(item)));
    li.append(h('div', { class: 'check' }, box, h('label', {}, t('select_for_batch'))));
    const label = li.querySelector('.check label');
    box.id = uid('sel');
    label.setAttribute('for', box.id);
  }
  const approve = h('button', { type: 'button', class: 'btn btn-primary' }, t('approve'));
  approve.addEventListener('click', () =>
    busy(approve, async () => {
      const place = placeOf(li);
      if (await act('/city/reviews/approve', body, status)) {
        await again();
        place.say(t('approve_done'));
      }
    }),
  );
  const reason = await reasonField(t('reject_reason'));
  const reject = h('button', { type: 'button', class: 'btn btn-danger' }, t('reject'));
  reject.addEventListener('click', () =>
    busy(reject, async () => {
      const code = reason.value(status);
      if (!code) return;
      const place = placeOf(li);
      if (await act('/city/reviews/reject', { ...body, reason: code }, status)) {
        await again();
        place.say(t('reject_done'));
      }
    }),
  );
  li.append(h('div', { class: 'decide' }, approve, h('div', { class: 'reject' }, reason.element, reject)), status);
  return li;
}

async function reviews(body) {
  const [all] = await Promise.all([api('/city/review-queue'), neighbourhoods()]);
  const queue = all.filter((item) => item.status === 'submitted');
  if (!queue.length) {
    body.append(h('p', {}, t('queue_none')));
    return;
  }
  const selection = new Set();
  const status = statusLine();
  const batch = h('button', { type: 'button', class: 'btn' }, t('approve_batch', { n: '…' }));
  const updateBatch = () => {
    batch.textContent = t('approve_batch', { n: selection.size });
  };
  const tracked = {
    add: (item) => { selection.add(item); updateBatch(); },
    delete: (item) => { selection.delete(item); updateBatch(); },
  };
  updateBatch();
  batch.addEventListener('click', () =>
    busy(batch, async () => {
      if (!selection.size) {
        status.set(t('choose_one'), 'error');
        return;
      }
      const n = selection.size;
      const items = [...selection].map((i) => ({ task_id: i.task_id, citizen: i.citizen }));
      if (await act('/city/reviews/approve-batch', { items }, status)) {
        await again();
        sayAtBatchBar(t('batch_done', { n }));
      }
    }),
  );
  const list = h('ul', { class: 'plain reviews' });
  for (const item of queue) list.append(await reviewItem(item, tracked));
  body.append(h('div', { class: 'batch-bar' }, batch, status), list);
}

async function appeals(body) {
  const [all] = await Promise.all([api('/city/review-queue'), neighbourhoods()]);
  const queue = all.filter((item) => item.status === 'appealed');
  if (!queue.length) {
    body.append(h('p', {}, t('appeals_none')));
    return;
  }
  const list = h('ul', { class: 'plain reviews' });
  for (const item of queue) {
    const status = statusLine();
    const titleId = uid('appeal');
    const target = { task_id: item.task_id, citizen: item.citizen };
    const grant = h('button', { type: 'button', class: 'btn btn-primary' }, t('appeal_grant'));
    const reason = await reasonField(t('reject_reason'), { preset: item.reason });
    const deny = h('button', { type: 'button', class: 'btn btn-danger' }, t('appeal_deny'));
    const decide = (button, payload) =>
      busy(button, async () => {
        if (await act('/city/appeals/decide', payload, status)) {
          await again();
          announce(t('appeal_decided'));
        }
      });
    grant.addEventListener('click', () => decide(grant, { ...target, grant: true, reason: 0 }));
    deny.addEventListener('click', () => {
      const code = reason.value(status);
      if (code) decide(deny, { ...target, grant: false, reason: code });
    });
    list.append(h('li', { class: 'card review', 'aria-labelledby': titleId },
      h('h3', { id: titleId }, item.title),
      h('p', { class: 'meta' }, submissionOf(item)),
      h('p', {}, t('appeal_earlier', { reason: await reasonText(item.reason) })),
      await photos(item),
      h('div', { class: 'decide' }, grant, h('div', { class: 'reject' }, reason.element, deny)),
      status));
  }
  body.append(list);
}
