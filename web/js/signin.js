// The sign-in panel every page uses: every wallet found (EIP-6963), a clear word when there is
// none, on citizen pages the account on this phone (account.js: "Doe mee met deze telefoon", or one
// tap to sign in with the account made before), and on the demo chain the demo accounts. Signing in is Sign-In with Ethereum
// (wallet.signIn); the session it gives is kept in session.js.
import { api, ApiError } from './api.js';
import { config } from './config.js';
import { roleName, t } from './i18n.js';
import { onLeave, rerender } from './page.js';
import { sessionEnded, setSession } from './session.js';
import { busy, clear, h, shortAddress, statusLine } from './ui.js';
import * as wallet from './wallet.js';

function walletButton(entry, onSignedIn, status, { label = null, busyText = 'signin_busy' } = {}) {
  const icon = entry.info.icon && /^data:image\//.test(entry.info.icon) ? h('img', { src: entry.info.icon, alt: '', width: 24, height: 24 }) : null;
  const button = h('button', { type: 'button', class: 'btn btn-wallet' }, icon, label || t('signin_with', { name: entry.info.name }));
  button.addEventListener('click', () =>
    busy(button, async () => {
      status.set(t(busyText), 'busy');
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

// A demo account as the demo's terminal names it ("Anouk (inwoner 3)"), or by its part.
function demoLabel(account) {
  if (account.merchant_id) return t('demo_merchant', { name: account.name || shortAddress(account.address) });
  if (account.citizen_id) return account.name ? t('demo_citizen_named', { name: account.name, id: account.citizen_id }) : t('demo_citizen', { id: account.citizen_id });
  const city = account.roles.filter((r) => r !== 'city');
  const roles = city.map(roleName).join(', ');
  if (city.length) return account.name ? t('demo_city_named', { name: account.name, roles }) : t('demo_city', { roles });
  return account.name ? t('demo_named', { name: account.name }) : t('demo_none');
}

// How many residents the demo picker lists before folding the rest away.
const DEMO_RESIDENTS_LISTED = 12;

// The demo chain's accounts, each a button that signs in with the demo wallet (on citizen pages
// without the address: people, not addresses).
function demoAccounts(open, onSignedIn, status, { addresses = true } = {}) {
  const list = h('div', { class: 'demo-accounts' }, h('p', {}, t('loading')));
  api('/demo/accounts')
    .then((accounts) => {
      clear(list);
      // Everyone with a part to play, and one account without any (to see that refusal).
      const unregistered = accounts.find((account) => !account.roles.length);
      const shown = accounts.filter((account) => account.roles.length).concat(unregistered ? [unregistered] : []);
      const item = (account) => {
        const entry = {
          info: { name: demoLabel(account), uuid: `demo-${account.address}`, rdns: 'demo', icon: '' },
          provider: wallet.demoProvider(account.address, config().chain_id),
        };
        const button = walletButton(entry, onSignedIn, status);
        button.classList.add('btn-demo');
        clear(button).append(demoLabel(account), ...(addresses ? [' ', h('span', { class: 'addr' }, shortAddress(account.address))] : []));
        return h('li', {}, button);
      };
      // The demo's history brings dozens of residents: the first few are listed, the rest
      // folded away, so the story's people stay at hand on a phone.
      const residents = shown.filter((account) => account.citizen_id && !account.merchant_id);
      const more = residents.slice(DEMO_RESIDENTS_LISTED);
      list.append(h('ul', { class: 'plain' }, shown.filter((account) => !more.includes(account)).map(item)));
      if (more.length) {
        list.append(h('details', {},
          h('summary', {}, t('demo_more_residents', { n: more.length })),
          h('ul', { class: 'plain' }, more.map(item))));
      }
    })
    .catch(() => {
      clear(list);
    });
  return h('details', { class: 'demo', open },
    h('summary', {}, t('demo_title')),
    h('p', { class: 'hint' }, t('demo_text')),
    list);
}

// What protects the account on this phone, in one sentence: the phone's screen lock, or (kept in
// the browser) what that means.
function protectionText({ stored, by }) {
  if (by === 'lock') return t(stored ? 'phone_lock' : 'phone_lock_new');
  return t('phone_storage');
}

// The sentence for the page of a citizen signed in with the account on this phone.
export function phoneProtectionNote() {
  const note = h('p', { class: 'hint phone-protection' });
  wallet
    .phoneProtection()
    .then((found) => {
      if (found.stored) note.textContent = protectionText(found);
    })
    .catch(() => {});
  return note;
}

// The account on this phone: "Doe mee met deze telefoon" (makes it, then signs in with it) or,
// when this phone has one, signing in with it in one tap; with one sentence on what protects it
// (the phone's screen lock, or what keeping it in the browser means).
function phoneChoice(onSignedIn, status) {
  const slot = h('div', { class: 'phone-account' });
  Promise.all([wallet.phoneAddress(), wallet.phoneProtection()])
    .then(([address, found]) => {
      const entry = wallet.phoneEntry(config().chain_id);
      const label = t(address ? 'phone_signin' : 'phone_join');
      const button = walletButton(entry, onSignedIn, status, { label, busyText: address ? 'phone_signin_busy' : 'phone_join_busy' });
      button.classList.add('btn-phone');
      slot.append(button, h('p', { class: 'hint' }, protectionText(found)));
    })
    .catch(() => {
      /* no storage in this browser: only the other ways to sign in */
    });
  return slot;
}

// The panel. `why` says what signing in is for on this page; onSignedIn runs after signing in
// (by default the page is drawn again, now signed in); `phone` offers the account on this phone
// (citizen pages).
// (citizen pages); `notice`: say "Je sessie is verlopen" first when the session ended without
// signing out (after a reload too).
export function signInPanel(why, onSignedIn = async () => rerender({ focus: true }), { phone = false, notice = true } = {}) {
  const status = statusLine();
  const section = h('section', { class: 'card signin', 'aria-labelledby': 'signin-title' });
  const body = h('div', {});
  const ended = notice && sessionEnded() ? h('p', { class: 'status status-error session-ended-note', role: 'alert' }, t('session_expired')) : null;
  section.append(h('h2', { id: 'signin-title' }, t('signin_title')), ...(ended ? [ended] : []), h('p', {}, why), body, status);
  const phoneSlot = phone ? phoneChoice(onSignedIn, status) : null;
  // On citizen pages the account on this phone comes first; an app of one's own (a wallet) is a
  // quiet second choice behind a link-styled button.
  let ownOpen = false;
  const fill = () => {
    clear(body);
    if (phoneSlot) body.append(phoneSlot);
    const found = wallet.wallets();
    if (found.length && phone) {
      const list = h('div', { class: 'wallets own-apps', id: 'own-apps', hidden: !ownOpen },
        h('p', { class: 'hint' }, t('own_app_hint')),
        found.map((entry) => walletButton(entry, onSignedIn, status)));
      const reveal = h('button', { type: 'button', class: 'btn-link own-app', 'aria-expanded': String(ownOpen), 'aria-controls': 'own-apps' }, t('own_app'));
      reveal.addEventListener('click', () => {
        ownOpen = !ownOpen;
        list.hidden = !ownOpen;
        reveal.setAttribute('aria-expanded', String(ownOpen));
      });
      body.append(h('div', { class: 'own-app-choice' }, reveal, list));
    } else if (found.length) {
      if (found.length > 1) body.append(h('p', { class: 'hint' }, t('choose_wallet')));
      body.append(h('div', { class: 'wallets' }, found.map((entry) => walletButton(entry, onSignedIn, status))));
    } else if (!phone) {
      body.append(
        h('div', { class: 'callout', role: 'note' },
          h('h3', {}, t('no_wallet_title')),
          h('p', {}, t('no_wallet_text')),
          h('p', {}, t('no_wallet_list'))),
      );
    }
    if (config().demo) body.append(demoAccounts(!found.length, onSignedIn, status, { addresses: !phone }));
  };
  fill();
  const stop = wallet.onWalletsChanged(fill);
  onLeave(stop);
  return section;
}
