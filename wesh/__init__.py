"""The small shared layer of WESH: contract artifacts, the typed contract wrapper, the deployment
manifest, event decoding and settings. Scripts, indexer, API and tests all build on it; it imports
nothing from them."""
