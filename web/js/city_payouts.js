// /gemeente/uitbetalingen: Financiën, the treasurer's section. The shops' cash-outs are paid by
// bank: the page makes the SEPA payout file (the same checked pain.001 file as `ape run
// redemptions sepa`), the treasurer downloads it for the bank and, once the bank executed it,
// marks its cash-outs paid (with the file's message id as reference). A shop without a bank
// account is named and left out. A cash-out is in one file at most; a file the bank refused is
// made again ("Opnieuw maken"), never a second file beside it. Below: a payment made outside a
// file, the cash-outs paid, and the monthly figures for the books (CSV). Loaded by city.js only
// for this section.
import { api, ApiError } from './api.js';
import { config } from './config.js';
import { date, dateTime, money, monthName, t } from './i18n.js';
import { announce, rerender } from './page.js';
import { session } from './session.js';
import { act } from './transactions.js';
import { busy, field, h, shortAddress, statusLine, uid } from './ui.js';
import './texts_city.js';

const again = () => rerender({ focus: false });
// Months of the books shown on the page (the CSV holds them all).
const MONTHS_SHOWN = 12;

export async function payouts(body) {
  const [view, paid, merchants, months] = await Promise.all([
    api('/city/payouts'), api('/city/redemptions?status=paid'), api('/merchants'), api('/city/finance/months'),
  ]);
  // A paid cash-out names its shop: by the shop's id (it stays the shop's after a move), else its wallet.
  const byId = new Map(merchants.map((m) => [m.merchant_id, m.name]));
  const names = new Map(merchants.map((m) => [m.address.toLowerCase(), m.name]));
  const shop = (r) => (r.merchant_id != null && byId.get(r.merchant_id)) || names.get(r.merchant.toLowerCase()) || shortAddress(r.merchant);
  body.append(makeCard(view.open));
  if (view.files.length) body.append(filesCard(view.files));
  const outside = view.open.filter((c) => c.state !== 'filed');
  if (outside.length) body.append(manualCard(outside));
  body.append(paidCard(paid, shop), booksCard(months));
}

const line = (c) => `${t('cashout_number', { id: c.redemption_id })} · ${c.shop} · ${money(c.amount)}`;
const total = (list) => list.reduce((sum, c) => sum + c.amount, 0);

// ------------------------------------------------------------ making a file
function makeCard(open) {
  const ready = open.filter((c) => c.state === 'ready');
  const missing = open.filter((c) => c.state === 'no_bank_account');
  const section = h('section', { class: 'card payout-make', 'aria-labelledby': 'make-title' },
    h('h2', { id: 'make-title' }, t('payouts_open')),
    h('p', { class: 'hint' }, t('payfile_intro')));
  if (!ready.length && !missing.length) {
    section.append(h('p', {}, open.length ? t('payfile_all_filed') : t('payouts_none')));
    return section;
  }
  if (ready.length) {
    section.append(h('h3', {}, t('payfile_ready', { n: ready.length, amount: money(total(ready)) })),
      h('ul', { class: 'plain payout-lines' }, ready.map((c) => h('li', {}, line(c)))));
  }
  if (missing.length) {
    const shops = [...new Set(missing.map((c) => c.shop))].join(', ');
    section.append(h('div', { class: 'callout payout-missing', role: 'note' },
      h('p', {}, t('payfile_missing', { shops })),
      h('ul', { class: 'plain payout-lines' }, missing.map((c) => h('li', {}, line(c))))));
  }
  if (ready.length) {
    const status = statusLine();
    const button = h('button', { type: 'button', class: 'btn btn-primary' }, t('payfile_make', { n: ready.length, amount: money(total(ready)) }));
    button.addEventListener('click', () =>
      busy(button, async () => {
        try {
          const made = await api('/city/payout-files', { method: 'POST', body: {} });
          await again();
          announce(t('payfile_made', { id: made.file.message_id }));
        } catch (error) {
          status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
        }
      }),
    );
    section.append(button, status);
  }
  return section;
}

// ---------------------------------------------------------------- the files
const STATUS = {
  waiting: ['payfile_waiting', ''],
  partly_paid: ['payfile_partly', ''],
  paid: ['payfile_paid', 'badge-paid'],
  replaced: ['payfile_replaced', ''],
};

function madeBy(address) {
  const mine = session() && session().address.toLowerCase() === address.toLowerCase();
  return mine ? t('payfile_by_you') : shortAddress(address);
}

function fileItem(file) {
  const titleId = uid('payfile');
  const status = statusLine();
  const [key, badge] = STATUS[file.status];
  const li = h('li', { class: 'card payout-file', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, h('span', { class: 'message-id' }, file.message_id), ' ',
      h('span', { class: `badge ${badge}` }, t(key, { file: file.replaced_by }))),
    h('p', { class: 'meta' }, t('payfile_meta', {
      when: dateTime(file.created_at), who: madeBy(file.created_by), date: date(Date.parse(`${file.execution_date}T12:00:00Z`) / 1000),
      n: file.transfers, amount: money(file.total),
    })),
    h('ul', { class: 'plain payout-lines' }, file.items.map((i) => h('li', {},
      `${t('cashout_number', { id: i.redemption_id })} · ${i.shop} · `, h('span', { class: 'iban' }, i.iban), ` · ${money(i.amount)}`,
      i.paid ? h('span', { class: 'badge badge-paid' }, t('payfile_item_paid')) : ''))));
  const actions = h('div', { class: 'actions' },
    h('a', { class: 'btn', href: `/city/payout-files/${file.file_id}/xml`, download: `${file.message_id}.xml` }, t('payfile_download')));
  if (file.status === 'waiting' || file.status === 'partly_paid') {
    const mark = h('button', { type: 'button', class: 'btn btn-primary' }, t('payfile_mark'));
    mark.addEventListener('click', () =>
      busy(mark, async () => {
        if (await act(`/city/payout-files/${file.file_id}/mark-paid`, {}, status)) {
          await again();
          announce(t('payfile_marked', { id: file.message_id }));
        }
      }),
    );
    actions.append(mark);
  }
  if (file.status === 'waiting') {
    const redo = h('button', { type: 'button', class: 'btn' }, t('payfile_redo'));
    redo.addEventListener('click', () =>
      busy(redo, async () => {
        try {
          const made = await api(`/city/payout-files/${file.file_id}/replace`, { method: 'POST', body: {} });
          await again();
          announce(t('payfile_made', { id: made.file.message_id }));
        } catch (error) {
          status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
        }
      }),
    );
    actions.append(redo);
  }
  li.append(actions);
  if (file.status === 'waiting' || file.status === 'partly_paid') li.append(h('p', { class: 'hint' }, t('payfile_mark_hint')));
  li.append(status);
  return li;
}

function filesCard(files) {
  return h('section', { class: 'card', 'aria-labelledby': 'files-title' },
    h('h2', { id: 'files-title' }, t('payfile_files')),
    h('ul', { class: 'plain payout-files' }, files.map(fileItem)));
}

// ------------------------------------------ paid outside a file (by hand)
function manualCard(open) {
  const chosen = new Set();
  const reference = h('input', { type: 'text', name: 'reference', maxlength: String(config().max_payment_reference_length), autocomplete: 'off' });
  const status = statusLine();
  const button = h('button', { type: 'submit', class: 'btn' }, t('mark_paid'));
  const rows = open.map((c) => {
    const box = h('input', { type: 'checkbox', id: uid('payout'), checked: true });
    chosen.add(c.redemption_id);
    box.addEventListener('change', () => (box.checked ? chosen.add(c.redemption_id) : chosen.delete(c.redemption_id)));
    return h('li', { class: 'check' }, box, h('label', { for: box.id }, line(c)));
  });
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'manual-title' },
    h('h2', { id: 'manual-title' }, t('payfile_manual')),
    h('p', { class: 'hint' }, t('payfile_manual_hint')),
    h('ul', { class: 'plain' }, rows), field(t('payment_reference'), reference, t('payment_reference_hint')), button, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(button, async () => {
      if (!chosen.size) {
        status.set(t('choose_one'), 'error');
        return;
      }
      if (await act('/city/redemptions/mark-paid', { redemption_ids: [...chosen], payment_reference: reference.value.trim() }, status)) {
        await again();
        announce(t('mark_paid_done'));
      }
    });
  });
  return form;
}

function paidCard(paid, shop) {
  return h('section', { class: 'card', 'aria-labelledby': 'paid-title' },
    h('h2', { id: 'paid-title' }, t('payouts_paid')),
    paid.length
      ? h('ul', { class: 'plain payout-lines' }, paid.map((r) => h('li', {},
        `${t('cashout_number', { id: r.redemption_id })} · ${shop(r)} · ${money(r.amount)} `,
        h('span', { class: 'badge badge-paid' }, t('cashout_paid', { ref: r.payment_reference || '' })))))
      : h('p', {}, t('payouts_none')));
}

// ---------------------------------------------------------------- the books
function booksCard(months) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'books-title' },
    h('h2', { id: 'books-title' }, t('books_title')),
    h('p', { class: 'hint' }, t('books_intro')),
    h('p', {}, h('a', { class: 'btn', href: '/city/finance/months.csv', download: 'wesh-maanden.csv' }, t('books_download'))));
  if (!months.length) {
    section.append(h('p', {}, t('books_none')));
    return section;
  }
  const heads = ['col_month', 'books_granted', 'books_withdrawn', 'books_payouts', 'books_requested', 'books_paid', 'books_owed'];
  const shown = months.slice(-MONTHS_SHOWN).reverse();
  section.append(h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'books-title' },
    h('table', { class: 'data books' },
      h('thead', {}, h('tr', {}, heads.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, shown.map((m) => h('tr', {},
        h('th', { scope: 'row' }, monthName(m.month)),
        [m.budget_granted, m.budget_withdrawn, m.payouts, m.cashouts_requested, m.cashouts_paid, m.liability]
          .map((v) => h('td', { class: 'amount' }, money(v)))))))));
  return section;
}
