// A resident's messages (GET /me/notifications): a hand-in approved or rejected, a claim that
// runs out within a day. The header names the unread ones ("Berichten, 2 nieuw"), /burger has a
// card that leads to them, and /burger/berichten lists them and marks them read once shown.
// There too: notifications on this phone (Web Push: the service worker /sw.js shows them; the
// push itself says only what happened, never a name, an amount or a place).
import { api, ApiError } from './api.js';
import { date, dateTime, getLang, money, t } from './i18n.js';
import { reasonText } from './reasons.js';
import { busy, h, statusLine } from './ui.js';

// Each count written; an answer older than the last count written is dropped.
let written = 0;

// The header's link: its count of unread messages (nothing when there are none).
export async function fillUnread(link) {
  const asked = written;
  try {
    const { unread } = await api('/me/notifications/unread');
    if (asked === written) setUnread(link, unread);
  } catch {
    /* the count is a courtesy: the messages are on their page */
  }
}

function setUnread(link, unread) {
  written += 1;
  if (!link) return;
  const count = link.querySelector('.count');
  if (count) {
    count.textContent = unread ? String(unread) : '';
    count.hidden = !unread;
  }
  // Screen readers hear "Berichten 2 nieuw" where the eye sees the number on a red dot.
  const word = link.querySelector('.unread-word');
  if (word) word.hidden = !unread;
}

// On /burger: a card that says how many messages are new and leads to them.
export async function inboxCard() {
  let unread = 0;
  try {
    unread = (await api('/me/notifications/unread')).unread;
  } catch {
    return null;
  }
  if (!unread) return null;
  const text = t(unread === 1 ? 'inbox_card_unread' : 'inbox_card_unread_many', { n: unread });
  return h('p', { class: 'callout inbox-card', role: 'status' },
    h('span', {}, `${text}. `),
    h('a', { href: '/burger/berichten' }, t('inbox_card_open')));
}

function titleOf(item) {
  const title = getLang() === 'en' ? item.title_en || item.title_nl : item.title_nl;
  return title || `#${item.task_id}`;
}

async function itemLines(item) {
  const task = titleOf(item);
  if (item.kind === 'approved') {
    return [t('inbox_approved', { task }), t('inbox_approved_text', { amount: money(item.amount) })];
  }
  if (item.kind === 'rejected') {
    const lines = [t('inbox_rejected', { task }), t('inbox_rejected_text', { reason: await reasonText(item.reason) })];
    if (item.deadline) lines.push(t('inbox_rejected_until', { date: dateTime(item.deadline) }));
    return lines;
  }
  // A report of the resident's became this task (reports.js, issue #16).
  if (item.kind === 'report_task') return [t('inbox_report_task'), t('inbox_report_task_text', { task })];
  return [t('inbox_expiring', { task }), t('inbox_expiring_text', { date: dateTime(item.deadline) })];
}

async function itemView(item) {
  const [head, ...rest] = await itemLines(item);
  return h('li', { class: `message message-${item.kind}${item.read ? '' : ' message-new'}` },
    h('h3', {}, item.read ? null : h('span', { class: 'badge badge-new' }, t('inbox_new')), ' ', head),
    rest.map((line) => h('p', {}, line)),
    h('p', { class: 'meta' }, t('inbox_received', { date: date(item.created_at) })),
    h('a', { href: `/burger/klus/${item.task_id}` }, t('inbox_open_task')));
}

// ------------------------------------------------------------------------- Web Push
function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

async function currentSubscription() {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return registration ? registration.pushManager.getSubscription() : null;
}

async function subscribe(publicKey) {
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  const json = subscription.toJSON();
  await api('/me/push', { method: 'POST', body: { endpoint: json.endpoint, keys: json.keys, lang: getLang() } });
}

async function unsubscribe() {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await api('/me/push', { method: 'DELETE', body: { endpoint: subscription.endpoint } });
  await subscription.unsubscribe();
}

async function pushCard() {
  const card = h('section', { class: 'card push', 'aria-labelledby': 'push-title' },
    h('h2', { id: 'push-title' }, t('push_title')),
    h('p', {}, t('push_intro')));
  const status = statusLine();
  if (!pushSupported()) {
    status.set(t('push_unsupported'), 'info');
    card.append(status);
    return card;
  }
  let config = { enabled: false };
  try {
    config = await api('/push');
  } catch {
    /* said below */
  }
  if (!config.enabled) {
    status.set(t('push_unavailable'), 'info');
    card.append(status);
    return card;
  }
  const button = h('button', { type: 'button', class: 'btn btn-primary', id: 'push-toggle' });
  let on = false;
  const show = () => {
    button.textContent = on ? t('push_off') : t('push_on');
    button.className = on ? 'btn' : 'btn btn-primary';
  };
  try {
    on = Boolean(await currentSubscription()) && Notification.permission === 'granted' && (await api('/me/push')).subscriptions > 0;
  } catch {
    on = false;
  }
  show();
  if (on) {
    // The pushes speak the language the app is in now (it may have been switched since).
    const json = (await currentSubscription()).toJSON();
    api('/me/push', { method: 'POST', body: { endpoint: json.endpoint, keys: json.keys, lang: getLang() } }).catch(() => {});
  }
  if (Notification.permission === 'denied') status.set(t('push_denied'), 'info');
  button.addEventListener('click', () =>
    busy(button, async () => {
      status.set(t('push_busy'), 'busy');
      try {
        if (on) {
          await unsubscribe();
          on = false;
          status.set(t('push_is_off'), 'ok');
        } else {
          const permission = await Notification.requestPermission();
          if (permission !== 'granted') {
            status.set(t('push_denied'), 'info');
            return;
          }
          await subscribe(config.public_key);
          on = true;
          status.set(t('push_is_on'), 'ok');
        }
      } catch (error) {
        status.set(error instanceof ApiError ? error.message : t('push_unsupported'), 'error');
      } finally {
        show();
      }
    }),
  );
  card.append(h('div', { class: 'actions' }, button), status);
  return card;
}

// ------------------------------------------------------------------- the page
export async function inboxPage(view) {
  view.append(h('p', {}, h('a', { href: '/burger', class: 'back' }, `← ${t('back_to_tasks')}`)),
    h('h1', {}, t('inbox_title')),
    h('p', { class: 'lead' }, t('inbox_intro')));
  const list = h('section', { class: 'messages', 'aria-label': t('inbox_title') });
  let inbox;
  try {
    inbox = await api('/me/notifications');
  } catch (error) {
    view.append(h('p', { class: 'status status-error' }, error instanceof ApiError ? error.message : t('error_generic')));
    return;
  }
  if (!inbox.items.length) list.append(h('p', {}, t('inbox_none')));
  else list.append(h('ul', { class: 'plain message-list' }, await Promise.all(inbox.items.map(itemView))));
  view.append(list, await pushCard());
  // Shown: read. The newest shown is the bound, so one that arrives meanwhile stays new.
  if (inbox.unread) {
    try {
      const { unread } = await api('/me/notifications/read', { method: 'POST', body: { up_to: inbox.items[0].id } });
      setUnread(document.getElementById('inbox-link'), unread);
    } catch {
      /* marked read next time */
    }
  }
}
