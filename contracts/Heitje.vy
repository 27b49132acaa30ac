# pragma version ~=0.4.3
# pragma optimize gas
# pragma evm-version cancun
"""
@title 't Heerlens Heitje
@custom:contract-name Heitje
@license EUPL-1.2
@notice The whole on-chain core of WESH in one contract: the Heitje token
        (ERC-20, 2 decimals, 1.00 = one euro), the registry of citizens and
        merchants, the city's budget and the task escrow, the per-citizen
        earnings cap, and merchant redemption.
        The rules it enforces are those of docs/product.md:
        - closed loop: Heitjes are minted only when approved work is paid,
          move only from a citizen to an active merchant (a payment) or from
          a merchant back to a citizen (a refund), and leave only through a
          merchant's redemption, which burns them;
        - escrow: commissioning a task locks reward x slots of granted
          budget; locked money goes only to approved work or back to the
          budget;
        - cap: a claim reserves its reward against the citizen's yearly (and
          optional monthly) cap, so approval never fails on the cap;
        - roles: every privileged function refuses everyone else.
@dev Why one contract: a citizen's balance, earnings, reservation and
     registry flags live in ONE storage word (see "Account word" below). A
     payment then reads and writes exactly the two words a plain ERC-20
     transfer touches, and an approval touches the citizen's word, the claim's
     word and one global ledger word, with no cross-contract call. That is
     what brings an approval from ~99,000 gas (separate token and escrow) to
     under 45,000. The code stays readable by keeping each concern in its own
     section and the pure parts (calendar, roles) in modules.

     Every function that acts for a citizen, a merchant or a city employee
     finds the actor through `_actor()`: the sender, or, for a call from the
     trusted ERC-2771 forwarder (contracts/Forwarder.vy), the signer of the
     request it forwards, whose address ends the call data. That is how the
     city's relayer pays the fees while nobody else holds the native token
     (docs/relayer.md); no rule needed to change for it.

     Amounts are in cents (uint256 in the ABI). Internally they sit in 32-
     and 64-bit fields; the bounds that keep them there are the constants
     below, checked where money enters (budget grants, rewards, caps).
"""


from ethereum.ercs import IERC20
from ethereum.ercs import IERC20Detailed

implements: IERC20
implements: IERC20Detailed

from .modules import access
from .modules import calendar


interface IRedemption:
    def HEITJE() -> address: view

initializes: access

exports: (access.roles_of, access.admin_count)


# ---------------------------------------------------------------- constants
NAME: constant(String[25]) = "'t Heerlens Heitje"
SYMBOL: constant(String[5]) = "HEIT"
DECIMALS: constant(uint8) = 2

# Longest content identifier (CID) accepted for task, merchant and evidence
# documents. A CIDv1 in base32 with a sha2-256 hash is 59 characters.
MAX_CID_LENGTH: constant(uint256) = 100
# Most entries in one batch call.
MAX_BATCH: constant(uint256) = 100

# Highest reward per slot: 100.00. A slot is one resident's few hours of light work; at the
# city's hourly warning (15.00 an hour) 100.00 pays more than a working day, and anything larger
# is a job for paid staff or a contractor (issue #15).
MAX_REWARD: constant(uint256) = 10_000
# Most slots on one task.
MAX_SLOTS: constant(uint256) = 1_000
# Shortest and longest time a claim stays valid.
MIN_CLAIM_DURATION: constant(uint256) = 3_600
MAX_CLAIM_DURATION: constant(uint256) = 365 * 86_400
# After a rejection the citizen has at least this long to resubmit or appeal;
# after the contract is unpaused, every deadline that fell in the pause too.
RESUBMIT_WINDOW: constant(uint256) = 7 * 86_400
# The rejection that makes this many is final: the citizen can no longer
# resubmit, only appeal (once) within RESUBMIT_WINDOW, after which the claim
# can be expired like any other. Without it a citizen could hold a slot, a
# reservation and escrow for ever by resubmitting junk.
MAX_REJECTIONS: constant(uint256) = 3
# Highest cap the admin can set, yearly or monthly: 100,000.00.
MAX_CAP: constant(uint256) = 10_000_000
# Default caps: 1,500.00 a year (under the Dutch volunteer allowance), no
# monthly cap (0 means none).
DEFAULT_YEARLY_CAP: constant(uint256) = 150_000
DEFAULT_MONTHLY_CAP: constant(uint256) = 0
# Open claims a citizen may hold at once, by default and at most.
DEFAULT_MAX_OPEN_CLAIMS: constant(uint256) = 3
MAX_OPEN_CLAIMS: constant(uint256) = 20
# Most budget ever granted in total: 10,000,000,000.00. Every amount in
# circulation is at most what was granted, so this bound keeps every 64-bit
# (and the 56-bit budget) field below from overflowing.
MAX_TOTAL_BUDGET: constant(uint256) = 1_000_000_000_000
# Highest neighbourhood code (16 bits; 0 means "none").
MAX_NEIGHBOURHOOD: constant(uint256) = 65_535

# ---- Account word: one uint256 per address ------------------------------
# bits   0- 39 balance (cents; every balance <= total supply <= MAX_TOTAL_BUDGET < 2**40)
# bits  40- 47 flags: citizen, merchant, active, moved, payable
# bits  48- 79 citizen id or merchant id (stable across wallet moves)
# bits  80- 95 neighbourhood code (citizens)
# bits  96-111 year of the earnings counters (Europe/Amsterdam)
# bits 112-119 month of the monthly counter (1 to 12)
# bits 120-143 earned in that year (cents; <= MAX_CAP < 2**24)
# bits 144-167 earned in that month (cents)
# bits 168-191 reserved by open claims (cents)
# bits 192-199 number of open claims
# bits 200-215 refund window: id of the shop the citizen paid last (citizens)
# bits 216-255 refund window: what the citizen paid that shop since and has
#              not had back (cents; see `_transfer` for why it fits)
BALANCE_MASK: constant(uint256) = 2**40 - 1
CITIZEN_FLAG: constant(uint256) = 1 << 40
MERCHANT_FLAG: constant(uint256) = 1 << 41
ACTIVE_FLAG: constant(uint256) = 1 << 42
MOVED_FLAG: constant(uint256) = 1 << 43
# Set exactly when the account is an active merchant. It sits four bits
# above CITIZEN_FLAG, so "an active shop" is one AND (see `_transfer`).
PAYABLE_FLAG: constant(uint256) = CITIZEN_FLAG << 4
ID_SHIFT: constant(uint256) = 48
NEIGHBOURHOOD_SHIFT: constant(uint256) = 80
YEAR_SHIFT: constant(uint256) = 96
MONTH_SHIFT: constant(uint256) = 112
EARNED_YEAR_SHIFT: constant(uint256) = 120
EARNED_MONTH_SHIFT: constant(uint256) = 144
RESERVED_SHIFT: constant(uint256) = 168
OPEN_CLAIMS_SHIFT: constant(uint256) = 192
REFUND_SHOP_SHIFT: constant(uint256) = 200
REFUND_AMOUNT_SHIFT: constant(uint256) = 216
MASK_7: constant(uint256) = 2**7 - 1
MASK_8: constant(uint256) = 2**8 - 1
MASK_16: constant(uint256) = 2**16 - 1
MASK_24: constant(uint256) = 2**24 - 1
MASK_32: constant(uint256) = 2**32 - 1
MASK_40: constant(uint256) = 2**40 - 1
MASK_56: constant(uint256) = 2**56 - 1
MASK_64: constant(uint256) = 2**64 - 1
# The period (year and month) fields together.
PERIOD_FIELDS: constant(uint256) = (2**24 - 1) << YEAR_SHIFT
# The refund window's shop field, the distance from the id field to it, and
# the window (shop and amount) together.
REFUND_SHOP_FIELD: constant(uint256) = MASK_16 << REFUND_SHOP_SHIFT
SHOP_TO_WINDOW: constant(uint256) = REFUND_SHOP_SHIFT - ID_SHIFT
REFUND_FIELDS: constant(uint256) = (2**56 - 1) << REFUND_SHOP_SHIFT
# One unit in the open-claims counter.
ONE_OPEN_CLAIM: constant(uint256) = 1 << OPEN_CLAIMS_SHIFT
# Most merchants: their ids must fit the refund window's 16-bit shop field.
MAX_MERCHANTS: constant(uint256) = 65_535

# ---- Ledger word: the global money totals --------------------------------
# bits   0- 63 total supply (Heitjes outstanding = the city's euro liability)
# bits  64-127 total minted (paid out for approved work)
# bits 128-191 escrow locked (rewards of open slots and live claims)
# bits 192-247 budget available (granted, not committed)
# bit  248     paused
SUPPLY_SHIFT: constant(uint256) = 0
MINTED_SHIFT: constant(uint256) = 64
LOCKED_SHIFT: constant(uint256) = 128
AVAILABLE_SHIFT: constant(uint256) = 192
PAUSED_FLAG: constant(uint256) = 1 << 248

# ---- Task word ------------------------------------------------------------
# bits   0- 31 reward per slot (cents)
# bits  32- 47 slots in total
# bits  48- 63 slots open (neither claimed nor returned)
# bits  64-103 claim deadline (timestamp)
# bits 104-135 claim duration (seconds)
# bits 136-151 neighbourhood code
# bits 152-159 status
TASK_SLOTS_SHIFT: constant(uint256) = 32
TASK_OPEN_SHIFT: constant(uint256) = 48
TASK_DEADLINE_SHIFT: constant(uint256) = 64
TASK_DURATION_SHIFT: constant(uint256) = 104
TASK_NEIGHBOURHOOD_SHIFT: constant(uint256) = 136
TASK_STATUS_SHIFT: constant(uint256) = 152
ONE_OPEN_SLOT: constant(uint256) = 1 << TASK_OPEN_SHIFT
TASK_OPEN: constant(uint256) = 1
TASK_CANCELLED: constant(uint256) = 2
TASK_CLOSED: constant(uint256) = 3

# ---- Claim word: one per (task, citizen id) -------------------------------
# bits   0-  7 status
# bits   8- 47 expires at (timestamp)
# bits  48- 79 reward (copied from the task, so approval need not read it)
# bits  80- 87 reason code of the last rejection
# bit   88     appealed
# bits  89- 95 rejections so far
# bits  96-255 reviewer who rejected (an appeal needs another one)
CLAIM_EXPIRES_SHIFT: constant(uint256) = 8
CLAIM_REWARD_SHIFT: constant(uint256) = 48
CLAIM_REASON_SHIFT: constant(uint256) = 80
CLAIM_APPEALED_FLAG: constant(uint256) = 1 << 88
CLAIM_REJECTIONS_SHIFT: constant(uint256) = 89
CLAIM_REJECTER_SHIFT: constant(uint256) = 96
CLAIM_NONE: constant(uint256) = 0
CLAIM_CLAIMED: constant(uint256) = 1
CLAIM_SUBMITTED: constant(uint256) = 2
CLAIM_REJECTED: constant(uint256) = 3
CLAIM_APPEALED: constant(uint256) = 4
CLAIM_PAID: constant(uint256) = 5
CLAIM_EXPIRED: constant(uint256) = 6
CLAIM_ABANDONED: constant(uint256) = 7
CLAIM_DENIED: constant(uint256) = 8

# Why a claim was released (ClaimReleased.cause).
RELEASE_EXPIRED: constant(uint8) = 1
RELEASE_ABANDONED: constant(uint8) = 2
RELEASE_APPEAL_DENIED: constant(uint8) = 3

# ---- Cap word --------------------------------------------------------------
# bits   0- 31 yearly cap in force
# bits  32- 63 monthly cap in force (0: none)
# bits  64- 95 next yearly cap
# bits  96-127 next monthly cap
# bits 128-143 year from which the next caps apply (0: none scheduled)
# bits 144-151 most open claims per citizen
CAP_MONTHLY_SHIFT: constant(uint256) = 32
CAP_NEXT_YEARLY_SHIFT: constant(uint256) = 64
CAP_NEXT_MONTHLY_SHIFT: constant(uint256) = 96
CAP_NEXT_YEAR_SHIFT: constant(uint256) = 128
CAP_MAX_OPEN_SHIFT: constant(uint256) = 144

# ---- Pause word ------------------------------------------------------------
# bits   0- 39 start of the pause that deadlines are extended for: the last
#              pause, or an earlier one whose grace it began in
# bits  40- 79 when the contract was last unpaused
PAUSE_RESUMED_SHIFT: constant(uint256) = 40

# ---- Counters word ---------------------------------------------------------
# bits   0- 31 citizens registered
# bits  32- 63 merchants registered
# bits  64-127 tasks commissioned
CITIZENS_SHIFT: constant(uint256) = 0
MERCHANTS_SHIFT: constant(uint256) = 32
TASKS_SHIFT: constant(uint256) = 64


# --------------------------------------------------------------- immutables
# The trusted ERC-2771 forwarder (the zero address: none). Immutable: a
# forwarder that could be swapped would let whoever swaps it act for anyone.
TRUSTED_FORWARDER: public(immutable(address))


# ------------------------------------------------------------------ structs
struct Account:
    is_citizen: bool
    is_merchant: bool
    active: bool
    moved: bool
    id: uint256
    neighbourhood: uint256
    balance: uint256
    earned_year: uint256
    earned_month: uint256
    reserved: uint256
    open_claims: uint256


struct Task:
    reward: uint256
    slots: uint256
    slots_open: uint256
    claim_deadline: uint256
    claim_duration: uint256
    neighbourhood: uint256
    status: uint256


struct Claim:
    status: uint256
    expires_at: uint256
    reward: uint256
    reason: uint256
    appealed: bool
    rejected_by: address
    rejections: uint256


struct Ledger:
    total_supply: uint256
    total_minted: uint256
    total_burned: uint256
    escrow_locked: uint256
    budget_granted: uint256
    budget_available: uint256
    paused: bool


struct Caps:
    yearly: uint256
    monthly: uint256
    next_yearly: uint256
    next_monthly: uint256
    next_from_year: uint256
    max_open_claims: uint256


# -------------------------------------------------------------------- state
_accounts: HashMap[address, uint256]
_allowances: HashMap[address, HashMap[address, uint256]]
_ledger: uint256
# Total budget ever granted minus what was withdrawn (cents).
_budget_granted: uint256
_caps: uint256
_pause: uint256
# Set by pausing, for the rest of that transaction only (EIP-1153): lowering
# a cap needs a pause made in an earlier transaction (see `set_caps`).
_paused_in_this_transaction: transient(bool)
_counters: uint256
_tasks: HashMap[uint256, uint256]
# Keyed by task id << 32 | citizen id.
_claims: HashMap[uint256, uint256]
# The Redemption contract, the only one that may burn (set once).
redemption: public(address)


# ------------------------------------------------------------------- events
event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256


event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256


# Emitted by `pay` right after its Transfer event, which carries the payer
# and the amount: a log costs 375 gas a topic and 8 a byte, so repeating
# them here would make a payment cost ~640 gas more, every time.
event Payment:
    merchant: indexed(address)
    reference: bytes32


event Paused:
    admin: indexed(address)


event Unpaused:
    admin: indexed(address)


event CapsChanged:
    yearly: uint256
    monthly: uint256
    from_year: uint256
    admin: indexed(address)


event MaxOpenClaimsChanged:
    max_open_claims: uint256
    admin: indexed(address)


event CitizenRegistered:
    citizen_id: indexed(uint256)
    citizen: indexed(address)
    neighbourhood: uint256
    registrar: indexed(address)


event CitizenNeighbourhoodChanged:
    citizen_id: indexed(uint256)
    citizen: indexed(address)
    neighbourhood: uint256
    registrar: indexed(address)


event CitizenActiveChanged:
    citizen_id: indexed(uint256)
    citizen: indexed(address)
    active: bool
    registrar: indexed(address)


event CitizenMoved:
    citizen_id: indexed(uint256)
    old_wallet: indexed(address)
    new_wallet: indexed(address)
    balance: uint256
    registrar: address


event MerchantRegistered:
    merchant_id: indexed(uint256)
    merchant: indexed(address)
    metadata_cid: String[MAX_CID_LENGTH]
    manager: indexed(address)


event MerchantUpdated:
    merchant_id: indexed(uint256)
    merchant: indexed(address)
    metadata_cid: String[MAX_CID_LENGTH]
    manager: indexed(address)


event MerchantActiveChanged:
    merchant_id: indexed(uint256)
    merchant: indexed(address)
    active: bool
    manager: indexed(address)


# As CitizenMoved: an event indexes at most three fields, the id and both
# wallets; the manager who moved the shop is in the data.
event MerchantMoved:
    merchant_id: indexed(uint256)
    old_wallet: indexed(address)
    new_wallet: indexed(address)
    balance: uint256
    manager: address


event BudgetGranted:
    amount: uint256
    granted_total: uint256
    treasurer: indexed(address)


event BudgetWithdrawn:
    amount: uint256
    granted_total: uint256
    treasurer: indexed(address)


event TaskCommissioned:
    task_id: indexed(uint256)
    reward: uint256
    slots: uint256
    claim_deadline: uint256
    claim_duration: uint256
    neighbourhood: uint256
    metadata_cid: String[MAX_CID_LENGTH]
    task_manager: indexed(address)


event TaskCancelled:
    task_id: indexed(uint256)
    returned: uint256
    task_manager: indexed(address)


event TaskClosed:
    task_id: indexed(uint256)
    returned: uint256
    caller: indexed(address)


event TaskClaimed:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    citizen: indexed(address)
    reward: uint256
    expires_at: uint256


event EvidenceSubmitted:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    citizen: indexed(address)
    evidence_cid: String[MAX_CID_LENGTH]


event SubmissionApproved:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    reviewer: address


event SubmissionRejected:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    reviewer: indexed(address)
    reason: uint256
    expires_at: uint256


event AppealFiled:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    citizen: indexed(address)


event AppealDecided:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    reviewer: indexed(address)
    granted: bool
    reason: uint256


event ClaimReleased:
    task_id: indexed(uint256)
    citizen_id: indexed(uint256)
    caller: indexed(address)
    cause: uint8
    returned_to_budget: uint256


event RedemptionContractSet:
    redemption: indexed(address)
    admin: indexed(address)


@deploy
def __init__(
    admin: address, yearly_cap: uint256, monthly_cap: uint256, trusted_forwarder: address
):
    """
    @dev Deploys with `admin` as the only role holder and the caps in force
         from the start (DEFAULT_YEARLY_CAP and DEFAULT_MONTHLY_CAP for
         Heerlen); later changes apply from a coming year (`set_caps`).
    @param admin The first admin (a multisig in production).
    @param yearly_cap The yearly earnings cap in cents.
    @param monthly_cap The monthly earnings cap in cents, 0 for none.
    @param trusted_forwarder The ERC-2771 forwarder whose requests act for
           their signer (the zero address for none).
    """
    if not (yearly_cap > 0 and yearly_cap <= MAX_CAP and monthly_cap <= yearly_cap):
        self._fail("cap: caps out of range")
    access.__init__(admin)
    TRUSTED_FORWARDER = trusted_forwarder
    self._caps = (
        yearly_cap
        | (monthly_cap << CAP_MONTHLY_SHIFT)
        | (DEFAULT_MAX_OPEN_CLAIMS << CAP_MAX_OPEN_SHIFT)
    )
    log CapsChanged(yearly=yearly_cap, monthly=monthly_cap, from_year=0, admin=admin)
    log MaxOpenClaimsChanged(max_open_claims=DEFAULT_MAX_OPEN_CLAIMS, admin=admin)


# ====================================================================
# ERC-20: the token as wallets see it
# ====================================================================
@external
@view
def name() -> String[25]:
    """
    @notice The token's name: 't Heerlens Heitje.
    """
    return NAME


@external
@view
def symbol() -> String[5]:
    """
    @notice The token's symbol.
    """
    return SYMBOL


@external
@view
def decimals() -> uint8:
    """
    @notice 2: an amount of 100 is one Heitje, which is one euro.
    """
    return DECIMALS


@external
@view
def totalSupply() -> uint256:
    """
    @notice Heitjes outstanding: minted for approved work minus burned by
            redemption. This is the city's euro liability.
    """
    return self._ledger & MASK_64


@external
@view
def balanceOf(_owner: address) -> uint256:
    """
    @notice The Heitjes `_owner` holds, in cents.
    """
    return self._accounts[_owner] & BALANCE_MASK


@external
@view
def allowance(_owner: address, _spender: address) -> uint256:
    """
    @notice How much `_spender` may still move from `_owner`.
    """
    return self._allowances[_owner][_spender]


@external
@view
def isTrustedForwarder(forwarder: address) -> bool:
    """
    @notice Whether `forwarder` is the trusted forwarder (ERC-2771).
    """
    return forwarder == TRUSTED_FORWARDER and forwarder != empty(address)


@external
def transfer(_to: address, _value: uint256) -> bool:
    """
    @notice Moves Heitjes inside the closed loop: a citizen pays an active
            merchant, or a merchant refunds a citizen what that citizen
            paid it and has not had back.
    @dev Reverts with a reason for any other flow (citizen to citizen,
         to an outsider, to an inactive merchant, a refund to someone who
         did not pay this shop).
    """
    # `_actor()` written out: the internal call costs more than the check.
    sender: address = msg.sender
    if sender == TRUSTED_FORWARDER:
        sender = self._signer()
    sender_word: uint256 = self._accounts[sender]
    receiver_word: uint256 = self._accounts[_to]
    # A citizen paying an active shop is the hot path, written out here:
    # calling `_transfer` costs ~100 gas. Everything else, refunds and
    # refusals, goes through `_transfer`, which reads the (now warm) words
    # again. The sender's CITIZEN bit shifted up by four lands on PAYABLE.
    if (sender_word << 4) & receiver_word & PAYABLE_FLAG != 0:
        assert sender_word & BALANCE_MASK >= _value, "heitje: amount exceeds your balance"
        # As in `_transfer`: no field carries into another.
        self._accounts[sender] = unsafe_sub(sender_word, _value)
        self._accounts[_to] = unsafe_add(receiver_word, _value)
        log Transfer(sender=sender, receiver=_to, value=_value)
        return True
    if sender_word & MERCHANT_FLAG == 0 or receiver_word & CITIZEN_FLAG == 0:
        self._refuse(sender_word, receiver_word)
    self._refund(sender, _to, _value)
    return True


@external
def transferFrom(_from: address, _to: address, _value: uint256) -> bool:
    """
    @notice Moves Heitjes on behalf of `_from`, within the same closed-loop
            rules as `transfer`. Emits `Approval` with the allowance left
            (as OpenZeppelin's ERC-20 did up to version 4), so that an
            allowance mirrored from events never goes stale.
    """
    spender: address = self._actor()
    allowed: uint256 = self._allowances[_from][spender]
    if allowed != max_value(uint256):
        assert allowed >= _value, "heitje: amount exceeds allowance"
        # `allowed >= _value` was just checked.
        allowed = unsafe_sub(allowed, _value)
        self._allowances[_from][spender] = allowed
        log Approval(owner=_from, spender=spender, value=allowed)
    self._transfer(_from, _to, _value)
    return True


@external
def approve(_spender: address, _value: uint256) -> bool:
    """
    @notice Lets `_spender` move up to `_value` of the caller's Heitjes.
    """
    owner: address = self._actor()
    self._allowances[owner][_spender] = _value
    log Approval(owner=owner, spender=_spender, value=_value)
    return True


@external
def pay(merchant: address, amount: uint256, reference: bytes32):
    """
    @notice A citizen pays a merchant, quoting the reference of the
            merchant's payment request (the QR code) so the merchant sees
            which request this payment answers. Only a citizen pays, and
            never nothing: a shop's screen must not show a request as paid
            by a refund or by a payment of 0. Unlike a plain `transfer`, a
            payment opens the shop's refund window (see `_refund`).
    @param merchant The merchant's address.
    @param amount The amount in cents, more than 0.
    @param reference The payment request's reference.
    """
    assert amount != 0, "heitje: amount is zero"
    payer: address = self._actor()
    payer_word: uint256 = self._accounts[payer]
    merchant_word: uint256 = self._accounts[merchant]
    # The payer's CITIZEN bit shifted up by four lands on PAYABLE.
    if (payer_word << 4) & merchant_word & PAYABLE_FLAG == 0:
        self._refuse(payer_word, merchant_word)
    assert payer_word & BALANCE_MASK >= amount, "heitje: amount exceeds your balance"
    # The shop's id shifted up lands on the refund window's shop field.
    shop: uint256 = (merchant_word << SHOP_TO_WINDOW) & REFUND_SHOP_FIELD
    if payer_word & REFUND_SHOP_FIELD != shop:
        # A new window: this shop, nothing paid to it yet.
        payer_word = (payer_word & ~REFUND_FIELDS) | shop
    # Balance >= amount (checked), so only the balance bits go down; the
    # window's amount stays below 2**40 (see `_refund`), at the word's top;
    # the shop's balance + amount <= total supply < 2**40.
    self._accounts[payer] = unsafe_sub(unsafe_add(payer_word, amount << REFUND_AMOUNT_SHIFT), amount)
    self._accounts[merchant] = unsafe_add(merchant_word, amount)
    log Transfer(sender=payer, receiver=merchant, value=amount)
    log Payment(merchant=merchant, reference=reference)


# ====================================================================
# Admin: pause and parameters
# ====================================================================
@external
def set_paused(paused: bool):
    """
    @notice Switches the emergency stop on or off. It stops everything that
            creates, locks, pays out or burns money, and registrations. The
            registry's emergency tools (`set_active` to freeze an account,
            `move_citizen` after a stolen phone) keep working. Time spent
            paused does not count against citizens: no claim expires while
            paused or in the RESUBMIT_WINDOW after the unpause (a deadline
            from the pause's start to then runs until that window's end).
            Payments between citizens and merchants stay possible: they only
            move Heitjes already earned inside the closed loop (nothing
            leaves it while redemption is stopped), and nobody is stranded at
            a shop counter. Keeping a pause check off the payment path is
            also what keeps a payment as cheap as a plain ERC-20 transfer.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_ADMIN)
    ledger: uint256 = self._ledger
    if not ((ledger & PAUSED_FLAG != 0) != paused):
        self._fail("heitje: already in that state")
    self._ledger = ledger ^ PAUSED_FLAG
    window: uint256 = self._pause
    if paused:
        self._paused_in_this_transaction = True
        if block.timestamp > ((window >> PAUSE_RESUMED_SHIFT) & MASK_40) + RESUBMIT_WINDOW:
            # Not in the grace of an earlier pause: deadlines are extended
            # from this pause's start.
            window = (window & ~MASK_40) | block.timestamp
        log Paused(admin=actor)
    else:
        window = (window & ~(MASK_40 << PAUSE_RESUMED_SHIFT)) | (block.timestamp << PAUSE_RESUMED_SHIFT)
        log Unpaused(admin=actor)
    self._pause = window


@external
def grant_role(account: address, role: uint256):
    """
    @notice Grants `role` (one of the access.ROLE_* bits) to `account`.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_ADMIN)
    access._grant(account, role, actor)


@external
def revoke_role(account: address, role: uint256):
    """
    @notice Revokes `role` from `account`. The last admin cannot be revoked.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_ADMIN)
    access._revoke(account, role, actor)


@external
def set_caps(yearly: uint256, monthly: uint256, from_year: uint256):
    """
    @notice Schedules new earnings caps (cents; monthly 0 means none) from
            1 January of `from_year` (Europe/Amsterdam), which must be next
            year: a cap for a far year would limit every claim until then.
            A second call before that replaces the first (the way to correct
            a mistake; each call emits CapsChanged). Lowering a cap needs the
            contract paused in an earlier transaction (see below).
    @dev Caps change only at a year boundary, as the Dutch volunteer
         allowance they follow does, so within a year the cap that a
         citizen's reservations were checked against never changes. A claim
         made before the change must also fit a lower scheduled cap, since
         it may be paid after the boundary (see `claim`).
    @param yearly The yearly cap.
    @param monthly The monthly cap, or 0 for none.
    @param from_year The first year the caps apply.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_ADMIN)
    year: uint256 = 0
    month: uint256 = 0
    year, month = calendar._period(block.timestamp)
    if not (yearly > 0 and yearly <= MAX_CAP and monthly <= yearly):
        self._fail("cap: caps out of range")
    if not (from_year == year + 1):
        self._fail("cap: only for next year")
    caps: uint256 = self._current_caps(year)
    monthly_now: uint256 = (caps >> CAP_MONTHLY_SHIFT) & MASK_32
    if yearly < caps & MASK_32 or (monthly != 0 and (monthly_now == 0 or monthly < monthly_now)):
        # Lower caps: a reservation made before this call was checked only
        # against the caps in force, so the admin checks every open
        # reservation off chain first, while paused: no claim can be made
        # then, so none falls between that check and this call. A pause in
        # this same transaction (a multisig batch of pause, set_caps,
        # unpause) left no moment for the check and is refused.
        if self._ledger & PAUSED_FLAG == 0 or self._paused_in_this_transaction:
            self._fail("cap: pause before lowering caps")
    self._caps = (
        (caps & ~((2**80 - 1) << CAP_NEXT_YEARLY_SHIFT))
        | (yearly << CAP_NEXT_YEARLY_SHIFT)
        | (monthly << CAP_NEXT_MONTHLY_SHIFT)
        | (from_year << CAP_NEXT_YEAR_SHIFT)
    )
    log CapsChanged(yearly=yearly, monthly=monthly, from_year=from_year, admin=actor)


@external
def set_max_open_claims(max_open_claims: uint256):
    """
    @notice Sets how many claims a citizen may hold open at once.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_ADMIN)
    if not (max_open_claims > 0 and max_open_claims <= MAX_OPEN_CLAIMS):
        self._fail("cap: open-claims limit range")
    self._caps = (self._caps & ~(MASK_8 << CAP_MAX_OPEN_SHIFT)) | (max_open_claims << CAP_MAX_OPEN_SHIFT)
    log MaxOpenClaimsChanged(max_open_claims=max_open_claims, admin=actor)


# ====================================================================
# Registry: citizens and merchants
# ====================================================================

@external
def register_citizens(citizens: DynArray[address, MAX_BATCH], neighbourhoods: DynArray[uint256, MAX_BATCH]):
    """
    @notice Registers many citizens at once; all or none.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_REGISTRAR)
    self._require_running(self._ledger)
    if not (len(citizens) == len(neighbourhoods)):
        self._fail("registry: lengths differ")
    for i: uint256 in range(len(citizens), bound=MAX_BATCH):
        self._register_citizen(citizens[i], neighbourhoods[i], actor)


@external
def set_citizen_neighbourhood(citizen: address, neighbourhood: uint256):
    """
    @notice Records that a citizen moved house to another neighbourhood.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_REGISTRAR)
    self._require_running(self._ledger)
    if not (neighbourhood > 0 and neighbourhood <= MAX_NEIGHBOURHOOD):
        self._fail("registry: unknown neighbourhood")
    word: uint256 = self._accounts[citizen]
    if not (word & CITIZEN_FLAG != 0):
        self._fail("registry: not a citizen")
    word = (word & ~(MASK_16 << NEIGHBOURHOOD_SHIFT)) | (neighbourhood << NEIGHBOURHOOD_SHIFT)
    self._accounts[citizen] = word
    log CitizenNeighbourhoodChanged(
        citizen_id=(word >> ID_SHIFT) & MASK_32,
        citizen=citizen,
        neighbourhood=neighbourhood,
        registrar=actor,
    )


@external
def set_active(account: address, active: bool):
    """
    @notice Deactivates (or reactivates) a citizen (registrar) or a merchant
            (merchant manager). A deactivated citizen cannot claim new tasks
            but keeps, and may spend, what was earned, and may finish work
            already claimed. A deactivated merchant receives no more payments
            but can still refund and cash in what it holds.
    """
    actor: address = self._actor()
    # No pause check: freezing an account is an emergency tool.
    word: uint256 = self._accounts[account]
    if not (word & (CITIZEN_FLAG | MERCHANT_FLAG) != 0):
        self._fail("registry: not registered")
    if not ((word & ACTIVE_FLAG != 0) != active):
        self._fail("registry: already in that state")
    if word & MERCHANT_FLAG != 0:
        word ^= PAYABLE_FLAG
    self._accounts[account] = word ^ ACTIVE_FLAG
    account_id: uint256 = (word >> ID_SHIFT) & MASK_32
    if word & CITIZEN_FLAG != 0:
        access._check_role(actor, access.ROLE_REGISTRAR)
        log CitizenActiveChanged(citizen_id=account_id, citizen=account, active=active, registrar=actor)
    else:
        access._check_role(actor, access.ROLE_MERCHANT_MANAGER)
        log MerchantActiveChanged(merchant_id=account_id, merchant=account, active=active, manager=actor)


@external
def move_citizen(old_wallet: address, new_wallet: address):
    """
    @notice Moves a citizen to a new wallet (a lost phone): the balance, the
            earnings and reservations against the cap, and the open claims
            (which are keyed by the citizen id) all go along. The old wallet
            is retired and can never be registered again.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_REGISTRAR)
    # No pause check: moving a citizen off a stolen phone is an emergency tool.
    word: uint256 = self._accounts[old_wallet]
    if not (word & CITIZEN_FLAG != 0):
        self._fail("registry: not a citizen")
    log CitizenMoved(
        citizen_id=(word >> ID_SHIFT) & MASK_32,
        old_wallet=old_wallet,
        new_wallet=new_wallet,
        balance=self._move_wallet(old_wallet, new_wallet, word),
        registrar=actor,
    )


@external
def register_merchant(merchant: address, metadata_cid: String[MAX_CID_LENGTH]):
    """
    @notice Registers a shop, bar or cultural organisation. Its public
            details (name, address, opening hours) are in the document
            addressed by `metadata_cid`; nothing personal goes on chain.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_MERCHANT_MANAGER)
    self._require_running(self._ledger)
    if not (merchant != empty(address) and len(metadata_cid) > 0):
        self._fail("registry: invalid merchant")
    if not (self._accounts[merchant] == 0):
        self._fail("registry: already registered")
    counters: uint256 = self._counters
    merchant_id: uint256 = ((counters >> MERCHANTS_SHIFT) & MASK_32) + 1
    if not (merchant_id <= MAX_MERCHANTS):
        self._fail("registry: too many merchants")
    self._counters = (counters & ~(MASK_32 << MERCHANTS_SHIFT)) | (merchant_id << MERCHANTS_SHIFT)
    self._accounts[merchant] = MERCHANT_FLAG | ACTIVE_FLAG | PAYABLE_FLAG | (merchant_id << ID_SHIFT)
    log MerchantRegistered(
        merchant_id=merchant_id, merchant=merchant, metadata_cid=metadata_cid, manager=actor
    )


@external
def update_merchant(merchant: address, metadata_cid: String[MAX_CID_LENGTH]):
    """
    @notice Points a merchant at a new public details document.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_MERCHANT_MANAGER)
    self._require_running(self._ledger)
    word: uint256 = self._accounts[merchant]
    if not (word & MERCHANT_FLAG != 0):
        self._fail("registry: not a merchant")
    if not (len(metadata_cid) > 0):
        self._fail("registry: empty metadata CID")
    log MerchantUpdated(
        merchant_id=(word >> ID_SHIFT) & MASK_32,
        merchant=merchant,
        metadata_cid=metadata_cid,
        manager=actor,
    )


@external
def move_merchant(old_wallet: address, new_wallet: address):
    """
    @notice Moves a shop to a new wallet (a lost key): the balance, the
            merchant id, the public details and the active state all go
            along, so the city's liability for the shop's Heitjes is not
            stranded. Citizens' refund windows name the shop by id and keep
            working. The old wallet is retired and can never be registered
            or paid again.
    @dev The merchant manager moves shops because it is the role that
         onboards them and checks who runs a shop; the registrar vouches
         for residents only. Open cash-out requests keep the old wallet:
         the euros go to the shop's bank account, not to a wallet.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_MERCHANT_MANAGER)
    # No pause check: moving a shop off a lost key is an emergency tool.
    word: uint256 = self._accounts[old_wallet]
    if not (word & MERCHANT_FLAG != 0):
        self._fail("registry: not a merchant")
    log MerchantMoved(
        merchant_id=(word >> ID_SHIFT) & MASK_32,
        old_wallet=old_wallet,
        new_wallet=new_wallet,
        balance=self._move_wallet(old_wallet, new_wallet, word),
        manager=actor,
    )


# ====================================================================
# Budget and tasks
# ====================================================================
@external
def grant_budget(amount: uint256):
    """
    @notice The treasurer adds `amount` cents to the budget tasks are paid
            from.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_TREASURER)
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    granted: uint256 = self._budget_granted
    # Compared before adding (granted <= MAX_TOTAL_BUDGET always), so that an absurd amount is
    # refused with this reason rather than by an overflow without one.
    if not (amount > 0 and amount <= MAX_TOTAL_BUDGET - granted):
        self._fail("budget: amount out of range")
    granted += amount
    self._budget_granted = granted
    # available <= granted <= MAX_TOTAL_BUDGET < 2**56: the field cannot overflow.
    self._ledger = unsafe_add(ledger, amount << AVAILABLE_SHIFT)
    log BudgetGranted(amount=amount, granted_total=granted, treasurer=actor)


@external
def withdraw_budget(amount: uint256):
    """
    @notice The treasurer takes back budget that no task has committed.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_TREASURER)
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    if not (amount > 0 and (ledger >> AVAILABLE_SHIFT) & MASK_56 >= amount):
        self._fail("budget: more than uncommitted")
    # Just checked: the available field holds at least `amount`.
    self._ledger = unsafe_sub(ledger, amount << AVAILABLE_SHIFT)
    granted: uint256 = self._budget_granted - amount
    self._budget_granted = granted
    log BudgetWithdrawn(amount=amount, granted_total=granted, treasurer=actor)


@external
def commission_task(
    metadata_cid: String[MAX_CID_LENGTH],
    reward: uint256,
    slots: uint256,
    claim_deadline: uint256,
    claim_duration: uint256,
    neighbourhood: uint256,
) -> uint256:
    """
    @notice Commissions a task and locks `reward * slots` of budget for it,
            so citizens can see the money exists before doing the work.
    @param metadata_cid CID of the task document (title, description,
           location, photos of the spot).
    @param reward Reward per slot in cents.
    @param slots How many citizens can do the task.
    @param claim_deadline Last moment a slot can be claimed.
    @param claim_duration How long a claim stays valid to submit work.
    @param neighbourhood The neighbourhood code of the task's location.
    @return The new task's id.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_TASK_MANAGER)
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    # The API and the scripts check each term and say which one is wrong;
    # the contract refuses any term outside its bounds (each check inline
    # costs ~120 bytes of the 24 KiB the contract may have).
    if not (
        len(metadata_cid) > 0
        and reward > 0 and reward <= MAX_REWARD
        and slots > 0 and slots <= MAX_SLOTS
        and claim_duration >= MIN_CLAIM_DURATION and claim_duration <= MAX_CLAIM_DURATION
        and neighbourhood > 0 and neighbourhood <= MAX_NEIGHBOURHOOD
    ):
        self._fail("tasks: terms out of range")
    if not (claim_deadline > block.timestamp and claim_deadline <= MASK_40):
        self._fail("tasks: deadline not in future")
    # Both factors are bounded above, so the product is below 2**28.
    cost: uint256 = unsafe_mul(reward, slots)
    if not ((ledger >> AVAILABLE_SHIFT) & MASK_56 >= cost):
        self._fail("budget: not enough budget")
    # available >= cost (checked); locked + cost <= granted < 2**56.
    self._ledger = unsafe_add(unsafe_sub(ledger, cost << AVAILABLE_SHIFT), cost << LOCKED_SHIFT)
    counters: uint256 = self._counters
    task_id: uint256 = ((counters >> TASKS_SHIFT) & MASK_64) + 1
    self._counters = (counters & ~(MASK_64 << TASKS_SHIFT)) | (task_id << TASKS_SHIFT)
    self._tasks[task_id] = (
        reward
        | (slots << TASK_SLOTS_SHIFT)
        | (slots << TASK_OPEN_SHIFT)
        | (claim_deadline << TASK_DEADLINE_SHIFT)
        | (claim_duration << TASK_DURATION_SHIFT)
        | (neighbourhood << TASK_NEIGHBOURHOOD_SHIFT)
        | (TASK_OPEN << TASK_STATUS_SHIFT)
    )
    log TaskCommissioned(
        task_id=task_id,
        reward=reward,
        slots=slots,
        claim_deadline=claim_deadline,
        claim_duration=claim_duration,
        neighbourhood=neighbourhood,
        metadata_cid=metadata_cid,
        task_manager=actor,
    )
    return task_id


@external
def cancel_task(task_id: uint256):
    """
    @notice Cancels a task: its unclaimed slots' rewards go back to the
            budget at once. Claims already made stay funded: their citizens
            can still submit work and be paid.
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_TASK_MANAGER)
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    task: uint256 = self._tasks[task_id]
    if not ((task >> TASK_STATUS_SHIFT) & MASK_8 == TASK_OPEN):
        self._fail("tasks: task not open")
    returned: uint256 = self._close_task(task_id, task, TASK_CANCELLED, ledger)
    log TaskCancelled(task_id=task_id, returned=returned, task_manager=actor)


@external
def close_task(task_id: uint256):
    """
    @notice After the claim deadline, anyone may close a task: its unclaimed
            slots' rewards go back to the budget.
    """
    actor: address = self._actor()
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    task: uint256 = self._tasks[task_id]
    if not ((task >> TASK_STATUS_SHIFT) & MASK_8 == TASK_OPEN):
        self._fail("tasks: task not open")
    if not (block.timestamp > (task >> TASK_DEADLINE_SHIFT) & MASK_40):
        self._fail("tasks: deadline not passed")
    returned: uint256 = self._close_task(task_id, task, TASK_CLOSED, ledger)
    log TaskClosed(task_id=task_id, returned=returned, caller=actor)


# ====================================================================
# Claims: what citizens do
# ====================================================================
@external
def claim(task_id: uint256):
    """
    @notice A citizen claims one slot of a task. The reward is reserved
            against the citizen's cap, so approval can never fail on it.
    """
    citizen: address = self._actor()
    self._require_running(self._ledger)
    word: uint256 = self._accounts[citizen]
    assert word & (CITIZEN_FLAG | ACTIVE_FLAG) == CITIZEN_FLAG | ACTIVE_FLAG, "tasks: not an active citizen"
    task: uint256 = self._tasks[task_id]
    assert (task >> TASK_STATUS_SHIFT) & MASK_8 == TASK_OPEN, "tasks: task not open"
    assert block.timestamp <= (task >> TASK_DEADLINE_SHIFT) & MASK_40, "tasks: deadline passed"
    assert (task >> TASK_OPEN_SHIFT) & MASK_16 > 0, "tasks: all slots taken"
    citizen_id: uint256 = (word >> ID_SHIFT) & MASK_32
    key: uint256 = self._claim_key(task_id, citizen_id)
    assert self._claims[key] == CLAIM_NONE, "tasks: already claimed"

    year: uint256 = 0
    month: uint256 = 0
    year, month = calendar._period(block.timestamp)
    word = self._roll_period(word, year, month)
    caps: uint256 = self._current_caps(year)
    assert (word >> OPEN_CLAIMS_SHIFT) & MASK_8 < (caps >> CAP_MAX_OPEN_SHIFT) & MASK_8, "cap: too many open claims"
    reward: uint256 = task & MASK_32
    reserved: uint256 = (word >> RESERVED_SHIFT) & MASK_24
    assert ((word >> EARNED_YEAR_SHIFT) & MASK_24) + reserved + reward <= caps & MASK_32, "cap: yearly limit reached"
    monthly_cap: uint256 = (caps >> CAP_MONTHLY_SHIFT) & MASK_32
    if monthly_cap != 0:
        assert ((word >> EARNED_MONTH_SHIFT) & MASK_24) + reserved + reward <= monthly_cap, "cap: monthly limit reached"
    # A reservation made now may be paid next year: it must also fit a
    # lower cap already scheduled for then.
    next_year: uint256 = (caps >> CAP_NEXT_YEAR_SHIFT) & MASK_16
    if next_year != 0:
        assert reserved + reward <= (caps >> CAP_NEXT_YEARLY_SHIFT) & MASK_32, "cap: yearly limit reached"
        next_monthly: uint256 = (caps >> CAP_NEXT_MONTHLY_SHIFT) & MASK_32
        assert next_monthly == 0 or reserved + reward <= next_monthly, "cap: monthly limit reached"
    # reserved + reward <= cap <= MAX_CAP < 2**32 and open claims < 2**8:
    # neither field overflows.
    self._accounts[citizen] = unsafe_add(word, (reward << RESERVED_SHIFT) | ONE_OPEN_CLAIM)
    # Slots open > 0 (checked).
    self._tasks[task_id] = unsafe_sub(task, ONE_OPEN_SLOT)
    expires_at: uint256 = block.timestamp + ((task >> TASK_DURATION_SHIFT) & MASK_32)
    self._claims[key] = CLAIM_CLAIMED | (expires_at << CLAIM_EXPIRES_SHIFT) | (reward << CLAIM_REWARD_SHIFT)
    log TaskClaimed(
        task_id=task_id, citizen_id=citizen_id, citizen=citizen, reward=reward, expires_at=expires_at
    )


@external
def submit(task_id: uint256, evidence_cid: String[MAX_CID_LENGTH]):
    """
    @notice The citizen hands in the work: the CID of the evidence document
            (before/after photos, stored off chain and erasable). Also used
            to resubmit after a rejection, while the claim is valid.
    """
    citizen: address = self._actor()
    self._require_running(self._ledger)
    assert len(evidence_cid) > 0, "tasks: empty evidence CID"
    word: uint256 = 0
    key: uint256 = 0
    claim: uint256 = 0
    word, key, claim = self._claim_for(task_id, citizen)
    self._require_open_claim(claim)
    assert (claim >> CLAIM_REJECTIONS_SHIFT) & MASK_7 < MAX_REJECTIONS, "tasks: rejected for the last time"
    assert not self._expired(claim), "tasks: claim expired"
    self._claims[key] = (claim & ~MASK_8) | CLAIM_SUBMITTED
    log EvidenceSubmitted(
        task_id=task_id, citizen_id=key & MASK_32, citizen=citizen, evidence_cid=evidence_cid
    )


@external
def abandon(task_id: uint256):
    """
    @notice A citizen gives a claimed slot back before submitting (or after a
            rejection): the slot and the cap reservation are freed at once.
    """
    citizen: address = self._actor()
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    word: uint256 = 0
    key: uint256 = 0
    claim: uint256 = 0
    word, key, claim = self._claim_for(task_id, citizen)
    self._require_open_claim(claim)
    self._release(task_id, citizen, word, key, claim, CLAIM_ABANDONED, RELEASE_ABANDONED, citizen, ledger)


@external
def expire_claim(task_id: uint256, citizen: address):
    """
    @notice Anyone may expire a claim whose time ran out with no evidence
            waiting for review: the slot and the cap reservation are freed.
    """
    actor: address = self._actor()
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    word: uint256 = 0
    key: uint256 = 0
    claim: uint256 = 0
    word, key, claim = self._claim_for(task_id, citizen)
    self._require_open_claim(claim)
    if not (self._expired(claim)):
        self._fail("tasks: claim still valid")
    self._release(task_id, citizen, word, key, claim, CLAIM_EXPIRED, RELEASE_EXPIRED, actor, ledger)


@external
def appeal(task_id: uint256):
    """
    @notice A citizen whose evidence was rejected asks, once, for another
            reviewer to decide.
    """
    citizen: address = self._actor()
    self._require_running(self._ledger)
    word: uint256 = 0
    key: uint256 = 0
    claim: uint256 = 0
    word, key, claim = self._claim_for(task_id, citizen)
    if not (claim & (MASK_8 | CLAIM_APPEALED_FLAG) == CLAIM_REJECTED):
        self._fail("appeal: nothing to appeal")
    if not (not self._expired(claim)):
        self._fail("tasks: claim expired")
    self._claims[key] = (claim & ~MASK_8) | CLAIM_APPEALED | CLAIM_APPEALED_FLAG
    log AppealFiled(task_id=task_id, citizen_id=key & MASK_32, citizen=citizen)


# ====================================================================
# Review: what reviewers do
# ====================================================================
@external
def approve_submission(task_id: uint256, citizen: address):
    """
    @notice Approves submitted work and pays the citizen the reward from
            escrow.
    """
    reviewer: address = self._actor()
    access._check_role(reviewer, access.ROLE_REVIEWER)
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    year: uint256 = 0
    month: uint256 = 0
    year, month = calendar._period(block.timestamp)
    paid: uint256 = self._approve(task_id, citizen, reviewer, year, month)
    self._ledger = self._book_payout(ledger, paid)


@external
def approve_submissions(task_ids: DynArray[uint256, MAX_BATCH], citizens: DynArray[address, MAX_BATCH]):
    """
    @notice Approves many submissions at once; all or none.
    """
    reviewer: address = self._actor()
    access._check_role(reviewer, access.ROLE_REVIEWER)
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    assert len(task_ids) == len(citizens), "review: lengths differ"
    year: uint256 = 0
    month: uint256 = 0
    year, month = calendar._period(block.timestamp)
    paid: uint256 = 0
    for i: uint256 in range(len(task_ids), bound=MAX_BATCH):
        # Each reward <= MAX_REWARD and at most MAX_BATCH of them.
        paid = unsafe_add(paid, self._approve(task_ids[i], citizens[i], reviewer, year, month))
    self._ledger = self._book_payout(ledger, paid)


@external
def reject_submission(task_id: uint256, citizen: address, reason: uint256):
    """
    @notice Rejects submitted work with a reason code (the list of codes and
            their texts is published by the city). The citizen may resubmit
            or appeal while the claim is valid, and has at least
            RESUBMIT_WINDOW after this rejection to do so. The
            MAX_REJECTIONS-th rejection is final: no resubmission, only an
            appeal, and the claim expires after the window.
    """
    reviewer: address = self._actor()
    access._check_role(reviewer, access.ROLE_REVIEWER)
    self._require_running(self._ledger)
    if not (citizen != reviewer):
        self._fail("review: own work")
    if not (reason > 0 and reason <= MASK_8):
        self._fail("review: reason out of range")
    word: uint256 = 0
    key: uint256 = 0
    claim: uint256 = 0
    word, key, claim = self._claim_for(task_id, citizen)
    if not (claim & MASK_8 == CLAIM_SUBMITTED):
        self._fail("review: nothing submitted")
    expires_at: uint256 = max((claim >> CLAIM_EXPIRES_SHIFT) & MASK_40, block.timestamp + RESUBMIT_WINDOW)
    # A submitted claim has been rejected fewer than MAX_REJECTIONS times
    # (`submit` refuses after that), so the 7-bit count cannot overflow.
    self._claims[key] = unsafe_add(
        (claim & (CLAIM_APPEALED_FLAG | (MASK_7 << CLAIM_REJECTIONS_SHIFT) | (MASK_32 << CLAIM_REWARD_SHIFT))),
        1 << CLAIM_REJECTIONS_SHIFT,
    ) | (
        CLAIM_REJECTED
        | (expires_at << CLAIM_EXPIRES_SHIFT)
        | (reason << CLAIM_REASON_SHIFT)
        | (convert(reviewer, uint256) << CLAIM_REJECTER_SHIFT)
    )
    log SubmissionRejected(
        task_id=task_id, citizen_id=key & MASK_32, reviewer=reviewer, reason=reason, expires_at=expires_at
    )


@external
def decide_appeal(task_id: uint256, citizen: address, grant: bool, reason: uint256):
    """
    @notice A reviewer other than the one who rejected decides an appeal:
            granted, the citizen is paid; denied (with a reason code), the
            claim ends and its slot and reservation are freed.
    """
    reviewer: address = self._actor()
    access._check_role(reviewer, access.ROLE_REVIEWER)
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    word: uint256 = 0
    key: uint256 = 0
    claim: uint256 = 0
    word, key, claim = self._claim_for(task_id, citizen)
    if not (claim & MASK_8 == CLAIM_APPEALED):
        self._fail("appeal: no appeal waiting")
    if not (convert(claim >> CLAIM_REJECTER_SHIFT, address) != reviewer):
        self._fail("appeal: needs another reviewer")
    if not (grant or (reason > 0 and reason <= MASK_8)):
        self._fail("review: reason out of range")
    log AppealDecided(task_id=task_id, citizen_id=key & MASK_32, reviewer=reviewer, granted=grant, reason=reason)
    if grant:
        year: uint256 = 0
        month: uint256 = 0
        year, month = calendar._period(block.timestamp)
        self._claims[key] = (claim & ~MASK_8) | CLAIM_SUBMITTED
        self._ledger = self._book_payout(ledger, self._approve(task_id, citizen, reviewer, year, month))
    else:
        self._release(task_id, citizen, word, key, claim, CLAIM_DENIED, RELEASE_APPEAL_DENIED, reviewer, ledger)


# ====================================================================
# Redemption: the burn behind a merchant's cash-out
# ====================================================================
@external
def set_redemption(redemption: address):
    """
    @notice Names the Redemption contract, once, after deploying it. It is
            the only address that may burn Heitjes, so it must be a contract
            bound to this Heitje (its HEITJE() is this contract).
    """
    actor: address = self._actor()
    access._check_role(actor, access.ROLE_ADMIN)
    if not (self.redemption == empty(address)):
        self._fail("redeem: contract already set")
    if not (staticcall IRedemption(redemption).HEITJE() == self):
        self._fail("redeem: not this Heitje's contract")
    self.redemption = redemption
    log RedemptionContractSet(redemption=redemption, admin=actor)


@external
def burn_for_redemption(merchant: address, amount: uint256):
    """
    @notice Burns `amount` of a merchant's Heitjes for a cash-out request.
            Only the Redemption contract calls this, for the merchant who
            asked it to (a deactivated merchant too).
    """
    if not (msg.sender == self.redemption):
        self._fail("redeem: only the Redemption contract")
    ledger: uint256 = self._ledger
    self._require_running(ledger)
    word: uint256 = self._accounts[merchant]
    if not (word & MERCHANT_FLAG != 0):
        self._fail("redeem: not a merchant")
    if not (word & BALANCE_MASK >= amount):
        self._fail("redeem: amount exceeds balance")
    # balance >= amount (checked) and supply >= every balance.
    self._accounts[merchant] = unsafe_sub(word, amount)
    self._ledger = unsafe_sub(ledger, amount)
    log Transfer(sender=merchant, receiver=empty(address), value=amount)


# ====================================================================
# Views
# ====================================================================
@external
@view
def account(owner: address) -> Account:
    """
    @notice Everything the contract knows of an address, with the earnings
            of the current Europe/Amsterdam year and month.
    """
    year: uint256 = 0
    month: uint256 = 0
    year, month = calendar._period(block.timestamp)
    word: uint256 = self._roll_period(self._accounts[owner], year, month)
    return Account(
        is_citizen=word & CITIZEN_FLAG != 0,
        is_merchant=word & MERCHANT_FLAG != 0,
        active=word & ACTIVE_FLAG != 0,
        moved=word & MOVED_FLAG != 0,
        id=(word >> ID_SHIFT) & MASK_32,
        neighbourhood=(word >> NEIGHBOURHOOD_SHIFT) & MASK_16,
        balance=word & BALANCE_MASK,
        earned_year=(word >> EARNED_YEAR_SHIFT) & MASK_24,
        earned_month=(word >> EARNED_MONTH_SHIFT) & MASK_24,
        reserved=(word >> RESERVED_SHIFT) & MASK_24,
        open_claims=(word >> OPEN_CLAIMS_SHIFT) & MASK_8,
    )


@external
@view
def task(task_id: uint256) -> Task:
    """
    @notice A task's terms and state (status 0: no such task, 1: open,
            2: cancelled, 3: closed after its claim deadline).
    """
    word: uint256 = self._tasks[task_id]
    return Task(
        reward=word & MASK_32,
        slots=(word >> TASK_SLOTS_SHIFT) & MASK_16,
        slots_open=(word >> TASK_OPEN_SHIFT) & MASK_16,
        claim_deadline=(word >> TASK_DEADLINE_SHIFT) & MASK_40,
        claim_duration=(word >> TASK_DURATION_SHIFT) & MASK_32,
        neighbourhood=(word >> TASK_NEIGHBOURHOOD_SHIFT) & MASK_16,
        status=(word >> TASK_STATUS_SHIFT) & MASK_8,
    )


@external
@view
def claim_of(task_id: uint256, citizen_id: uint256) -> Claim:
    """
    @notice A claim by citizen id (status 0: none, 1: claimed, 2: submitted,
            3: rejected, 4: appealed, 5: paid, 6: expired, 7: abandoned,
            8: appeal denied). `expires_at` is as stored: after a pause a
            claim may stay valid longer (see `set_paused`).
    """
    word: uint256 = self._claims[self._claim_key(task_id, citizen_id)]
    return Claim(
        status=word & MASK_8,
        expires_at=(word >> CLAIM_EXPIRES_SHIFT) & MASK_40,
        reward=(word >> CLAIM_REWARD_SHIFT) & MASK_32,
        reason=(word >> CLAIM_REASON_SHIFT) & MASK_8,
        appealed=word & CLAIM_APPEALED_FLAG != 0,
        rejected_by=convert(word >> CLAIM_REJECTER_SHIFT, address),
        rejections=(word >> CLAIM_REJECTIONS_SHIFT) & MASK_7,
    )


@external
@view
def ledger() -> Ledger:
    """
    @notice The money totals: Heitjes outstanding (total supply = minted -
            burned = the city's euro liability), escrow, budget, cash-outs.
    """
    word: uint256 = self._ledger
    supply: uint256 = word & MASK_64
    minted: uint256 = (word >> MINTED_SHIFT) & MASK_64
    return Ledger(
        total_supply=supply,
        total_minted=minted,
        total_burned=minted - supply,
        escrow_locked=(word >> LOCKED_SHIFT) & MASK_64,
        budget_granted=self._budget_granted,
        budget_available=(word >> AVAILABLE_SHIFT) & MASK_56,
        paused=word & PAUSED_FLAG != 0,
    )



@external
@view
def caps() -> Caps:
    """
    @notice The caps in force this year, and the next ones if scheduled.
    """
    year: uint256 = 0
    month: uint256 = 0
    year, month = calendar._period(block.timestamp)
    word: uint256 = self._current_caps(year)
    return Caps(
        yearly=word & MASK_32,
        monthly=(word >> CAP_MONTHLY_SHIFT) & MASK_32,
        next_yearly=(word >> CAP_NEXT_YEARLY_SHIFT) & MASK_32,
        next_monthly=(word >> CAP_NEXT_MONTHLY_SHIFT) & MASK_32,
        next_from_year=(word >> CAP_NEXT_YEAR_SHIFT) & MASK_16,
        max_open_claims=(word >> CAP_MAX_OPEN_SHIFT) & MASK_8,
    )


@external
@view
def counts() -> (uint256, uint256, uint256):
    """
    @notice How many citizens, merchants and tasks there are; ids run from 1
            to these numbers.
    """
    word: uint256 = self._counters
    return (
        (word >> CITIZENS_SHIFT) & MASK_32,
        (word >> MERCHANTS_SHIFT) & MASK_32,
        (word >> TASKS_SHIFT) & MASK_64,
    )


@external
@view
def period() -> (uint256, uint256):
    """
    @notice The current Europe/Amsterdam year and month, as the cap sees it.
    """
    return calendar._period(block.timestamp)


# ====================================================================
# Internal
# ====================================================================
@internal
@view
def _actor() -> address:
    """
    @dev The address a call acts for (ERC-2771): the signer of a request the
         trusted forwarder relays, otherwise the sender.
    """
    if msg.sender == TRUSTED_FORWARDER:
        return self._signer()
    return msg.sender


@internal
@view
def _signer() -> address:
    """
    @dev The last 20 bytes of the call data: the forwarder appends the
         request's signer there. The forwarder always does; call data
         shorter than 20 bytes would make the slice revert.
    """
    return convert(convert(slice(msg.data, len(msg.data) - 20, 20), bytes20), address)


@internal
@pure
def _require_running(ledger: uint256):
    """
    @dev Reverts while the emergency stop is on.
    """
    if not (ledger & PAUSED_FLAG == 0):
        self._fail("heitje: paused")


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    """
    @dev The closed loop: a citizen pays an active merchant, or a merchant
         refunds a citizen (within its refund window, see `_refund`).
    """
    sender_word: uint256 = self._accounts[sender]
    receiver_word: uint256 = self._accounts[receiver]
    # The sender's CITIZEN bit shifted up by four lands on PAYABLE.
    if (sender_word << 4) & receiver_word & PAYABLE_FLAG != 0:
        assert sender_word & BALANCE_MASK >= amount, "heitje: amount exceeds your balance"
        # Balance >= amount (checked), so only the balance bits change;
        # balance + amount <= total supply < 2**40: no carry into the flags.
        self._accounts[sender] = unsafe_sub(sender_word, amount)
        self._accounts[receiver] = unsafe_add(receiver_word, amount)
        log Transfer(sender=sender, receiver=receiver, value=amount)
        return
    if sender_word & MERCHANT_FLAG == 0 or receiver_word & CITIZEN_FLAG == 0:
        self._refuse(sender_word, receiver_word)
    self._refund(sender, receiver, amount)


@internal
def _refund(merchant: address, citizen: address, amount: uint256):
    """
    @dev A merchant gives a citizen back what the citizen paid it.

         The refund window. A refund may give a citizen back at most what
         that citizen paid this shop and has not had back, or a shop could
         pass Heitjes from one citizen to another (past their caps). That
         needs a record per citizen and shop; one in its own storage slot
         would add 5,000 to 22,100 gas to every payment. So the record lives
         in the citizen's own account word, which a payment writes anyway:
         the shop the citizen last paid with `pay` (the dApp's QR payment)
         and what the citizen paid it with `pay` since, less refunds. Paying
         another shop with `pay` starts a new window, so a shop can refund
         until its customer pays another shop. A plain ERC-20 `transfer` or
         `transferFrom` to a shop leaves the window alone, which keeps plain
         transfers as cheap as any ERC-20's: it cannot be refunded.
         The window's amount stays below 2**40: refunds come only from the
         window's shop, so what the citizen paid it since the window opened,
         less its refunds, is at most what the citizen held then plus what
         was minted since, all of it below MAX_TOTAL_BUDGET < 2**40.

         A function of its own with a small memory frame: `transfer` calls
         it off its hot path, and a larger callee frame would make every
         payment's memory dearer.
    """
    merchant_word: uint256 = self._accounts[merchant]
    citizen_word: uint256 = self._accounts[citizen]
    assert merchant_word & BALANCE_MASK >= amount, "heitje: amount exceeds your balance"
    assert (
        citizen_word & REFUND_SHOP_FIELD == (merchant_word << SHOP_TO_WINDOW) & REFUND_SHOP_FIELD
        and citizen_word >> REFUND_AMOUNT_SHIFT >= amount
    ), "heitje: refund exceeds what they paid here"
    # Balance >= amount (checked); the window holds at least `amount` (checked);
    # the citizen's balance stays below total supply < 2**40.
    self._accounts[merchant] = unsafe_sub(merchant_word, amount)
    self._accounts[citizen] = unsafe_sub(unsafe_add(citizen_word, amount), amount << REFUND_AMOUNT_SHIFT)
    log Transfer(sender=merchant, receiver=citizen, value=amount)


@internal
@pure
def _refuse(sender_word: uint256, receiver_word: uint256):
    """
    @dev Says why this transfer breaks the closed loop.
    """
    if sender_word & MERCHANT_FLAG != 0:
        raise "heitje: merchants can only refund citizens"
    if sender_word & CITIZEN_FLAG == 0:
        raise "heitje: only registered citizens and merchants hold Heitjes"
    if receiver_word & CITIZEN_FLAG != 0:
        raise "heitje: citizens cannot send Heitjes to each other; pay a shop instead"
    if receiver_word & MERCHANT_FLAG != 0:
        raise "heitje: this shop no longer accepts Heitjes"
    raise "heitje: Heitjes can only be paid to registered shops"


@internal
def _register_citizen(citizen: address, neighbourhood: uint256, registrar: address):
    """
    @dev Registers one citizen with the next citizen id.
    """
    if not (citizen != empty(address) and neighbourhood > 0 and neighbourhood <= MAX_NEIGHBOURHOOD):
        self._fail("registry: invalid citizen")
    if not (self._accounts[citizen] == 0):
        self._fail("registry: already registered")
    counters: uint256 = self._counters
    citizen_id: uint256 = (counters & MASK_32) + 1
    if not (citizen_id <= MASK_32):
        self._fail("registry: too many citizens")
    self._counters = (counters & ~MASK_32) | citizen_id
    self._accounts[citizen] = (
        CITIZEN_FLAG | ACTIVE_FLAG | (citizen_id << ID_SHIFT) | (neighbourhood << NEIGHBOURHOOD_SHIFT)
    )
    log CitizenRegistered(
        citizen_id=citizen_id, citizen=citizen, neighbourhood=neighbourhood, registrar=registrar
    )


@internal
@view
def _current_caps(year: uint256) -> uint256:
    """
    @dev The cap word with a scheduled change applied once its year came.
    """
    caps: uint256 = self._caps
    next_year: uint256 = (caps >> CAP_NEXT_YEAR_SHIFT) & MASK_16
    if next_year != 0 and year >= next_year:
        caps = (
            (caps & (MASK_8 << CAP_MAX_OPEN_SHIFT))
            | ((caps >> CAP_NEXT_YEARLY_SHIFT) & MASK_32)
            | (((caps >> CAP_NEXT_MONTHLY_SHIFT) & MASK_32) << CAP_MONTHLY_SHIFT)
        )
    return caps


@internal
@pure
def _roll_period(word: uint256, year: uint256, month: uint256) -> uint256:
    """
    @dev Starts new earnings counters when the year or month turned.
         Reservations carry over: a claim made in December and approved in
         January counts as January's earnings (the month it is paid).
    """
    stored_year: uint256 = (word >> YEAR_SHIFT) & MASK_16
    stored_month: uint256 = (word >> MONTH_SHIFT) & MASK_8
    if stored_year == year and stored_month == month:
        return word
    if stored_year != year:
        word &= ~(MASK_24 << EARNED_YEAR_SHIFT)
    word &= ~(MASK_24 << EARNED_MONTH_SHIFT)
    return (word & ~PERIOD_FIELDS) | (year << YEAR_SHIFT) | (month << MONTH_SHIFT)


@internal
@view
def _claim_for(task_id: uint256, citizen: address) -> (uint256, uint256, uint256):
    """
    @dev A citizen's account word, the key of the citizen's claim on the
         task, and the claim word. Reverts unless `citizen` is a citizen.
    """
    word: uint256 = self._accounts[citizen]
    if not (word & CITIZEN_FLAG != 0):
        self._fail("tasks: not a citizen")
    key: uint256 = self._claim_key(task_id, (word >> ID_SHIFT) & MASK_32)
    return word, key, self._claims[key]


@internal
def _move_wallet(old_wallet: address, new_wallet: address, word: uint256) -> uint256:
    """
    @dev Moves the account word `word` of `old_wallet` to `new_wallet`
         (which must be unused and not zero), retires the old wallet and
         logs the Transfer of the balance, which it returns. Shared by
         `move_citizen` and `move_merchant`.
    """
    if not (new_wallet != empty(address) and self._accounts[new_wallet] == 0):
        self._fail("registry: new wallet in use")
    balance: uint256 = word & BALANCE_MASK
    self._accounts[new_wallet] = word
    self._accounts[old_wallet] = MOVED_FLAG
    log Transfer(sender=old_wallet, receiver=new_wallet, value=balance)
    return balance


@internal
@pure
def _fail(reason: String[80]):
    """
    @dev Reverts with `reason`. Each `assert cond, "reason"` compiles its own
         copy of the revert encoding (~120 bytes), and 24 KiB (EIP-170) is
         all a contract may hold: off the hot paths (payments, claims,
         approvals) a refusal is `if not cond: self._fail("reason")`, which
         keeps that encoding once. Same revert data, same gas until it fails.
    """
    raise reason


@internal
@pure
def _claim_key(task_id: uint256, citizen_id: uint256) -> uint256:
    """
    @dev The key of a claim: task id << 32 | citizen id. Task ids run from 1
         and fit 64 bits (the counters word), so a task id outside that range
         does not exist and is refused: unchecked, `task_id + k * 2**224`
         would address the same claim as `task_id`. Citizen ids fit 32 bits: a
         larger one (possible only through `claim_of`) would reach another
         task's claims, and is refused the same way.
    """
    if not (task_id != 0 and task_id <= MASK_64 and citizen_id <= MASK_32):
        self._fail("tasks: no such task")
    return (task_id << 32) | citizen_id


@internal
@view
def _expired(claim: uint256) -> bool:
    """
    @dev Whether a claim's time ran out. Time spent paused does not count: a
         deadline from the start of the last pause (or of an earlier one it
         began in the grace of) on runs at least until RESUBMIT_WINDOW after
         the unpause. Callers run only while unpaused.
    """
    expires_at: uint256 = (claim >> CLAIM_EXPIRES_SHIFT) & MASK_40
    if block.timestamp <= expires_at:
        return False
    window: uint256 = self._pause
    if expires_at < window & MASK_40:
        return True
    return block.timestamp > ((window >> PAUSE_RESUMED_SHIFT) & MASK_40) + RESUBMIT_WINDOW


@internal
@pure
def _require_open_claim(claim: uint256):
    """
    @dev Reverts unless the claim waits for (new) evidence: claimed, or
         rejected and not under appeal.
    """
    status: uint256 = claim & MASK_8
    if not (status == CLAIM_CLAIMED or status == CLAIM_REJECTED):
        self._fail("tasks: no open claim")


@internal
def _approve(task_id: uint256, citizen: address, reviewer: address, year: uint256, month: uint256) -> uint256:
    """
    @dev Pays one submitted claim: the citizen's balance and earnings grow by
         the reward, the reservation shrinks by it. Returns the reward; the
         caller books it in the ledger.
    """
    assert citizen != reviewer, "review: own work"
    word: uint256 = self._accounts[citizen]
    assert word & CITIZEN_FLAG != 0, "review: not a citizen"
    citizen_id: uint256 = (word >> ID_SHIFT) & MASK_32
    key: uint256 = self._claim_key(task_id, citizen_id)
    claim: uint256 = self._claims[key]
    assert claim & MASK_8 == CLAIM_SUBMITTED, "review: nothing submitted"
    reward: uint256 = (claim >> CLAIM_REWARD_SHIFT) & MASK_32
    word = self._roll_period(word, year, month)
    # The reservation holds this reward and one open claim (made at claim
    # time), so the subtraction stays inside the reserved and open-claims
    # fields; earned + reserved <= cap < 2**32 keeps the earned fields in
    # range; the balance stays below total supply < 2**56.
    word = unsafe_add(
        unsafe_sub(word, (reward << RESERVED_SHIFT) | ONE_OPEN_CLAIM),
        reward | (reward << EARNED_YEAR_SHIFT) | (reward << EARNED_MONTH_SHIFT),
    )
    self._accounts[citizen] = word
    self._claims[key] = (claim & ~MASK_8) | CLAIM_PAID
    log Transfer(sender=empty(address), receiver=citizen, value=reward)
    log SubmissionApproved(task_id=task_id, citizen_id=citizen_id, reviewer=reviewer)
    return reward


@internal
@pure
def _book_payout(ledger: uint256, paid: uint256) -> uint256:
    """
    @dev Moves `paid` from escrow into circulation: supply and minted grow,
         locked shrinks.
    """
    # Every paid reward was locked when its task was commissioned, so
    # locked >= paid; supply and minted stay <= granted < 2**56.
    return unsafe_sub(unsafe_add(ledger, paid | (paid << MINTED_SHIFT)), paid << LOCKED_SHIFT)


@internal
def _close_task(task_id: uint256, task: uint256, status: uint256, ledger: uint256) -> uint256:
    """
    @dev Returns a task's open slots to the budget and gives it `status`.
    """
    slots_open: uint256 = (task >> TASK_OPEN_SHIFT) & MASK_16
    # reward < 2**32 and slots < 2**16.
    returned: uint256 = unsafe_mul(task & MASK_32, slots_open)
    self._tasks[task_id] = (
        task & ~((MASK_16 << TASK_OPEN_SHIFT) | (MASK_8 << TASK_STATUS_SHIFT))
    ) | (status << TASK_STATUS_SHIFT)
    # The open slots' rewards are part of locked; available stays <= granted.
    self._ledger = unsafe_add(unsafe_sub(ledger, returned << LOCKED_SHIFT), returned << AVAILABLE_SHIFT)
    return returned


@internal
def _release(
    task_id: uint256,
    citizen: address,
    word: uint256,
    key: uint256,
    claim: uint256,
    status: uint256,
    cause: uint8,
    caller: address,
    ledger: uint256,
):
    """
    @dev Ends a claim without payment: frees the citizen's reservation and
         either reopens the slot (task still open for claims) or returns the
         reward to the budget.
    """
    reward: uint256 = (claim >> CLAIM_REWARD_SHIFT) & MASK_32
    # The reservation and the open-claims count include this claim.
    self._accounts[citizen] = unsafe_sub(word, (reward << RESERVED_SHIFT) | ONE_OPEN_CLAIM)
    self._claims[key] = (claim & ~MASK_8) | status
    task: uint256 = self._tasks[task_id]
    returned: uint256 = 0
    if (task >> TASK_STATUS_SHIFT) & MASK_8 == TASK_OPEN and block.timestamp <= (task >> TASK_DEADLINE_SHIFT) & MASK_40:
        # Slots open < slots total <= MAX_SLOTS: no overflow.
        self._tasks[task_id] = unsafe_add(task, ONE_OPEN_SLOT)
    else:
        returned = reward
        # The claim's reward is part of locked.
        self._ledger = unsafe_add(unsafe_sub(ledger, reward << LOCKED_SHIFT), reward << AVAILABLE_SHIFT)
    log ClaimReleased(
        task_id=task_id,
        citizen_id=(word >> ID_SHIFT) & MASK_32,
        caller=caller,
        cause=cause,
        returned_to_budget=returned,
    )
