# pragma version ~=0.4.3
# pragma optimize gas
# pragma evm-version cancun
"""
@title WESH Forwarder: the city pays the fees
@custom:contract-name Forwarder
@license EUPL-1.2
@notice A trusted forwarder (ERC-2771). A resident, a shop or a city
        employee signs a request (EIP-712 typed data) with an account that
        holds no native token; anyone, in practice the city's relayer, sends
        it here and pays the fee. This contract checks the signature, the
        signer's next nonce and the deadline, then calls the target with the
        signer's address appended to the call data. Heitje and Redemption
        trust this contract and read that address as the actor.
@dev What a relayer cannot do with a signed request: change any field
     (target, call data, gas, deadline and nonce are all signed), replay it
     (a nonce is used once, in order), send it after its deadline, or starve
     the call of gas (the 63/64 check below makes the whole transaction fail
     instead, so the nonce is not used). What it can do: not send it, or
     send it late (but before the deadline).

     The signed type is OpenZeppelin's ERC2771Forwarder's,
         ForwardRequest(address from,address to,uint256 value,uint256 gas,
                        uint256 nonce,uint48 deadline,bytes data)
     under the domain this contract reports through ERC-5267
     (`eip712Domain()`), so any wallet or library that signs typed data can
     sign for it. What is sent is shorter than what is signed, because call
     data is what a relayed call pays most for beyond the call itself: the
     nonce is not sent (it is the signer's next one, `nonces(signer)`, as in
     OpenZeppelin's), nor the value (always 0: every WESH call is
     non-payable and this contract never holds the native token, so a
     request signed with another value simply does not verify), and the
     signature is sent in its 64-byte compact form (EIP-2098: r, and s with
     v's parity in its top bit).

     Sequential nonces, not a bitmap, after measuring (docs/relayer.md): a
     signer's later request costs the same 5,000 gas either way (one warm
     write of a non-zero word), the first one 22,100; a bitmap pays the
     22,100 again at every 256th nonce, or on every request when nonces are
     drawn at random. What sequential nonces cost is ordering: the relayer
     sends one signer's requests in nonce order, which it does anyway.
"""


# ---------------------------------------------------------------- constants
NAME: constant(String[14]) = "WESH Forwarder"
VERSION: constant(String[1]) = "1"
# Longest call data `execute` forwards: any call Heitje accepts fits,
# the longest being a batch of 100 (Heitje's MAX_BATCH) registrations
# (6,532 bytes). Memory for it is paid only as far as it is used, but the
# buffers placed after it cost more the larger it is: ~800 gas a relayed
# payment at 8 KiB, ~300 at 1 KiB (measured, docs/relayer.md).
MAX_DATA: constant(uint256) = 6_656
# Longest call data of a request in `execute_batch`, which copies every
# request into memory: the everyday calls (a payment ~100 bytes, a photo
# hand-in ~230). A longer request is sent on its own with `execute`.
MAX_BATCH_DATA: constant(uint256) = 1_024
# Most requests in one `execute_batch`.
MAX_BATCH: constant(uint256) = 32
# Half the order of secp256k1
# (0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0):
# a signature with a higher s is the mirror image of a valid one (EIP-2).
SECP256K1N_HALF: constant(uint256) = (
    57896044618658097711785492504343953926418782139537452191302581570759080747168
)
# s without the parity bit of a compact signature (EIP-2098).
S_MASK: constant(uint256) = 2**255 - 1
# keccak256 of the EIP-712 domain and request types and of the domain's
# name and version.
DOMAIN_TYPE_HASH: constant(bytes32) = keccak256(
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)
REQUEST_TYPE_HASH: constant(bytes32) = keccak256(
    "ForwardRequest(address from,address to,uint256 value,uint256 gas,uint256 nonce,uint48 deadline,bytes data)"
)
NAME_HASH: constant(bytes32) = keccak256(NAME)
VERSION_HASH: constant(bytes32) = keccak256(VERSION)
# ERC-5267: the domain has a name, a version, a chain id and a verifying
# contract (bits 0 to 3).
DOMAIN_FIELDS: constant(bytes1) = 0x0f

# Why a request cannot be executed (`validate`, `SkippedForwardRequest`).
VALID: constant(uint8) = 0
INVALID_DEADLINE: constant(uint8) = 1
INVALID_SIGNATURE: constant(uint8) = 2


# --------------------------------------------------------------- immutables
# The domain separator of the chain this was deployed on, recomputed when
# block.chainid differs (after a chain split).
_CACHED_DOMAIN_SEPARATOR: immutable(bytes32)
_CACHED_CHAIN_ID: immutable(uint256)


# ------------------------------------------------------------------ structs
# A signed request as `execute_batch` takes it. `signer` is the signed
# type's `from` (a word Vyper reserves); r and vs are the compact signature.
struct ForwardRequestData:
    signer: address
    to: address
    gas: uint256
    deadline: uint48
    data: Bytes[MAX_BATCH_DATA]
    r: bytes32
    vs: bytes32


# -------------------------------------------------------------------- state
# The next nonce of each signer.
nonces: public(HashMap[address, uint256])


# ------------------------------------------------------------------- events
# A request in a batch was executed; `success` is whether its call
# succeeded (a failing call undoes nothing else, and uses its nonce).
# `execute` emits none: its transaction succeeds exactly when the request
# was executed and its call succeeded, and the call's own events name the
# signer; the event would add 1,637 gas (3%) to every relayed payment.
event ExecutedForwardRequest:
    signer: indexed(address)
    nonce: uint256
    success: bool


# A request in a batch was not executed and its nonce not used: `reason` is
# 1 past its deadline, 2 a bad signature or not the signer's next nonce.
event SkippedForwardRequest:
    signer: indexed(address)
    nonce: uint256
    reason: uint8


@deploy
def __init__():
    """
    @dev Caches the domain separator of this chain.
    """
    _CACHED_CHAIN_ID = chain.id
    _CACHED_DOMAIN_SEPARATOR = self._build_domain_separator()


# ================================================================= external
@external
@view
def eip712Domain() -> (
    bytes1, String[14], String[1], uint256, address, bytes32, DynArray[uint256, 1]
):
    """
    @notice The EIP-712 domain requests are signed under (ERC-5267).
    @return Fields present (0x0f), name, version, chain id, this contract,
            salt (unused), extensions (none).
    """
    return (DOMAIN_FIELDS, NAME, VERSION, chain.id, self, empty(bytes32), [])


@external
@view
def validate(request: ForwardRequestData) -> uint8:
    """
    @notice Whether `request` would be executed now: 0 if so, else why not
            (1 past its deadline, 2 a bad signature, a signature of another
            signer, or not the signer's next nonce). Whether its call
            succeeds is for a simulation to tell.
    """
    return self._check(
        request.signer,
        request.to,
        request.gas,
        self.nonces[request.signer],
        request.deadline,
        keccak256(request.data),
        request.r,
        request.vs,
    )


@external
def execute(
    signer: address,
    to: address,
    gas_limit: uint256,
    deadline: uint48,
    data: Bytes[MAX_DATA],
    r: bytes32,
    vs: bytes32,
):
    """
    @notice Executes one signed request. Reverts, using no nonce, when the
            request is invalid or when its call fails, with the call's own
            revert reason in that case.
    @param signer The signer (the signed `from`).
    @param to The contract called.
    @param gas_limit The gas the call gets (the signed `gas`).
    @param deadline The last second the request may be executed.
    @param data The call data, to which the signer's address is appended.
    @param r The signature's r.
    @param vs The signature's s, with v - 27 in its top bit (EIP-2098).
    """
    # `_check` written out, which saves copying its arguments: a relayed
    # payment is the hot path.
    assert convert(deadline, uint256) >= block.timestamp, "forwarder: request expired"
    nonce: uint256 = self.nonces[signer]
    digest: bytes32 = keccak256(
        concat(
            b"\x19\x01",
            self._domain_separator(),
            keccak256(
                abi_encode(
                    REQUEST_TYPE_HASH,
                    signer,
                    to,
                    empty(uint256),
                    gas_limit,
                    nonce,
                    deadline,
                    keccak256(data),
                )
            ),
        )
    )
    s: uint256 = convert(vs, uint256) & S_MASK
    assert s <= SECP256K1N_HALF, "forwarder: invalid signature or nonce"
    # vs >> 255 is 0 or 1.
    recovered: address = ecrecover(
        digest, unsafe_add(convert(vs, uint256) >> 255, 27), convert(r, uint256), s
    )
    assert recovered == signer and signer != empty(address), "forwarder: invalid signature or nonce"
    # A signer's nonce count stays far below 2**256.
    self.nonces[signer] = unsafe_add(nonce, 1)
    # A failing call reverts this whole transaction with the call's own
    # revert data, so its nonce stays unused.
    raw_call(to, concat(data, convert(signer, bytes20)), gas=gas_limit)
    self._check_forwarded_gas(gas_limit)


@external
def execute_batch(requests: DynArray[ForwardRequestData, MAX_BATCH]):
    """
    @notice Executes several signed requests in order. An invalid request is
            skipped (its nonce is not used) and a failing call is recorded
            as such (its nonce is used); neither undoes the others.
    """
    for request: ForwardRequestData in requests:
        nonce: uint256 = self.nonces[request.signer]
        reason: uint8 = self._check(
            request.signer,
            request.to,
            request.gas,
            nonce,
            request.deadline,
            keccak256(request.data),
            request.r,
            request.vs,
        )
        if reason != VALID:
            log SkippedForwardRequest(signer=request.signer, nonce=nonce, reason=reason)
            continue
        # As in `execute`.
        self.nonces[request.signer] = unsafe_add(nonce, 1)
        success: bool = raw_call(
            request.to,
            concat(request.data, convert(request.signer, bytes20)),
            gas=request.gas,
            revert_on_failure=False,
        )
        self._check_forwarded_gas(request.gas)
        log ExecutedForwardRequest(signer=request.signer, nonce=nonce, success=success)


# ================================================================= internal
@internal
@view
def _check(
    signer: address,
    to: address,
    gas_limit: uint256,
    nonce: uint256,
    deadline: uint48,
    data_hash: bytes32,
    r: bytes32,
    vs: bytes32,
) -> uint8:
    """
    @dev Why the request these fields describe cannot be executed now (0: it
         can). The signature last: it is the costly part. A signature with a
         high s cannot be written in the compact form (its top bit is v's),
         so each signature has one form only.
    """
    if convert(deadline, uint256) < block.timestamp:
        return INVALID_DEADLINE
    struct_hash: bytes32 = keccak256(
        abi_encode(REQUEST_TYPE_HASH, signer, to, empty(uint256), gas_limit, nonce, deadline, data_hash)
    )
    digest: bytes32 = keccak256(concat(b"\x19\x01", self._domain_separator(), struct_hash))
    s: uint256 = convert(vs, uint256) & S_MASK
    # vs >> 255 is 0 or 1.
    v: uint256 = unsafe_add(convert(vs, uint256) >> 255, 27)
    if s > SECP256K1N_HALF:
        return INVALID_SIGNATURE
    if ecrecover(digest, v, convert(r, uint256), s) != signer or signer == empty(address):
        return INVALID_SIGNATURE
    return VALID


@internal
@view
def _check_forwarded_gas(requested: uint256):
    """
    @dev The 63/64 rule (EIP-150): a caller keeps 1/64 of the gas left, so a
         relayer could send too little gas for the call to get the gas the
         signer asked for, let the call fail for want of gas, and still use
         the nonce. If less than requested / 63 is left after the call, the
         call cannot have had all it asked for: consume everything
         (INVALID), so that the whole transaction fails and the nonce stays
         unused.
    """
    assert msg.gas >= requested // 63, UNREACHABLE


@internal
@view
def _domain_separator() -> bytes32:
    """
    @dev The cached separator, or a new one after a chain split.
    """
    if chain.id == _CACHED_CHAIN_ID:
        return _CACHED_DOMAIN_SEPARATOR
    return self._build_domain_separator()


@internal
@view
def _build_domain_separator() -> bytes32:
    """
    @dev The EIP-712 domain separator of this contract on this chain.
    """
    return keccak256(abi_encode(DOMAIN_TYPE_HASH, NAME_HASH, VERSION_HASH, chain.id, self))
