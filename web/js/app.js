// The shell: session, header (account, roles, language), the wrong-network banner, the router,
// the sign-in panel every page uses, and running a prepared transaction from the API.
import { api, ApiError, config, waitIndexed } from './api.js';
import { getLang, roleName, setLang, t } from './i18n.js';
import { busy, clear, h, shortAddress, statusLine } from './ui.js';
import * as wallet from './wallet.js';

export const state = { config: null, session: null, route: null };

const ROUTES = [
  { pattern: /^\/$/, load: () => import('./home.js') },
  { pattern: /^\/burger(?:\/(.*))?$/, load: () => import('./citizen.js') },
  { pattern: /^\/betalen\/([0-9a-f]{16})\/?$/, load: () => import('./pay.js') },
  { pattern: /^\/winkel(?:\/(.*))?$/, load: () => import('./merchant.js') },
  { pattern: /^\/gemeente(?:\/(.*))?$/, load: () => import('./city.js') },
];

let renderToken = 0;
let cleanup = null;

export function hasRole(role) {
  return Boolean(state.session && state.session.roles.includes(role));
}

// Whether this browser signed in before (a hint only: the session itself is an httpOnly cookie);
// without it the start page skips asking for a session it cannot have.
function markSignedIn(yes) {
  try {
    if (yes) localStorage.setItem('wesh.signedIn', '1');
    else localStorage.removeItem('wesh.signedIn');
  } catch {
    /* storage blocked: ask every time */
  }
}

function maybeSignedIn() {
  try {
    return localStorage.getItem('wesh.signedIn') !== null;
  } catch {
    return true;
  }
}

export function setSession(session) {
  state.session = session;
  markSignedIn(Boolean(session));
}

export async function refreshSession() {
  if (!maybeSignedIn()) {
    state.session = null;
    return null;
  }
  try {
    setSession(await api('/auth/session'));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    setSession(null);
  }
  return state.session;
}

// After a re-render, says what just happened right under the page title.
export function announce(text) {
  const h1 = document.querySelector('#main h1');
  if (h1) h1.after(h('p', { class: 'status status-ok', role: 'status' }, text));
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, '', path);
  else history.pushState({}, '', path);
  render({ focus: true });
}

// Registers a function to run when the page is left (close an event stream, stop polling).
export function onLeave(fn) {
  const previous = cleanup;
  cleanup = () => {
    if (previous) previous();
    fn();
  };
}

function header() {
  const top = document.getElementById('top');
  clear(top);
  const brand = h('a', { href: '/', class: 'brand' }, h('img', { src: `${assetBase()}/icons/icon.svg`, alt: '', width: 32, height: 32 }), h('span', {}, 'WESH'), h('span', { class: 'brand-sub' }, "'t Heerlens Heitje"));
  const links = [
    ['/burger', t('nav_citizen'), 'citizen'],
    ['/winkel', t('nav_merchant'), 'merchant'],
    ['/gemeente', t('nav_city'), 'city'],
  ].filter(([, , role]) => !state.session || role === 'citizen' || hasRole(role));
  const path = location.pathname;
  const nav = h(
    'nav',
    { 'aria-label': t('nav_label'), class: 'nav' },
    h(
      'ul',
      {},
      links.map(([href, label]) =>
        h('li', {}, h('a', { href, 'aria-current': path === href || path.startsWith(`${href}/`) ? 'page' : false }, label)),
      ),
    ),
  );
  const langButton = h(
    'button',
    { type: 'button', class: 'btn btn-small btn-ghost lang', lang: getLang() === 'nl' ? 'en' : 'nl', 'aria-label': t('switch_lang_label'), onclick: () => { setLang(getLang() === 'nl' ? 'en' : 'nl'); render({ focus: false }); } },
    t('switch_lang'),
  );
  const account = h('div', { class: 'account' });
  if (state.session) {
    const roles = state.session.roles.filter((r) => r !== 'city');
    account.append(
      h('p', { class: 'who', 'aria-label': t('account_label') },
        h('span', { class: 'addr', title: state.session.address }, shortAddress(state.session.address)),
        h('span', { class: 'roles' }, roles.length ? roles.map(roleName).join(', ') : t('roles_none'))),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: signOut }, t('signout')),
    );
  }
  top.append(h('div', { class: 'top-inner' }, brand, nav, h('div', { class: 'top-tools' }, account, langButton)));
}

function assetBase() {
  const link = document.querySelector('link[rel="stylesheet"][href*="/assets/"]');
  return link ? link.getAttribute('href').replace(/\/app\.css$/, '') : '/assets/dev';
}

export { assetBase };

async function signOut() {
  try {
    await api('/auth/logout', { method: 'POST' });
  } catch {
    /* the session was gone already */
  }
  setSession(null);
  wallet.disconnect();
  render({ focus: true });
}

let justSwitched = false;

const CHAINS = { 1: 'Ethereum', 10: 'Optimism', 100: 'Gnosis', 137: 'Polygon', 8453: 'Base', 42161: 'Arbitrum', 11155111: 'Sepolia' };
const chainLabel = (id) => (CHAINS[id] ? `${CHAINS[id]}, chain ${id}` : `chain ${id}`);

async function networkBanner() {
  const slot = document.getElementById('banner');
  clear(slot);
  const active = wallet.current();
  if (!active || !state.session) return;
  let chain;
  try {
    chain = await wallet.chainOf(active);
  } catch {
    return;
  }
  if (chain === state.config.chain_id) {
    if (justSwitched) slot.append(h('p', { class: 'banner status status-ok', role: 'status' }, t('network_switched')));
    justSwitched = false;
    return;
  }
  const status = statusLine();
  const button = h('button', { type: 'button', class: 'btn' }, t('switch_network', { wanted: state.config.chain_name }));
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
      h('p', {}, t('wrong_network', { current: chainLabel(chain), wanted: state.config.chain_name })),
      button, status),
  );
}

// Throws a WalletError (in words) unless the wallet is connected with the signed-in account and
// on WESH's chain.
async function readyWallet(address) {
  let active = wallet.current();
  if (!active && state.session) active = await wallet.restore(state.session.address);
  if (!active) throw new wallet.WalletError(t('wallet_not_connected'));
  if (active.address.toLowerCase() !== address.toLowerCase()) throw new wallet.WalletError(t('wallet_other_account'));
  const chain = await wallet.chainOf(active);
  if (chain !== state.config.chain_id) {
    await networkBanner();
    throw new wallet.WalletError(t('wrong_network', { current: chainLabel(chain), wanted: state.config.chain_name }));
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

function walletButton(entry, onSignedIn, status) {
  const icon = entry.info.icon && /^data:image\//.test(entry.info.icon) ? h('img', { src: entry.info.icon, alt: '', width: 24, height: 24 }) : null;
  const button = h('button', { type: 'button', class: 'btn btn-wallet' }, icon, t('signin_with', { name: entry.info.name }));
  button.addEventListener('click', () =>
    busy(button, async () => {
      status.set(t('signin_busy'), 'busy');
      try {
        setSession(await wallet.signIn(entry));
        status.set(t('signin_done'), 'ok');
        await onSignedIn();
      } catch (error) {
        wallet.disconnect();
        status.set(error instanceof wallet.WalletError || error instanceof ApiError ? error.message : t('error_generic'), 'error');
      }
    }),
  );
  return button;
}

function demoLabel(account) {
  if (account.merchant_id) return t('demo_merchant', { name: account.name || shortAddress(account.address) });
  if (account.citizen_id) return t('demo_citizen', { id: account.citizen_id });
  const city = account.roles.filter((r) => r !== 'city');
  if (city.length) return t('demo_city', { roles: city.map(roleName).join(', ') });
  return t('demo_none');
}

// The sign-in panel: every wallet found, a clear word when there is none, and on the demo chain
// the demo accounts. `why` says what signing in is for on this page.
export function signInPanel(why, onSignedIn = async () => render({ focus: true })) {
  const status = statusLine();
  const section = h('section', { class: 'card signin', 'aria-labelledby': 'signin-title' });
  const body = h('div', {});
  section.append(h('h2', { id: 'signin-title' }, t('signin_title')), h('p', {}, why), body, status);
  const fill = () => {
    clear(body);
    const found = wallet.wallets();
    if (found.length) {
      if (found.length > 1) body.append(h('p', { class: 'hint' }, t('choose_wallet')));
      body.append(h('div', { class: 'wallets' }, found.map((entry) => walletButton(entry, onSignedIn, status))));
    } else {
      body.append(
        h('div', { class: 'callout', role: 'note' },
          h('h3', {}, t('no_wallet_title')),
          h('p', {}, t('no_wallet_text')),
          h('p', {}, t('no_wallet_list'))),
      );
    }
    if (state.config.demo) {
      const list = h('div', { class: 'demo-accounts' }, h('p', {}, t('loading')));
      body.append(
        h('details', { class: 'demo', open: !found.length },
          h('summary', {}, t('demo_title')),
          h('p', { class: 'hint' }, t('demo_text')),
          list),
      );
      api('/demo/accounts')
        .then((accounts) => {
          clear(list);
          // Everyone with a part to play, and one account without any (to see that refusal).
          const unregistered = accounts.find((account) => !account.roles.length);
          const shown = accounts.filter((account) => account.roles.length).concat(unregistered ? [unregistered] : []);
          list.append(
            h('ul', { class: 'plain' },
              shown.map((account) => {
                const entry = {
                  info: { name: demoLabel(account), uuid: `demo-${account.address}`, rdns: 'demo', icon: '' },
                  provider: wallet.demoProvider(account.address, state.config.chain_id),
                };
                const button = walletButton(entry, onSignedIn, status);
                button.classList.add('btn-demo');
                clear(button).append(demoLabel(account), ' ', h('span', { class: 'addr' }, shortAddress(account.address)));
                return h('li', {}, button);
              })),
          );
        })
        .catch(() => {
          clear(list);
        });
    }
  };
  fill();
  const stop = wallet.onWalletsChanged(fill);
  onLeave(stop);
  return section;
}

export async function render({ focus = false } = {}) {
  const token = ++renderToken;
  if (cleanup) cleanup();
  cleanup = null;
  document.documentElement.lang = getLang();
  const skip = document.querySelector('.skip');
  if (skip) skip.textContent = t('skip');
  const footer = document.getElementById('footer-text');
  if (footer) footer.textContent = t('footer');
  header();
  networkBanner();
  const main = document.getElementById('main');
  const path = location.pathname;
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (!route) {
    clear(main).append(
      h('h1', { tabindex: '-1' }, t('not_found_title')),
      h('p', {}, t('not_found_text')),
      h('ul', {}, h('li', {}, h('a', { href: '/burger' }, t('nav_citizen'))), h('li', {}, h('a', { href: '/winkel' }, t('nav_merchant'))), h('li', {}, h('a', { href: '/gemeente' }, t('nav_city')))),
    );
    document.title = `${t('not_found_title')} — WESH`;
    return;
  }
  const match = path.match(route.pattern);
  const page = await route.load();
  if (token !== renderToken) return;
  const view = h('div', { class: 'page' });
  await page.render(view, match.slice(1));
  if (token !== renderToken) return;
  clear(main).append(view);
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    document.title = `${h1.textContent} — WESH`;
    if (focus) h1.focus();
  }
  main.setAttribute('aria-busy', 'false');
}

export async function start() {
  setLang(getLang());
  wallet.discover();
  state.config = await config();
  await refreshSession();
  if (state.session) await wallet.restore(state.session.address);
  wallet.onActiveChanged(async (reason) => {
    if (reason === 'accounts' && state.session) {
      try {
        await api('/auth/logout', { method: 'POST' });
      } catch {
        /* already gone */
      }
      setSession(null);
      wallet.disconnect();
      render({ focus: false });
    } else if (reason === 'chain') {
      networkBanner();
    }
  });
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || link.target || link.hasAttribute('download')) return;
    if (!ROUTES.some((r) => r.pattern.test(url.pathname))) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => render({ focus: true }));
  await render({ focus: false });
}
