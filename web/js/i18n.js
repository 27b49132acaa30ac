// Texts, Dutch first and English second, and the formats of money, dates and durations.
// The language is kept in localStorage ('wesh.lang') and sent to the API as Accept-Language, so
// its error messages (RFC 9457 `detail`) come in the same language.

const KEY = 'wesh.lang';

const T = {
  app_name: ["WESH — 't Heerlens Heitje", "WESH — 't Heerlens Heitje"],
  skip: ['Naar de inhoud', 'Skip to content'],
  switch_lang: ['English', 'Nederlands'],
  switch_lang_label: ['Switch to English', 'Schakel naar Nederlands'],
  nav_label: ['Hoofdmenu', 'Main menu'],
  nav_citizen: ['Klussen', 'Tasks'],
  nav_merchant: ['Winkel', 'Shop'],
  nav_city: ['Gemeente', 'City'],
  loading: ['Laden…', 'Loading…'],
  footer: [
    "1 Heitje = 1 euro. Verdien Heitjes met klussen in je buurt en besteed ze bij winkels in Heerlen.",
    'One Heitje is one euro. Earn Heitjes with tasks in your neighbourhood and spend them at shops in Heerlen.',
  ],
  not_found_title: ['Deze pagina bestaat niet', 'This page does not exist'],
  not_found_text: ['Kies hieronder waar je heen wilt.', 'Choose where you want to go below.'],
  // home
  home_title: ["'t Heerlens Heitje", "'t Heerlens Heitje"],
  home_intro: [
    'De gemeente Heerlen betaalt inwoners in Heitjes voor kleine klussen in de buurt. Je besteedt ze bij winkels, cafés en cultuur in de stad.',
    'The municipality of Heerlen pays residents in Heitjes for small tasks in their neighbourhood. You spend them at shops, cafés and cultural venues in town.',
  ],
  home_citizen: ['Ik ben inwoner', "I'm a resident"],
  home_citizen_text: ['Vind een klus, verdien Heitjes, betaal ermee.', 'Find a task, earn Heitjes, pay with them.'],
  home_merchant: ['Ik heb een winkel', 'I run a shop'],
  home_merchant_text: ['Ontvang Heitjes met een QR-code en wissel ze in voor euro’s.', 'Receive Heitjes with a QR code and cash them in for euros.'],
  home_city: ['Ik werk bij de gemeente', 'I work for the city'],
  home_city_text: ['Zet klussen uit, beoordeel werk, bekijk budget en cijfers.', 'Commission tasks, review work, watch budget and figures.'],
  // account and wallet
  signin_title: ['Aanmelden', 'Sign in'],
  signin_why_citizen: [
    'Doe mee om klussen aan te nemen en met je Heitjes te betalen. Meedoen kost niets.',
    'Join to take on tasks and to pay with your Heitjes. Joining costs nothing.',
  ],
  signin_why_merchant: [
    'Doet je winkel mee? Meld je dan aan om betalingen te ontvangen. Nieuw? Kies "Doe mee met deze telefoon" op de telefoon van de winkel en laat de code zien aan Heerlen Mijn Stad.',
    'Does your shop take part? Then sign in to receive payments. New? Choose "Join with this phone" on the shop\'s phone and show the code to Heerlen Mijn Stad.',
  ],
  signin_why_city: [
    'Meld je aan met je wallet van de gemeente.',
    'Sign in with your municipal wallet.',
  ],
  signin_with: ['Aanmelden met {name}', 'Sign in with {name}'],
  signin_busy: ['Bevestig het aanmelden in je wallet…', 'Confirm signing in in your wallet…'],
  signin_done: ['Je bent aangemeld.', 'You are signed in.'],
  signout: ['Afmelden', 'Sign out'],
  signed_in_as: ['Aangemeld als', 'Signed in as'],
  account_label: ['Je account', 'Your account'],
  wallet_browser: ['de app in deze browser', 'the app in this browser'],
  own_app: ['Ik heb al een eigen app voor Heitjes', 'I already have an app of my own for Heitjes'],
  own_app_hint: ['Kies je app:', 'Choose your app:'],
  no_wallet_title: ['Geen wallet gevonden', 'No wallet found'],
  no_wallet_text: [
    'Om mee te doen heb je een wallet-app nodig: daarin staan je Heitjes. Open deze pagina in de browser van je wallet-app, of installeer een wallet (bijvoorbeeld MetaMask of Rabby) en laad de pagina opnieuw. De gemeente helpt je graag op het wijkspreekuur.',
    'To take part you need a wallet app: it holds your Heitjes. Open this page in the browser of your wallet app, or install a wallet (for example MetaMask or Rabby) and reload the page. The municipality is happy to help at the neighbourhood office hours.',
  ],
  no_wallet_list: [
    'Zonder wallet kun je wel alle klussen bekijken.',
    'Without a wallet you can still look at all tasks.',
  ],
  choose_wallet: ['Kies je wallet', 'Choose your wallet'],
  phone_join: ['Doe mee met deze telefoon', 'Join with this phone'],
  phone_signin: ['Aanmelden met deze telefoon', 'Sign in with this phone'],
  phone_account: ['deze telefoon', 'this phone'],
  phone_join_busy: ['Je account wordt gemaakt en je wordt aangemeld…', 'Making your account and signing you in…'],
  phone_signin_busy: ['Je wordt aangemeld…', 'Signing you in…'],
  phone_relay_unavailable: [
    'De gemeente kan dit nu niet voor je versturen. Er is niets veranderd. Probeer het later opnieuw.',
    'The municipality cannot send this for you right now. Nothing has changed. Try again later.',
  ],
  phone_lock: [
    'Je account staat alleen op deze telefoon en is beveiligd met de schermvergrendeling van je telefoon.',
    'Your account is kept only on this phone and is protected by your phone’s screen lock.',
  ],
  phone_lock_new: [
    'Je account komt alleen op deze telefoon. Als je telefoon het kan, wordt het beveiligd met de schermvergrendeling van je telefoon (vingerafdruk, gezicht of pincode).',
    'Your account is kept only on this phone. Where your phone can, it is protected by your phone’s screen lock (fingerprint, face or PIN).',
  ],
  phone_storage: [
    'Je account staat alleen in deze browser: wie deze telefoon ontgrendeld in handen heeft, kan met je Heitjes betalen.',
    'Your account is kept only in this browser: whoever holds this phone unlocked can pay with your Heitjes.',
  ],
  demo_title: ['Demo: speel een rol', 'Demo: play a part'],
  demo_text: [
    'Dit is een proefomgeving (geen echt geld). Kies een account: de demo ondertekent voor je.',
    'This is a test environment (no real money). Pick an account: the demo signs for you.',
  ],
  demo_citizen: ['Inwoner {id}', 'Resident {id}'],
  demo_merchant: ['Winkel: {name}', 'Shop: {name}'],
  demo_city: ['Gemeente: {roles}', 'City: {roles}'],
  demo_none: ['Geen rol (niet geregistreerd)', 'No role (not registered)'],
  wrong_network: [
    'Je wallet staat op een ander netwerk ({current}). WESH werkt op {wanted}.',
    'Your wallet is on another network ({current}). WESH runs on {wanted}.',
  ],
  switch_network: ['Wissel naar {wanted}', 'Switch to {wanted}'],
  network_switched: ['Je wallet staat nu op het goede netwerk.', 'Your wallet is now on the right network.'],
  wallet_not_connected: [
    'Je bent niet meer verbonden. Meld je opnieuw aan.',
    'You are no longer connected. Please sign in again.',
  ],
  wallet_other_account: [
    'Je app gebruikt een ander account dan waarmee je bent aangemeld. Meld je opnieuw aan.',
    'Your app uses another account than the one you signed in with. Please sign in again.',
  ],
  wallet_rejected: [
    'Je hebt het geannuleerd. Er is niets veranderd.',
    'You cancelled it. Nothing has changed.',
  ],
  wallet_pending: [
    'Je app wacht al op een bevestiging. Open je app.',
    'Your app is already waiting for a confirmation. Open your app.',
  ],
  wallet_no_funds: [
    'Je app heeft niet genoeg tegoed om dit zelf te versturen, dus er is niets verstuurd en niets veranderd. Probeer het later opnieuw, of vraag de gemeente om hulp.',
    'Your app does not hold enough to send this itself, so nothing was sent and nothing has changed. Try again later, or ask the municipality for help.',
  ],
  wallet_error: [
    'Je app kon dit niet doen. Probeer het opnieuw of start je app opnieuw.',
    'Your app could not do this. Try again or restart your app.',
  ],
  watch_asset: ['Heitje toevoegen aan je app', 'Add the Heitje to your app'],
  watch_asset_done: ['Het Heitje staat nu in je app.', 'The Heitje is now in your app.'],
  role_citizen: ['inwoner', 'resident'],
  role_merchant: ['winkel', 'shop'],
  role_city: ['gemeente', 'city'],
  'role_task manager': ['klusbeheerder', 'task manager'],
  role_reviewer: ['beoordelaar', 'reviewer'],
  role_treasurer: ['penningmeester', 'treasurer'],
  role_registrar: ['registrator', 'registrar'],
  'role_merchant manager': ['winkelbeheerder', 'merchant manager'],
  role_association: ['buurtvereniging', 'neighbourhood association'],
  role_admin: ['beheerder', 'admin'],
  roles_none: ['geen rol', 'no role'],
  // transactions
  tx_confirm: ['Bevestig in je app: {what}', 'Confirm in your app: {what}'],
  tx_sent: ['Verstuurd. Even wachten tot het verwerkt is…', 'Sent. Waiting until it is processed…'],
  tx_indexing: ['Bijna klaar: het overzicht wordt bijgewerkt…', 'Almost done: updating the overview…'],
  tx_failed: [
    'Het is niet gelukt: het werd geweigerd. Er is niets veranderd. Probeer het opnieuw.',
    'It did not work: it was refused. Nothing has changed. Please try again.',
  ],
  tx_slow: [
    'Het is verwerkt, maar het overzicht loopt achter. Ververs de pagina over een minuut.',
    'It went through, but the overview is behind. Refresh the page in a minute.',
  ],
  tx_timeout: [
    'Het is nog niet verwerkt. Kijk over een paar minuten opnieuw.',
    'It has not been processed yet. Check again in a few minutes.',
  ],
  // relayed: the person signs, the city sends it and pays for it (never a fee on these lines)
  relay_confirm: ['Bevestig in je app: {what}', 'Confirm in your app: {what}'],
  relay_signing_phone: ['Even geduld: {what}', 'One moment: {what}'],
  relay_accepted: ['Ontvangen. Het wordt zo verstuurd…', 'Received. It will be sent in a moment…'],
  relay_sent: ['Verstuurd. Even wachten tot het verwerkt is…', 'Sent. Waiting until it is processed…'],
  relay_done: ['Verwerkt. Het overzicht wordt bijgewerkt…', 'Processed. Updating the overview…'],
  relay_refused: [
    'Het kon niet worden verstuurd. Er is niets veranderd. Probeer het later opnieuw.',
    'It could not be sent. Nothing has changed. Please try again later.',
  ],
  relay_failed: [
    'Het is niet gelukt: het werd geweigerd. Er is niets veranderd. Probeer het opnieuw.',
    'It did not work: it was refused. Nothing has changed. Please try again.',
  ],
  relay_timeout: [
    'Het is nog niet verwerkt. Kijk over een paar minuten opnieuw.',
    'It has not been processed yet. Check again in a few minutes.',
  ],
  relay_unreachable: [
    'De gemeente kan dit nu niet voor je versturen. Er is niets veranderd.',
    'The municipality cannot send this for you right now. Nothing has changed.',
  ],
  relay_direct: ['Zelf versturen met je eigen app (dat kost je een klein bedrag)', 'Send it yourself with your own app (that costs you a small amount)'],
  relay_direct_hint: [
    'Heeft je eigen app zelf tegoed om dit te versturen? Dan kun je het nu zelf doen. Anders: probeer het later opnieuw.',
    'Does your own app hold enough to send this itself? Then you can do it now. Otherwise: try again later.',
  ],
  offline: [
    'Geen verbinding met WESH. Controleer je internet en probeer het opnieuw.',
    'No connection to WESH. Check your internet and try again.',
  ],
  error_generic: [
    'Er ging iets mis. Probeer het over een minuut opnieuw.',
    'Something went wrong. Please try again in a minute.',
  ],
  // citizen
  citizen_title: ['Klussen in Heerlen', 'Tasks in Heerlen'],
  citizen_intro: [
    'Doe een klus in je buurt en verdien Heitjes. 1 Heitje = 1 euro, te besteden bij winkels in Heerlen.',
    'Do a task in your neighbourhood and earn Heitjes. 1 Heitje = 1 euro, to spend at shops in Heerlen.',
  ],
  my_heitjes: ['Mijn Heitjes', 'My Heitjes'],
  balance: ['Saldo', 'Balance'],
  balance_pending: ['{amount} onderweg', '{amount} on its way'],
  cap_label: ['Verdiend in {year}', 'Earned in {year}'],
  cap_text: [
    '{earned} van {cap} verdiend in {year}. Je kunt dit jaar nog {left} verdienen.',
    '{earned} of {cap} earned in {year}. You can still earn {left} this year.',
  ],
  cap_reserved: ['{amount} is gereserveerd voor klussen die je hebt aangenomen.', '{amount} is reserved for tasks you have taken on.'],
  cap_full: ['Je jaarlimiet is bereikt.', 'You have reached your yearly limit.'],
  not_citizen: [
    'Je bent nog niet aangemeld als inwoner. Laat je aanmelden bij de gemeente om mee te doen.',
    'You are not registered as a resident yet. Ask the municipality to register you to take part.',
  ],
  // waiting for the desk (citizen.js, joincode.js)
  join_wait_title: ['Nog één stap: laat je aanmelden', 'One more step: get registered'],
  join_wait_intro: [
    'Laat deze code zien bij de balie van het stadhuis of bij je buurtvereniging.',
    'Show this code at the desk in the town hall or at your neighbourhood association.',
  ],
  join_qr_alt: ['QR-code om te laten zien bij de balie', 'QR code to show at the desk'],
  join_done: [
    'Je bent aangemeld, in {hood}. Hieronder staan de klussen in jouw wijk bovenaan.',
    'You are registered, in {hood}. The tasks in your neighbourhood are listed first below.',
  ],
  tasks_home_first: ['Klussen in {hood} staan bovenaan.', 'Tasks in {hood} are listed first.'],
  my_tasks: ['Mijn klussen', 'My tasks'],
  my_tasks_none: ['Je hebt nog geen klussen aangenomen.', 'You have not taken on any tasks yet.'],
  history: ['Geschiedenis', 'History'],
  history_none: ['Nog geen Heitjes ontvangen of uitgegeven.', 'No Heitjes received or spent yet.'],
  open_tasks: ['Open klussen', 'Open tasks'],
  view_list: ['Lijst', 'List'],
  view_map: ['Kaart', 'Map'],
  view_label: ['Weergave', 'View'],
  filter_hood: ['Wijk', 'Neighbourhood'],
  all_hoods: ['Alle wijken', 'All neighbourhoods'],
  tasks_none: ['Er zijn nu geen open klussen. Kijk later nog eens.', 'There are no open tasks right now. Check again later.'],
  tasks_count: ['{n} klussen', '{n} tasks'],
  places_left: ['nog {open} van {slots} plekken', '{open} of {slots} places left'],
  claim_until: ['aannemen tot {date}', 'take on until {date}'],
  time_to_do: ['{duration} de tijd', '{duration} to do it'],
  reward: ['Beloning', 'Reward'],
  map_loading: ['Kaart laden…', 'Loading map…'],
  map_no_tiles: [
    'De kaartachtergrond is niet beschikbaar. De klussen staan wel op de kaart en in de lijst.',
    'The map background is not available. The tasks are still on the map and in the list.',
  ],
  map_failed: ['De kaart kon niet laden. Gebruik de lijst.', 'The map could not load. Use the list.'],
  map_label: ['Kaart met klussen in Heerlen', 'Map of tasks in Heerlen'],
  map_open_task: ['Bekijk klus', 'View task'],
  back_to_tasks: ['Terug naar de klussen', 'Back to the tasks'],
  task_where: ['Waar', 'Where'],
  task_places: ['Plekken', 'Places'],
  task_deadline: ['Aannemen tot', 'Take on until'],
  task_duration: ['Tijd om het te doen', 'Time to do it'],
  task_not_found: ['Deze klus bestaat niet (meer).', 'This task does not exist (any more).'],
  claim: ['Klus aannemen', 'Take on this task'],
  claim_done: ['Je hebt de klus aangenomen. Succes!', 'You have taken on the task. Good luck!'],
  claim_signin: ['Meld je aan om deze klus aan te nemen.', 'Sign in to take on this task.'],
  abandon: ['Klus teruggeven', 'Give the task back'],
  abandon_done: ['Je hebt de klus teruggegeven.', 'You gave the task back.'],
  // a claim, keyed by the status names of /config (claim_statuses)
  status_claimed: ['Aangenomen: lever je foto’s in vóór {date}.', 'Taken on: hand in your photos before {date}.'],
  status_submitted: ['Ingeleverd. Een beoordelaar van de gemeente kijkt ernaar.', 'Handed in. A reviewer of the municipality is looking at it.'],
  status_rejected: ['Afgekeurd. Reden: {reason}', 'Rejected. Reason: {reason}'],
  status_rejected_next: [
    'Je kunt het werk verbeteren en opnieuw inleveren vóór {date}, of bezwaar maken.',
    'You can improve the work and hand it in again before {date}, or appeal.',
  ],
  status_rejected_final: [
    'Dit werk is {n} keer afgekeurd en kan niet opnieuw worden ingeleverd. Je kunt nog bezwaar maken vóór {date}; een andere beoordelaar kijkt dan.',
    'This work was rejected {n} times and cannot be handed in again. You can still appeal before {date}; another reviewer will then look at it.',
  ],
  status_rejected_final_appealed: [
    'Dit werk is {n} keer afgekeurd en kan niet opnieuw worden ingeleverd.',
    'This work was rejected {n} times and cannot be handed in again.',
  ],
  status_appealed: ['Bezwaar ingediend. Een andere beoordelaar kijkt ernaar.', 'Appeal filed. Another reviewer is looking at it.'],
  status_paid: ['Goedgekeurd en betaald: {amount}.', 'Approved and paid: {amount}.'],
  status_expired: ['Verlopen: de tijd voor deze klus was om.', 'Expired: the time for this task ran out.'],
  status_abandoned: ['Teruggegeven.', 'Given back.'],
  status_denied: ['Bezwaar afgewezen. Reden: {reason}', 'Appeal denied. Reason: {reason}'],
  status_short_claimed: ['aangenomen', 'taken on'],
  status_short_submitted: ['ingeleverd', 'handed in'],
  status_short_rejected: ['afgekeurd', 'rejected'],
  status_short_appealed: ['bezwaar loopt', 'appeal pending'],
  status_short_paid: ['betaald', 'paid'],
  status_short_expired: ['verlopen', 'expired'],
  status_short_abandoned: ['teruggegeven', 'given back'],
  status_short_denied: ['afgewezen', 'denied'],
  evidence_title: ['Foto’s inleveren', 'Hand in photos'],
  evidence_intro: [
    'Maak een foto vóór en een foto na het werk, op de plek van de klus. Zet geen mensen in beeld.',
    'Take a photo before and a photo after the work, at the task’s location. Keep people out of the picture.',
  ],
  photo_before: ['Foto vóór het werk', 'Photo before the work'],
  photo_after: ['Foto na het werk', 'Photo after the work'],
  photo_hint: ['Maak een foto met je camera of kies er een.', 'Take a photo with your camera or choose one.'],
  photo_missing: ['Kies eerst beide foto’s.', 'Please choose both photos first.'],
  note: ['Opmerking (mag leeg blijven)', 'Note (optional)'],
  evidence_submit: ['Foto’s inleveren', 'Hand in photos'],
  evidence_uploading: ['Foto’s uploaden…', 'Uploading photos…'],
  evidence_done: ['Ingeleverd! Je hoort het als de gemeente het heeft bekeken.', 'Handed in! You will see when the municipality has looked at it.'],
  appeal: ['Bezwaar maken', 'Appeal'],
  appeal_done: ['Je bezwaar is ingediend.', 'Your appeal has been filed.'],
  kind_mint: ['Beloning voor een klus', 'Reward for a task'],
  kind_mint_task: ['Beloning voor: {task}', 'Reward for: {task}'],
  kind_payment_out: ['Betaald bij {who}', 'Paid at {who}'],
  kind_payment_in: ['Ontvangen van {who}', 'Received from {who}'],
  kind_refund_in: ['Terugbetaald door {who}', 'Refunded by {who}'],
  kind_refund_out: ['Terugbetaald aan {who}', 'Refunded to {who}'],
  kind_burn: ['Ingewisseld voor euro’s', 'Cashed in for euros'],
  kind_move_in: ['Overgezet van je oude telefoon', 'Moved from your old phone'],
  kind_move_out: ['Overgezet naar je nieuwe telefoon', 'Moved to your new phone'],
  a_shop: ['een winkel', 'a shop'],
  a_resident: ['een inwoner', 'a resident'],
  resident_from: ['inwoner uit {hood}', 'resident from {hood}'],
  resident_number: ['Inwoner {id}', 'Resident {id}'],
  resident_number_from: ['inwoner {id} uit {hood}', 'resident {id} from {hood}'],
  your_account: ['Je account', 'Your account'],
  shop_number: ['Winkel {id}', 'Shop {id}'],
  // paying
  pay_title: ['Betalen bij {shop}', 'Pay at {shop}'],
  pay_amount: ['Te betalen', 'To pay'],
  pay_button: ['Betaal {amount}', 'Pay {amount}'],
  pay_done: ['Betaald! Laat dit scherm zien aan de winkel.', 'Paid! Show this screen to the shop.'],
  paid_badge: ['Betaald', 'Paid'],
  pay_already: ['Dit betaalverzoek is al betaald.', 'This payment request has already been paid.'],
  pay_partly: ['{received} van {amount} is al betaald; nog {remaining} te betalen.', '{received} of {amount} has been paid already; {remaining} still to pay.'],
  pay_low: ['Je saldo ({balance}) is te laag voor dit bedrag.', 'Your balance ({balance}) is too low for this amount.'],
  your_balance: ['Je saldo: {amount}', 'Your balance: {amount}'],
  pay_signin: ['Meld je aan om te betalen.', 'Sign in to pay.'],
  pay_expires: ['Geldig tot {time}', 'Valid until {time}'],
  pay_in_words: ['In woorden: {words}', 'In words: {words}'],
  pay_code: ['Betaalcode {code}', 'Payment code {code}'],
  pay_balance_after: ['Je saldo is nu {amount}.', 'Your balance is now {amount}.'],
  pay_other_browser_title: ['Deze telefoon doet nog niet mee', 'This phone is not taking part yet'],
  pay_other_browser: [
    'Je hebt de code geopend in een browser waarin je nog niet meedoet. Open Heitje op je telefoon en scan de code daar, of open deze link in de browser waarmee je meedoet.',
    'You opened the code in a browser in which you are not taking part yet. Open Heitje on your phone and scan the code there, or open this link in the browser you take part with.',
  ],
  pay_app_hint: [
    'Staat Heitje als app op je beginscherm? Dan opent je telefoon zo’n link vaak vanzelf in die app. Lukt dat niet, open dan de app en scan de code opnieuw.',
    'Is Heitje an app on your home screen? Then your phone often opens such a link in that app by itself. If it does not, open the app and scan the code again.',
  ],
  pay_join_here: [
    'Wil je met deze telefoon meedoen? Maak hier je account; daarna laat je je aanmelden bij de gemeente.',
    'Do you want to take part with this phone? Make your account here; then have the municipality register you.',
  ],
  pay_one_tap: ['Je wordt aangemeld en betaalt in één keer.', 'You are signed in and pay in one go.'],
  // merchant
  merchant_title: ['Winkel', 'Shop'],
  not_merchant: [
    'Dit adres is niet geregistreerd als winkel. Meld je bij Heerlen Mijn Stad om mee te doen.',
    'This address is not registered as a shop. Contact Heerlen Mijn Stad to take part.',
  ],
  ask_payment: ['Betaling vragen', 'Ask for a payment'],
  amount: ['Bedrag in euro', 'Amount in euros'],
  amount_hint: ['Bijvoorbeeld 3,50', 'For example 3.50'],
  f_note_shop: ['Omschrijving (mag leeg blijven)', 'Description (optional)'],
  amount_invalid: ['Vul een bedrag in, zoals 3,50.', 'Enter an amount, like 3.50.'],
  make_qr: ['Maak QR-code', 'Make QR code'],
  qr_alt: ['QR-code om {amount} te betalen aan {shop}', 'QR code to pay {amount} to {shop}'],
  qr_help: [
    'Laat de klant deze code scannen met de camera van de telefoon, of deel de link:',
    'Let the customer scan this code with their phone camera, or share the link:',
  ],
  waiting_payment: ['Wacht op betaling van {amount}…', 'Waiting for payment of {amount}…'],
  paid_by: ['{amount} betaald door {who}', '{amount} paid by {who}'],
  payment_of: ['{who} · code {code}', '{who} · code {code}'],
  paid_short: ['{received} ontvangen van {amount} — nog {remaining} te betalen', '{received} received of {amount} — {remaining} still to pay'],
  new_payment: ['Nieuwe betaling', 'New payment'],
  received: ['Ontvangen betalingen', 'Payments received'],
  received_none: ['Nog geen betalingen ontvangen.', 'No payments received yet.'],
  confirmed: ['bevestigd', 'confirmed'],
  on_its_way: ['onderweg', 'on its way'],
  cashout: ['Inwisselen voor euro’s', 'Cash in for euros'],
  cashout_intro: [
    'De Heitjes worden vernietigd en de gemeente maakt het bedrag in euro’s over naar je bankrekening.',
    'The Heitjes are burned and the municipality transfers the amount in euros to your bank account.',
  ],
  cashout_button: ['Inwisselen', 'Cash in'],
  cashout_done: ['Aangevraagd. De gemeente maakt het geld over.', 'Requested. The municipality will transfer the money.'],
  cashouts: ['Uitbetalingen', 'Cash-outs'],
  cashouts_none: ['Nog geen uitbetalingen aangevraagd.', 'No cash-outs requested yet.'],
  cashout_open: ['aangevraagd, wacht op de gemeente', 'requested, waiting for the municipality'],
  cashout_paid: ['uitbetaald (kenmerk {ref})', 'paid out (reference {ref})'],
  cashout_number: ['Uitbetaling {id}', 'Cash-out {id}'],
  // city
  city_title: ['Gemeente', 'City'],
  not_city: [
    'Dit adres heeft geen rol bij de gemeente. Vraag de beheerder om een rol.',
    'This address has no role at the municipality. Ask the admin for a role.',
  ],
  city_tabs: ['Onderdelen', 'Sections'],
  tab_overview: ['Overzicht', 'Overview'],
  tab_commission: ['Klus uitzetten', 'Commission a task'],
  tab_review: ['Beoordelen', 'Review'],
  tab_appeals: ['Bezwaren', 'Appeals'],
  tab_payouts: ['Uitbetalingen', 'Cash-outs'],
  tab_desk: ['Balie', 'Desk'],
  // the registrar's desk (desk.js)
  desk_association_note: [
    'Jullie vereniging meldt inwoners aan in {hoods}. Woont iemand ergens anders, of is een telefoon kwijt? Dan helpt de balie van de gemeente.',
    'Your association registers residents in {hoods}. Someone living elsewhere, or a lost phone? The city\'s desk helps then.',
  ],
  desk_register_title: ['Nieuwe inwoner aanmelden', 'Register a new resident'],
  desk_register_intro: [
    'Lees de QR-code op de telefoon van de inwoner, of typ de code. Controleer wie het is zoals altijd, kies de wijk en meld aan.',
    "Read the QR code on the resident's phone, or type the code. Check who it is as always, choose the neighbourhood and register.",
  ],
  desk_code: ['Code van de telefoon', "The phone's code"],
  desk_new_code: ['Code van de nieuwe telefoon', "The new phone's code"],
  desk_code_hint: ['8 tekens, bijvoorbeeld ABCD-EFGH', '8 characters, for example ABCD-EFGH'],
  desk_code_invalid: [
    'Dit is geen geldige code: 8 letters en cijfers, zoals ABCD-EFGH. Typ hem opnieuw of scan de QR-code.',
    'This is not a valid code: 8 letters and digits, like ABCD-EFGH. Type it again or scan the QR code.',
  ],
  desk_code_missing: ['Scan de QR-code of typ de code van de telefoon.', "Scan the QR code or type the phone's code."],
  desk_scan: ['Scan QR-code met de camera', 'Scan QR code with the camera'],
  desk_scan_stop: ['Camera stoppen', 'Stop the camera'],
  desk_camera_view: ['Camerabeeld voor de QR-code', 'Camera view for the QR code'],
  desk_camera_hint: ['Houd de QR-code op de telefoon voor de camera.', 'Hold the QR code on the phone in front of the camera.'],
  desk_camera_on: ['De camera zoekt een QR-code…', 'The camera is looking for a QR code…'],
  desk_camera_none: [
    'Deze browser kan de camera niet gebruiken. Typ de code over.',
    'This browser cannot use the camera. Type the code instead.',
  ],
  desk_camera_refused: [
    'De camera mag niet worden gebruikt. Sta de camera toe in de browser, of typ de code over.',
    'The camera may not be used. Allow the camera in the browser, or type the code instead.',
  ],
  desk_is_new: ['Nieuwe telefoon, nog niet aangemeld.', 'New phone, not registered yet.'],
  desk_is_citizen: ['Deze telefoon is al aangemeld: inwoner {id} uit {hood}.', 'This phone is registered already: resident {id} from {hood}.'],
  desk_is_shop: ['Deze telefoon hoort bij een winkel, niet bij een inwoner.', 'This phone belongs to a shop, not to a resident.'],
  desk_is_retired: [
    'Deze telefoon is buiten gebruik (verhuisd naar een andere). Vraag om de code van de nieuwe telefoon.',
    'This phone is retired (moved to another). Ask for the code of the new phone.',
  ],
  desk_hood_choose: ['Kies een wijk', 'Choose a neighbourhood'],
  desk_hood_missing: ['Kies de wijk waar de inwoner woont.', 'Choose the neighbourhood the resident lives in.'],
  desk_reference: ['BSN of documentnummer (wordt niet bewaard)', 'BSN or document number (not kept)'],
  desk_reference_hint: [
    'Wat je hebt gecontroleerd. Alleen een onherleidbare vingerafdruk ervan wordt bewaard, om te zien of iemand al eerder is aangemeld.',
    'What you checked. Only an irreversible fingerprint of it is kept, to see whether someone was registered before.',
  ],
  desk_reference_missing: ['Typ het BSN of documentnummer dat je hebt gecontroleerd.', 'Type the BSN or document number you checked.'],
  desk_register: ['Aanmelden', 'Register'],
  desk_registered: ['Aangemeld: een nieuwe inwoner in {hood}. Op de telefoon staat nu "Je bent aangemeld".', 'Registered: a new resident in {hood}. The phone now says "You are registered".'],
  desk_duplicate_title: ['Let op: eerder aangemeld', 'Note: registered before'],
  desk_anyway: ['Toch aanmelden', 'Register anyway'],
  desk_cancel: ['Annuleren', 'Cancel'],
  desk_cancelled: ['Niet aangemeld. Er is niets veranderd.', 'Not registered. Nothing has changed.'],
  desk_move_title: ['Nieuwe telefoon voor een inwoner', 'New phone for a resident'],
  desk_move_intro: [
    'Telefoon kwijt of nieuw? Laat de inwoner op de nieuwe telefoon "Doe mee" kiezen. Saldo, verdiensten en aangenomen klussen gaan mee; de oude telefoon werkt daarna niet meer.',
    'Phone lost or new? Have the resident choose "Join" on the new phone. Balance, earnings and tasks taken on go along; the old phone stops working.',
  ],
  desk_citizen: ['Inwonernummer', 'Resident number'],
  desk_citizen_hint: ['Het nummer van de inwoner, bijvoorbeeld 17.', "The resident's number, for example 17."],
  desk_citizen_invalid: ['Typ het inwonernummer (alleen cijfers).', 'Type the resident number (digits only).'],
  desk_move: ['Verhuizen naar de nieuwe telefoon', 'Move to the new phone'],
  desk_moved: ['Inwoner {id} gebruikt nu de nieuwe telefoon.', 'Resident {id} now uses the new phone.'],
  budget: ['Budget en geld', 'Budget and money'],
  budget_granted: ['Budget toegekend', 'Budget granted'],
  budget_available: ['Vrij budget', 'Available budget'],
  escrow: ['Vastgezet voor klussen', 'Locked for tasks (escrow)'],
  liability: ['Heitjes in omloop (schuld in euro’s)', 'Heitjes outstanding (euro liability)'],
  cashouts_open_total: ['Uitbetalingen nog te doen', 'Cash-outs still to pay'],
  fees_title: ['Netwerkkosten', 'Network fees'],
  fees_intro: [
    'De gemeente betaalt de netwerkkosten van inwoners, winkels en medewerkers. Zo lang reikt het tegoed daarvoor.',
    'The city pays the network fees of residents, shops and staff. This is how long the money for them lasts.',
  ],
  fees_balance: ['Tegoed voor netwerkkosten', 'Left for network fees'],
  fees_days_left: ['Genoeg voor', 'Lasts'],
  fees_days: ['ongeveer {days} dagen (tempo van de afgelopen 7 dagen)', 'about {days} days (at the last 7 days’ rate)'],
  fees_no_rate: ['nog niets uitgegeven deze week', 'nothing spent this week yet'],
  fees_today: ['Vandaag uitgegeven / per dag toegestaan', 'Spent today / allowed per day'],
  fees_queue: ['Verzoeken onderweg', 'Requests on their way'],
  fees_unknown: ['onbekend', 'unknown'],
  fees_low: [
    'Het tegoed voor netwerkkosten is over minder dan een week op. Vraag Financiën het aan te vullen: ape run relayer fund.',
    'The money for network fees runs out within a week. Ask Finance to top it up: ape run relayer fund.',
  ],
  grant: ['Budget toekennen', 'Grant budget'],
  grant_done: ['Budget toegekend.', 'Budget granted.'],
  stats: ['Cijfers per wijk en maand', 'Figures by neighbourhood and month'],
  stats_by_month: ['Uitbetaald per maand', 'Paid out per month'],
  stats_by_hood: ['Uitbetaald per wijk', 'Paid out per neighbourhood'],
  stats_none: ['Nog geen cijfers.', 'No figures yet.'],
  stats_suppressed: [
    '{n} cel(len) met minder dan {min} deelnemers zijn weggelaten (privacy).',
    '{n} cell(s) with fewer than {min} participants are left out (privacy).',
  ],
  stats_totals: [
    '{citizens} inwoners, {merchants} winkels, {tasks} klussen uitgezet.',
    '{citizens} residents, {merchants} shops, {tasks} tasks commissioned.',
  ],
  col_month: ['Maand', 'Month'],
  col_hood: ['Wijk', 'Neighbourhood'],
  col_people: ['Deelnemers', 'Participants'],
  col_tasks: ['Klussen betaald', 'Tasks paid'],
  col_amount: ['Bedrag', 'Amount'],
  chart_table: ['Cijfers als tabel', 'Figures as a table'],
  f_title: ['Titel (Nederlands)', 'Title (Dutch)'],
  f_title_en: ['Titel (Engels, mag leeg)', 'Title (English, optional)'],
  f_description: ['Omschrijving (Nederlands)', 'Description (Dutch)'],
  f_description_en: ['Omschrijving (Engels, mag leeg)', 'Description (English, optional)'],
  f_category: ['Soort klus', 'Kind of task'],
  f_hood: ['Wijk', 'Neighbourhood'],
  f_street: ['Straat of plek', 'Street or place'],
  f_lat: ['Breedtegraad', 'Latitude'],
  f_lon: ['Lengtegraad', 'Longitude'],
  f_pin_hint: [
    'Klik op de kaart om de plek te kiezen, of vul de coördinaten in.',
    'Click the map to choose the place, or enter the coordinates.',
  ],
  f_reward: ['Beloning per persoon (euro)', 'Reward per person (euros)'],
  f_slots: ['Aantal plekken', 'Number of places'],
  f_deadline: ['Aannemen kan tot en met', 'Can be taken on until'],
  f_duration: ['Tijd om het te doen', 'Time to do it'],
  check_fields: ['Controleer: {fields}.', 'Please check: {fields}.'],
  commission_button: ['Klus uitzetten', 'Commission task'],
  commission_done: ['De klus staat open voor inwoners.', 'The task is open for residents.'],
  cat_schilderen: ['schilderen', 'painting'],
  cat_stickers: ['stickers verwijderen', 'removing stickers'],
  cat_onkruid: ['onkruid wieden', 'weeding'],
  cat_zwerfafval: ['zwerfafval', 'litter'],
  cat_graffiti: ['graffiti', 'graffiti'],
  cat_groen: ['groen', 'greenery'],
  cat_overig: ['overig', 'other'],
  queue_none: ['Er wacht niets op beoordeling.', 'Nothing is waiting for review.'],
  appeals_none: ['Er liggen geen bezwaren.', 'There are no appeals.'],
  submission_of: ['Klus {task} · inwoner {citizen} · {amount}', 'Task {task} · resident {citizen} · {amount}'],
  submission_of_hood: ['Klus {task} · inwoner {citizen} uit {hood} · {amount}', 'Task {task} · resident {citizen} from {hood} · {amount}'],
  photos_loading: ['Foto’s laden…', 'Loading photos…'],
  photos_missing: ['De foto’s zijn niet (meer) beschikbaar.', 'The photos are not available (any more).'],
  photo_alt: ['{which} — klus {task}', '{which} — task {task}'],
  evidence_note: ['Opmerking van de inwoner: {note}', "Resident's note: {note}"],
  approve: ['Goedkeuren en betalen', 'Approve and pay'],
  approve_done: ['Goedgekeurd en betaald.', 'Approved and paid.'],
  reject: ['Afkeuren', 'Reject'],
  reject_reason: ['Reden van afkeuren', 'Reason for rejecting'],
  reject_done: ['Afgekeurd. De inwoner ziet de reden.', 'Rejected. The resident sees the reason.'],
  select_for_batch: ['Selecteer voor goedkeuren in één keer', 'Select for approving at once'],
  approve_batch: ['{n} geselecteerde goedkeuren', 'Approve {n} selected'],
  batch_done: ['{n} inzendingen goedgekeurd en betaald.', '{n} submissions approved and paid.'],
  resubmitted: ['Dit is de {n}e keer dat dit werk is ingeleverd.', 'This work has been handed in {n} times.'],
  resubmitted_last: [
    'Dit is de {n}e keer dat dit werk is ingeleverd: afkeuren is nu definitief (alleen bezwaar blijft mogelijk).',
    'This work has been handed in {n} times: a rejection is now final (only an appeal remains).',
  ],
  appeal_earlier: ['Eerder afgekeurd om: {reason}', 'Rejected earlier because: {reason}'],
  appeal_grant: ['Bezwaar toekennen en betalen', 'Grant appeal and pay'],
  appeal_deny: ['Bezwaar afwijzen', 'Deny appeal'],
  appeal_decided: ['Het bezwaar is beslist.', 'The appeal has been decided.'],
  payouts_open: ['Open uitbetalingen', 'Open cash-outs'],
  payouts_none: ['Er staan geen uitbetalingen open.', 'There are no open cash-outs.'],
  payouts_paid: ['Betaald', 'Paid'],
  payment_reference: ['Betalingskenmerk van de bank', 'Bank payment reference'],
  payment_reference_hint: ['Bijvoorbeeld SEPA-2026-11-28', 'For example SEPA-2026-11-28'],
  mark_paid: ['Markeer als betaald', 'Mark as paid'],
  mark_paid_done: ['Gemarkeerd als betaald.', 'Marked as paid.'],
  select_payout: ['Selecteer {what}', 'Select {what}'],
  choose_one: ['Kies eerst minstens één.', 'Choose at least one first.'],
  needs_role: ['Hiervoor heb je de rol {role} nodig.', 'You need the {role} role for this.'],
  // Waiting for the desk with a join code (joincode.js), and the shop's "Wacht op aanmelding".
  jc_code_label: ['Code:', 'Code:'],
  jc_valid: ['Deze code is geldig tot {time}.', 'This code is valid until {time}.'],
  jc_waiting: ['Wacht op aanmelding…', 'Waiting to be registered…'],
  jc_registered: ['Je bent aangemeld.', 'You are registered.'],
  shop_join_retired: [
    'Deze telefoon hoort niet meer bij je winkel: je winkel is naar een nieuwe telefoon verhuisd. Gebruik die telefoon. Klopt dit niet? Neem contact op met Heerlen Mijn Stad.',
    'This phone no longer belongs to your shop: your shop was moved to a new phone. Use that phone. Not right? Contact Heerlen Mijn Stad.',
  ],
  shop_join_title: ['Wacht op aanmelding', 'Waiting to be registered'],
  shop_join_intro: [
    'Laat deze code of QR-code zien aan de winkelbeheerder van Heerlen Mijn Stad. Die meldt je winkel aan; deze pagina wordt daarna vanzelf je winkelpagina.',
    'Show this code or QR code to the merchant manager of Heerlen Mijn Stad, who registers your shop; this page then turns into your shop page by itself.',
  ],
  shop_join_qr_alt: ['QR-code om je winkel aan te melden', 'QR code to register your shop'],
  // The merchant manager's page (city_shops.js).
  tab_shops: ['Winkels', 'Shops'],
  shops_new_title: ['Nieuwe winkel', 'New shop'],
  shops_new_intro: [
    'De winkel opent op een eigen telefoon de winkelpagina, kiest "Doe mee met deze telefoon" en laat de code zien. Vul de gegevens in zoals ze op de deur staan.',
    'The shop opens the shop page on a phone of its own, chooses "Join with this phone" and shows the code. Fill in the details as they are on the door.',
  ],
  shops_code: ['Code van de telefoon van de winkel', "Code on the shop's phone"],
  shops_code_hint: ['8 tekens, zoals ABCD-EFGH: ze staan onder de QR-code.', '8 characters, like ABCD-EFGH: they are under the QR code.'],
  shops_scan: ['QR-code scannen', 'Scan the QR code'],
  shops_public_legend: ['Wat iedereen ziet', 'What everyone sees'],
  shops_name: ['Naam van de winkel', 'Name of the shop'],
  shops_kind: ['Soort', 'Kind'],
  shops_street: ['Straat en huisnummer', 'Street and number'],
  shops_postcode: ['Postcode', 'Postcode'],
  shops_hood: ['Wijk', 'Neighbourhood'],
  shops_hours: ['Openingstijden', 'Opening hours'],
  shops_hours_hint: ['Zoals op de deur, bijvoorbeeld: di-za 8.00-17.00', 'As on the door, for example: Tue-Sat 8.00-17.00'],
  shops_website: ['Website (niet verplicht)', 'Website (optional)'],
  shops_bank_legend: ['Bankrekening voor uitbetalingen', 'Bank account for cash-outs'],
  shops_bank_hint: ['Alleen de gemeente ziet dit: het staat nergens openbaar.', 'Only the city sees this: it is published nowhere.'],
  shops_iban: ['IBAN', 'IBAN'],
  shops_bic: ['BIC (niet verplicht)', 'BIC (optional)'],
  shops_holder: ['Tenaamstelling (als die anders is dan de naam van de winkel)', "Account holder (if not the shop's name)"],
  shops_register: ['Winkel aanmelden', 'Register the shop'],
  shops_registered: ['Winkel {name} is aangemeld.', 'The shop {name} is registered.'],
  shops_list_title: ['Winkels', 'Shops'],
  shops_none: ['Er zijn nog geen winkels.', 'There are no shops yet.'],
  shops_col_number: ['Nr.', 'No.'],
  shops_col_name: ['Naam', 'Name'],
  shops_col_kind: ['Soort', 'Kind'],
  shops_col_hood: ['Wijk', 'Neighbourhood'],
  shops_col_bank: ['Bankrekening', 'Bank account'],
  shops_col_changed: ['Gewijzigd', 'Changed'],
  shops_no_bank: ['nog geen', 'none yet'],
  shops_inactive: ['{name} (gestopt)', '{name} (stopped)'],
  shops_bank_title: ['Bankrekening wijzigen', 'Change the bank account'],
  shops_pick: ['Winkel', 'Shop'],
  shops_bank_save: ['Bankrekening opslaan', 'Save the bank account'],
  shops_bank_done: ['De bankrekening van {name} is gewijzigd.', "{name}'s bank account is changed."],
  shops_move_title: ['Nieuwe telefoon voor een winkel', 'New phone for a shop'],
  shops_move_intro: [
    'Telefoon kwijt of kapot? De winkel kiest op de nieuwe telefoon "Doe mee met deze telefoon" en laat de code zien. Saldo, betalingen, uitbetalingen en bankrekening gaan mee; met de oude telefoon kan daarna niets meer.',
    'Phone lost or broken? The shop chooses "Join with this phone" on the new phone and shows the code. Balance, payments, cash-outs and bank account go along; the old phone can do nothing any more.',
  ],
  shops_move_code: ['Code van de nieuwe telefoon', 'Code on the new phone'],
  shops_move_button: ['Naar de nieuwe telefoon verhuizen', 'Move to the new phone'],
  shops_moved: ['Winkel {name} gebruikt nu de nieuwe telefoon.', 'The shop {name} now uses the new phone.'],
  shopkind_bakery: ['Bakkerij', 'Bakery'],
  shopkind_bar: ['Café', 'Bar'],
  'shopkind_bike shop': ['Fietsenwinkel', 'Bike shop'],
  shopkind_bookshop: ['Boekhandel', 'Bookshop'],
  shopkind_culture: ['Cultuur', 'Culture'],
  shopkind_restaurant: ['Restaurant', 'Restaurant'],
  shopkind_shop: ['Winkel', 'Shop'],
  shopkind_theatre: ['Theater', 'Theatre'],
  duration_hours: ['{n} uur', '{n} hour(s)'],
  duration_days: ['{n} dagen', '{n} days'],
  duration_day: ['1 dag', '1 day'],
  duration_weeks: ['{n} weken', '{n} weeks'],
  duration_week: ['1 week', '1 week'],
  // ---------------------------------------------------------------- #15 defects (H1)

  // ---------------------------------------------------------------- #15 Stadsbeheer: commissioning, the tasks overview, safety before claiming (H2)
  tab_tasks: ['Klussen', 'Tasks'],
  commission_overview_hint: ['Alle klussen van de gemeente, met wie ze aannam, staan in het overzicht', "All the city's tasks, with who took them on, are in the overview"],
  f_category_may: ['Wat inwoners hierbij mogen doen: {may}', 'What residents may do here: {may}'],
  reward_hint: ['Per inwoner, in euro’s, bijvoorbeeld 12,50. Hoogstens {max}.', 'Per resident, in euros, e.g. 12.50. At most {max}.'],
  f_minutes: ['Geschatte tijd per inwoner (minuten)', 'Estimated time per resident (minutes)'],
  f_minutes_hint: ['Hoe lang één inwoner erover doet. Daaruit volgt de beloning per uur.', 'How long one resident needs. The reward per hour follows from it.'],
  f_deadline_hint: ['Aannemen kan tot en met deze dag (Nederlandse tijd).', 'Residents can take it on until the end of this day (Dutch time).'],
  f_safety: ['Veilig werken: wat de inwoner leest vóór het aannemen', 'Working safely: what the resident reads before taking it on'],
  f_safety_hint: ['Ingevuld vanuit de soort klus. Pas aan voor deze plek: handschoenen, afstand tot het verkeer, minimumleeftijd…', 'Filled in from the kind of task. Adjust it for this place: gloves, distance from traffic, minimum age…'],
  f_safety_en: ['Veilig werken in het Engels (mag leeg)', 'Working safely in English (optional)'],
  f_reference_photo: ['Foto van de plek zoals die nu is (mag leeg)', 'Photo of the place as it is now (optional)'],
  f_reference_photo_hint: ['De beoordelaar ziet hem naast de foto’s van de inwoner. Plaats- en toestelgegevens gaan eraf.', "The reviewer sees it beside the resident's photos. Location and device data are removed."],
  reference_photo_uploading: ['Foto toevoegen…', 'Adding photo…'],
  reference_photo_added: ['Foto toegevoegd.', 'Photo added.'],
  f_not_regular: ['Ik bevestig dat deze klus geen regulier betaald werk is: het is geen werk dat de gemeente of een aannemer anders tegen loon laat doen.', 'I confirm that this task is not regular paid work: it is not work the city or a contractor would otherwise have done for wages.'],
  f_not_regular_short: ['bevestiging geen regulier werk', 'confirmation not regular work'],
  not_regular_missing: ['Zet eerst het vinkje onderaan: deze klus is geen regulier betaald werk.', 'First tick the box at the bottom: this task is not regular paid work.'],
  hourly_unknown: ['Vul de beloning en de tijd in, dan ziet u hier de beloning per uur.', 'Fill in the reward and the time to see the reward per hour here.'],
  hourly_line: ['Beloning per uur: {amount} (grens van de gemeente: {limit}).', 'Reward per hour: {amount} (the city’s limit: {limit}).'],
  hourly_warning: ['Let op: {amount} per uur is meer dan de grens van de gemeente ({limit} per uur). Zo gaat de klus op betaald werk lijken. Verlaag de beloning of kijk de tijd nog eens na.', 'Note: {amount} an hour is more than the city’s limit ({limit} an hour). The task starts to look like paid work. Lower the reward or check the time again.'],
  commission_done_above: ['Let op: {amount} per uur ligt boven de grens.', 'Note: {amount} an hour is above the limit.'],
  commission_done_next: ['Het formulier is leeg voor de volgende klus. Bekijk alle klussen:', 'The form is empty for the next task. See all tasks:'],
  pin_no_tiles: ['De kaartachtergrond is niet beschikbaar. Klik toch op de plek, of vul de coördinaten hieronder in.', 'The map background is not available. Click the place anyway, or fill in the coordinates below.'],
  pin_map_failed: ['De kaart kon niet laden. Vul de coördinaten hieronder in.', 'The map could not load. Fill in the coordinates below.'],
  board_filter_title: ['Kiezen', 'Choose'],
  board_filter_apply: ['Toon', 'Show'],
  board_all: ['Alle', 'All'],
  board_state: ['Stand', 'Status'],
  board_state_open: ['Open', 'Open'],
  board_state_claimed: ['Aangenomen', 'Taken on'],
  board_state_handed_in: ['Ingeleverd', 'Handed in'],
  board_state_overdue: ['Over tijd', 'Overdue'],
  board_state_done: ['Klaar', 'Done'],
  board_state_cancelled: ['Geannuleerd', 'Cancelled'],
  board_title: ['Alle klussen van de gemeente', "All the city's tasks"],
  board_warning_note: ['Een beloning boven {limit} per uur is gemarkeerd: zo’n klus lijkt op betaald werk.', 'A reward above {limit} an hour is marked: such a task looks like paid work.'],
  board_none: ['Geen klussen bij deze keuze.', 'No tasks match this choice.'],
  board_col_task: ['Klus', 'Task'],
  board_col_hourly: ['Per uur', 'Per hour'],
  board_col_places: ['Plekken vrij', 'Places left'],
  board_col_claims: ['Inwoners', 'Residents'],
  board_col_action: ['Actie', 'Action'],
  board_until: ['aannemen tot {date}', 'take on until {date}'],
  board_no_estimate: ['geen tijd geschat', 'no time estimated'],
  board_above: ['boven de grens', 'above the limit'],
  board_no_claims: ['nog niemand', 'nobody yet'],
  board_claim: ['inwoner {n}: {status}', 'resident {n}: {status}'],
  board_claim_claimed: ['aangenomen', 'taken on'],
  board_claim_submitted: ['ingeleverd', 'handed in'],
  board_claim_rejected: ['afgekeurd, kan opnieuw', 'rejected, may try again'],
  board_claim_appealed: ['bezwaar', 'appealed'],
  board_claim_paid: ['betaald', 'paid'],
  board_claim_expired: ['verlopen', 'expired'],
  board_claim_abandoned: ['teruggegeven', 'given back'],
  board_claim_denied: ['bezwaar afgewezen', 'appeal denied'],
  board_truncated: ['Alleen de nieuwste klussen staan hier. Kies een wijk, soort of stand om de rest te zien.', 'Only the newest tasks are shown. Choose a neighbourhood, kind or status to see the rest.'],
  board_cancel: ['Annuleren', 'Cancel'],
  board_cancel_label: ['Klus {title} annuleren', 'Cancel task {title}'],
  board_cancel_confirm: ['Klus {title} annuleren? De open plekken ({money}) gaan terug naar het budget. Werk dat al is aangenomen, blijft staan en wordt nog beoordeeld en betaald.', 'Cancel task {title}? The open places ({money}) go back to the budget. Work already taken on stays, and is still reviewed and paid.'],
  board_cancel_yes: ['Ja, annuleren', 'Yes, cancel'],
  board_cancel_no: ['Nee, laten staan', 'No, keep it'],
  board_cancelled: ['Klus {title} is geannuleerd.', 'Task {title} is cancelled.'],
  shares_title: ['Soorten klussen en beloning per uur', 'Kinds of task and reward per hour'],
  shares_hint: ['Van de klussen hierboven: hoeveel van elke soort, en de beloning per uur (laagste, middelste, hoogste). Grens: {limit} per uur.', 'Of the tasks above: how many of each kind, and the reward per hour (lowest, middle, highest). Limit: {limit} an hour.'],
  shares_col_tasks: ['Klussen', 'Tasks'],
  shares_col_share: ['Aandeel', 'Share'],
  shares_col_low: ['Laagste per uur', 'Lowest per hour'],
  shares_col_mid: ['Middelste per uur', 'Middle per hour'],
  shares_col_high: ['Hoogste per uur', 'Highest per hour'],
  shares_col_above: ['Boven de grens', 'Above the limit'],
  claim_after_safety: ['Gelezen: klus aannemen', 'Read: take on this task'],
  safety_title: ['Veilig werken', 'Working safely'],
  safety_general: ['Draag handschoenen, blijf uit de buurt van verkeer en stop als iets onveilig voelt.', 'Wear gloves, keep away from traffic and stop if anything feels unsafe.'],
  safety_minutes: ['De gemeente schat dat het ongeveer {n} minuten werk is.', 'The city estimates it is about {n} minutes of work.'],
  safety_read_first: ['Lees dit eerst. Daarna neem je de klus aan.', 'Read this first. Then take on the task.'],
  safety_back: ['Nog niet', 'Not now'],

  // ---------------------------------------------------------------- #15 evidence: hand-in photos, review checks, reasons (H3)
  photo_no_preview: ['Deze foto kan je telefoon hier niet laten zien. Hij wordt wel meegestuurd.', 'Your phone cannot show this photo here. It is sent all the same.'],
  photo_refused: ['Deze foto is niet aangenomen. Kies een andere foto of maak een nieuwe.', 'This photo was not accepted. Choose another photo or take a new one.'],
  photo_reference: ['Foto van de gemeente (zo zag het eruit)', "The city's photo (how it looked)"],
  photo_reference_alt: ['Foto van de gemeente van de plek — klus {task}', "The city's photo of the place — task {task}"],
  photo_taken: ['Genomen {when}', 'Taken {when}'],
  photo_distance: ['{distance} van de plek', '{distance} from the place'],
  photo_no_metadata: ['Geen tijd of plaats in de foto', 'No time or place in the photo'],
  photo_no_place: ['Geen plaats in de foto', 'No place in the photo'],
  check_far: ['{which}: genomen op {distance} van de plek van de klus (meer dan {limit}).', '{which}: taken {distance} from the task’s place (more than {limit}).'],
  check_before_claim: ['{which}: genomen {when}, vóór de klus werd aangenomen ({claimed}).', '{which}: taken {when}, before the task was claimed ({claimed}).'],
  check_reused: ['{which}: dezelfde (of bijna dezelfde) foto is ook ingeleverd voor klus {task} door inwoner {citizen} ({when}).', '{which}: the same (or almost the same) photo was also handed in for task {task} by resident {citizen} ({when}).'],
  check_reused_same: ['{which}: dezelfde (of bijna dezelfde) foto is ook ingeleverd voor klus {task} door deze inwoner ({when}).', '{which}: the same (or almost the same) photo was also handed in for task {task} by this resident ({when}).'],
  checks_title: ['Let op', 'Note'],
  reason_choose: ['Kies een reden', 'Choose a reason'],
  reason_missing: ['Kies eerst een reden: de inwoner leest die.', 'Choose a reason first: the resident reads it.'],
  reason_reads: ['De inwoner leest: {text}', 'The resident reads: {text}'],
  reason_short_photos: ['Foto’s ontbreken/onduidelijk', 'Photos missing/unclear'],
  reason_short_unfinished: ['Werk nog niet af', 'Work not finished'],
  reason_short_location: ['Niet op de plek gemaakt', 'Not taken at the place'],
  reason_short_instructions: ['Niet volgens omschrijving', 'Not as described'],
  reason_short_unsafe: ['Onveilig gewerkt', 'Worked unsafely'],
  reason_short_duplicate: ['Al eerder ingestuurd', 'Submitted before'],
  metres: ['{n} m', '{n} m'],
  kilometres: ['{n} km', '{n} km'],

  // ---------------------------------------------------------------- #15 Financiën (H4)

  // ---------------------------------------------------------------- #15 shops: day overview, refunds, accountant's CSV, cash-out history, who's involved (H5)
  day_title: ['Vandaag', 'Today'],
  day_count: ['Betalingen', 'Payments'],
  day_received: ['Ontvangen', 'Received'],
  day_refunded: ['Terugbetaald', 'Refunded'],
  day_net: ['Netto', 'Net'],
  day_none: ['Vandaag nog geen betalingen.', 'No payments today yet.'],
  day_more: ['Toon alle {n} betalingen van vandaag', 'Show all {n} payments of today'],
  day_payment: ['{time} · betaling {code} · {who}', '{time} · payment {code} · {who}'],
  day_payment_refunded: ['{amount} terugbetaald', '{amount} refunded'],
  day_refunds: ['Terugbetalingen vandaag', 'Refunds today'],
  day_refund_line: ['{time} · voor betaling {code} · {who}', '{time} · for payment {code} · {who}'],
  day_refund_line_nocode: ['{time} · {who}', '{time} · {who}'],
  day_failed: ['Het overzicht van vandaag kon niet geladen worden. Probeer het zo opnieuw.', "Today's overview could not be loaded. Please try again shortly."],
  refund_button: ['Terugbetalen', 'Refund'],
  refund_button_label: ['Terugbetalen: betaling {code}', 'Refund: payment {code}'],
  refund_title: ['Terugbetalen van betaling {code}', 'Refund payment {code}'],
  refund_hint: ['Hoogstens {max}: wat de inwoner hier betaalde en nog niet terugkreeg.', 'At most {max}: what the resident paid here and has not had back.'],
  refund_amount: ['Bedrag terug in euro', 'Amount back in euros'],
  refund_send: ['Betaal {amount} terug', 'Refund {amount}'],
  refund_cancel: ['Annuleren', 'Cancel'],
  refund_above: ['Dat is meer dan je terug kunt betalen: hoogstens {max}.', 'That is more than you can refund: at most {max}.'],
  refund_done: ['{amount} is terugbetaald. Het staat weer op het saldo van de inwoner.', "{amount} has been refunded. It is back on the resident's balance."],
  refund_none_left: ['niet meer terug te betalen', 'cannot be refunded any more'],
  export_title: ['Voor je boekhouder', 'For your accountant'],
  export_intro: [
    'Een bestand (CSV) met alle betalingen en terugbetalingen van een periode: datum, tijd, code, bedrag, terugbetaald en wijk. Nooit wie er betaalde.',
    'A file (CSV) with every payment and refund of a period: date, time, code, amount, refunded and neighbourhood. Never who paid.',
  ],
  export_format: [
    'Puntkomma tussen de velden en een komma in bedragen (12,50): Excel en boekhoudpakketten in het Nederlands lezen het zo in.',
    'Semicolons between fields and a decimal comma in amounts (12,50): Excel and accounting software set to Dutch read it as is.',
  ],
  export_from: ['Van', 'From'],
  export_to: ['Tot en met', 'To (inclusive)'],
  export_download: ['Download CSV', 'Download CSV'],
  export_bad_period: ['Kies een begindatum die vóór de einddatum ligt.', 'Pick a start date before the end date.'],
  cashout_requested_on: ['aangevraagd {date}', 'requested {date}'],
  cashout_not_paid: ['Nog niet uitbetaald.', 'Not paid out yet.'],
  cashout_bank_line: ['Uitbetaald op {date} · op je bankafschrift: {e2e}', 'Paid out on {date} · on your bank statement: {e2e}'],
  involved_title: ['Wie doen er mee', "Who's involved"],
  involved_intro: ['Hoeveel verschillende inwoners deze maand bij je betaalden, en uit welke wijken. Alleen aantallen, nooit wie.', 'How many different residents paid you this month, and from which neighbourhoods. Only numbers, never who.'],
  involved_month: ['Deze maand ({month})', 'This month ({month})'],
  involved_total: ['{n} verschillende inwoners', '{n} different residents'],
  involved_few: ['Minder dan {k} inwoners: dat tonen we niet, zodat niemand herkenbaar is.', 'Fewer than {k} residents: not shown, so that nobody can be recognised.'],
  involved_none: ['Deze maand heeft nog niemand bij je betaald.', 'Nobody has paid you this month yet.'],
  involved_hood: ['{hood}: {n}', '{hood}: {n}'],
  involved_hidden: ['Andere wijken samen ({hoods}): {n}', 'Other neighbourhoods together ({hoods}): {n}'],
  involved_why: ['Wijken met minder dan {k} inwoners tonen we niet apart, zodat niemand herkenbaar is.', 'Neighbourhoods with fewer than {k} residents are not shown apart, so that nobody can be recognised.'],

  // ---------------------------------------------------------------- #15 residents: where to spend, messages, push (H6)
  shops_title: ['Waar kun je betalen?', 'Where can you pay?'],
  shops_intro: [
    'Bij deze winkels, cafés en culturele plekken in Heerlen betaal je met je Heitjes.',
    'At these shops, cafés and cultural venues in Heerlen you pay with your Heitjes.',
  ],
  shops_count: ['{n} plekken', '{n} places'],
  shops_none: ['Er doen nog geen winkels mee.', 'No shops take part yet.'],
  shops_failed: ['De winkels konden niet geladen worden. Probeer het later opnieuw.', 'The shops could not be loaded. Please try again later.'],
  shops_near: ['Dichtstbij eerst', 'Nearest first'],
  shops_near_busy: ['Je locatie opvragen…', 'Finding your location…'],
  shops_near_done: [
    'Gesorteerd op afstand van waar je nu bent. Je locatie blijft op je telefoon: we sturen hem nergens heen.',
    'Sorted by distance from where you are now. Your location stays on your phone: we send it nowhere.',
  ],
  shops_near_denied: [
    'Je locatie is niet gedeeld. De plekken staan op wijk en naam; je kunt locatie toestaan in de instellingen van je browser.',
    'Your location was not shared. The places are sorted by neighbourhood and name; you can allow location in your browser’s settings.',
  ],
  shops_order_home: ['Eerst je eigen wijk ({hood}), daarna op naam.', 'Your own neighbourhood ({hood}) first, then by name.'],
  shops_order_name: ['Op naam.', 'By name.'],
  shop_open: ['Open: {hours}', 'Open: {hours}'],
  shop_distance_m: ['{n} m', '{n} m'],
  shop_distance_km: ['{n} km', '{n} km'],
  shop_distance_label: ['Afstand', 'Distance'],
  shops_map_label: ['Kaart met de winkels', 'Map of the shops'],
  inbox_nav: ['Berichten', 'Messages'],
  inbox_new_word: ['nieuw', 'new'],
  inbox_title: ['Berichten', 'Messages'],
  inbox_intro: [
    'Hier lees je wanneer je klus is goedgekeurd of afgekeurd, en wanneer je tijd bijna om is.',
    'Here you read when your task was approved or rejected, and when your time is nearly up.',
  ],
  inbox_none: ['Nog geen berichten.', 'No messages yet.'],
  inbox_new: ['Nieuw', 'New'],
  inbox_card_unread: ['Je hebt {n} nieuw bericht', 'You have {n} new message'],
  inbox_card_unread_many: ['Je hebt {n} nieuwe berichten', 'You have {n} new messages'],
  inbox_card_open: ['Lees je berichten', 'Read your messages'],
  inbox_approved: ['Goedgekeurd: {task}', 'Approved: {task}'],
  inbox_approved_text: ['Je kreeg {amount}. Goed gedaan!', 'You received {amount}. Well done!'],
  inbox_rejected: ['Afgekeurd: {task}', 'Not approved: {task}'],
  inbox_rejected_text: ['Reden: {reason}', 'Reason: {reason}'],
  inbox_rejected_until: ['Je kunt tot {date} nieuwe foto’s inleveren of bezwaar maken.', 'You can hand in new photos or appeal until {date}.'],
  inbox_expiring: ['Loopt bijna af: {task}', 'Runs out soon: {task}'],
  inbox_expiring_text: ['Lever je foto’s in vóór {date}.', 'Hand in your photos before {date}.'],
  inbox_open_task: ['Naar de klus', 'Go to the task'],
  inbox_received: ['Ontvangen {date}', 'Received {date}'],
  push_title: ['Meldingen op deze telefoon', 'Notifications on this phone'],
  push_intro: [
    'Krijg een melding als je klus is beoordeeld of bijna afloopt. In de melding staat alleen wat er gebeurde: geen namen, geen bedragen.',
    'Get a notification when your task is reviewed or nearly runs out. It only says what happened: no names, no amounts.',
  ],
  push_on: ['Meldingen aanzetten', 'Turn notifications on'],
  push_off: ['Meldingen uitzetten', 'Turn notifications off'],
  push_busy: ['Even geduld…', 'One moment…'],
  push_is_on: ['Meldingen staan aan op deze telefoon.', 'Notifications are on for this phone.'],
  push_is_off: ['Meldingen staan uit. Je berichten blijven hier staan.', 'Notifications are off. Your messages stay here.'],
  push_denied: [
    'Meldingen zijn geblokkeerd voor deze site. Zet ze aan in de instellingen van je browser, of lees je berichten hier.',
    'Notifications are blocked for this site. Allow them in your browser’s settings, or read your messages here.',
  ],
  push_unsupported: [
    'Deze browser kan geen meldingen tonen. Je berichten staan altijd hier.',
    'This browser cannot show notifications. Your messages are always here.',
  ],
  push_unavailable: ['Meldingen zijn nog niet beschikbaar. Je berichten staan wel hier.', 'Notifications are not available yet. Your messages are here.'],
};

let lang = (() => {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'nl' || saved === 'en') return saved;
  } catch {
    /* storage blocked: Dutch */
  }
  return 'nl';
})();

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'nl';
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* storage blocked: this page only */
  }
  document.documentElement.lang = lang;
}

export function t(key, vars) {
  const pair = T[key];
  let text = pair ? pair[lang === 'en' ? 1 : 0] : key;
  if (vars) {
    for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(T, key);
}

// Cents -> "€ 12,50" (Dutch) or "€12.50" (English). 1 Heitje = 1 euro.
export function money(cents) {
  const value = Number(cents || 0) / 100;
  return new Intl.NumberFormat(lang === 'en' ? 'en-IE' : 'nl-NL', {
    style: 'currency',
    currency: 'EUR',
  }).format(value);
}

// "12,50", "12.50", "€ 12", "12" -> 1250 cents; null when it is not an amount.
export function parseMoney(text) {
  const cleaned = String(text || '').replace(/[€\s]/g, '').replace('EUR', '');
  if (!/^\d{1,7}([.,]\d{1,2})?$/.test(cleaned)) return null;
  const [whole, part = ''] = cleaned.replace(',', '.').split('.');
  const cents = Number(whole) * 100 + Number(part.padEnd(2, '0'));
  return cents > 0 ? cents : null;
}

function locale() {
  return lang === 'en' ? 'en-GB' : 'nl-NL';
}

export function date(unixSeconds) {
  return new Intl.DateTimeFormat(locale(), {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(unixSeconds * 1000));
}

export function dateTime(unixSeconds) {
  return new Intl.DateTimeFormat(locale(), {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(unixSeconds * 1000));
}

export function time(unixSeconds) {
  return new Intl.DateTimeFormat(locale(), {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(unixSeconds * 1000));
}

export function monthName(yyyyMm) {
  const [year, month] = yyyyMm.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, 15)),
  );
}

export function duration(seconds) {
  const hours = Math.round(seconds / 3600);
  if (hours < 24) return t('duration_hours', { n: hours });
  const days = Math.round(hours / 24);
  if (days === 1) return t('duration_day');
  if (days === 7) return t('duration_week');
  if (days % 7 === 0) return t('duration_weeks', { n: days / 7 });
  return t('duration_days', { n: days });
}

export function roleName(role) {
  return has(`role_${role}`) ? t(`role_${role}`) : role;
}
