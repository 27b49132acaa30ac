// A person's Heitje history as a list (rewards, payments, refunds, cash-outs, moves) in people's
// words: the task a reward was for, the shop a payment went to, and for a shop the neighbourhood
// of the resident who paid ("inwoner uit Schandelen"); never an address.
import { dateTime, getLang, money, t } from './i18n.js';
import { hoodName } from './neighbourhoods.js';
import { h } from './ui.js';

// The other side of an item, by name: the shop (by its id, else its wallet), or a resident's
// neighbourhood.
function counterpart(item, shops) {
  const shop = (item.merchant_id != null && shops.byId.get(item.merchant_id)) || shops.byAddress.get(item.counterparty.toLowerCase());
  if (shop) return shop;
  if (item.neighbourhood != null) return t('resident_from', { hood: hoodName(item.neighbourhood) });
  return item.kind === 'payment' && item.direction === 'out' ? t('a_shop') : t('a_resident');
}

function label(item, shops) {
  if (item.kind === 'mint') {
    const title = (getLang() === 'en' && item.task_title_en) || item.task_title;
    return title ? t('kind_mint_task', { task: title }) : t('kind_mint');
  }
  if (item.kind === 'burn') return t('kind_burn');
  if (item.kind === 'move') return t(`kind_move_${item.direction}`);
  return t(`kind_${item.kind}_${item.direction}`, { who: counterpart(item, shops) });
}

// items: /me/history; merchants: /merchants (to name the shops). The neighbourhood names come
// from neighbourhoods.js (the page loads them first).
export function historyList(items, merchants) {
  const shops = {
    byId: new Map(merchants.map((m) => [m.merchant_id, m.name])),
    byAddress: new Map(merchants.map((m) => [m.address.toLowerCase(), m.name])),
  };
  if (!items.length) return h('p', {}, t('history_none'));
  return h('ul', { class: 'plain history' },
    items.map((item) => {
      const sign = item.direction === 'in' ? '+' : '−';
      return h('li', { class: `history-item ${item.direction}` },
        h('span', { class: 'what' }, label(item, shops)),
        h('span', { class: 'amount' }, `${sign} ${money(item.amount)}`),
        item.timestamp ? h('span', { class: 'when' }, dateTime(item.timestamp)) : null);
    }));
}
