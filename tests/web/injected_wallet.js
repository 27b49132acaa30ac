// A test wallet, injected before any page script runs (Playwright add_init_script).
// It behaves like an installed browser wallet: EIP-1193 request(), accountsChanged/chainChanged
// events, announced through EIP-6963 (and optionally as the legacy window.ethereum). Signing and
// sending are forwarded to anvil, whose dev accounts are unlocked. Every call is recorded in
// window.__walletCalls so a test can check what the page asked of the wallet.
(() => {
  const cfg = __WALLET_CONFIG__;
  const calls = [];
  window.__walletCalls = calls;
  let chainId = cfg.chainId;
  const known = new Set(cfg.knownChains);
  const listeners = {};
  const emit = (event, value) => (listeners[event] || []).forEach((fn) => fn(value));
  let id = 0;

  async function node(method, params) {
    id += 1;
    const response = await fetch(cfg.rpc, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params: params || [] }),
    });
    const reply = await response.json();
    if (reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.result;
  }

  const provider = {
    isTestWallet: true,
    async request({ method, params }) {
      calls.push({ method, params: params === undefined ? null : params });
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          return [cfg.account];
        case 'eth_chainId':
          return `0x${chainId.toString(16)}`;
        case 'net_version':
          return String(chainId);
        case 'wallet_switchEthereumChain': {
          const wanted = Number.parseInt(params[0].chainId, 16);
          if (!known.has(wanted)) throw Object.assign(new Error('Unrecognized chain ID'), { code: 4902 });
          chainId = wanted;
          emit('chainChanged', params[0].chainId);
          return null;
        }
        case 'wallet_addEthereumChain': {
          const wanted = Number.parseInt(params[0].chainId, 16);
          known.add(wanted);
          chainId = wanted;
          emit('chainChanged', params[0].chainId);
          return null;
        }
        case 'wallet_watchAsset':
          return true;
        case 'eth_sendTransaction':
          if (chainId !== cfg.nodeChainId) {
            throw Object.assign(new Error('wrong chain'), { code: 4901 });
          }
          return node(method, params);
        case 'eth_signTypedData_v4': {
          // As MetaMask: the document comes as a JSON string, is signed by the account asked
          // for only, and its domain must name the chain the wallet is on. anvil signs it.
          const [signer, document] = params;
          const typed = typeof document === 'string' ? JSON.parse(document) : document;
          if (String(signer).toLowerCase() !== cfg.account.toLowerCase()) {
            throw Object.assign(new Error('unknown account'), { code: 4100 });
          }
          const domainChain = Number(typed.domain && typed.domain.chainId);
          if (domainChain !== chainId || chainId !== cfg.nodeChainId) {
            throw Object.assign(new Error(`Provided chainId "${domainChain}" must match the active chainId "${chainId}"`), { code: -32603 });
          }
          return node(method, [signer, typed]);
        }
        default:
          return node(method, params);
      }
    },
    on(event, fn) {
      (listeners[event] = listeners[event] || []).push(fn);
    },
    removeListener(event, fn) {
      listeners[event] = (listeners[event] || []).filter((other) => other !== fn);
    },
  };

  const icon =
    'data:image/svg+xml;base64,' +
    btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#333"/></svg>');
  const announce = (wallet) =>
    window.dispatchEvent(
      new CustomEvent('eip6963:announceProvider', {
        detail: Object.freeze({ info: { uuid: wallet.uuid, name: wallet.name, icon, rdns: wallet.rdns }, provider }),
      }),
    );
  window.addEventListener('eip6963:requestProvider', () => cfg.wallets.forEach(announce));
  cfg.wallets.forEach(announce);
  if (cfg.legacy) window.ethereum = provider;
})();
