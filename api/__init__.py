"""The WESH API: serves the indexer's projections, Sign-In with Ethereum, evidence uploads,
payment requests and prepared transactions. It never holds a user's keys."""
