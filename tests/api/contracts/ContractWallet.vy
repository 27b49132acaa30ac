# pragma version ~=0.4.3
"""
@title A one-owner contract wallet for the EIP-1271 sign-in test
@notice Accepts a signature when its owner signed the hash: how a multisig
        (e.g. the city's Safe) answers `isValidSignature`, reduced to one owner.
"""

MAGIC_VALUE: constant(bytes4) = 0x1626ba7e
INVALID: constant(bytes4) = 0xffffffff

OWNER: public(immutable(address))


@deploy
def __init__(owner: address):
    OWNER = owner


@external
@view
def isValidSignature(digest: bytes32, signature: Bytes[65]) -> bytes4:
    if len(signature) != 65:
        return INVALID
    r: bytes32 = extract32(signature, 0)
    s: bytes32 = extract32(signature, 32)
    v: uint256 = convert(slice(signature, 64, 1), uint256)
    if ecrecover(digest, v, r, s) == OWNER:
        return MAGIC_VALUE
    return INVALID
