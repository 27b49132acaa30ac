// "/": what WESH is, and the way in for residents, shops and city staff.
import { t } from './i18n.js';
import { h } from './ui.js';

export async function render(view) {
  const door = (href, title, text) =>
    h('li', { class: 'card door' }, h('h2', {}, h('a', { href }, title)), h('p', {}, text));
  view.append(
    h('h1', {}, t('home_title')),
    h('p', { class: 'lead' }, t('home_intro')),
    h('ul', { class: 'doors plain' },
      door('/burger', t('home_citizen'), t('home_citizen_text')),
      door('/winkel', t('home_merchant'), t('home_merchant_text')),
      door('/gemeente', t('home_city'), t('home_city_text'))),
  );
}
