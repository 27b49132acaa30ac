"""The API's own tables: what it keeps beside the indexer's projections, in the same database.

The indexer owns its schema (``indexer.schema``) and never reads these; the API only reads the
indexer's. These hold what the chain cannot give back: sign-in nonces, sessions and rate-limit
counters (unless Redis holds them), shops' payment requests, who uploaded which evidence, and a
cache of the task documents (``api_task_meta``: titles and places, so lists, filters and the map
are single queries), the join codes a new account shows at the desk and who the desk registered
(``api_join_codes``, ``api_registrations``: a keyed hash of the person, never the person).

They are migrated with Alembic (``api/migrations``, run at start-up by ``api.database.migrate``):
change a table here, then add a revision (docs/api.md, "Tables").
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Widths the request models check too (a longer value would not fit the column).
NOTE_LENGTH = 140
CATEGORY_LENGTH = 40

nonces = sa.Table(
    "api_nonces",
    metadata,
    sa.Column("nonce", sa.String(64), primary_key=True),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)
sessions = sa.Table(
    "api_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("address", sa.String(42), nullable=False, index=True),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)
rate_limits = sa.Table(
    "api_rate_limits",
    metadata,
    sa.Column("bucket", sa.String(200), primary_key=True),
    sa.Column("window", sa.BigInteger, primary_key=True),
    sa.Column("hits", sa.Integer, nullable=False),
)
#: Business records, not ephemeral state: always in the database, also when Redis is used.
payment_requests = sa.Table(
    "api_payment_requests",
    metadata,
    sa.Column("reference", sa.String(66), primary_key=True),
    sa.Column("merchant", sa.String(42), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("note", sa.String(NOTE_LENGTH), nullable=False, server_default=""),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)
#: Task texts and places are not on chain (only their CID is): a copy of each task's document.
task_meta = sa.Table(
    "api_task_meta",
    metadata,
    sa.Column("task_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("cid", sa.Text, nullable=False),
    sa.Column("title_nl", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("category", sa.String(CATEGORY_LENGTH), nullable=False),
    sa.Column("street", sa.Text, nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Index("ix_api_task_meta_latlon", "lat", "lon"),
    sa.Index("ix_api_task_meta_category", "category"),
)
#: Who uploaded which evidence (photos are personal data: only their owner and reviewers may
#: fetch them, and they can be erased).
evidence_owners = sa.Table(
    "api_evidence",
    metadata,
    sa.Column("cid", sa.String(100), primary_key=True),
    sa.Column("owner", sa.String(42), nullable=False, index=True),
    sa.Column("media_type", sa.String(40), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)
#: The short code a new account shows at the desk (``api.joining``): maps to its address for a
#: day. No personal data: a random code and the address that asked for it.
JOIN_CODE_LENGTH = 8
join_codes = sa.Table(
    "api_join_codes",
    metadata,
    sa.Column("code", sa.String(JOIN_CODE_LENGTH), primary_key=True),
    sa.Column("address", sa.String(42), nullable=False, index=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)
#: Who the desk registered: the person as a keyed hash (HMAC-SHA256 with the city's secret of the
#: reference the desk checked, never the reference), the new address, the neighbourhood, the
#: registrar and when. Written when the desk prepares the registration; a registration counts
#: (for the "registered before" warning) once the address is a citizen in the index.
registrations = sa.Table(
    "api_registrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_hash", sa.String(64), nullable=False, index=True),
    sa.Column("address", sa.String(42), nullable=False, index=True),
    sa.Column("neighbourhood", sa.Integer, nullable=False),
    sa.Column("registrar", sa.String(42), nullable=False),
    sa.Column("registered_at", sa.BigInteger, nullable=False),
)
#: Shops' bank accounts for cash-outs (``api.shops``): city side only, never on chain nor in a
#: shop's public document. Every change is a new row (who, when): the newest row of any of a
#: shop's wallets (the one it was registered with, and those it moved to) is its account.
IBAN_LENGTH = 34
HOLDER_LENGTH = 70
bank_accounts = sa.Table(
    "api_bank_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("wallet", sa.String(42), nullable=False, index=True),
    sa.Column("holder", sa.String(HOLDER_LENGTH), nullable=False),
    sa.Column("iban", sa.String(IBAN_LENGTH), nullable=False),
    sa.Column("bic", sa.String(11), nullable=True),
    #: "register" (with the shop's registration) or "change" (Bankrekening wijzigen).
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("changed_by", sa.String(42), nullable=False),
    sa.Column("changed_at", sa.BigInteger, nullable=False),
)
#: The residents' inbox (``api.notifications``): one row per thing a resident is told (a hand-in
#: approved or rejected, a claim about to run out), made once from the indexer's tables by the
#: notifier. ``source`` names the event it came from (unique: no item twice, also after a
#: restart); ``push`` is 0 (not to be pushed: made while catching up), 1 (to push) or 2 (done).
NOTIFICATION_KIND_LENGTH = 12
notifications = sa.Table(
    "api_notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("citizen_id", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.String(NOTIFICATION_KIND_LENGTH), nullable=False),
    sa.Column("task_id", sa.BigInteger, nullable=False),
    sa.Column("source", sa.String(80), nullable=False, unique=True),
    sa.Column("reason", sa.Integer, nullable=False, server_default="0"),
    sa.Column("amount", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("deadline", sa.BigInteger, nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("read_at", sa.BigInteger, nullable=True),
    sa.Column("push", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Index("ix_api_notifications_citizen", "citizen_id", "id"),
    sa.Index("ix_api_notifications_push", "push"),
)
#: Where the notifier has read the indexer's ``reviews`` up to (block, log index): committed in
#: the same transaction as the items made from them.
notify_cursor = sa.Table(
    "api_notify_cursor",
    metadata,
    sa.Column("name", sa.String(20), primary_key=True),
    sa.Column("block_number", sa.BigInteger, nullable=False),
    sa.Column("log_index", sa.Integer, nullable=False),
)
#: A browser's Web Push subscription (its push service's endpoint and the keys to encrypt for
#: it), for the wallet signed in when it was made, in the language it asked for.
push_subscriptions = sa.Table(
    "api_push_subscriptions",
    metadata,
    sa.Column("endpoint", sa.String(1000), primary_key=True),
    sa.Column("wallet", sa.String(42), nullable=False, index=True),
    sa.Column("p256dh", sa.String(120), nullable=False),
    sa.Column("auth", sa.String(60), nullable=False),
    sa.Column("lang", sa.String(2), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)
#: Which payment a shop's refund was for (``api.shop_books``): the chain knows only that a shop
#: gave a resident something back, not for which payment. Written when the refund is prepared; it
#: counts for that payment once a refund of that amount from the shop to that resident is on the
#: chain after the payment (matched in order; one never sent matches nothing).
shop_refunds = sa.Table(
    "api_shop_refunds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("merchant_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("payment_tx", sa.String(66), nullable=False),
    sa.Column("payment_log", sa.Integer, nullable=False),
    sa.Column("citizen_id", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)
#: Financiën (``api.finance``): each SEPA payout file the treasurer made on the web (the pain.001
#: bytes as downloaded, so it can be downloaded again), who made it and when; a file another
#: replaced ("opnieuw maken") names its successor.
MESSAGE_ID_LENGTH = 35
payout_files = sa.Table(
    "api_payout_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(MESSAGE_ID_LENGTH), nullable=False, unique=True),
    sa.Column("created_by", sa.String(42), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("execution_date", sa.String(10), nullable=False),
    sa.Column("transfers", sa.Integer, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("replaced_by", sa.Integer, nullable=True),
)
#: The cash-outs each file pays, as the file names them (the shop and the account paid to).
payout_file_items = sa.Table(
    "api_payout_file_items",
    metadata,
    sa.Column("file_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("redemption_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("merchant_id", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("holder", sa.String(HOLDER_LENGTH), nullable=False),
    sa.Column("iban", sa.String(IBAN_LENGTH), nullable=False),
)
#: Which file a cash-out is in now: one row per cash-out (its key), so no two files pay it;
#: "opnieuw maken" moves the rows to the new file.
payout_filed = sa.Table(
    "api_payout_filed",
    metadata,
    sa.Column("redemption_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("file_id", sa.Integer, nullable=False, index=True),
)
#: Hand-in photos as reviewers compare them (``api.evidence.checks``): one row per photo of every
#: submission on chain (or none when its evidence cannot be read), with the photo's perceptual
#: hash (64-bit pHash, 16 hex digits) for the "handed in before" warning. No coordinates, no
#: address: the task, the citizen's number, and when it was handed in.
evidence_photos = sa.Table(
    "api_evidence_photos",
    metadata,
    sa.Column("evidence_cid", sa.String(100), primary_key=True),
    #: "before", "after", or "" for a submission whose photos could not be read.
    sa.Column("role", sa.String(10), primary_key=True),
    sa.Column("photo_cid", sa.String(100), nullable=True),
    sa.Column("task_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("citizen_id", sa.BigInteger, nullable=False),
    sa.Column("phash", sa.String(16), nullable=True),
    sa.Column("handed_in_at", sa.BigInteger, nullable=False),
)
#: Stadsbeheer (``api.taskboard``): the reference photos task managers uploaded at commissioning
#: (a photo of the place as it is, public like the task document that names it by CID).
reference_photos = sa.Table(
    "api_reference_photos",
    metadata,
    sa.Column("cid", sa.String(100), primary_key=True),
    sa.Column("uploaded_by", sa.String(42), nullable=False),
    sa.Column("media_type", sa.String(40), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)
#: Residents' engagement (``api.engagement``, issue #16): the monthly goal the city sets per
#: neighbourhood ("Schandelen: 40 klussen deze maand"), one row per neighbourhood and month.
neighbourhood_goals = sa.Table(
    "api_neighbourhood_goals",
    metadata,
    sa.Column("neighbourhood", sa.Integer, primary_key=True, autoincrement=False),
    #: "YYYY-MM", Europe/Amsterdam.
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("target", sa.Integer, nullable=False),
    sa.Column("set_by", sa.String(42), nullable=False),
    sa.Column("set_at", sa.BigInteger, nullable=False),
)
#: Shops' offers (``api.engagement``, issue #16): "10% korting met Heitjes", one per shop, written
#: by the shop or by the merchant manager, shown with the shop on the residents' list.
shop_offers = sa.Table(
    "api_shop_offers",
    metadata,
    sa.Column("merchant_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("text_nl", sa.String(80), nullable=False),
    sa.Column("text_en", sa.String(80), nullable=False, server_default=""),
    sa.Column("set_by", sa.String(42), nullable=False),
    sa.Column("set_at", sa.BigInteger, nullable=False),
)
#: Residents' reports of a spot that needs care (``api.reports``, issue #16): the resident's
#: number (never an address), the pin they confirmed, their short text and their photo (cleaned:
#: no location or device data). ``state`` is "received", "task" (``task_id`` the task the city
#: made of it: one at most) or "declined" (with the city's reason).
REPORT_TEXT_LENGTH = 280
REPORT_REASON_LENGTH = 200
reports = sa.Table(
    "api_reports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("citizen_id", sa.BigInteger, nullable=False),
    sa.Column("neighbourhood", sa.Integer, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("text", sa.String(REPORT_TEXT_LENGTH), nullable=False),
    sa.Column("photo_cid", sa.String(100), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("state", sa.String(10), nullable=False, server_default="received"),
    sa.Column("reason", sa.String(REPORT_REASON_LENGTH), nullable=True),
    sa.Column("decided_by", sa.String(42), nullable=True),
    sa.Column("decided_at", sa.BigInteger, nullable=True),
    sa.Column("task_id", sa.BigInteger, nullable=True, unique=True),
    sa.Index("ix_api_reports_citizen", "citizen_id", "created_at"),
    sa.Index("ix_api_reports_state", "state"),
)
#: The task documents the city prepared from a report (their CIDs): the report becomes the task
#: whose document is one of these once the indexer has it (the first such task, if a retry made
#: two). A document names its report, so no two reports share one.
report_commissions = sa.Table(
    "api_report_commissions",
    metadata,
    sa.Column("metadata_cid", sa.String(100), primary_key=True),
    sa.Column("report_id", sa.Integer, nullable=False, index=True),
    sa.Column("prepared_by", sa.String(42), nullable=False),
    sa.Column("prepared_at", sa.BigInteger, nullable=False),
)
#: The city's resident survey (``api.liveability``, issue #16): a neighbourhood's mean liveability
#: rating over a period, as imported from the survey's CSV (``wesh.liveability``). One row per
#: neighbourhood and period: importing the pair again replaces it. Who imported it, when, and from
#: which file, for the source note.
liveability_ratings = sa.Table(
    "api_liveability_ratings",
    metadata,
    sa.Column("neighbourhood", sa.Integer, primary_key=True, autoincrement=False),
    #: "2026", "2026-H1" or "2026-Q3".
    sa.Column("period", sa.String(7), primary_key=True),
    #: The period's first and last month, "YYYY-MM": its place in time.
    sa.Column("period_start", sa.String(7), nullable=False),
    sa.Column("period_end", sa.String(7), nullable=False),
    #: The mean rating times 100 (6,85 -> 685): exact on every database.
    sa.Column("rating_centi", sa.Integer, nullable=False),
    sa.Column("respondents", sa.Integer, nullable=False),
    sa.Column("source_file", sa.String(200), nullable=False),
    sa.Column("imported_by", sa.String(42), nullable=False),
    sa.Column("imported_at", sa.BigInteger, nullable=False),
)
