// /winkel, the shop's books (issue #15): today's payments and refunds with their totals, a refund
// of all or part of a payment (within what the contract allows: what the resident paid here and
// has not had back, until they pay another shop), the CSV for the shop's accountant, the cash-out
// history with the bank's reference, and "wie doen er mee": how many residents paid this month,
// by neighbourhood, small counts hidden. People are a neighbourhood here, never who.
import { api, ApiError } from './api.js';
import { date, getLang, money, parseMoney, t, time } from './i18n.js';
import { act } from './transactions.js';
import { clear, field, h, statusLine, uid } from './ui.js';
import './texts_shop.js';

// Cents as an amount field shows them ("3,50" in Dutch, "3.50" in English).
const euros = (cents) => (cents / 100).toFixed(2).replace('.', getLang() === 'en' ? '.' : ',');
// Payments of today listed at first, newest first.
const SHOWN = 10;
const whoFrom = (name) => (name ? t('resident_from', { hood: name }) : t('a_resident'));

// ------------------------------------------------------------------ today
// The day overview: totals, and each payment with a refund button while something of it can be
// given back. `afterRefund` runs once a refund is in (the page reads the balance again).
// `onToday(date)` hears the API's date of today (YYYY-MM-DD, Europe/Amsterdam). Returns
// { card, refresh() }.
export function dayCard(afterRefund, onToday) {
  const titleId = uid('day');
  const totals = h('dl', { class: 'day-totals' });
  const list = h('div', { class: 'day-list' });
  const status = statusLine();
  const heading = h('h2', { id: titleId }, t('day_title'));
  const card = h('section', { class: 'card day', 'aria-labelledby': titleId }, heading, totals, status, list);
  let openFor = null; // the payment whose refund form is open: it stays open across refreshes

  const refresh = async () => {
    let day;
    try {
      day = await api('/merchant/day');
    } catch (error) {
      status.set(error instanceof ApiError ? error.message : t('day_failed'), 'error');
      return;
    }
    if (status.classList.contains('status-error')) status.set('');
    if (onToday) onToday(day.today);
    heading.textContent = `${t('day_title')} · ${date(Date.parse(`${day.date}T12:00:00Z`) / 1000)}`;
    clear(totals).append(
      ...[
        [t('day_count'), String(day.count)],
        [t('day_received'), money(day.received)],
        [t('day_refunded'), money(day.refunded)],
        [t('day_net'), money(day.net)],
      ].map(([label, value]) => h('div', { class: 'day-total' }, h('dt', {}, label), h('dd', {}, value))),
    );
    if (openFor && list.contains(openFor.form)) return; // not while the shop is typing
    openFor = null;
    clear(list).append(paymentLines(day), ...refundLines(day));
  };

  // The newest SHOWN at first; a busy day's others behind one button (the totals count them all).
  let showAll = false;
  const paymentLines = (day) => {
    if (!day.payments.length) return h('p', {}, t('day_none'));
    const newest = day.payments.slice().reverse();
    const shown = showAll ? newest : newest.slice(0, SHOWN);
    const ul = h('ul', { class: 'plain history day-payments' }, shown.map((p) => paymentLine(p)));
    if (shown.length === newest.length) return ul;
    const more = h('button', { type: 'button', class: 'btn day-more' }, t('day_more', { n: newest.length }));
    more.addEventListener('click', () => {
      showAll = true;
      const rest = newest.slice(SHOWN).map((p) => paymentLine(p));
      ul.append(...rest);
      more.remove();
      rest[0].setAttribute('tabindex', '-1');
      rest[0].focus(); // the button is gone: the first line it showed takes the focus
    });
    return h('div', {}, ul, more);
  };

  const paymentLine = (p) => {
    const item = h('li', { class: 'history-item in day-payment' },
      h('span', { class: 'what' }, t('day_payment', { time: p.timestamp ? time(p.timestamp) : '…', code: p.code, who: whoFrom(p.neighbourhood_name) })),
      h('span', { class: 'amount' }, `+ ${money(p.amount)}`),
      p.refunded ? h('span', { class: 'when refunded' }, t('day_payment_refunded', { amount: money(p.refunded) })) : null);
    if (p.refundable > 0) {
      const button = h('button', { type: 'button', class: 'btn btn-small refund-open', 'aria-label': t('refund_button_label', { code: p.code }), 'aria-expanded': 'false' }, t('refund_button'));
      button.addEventListener('click', () => {
        if (openFor) openFor.close();
        button.setAttribute('aria-expanded', 'true');
        const form = refundForm(p, () => {
          form.remove();
          button.setAttribute('aria-expanded', 'false');
          openFor = null;
          button.focus();
        });
        openFor = { form, close: () => form.remove() };
        item.append(form);
        form.querySelector('input').focus();
      });
      item.append(h('span', { class: 'refund-action' }, button));
    } else if (p.refunded) {
      item.append(h('span', { class: 'when' }, t('refund_none_left')));
    }
    return item;
  };

  // "Terugbetalen van betaling ABC123": the amount (at first all that can be given back), relayed.
  const refundForm = (p, close) => {
    const amount = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', name: 'refund', value: euros(p.refundable) });
    const formStatus = statusLine();
    const send = h('button', { type: 'submit', class: 'btn btn-primary' }, t('refund_send', { amount: money(p.refundable) }));
    const cancel = h('button', { type: 'button', class: 'btn' }, t('refund_cancel'));
    const titleId = uid('refund');
    const form = h('form', { class: 'refund-form', 'aria-labelledby': titleId, novalidate: true },
      h('h3', { id: titleId }, t('refund_title', { code: p.code })),
      field(t('refund_amount'), amount, t('refund_hint', { max: money(p.refundable) })),
      h('div', { class: 'actions' }, send, cancel), formStatus);
    amount.addEventListener('input', () => {
      const cents = parseMoney(amount.value);
      send.textContent = t('refund_send', { amount: money(cents || 0) });
    });
    cancel.addEventListener('click', close);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const cents = parseMoney(amount.value);
      if (!cents || cents > p.refundable) {
        formStatus.set(cents ? t('refund_above', { max: money(p.refundable) }) : t('amount_invalid'), 'error');
        amount.setAttribute('aria-invalid', 'true');
        amount.focus();
        return;
      }
      amount.removeAttribute('aria-invalid');
      send.disabled = true;
      cancel.disabled = true;
      send.setAttribute('aria-busy', 'true');
      try {
        if (await act('/merchant/refunds', { payment: p.id, amount: cents }, formStatus)) {
          openFor = null;
          await refresh();
          status.set(t('refund_done', { amount: money(cents) }), 'ok');
          status.scrollIntoView({ block: 'nearest' });
          if (afterRefund) await afterRefund();
        }
      } finally {
        send.disabled = false;
        cancel.disabled = false;
        send.removeAttribute('aria-busy');
      }
    });
    return form;
  };

  const refundLines = (day) => {
    if (!day.refunds.length) return [];
    return [
      h('h3', {}, t('day_refunds')),
      h('ul', { class: 'plain history day-refunds' }, day.refunds.slice().reverse().map((r) => {
        const when = r.timestamp ? time(r.timestamp) : '…';
        const who = whoFrom(r.neighbourhood_name);
        return h('li', { class: 'history-item out' },
          h('span', { class: 'what' }, r.code ? t('day_refund_line', { time: when, code: r.code, who }) : t('day_refund_line_nocode', { time: when, who })),
          h('span', { class: 'amount' }, `− ${money(r.amount)}`));
      })),
    ];
  };

  return { card, refresh };
}

// ------------------------------------------------------- the accountant's CSV
// A period (the first of this month to today at first) and a link that downloads its CSV.
// Returns { card, setToday(date) }: today as the API says it (the browser's until then).
export function exportCard() {
  let today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(new Date());
  const titleId = uid('export');
  const start = h('input', { type: 'date', name: 'from', value: `${today.slice(0, 8)}01`, max: today, required: true });
  const end = h('input', { type: 'date', name: 'to', value: today, max: today, required: true });
  const status = statusLine();
  const link = h('a', { class: 'btn btn-primary export-link', download: '' }, t('export_download'));
  const update = () => {
    const ok = start.value && end.value && start.value <= end.value;
    if (ok) {
      link.setAttribute('href', `/merchant/payments.csv?from=${start.value}&to=${end.value}`);
      link.removeAttribute('aria-disabled');
      status.set('');
    } else {
      link.removeAttribute('href');
      link.setAttribute('aria-disabled', 'true');
      status.set(t('export_bad_period'), 'error');
    }
  };
  start.addEventListener('input', update);
  end.addEventListener('input', update);
  update();
  let touched = false;
  start.addEventListener('change', () => { touched = true; });
  end.addEventListener('change', () => { touched = true; });
  const card = h('section', { class: 'card export', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, t('export_title')),
    h('p', {}, t('export_intro')),
    h('div', { class: 'period' }, field(t('export_from'), start), field(t('export_to'), end)),
    link, status,
    h('p', { class: 'hint' }, t('export_format')));
  return {
    card,
    setToday(day) {
      if (!day || day === today) return;
      today = day;
      start.max = day;
      end.max = day;
      if (!touched) {
        start.value = `${day.slice(0, 8)}01`;
        end.value = day;
      }
      update();
    },
  };
}

// ------------------------------------------------------------- cash-outs
// The shop's cash-outs, numbered per shop (its first is "Uitbetaling 1"), each with what its bank
// statement will say once the city paid it, or "nog niet uitbetaald".
export function cashoutLines(lines) {
  if (!lines.length) return h('p', {}, t('cashouts_none'));
  return h('ul', { class: 'plain history cashouts' },
    lines.map((c) =>
      h('li', { class: `history-item cashout-${c.status}` },
        h('span', { class: 'what' }, t('cashout_number', { id: c.number })),
        h('span', { class: 'amount' }, money(c.amount)),
        c.requested_at ? h('span', { class: 'when' }, t('cashout_requested_on', { date: date(c.requested_at) })) : null,
        h('span', { class: `badge badge-${c.status}` },
          c.status === 'paid' ? t('cashout_paid', { ref: c.payment_reference || '' }) : t('cashout_open')),
        h('span', { class: 'when bank-ref' },
          c.status === 'paid'
            ? t('cashout_bank_line', { date: c.paid_at ? date(c.paid_at) : '', e2e: c.end_to_end_id })
            : t('cashout_not_paid')))));
}

// ------------------------------------------------------------- who's involved
// Returns { card, refresh() }.
export function involvedCard() {
  const titleId = uid('involved');
  const body = h('div', {});
  const card = h('section', { class: 'card involved', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, t('involved_title')),
    h('p', {}, t('involved_intro')), body);
  const refresh = async () => {
    let out;
    try {
      out = await api('/merchant/involved');
    } catch {
      return; // the rest of the page works without it
    }
    const [year, month] = out.month.split('-').map(Number);
    const monthText = new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' })
      .format(new Date(Date.UTC(year, month - 1, 15)));
    const parts = [h('h3', {}, t('involved_month', { month: monthText }))];
    if (out.residents === null) {
      parts.push(h('p', { class: 'involved-total' }, out.hidden_neighbourhoods ? t('involved_few', { k: out.min_count }) : t('involved_none')));
    } else {
      parts.push(h('p', { class: 'involved-total' }, t('involved_total', { n: out.residents })));
      const rows = out.neighbourhoods.map((n) => h('li', {}, t('involved_hood', { hood: n.name, n: n.residents })));
      if (out.hidden_neighbourhoods) {
        rows.push(h('li', { class: 'involved-hidden' }, t('involved_hidden', { hoods: out.hidden_neighbourhoods, n: out.hidden_residents })));
      }
      parts.push(h('ul', { class: 'involved-hoods' }, rows));
      if (out.hidden_neighbourhoods) parts.push(h('p', { class: 'hint' }, t('involved_why', { k: out.min_count })));
    }
    clear(body).append(...parts);
  };
  return { card, refresh };
}
