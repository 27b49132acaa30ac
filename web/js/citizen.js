// The citizen's pages (mobile first): /burger (tasks as a list or a map, balance, yearly cap,
// my tasks, where to spend), /burger/klus/<id> (a task: claim, photos, appeal),
// /burger/geschiedenis (history), /burger/berichten (messages), /burger/melden (report a spot).
import { api, ApiError } from './api.js';
import { claimStatus, config } from './config.js';
import { historyList } from './history.js';
import { date, dateTime, duration, getLang, money, t } from './i18n.js';
import { hoodName, neighbourhoods } from './neighbourhoods.js';
import { evidenceForm } from './photos.js';
import { announce, assetBase, onLeave, rerender } from './page.js';
import { reasonText } from './reasons.js';
import { hasRole, session } from './session.js';
import { phoneProtectionNote, signInPanel } from './signin.js';
import { act } from './transactions.js';
import { busy, clear, field, h, statusLine } from './ui.js';
import * as wallet from './wallet.js';

function title(task) {
  return getLang() === 'en' ? task.title_en || task.title : task.title;
}

function docText(doc, key) {
  const value = doc && doc[key];
  if (!value) return '';
  if (typeof value === 'string') return value;
  return (getLang() === 'en' && value.en) || value.nl || '';
}

export async function render(view, [rest]) {
  await neighbourhoods();
  const parts = (rest || '').split('/').filter(Boolean);
  if (parts[0] === 'klus' && /^\d+$/.test(parts[1] || '')) return taskPage(view, Number(parts[1]));
  if (parts[0] === 'geschiedenis') return historyPage(view);
  if (parts[0] === 'berichten') return messagesPage(view);
  if (parts[0] === 'melden') return reportPage(view);
  return startPage(view);
}

// ---------------------------------------------------------------- start page
// Set when the desk has just registered this account (the page then says so once).
let justRegistered = false;

async function startPage(view) {
  view.append(h('h1', {}, t('citizen_title')), h('p', { class: 'lead' }, t('citizen_intro')));
  let me = null;
  if (!session()) {
    view.append(signInPanel(t('signin_why_citizen'), undefined, { phone: true }));
  } else if (!hasRole('citizen')) {
    // A shop or a city employee signed in here is no resident; a new account waits for the desk.
    view.append(hasRole('merchant') || hasRole('city')
      ? h('p', { class: 'callout', role: 'note' }, t('not_citizen'))
      : await waitingCard());
  } else {
    me = await api('/me');
    if (justRegistered) {
      justRegistered = false;
      view.append(h('p', { class: 'callout joined', role: 'status' }, t('join_done', { hood: hoodName(me.neighbourhood) })));
    }
    const { inboxCard } = await import('./inbox.js');
    // Milestones, streak and the neighbourhood's goal (engagement.js, issue #16).
    const { engagementCard } = await import('./engagement.js');
    // Reporting a spot that needs care, and the resident's reports (reports.js, issue #16).
    const { reportsCard } = await import('./reports.js');
    view.append(...[await inboxCard(), await meCard(me), await engagementCard(), await myTasks(me), await reportsCard()].filter(Boolean));
  }
  if (session() && wallet.usesPhone()) view.append(phoneProtectionNote());
  view.append(await taskSection(me && me.neighbourhood));
  // Where to spend: the shops (shops_list.js), the resident's own neighbourhood first.
  const { shopsSection } = await import('./shops_list.js');
  view.append(await shopsSection(me && me.neighbourhood));
}

// /burger/berichten: the resident's messages and notifications on this phone (inbox.js).
async function messagesPage(view) {
  if (!session()) {
    view.append(h('h1', {}, t('inbox_title')), signInPanel(t('signin_why_citizen'), undefined, { phone: true }));
    return;
  }
  if (!hasRole('citizen')) {
    view.append(h('h1', {}, t('inbox_title')), h('p', { class: 'callout', role: 'note' }, t('not_citizen')));
    return;
  }
  const { inboxPage } = await import('./inbox.js');
  await inboxPage(view);
}

// /burger/melden: report a spot that needs care (reports.js, issue #16).
async function reportPage(view) {
  if (!session() || !hasRole('citizen')) {
    view.append(h('h1', {}, t('report_spot_title')));
    view.append(session()
      ? h('p', { class: 'callout', role: 'note' }, t('not_citizen'))
      : signInPanel(t('signin_why_citizen'), undefined, { phone: true }));
    return;
  }
  const { reportPage: form } = await import('./reports.js');
  await form(view, await api('/me'));
}

// "Wacht op aanmelding": the code (and its QR code) to show at the desk; the page turns to "Je
// bent aangemeld" by itself once the desk has registered this account (joincode.js).
async function waitingCard() {
  // A phone whose resident moved to a new one gets no code: say where the Heitjes are now.
  try {
    await api('/join', { method: 'POST' });
  } catch (error) {
    if (error instanceof ApiError && error.problem && error.problem.code === 'join_retired') {
      return h('p', { class: 'callout retired', role: 'note' }, error.message);
    }
  }
  const { joinCard } = await import('./joincode.js');
  return joinCard({
    title: t('join_wait_title'),
    intro: t('join_wait_intro'),
    qrAlt: t('join_qr_alt'),
    done: (account) => Boolean(account.is_citizen),
    onRegistered: async () => {
      justRegistered = true;
      await rerender({ focus: false });
    },
  });
}

function capBlock(me) {
  const cap = me.cap_yearly || 1;
  const used = me.earned_year + me.reserved;
  const percent = Math.min(100, Math.round((me.earned_year / cap) * 100));
  const reservedPercent = Math.min(100 - percent, Math.round((me.reserved / cap) * 100));
  const bar = h('div', {
    class: 'meter',
    role: 'progressbar',
    'aria-valuemin': '0',
    'aria-valuemax': String(me.cap_yearly),
    'aria-valuenow': String(me.earned_year),
    'aria-valuetext': t('cap_text', { earned: money(me.earned_year), cap: money(me.cap_yearly), year: me.year, left: money(me.cap_left) }),
    'aria-labelledby': 'cap-label',
  });
  const fill = h('div', { class: 'meter-fill' });
  fill.style.width = `${percent}%`;
  const reserved = h('div', { class: 'meter-reserved' });
  reserved.style.width = `${reservedPercent}%`;
  bar.append(fill, reserved);
  return h('div', { class: 'cap' },
    h('p', { id: 'cap-label', class: 'cap-label' }, t('cap_label', { year: me.year })),
    bar,
    h('p', { class: 'cap-text' }, t('cap_text', { earned: money(me.earned_year), cap: money(me.cap_yearly), year: me.year, left: money(me.cap_left) })),
    me.reserved ? h('p', { class: 'hint' }, t('cap_reserved', { amount: money(me.reserved) })) : null,
    me.cap_left === 0 && used >= cap ? h('p', { class: 'status status-error' }, t('cap_full')) : null);
}

async function meCard(me) {
  const balance = h('p', { class: 'balance', id: 'balance' }, money(me.balance));
  const pending = h('p', { class: 'hint' }, me.pending_incoming ? t('balance_pending', { amount: money(me.pending_incoming) }) : '');
  const capSlot = h('div', {}, capBlock(me));
  const status = statusLine();
  const watch = h('button', { type: 'button', class: 'btn btn-ghost' }, t('watch_asset'));
  watch.addEventListener('click', () =>
    busy(watch, async () => {
      try {
        if (!wallet.current()) await wallet.restore(session().address);
        if (!wallet.current()) throw new wallet.WalletError(t('wallet_not_connected'));
        await wallet.watchAsset();
        status.set(t('watch_asset_done'), 'ok');
      } catch (error) {
        status.set(error.message, 'error');
      }
    }),
  );
  const card = h('section', { class: 'card me', 'aria-labelledby': 'me-title' },
    h('h2', { id: 'me-title' }, t('my_heitjes')),
    h('div', { 'aria-live': 'polite', 'aria-atomic': 'true', class: 'balance-live' },
      h('p', { class: 'balance-label' }, t('balance')), balance, pending),
    capSlot,
    h('div', { class: 'actions' }, h('a', { href: '/burger/geschiedenis', class: 'btn btn-ghost' }, t('history')), wallet.usesPhone() ? null : watch),
    status);
  // The reward arriving: the balance is re-read while the page is open (and announced).
  let last = me.balance;
  const timer = setInterval(async () => {
    try {
      const fresh = await api('/me');
      if (fresh.balance !== last || fresh.pending_incoming !== me.pending_incoming) {
        last = fresh.balance;
        me.pending_incoming = fresh.pending_incoming;
        balance.textContent = money(fresh.balance);
        pending.textContent = fresh.pending_incoming ? t('balance_pending', { amount: money(fresh.pending_incoming) }) : '';
        clear(capSlot).append(capBlock(fresh));
      }
    } catch {
      /* offline for a moment: try again on the next tick */
    }
  }, 4000);
  onLeave(() => clearInterval(timer));
  return card;
}

// Claims whose deadline runs: to hand in (claimed) or to hand in again or appeal (rejected).
const RUNNING = new Set(['claimed', 'rejected']);
// Claims that ended without pay and cannot be taken on again (one claim per citizen per task).
const ENDED = new Set(['expired', 'abandoned']);

// A claim whose time ran out is still "claimed" on chain until someone expires it: say so.
function timedOut(claim) {
  return RUNNING.has(claimStatus(claim)) && claim.expires_at * 1000 < Date.now();
}

async function claimLine(claim) {
  if (timedOut(claim)) return t('status_expired');
  const status = claimStatus(claim);
  const key = `status_${status}`;
  if (status === 'claimed') return t(key, { date: dateTime(claim.expires_at) });
  if (status === 'rejected' || status === 'denied') return t(key, { reason: await reasonText(claim.reason) });
  if (status === 'paid') return t(key, { amount: money(claim.reward) });
  return t(key);
}

async function myTasks(me) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'mytasks-title' }, h('h2', { id: 'mytasks-title' }, t('my_tasks')));
  if (!me.claims.length) {
    section.append(h('p', {}, t('my_tasks_none')));
    return section;
  }
  const items = await Promise.all(
    me.claims.map(async (claim) => {
      let name = `#${claim.task_id}`;
      try {
        const task = await api(`/tasks/${claim.task_id}`);
        name = docText(task.document, 'title') || name;
      } catch {
        /* keep the number */
      }
      const status = claimStatus(claim);
      return h('li', { class: `claim claim-${status}` },
        h('a', { href: `/burger/klus/${claim.task_id}` }, name),
        h('span', { class: 'badge' }, t(`status_short_${status}`)),
        h('p', {}, await claimLine(claim)));
    }),
  );
  section.append(h('ul', { class: 'plain claims' }, items));
  return section;
}

function taskCard(task) {
  return h('li', { class: 'card task' },
    h('h3', {}, h('a', { href: `/burger/klus/${task.task_id}` }, title(task))),
    h('p', { class: 'reward' }, h('span', { class: 'visually-hidden' }, `${t('reward')}: `), money(task.reward)),
    h('p', { class: 'meta' }, [hoodName(task.neighbourhood), task.street].filter(Boolean).join(' · ')),
    h('p', { class: 'meta' },
      t('places_left', { open: task.slots_open, slots: task.slots }), ' · ',
      t('claim_until', { date: date(task.claim_deadline) }), ' · ',
      t('time_to_do', { duration: duration(task.claim_duration) })));
}

// The open tasks; a resident's own neighbourhood (`home`) first.
async function taskSection(home = null) {
  const hoods = await neighbourhoods();
  const section = h('section', { 'aria-labelledby': 'tasks-title', class: 'tasks' });
  const list = h('div', { id: 'task-list' });
  const mapSlot = h('div', { id: 'task-map-slot', hidden: true });
  const select = h('select', { id: 'hood-filter' },
    h('option', { value: '' }, t('all_hoods')),
    hoods.map((n) => h('option', { value: String(n.code) }, n.name)));
  let view = 'list';
  let tasks = [];
  const listButton = h('button', { type: 'button', class: 'btn btn-toggle', 'aria-pressed': 'true' }, t('view_list'));
  const mapButton = h('button', { type: 'button', class: 'btn btn-toggle', 'aria-pressed': 'false' }, t('view_map'));
  const count = h('p', { class: 'hint', 'aria-live': 'polite' });

  async function load() {
    const hood = select.value ? `&neighbourhood=${select.value}` : '';
    try {
      const page = await api(`/tasks?status=open&limit=100${hood}`);
      tasks = page.items;
      // Stable: within each group the API's order (newest first) stays.
      if (home) tasks.sort((a, b) => Number(b.neighbourhood === home) - Number(a.neighbourhood === home));
      count.textContent = t('tasks_count', { n: page.total });
    } catch (error) {
      tasks = [];
      count.textContent = error instanceof ApiError ? error.message : t('error_generic');
    }
    clear(list).append(
      tasks.length ? h('ul', { class: 'plain task-list' }, tasks.map(taskCard)) : h('p', {}, t('tasks_none')),
    );
    if (view === 'map') await showMap();
  }

  async function showMap() {
    mapSlot.hidden = false;
    clear(mapSlot).append(h('p', { class: 'hint' }, t('map_loading')));
    try {
      const { taskMap } = await import('./map.js');
      await taskMap(mapSlot, tasks, config(), { base: assetBase(), title, money, hoodName });
    } catch {
      clear(mapSlot).append(h('p', { class: 'status status-error' }, t('map_failed')));
    }
  }

  listButton.addEventListener('click', () => {
    view = 'list';
    listButton.setAttribute('aria-pressed', 'true');
    mapButton.setAttribute('aria-pressed', 'false');
    mapSlot.hidden = true;
    list.hidden = false;
  });
  mapButton.addEventListener('click', async () => {
    view = 'map';
    mapButton.setAttribute('aria-pressed', 'true');
    listButton.setAttribute('aria-pressed', 'false');
    list.hidden = true;
    await showMap();
  });
  select.addEventListener('change', load);
  section.append(
    h('h2', { id: 'tasks-title' }, t('open_tasks')),
    ...(home ? [h('p', { class: 'hint' }, t('tasks_home_first', { hood: hoodName(home) }))] : []),
    h('div', { class: 'toolbar' },
      h('div', { class: 'toggle', role: 'group', 'aria-label': t('view_label') }, listButton, mapButton),
      field(t('filter_hood'), select)),
    count, list, mapSlot,
  );
  await load();
  return section;
}

// ----------------------------------------------------------------- task page
async function taskPage(view, taskId) {
  view.append(h('p', {}, h('a', { href: '/burger', class: 'back' }, `← ${t('back_to_tasks')}`)));
  let task;
  try {
    task = await api(`/tasks/${taskId}`);
  } catch (error) {
    view.append(h('h1', {}, t('task_not_found')), h('p', { class: 'status status-error' }, error.message));
    return;
  }
  const doc = task.document || {};
  const where = doc.location || {};
  view.append(
    h('h1', {}, docText(doc, 'title') || `#${taskId}`),
    h('p', { class: 'reward big' }, h('span', { class: 'visually-hidden' }, `${t('reward')}: `), money(task.reward)),
    h('p', {}, docText(doc, 'description')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('task_where')), h('dd', {}, [where.street, hoodName(task.neighbourhood)].filter(Boolean).join(', ')),
      h('dt', {}, t('task_places')), h('dd', {}, t('places_left', { open: task.slots_open, slots: task.slots })),
      h('dt', {}, t('task_deadline')), h('dd', {}, date(task.claim_deadline)),
      h('dt', {}, t('task_duration')), h('dd', {}, duration(task.claim_duration))),
  );
  const area = h('div', { class: 'task-actions' });
  view.append(area);
  await taskActions(area, task);
}

// A button that has the API prepare the transaction at `path` and runs it; once it is through,
// the page is drawn again and says `done` where the button was (after the task's facts).
function actionButton(label, className, path, done, status) {
  const button = h('button', { type: 'button', class: className }, label);
  button.addEventListener('click', () =>
    busy(button, async () => {
      if (await act(path, undefined, status)) {
        await rerender({ focus: false });
        announce(done, { near: 'dl.facts' });
      }
    }),
  );
  return button;
}

async function taskActions(area, task) {
  clear(area);
  if (!session()) {
    area.append(signInPanel(t('claim_signin'), () => rerender({ focus: false }), { phone: true }));
    return;
  }
  if (!hasRole('citizen')) {
    area.append(h('p', { class: 'callout', role: 'note' }, t('not_citizen')));
    return;
  }
  const me = await api('/me');
  const claim = me.claims.find((c) => c.task_id === task.task_id);
  if (!claim) {
    const status = statusLine();
    // The safety note first, then the button that claims (issue #15; safety.js).
    const { claimAfterSafety } = await import('./safety.js');
    const confirm = actionButton(t('claim_after_safety'), 'btn btn-primary', `/me/tasks/${task.task_id}/claim`, t('claim_done'), status);
    area.append(await claimAfterSafety(task, confirm), status);
    return;
  }
  area.append(...(await claimActions(task, claim)));
}

// Where the citizen's claim on this task stands, and what they can do next.
async function claimActions(task, claim) {
  const status = claimStatus(claim);
  // One claim per citizen per task (the contract's rule): a claim that ended stays ended.
  if (ENDED.has(status) || timedOut(claim)) {
    return [h('p', { class: 'claim-state claim-ended', role: 'status' }, await claimLine(claim))];
  }
  const parts = [h('p', { class: `claim-state claim-${status}`, role: 'status' }, await claimLine(claim))];
  const rejected = status === 'rejected';
  // The last rejection is final (/config max_rejections): no new photos, only an appeal.
  const finalRejection = rejected && claim.final;
  if (rejected) {
    const next = finalRejection ? (claim.appealed ? 'status_rejected_final_appealed' : 'status_rejected_final') : 'status_rejected_next';
    parts.push(h('p', {}, t(next, { date: dateTime(claim.expires_at), n: config().max_rejections })));
  }
  if (status === 'claimed' || (rejected && !finalRejection)) parts.push(evidenceForm(task, () => rerender({ focus: false })));
  const path = (action) => `/me/tasks/${task.task_id}/${action}`;
  if (rejected && !claim.appealed) {
    const appealStatus = statusLine();
    parts.push(h('div', { class: 'actions' }, actionButton(t('appeal'), 'btn', path('appeal'), t('appeal_done'), appealStatus)), appealStatus);
  }
  if (status === 'claimed') {
    const abandonStatus = statusLine();
    parts.push(h('div', { class: 'actions' }, actionButton(t('abandon'), 'btn btn-ghost', path('abandon'), t('abandon_done'), abandonStatus)), abandonStatus);
  }
  return parts;
}

// -------------------------------------------------------------- history page
async function historyPage(view) {
  view.append(h('p', {}, h('a', { href: '/burger', class: 'back' }, `← ${t('back_to_tasks')}`)), h('h1', {}, t('history')));
  if (!session()) {
    view.append(signInPanel(t('signin_why_citizen'), undefined, { phone: true }));
    return;
  }
  const [items, merchants] = await Promise.all([api('/me/history'), api('/merchants')]);
  view.append(historyList(items, merchants));
}
