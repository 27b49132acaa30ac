// The shop's offer on /winkel (issue #16): one short line ("10% korting met Heitjes") that
// residents see with the shop on their list. PUT /merchant/offer sets it, DELETE takes it away;
// the merchant manager can write it for the shop too (PUT /city/merchants/{id}/offer).
import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import { busy, field, h, statusLine } from './ui.js';
import './texts_shop.js';

const MAX = 80;

export async function offerCard(merchantId) {
  let current = null;
  try {
    current = (await api('/shop-offers')).find((offer) => offer.merchant_id === merchantId) || null;
  } catch {
    /* the form still works: it shows no current offer */
  }
  const dutch = h('input', { type: 'text', maxlength: String(MAX), autocomplete: 'off', value: current ? current.text_nl : '' });
  const english = h('input', { type: 'text', maxlength: String(MAX), autocomplete: 'off', value: current ? current.text_en : '' });
  const status = statusLine();
  const shown = h('p', { class: 'shop-offer', hidden: !current }, current ? current.text_nl : '');
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('offer_save'));
  const remove = h('button', { type: 'button', class: 'btn btn-ghost', hidden: !current }, t('offer_remove'));
  const form = h('form', { class: 'offer-form', novalidate: true },
    field(t('offer_nl'), dutch, t('offer_hint', { n: MAX })),
    field(t('offer_en'), english),
    h('div', { class: 'actions' }, save, remove),
    status);
  function show(offer) {
    shown.textContent = offer ? offer.text_nl : '';
    shown.hidden = !offer;
    remove.hidden = !offer;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (dutch.value.trim().length < 3) {
      status.set(t('offer_too_short'), 'error');
      dutch.focus();
      return;
    }
    busy(save, async () => {
      try {
        const offer = await api('/merchant/offer', { method: 'PUT', body: { text_nl: dutch.value, text_en: english.value } });
        show(offer);
        status.set(t('offer_saved'), 'ok');
      } catch (error) {
        status.set(error instanceof ApiError ? error.message : t('offer_failed'), 'error');
      }
    });
  });
  remove.addEventListener('click', () =>
    busy(remove, async () => {
      try {
        await api('/merchant/offer', { method: 'DELETE' });
        dutch.value = '';
        english.value = '';
        show(null);
        status.set(t('offer_removed'), 'ok');
      } catch (error) {
        status.set(error instanceof ApiError ? error.message : t('offer_failed'), 'error');
      }
    }),
  );
  return h('section', { class: 'card', 'aria-labelledby': 'offer-title' },
    h('h2', { id: 'offer-title' }, t('offer_title')),
    h('p', { class: 'hint' }, t('offer_intro')),
    shown,
    form);
}
