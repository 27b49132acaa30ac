// Relayed actions: the city pays the network fee. When the API's PreparedTx carries `relay`, the
// person's wallet signs the request (eth_signTypedData_v4 of relay.typed_data: no fee, nothing
// sent from their account), the page hands it to the city's relayer (POST /relay/requests) and
// follows it — Server-Sent Events, or asking every second where a network holds event streams
// back — until it is processed or refused. Each step is said in plain words; a refusal with the
// relayer's own text (its problem `detail` or the request's `reason`, in the page's language).
// transactions.js runs this and then waits for the indexer, as for a transaction of one's own.
import { api, ApiError } from './api.js';
import { getLang, t } from './i18n.js';
import * as wallet from './wallet.js';

// How long the page follows a request before it says "not processed yet" (ms).
const FOLLOW_MS = 180000;
const POLL_MS = 1000;
// The relayer's refusals (problem codes, relayer/reasons.py) after which sending it oneself can
// help: the city cannot pay for it now — out of funds, its budget for the day spent, relaying
// switched off, or a call it does not pay for (each text says "verstuur het zelf"). Any other
// refusal (a spent quota, an expired or replayed request, the contract's own "no") is only said.
const CANNOT_PAY = new Set(['out_of_funds', 'budget_spent', 'disabled', 'not_allowed', 'unavailable']);

// A relay that did not go through: `message` in words; `direct` when the person may send it
// themselves instead (the relayer is out of funds or cannot be reached).
export class RelayError extends Error {
  constructor(message, { direct = false } = {}) {
    super(message);
    this.direct = direct;
  }
}

// Whether the API offered to relay this prepared call.
export function offered(prepared) {
  return Boolean(prepared && prepared.relay && prepared.relay.typed_data && prepared.relay.typed_data.message);
}

function problemCode(error) {
  const problem = error.problem || {};
  if (typeof problem.code === 'string') return problem.code;
  const type = typeof problem.type === 'string' ? problem.type : '';
  return type.slice(type.lastIndexOf('/') + 1).replace(/-/g, '_');
}

// The relayer's answer to a POST as a RelayError, its text the problem's own.
function refusal(error) {
  // Not an answer from the API at all (offline, or it is restarting): it cannot relay now.
  if (!(error instanceof ApiError) || !error.status) return new RelayError(t('relay_unreachable'), { direct: true });
  const code = problemCode(error).replace(/^relay(er)?_/, '');
  const cannotPay = error.status === 503 || CANNOT_PAY.has(code);
  return new RelayError(error.message || t('error_generic'), { direct: cannotPay });
}

// A request's reason ({nl, en}) in the page's language.
function reasonOf(request, fallback) {
  const reason = request && request.reason;
  if (reason && typeof reason === 'object') return reason[getLang()] || reason.nl || reason.en || t(fallback);
  if (typeof reason === 'string' && reason) return reason;
  return t(fallback);
}

// What each state says while it lasts (mined: transactions.js says it, with the indexer's wait).
const STEP = { accepted: 'relay_accepted', sent: 'relay_sent' };

// Follows request `id` until it is mined (resolves with the request, which has block_number) or
// refused / failed (rejects with a RelayError in words); `say(state)` hears every state.
export function follow(id, say, timeoutMs = FOLLOW_MS) {
  return new Promise((resolve, reject) => {
    let done = false;
    let stream = null;
    let poller = null;
    let last = null;
    let timer = null;
    const finish = (settle, value) => {
      if (done) return;
      done = true;
      if (stream) stream.close();
      clearTimeout(poller);
      clearTimeout(timer);
      settle(value);
    };
    const seen = (request) => {
      if (done || !request || typeof request.state !== 'string') return;
      if (request.state !== last) {
        last = request.state;
        say(request.state);
      }
      if ((request.state === 'mined' || request.state === 'confirmed') && request.block_number != null) finish(resolve, request);
      else if (request.state === 'refused') finish(reject, new RelayError(reasonOf(request, 'relay_refused')));
      else if (request.state === 'failed') finish(reject, new RelayError(reasonOf(request, 'relay_failed')));
    };
    const poll = async () => {
      if (done) return;
      try {
        seen(await api(`/relay/requests/${encodeURIComponent(id)}`));
      } catch {
        /* offline for a moment, or the API restarting: ask again */
      }
      if (!done) poller = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(() => finish(reject, new RelayError(t('relay_timeout'))), timeoutMs);
    if (typeof window.EventSource !== 'function') {
      poll();
      return;
    }
    stream = new EventSource(`/relay/requests/${encodeURIComponent(id)}/events`);
    stream.addEventListener('state', (event) => {
      try {
        seen(JSON.parse(event.data));
      } catch {
        /* a line that is not JSON: the next event (or the poll) says it again */
      }
    });
    // The stream failed (a proxy, a restart, or it closed before a final state): ask instead.
    stream.onerror = () => {
      if (done) return;
      stream.close();
      stream = null;
      poll();
    };
  });
}

// Signs `prepared.relay` with the wallet `active`, hands it to the relayer and follows it, saying
// each step on `status`. Resolves with the block it was processed in; rejects with a RelayError
// (or the wallet's WalletError) in words.
export async function relay(prepared, status) {
  const what = prepared.description[getLang()] || prepared.description.nl;
  const typedData = prepared.relay.typed_data;
  // The account on this phone signs at once, without a question: nothing to confirm.
  const active = wallet.current();
  const onPhone = Boolean(active && active.provider.isWeshAccount);
  status.set(t(onPhone ? 'relay_signing_phone' : 'relay_confirm', { what }), 'busy');
  const signature = await wallet.signTypedData(prepared.from, typedData);
  let accepted;
  try {
    accepted = await api('/relay/requests', { method: 'POST', body: { request: typedData.message, signature } });
  } catch (error) {
    throw refusal(error);
  }
  if (!accepted || typeof accepted.id !== 'string') throw new RelayError(t('error_generic'));
  const say = (state) => {
    if (STEP[state]) status.set(t(STEP[state]), 'busy');
  };
  say(accepted.state);
  const done = await follow(accepted.id, say);
  return Number(done.block_number);
}
