# pragma version ~=0.4.3
# pragma optimize gas
# pragma evm-version cancun
"""
@title NeighbourhoodDesk: associations register residents of their own neighbourhoods
@custom:contract-name NeighbourhoodDesk
@license EUPL-1.2
@notice A neighbourhood association (in Heerlen: GMS) brings residents in.
        It may register residents only in the neighbourhoods the city's
        registrar granted to its account here, one neighbourhood at a time,
        each grant and withdrawal an event. This contract holds the REGISTRAR
        role on Heitje and registers for the association, and its own event
        names the association account that registered each resident.
@dev Why not the REGISTRAR role for an association's people: Heitje knows
     no neighbourhood per registrar, so anyone holding that role (or a key
     of such an account, funded by anyone) could register anyone anywhere by
     sending a transaction directly. Here the limit is in the rules: an
     association calls this contract, which checks the grant and calls
     Heitje's `register_citizens`; Heitje's `CitizenRegistered` then names
     this contract as registrar, and `CitizenRegisteredBy` here names the
     association.

     Grants are kept by the registrar role on Heitje (checked against
     Heitje's `roles_of`): whoever may register anyone may also delegate a
     neighbourhood, and revoking the role there ends that here too.

     An association may not move a resident to a new wallet (a lost phone)
     or change a resident's neighbourhood or deactivate one: those move
     money or take it out of reach, and a mistake or a dishonest helper
     there costs a resident what they earned. That stays with the city's
     desk, which checks the person. An association only adds new residents,
     who start with nothing.

     Trusts Heitje's forwarder (ERC-2771, read from Heitje at deployment as
     Redemption does), so an association account needs no native token: it
     signs a request and the city's relayer sends it.
"""


interface IHeitje:
    def register_citizens(
        citizens: DynArray[address, MAX_BATCH], neighbourhoods: DynArray[uint256, MAX_BATCH]
    ): nonpayable
    def roles_of(account: address) -> uint256: view
    def TRUSTED_FORWARDER() -> address: view


# Heitje's registrar role bit (`access.ROLE_REGISTRAR`).
ROLE_REGISTRAR: constant(uint256) = 2
# Highest neighbourhood code (Heitje's `MAX_NEIGHBOURHOOD`; 0 means "none").
MAX_NEIGHBOURHOOD: constant(uint256) = 65_535
# Most residents registered in one call (a desk session's list).
MAX_BATCH: constant(uint256) = 50


# The Heitje contract this desk registers citizens in.
HEITJE: public(immutable(IHeitje))
# Heitje's trusted ERC-2771 forwarder, trusted here too (see `_actor`).
TRUSTED_FORWARDER: public(immutable(address))


# Whether an association account may register residents of a neighbourhood.
is_granted: public(HashMap[address, HashMap[uint256, bool]])
# How many neighbourhoods an association account holds now (0: none, no
# association).
neighbourhood_count: public(HashMap[address, uint256])


event NeighbourhoodGranted:
    association: indexed(address)
    neighbourhood: indexed(uint256)
    by: indexed(address)


event NeighbourhoodWithdrawn:
    association: indexed(address)
    neighbourhood: indexed(uint256)
    by: indexed(address)


event CitizenRegisteredBy:
    citizen: indexed(address)
    neighbourhood: indexed(uint256)
    association: indexed(address)


@deploy
def __init__(heitje: IHeitje):
    """
    @dev Binds this desk to the Heitje contract and its trusted forwarder.
         Heitje's admin then grants this contract the registrar role.
    @param heitje The Heitje contract to register citizens in.
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
def grant(association: address, neighbourhood: uint256):
    """
    @notice A registrar lets `association` register residents of
            `neighbourhood`.
    @param association The association's account.
    @param neighbourhood The neighbourhood code (1 to 65,535).
    """
    registrar: address = self._actor()
    self._check_registrar(registrar)
    assert association != empty(address), "desk: association is the zero address"
    assert neighbourhood > 0 and neighbourhood <= MAX_NEIGHBOURHOOD, "desk: unknown neighbourhood"
    assert not self.is_granted[association][neighbourhood], "desk: already granted"
    self.is_granted[association][neighbourhood] = True
    # At most MAX_NEIGHBOURHOOD grants per association.
    self.neighbourhood_count[association] = unsafe_add(self.neighbourhood_count[association], 1)
    log NeighbourhoodGranted(association=association, neighbourhood=neighbourhood, by=registrar)


@external
def withdraw(association: address, neighbourhood: uint256):
    """
    @notice A registrar ends `association`'s grant of `neighbourhood`.
            Residents it registered there stay registered.
    @param association The association's account.
    @param neighbourhood The neighbourhood code.
    """
    registrar: address = self._actor()
    self._check_registrar(registrar)
    assert self.is_granted[association][neighbourhood], "desk: not granted"
    self.is_granted[association][neighbourhood] = False
    # The grant existed, so the count is at least 1.
    self.neighbourhood_count[association] = unsafe_sub(self.neighbourhood_count[association], 1)
    log NeighbourhoodWithdrawn(association=association, neighbourhood=neighbourhood, by=registrar)


@external
def register_citizen(citizen: address, neighbourhood: uint256):
    """
    @notice An association registers a resident of one of its
            neighbourhoods. Heitje's rules apply as for any registration
            (not paused, a new address).
    @param citizen The resident's account.
    @param neighbourhood A neighbourhood granted to the calling association.
    """
    association: address = self._actor()
    assert self.is_granted[association][neighbourhood], "desk: neighbourhood not granted"
    extcall HEITJE.register_citizens([citizen], [neighbourhood])
    log CitizenRegisteredBy(citizen=citizen, neighbourhood=neighbourhood, association=association)


@external
def register_citizens(
    citizens: DynArray[address, MAX_BATCH], neighbourhoods: DynArray[uint256, MAX_BATCH]
):
    """
    @notice An association registers several residents at once, each in
            one of its neighbourhoods; all or none.
    @param citizens The residents' accounts.
    @param neighbourhoods Their neighbourhoods, in the same order.
    """
    association: address = self._actor()
    assert len(citizens) == len(neighbourhoods), "desk: lengths differ"
    for neighbourhood: uint256 in neighbourhoods:
        assert self.is_granted[association][neighbourhood], "desk: neighbourhood not granted"
    extcall HEITJE.register_citizens(citizens, neighbourhoods)
    for i: uint256 in range(len(citizens), bound=MAX_BATCH):
        log CitizenRegisteredBy(
            citizen=citizens[i], neighbourhood=neighbourhoods[i], association=association
        )


@internal
@view
def _check_registrar(account: address):
    """
    @dev Refuses an account without the registrar role on Heitje.
    """
    assert staticcall HEITJE.roles_of(account) & ROLE_REGISTRAR != 0, "access: only a registrar may do this"


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
