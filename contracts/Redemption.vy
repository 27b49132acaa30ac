# pragma version ~=0.4.3
# pragma optimize gas
# pragma evm-version cancun
"""
@title Redemption: merchants cash Heitjes in for euros
@custom:contract-name Redemption
@license EUPL-1.2
@notice A merchant burns Heitjes into a numbered cash-out request; the
        city's treasurer pays it by bank transfer and records here that it
        was paid, with the payment's reference. Together with the Heitje
        contract's totals this keeps the books auditable: minted - burned =
        Heitjes outstanding = the city's euro liability, and requested - paid
        = euros the city still owes merchants for cash-outs.
@dev A separate contract from Heitje only because one contract may hold at
     most 24 KiB of code (EIP-170). The burn itself happens in Heitje
     (`burn_for_redemption`), which accepts it only from this contract, so
     every rule about balances stays in one place. No call here is on a hot
     path, so the cross-contract call costs nothing that matters.
"""


from .modules import access


interface IHeitje:
    def burn_for_redemption(merchant: address, amount: uint256): nonpayable
    def roles_of(account: address) -> uint256: view
    def TRUSTED_FORWARDER() -> address: view


# Longest payment reference (the SEPA end-to-end identification is at most
# 35 characters).
MAX_PAYMENT_REFERENCE_LENGTH: constant(uint256) = 35
# Most requests marked paid in one call.
MAX_BATCH: constant(uint256) = 100

# ---- Request word ---------------------------------------------------------
# bits   0-159 merchant
# bits 160-223 amount (cents)
# bits 224-231 status
AMOUNT_SHIFT: constant(uint256) = 160
STATUS_SHIFT: constant(uint256) = 224
MASK_8: constant(uint256) = 2**8 - 1
MASK_64: constant(uint256) = 2**64 - 1
MASK_160: constant(uint256) = 2**160 - 1
STATUS_OPEN: constant(uint256) = 1
STATUS_PAID: constant(uint256) = 2


# The Heitje contract whose coins this contract burns.
HEITJE: public(immutable(IHeitje))
# Heitje's trusted ERC-2771 forwarder, trusted here too (see `_actor`).
TRUSTED_FORWARDER: public(immutable(address))


struct Request:
    merchant: address
    amount: uint256
    status: uint256


# Requests by id (ids run from 1 to `request_count`).
_requests: HashMap[uint256, uint256]
# How many requests there are.
request_count: public(uint256)
# Total cents ever requested, and total marked paid.
total_requested: public(uint256)
total_paid: public(uint256)


event RedemptionRequested:
    redemption_id: indexed(uint256)
    merchant: indexed(address)
    amount: uint256


event RedemptionPaid:
    redemption_id: indexed(uint256)
    merchant: indexed(address)
    amount: uint256
    payment_reference: String[MAX_PAYMENT_REFERENCE_LENGTH]
    treasurer: indexed(address)


@deploy
def __init__(heitje: IHeitje):
    """
    @dev Binds this contract to the Heitje contract and its trusted
         forwarder. Heitje's admin then calls `set_redemption` with this
         contract's address.
    """
    HEITJE = heitje
    TRUSTED_FORWARDER = staticcall heitje.TRUSTED_FORWARDER()


@external
@view
def isTrustedForwarder(forwarder: address) -> bool:
    """
    @notice Whether `forwarder` is the trusted forwarder (ERC-2771).
    """
    return forwarder == TRUSTED_FORWARDER and forwarder != empty(address)


@external
def redeem(amount: uint256) -> uint256:
    """
    @notice A merchant cashes `amount` cents of Heitjes in: they are burned
            and a request for the euros is opened. A deactivated merchant
            can still cash in what it holds.
    @return The request's id.
    """
    merchant: address = self._actor()
    assert amount > 0, "redeem: amount is zero"
    extcall HEITJE.burn_for_redemption(merchant, amount)
    redemption_id: uint256 = self.request_count + 1
    self.request_count = redemption_id
    # amount <= the merchant's balance < 2**64 (Heitje checked it).
    self._requests[redemption_id] = (
        convert(merchant, uint256) | (amount << AMOUNT_SHIFT) | (STATUS_OPEN << STATUS_SHIFT)
    )
    self.total_requested += amount
    log RedemptionRequested(redemption_id=redemption_id, merchant=merchant, amount=amount)
    return redemption_id


@external
def mark_paid(
    redemption_ids: DynArray[uint256, MAX_BATCH],
    payment_reference: String[MAX_PAYMENT_REFERENCE_LENGTH],
):
    """
    @notice The treasurer records that these requests were paid in euros,
            with the bank payment's reference. Allowed while Heitje is
            paused: it only records what happened at the bank.
    """
    treasurer: address = self._actor()
    assert staticcall HEITJE.roles_of(treasurer) & access.ROLE_TREASURER != 0, "access: only a treasurer may do this"
    assert len(payment_reference) > 0, "redeem: empty payment reference"
    total: uint256 = 0
    for redemption_id: uint256 in redemption_ids:
        entry: uint256 = self._requests[redemption_id]
        assert (entry >> STATUS_SHIFT) & MASK_8 == STATUS_OPEN, "redeem: request is not open"
        amount: uint256 = (entry >> AMOUNT_SHIFT) & MASK_64
        self._requests[redemption_id] = (entry & ~(MASK_8 << STATUS_SHIFT)) | (STATUS_PAID << STATUS_SHIFT)
        total += amount
        log RedemptionPaid(
            redemption_id=redemption_id,
            merchant=convert(entry & MASK_160, address),
            amount=amount,
            payment_reference=payment_reference,
            treasurer=treasurer,
        )
    self.total_paid += total


@external
@view
def request(redemption_id: uint256) -> Request:
    """
    @notice A cash-out request (status 0: none, 1: open, 2: paid).
    """
    entry: uint256 = self._requests[redemption_id]
    return Request(
        merchant=convert(entry & MASK_160, address),
        amount=(entry >> AMOUNT_SHIFT) & MASK_64,
        status=(entry >> STATUS_SHIFT) & MASK_8,
    )


@internal
@view
def _actor() -> address:
    """
    @dev The address a call acts for; see `Heitje._actor`: the signer of a
         request the trusted forwarder relays (the last 20 bytes of the call
         data, which the forwarder always appends), otherwise the sender.
    """
    if msg.sender == TRUSTED_FORWARDER:
        return convert(convert(slice(msg.data, len(msg.data) - 20, 20), bytes20), address)
    return msg.sender
