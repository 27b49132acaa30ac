// Wallets: EIP-6963 discovery of every installed wallet (with the legacy window.ethereum as a
// fallback), the EIP-1193 calls WESH needs, and on the local demo chain a "demo wallet" that
// signs with the node's unlocked accounts through the API's /demo/rpc; and the built-in account
// of this phone (account.js) behind the same interface.
import * as account from './account.js';
import { api } from './api.js';
import { loadConfig } from './config.js';
import { getLang, t } from './i18n.js';

const announced = new Map();
const changeListeners = new Set();

window.addEventListener('eip6963:announceProvider', (event) => {
  const detail = event.detail;
  if (!detail || !detail.info || !detail.info.uuid || !detail.provider) return;
  announced.set(detail.info.uuid, { info: detail.info, provider: detail.provider });
  changeListeners.forEach((listener) => listener());
});

export function discover() {
  window.dispatchEvent(new Event('eip6963:requestProvider'));
}

export function onWalletsChanged(listener) {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

// Every wallet on offer: the EIP-6963 ones, else a legacy injected provider.
export function wallets() {
  const list = [...announced.values()];
  if (!list.length && window.ethereum && typeof window.ethereum.request === 'function') {
    list.push({
      info: { uuid: 'legacy', name: t('wallet_browser'), icon: '', rdns: 'legacy' },
      provider: window.ethereum,
    });
  }
  return list;
}

export class WalletError extends Error {
  constructor(message, { noFunds = false } = {}) {
    super(message);
    this.noFunds = noFunds;
  }
}

// Wallets say "not enough funds for the network fee" in their own words and codes (anvil -32003,
// MetaMask -32603 wrapping -32000, some a plain rejection): the messages are read for it only,
// never shown.
const NO_FUNDS = /insufficient (funds|balance)|not enough (funds|balance)|exceeds (the )?balance|gas required exceeds allowance/i;

function saysNoFunds(error) {
  const messages = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth += 1) {
    if (typeof e.message === 'string') messages.push(e.message);
    e = e.data && typeof e.data === 'object' ? e.data.originalError || e.data : e.cause;
  }
  return messages.some((message) => NO_FUNDS.test(message));
}

// A wallet's refusal in words (EIP-1193 codes), never the wallet's raw message. An account
// without the chain's own coin for the fee is said as that (not as "you cancelled").
export function walletError(error) {
  if (error instanceof WalletError) return error;
  // The built-in account's own refusals come in both languages.
  if (error && error.text && typeof error.text === 'object') return new WalletError(error.text[getLang()] || error.text.nl);
  if (saysNoFunds(error)) return new WalletError(t('wallet_no_funds'), { noFunds: true });
  const code = error && (error.code ?? (error.data && error.data.code));
  if (code === 4001) return new WalletError(t('wallet_rejected'));
  if (code === -32002) return new WalletError(t('wallet_pending'));
  if (code === 4100 || code === 4900 || code === 4901) return new WalletError(t('wallet_not_connected'));
  return new WalletError(t('wallet_error'));
}

async function call(provider, method, params) {
  try {
    return await provider.request(params === undefined ? { method } : { method, params });
  } catch (error) {
    throw walletError(error);
  }
}

export function hexChain(id) {
  return `0x${Number(id).toString(16)}`;
}

// The demo wallet: the node's unlocked account `address`, through /demo/rpc (chain 31337 only).
export function demoProvider(address, chainId) {
  let id = 0;
  return {
    isWeshDemo: true,
    async request({ method, params }) {
      if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [address];
      if (method === 'eth_chainId') return hexChain(chainId);
      if (method === 'wallet_switchEthereumChain' || method === 'wallet_addEthereumChain') return null;
      if (method === 'wallet_watchAsset') return true;
      id += 1;
      const response = await fetch('/demo/rpc', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params: params || [] }),
      });
      if (!response.ok) throw Object.assign(new Error('demo unavailable'), { code: 4900 });
      const reply = await response.json();
      if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
      return reply.result;
    },
    on() {},
    removeListener() {},
  };
}

// The built-in account of this phone as a wallet entry.
export function phoneEntry(chainId) {
  return { info: { name: t('phone_account'), uuid: 'phone', rdns: 'phone', icon: '' }, provider: account.provider(chainId) };
}

// The address of the built-in account on this phone, or null.
export function phoneAddress() {
  return account.storedAddress();
}

// What protects the account on this phone: { stored, by } with by 'lock' (the phone's screen
// lock) or 'browser' (the browser's storage); without an account, what would protect one made now.
export function phoneProtection() {
  return account.protection();
}

// Whether the last sign-in on this browser was with the built-in account.
export function usesPhone() {
  try {
    return localStorage.getItem('wesh.wallet') === 'phone';
  } catch {
    return false;
  }
}

// The wallet in use: { info, provider, address } or null.
let active = null;
const activeListeners = new Set();
let detach = null;

export function current() {
  return active;
}

export function onActiveChanged(listener) {
  activeListeners.add(listener);
}

function emit(reason) {
  activeListeners.forEach((listener) => listener(reason));
}

function remember(entry) {
  try {
    if (!entry) localStorage.removeItem('wesh.wallet');
    else if (entry.provider.isWeshAccount) localStorage.setItem('wesh.wallet', 'phone');
    else if (entry.provider.isWeshDemo) localStorage.setItem('wesh.wallet', `demo:${entry.address}`);
    else localStorage.setItem('wesh.wallet', `rdns:${entry.info.rdns || entry.info.uuid}`);
  } catch {
    /* storage blocked: forget on reload */
  }
}

function attach(entry) {
  if (detach) detach();
  detach = null;
  const provider = entry.provider;
  if (typeof provider.on !== 'function') return;
  const onAccounts = (accounts) => {
    const next = accounts && accounts[0];
    if (!active) return;
    if (!next || next.toLowerCase() !== active.address.toLowerCase()) emit('accounts');
  };
  const onChain = () => emit('chain');
  provider.on('accountsChanged', onAccounts);
  provider.on('chainChanged', onChain);
  detach = () => {
    if (typeof provider.removeListener === 'function') {
      provider.removeListener('accountsChanged', onAccounts);
      provider.removeListener('chainChanged', onChain);
    }
  };
}

// Asks the wallet for an account (the wallet may show its own prompt).
export async function connect(entry) {
  const accounts = await call(entry.provider, 'eth_requestAccounts');
  if (!accounts || !accounts.length) throw new WalletError(t('wallet_not_connected'));
  active = { info: entry.info, provider: entry.provider, address: accounts[0] };
  attach(active);
  remember(active);
  emit('connected');
  return active;
}

export function disconnect() {
  account.forget();
  if (detach) detach();
  detach = null;
  active = null;
  remember(null);
  emit('disconnected');
}

// After a reload: the wallet chosen before, if it still has `address` (no prompt).
export async function restore(address) {
  let saved = null;
  try {
    saved = localStorage.getItem('wesh.wallet');
  } catch {
    return null;
  }
  if (!saved) return null;
  const cfg = await loadConfig();
  let entry = null;
  if (saved === 'phone') {
    entry = phoneEntry(cfg.chain_id);
  } else if (saved.startsWith('demo:') && cfg.demo) {
    const demoAddress = saved.slice(5);
    entry = { info: { name: 'Demo', uuid: 'demo', rdns: 'demo', icon: '' }, provider: demoProvider(demoAddress, cfg.chain_id) };
  } else if (saved.startsWith('rdns:')) {
    discover();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const rdns = saved.slice(5);
    entry = wallets().find((w) => (w.info.rdns || w.info.uuid) === rdns) || null;
  }
  if (!entry) return null;
  let accounts;
  try {
    accounts = await entry.provider.request({ method: 'eth_accounts' });
  } catch {
    return null;
  }
  const match = (accounts || []).find((a) => a.toLowerCase() === address.toLowerCase());
  if (!match) return null;
  active = { info: entry.info, provider: entry.provider, address: match };
  attach(active);
  return active;
}

export async function chainOf(entry = active) {
  const hex = await call(entry.provider, 'eth_chainId');
  return Number.parseInt(hex, 16);
}

// Switches the wallet to WESH's chain, adding the chain first when the wallet does not know it.
export async function switchChain() {
  const cfg = await loadConfig();
  const chainId = hexChain(cfg.chain_id);
  try {
    await active.provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
  } catch (error) {
    const code = error && (error.code ?? (error.data && error.data.originalError && error.data.originalError.code));
    if (code !== 4902) throw walletError(error);
    await call(active.provider, 'wallet_addEthereumChain', [
      {
        chainId,
        chainName: cfg.chain_name,
        rpcUrls: cfg.rpc_urls,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      },
    ]);
  }
  emit('chain');
}

// Sign-In with Ethereum: the API writes the message, the wallet signs it, the API checks it.
export async function signIn(entry) {
  const wallet = await connect(entry);
  const { message } = await api('/auth/message', { method: 'POST', body: { address: wallet.address } });
  const hex = `0x${Array.from(new TextEncoder().encode(message), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const signature = await call(wallet.provider, 'personal_sign', [hex, wallet.address]);
  return api('/auth/verify', { method: 'POST', body: { message, signature } });
}

export async function watchAsset() {
  const cfg = await loadConfig();
  return call(active.provider, 'wallet_watchAsset', {
    type: 'ERC20',
    options: {
      address: cfg.token.address,
      symbol: cfg.token.symbol,
      decimals: cfg.token.decimals,
      image: `${location.origin}/favicon.svg`,
    },
  });
}

export async function sendTransaction(prepared) {
  return call(active.provider, 'eth_sendTransaction', [
    { from: prepared.from, to: prepared.to, data: prepared.data, value: prepared.value || '0x0' },
  ]);
}

// Signs an EIP-712 document (a request the city's relayer sends: no fee for the signer).
export async function signTypedData(address, typedData) {
  return call(active.provider, 'eth_signTypedData_v4', [address, JSON.stringify(typedData)]);
}

export async function waitReceipt(hash, timeoutMs = 180000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const receipt = await call(active.provider, 'eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return null;
}
