// The wrong-network banner: when the signed-in person's wallet is on another chain than WESH's,
// it names both networks and offers one button to switch (the wallet adds the chain first when
// it does not know it).
import { config } from './config.js';
import { t } from './i18n.js';
import { session } from './session.js';
import { busy, clear, h, statusLine } from './ui.js';
import * as wallet from './wallet.js';

const CHAINS = { 1: 'Ethereum', 10: 'Optimism', 100: 'Gnosis', 137: 'Polygon', 8453: 'Base', 42161: 'Arbitrum', 11155111: 'Sepolia' };

// A chain as people know it: "Gnosis, chain 100", or just "chain 1234".
export function chainLabel(id) {
  return CHAINS[id] ? `${CHAINS[id]}, chain ${id}` : `chain ${id}`;
}

// Set while a switch the person asked for is under way: the banner then says it worked.
let justSwitched = false;

// Draws the banner into #banner: nothing when the wallet is on WESH's chain (or not connected).
export async function networkBanner() {
  const slot = document.getElementById('banner');
  clear(slot);
  const active = wallet.current();
  if (!active || !session()) return;
  let chain;
  try {
    chain = await wallet.chainOf(active);
  } catch {
    return;
  }
  const { chain_id: wanted, chain_name: wantedName } = config();
  if (chain === wanted) {
    if (justSwitched) slot.append(h('p', { class: 'banner status status-ok', role: 'status' }, t('network_switched')));
    justSwitched = false;
    return;
  }
  const status = statusLine();
  const button = h('button', { type: 'button', class: 'btn' }, t('switch_network', { wanted: wantedName }));
  button.addEventListener('click', () =>
    busy(button, async () => {
      try {
        justSwitched = true;
        await wallet.switchChain();
      } catch (error) {
        justSwitched = false;
        status.set(error.message, 'error');
      }
    }),
  );
  slot.append(
    h('div', { class: 'banner banner-warn', role: 'alert' },
      h('p', {}, t('wrong_network', { current: chainLabel(chain), wanted: wantedName })),
      button, status),
  );
}
