// The entry point, loaded by index.html and imported by no module: it routes a path to its page
// module (loaded with import() when the route is first opened, so a citizen never downloads the
// shop or the city code), draws the shell around it (header, network banner, footer), follows
// links and the back button, and starts everything. If even starting fails it says so in both
// languages (never a trace).
import { loadConfig } from './config.js';
import { watchSessionEnd } from './expired.js';
import { header } from './header.js';
import { getLang, setLang, t } from './i18n.js';
import { networkBanner } from './network.js';
import { leavePage, setRenderer } from './page.js';
import { refreshSession, session, signOut } from './session.js';
import { clear, h } from './ui.js';
import * as wallet from './wallet.js';

const ROUTES = [
  { pattern: /^\/$/, load: () => import('./home.js') },
  { pattern: /^\/burger(?:\/(.*))?$/, load: () => import('./citizen.js') },
  { pattern: /^\/betalen\/([0-9a-f]{16})\/?$/, load: () => import('./pay.js') },
  { pattern: /^\/winkel(?:\/(.*))?$/, load: () => import('./merchant.js') },
  { pattern: /^\/gemeente(?:\/(.*))?$/, load: () => import('./city.js') },
];

let renderToken = 0;

function notFound(main) {
  clear(main).append(
    h('h1', { tabindex: '-1' }, t('not_found_title')),
    h('p', {}, t('not_found_text')),
    h('ul', {}, h('li', {}, h('a', { href: '/burger' }, t('nav_citizen'))), h('li', {}, h('a', { href: '/winkel' }, t('nav_merchant'))), h('li', {}, h('a', { href: '/gemeente' }, t('nav_city')))),
  );
  document.title = `${t('not_found_title')} — WESH`;
}

// Draws the page of the current path; a newer render started meanwhile wins.
async function render({ focus = false } = {}) {
  const token = ++renderToken;
  leavePage();
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
    notFound(main);
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

function navigate(path) {
  history.pushState({}, '', path);
  render({ focus: true });
}

// Links to the app's own pages are followed without reloading it.
function followLinks() {
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
}

// Another account in the wallet ends the session; another chain redraws the banner.
function followWallet() {
  wallet.onActiveChanged(async (reason) => {
    if (reason === 'accounts' && session()) {
      await signOut();
      render({ focus: false });
    } else if (reason === 'chain') {
      networkBanner();
    }
  });
}

async function start() {
  setLang(getLang());
  setRenderer(render);
  wallet.discover();
  await loadConfig();
  await refreshSession();
  if (session()) await wallet.restore(session().address);
  followWallet();
  followLinks();
  watchSessionEnd();
  await render({ focus: false });
}

start().catch(() => {
  const main = document.getElementById('main');
  main.textContent = '';
  const p = document.createElement('p');
  p.className = 'status status-error';
  p.setAttribute('role', 'alert');
  p.textContent =
    'WESH is even niet bereikbaar. Probeer het over een minuut opnieuw. / WESH cannot be reached right now. Please try again in a minute.';
  main.append(p);
});
