// Transactions: the API prepares them (POST → a PreparedTx with a description in the page's
// language), the person's wallet signs and sends them, and the page waits for the receipt and
// then for the indexer, so what it shows next already includes the change. Every step is said
// on a status line; a refusal is said in words (the API's, or the wallet's mapped from its code).
import { api, ApiError } from './api.js';
import { config } from './config.js';
import { getLang, t } from './i18n.js';
import { chainLabel, networkBanner } from './network.js';
import { session } from './session.js';
import * as wallet from './wallet.js';

// Waits until the indexer has seen block `block` (the page then shows the new state).
export async function waitIndexed(block, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const ready = await api('/ready');
      if (ready && ready.indexed_block >= block) return true;
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

// Sends a PreparedTx from the API with the wallet: shows what it does, waits for the receipt and
// for the indexer, and reports every step on `status`. Returns true when done.
export async function runTx(prepared, status) {
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
    status.set(t('tx_indexing'), 'busy');
    if (!(await waitIndexed(Number.parseInt(receipt.blockNumber, 16)))) {
      status.set(t('tx_slow'), 'error');
      return false;
    }
    return true;
  } catch (error) {
    status.set(error instanceof wallet.WalletError || error instanceof ApiError ? error.message : t('error_generic'), 'error');
    return false;
  }
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
