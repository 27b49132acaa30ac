// /betalen/<reference>: the page a shop's QR code opens. Shows the shop and the amount, signs the
// citizen in if needed, pays with one tap and says "Betaald" big enough to show at the counter.
import { api, ApiError } from './api.js';
import { money, t, time } from './i18n.js';
import { rerender } from './page.js';
import { hasRole, session } from './session.js';
import { signInPanel } from './signin.js';
import { act } from './transactions.js';
import { busy, clear, h, statusLine } from './ui.js';

export async function render(view, [reference]) {
  let request;
  try {
    request = await api(`/pay/${reference}`);
  } catch (error) {
    view.append(h('h1', {}, t('pay_title', { shop: '…' })), h('p', { class: 'status status-error', role: 'alert' }, error instanceof ApiError ? error.message : t('error_generic')), h('p', {}, h('a', { href: '/burger' }, t('back_to_tasks'))));
    return;
  }
  view.append(
    h('h1', {}, t('pay_title', { shop: request.merchant_name })),
    h('div', { class: 'card pay' },
      h('p', { class: 'balance-label' }, t('pay_amount')),
      h('p', { class: 'balance' }, money(request.amount)),
      request.note ? h('p', {}, request.note) : null,
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
    view.append(signInPanel(t('pay_signin'), () => rerender({ focus: false }), { phone: true }));
    return;
  }
  if (!hasRole('citizen')) {
    view.append(h('p', { class: 'callout', role: 'note' }, t('not_citizen')));
    return;
  }
  const me = await api('/me');
  view.append(h('p', {}, t('your_balance', { amount: money(me.balance) })));
  if (me.balance < request.remaining) view.append(h('p', { class: 'status status-error' }, t('pay_low', { balance: money(me.balance) })));
  const status = statusLine();
  const button = h('button', { type: 'button', class: 'btn btn-primary btn-big' }, t('pay_button', { amount: money(request.remaining) }));
  button.addEventListener('click', () =>
    busy(button, async () => {
      if (await act('/me/payments', { reference }, status)) {
        status.set('');
        button.remove();
        clear(outcome).append(
          h('p', { class: 'paid' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('paid_badge')),
          h('p', {}, t('pay_done')),
          h('p', {}, h('a', { href: '/burger' }, t('back_to_tasks'))),
        );
      }
    }),
  );
  view.append(button, status);
}
