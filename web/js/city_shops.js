// /gemeente/winkels: the merchant manager's desk (Heerlen Mijn Stad). A new shop joins with the
// code its phone shows (its public details go into its document; its bank account for cash-outs
// stays with the city, never public); a shop's bank account changes; a shop that lost its phone
// moves to a new one. Loaded by city.js only for this section.
import { api, ApiError } from './api.js';
import { codeOf, scanner } from './desk.js';
import { date, dateTime, t } from './i18n.js';
import { hoodName, neighbourhoods } from './neighbourhoods.js';
import { announce, rerender } from './page.js';
import { session } from './session.js';
import { runTx } from './transactions.js';
import { busy, field, h, shortAddress, statusLine } from './ui.js';
import './texts_city.js';

// The kinds a shop's document names (wesh/csv_rows.py KINDS; the API refuses others).
const KINDS = ['bakery', 'bar', 'bike shop', 'bookshop', 'culture', 'restaurant', 'shop', 'theatre'];

const again = () => rerender({ focus: false });
// Documents made from the city's CSV files before may name the kind in Dutch (csv_rows aliases).
const ALIASES = { bakkerij: 'bakery', cafe: 'bar', 'café': 'bar', horeca: 'bar', boekhandel: 'bookshop', theater: 'theatre', cultuur: 'culture', fietsenwinkel: 'bike shop', winkel: 'shop' };
const kindName = (kind) => {
  const known = KINDS.includes(kind) ? kind : ALIASES[String(kind).toLowerCase()];
  return known ? t(`shopkind_${known}`) : kind;
};

// A join code from the page's address (the QR code's link opens the desk with ?code=...).
function codeFromLink() {
  return new URLSearchParams(window.location.search).get('code') || '';
}

export async function shops(body) {
  const [list, hoods] = await Promise.all([api('/city/merchants'), neighbourhoods()]);
  body.append(newShopForm(hoods), shopList(list));
  if (list.length) body.append(bankForm(list), moveForm(list));
}

// Sends a body to the API; a refusal that names fields marks them (aria-invalid) and focuses the
// first; returns the answer, or null after saying why on `status`.
async function send(path, method, payload, inputs, status) {
  for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
  try {
    return await api(path, { method, body: payload });
  } catch (error) {
    status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
    const fields = (error instanceof ApiError && error.problem && error.problem.params && error.problem.params.fields) || [];
    const marked = fields.map((name) => inputs[name]).filter(Boolean);
    for (const input of marked) input.setAttribute('aria-invalid', 'true');
    if (marked.length) marked[0].focus();
    return null;
  }
}

function codeInput(name) {
  return h('input', { type: 'text', name, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '200', required: true });
}

// The code field with the registrar's desk's camera reader (desk.js) under it: a QR code read
// fills the field in ("ABCD-EFGH").
function codeField(label, input) {
  const camera = scanner((text) => {
    const code = codeOf(text);
    input.value = `${code.slice(0, 4)}-${code.slice(4)}`;
    input.focus();
  });
  return h('div', {}, field(label, input, t('shops_code_hint')), camera.element);
}

function bankInputs() {
  return {
    iban: h('input', { type: 'text', name: 'iban', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', required: true, maxlength: '44' }),
    bic: h('input', { type: 'text', name: 'bic', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '15' }),
    holder: h('input', { type: 'text', name: 'holder', autocomplete: 'off', maxlength: '70' }),
  };
}

function bankFields(inputs) {
  return h('fieldset', {},
    h('legend', {}, t('shops_bank_legend')),
    h('p', { class: 'hint' }, t('shops_bank_hint')),
    field(t('shops_iban'), inputs.iban),
    field(t('shops_bic'), inputs.bic),
    field(t('shops_holder'), inputs.holder));
}

const bankPayload = (inputs) => ({
  iban: inputs.iban.value.trim(),
  bic: inputs.bic.value.trim() || null,
  holder: inputs.holder.value.trim() || null,
});

// ------------------------------------------------------------------ new shop
function newShopForm(hoods) {
  const inputs = {
    code: codeInput('code'),
    name: h('input', { type: 'text', name: 'name', autocomplete: 'off', required: true, maxlength: '80' }),
    kind: h('select', { name: 'kind' }, KINDS.map((kind) => h('option', { value: kind, selected: kind === 'shop' }, kindName(kind)))),
    street: h('input', { type: 'text', name: 'street', autocomplete: 'off', required: true, maxlength: '120' }),
    postcode: h('input', { type: 'text', name: 'postcode', autocomplete: 'off', autocapitalize: 'characters', required: true, maxlength: '8' }),
    neighbourhood: h('select', { name: 'neighbourhood' }, hoods.map((n) => h('option', { value: String(n.code) }, n.name))),
    opening_hours: h('input', { type: 'text', name: 'opening_hours', autocomplete: 'off', maxlength: '200' }),
    website: h('input', { type: 'url', name: 'website', autocomplete: 'off', maxlength: '200' }),
    ...bankInputs(),
  };
  inputs.code.value = codeFromLink();
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('shops_register'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'newshop-title', novalidate: true },
    h('h2', { id: 'newshop-title' }, t('shops_new_title')),
    h('p', {}, t('shops_new_intro')),
    codeField(t('shops_code'), inputs.code),
    h('fieldset', {},
      h('legend', {}, t('shops_public_legend')),
      field(t('shops_name'), inputs.name),
      field(t('shops_kind'), inputs.kind),
      field(t('shops_street'), inputs.street),
      h('div', { class: 'row' }, field(t('shops_postcode'), inputs.postcode), field(t('shops_hood'), inputs.neighbourhood)),
      field(t('shops_hours'), inputs.opening_hours, t('shops_hours_hint')),
      field(t('shops_website'), inputs.website)),
    bankFields(inputs),
    submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const name = inputs.name.value.trim();
      const payload = {
        code: inputs.code.value.trim(),
        name,
        kind: inputs.kind.value,
        street: inputs.street.value.trim(),
        postcode: inputs.postcode.value.trim(),
        neighbourhood: Number(inputs.neighbourhood.value),
        opening_hours: inputs.opening_hours.value.trim() || null,
        website: inputs.website.value.trim() || null,
        ...bankPayload(inputs),
      };
      const prepared = await send('/city/merchants', 'POST', payload, inputs, status);
      if (prepared && (await runTx(prepared.tx, status))) {
        // The code is used: a link's ?code= must not fill it in again.
        if (window.location.search) window.history.replaceState(null, '', window.location.pathname);
        await again();
        announce(t('shops_registered', { name }));
      }
    });
  });
  return form;
}

// --------------------------------------------------------------- the shops
function shopLabel(shop) {
  return shop.active ? shop.name : t('shops_inactive', { name: shop.name });
}

function shopList(list) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'shops-title' }, h('h2', { id: 'shops-title' }, t('shops_list_title')));
  if (!list.length) {
    section.append(h('p', {}, t('city_shops_none')));
    return section;
  }
  const heads = [t('shops_col_number'), t('shops_col_name'), t('shops_col_kind'), t('shops_col_hood'), t('shops_col_bank'), t('shops_col_changed')];
  section.append(h('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'shops-title' },
    h('table', { class: 'data shops' },
      h('thead', {}, h('tr', {}, heads.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, list.map((shop) => h('tr', {},
        h('td', {}, String(shop.merchant_id)),
        h('th', { scope: 'row' }, shopLabel(shop)),
        h('td', {}, kindName(shop.kind)),
        h('td', {}, shop.neighbourhood == null ? '' : hoodName(shop.neighbourhood)),
        h('td', { class: 'iban' }, shop.bank_account ? shop.bank_account.iban : t('shops_no_bank')),
        h('td', {}, shop.bank_account ? date(shop.bank_account.changed_at) : '')))))));
  return section;
}

function shopSelect(list, name) {
  return h('select', { name }, list.map((shop) => h('option', { value: String(shop.merchant_id) }, `${shopLabel(shop)} (${shop.merchant_id})`)));
}

// ------------------------------------------------------ bank account change
function bankForm(list) {
  const inputs = { merchant: shopSelect(list, 'bank-shop'), ...bankInputs() };
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn' }, t('shops_bank_save'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'bank-title', novalidate: true },
    h('h2', { id: 'bank-title' }, t('shops_bank_title')),
    field(t('shops_pick'), inputs.merchant),
    bankFields(inputs),
    submit, status, bankHistory(inputs.merchant));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const shop = list.find((s) => String(s.merchant_id) === inputs.merchant.value);
      const saved = await send(`/city/merchants/${shop.merchant_id}/bank-account`, 'PUT', bankPayload(inputs), inputs, status);
      if (saved) {
        await again();
        announce(t('shops_bank_done', { name: shop.name }));
      }
    });
  });
  return form;
}

// Every bank account the chosen shop has had, newest first: who set it and when (the log the
// API keeps; a change never overwrites an earlier account).
function bankHistory(select) {
  const box = h('div', { class: 'bank-history', 'aria-live': 'polite' });
  const who = (address) => (session() && session().address.toLowerCase() === address.toLowerCase() ? t('payfile_by_you') : shortAddress(address));
  const load = async () => {
    let rows;
    try {
      rows = await api(`/city/merchants/${select.value}/bank-accounts`);
    } catch (error) {
      box.replaceChildren(h('p', { class: 'hint' }, error instanceof ApiError ? error.message : t('error_generic')));
      return;
    }
    box.replaceChildren(h('h3', {}, t('shops_bank_history')), rows.length
      ? h('ul', { class: 'plain payout-lines' }, rows.map((r) => h('li', {},
        h('span', { class: 'iban' }, r.iban), ` · ${r.holder} · `,
        t(r.action === 'register' ? 'shops_bank_registered' : 'shops_bank_changed', { when: dateTime(r.changed_at), who: who(r.changed_by) }))))
      : h('p', {}, t('shops_no_bank')));
  };
  select.addEventListener('change', load);
  load();
  return box;
}

// --------------------------------------------------------- a shop's new phone
function moveForm(list) {
  const active = list.filter((shop) => shop.active);
  const inputs = { merchant: shopSelect(active.length ? active : list, 'move-shop'), code: codeInput('move-code') };
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn' }, t('shops_move_button'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'move-title', novalidate: true },
    h('h2', { id: 'move-title' }, t('shops_move_title')),
    h('p', {}, t('shops_move_intro')),
    field(t('shops_pick'), inputs.merchant),
    codeField(t('shops_move_code'), inputs.code),
    submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const shop = list.find((s) => String(s.merchant_id) === inputs.merchant.value);
      const payload = { merchant: shop.merchant_id, code: inputs.code.value.trim() };
      const prepared = await send('/city/merchants/move', 'POST', payload, inputs, status);
      if (prepared && (await runTx(prepared.tx, status))) {
        await again();
        announce(t('shops_moved', { name: shop.name }));
      }
    });
  });
  return form;
}
