"""``make demo`` / ``python -m demo``: a local chain with WESH deployed and a seeded Heerlen.

- ``heerlen``: who plays which role, the shops, the citizens and the tasks (Dutch first).
- ``seed``: deploys through the same code path as ``ape run deploy`` (``wesh.provision``) and
  plays three weeks of believable history with anvil's unlocked accounts.
- ``history``: the three months before those weeks (and this month's round), so the city's
  statistics show figures: the neighbours' monthly tasks and spending, sent in batches.
- ``city``: what the city keeps beside the chain (this month's goals, shops' offers), set
  through the API's services once the indexer has read the chain.
- ``services``: the processes the demo runs (anvil, and the ``SERVICES`` later parts add:
  indexer, API, web), and stopping all of them on Ctrl-C.
- ``__main__``: the orchestrator tying these together.
"""
