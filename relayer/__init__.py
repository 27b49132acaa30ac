"""The city's relayer (issue #13): residents, shops and city staff sign requests, the city pays.

``relayer.checks`` decides whether a signed request is accepted (the API's ``POST
/relay/requests`` runs it), ``relayer.journal`` keeps every accepted request and every
transaction in the indexer's database, and ``python -m relayer`` (``relayer.sender``) sends them
through the trusted forwarder with the city's key. docs/relayer.md describes it.
"""
