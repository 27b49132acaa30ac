// The page header: the brand, the main menu (the city's door only for city staff once signed
// in), the signed-in account with its roles and a sign-out button, and the language switch.
import { getLang, roleName, setLang, t } from './i18n.js';
import { assetBase, rerender } from './page.js';
import { hasRole, session, signOut } from './session.js';
import { clear, h, shortAddress } from './ui.js';

function menu() {
  const links = [
    ['/burger', t('nav_citizen'), 'citizen'],
    ['/winkel', t('nav_merchant'), 'merchant'],
    ['/gemeente', t('nav_city'), 'city'],
  ].filter(([, , role]) => !session() || role === 'citizen' || hasRole(role));
  const path = location.pathname;
  return h(
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
}

// Who is signed in, as people say it: a resident by their number, someone on the account of
// this phone (not registered yet) as "Je account", a shop by its number (its name heads the shop's
// page); only city staff, who may hold several accounts, by their (short) address.
function whoLabel(who) {
  if (who.citizen_id) return h('span', { class: 'addr' }, t('resident_number', { id: who.citizen_id }));
  if (who.merchant_id) return h('span', { class: 'addr' }, t('shop_number', { id: who.merchant_id }));
  const staff = who.roles.some((r) => r !== 'city' && r !== 'citizen');
  if (!staff) return h('span', { class: 'addr' }, t('your_account'));
  return h('span', { class: 'addr', title: who.address }, shortAddress(who.address));
}

// A resident's messages, with how many are unread (inbox.js, loaded only for residents).
function inboxLink() {
  const link = h('a', { href: '/burger/berichten', id: 'inbox-link', class: 'btn btn-small btn-ghost inbox-link' },
    t('inbox_nav'), ' ', h('span', { class: 'count', hidden: true }), h('span', { class: 'visually-hidden unread-word', hidden: true }, ` ${t('inbox_new_word')}`));
  import('./inbox.js').then((inbox) => inbox.fillUnread(link), () => {});
  return link;
}

function account() {
  const box = h('div', { class: 'account' });
  const who = session();
  if (who) {
    const roles = who.roles.filter((r) => r !== 'city');
    if (hasRole('citizen')) box.append(inboxLink());
    box.append(
      h('p', { class: 'who', 'aria-label': t('account_label') },
        whoLabel(who),
        h('span', { class: 'roles' }, roles.length ? roles.map(roleName).join(', ') : t('roles_none'))),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: async () => { await signOut(); rerender({ focus: true }); } }, t('signout')),
    );
  }
  return box;
}

function languageButton() {
  const other = getLang() === 'nl' ? 'en' : 'nl';
  return h(
    'button',
    { type: 'button', class: 'btn btn-small btn-ghost lang', lang: other, 'aria-label': t('switch_lang_label'), onclick: () => { setLang(other); rerender({ focus: false }); } },
    t('switch_lang'),
  );
}

// Draws the header into #top (again on every render: the language or the session may change).
export function header() {
  const top = document.getElementById('top');
  clear(top);
  const brand = h('a', { href: '/', class: 'brand' }, h('img', { src: `${assetBase()}/icons/icon.svg`, alt: '', width: 32, height: 32 }), h('span', {}, 'WESH'), h('span', { class: 'brand-sub' }, "'t Heerlens Heitje"));
  top.append(h('div', { class: 'top-inner' }, brand, menu(), h('div', { class: 'top-tools' }, account(), languageButton())));
}
