// /winkel: the shop. An amount becomes a QR code; the payment shows up live (Server-Sent Events,
// with a slower status poll as a fallback) with who paid, "Betaald" only once all of it is in;
// cash-outs and their settlement.
import { api, ApiError } from './api.js';
import { historyList } from './history.js';
import { getLang, money, t, time } from './i18n.js';
import { hoodName, neighbourhoods } from './neighbourhoods.js';
import { onLeave, rerender } from './page.js';
import { joinCard } from './joincode.js';
import { hasRole, session } from './session.js';
import { signInPanel } from './signin.js';
import { cashoutLines, dayCard, exportCard, involvedCard } from './shop_day.js';
import { act } from './transactions.js';
import { clear, field, h, onAmountSubmit, shortAddress, statusLine } from './ui.js';
import './texts_shop.js';

// Cents as the amount field shows them ("3,50" in Dutch, "3.50" in English); empty for zero.
const euros = (cents) => (cents ? (cents / 100).toFixed(2).replace('.', getLang() === 'en' ? '.' : ',') : '');
const bytes32 = (reference) => `0x${reference.toLowerCase().padEnd(64, '0')}`;

export async function render(view) {
  view.append(h('h1', {}, t('merchant_title')));
  if (!session()) {
    view.append(signInPanel(t('signin_why_merchant'), undefined, { phone: true }));
    return;
  }
  if (!hasRole('merchant')) {
    // A new account (no role yet) waits for the merchant manager; any other is not a shop's.
    if (session().roles.length) view.append(h('p', { class: 'callout', role: 'note' }, t('not_merchant')));
    else view.append(waitForDesk());
    return;
  }
  const [me, merchants] = await Promise.all([api('/me'), api('/merchants')]);
  const shop = merchants.find((m) => m.address.toLowerCase() === session().address.toLowerCase());
  const shopName = shop ? shop.name : shortAddress(session().address);
  view.querySelector('h1').textContent = `${t('merchant_title')}: ${shopName}`;

  const balance = balanceCard(me);
  const lists = { received: h('div', {}), cashouts: h('div', {}), history: h('div', {}) };
  let cashout = null;
  // The shop's books (shop_day.js): today with refunds, who's involved, the accountant's CSV.
  const books = { export: exportCard(), involved: involvedCard() };
  const refresh = () => refreshShop({ balance, lists, merchants, cashout, books });
  books.day = dayCard(refresh, (today) => books.export.setToday(today));
  const request = paymentRequestForm(shopName, refresh);
  cashout = cashoutForm(me, lists.cashouts, refresh);
  view.append(balance.card, request.form);
  listenForPayments(request, refresh);
  view.append(
    books.day.card,
    h('section', { class: 'card', 'aria-labelledby': 'recv-title' }, h('h2', { id: 'recv-title' }, t('received')), lists.received),
    cashout.form,
    books.involved.card,
    books.export.card,
    h('section', { class: 'card', 'aria-labelledby': 'hist-title' }, h('h2', { id: 'hist-title' }, t('history')), lists.history),
  );
  // The shop's offer that residents see on their list (shop_offer.js, issue #16).
  if (shop) {
    const { offerCard } = await import('./shop_offer.js');
    view.append(await offerCard(shop.merchant_id));
  }
  await refresh();
  watchCashouts(lists.cashouts);
}

// ------------------------------------------------------------ joining at the desk
// "Wacht op aanmelding": the code and QR code the merchant manager registers this shop with;
// the shop's page appears as soon as the registration is in.
function waitForDesk() {
  return joinCard({
    title: t('shop_join_title'),
    intro: t('shop_join_intro'),
    qrAlt: t('shop_join_qr_alt'),
    retiredText: t('shop_join_retired'),
    done: (account) => Boolean(account.is_merchant),
    onRegistered: () => rerender({ focus: true }),
  });
}

// ------------------------------------------------------------------ balance
function balanceCard(me) {
  const amount = h('p', { class: 'balance', id: 'balance' }, money(me.balance));
  const card = h('section', { class: 'card me', 'aria-labelledby': 'bal-title' },
    h('h2', { id: 'bal-title' }, t('balance')),
    h('div', { 'aria-live': 'polite', 'aria-atomic': 'true' }, amount));
  return {
    card,
    show(cents) {
      amount.textContent = money(cents);
    },
  };
}

// Reads the balance, the payments, the cash-outs and the history again and shows them.
async function refreshShop({ balance, lists, merchants, cashout, books }) {
  const [fresh, payments, cashouts, history] = await Promise.all([
    api('/me'), api('/merchant/payments'), api('/merchant/cashout-history'), api('/me/history'), neighbourhoods(),
    books.day.refresh(), books.involved.refresh(),
  ]);
  balance.show(fresh.balance);
  if (cashout) cashout.follow(fresh.balance);
  clear(lists.received).append(paymentList(payments));
  clear(lists.cashouts).append(cashoutLines(cashouts));
  clear(lists.history).append(historyList(history, merchants));
  return fresh;
}

// ------------------------------------------------------- asking for a payment
// The form that turns an amount into a QR code, and what it says while the request is on screen.
// Returns { form, waitingFor(), check(reference) }.
function paymentRequestForm(shopName, refresh) {
  const amount = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'amount', required: true });
  const note = h('input', { type: 'text', name: 'note', maxlength: '140' });
  const askStatus = statusLine();
  const qrSlot = h('div', { class: 'qr-slot' });
  const paidLine = h('div', { class: 'pay-outcome', 'aria-live': 'assertive', 'aria-atomic': 'true' });
  const make = h('button', { type: 'submit', class: 'btn btn-primary' }, t('make_qr'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'ask-title', novalidate: true },
    h('h2', { id: 'ask-title' }, t('ask_payment')),
    field(t('amount'), amount, t('amount_hint')),
    field(t('f_note_shop'), note),
    make, askStatus, qrSlot, paidLine);
  let waitingFor = null;
  let shownShort = 0;

  // The API's answer for the request on screen: "Betaald" only when this shop received all of
  // it; a part payment is said as what it is, and the QR code stays for the rest.
  const showStatus = (status) => {
    if (status.reference !== waitingFor) return;
    if (status.paid) {
      waitingFor = null;
      askStatus.set('');
      clear(qrSlot);
      clear(paidLine).append(...paidOutcome(status, () => {
        clear(paidLine);
        amount.value = '';
        amount.focus();
      }));
    } else if (status.received > 0 && status.received !== shownShort) {
      shownShort = status.received; // said once per change: the line is read out (aria-live)
      clear(paidLine).append(h('p', { class: 'paid-short' },
        t('paid_short', { received: money(status.received), amount: money(status.amount), remaining: money(status.remaining) })));
    } else {
      return;
    }
    refresh();
  };
  const check = async (reference) => showStatus(await api(`/merchant/payment-requests/${reference}/status`));

  // Fallback for networks that hold event streams back: ask every few seconds.
  const poll = (reference) => {
    const ask = async () => {
      if (waitingFor !== reference) return;
      try {
        await check(reference);
      } catch {
        /* try again */
      }
      if (waitingFor === reference) setTimeout(ask, 3000);
    };
    setTimeout(ask, 3000);
  };

  onAmountSubmit(form, { amount, button: make, status: askStatus }, async (cents) => {
    askStatus.set('');
    clear(paidLine);
    let created;
    try {
      created = await api('/merchant/payment-requests', { method: 'POST', body: { amount: cents, note: note.value } });
    } catch (error) {
      askStatus.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
      return;
    }
    waitingFor = created.reference;
    shownShort = 0;
    clear(qrSlot).append(...qrCode(created, shopName));
    askStatus.set(t('waiting_payment', { amount: money(created.amount) }), 'busy');
    // The QR code in view for the resident's camera (on a phone it is below the form's fold).
    qrSlot.scrollIntoView({ block: 'start', behavior: 'instant' });
    poll(created.reference);
  });
  return { form, waitingFor: () => waitingFor, check };
}

function qrCode(created, shopName) {
  return [
    h('img', { class: 'qr', src: created.qr_svg, width: 264, height: 264, alt: t('qr_alt', { amount: money(created.amount), shop: shopName }) }),
    created.code ? h('p', { class: 'pay-code' }, t('pay_code', { code: created.code })) : null,
    h('p', {}, t('qr_help')),
    h('p', {}, h('a', { href: created.link, class: 'pay-link' }, created.link)),
    h('p', { class: 'hint' }, t('pay_expires', { time: time(created.expires_at) })),
  ];
}

// Who paid, as a shop may know it: "inwoner uit Schandelen" (the resident's neighbourhood), never
// who they are or their address.
function payerName(payment) {
  if (payment.neighbourhood_name) return t('resident_from', { hood: payment.neighbourhood_name });
  if (payment.neighbourhood != null) return t('resident_from', { hood: hoodName(payment.neighbourhood) });
  return t('a_resident');
}

// "Betaald", by whom, and a button for the next payment.
function paidOutcome(status, next) {
  const payers = [...new Set(status.payments.map(payerName))].join(', ');
  return [
    h('p', { class: 'paid' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('paid_badge')),
    h('p', { class: 'paid-by' }, t('paid_by', { amount: money(status.received), who: payers })),
    h('button', { type: 'button', class: 'btn', onclick: next }, t('new_payment')),
  ];
}

// Live payments: one event per new payment; one quoting the request on screen may pay only part
// of it, so the API is asked how much of the request is paid.
function listenForPayments(request, refresh) {
  if (!window.EventSource) return;
  const stream = new EventSource('/merchant/payments/stream');
  stream.addEventListener('payment', (event) => {
    let payment;
    try {
      payment = JSON.parse(event.data);
    } catch {
      return;
    }
    const waitingFor = request.waitingFor();
    if (waitingFor && payment.reference && payment.reference.toLowerCase() === bytes32(waitingFor)) {
      request.check(waitingFor).catch(() => { /* the poll asks again */ });
    } else {
      refresh();
    }
  });
  onLeave(() => stream.close());
}

// ------------------------------------------------------- received, cash-outs
function paymentList(payments) {
  if (!payments.length) return h('p', {}, t('received_none'));
  return h('ul', { class: 'plain history' },
    payments.slice().reverse().map((p) =>
      h('li', { class: 'history-item in' },
        h('span', { class: 'what' }, t('payment_of', { who: t('kind_payment_in', { who: payerName(p) }), code: p.code })),
        h('span', { class: 'amount' }, `+ ${money(p.amount)}`),
        h('span', { class: 'when' }, p.confirmed ? t('confirmed') : t('on_its_way')))));
}

// The cash-out form: the amount starts as the whole balance and follows it until the shop types
// another. Returns { form, follow(balance) }.
function cashoutForm(me, cashoutSlot, refresh) {
  const amount = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'cashout', value: euros(me.balance) });
  let edited = false;
  amount.addEventListener('input', () => {
    edited = true;
  });
  const status = statusLine();
  const button = h('button', { type: 'submit', class: 'btn' }, t('cashout_button'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'cash-title', novalidate: true },
    h('h2', { id: 'cash-title' }, t('cashout')),
    h('p', {}, t('cashout_intro')),
    field(t('amount'), amount, t('amount_hint')),
    button, status,
    h('h3', {}, t('cashouts')), cashoutSlot);
  onAmountSubmit(form, { amount, button, status }, async (cents) => {
    if (await act('/merchant/cashouts', { amount: cents }, status)) {
      status.set(t('cashout_done'), 'ok');
      edited = false;
      await refresh();
    }
  });
  return {
    form,
    follow(balance) {
      if (!edited) amount.value = euros(balance);
    },
  };
}

// Settlement happens at the city: look again every few seconds while the page is open.
function watchCashouts(cashoutSlot) {
  const timer = setInterval(async () => {
    try {
      clear(cashoutSlot).append(cashoutLines(await api('/merchant/cashout-history')));
    } catch {
      /* next time */
    }
  }, 5000);
  onLeave(() => clearInterval(timer));
}
