// Transactions: the API prepares them (POST → a PreparedTx with a description in the page's
// language). When the API offers the city's relayer (`relay` on the PreparedTx), the person's
// wallet only signs a request and the city pays the fee (relay.js); otherwise, or when the relayer
// cannot pay right now and the person chooses to, their wallet sends it as a transaction of their
// own. Either way the page waits until it is processed and then for the indexer, so what it
// shows next already includes the change. Every step is said on a status line; a refusal is said
// in words (the API's or the relayer's, or the wallet's mapped from its code).
import { api, ApiError, markChanged } from './api.js';
import { config } from './config.js';
import { getLang, t } from './i18n.js';
import { chainLabel, networkBanner } from './network.js';
import * as relay from './relay.js';
import { session } from './session.js';
import { busy, h } from './ui.js';
import * as wallet from './wallet.js';

// Waits until the indexer has seen block `block` (the page then shows the new state).
export async function waitIndexed(block, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const ready = await api('/ready');
      if (ready && ready.indexed_block >= block) {
        markChanged(); // the reads that follow show the new state, not a kept page (api.js)
        return true;
      }
    } catch {
      /* the indexer is starting or behind: keep waiting */
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

// Throws a WalletError (in words) unless the wallet is connected with the signed-in account and
// on WESH's chain.
async function readyWallet(address) {
  let active = wallet.current();
  if (!active && session()) active = await wallet.restore(session().address);
  if (!active) throw new wallet.WalletError(t('wallet_not_connected'));
  if (active.address.toLowerCase() !== address.toLowerCase()) throw new wallet.WalletError(t('wallet_other_account'));
  const chain = await wallet.chainOf(active);
  if (chain !== config().chain_id) {
    await networkBanner();
    throw new wallet.WalletError(t('wrong_network', { current: chainLabel(chain), wanted: config().chain_name }));
  }
  return active;
}

// Waits for the indexer to reach `block`, saying `text` on `status`. Returns true when it did.
async function indexed(block, status, text = t('tx_indexing')) {
  status.set(text, 'busy');
  if (!(await waitIndexed(block))) {
    status.set(t('tx_slow'), 'error');
    return false;
  }
  return true;
}

function sayError(error, status) {
  const known = error instanceof wallet.WalletError || error instanceof ApiError || error instanceof relay.RelayError;
  status.set(known ? error.message : t('error_generic'), 'error');
}

// Sends a PreparedTx as a transaction of the person's own (their wallet pays the fee): shows what
// it does, waits for the receipt and for the indexer. Returns true when done.
async function sendDirect(prepared, status) {
  const what = prepared.description[getLang()] || prepared.description.nl;
  try {
    await readyWallet(prepared.from);
    status.set(t('tx_confirm', { what }), 'busy');
    const hash = await wallet.sendTransaction(prepared);
    status.set(t('tx_sent'), 'busy');
    const receipt = await wallet.waitReceipt(hash);
    if (!receipt) {
      status.set(t('tx_timeout'), 'error');
      return false;
    }
    if (Number.parseInt(receipt.status, 16) !== 1) {
      status.set(t('tx_failed'), 'error');
      return false;
    }
    return await indexed(Number.parseInt(receipt.blockNumber, 16), status);
  } catch (error) {
    sayError(error, status);
    return false;
  }
}

// The relayer cannot pay right now: says why (its own words) and offers to send it oneself, for
// someone whose wallet holds the chain's coin. Resolves true once that went through; until the
// person chooses it, the action waits (its button stays busy).
function offerDirect(prepared, status, message) {
  status.set(message, 'error');
  if (!status.parentNode) return Promise.resolve(false);
  return new Promise((resolve) => {
    const button = h('button', { type: 'button', class: 'btn' }, t('relay_direct'));
    const offer = h('div', { class: 'relay-direct actions' }, h('p', { class: 'hint' }, t('relay_direct_hint')), button);
    button.addEventListener('click', () =>
      busy(button, async () => {
        if (await sendDirect(prepared, status)) {
          offer.remove();
          resolve(true);
        }
      }),
    );
    status.after(offer);
  });
}

// Whether the signed-in account is the one on this phone (account.js): it sends nothing itself,
// so there is no "send it yourself" for it, only "later".
function onPhone() {
  const active = wallet.current();
  return active ? Boolean(active.provider.isWeshAccount) : wallet.usesPhone();
}

// Runs a PreparedTx from the API: relayed when the API offers it (no fee for the person),
// otherwise sent by the person's wallet; reports every step on `status`. Returns true when done.
export async function runTx(prepared, status) {
  if (!relay.offered(prepared)) {
    if (!onPhone()) return sendDirect(prepared, status);
    status.set(t('phone_relay_unavailable'), 'error');
    return false;
  }
  let block;
  try {
    await readyWallet(prepared.from);
    block = await relay.relay(prepared, status);
  } catch (error) {
    if (error instanceof relay.RelayError && error.direct) {
      if (!onPhone()) return offerDirect(prepared, status, error.message);
      status.set(t('phone_relay_unavailable'), 'error');
      return false;
    }
    sayError(error, status);
    return false;
  }
  return indexed(block, status, t('relay_done'));
}

// Asks the API for a prepared transaction and runs it; the API's refusal (in words) goes to
// `status`. Returns true when the transaction went through and is indexed.
export async function act(path, body, status) {
  let prepared;
  try {
    prepared = await api(path, { method: 'POST', body });
  } catch (error) {
    status.set(error instanceof ApiError ? error.message : t('error_generic'), 'error');
    return false;
  }
  return runTx(prepared.tx || prepared, status);
}
