// The merchant manager writes a shop's offer for it (issue #16) on /gemeente/winkels: one short
// line ("10% korting met Heitjes") residents see with the shop on their list
// (PUT / DELETE /city/merchants/{id}/offer). The shop can write its own on /winkel.
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { busy, clear, field, h, statusLine } from './ui.js';
import './texts_city.js';

const MAX = 80;

export async function offersCard() {
  const [shops, offers] = await Promise.all([api('/merchants'), api('/shop-offers')]);
  const byShop = new Map(offers.map((offer) => [offer.merchant_id, offer]));
  const shop = h('select', {}, shops.map((s) => h('option', { value: String(s.merchant_id) }, s.name)));
  const dutch = h('input', { type: 'text', maxlength: String(MAX), autocomplete: 'off' });
  const english = h('input', { type: 'text', maxlength: String(MAX), autocomplete: 'off' });
  const status = statusLine();
  const list = h('div', {});
  function draw() {
    const rows = shops.filter((s) => byShop.has(s.merchant_id));
    clear(list).append(rows.length
      ? h('ul', { class: 'plain' }, rows.map((s) => h('li', {}, h('strong', {}, `${s.name}: `), byShop.get(s.merchant_id).text_nl)))
      : h('p', { class: 'hint' }, t('offers_none')));
  }
  function fill() {
    const offer = byShop.get(Number(shop.value));
    dutch.value = offer ? offer.text_nl : '';
    english.value = offer ? offer.text_en : '';
  }
  shop.addEventListener('change', fill);
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('offers_save'));
  const remove = h('button', { type: 'button', class: 'btn btn-ghost' }, t('offers_remove'));
  const failed = (error) => status.set(error instanceof ApiError ? error.message : t('offers_failed'), 'error');
  const form = h('form', { class: 'offers-form', novalidate: true },
    field(t('offers_shop'), shop),
    field(t('offers_nl'), dutch, t('offers_hint', { n: MAX })),
    field(t('offers_en'), english),
    h('div', { class: 'actions' }, save, remove),
    status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(save, async () => {
      try {
        const offer = await api(`/city/merchants/${shop.value}/offer`, { method: 'PUT', body: { text_nl: dutch.value, text_en: english.value } });
        byShop.set(offer.merchant_id, offer);
        draw();
        status.set(t('offers_saved'), 'ok');
      } catch (error) {
        failed(error);
      }
    });
  });
  remove.addEventListener('click', () =>
    busy(remove, async () => {
      try {
        await api(`/city/merchants/${shop.value}/offer`, { method: 'DELETE' });
        byShop.delete(Number(shop.value));
        fill();
        draw();
        status.set(t('offers_removed'), 'ok');
      } catch (error) {
        failed(error);
      }
    }),
  );
  fill();
  draw();
  return h('section', { class: 'card', 'aria-labelledby': 'offers-title' },
    h('h2', { id: 'offers-title' }, t('offers_title')),
    h('p', { class: 'hint' }, t('offers_intro')),
    list,
    form);
}
