// /betalen/<reference>: the page a shop's QR code opens. Shows the shop, the amount in figures and
// in words, and the payment code the shop's screen shows too; pays with one tap (relayed: the
// city pays the fee) and says "Betaald" and the new balance, big enough to show at the counter.
// In the browser that holds the account on this phone, one tap signs in and pays. Opened in a
// browser without an account (a phone camera opens links in the default browser), it says in
// plain words how to pay in the installed app or the browser one takes part with, and offers to
// make an account here.
import { api, ApiError } from './api.js';
import { config } from './config.js';
import { header } from './header.js';
import { getLang, money, t, time } from './i18n.js';
import { rerender } from './page.js';
import { hasRole, session, setSession } from './session.js';
import { signInPanel } from './signin.js';
import { act } from './transactions.js';
import { busy, clear, h, statusLine } from './ui.js';
import * as wallet from './wallet.js';
import { amountInWords } from './words.js';

export async function render(view, [reference]) {
  let request;
  try {
    request = await api(`/pay/${reference}`);
  } catch (error) {
    view.append(h('h1', {}, t('pay_title', { shop: '…' })), h('p', { class: 'status status-error', role: 'alert' }, error instanceof ApiError ? error.message : t('error_generic')), h('p', {}, h('a', { href: '/burger' }, t('back_to_tasks'))));
    return;
  }
  const due = request.paid ? request.amount : request.remaining;
  view.append(
    h('h1', {}, t('pay_title', { shop: request.merchant_name })),
    h('div', { class: 'card pay' },
      h('p', { class: 'balance-label' }, t('pay_amount')),
      h('p', { class: 'balance' }, money(request.amount)),
      h('p', { class: 'in-words' }, t('pay_in_words', { words: amountInWords(request.amount, getLang()) })),
      request.note ? h('p', {}, request.note) : null,
      request.code ? h('p', { class: 'pay-code' }, t('pay_code', { code: request.code })) : null,
      h('p', { class: 'hint' }, t('pay_expires', { time: time(request.expires_at) }))),
  );
  const outcome = h('div', { 'aria-live': 'polite', class: 'pay-outcome' });
  view.append(outcome);
  if (request.paid) {
    outcome.append(h('p', { class: 'paid' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('paid_badge')), h('p', {}, t('pay_already')));
    return;
  }
  // Part of it paid already (to this shop, quoting this request): the rest is what is paid here.
  if (request.received > 0) {
    outcome.append(h('p', { class: 'paid-short' }, t('pay_partly', { received: money(request.received), amount: money(request.amount), remaining: money(request.remaining) })));
  }
  if (!session()) {
    let onPhone = null;
    try {
      onPhone = await wallet.phoneAddress();
    } catch {
      /* no storage in this browser: no account here */
    }
    if (onPhone) view.append(...oneTap(reference, due, outcome));
    else view.append(...otherBrowser());
    return;
  }
  if (!hasRole('citizen')) {
    view.append(h('p', { class: 'callout', role: 'note' }, t('not_citizen')));
    return;
  }
  const me = await api('/me');
  const balance = h('p', {}, t('your_balance', { amount: money(me.balance) }));
  view.append(balance);
  if (me.balance < request.remaining) view.append(h('p', { class: 'status status-error' }, t('pay_low', { balance: money(me.balance) })));
  const status = statusLine();
  const button = h('button', { type: 'button', class: 'btn btn-primary btn-big' }, t('pay_button', { amount: money(due) }));
  button.addEventListener('click', () =>
    busy(button, async () => {
      if (await act('/me/payments', { reference }, status)) await paid({ button, status, outcome, balance });
    }),
  );
  view.append(button, status);
}

// The payment went through: "Betaald", what to do now, and the balance left.
async function paid({ button, status, outcome, balance = null }) {
  status.set('');
  button.remove();
  let left = null;
  try {
    left = (await api('/me')).balance;
  } catch {
    /* the balance shows on the start page */
  }
  if (balance) balance.remove();
  clear(outcome).append(
    h('p', { class: 'paid' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('paid_badge')),
    h('p', {}, t('pay_done')),
    left === null ? null : h('p', { class: 'balance-after' }, t('pay_balance_after', { amount: money(left) })),
    h('p', {}, h('a', { href: '/burger' }, t('back_to_tasks'))),
  );
}

// This browser holds the account on this phone but is not signed in: one tap signs in with it
// and pays.
function oneTap(reference, due, outcome) {
  const status = statusLine();
  const button = h('button', { type: 'button', class: 'btn btn-primary btn-big' }, t('pay_button', { amount: money(due) }));
  button.addEventListener('click', () =>
    busy(button, async () => {
      status.set(t('phone_signin_busy'), 'busy');
      try {
        setSession(await wallet.signIn(wallet.phoneEntry(config().chain_id)));
      } catch (error) {
        wallet.disconnect();
        status.set(error instanceof wallet.WalletError || error instanceof ApiError ? error.message : t('error_generic'), 'error');
        return;
      }
      header();
      if (!hasRole('citizen')) {
        await rerender({ focus: false });
        return;
      }
      if (await act('/me/payments', { reference }, status)) await paid({ button, status, outcome });
    }),
  );
  return [button, h('p', { class: 'hint' }, t('pay_one_tap')), status];
}

// A browser without an account (a fresh profile; a phone camera's default browser): how to pay
// in the app or browser one takes part with, and making an account here instead.
function otherBrowser() {
  return [
    h('section', { class: 'callout other-browser', role: 'note', 'aria-labelledby': 'other-browser-title' },
      h('h2', { id: 'other-browser-title' }, t('pay_other_browser_title')),
      h('p', {}, t('pay_other_browser')),
      h('p', {}, t('pay_app_hint'))),
    signInPanel(t('pay_join_here'), () => rerender({ focus: false }), { phone: true }),
  ];
}
