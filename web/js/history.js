// A person's Heitje history as a list (rewards, payments, refunds, cash-outs, moves), with the
// shop's name where the other side is a shop: the citizen's history page and the shop's page.
import { dateTime, money, t } from './i18n.js';
import { h, shortAddress } from './ui.js';

// items: /me/history; merchants: /merchants (to name the shops).
export function historyList(items, merchants) {
  const names = new Map(merchants.map((m) => [m.address.toLowerCase(), m.name]));
  const who = (address) => names.get(address.toLowerCase()) || shortAddress(address);
  if (!items.length) return h('p', {}, t('history_none'));
  return h('ul', { class: 'plain history' },
    items.map((item) => {
      let label;
      if (item.kind === 'mint') label = t('kind_mint');
      else if (item.kind === 'burn') label = t('kind_burn');
      else label = t(`kind_${item.kind}_${item.direction}`, { who: who(item.counterparty) });
      const sign = item.direction === 'in' ? '+' : '−';
      return h('li', { class: `history-item ${item.direction}` },
        h('span', { class: 'what' }, label),
        h('span', { class: 'amount' }, `${sign} ${money(item.amount)}`),
        item.timestamp ? h('span', { class: 'when' }, dateTime(item.timestamp)) : null);
    }));
}
